#include "format/compression/codec.h"

#include <cstring>
#include <string>

#include "format/compression/codec_internal.h"

namespace snaplake {

namespace ci = compression_internal;

const char* CompressionName(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kUncompressed: return "UNCOMPRESSED";
    case CompressionCodec::kSnappy: return "SNAPPY";
    case CompressionCodec::kGzip: return "GZIP";
    case CompressionCodec::kLzo: return "LZO";
    case CompressionCodec::kBrotli: return "BROTLI";
    case CompressionCodec::kLz4: return "LZ4";
    case CompressionCodec::kZstd: return "ZSTD";
    case CompressionCodec::kLz4Raw: return "LZ4_RAW";
  }
  return "UNKNOWN";
}

Result<CompressionCodec> ParseCompression(std::string_view name) {
  struct Entry {
    const char* name;
    CompressionCodec codec;
  };
  static constexpr Entry kNames[] = {
      {"none", CompressionCodec::kUncompressed}, {"uncompressed", CompressionCodec::kUncompressed},
      {"snappy", CompressionCodec::kSnappy},     {"gzip", CompressionCodec::kGzip},
      {"zstd", CompressionCodec::kZstd},         {"lz4_raw", CompressionCodec::kLz4Raw},
      {"lz4", CompressionCodec::kLz4},           {"brotli", CompressionCodec::kBrotli},
  };
  for (const Entry& e : kNames) {
    if (name.size() != std::strlen(e.name)) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == e.name[i];
    }
    if (same) return e.codec;
  }
  std::string msg = "unknown compression '";
  msg.append(name.substr(0, 64));
  msg.append("'; expected one of: none, uncompressed, snappy, gzip, zstd, lz4_raw, lz4, brotli");
  return Status::InvalidArgument(std::move(msg));
}

Result<std::unique_ptr<Codec>> MakeCodec(CompressionCodec kind, int level) {
  const bool has_level = level != kDefaultCompressionLevel;
  if (has_level && kind != CompressionCodec::kGzip && kind != CompressionCodec::kZstd &&
      kind != CompressionCodec::kBrotli && kind != CompressionCodec::kLzo) {
    std::string msg = CompressionName(kind);
    msg.append(" has no compression level; levels apply to GZIP, ZSTD and BROTLI");
    return Status::InvalidArgument(std::move(msg));
  }
  switch (kind) {
    case CompressionCodec::kUncompressed:
      return ci::MakeUncompressedCodec();
    case CompressionCodec::kSnappy:
      return ci::MakeSnappyCodec();
    case CompressionCodec::kGzip:
      // libdeflate's own range; see gzip_codec.cc for the default.
      if (has_level && (level < 0 || level > 12)) return ci::LevelOutOfRange(kind, level, 0, 12);
      return ci::MakeGzipCodec(has_level ? level : 6);
    case CompressionCodec::kZstd:
      return ci::MakeZstdCodec(level);  // checks the range against the linked libzstd
    case CompressionCodec::kBrotli:
      if (has_level && (level < 0 || level > 11)) return ci::LevelOutOfRange(kind, level, 0, 11);
      return ci::MakeBrotliCodec(has_level ? level : 1);
    case CompressionCodec::kLz4:
      return ci::MakeLz4HadoopCodec();
    case CompressionCodec::kLz4Raw:
      return ci::MakeLz4RawCodec();
    case CompressionCodec::kLzo:
      return Status::NotImplemented("LZO compression is not supported");
  }
  std::string msg = "compression codec ";
  msg.append(std::to_string(static_cast<int32_t>(kind))).append(" is not supported");
  return Status::NotImplemented(std::move(msg));
}

namespace compression_internal {

Status CorruptData(const char* codec, const char* detail) {
  std::string msg = codec;
  msg.append(" data is corrupt");
  if (detail != nullptr && *detail != '\0') msg.append(": ").append(detail);
  return Status::Corruption(std::move(msg));
}

Status LevelOutOfRange(CompressionCodec kind, int level, int lo, int hi) {
  std::string msg = CompressionName(kind);
  msg.append(" compression level ").append(std::to_string(level));
  msg.append(" is out of range; use ").append(std::to_string(lo));
  msg.append("..").append(std::to_string(hi));
  return Status::InvalidArgument(std::move(msg));
}

Status SizeDiffers(const char* codec, size_t actual, size_t expected) {
  std::string msg = codec;
  msg.append(": decompressed size ").append(std::to_string(actual));
  msg.append(" differs from the page header's ").append(std::to_string(expected));
  return Status::Corruption(std::move(msg));
}

Status SizeExceeds(const char* codec, size_t expected) {
  std::string msg = codec;
  msg.append(": data decompresses to more than the page header's ");
  msg.append(std::to_string(expected)).append(" bytes");
  return Status::Corruption(std::move(msg));
}

Status DecompressEmpty(const char* codec, size_t output_len) {
  if (output_len == 0) return Status::OK();
  std::string msg = codec;
  msg.append(": the compressed data is empty but the page header says ");
  msg.append(std::to_string(output_len)).append(" bytes");
  return Status::Corruption(std::move(msg));
}

namespace {

// Pages written without compression: the "compressed" bytes are the page.
class UncompressedCodec final : public Codec {
 public:
  CompressionCodec kind() const override { return CompressionCodec::kUncompressed; }

  Status Compress(ByteView input, ByteBuffer* out) override {
    out->Append(input);
    return Status::OK();
  }

  Status Decompress(ByteView input, uint8_t* output, size_t output_len) override {
    if (input.size() != output_len) {
      std::string msg = "uncompressed page has ";
      msg.append(std::to_string(input.size())).append(" bytes but the page header says ");
      msg.append(std::to_string(output_len));
      return Status::Corruption(std::move(msg));
    }
    if (output_len > 0) std::memcpy(output, input.data(), output_len);
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<Codec> MakeUncompressedCodec() { return std::make_unique<UncompressedCodec>(); }

}  // namespace compression_internal
}  // namespace snaplake
