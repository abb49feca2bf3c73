// Decodes one page's repetition or definition levels: the RLE/bit-packed
// hybrid (with the 4-byte length prefix of data page v1, or without it in v2)
// or the deprecated BIT_PACKED encoding (most significant bit first).
//
// Every level handed out is checked to be <= max_level, so callers can use
// levels as indexes without further checks.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/buffer.h"
#include "common/status.h"
#include "format/parquet/encoding/rle_bit_packed.h"
#include "format/parquet/metadata/parquet_types.h"

namespace snaplake::parquet {

class LevelDecoder {
 public:
  // Data page v1: `data` starts with the levels; *consumed is set to the bytes
  // they occupy (where the next section of the page begins).
  Status InitV1(Encoding encoding, int16_t max_level, int64_t num_values, ByteView data, size_t* consumed);
  // Data page v2: `data` is exactly the RLE-encoded levels.
  Status InitV2(int16_t max_level, ByteView data);

  // Decodes exactly n levels into out; Corruption if the data ends first or a
  // level exceeds max_level.
  Status Decode(int16_t* out, int64_t n);

 private:
  Status CheckMax(const int16_t* levels, int64_t n) const;
  Status DecodeBitPacked(int16_t* out, int64_t n);

  int16_t max_level_ = 0;
  int bit_width_ = 0;
  bool bit_packed_ = false;
  RleBitPackedDecoder rle_;
  // BIT_PACKED state.
  const uint8_t* bp_data_ = nullptr;
  size_t bp_len_ = 0;
  uint64_t bp_bit_pos_ = 0;
};

}  // namespace snaplake::parquet
