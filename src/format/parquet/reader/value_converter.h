// Turns decoded physical values into the bytes a leaf Column stores (see
// column_batch.h): decimals widened to int64/__int128, INT96 to nanoseconds,
// FLOAT16 to float; everything else is copied as is.
//
// These append to the Column's values (fixed width) or offsets + data
// (variable width) only; validity and length are the assembler's business.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "format/column_batch.h"
#include "format/parquet/reader/schema_converter.h"

namespace snaplake::parquet {

// Bytes one physical value occupies in PLAIN form (BOOLEAN: 1, as unpacked
// 0/1 bytes; BYTE_ARRAY: 0, variable).
int PhysicalWidth(const LeafInfo& leaf);

// Appends n fixed-width physical values (PhysicalWidth(leaf) bytes each) to out.
// Corruption when a decimal does not fit the Column's integer width.
Status AppendFixedValues(const uint8_t* src, int64_t n, const LeafInfo& leaf, Column* out);

// Appends one BYTE_ARRAY value to out (bytes, or a decimal for kBytesToDecimal*).
Status AppendBinaryValue(const uint8_t* p, size_t len, const LeafInfo& leaf, Column* out);

// Big-endian two's complement bytes (any length) to an integer; false if it does not fit.
bool BigEndianToInt64(const uint8_t* p, size_t len, int64_t* out);
bool BigEndianToInt128(const uint8_t* p, size_t len, int128_t* out);

// IEEE 754 half precision to single precision (NaN, infinities and subnormals kept).
float HalfToFloat(uint16_t h);

// INT96 (8 bytes nanoseconds of the day, 4 bytes Julian day, little-endian) to
// nanoseconds since 1970-01-01; false when that overflows int64.
bool Int96ToNanos(const uint8_t* p, int64_t* out);
// ... to microseconds, wrapping around on overflow exactly as Spark (the writer
// of INT96) computes them, so that years past 294247 read as Spark reads them.
int64_t Int96ToMicros(const uint8_t* p);

}  // namespace snaplake::parquet
