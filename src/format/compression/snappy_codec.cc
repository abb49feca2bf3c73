// SNAPPY: the raw snappy format (a varint length, then the elements), not the
// framed snappy stream format.
#include <snappy.h>

#include <cstdint>

#include "format/compression/codec_internal.h"

namespace snaplake::compression_internal {
namespace {

class SnappyCodec final : public Codec {
 public:
  CompressionCodec kind() const override { return CompressionCodec::kSnappy; }

  Status Compress(ByteView input, ByteBuffer* out) override {
    // The format's length prefix is 32 bits.
    if (input.size() > UINT32_MAX) return Status::InvalidArgument("snappy: input is too large to compress");
    const size_t start = out->size();
    char* dst = reinterpret_cast<char*>(out->Grow(snappy::MaxCompressedLength(input.size())));
    size_t written = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(NonNull(input.data())), input.size(), dst, &written);
    out->Resize(start + written);
    return Status::OK();
  }

  Status Decompress(ByteView input, uint8_t* output, size_t output_len) override {
    if (input.empty()) return DecompressEmpty("snappy", output_len);
    const char* src = reinterpret_cast<const char*>(input.data());
    // The length prefix is checked first so that RawUncompress, which trusts
    // it, is only ever given a buffer of exactly that size.
    size_t length = 0;
    if (!snappy::GetUncompressedLength(src, input.size(), &length)) {
      return CorruptData("snappy", "bad length prefix");
    }
    if (length != output_len) return SizeDiffers("snappy", length, output_len);
    uint8_t scratch;
    if (!snappy::RawUncompress(src, input.size(), reinterpret_cast<char*>(NonNull(output, &scratch)))) {
      return CorruptData("snappy");
    }
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<Codec> MakeSnappyCodec() { return std::make_unique<SnappyCodec>(); }

}  // namespace snaplake::compression_internal
