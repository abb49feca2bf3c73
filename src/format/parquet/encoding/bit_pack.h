// Bit-packing kernels shared by the RLE/bit-packed hybrid and DELTA_BINARY_PACKED.
//
// Layout (Parquet's RLE-hybrid order): values are packed back to back starting
// at the least significant bit of the first byte; 32 values of width w take
// exactly 4*w bytes. Each width has its own fully unrolled kernel; pick one
// with Get*Fn(w) outside a hot loop, or call the dispatching wrappers.
//
// Contracts: widths are 0..32 (32-bit values) or 0..64 (64-bit values), and
// callers validate them first. Packers take the low w bits of each input.
// Unpack* reads exactly 4*w bytes; the *Partial variants read only `in_len`
// bytes (and treat the rest as zero bits), for the tail of a buffer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace snaplake::parquet {

inline constexpr int kMaxBitWidth32 = 32;
inline constexpr int kMaxBitWidth64 = 64;

using Unpack32Fn = void (*)(const uint8_t* in, uint32_t* out);
using Pack32Fn = void (*)(const uint32_t* in, uint8_t* out);
using Unpack64Fn = void (*)(const uint8_t* in, uint64_t* out);
using Pack64Fn = void (*)(const uint64_t* in, uint8_t* out);

Unpack32Fn GetUnpack32Fn(int bit_width);  // 0..32
Pack32Fn GetPack32Fn(int bit_width);      // 0..32
Unpack64Fn GetUnpack64Fn(int bit_width);  // 0..64
Pack64Fn GetPack64Fn(int bit_width);      // 0..64

// 32 values <-> 4*bit_width bytes.
inline void Unpack32(const uint8_t* in, int bit_width, uint32_t* out) { GetUnpack32Fn(bit_width)(in, out); }
inline void Pack32(const uint32_t* in, int bit_width, uint8_t* out) { GetPack32Fn(bit_width)(in, out); }
inline void Unpack32x64(const uint8_t* in, int bit_width, uint64_t* out) { GetUnpack64Fn(bit_width)(in, out); }
inline void Pack32x64(const uint64_t* in, int bit_width, uint8_t* out) { GetPack64Fn(bit_width)(in, out); }

// Like Unpack32 / Unpack32x64 but reads only min(in_len, 4*bit_width) bytes.
void Unpack32Partial(const uint8_t* in, size_t in_len, int bit_width, uint32_t* out);
void Unpack32x64Partial(const uint8_t* in, size_t in_len, int bit_width, uint64_t* out);

}  // namespace snaplake::parquet
