// ULEB128 varints and zigzag mapping, as Parquet's RLE hybrid and DELTA_*
// encodings use them.
//
// Readers are bounds-checked: GetUleb128 never reads at or past `end` and
// rejects varints longer than 10 bytes or wider than 64 bits.
#pragma once

#include <cstdint>

#include "common/buffer.h"

namespace snaplake::parquet {

inline void PutUleb128(uint64_t value, ByteBuffer* out) {
  uint8_t bytes[10];
  int n = 0;
  while (value >= 0x80) {
    bytes[n++] = static_cast<uint8_t>(value | 0x80);
    value >>= 7;
  }
  bytes[n++] = static_cast<uint8_t>(value);
  out->Append(bytes, n);
}

// Reads a varint at *pos (< end). On success advances *pos and returns true;
// returns false when the varint is truncated or does not fit in 64 bits.
inline bool GetUleb128(const uint8_t** pos, const uint8_t* end, uint64_t* value) {
  const uint8_t* p = *pos;
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= end) return false;
    uint8_t byte = *p++;
    // The 10th byte may hold only the top bit of a 64-bit value.
    if (shift == 63 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *pos = p;
      *value = result;
      return true;
    }
  }
  return false;
}

// Zigzag maps signed to unsigned so small magnitudes get small varints.
// Works in the unsigned domain, so INT64_MIN and friends are well defined.
inline uint64_t ZigZagEncode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode64(uint64_t u) {
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

}  // namespace snaplake::parquet
