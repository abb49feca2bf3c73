#include "format/parquet/encoding/bit_util.h"

#include <array>
#include <bit>
#include <cstring>
#include <string>

namespace snaplake::parquet {
namespace {

static_assert(std::endian::native == std::endian::little, "boolean packing assumes a little-endian host");

// Gathers the low bit of each of 8 bytes (byte i of x holds bool i) into one
// byte, bool i at bit i: the multiply moves byte i's bit to bit 56 + i and no
// two partial products meet (or carry) inside the top byte.
inline uint8_t GatherBits(uint64_t x) {
  return static_cast<uint8_t>((x * 0x0102040810204080ULL) >> 56);
}

// kSpread[b] holds 8 bytes whose byte i is bit i of b.
constexpr std::array<uint64_t, 256> MakeSpreadTable() {
  std::array<uint64_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>((b >> i) & 1) << (8 * i);
    table[static_cast<size_t>(b)] = v;
  }
  return table;
}
constexpr std::array<uint64_t, 256> kSpread = MakeSpreadTable();

}  // namespace

int BitWidthFor(uint64_t max_value) { return static_cast<int>(std::bit_width(max_value)); }

void PackBooleans(const uint8_t* bools, int64_t n, ByteBuffer* out) {
  if (n <= 0) return;
  int64_t full = n / 8;
  int64_t rest = n % 8;
  uint8_t* dst = out->Grow(static_cast<size_t>(full + (rest ? 1 : 0)));
  for (int64_t i = 0; i < full; ++i) {
    uint64_t x;
    std::memcpy(&x, bools + 8 * i, 8);
    dst[i] = GatherBits(x & 0x0101010101010101ULL);
  }
  if (rest) {
    uint8_t last = 0;
    for (int64_t j = 0; j < rest; ++j) last |= static_cast<uint8_t>((bools[8 * full + j] & 1) << j);
    dst[full] = last;
  }
}

Status UnpackBooleans(ByteView in, int64_t n, uint8_t* out) {
  if (n <= 0) return Status::OK();
  uint64_t needed = (static_cast<uint64_t>(n) + 7) / 8;
  if (in.size() < needed) {
    std::string msg = "PLAIN booleans truncated: ";
    msg.append(std::to_string(n)).append(" values need ").append(std::to_string(needed));
    msg.append(" bytes but the page holds ").append(std::to_string(in.size()));
    return Status::Corruption(std::move(msg));
  }
  int64_t full = n / 8;
  for (int64_t i = 0; i < full; ++i) std::memcpy(out + 8 * i, &kSpread[in[static_cast<size_t>(i)]], 8);
  int64_t rest = n % 8;
  for (int64_t j = 0; j < rest; ++j) out[8 * full + j] = (in[static_cast<size_t>(full)] >> j) & 1;
  return Status::OK();
}

}  // namespace snaplake::parquet
