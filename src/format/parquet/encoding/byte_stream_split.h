// BYTE_STREAM_SPLIT (Parquet encoding 9): FLOAT, DOUBLE, INT32, INT64 and
// FIXED_LEN_BYTE_ARRAY of any width.
//
// n values of `width` bytes become `width` streams of n bytes: stream k holds
// byte k of every value, and the streams are concatenated. The page carries no
// count, so the stream length is the page's value-bytes size / width.
#pragma once

#include <cstdint>

#include "common/buffer.h"
#include "common/status.h"

namespace snaplake::parquet {

// Appends width * n bytes. `values` holds n values of `width` (>= 1) bytes each.
void ByteStreamSplitEncode(const uint8_t* values, int width, int64_t n, ByteBuffer* out);

// Decodes the first n values of `in` into `out` (width * n bytes). The streams
// are in.size() / width bytes long; Corruption if in.size() is not a multiple
// of width or the streams hold fewer than n values.
Status ByteStreamSplitDecode(ByteView in, int width, int64_t n, uint8_t* out);

}  // namespace snaplake::parquet
