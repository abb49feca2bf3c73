// LZ4_RAW (7): one bare LZ4 block.
//
// LZ4 (5, deprecated in the format): what Hadoop's Lz4Codec writes, a sequence
// of blocks, each [4-byte big-endian uncompressed size] followed by chunks of
// [4-byte big-endian compressed size][LZ4 block] that fill it. (Hadoop starts
// a new chunk every buffer-size bytes of input; Arrow and most writers emit one
// chunk per block.) Some early writers put a bare LZ4 block under this codec
// id instead, so input that does not parse exactly as the Hadoop framing is
// tried as a bare block. We write the Hadoop framing as a single block with a
// single chunk.
#include <lz4.h>

#include <climits>

#include "format/compression/codec_internal.h"

namespace snaplake::compression_internal {
namespace {

uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void StoreBigEndian32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

Status InputTooLarge(const char* codec) {
  std::string msg = codec;
  msg.append(": a page of more than ").append(std::to_string(LZ4_MAX_INPUT_SIZE));
  msg.append(" bytes cannot be LZ4-compressed");
  return Status::InvalidArgument(std::move(msg));
}

// Appends one LZ4 block holding input; returns its size, or 0 on failure.
size_t AppendLz4Block(ByteView input, size_t reserve_before, ByteBuffer* out) {
  const int bound = LZ4_compressBound(static_cast<int>(input.size()));
  const size_t start = out->size();
  uint8_t* dst = out->Grow(reserve_before + static_cast<size_t>(bound)) + reserve_before;
  int written = LZ4_compress_default(reinterpret_cast<const char*>(NonNull(input.data())),
                                     reinterpret_cast<char*>(dst), static_cast<int>(input.size()), bound);
  if (written <= 0) {
    out->Resize(start);
    return 0;
  }
  out->Resize(start + reserve_before + static_cast<size_t>(written));
  return static_cast<size_t>(written);
}

// Decodes a bare block into at most capacity bytes; -1 if it is malformed or
// would need more room. LZ4_decompress_safe never writes beyond capacity.
int DecodeBlock(const uint8_t* in, size_t in_len, uint8_t* out, size_t capacity) {
  if (in_len > INT_MAX) return -1;
  const int cap = capacity > INT_MAX ? INT_MAX : static_cast<int>(capacity);
  return LZ4_decompress_safe(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out),
                             static_cast<int>(in_len), cap);
}

class Lz4RawCodec final : public Codec {
 public:
  CompressionCodec kind() const override { return CompressionCodec::kLz4Raw; }

  Status Compress(ByteView input, ByteBuffer* out) override {
    if (input.size() > LZ4_MAX_INPUT_SIZE) return InputTooLarge("lz4_raw");
    if (AppendLz4Block(input, 0, out) == 0) return Status::Internal("lz4_raw compression failed");
    return Status::OK();
  }

  Status Decompress(ByteView input, uint8_t* output, size_t output_len) override {
    if (input.empty()) return DecompressEmpty("lz4_raw", output_len);
    uint8_t scratch;
    int produced = DecodeBlock(input.data(), input.size(), NonNull(output, &scratch), output_len);
    if (produced < 0) {
      return CorruptData("lz4_raw", "not a valid LZ4 block, or it decompresses to more than the page header says");
    }
    if (static_cast<size_t>(produced) != output_len) return SizeDiffers("lz4_raw", produced, output_len);
    return Status::OK();
  }
};

class Lz4HadoopCodec final : public Codec {
 public:
  CompressionCodec kind() const override { return CompressionCodec::kLz4; }

  Status Compress(ByteView input, ByteBuffer* out) override {
    if (input.size() > LZ4_MAX_INPUT_SIZE) return InputTooLarge("lz4");
    const size_t start = out->size();
    const size_t written = AppendLz4Block(input, 8, out);
    if (written == 0) return Status::Internal("lz4 compression failed");
    StoreBigEndian32(out->data() + start, static_cast<uint32_t>(input.size()));
    StoreBigEndian32(out->data() + start + 4, static_cast<uint32_t>(written));
    return Status::OK();
  }

  Status Decompress(ByteView input, uint8_t* output, size_t output_len) override {
    if (input.empty()) return DecompressEmpty("lz4", output_len);
    uint8_t scratch;
    output = NonNull(output, &scratch);
    if (DecodeHadoop(input, output, output_len)) return Status::OK();
    int produced = DecodeBlock(input.data(), input.size(), output, output_len);
    if (produced < 0) {
      return CorruptData("lz4",
                         "neither Hadoop-framed LZ4 nor a bare LZ4 block, or it decompresses to more than the "
                         "page header says");
    }
    if (static_cast<size_t>(produced) != output_len) return SizeDiffers("lz4", produced, output_len);
    return Status::OK();
  }

 private:
  // True iff input is exactly a sequence of Hadoop blocks that decodes to
  // exactly output_len bytes. Every size is checked against what is left of
  // input and output before it is used.
  static bool DecodeHadoop(ByteView input, uint8_t* output, size_t output_len) {
    const uint8_t* in = input.data();
    size_t in_left = input.size();
    size_t out_pos = 0;
    while (in_left > 0) {
      if (in_left < 8) return false;  // a block holds at least one chunk
      const size_t block_size = LoadBigEndian32(in);
      in += 4;
      in_left -= 4;
      if (block_size > output_len - out_pos) return false;
      const size_t block_end = out_pos + block_size;
      do {
        if (in_left < 4) return false;
        const size_t chunk_size = LoadBigEndian32(in);
        in += 4;
        in_left -= 4;
        if (chunk_size > in_left) return false;
        const int produced = DecodeBlock(in, chunk_size, output + out_pos, block_end - out_pos);
        // A chunk that adds nothing to a non-empty block is not what Hadoop writes.
        if (produced < 0 || (produced == 0 && block_size != 0)) return false;
        in += chunk_size;
        in_left -= chunk_size;
        out_pos += static_cast<size_t>(produced);
      } while (out_pos < block_end);
    }
    return out_pos == output_len;
  }
};

}  // namespace

std::unique_ptr<Codec> MakeLz4RawCodec() { return std::make_unique<Lz4RawCodec>(); }
std::unique_ptr<Codec> MakeLz4HadoopCodec() { return std::make_unique<Lz4HadoopCodec>(); }

}  // namespace snaplake::compression_internal
