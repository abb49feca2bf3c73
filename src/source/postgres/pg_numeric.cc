#include "source/postgres/pg_numeric.h"

#include <array>

namespace snaplake::postgres {

namespace {

constexpr std::array<int128_t, 39> MakePow10() {
  std::array<int128_t, 39> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr std::array<int128_t, 39> kPow10 = MakePow10();

inline uint16_t LoadU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

constexpr uint16_t kSignPositive = 0x0000;
constexpr uint16_t kSignNegative = 0x4000;
constexpr uint16_t kSignNaN = 0xC000;
constexpr uint16_t kSignPositiveInfinity = 0xD000;
constexpr uint16_t kSignNegativeInfinity = 0xF000;

}  // namespace

int128_t Pow10Int128(int n) { return kPow10[static_cast<size_t>(n)]; }

PgNumericResult DecodePgNumeric(ByteView bytes, int32_t scale, int32_t precision, int128_t* unscaled) {
  if (bytes.size() < 8) return PgNumericResult::kMalformed;
  const uint8_t* p = bytes.data();
  const int ndigits = static_cast<int16_t>(LoadU16(p));
  const int weight = static_cast<int16_t>(LoadU16(p + 2));
  const uint16_t sign = LoadU16(p + 4);
  if (ndigits < 0 || bytes.size() != 8 + 2 * static_cast<size_t>(ndigits)) return PgNumericResult::kMalformed;
  switch (sign) {
    case kSignPositive:
    case kSignNegative:
      break;
    case kSignNaN:
      return PgNumericResult::kNaN;
    case kSignPositiveInfinity:
      return PgNumericResult::kPositiveInfinity;
    case kSignNegativeInfinity:
      return PgNumericResult::kNegativeInfinity;
    default:
      return PgNumericResult::kMalformed;
  }

  // Each digit contributes digit * 10^e with e = 4 * (weight - i) + scale. Adding
  // the terms one by one (rather than Horner's rule) keeps leading and trailing
  // zero digits harmless and lets every overflow be caught where it happens.
  int128_t acc = 0;
  const uint8_t* digits = p + 8;
  for (int i = 0; i < ndigits; ++i) {
    const int d = LoadU16(digits + 2 * i);
    if (d > 9999) return PgNumericResult::kMalformed;
    if (d == 0) continue;
    const int e = 4 * (weight - i) + scale;
    int128_t term;
    if (e >= 0) {
      if (e > 38) return PgNumericResult::kOutOfRange;
      if (__builtin_mul_overflow(static_cast<int128_t>(d), kPow10[e], &term)) return PgNumericResult::kOutOfRange;
    } else {
      if (e < -3) return PgNumericResult::kTooManyFractionDigits;  // d < 10^4 cannot be a multiple of 10^4
      const int div = static_cast<int>(kPow10[-e]);
      if (d % div != 0) return PgNumericResult::kTooManyFractionDigits;
      term = d / div;
    }
    if (__builtin_add_overflow(acc, term, &acc)) return PgNumericResult::kOutOfRange;
  }
  if (acc >= kPow10[precision]) return PgNumericResult::kOutOfRange;
  *unscaled = sign == kSignNegative ? -acc : acc;
  return PgNumericResult::kOk;
}

}  // namespace snaplake::postgres
