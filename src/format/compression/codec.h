// Compression codecs for Parquet pages.
//
// A Codec turns one page body into its compressed form and back. Decompress
// is told the exact uncompressed size (from the page header) and writes
// exactly that many bytes: anything else -- corrupt input, a stream that ends
// early or would produce more -- is Status::Corruption, never a crash and
// never a write past output_len (the reader is fuzzed). An empty input
// decodes to an empty output for every codec, because parquet-java writes a
// zero-length compressed area for V2 pages whose values are all null.
//
// A Codec keeps its library contexts between calls, so it is cheap to reuse
// and must not be shared between threads: make one per thread.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "common/buffer.h"
#include "common/status.h"

namespace snaplake {

// Values equal parquet.thrift's CompressionCodec.
enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,  // deprecated in the format: Hadoop's framed LZ4
  kZstd = 6,
  kLz4Raw = 7,
};

// "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW";
// "UNKNOWN" for a value outside the enum.
const char* CompressionName(CompressionCodec codec);

// Case-insensitive: none|uncompressed|snappy|gzip|zstd|lz4_raw|lz4|brotli.
// Anything else is InvalidArgument naming the accepted values.
Result<CompressionCodec> ParseCompression(std::string_view name);

// "The codec's default": GZIP 6, ZSTD 1, BROTLI 1.
inline constexpr int kDefaultCompressionLevel = INT32_MIN;

class Codec {
 public:
  virtual ~Codec() = default;
  virtual CompressionCodec kind() const = 0;

  // Appends the compressed form of input to *out (does not clear it). input
  // must not point into *out.
  virtual Status Compress(ByteView input, ByteBuffer* out) = 0;

  // Decompresses input into exactly output_len bytes at output. Corrupt
  // input, or a decompressed size that is not exactly output_len, is
  // Status::Corruption. On error the contents of output are unspecified.
  virtual Status Decompress(ByteView input, uint8_t* output, size_t output_len) = 0;
};

// kUncompressed gives a pass-through codec; kLzo is NotImplemented; a value
// outside the enum is NotImplemented too (a file from a newer writer).
// level applies to GZIP (0..12), ZSTD (ZSTD_minCLevel()..ZSTD_maxCLevel())
// and BROTLI (0..11); it is InvalidArgument out of range or for a codec that
// has no levels (a user who asks for one would otherwise be silently ignored).
Result<std::unique_ptr<Codec>> MakeCodec(CompressionCodec kind, int level = kDefaultCompressionLevel);

}  // namespace snaplake
