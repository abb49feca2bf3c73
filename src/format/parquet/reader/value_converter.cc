#include "format/parquet/reader/value_converter.h"

#include <cstring>
#include <string>

namespace snaplake::parquet {

int PhysicalWidth(const LeafInfo& leaf) {
  switch (leaf.physical) {
    case PhysicalType::kBoolean: return 1;
    case PhysicalType::kInt32: return 4;
    case PhysicalType::kInt64: return 8;
    case PhysicalType::kInt96: return 12;
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kByteArray: return 0;
    case PhysicalType::kFixedLenByteArray: return leaf.type_length;
  }
  return 0;
}

namespace {

// Sign-extends w (1..8 or 1..16) big-endian bytes through a buffer: no per-byte loop.
int64_t LoadBigEndian64(const uint8_t* p, size_t w) {
  uint8_t buf[8];
  std::memset(buf, (p[0] & 0x80) ? 0xFF : 0x00, 8);
  std::memcpy(buf + 8 - w, p, w);
  uint64_t v;
  std::memcpy(&v, buf, 8);
  return static_cast<int64_t>(__builtin_bswap64(v));
}

int128_t LoadBigEndian128(const uint8_t* p, size_t w) {
  uint8_t buf[16];
  std::memset(buf, (p[0] & 0x80) ? 0xFF : 0x00, 16);
  std::memcpy(buf + 16 - w, p, w);
  uint64_t hi, lo;
  std::memcpy(&hi, buf, 8);
  std::memcpy(&lo, buf + 8, 8);
  const unsigned __int128 v = (static_cast<unsigned __int128>(__builtin_bswap64(hi)) << 64) | __builtin_bswap64(lo);
  return static_cast<int128_t>(v);
}

}  // namespace

bool BigEndianToInt64(const uint8_t* p, size_t len, int64_t* out) {
  if (len == 0) {
    *out = 0;
    return true;
  }
  // Bytes beyond the low 8 must all repeat the sign.
  const size_t extra = len > 8 ? len - 8 : 0;
  const uint8_t* low = p + extra;
  const size_t low_len = len - extra;
  const bool negative = (low[0] & 0x80) != 0;
  const uint8_t sign_byte = negative ? 0xFF : 0x00;
  for (size_t i = 0; i < extra; ++i) {
    if (p[i] != sign_byte) return false;
  }
  uint64_t v = negative ? ~uint64_t{0} : 0;
  for (size_t i = 0; i < low_len; ++i) v = (v << 8) | low[i];
  *out = static_cast<int64_t>(v);
  return true;
}

bool BigEndianToInt128(const uint8_t* p, size_t len, int128_t* out) {
  using u128 = unsigned __int128;
  if (len == 0) {
    *out = 0;
    return true;
  }
  const size_t extra = len > 16 ? len - 16 : 0;
  const uint8_t* low = p + extra;
  const size_t low_len = len - extra;
  const bool negative = (low[0] & 0x80) != 0;
  const uint8_t sign_byte = negative ? 0xFF : 0x00;
  for (size_t i = 0; i < extra; ++i) {
    if (p[i] != sign_byte) return false;
  }
  u128 v = negative ? ~u128{0} : 0;
  for (size_t i = 0; i < low_len; ++i) v = (v << 8) | low[i];
  *out = static_cast<int128_t>(v);
  return true;
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  uint32_t bits;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);  // infinity or NaN
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);  // rebias 15 -> 127
  } else if (mant == 0) {
    bits = sign;  // signed zero
  } else {
    // Subnormal half: normalise the mantissa.
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while ((mant & 0x400) == 0);
    bits = sign | (static_cast<uint32_t>(112 - e) << 23) | ((mant & 0x3FF) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

namespace {
constexpr int64_t kJulianEpochDay = 2440588;  // 1970-01-01

void SplitInt96(const uint8_t* p, int64_t* days, int64_t* nanos_of_day) {
  int32_t julian_day;
  std::memcpy(nanos_of_day, p, 8);
  std::memcpy(&julian_day, p + 8, 4);
  *days = static_cast<int64_t>(julian_day) - kJulianEpochDay;
}
}  // namespace

bool Int96ToNanos(const uint8_t* p, int64_t* out) {
  int64_t days, nanos_of_day, v;
  SplitInt96(p, &days, &nanos_of_day);
  if (__builtin_mul_overflow(days, int64_t{86400} * 1000 * 1000 * 1000, &v) ||
      __builtin_add_overflow(v, nanos_of_day, &v)) {
    return false;
  }
  *out = v;
  return true;
}

int64_t Int96ToMicros(const uint8_t* p) {
  int64_t days, nanos_of_day;
  SplitInt96(p, &days, &nanos_of_day);
  const uint64_t v = static_cast<uint64_t>(days) * uint64_t{86400000000} + static_cast<uint64_t>(nanos_of_day / 1000);
  return static_cast<int64_t>(v);
}

namespace {

Status DecimalOverflow(const LeafInfo& leaf) {
  return Status::Corruption("a decimal value does not fit " + leaf.type.ToString());
}

template <typename From, typename To>
void Widen(const uint8_t* src, int64_t n, uint8_t* dst) {
  for (int64_t i = 0; i < n; ++i) {
    From v;
    std::memcpy(&v, src + i * sizeof(From), sizeof(From));
    const To w = static_cast<To>(v);
    std::memcpy(dst + i * sizeof(To), &w, sizeof(To));
  }
}

}  // namespace

Status AppendFixedValues(const uint8_t* src, int64_t n, const LeafInfo& leaf, Column* out) {
  if (n <= 0) return Status::OK();
  const int pw = PhysicalWidth(leaf);
  ByteBuffer& values = out->mutable_values();
  switch (leaf.conversion) {
    case ValueConversion::kNone:
      std::memcpy(values.Grow(static_cast<size_t>(n) * pw), src, static_cast<size_t>(n) * pw);
      return Status::OK();
    case ValueConversion::kInt32ToInt64:
      Widen<int32_t, int64_t>(src, n, values.Grow(static_cast<size_t>(n) * 8));
      return Status::OK();
    case ValueConversion::kInt32ToInt128:
      Widen<int32_t, int128_t>(src, n, values.Grow(static_cast<size_t>(n) * 16));
      return Status::OK();
    case ValueConversion::kInt64ToInt128:
      Widen<int64_t, int128_t>(src, n, values.Grow(static_cast<size_t>(n) * 16));
      return Status::OK();
    case ValueConversion::kInt96ToNanos: {
      uint8_t* dst = values.Grow(static_cast<size_t>(n) * 8);
      for (int64_t i = 0; i < n; ++i) {
        int64_t v;
        if (!Int96ToNanos(src + i * 12, &v)) {
          int32_t julian_day;
          std::memcpy(&julian_day, src + i * 12 + 8, 4);
          values.Resize(values.size() - static_cast<size_t>(n) * 8);
          std::string msg = "an INT96 timestamp (Julian day ";
          msg.append(std::to_string(julian_day))
              .append(") does not fit TIMESTAMP(NANOS); read with ReaderOptions::int96_unit = TimeUnit::kMicros");
          return Status::NotImplemented(std::move(msg));
        }
        std::memcpy(dst + i * 8, &v, 8);
      }
      return Status::OK();
    }
    case ValueConversion::kInt96ToMicros: {
      uint8_t* dst = values.Grow(static_cast<size_t>(n) * 8);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t v = Int96ToMicros(src + i * 12);
        std::memcpy(dst + i * 8, &v, 8);
      }
      return Status::OK();
    }
    case ValueConversion::kFloat16ToFloat: {
      uint8_t* dst = values.Grow(static_cast<size_t>(n) * 4);
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + i * 2, 2);
        const float f = HalfToFloat(h);
        std::memcpy(dst + i * 4, &f, 4);
      }
      return Status::OK();
    }
    case ValueConversion::kBytesToDecimal64: {
      uint8_t* dst = values.Grow(static_cast<size_t>(n) * 8);
      for (int64_t i = 0; i < n; ++i) {
        int64_t v;
        if (pw <= 8) {
          v = LoadBigEndian64(src + i * pw, pw);
        } else if (!BigEndianToInt64(src + i * pw, pw, &v)) {
          values.Resize(values.size() - static_cast<size_t>(n) * 8);
          return DecimalOverflow(leaf);
        }
        std::memcpy(dst + i * 8, &v, 8);
      }
      return Status::OK();
    }
    case ValueConversion::kBytesToDecimal128: {
      uint8_t* dst = values.Grow(static_cast<size_t>(n) * 16);
      for (int64_t i = 0; i < n; ++i) {
        int128_t v;
        if (pw <= 16) {
          v = LoadBigEndian128(src + i * pw, pw);
        } else if (!BigEndianToInt128(src + i * pw, pw, &v)) {
          values.Resize(values.size() - static_cast<size_t>(n) * 16);
          return DecimalOverflow(leaf);
        }
        std::memcpy(dst + i * 16, &v, 16);
      }
      return Status::OK();
    }
  }
  return Status::Internal("unknown value conversion");
}

Status AppendBinaryValue(const uint8_t* p, size_t len, const LeafInfo& leaf, Column* out) {
  switch (leaf.conversion) {
    case ValueConversion::kBytesToDecimal64: {
      int64_t v;
      if (!BigEndianToInt64(p, len, &v)) return DecimalOverflow(leaf);
      out->mutable_values().AppendValue(v);
      return Status::OK();
    }
    case ValueConversion::kBytesToDecimal128: {
      int128_t v;
      if (!BigEndianToInt128(p, len, &v)) return DecimalOverflow(leaf);
      out->mutable_values().AppendValue(v);
      return Status::OK();
    }
    default: {
      ByteBuffer& data = out->mutable_data();
      data.Append(p, len);
      out->mutable_offsets().push_back(static_cast<int64_t>(data.size()));
      return Status::OK();
    }
  }
}

}  // namespace snaplake::parquet
