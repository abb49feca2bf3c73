// PostgreSQL's binary numeric (numeric_send) decoded exactly into the unscaled
// integer of a Parquet DECIMAL.
//
// Wire form, big-endian: int16 ndigits, int16 weight, uint16 sign
// (0x0000 positive, 0x4000 negative, 0xC000 NaN, 0xD000 +Infinity,
// 0xF000 -Infinity), int16 dscale, then ndigits base-10000 digits (int16,
// 0..9999). The value is sum(digit[i] * 10000^(weight - i)).
//
// DecodePgNumeric never rounds: a value with more fraction digits than the
// target scale, or with |value * 10^scale| >= 10^precision, is reported, not
// stored. It allocates nothing.
#pragma once

#include <cstdint>

#include "common/buffer.h"
#include "format/column_batch.h"

namespace snaplake::postgres {

enum class PgNumericResult : uint8_t {
  kOk,
  kNaN,
  kPositiveInfinity,
  kNegativeInfinity,
  kTooManyFractionDigits,  // exact value needs more than `scale` fraction digits
  kOutOfRange,             // |value| * 10^scale >= 10^precision
  kMalformed,              // wrong length, digit > 9999, unknown sign word
};

// Decodes numeric_send bytes into value * 10^scale (0 <= scale <= precision <= 38).
// *unscaled is written only when the result is kOk.
PgNumericResult DecodePgNumeric(ByteView bytes, int32_t scale, int32_t precision, int128_t* unscaled);

// 10^n for 0 <= n <= 38.
int128_t Pow10Int128(int n);

}  // namespace snaplake::postgres
