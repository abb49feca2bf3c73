#include "format/parquet/encoding/bit_pack.h"

#include <array>
#include <bit>
#include <cstring>
#include <utility>

namespace snaplake::parquet {
namespace {

// The kernels read the packed bytes as little-endian 32-bit words, which is
// what makes Parquet's LSB-first order cheap.
static_assert(std::endian::native == std::endian::little, "bit packing assumes a little-endian host");

// Every position and shift below is a compile-time constant, so each kernel
// compiles to straight-line shifts and masks with no loop or branch.

template <int W, int I>
inline uint32_t Extract32(const uint32_t* words) {
  constexpr int kBit = I * W;
  constexpr int kWord = kBit / 32;
  constexpr int kShift = kBit % 32;
  constexpr uint32_t kMask = (uint32_t{1} << W) - 1;
  if constexpr (kShift + W <= 32) {
    return (words[kWord] >> kShift) & kMask;
  } else {
    return ((words[kWord] >> kShift) | (words[kWord + 1] << (32 - kShift))) & kMask;
  }
}

template <int W, int I>
inline void Insert32(uint32_t* words, uint32_t value) {
  constexpr int kBit = I * W;
  constexpr int kWord = kBit / 32;
  constexpr int kShift = kBit % 32;
  constexpr uint32_t kMask = (uint32_t{1} << W) - 1;
  value &= kMask;
  words[kWord] |= value << kShift;
  if constexpr (kShift + W > 32) words[kWord + 1] |= value >> (32 - kShift);
}

template <int W, int I>
inline uint64_t Extract64(const uint32_t* words) {
  constexpr int kBit = I * W;
  constexpr int kWord = kBit / 32;
  constexpr int kShift = kBit % 32;
  constexpr int kHave = 32 - kShift;  // bits taken from the first word
  uint64_t v = static_cast<uint64_t>(words[kWord]) >> kShift;
  if constexpr (kHave < W) v |= static_cast<uint64_t>(words[kWord + 1]) << kHave;
  if constexpr (kHave + 32 < W) v |= static_cast<uint64_t>(words[kWord + 2]) << (kHave + 32);
  if constexpr (W < 64) v &= (uint64_t{1} << W) - 1;
  return v;
}

template <int W, int I>
inline void Insert64(uint32_t* words, uint64_t value) {
  constexpr int kBit = I * W;
  constexpr int kWord = kBit / 32;
  constexpr int kShift = kBit % 32;
  constexpr int kHave = 32 - kShift;
  if constexpr (W < 64) value &= (uint64_t{1} << W) - 1;
  words[kWord] |= static_cast<uint32_t>(value << kShift);
  if constexpr (kHave < W) words[kWord + 1] |= static_cast<uint32_t>(value >> kHave);
  if constexpr (kHave + 32 < W) words[kWord + 2] |= static_cast<uint32_t>(value >> (kHave + 32));
}

template <int W, int... I>
inline void Unpack32Words(const uint32_t* words, uint32_t* out, std::integer_sequence<int, I...>) {
  ((out[I] = Extract32<W, I>(words)), ...);
}
template <int W, int... I>
inline void Pack32Words(const uint32_t* in, uint32_t* words, std::integer_sequence<int, I...>) {
  (Insert32<W, I>(words, in[I]), ...);
}
template <int W, int... I>
inline void Unpack64Words(const uint32_t* words, uint64_t* out, std::integer_sequence<int, I...>) {
  ((out[I] = Extract64<W, I>(words)), ...);
}
template <int W, int... I>
inline void Pack64Words(const uint64_t* in, uint32_t* words, std::integer_sequence<int, I...>) {
  (Insert64<W, I>(words, in[I]), ...);
}

using Values32 = std::make_integer_sequence<int, 32>;

template <int W>
void Unpack32Kernel(const uint8_t* in, uint32_t* out) {
  if constexpr (W == 0) {
    std::memset(out, 0, 32 * sizeof(uint32_t));
  } else if constexpr (W == 32) {
    std::memcpy(out, in, 32 * sizeof(uint32_t));
  } else {
    uint32_t words[W];
    std::memcpy(words, in, sizeof(words));
    Unpack32Words<W>(words, out, Values32{});
  }
}

template <int W>
void Pack32Kernel(const uint32_t* in, uint8_t* out) {
  if constexpr (W == 32) {
    std::memcpy(out, in, 32 * sizeof(uint32_t));
  } else if constexpr (W > 0) {
    uint32_t words[W] = {};
    Pack32Words<W>(in, words, Values32{});
    std::memcpy(out, words, sizeof(words));
  }
}

template <int W>
void Unpack64Kernel(const uint8_t* in, uint64_t* out) {
  if constexpr (W == 0) {
    std::memset(out, 0, 32 * sizeof(uint64_t));
  } else if constexpr (W == 64) {
    std::memcpy(out, in, 32 * sizeof(uint64_t));
  } else {
    uint32_t words[W];
    std::memcpy(words, in, sizeof(words));
    Unpack64Words<W>(words, out, Values32{});
  }
}

template <int W>
void Pack64Kernel(const uint64_t* in, uint8_t* out) {
  if constexpr (W == 64) {
    std::memcpy(out, in, 32 * sizeof(uint64_t));
  } else if constexpr (W > 0) {
    uint32_t words[W] = {};
    Pack64Words<W>(in, words, Values32{});
    std::memcpy(out, words, sizeof(words));
  }
}

template <int... W>
constexpr std::array<Unpack32Fn, sizeof...(W)> MakeUnpack32Table(std::integer_sequence<int, W...>) {
  return {&Unpack32Kernel<W>...};
}
template <int... W>
constexpr std::array<Pack32Fn, sizeof...(W)> MakePack32Table(std::integer_sequence<int, W...>) {
  return {&Pack32Kernel<W>...};
}
template <int... W>
constexpr std::array<Unpack64Fn, sizeof...(W)> MakeUnpack64Table(std::integer_sequence<int, W...>) {
  return {&Unpack64Kernel<W>...};
}
template <int... W>
constexpr std::array<Pack64Fn, sizeof...(W)> MakePack64Table(std::integer_sequence<int, W...>) {
  return {&Pack64Kernel<W>...};
}

constexpr auto kUnpack32 = MakeUnpack32Table(std::make_integer_sequence<int, kMaxBitWidth32 + 1>{});
constexpr auto kPack32 = MakePack32Table(std::make_integer_sequence<int, kMaxBitWidth32 + 1>{});
constexpr auto kUnpack64 = MakeUnpack64Table(std::make_integer_sequence<int, kMaxBitWidth64 + 1>{});
constexpr auto kPack64 = MakePack64Table(std::make_integer_sequence<int, kMaxBitWidth64 + 1>{});

}  // namespace

Unpack32Fn GetUnpack32Fn(int bit_width) { return kUnpack32[static_cast<size_t>(bit_width)]; }
Pack32Fn GetPack32Fn(int bit_width) { return kPack32[static_cast<size_t>(bit_width)]; }
Unpack64Fn GetUnpack64Fn(int bit_width) { return kUnpack64[static_cast<size_t>(bit_width)]; }
Pack64Fn GetPack64Fn(int bit_width) { return kPack64[static_cast<size_t>(bit_width)]; }

void Unpack32Partial(const uint8_t* in, size_t in_len, int bit_width, uint32_t* out) {
  size_t full = static_cast<size_t>(bit_width) * 4;
  if (in_len >= full) {
    Unpack32(in, bit_width, out);
    return;
  }
  uint8_t padded[kMaxBitWidth32 * 4] = {};
  if (in_len > 0) std::memcpy(padded, in, in_len);
  Unpack32(padded, bit_width, out);
}

void Unpack32x64Partial(const uint8_t* in, size_t in_len, int bit_width, uint64_t* out) {
  size_t full = static_cast<size_t>(bit_width) * 4;
  if (in_len >= full) {
    Unpack32x64(in, bit_width, out);
    return;
  }
  uint8_t padded[kMaxBitWidth64 * 4] = {};
  if (in_len > 0) std::memcpy(padded, in, in_len);
  Unpack32x64(padded, bit_width, out);
}

}  // namespace snaplake::parquet
