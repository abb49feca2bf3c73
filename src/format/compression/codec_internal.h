// Shared by the codec implementations in this folder; not a public header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/buffer.h"
#include "common/status.h"
#include "format/compression/codec.h"

namespace snaplake::compression_internal {

// Each factory takes a level already checked by MakeCodec (or the default).
std::unique_ptr<Codec> MakeUncompressedCodec();
std::unique_ptr<Codec> MakeSnappyCodec();
std::unique_ptr<Codec> MakeGzipCodec(int level);
// level may be kDefaultCompressionLevel; the range depends on the linked libzstd.
Result<std::unique_ptr<Codec>> MakeZstdCodec(int level);
std::unique_ptr<Codec> MakeLz4RawCodec();
std::unique_ptr<Codec> MakeLz4HadoopCodec();
std::unique_ptr<Codec> MakeBrotliCodec(int quality);

// Libraries may not accept a null pointer even for zero bytes, and a
// zero-length span or a zero-length output may well be null.
inline const uint8_t* NonNull(const uint8_t* p) {
  static const uint8_t kZero = 0;
  return p != nullptr ? p : &kZero;
}
inline uint8_t* NonNull(uint8_t* p, uint8_t* scratch) { return p != nullptr ? p : scratch; }

// Errors worded alike for every codec; `codec` is the lower-case name.
Status CorruptData(const char* codec, const char* detail = nullptr);  // "<codec> data is corrupt[: detail]"
Status SizeDiffers(const char* codec, size_t actual, size_t expected);
Status SizeExceeds(const char* codec, size_t expected);
Status LevelOutOfRange(CompressionCodec kind, int level, int lo, int hi);
// The empty-input rule from codec.h: OK iff output_len is zero.
Status DecompressEmpty(const char* codec, size_t output_len);

}  // namespace snaplake::compression_internal
