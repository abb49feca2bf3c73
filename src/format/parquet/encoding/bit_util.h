// Small bit helpers for Parquet: bit widths and PLAIN booleans.
//
// PLAIN BOOLEAN packs one bit per value, least significant bit first (the
// same order as the RLE/bit-packed hybrid). In memory snaplake keeps
// booleans as one 0/1 byte each.
#pragma once

#include <cstdint>

#include "common/buffer.h"
#include "common/status.h"

namespace snaplake::parquet {

// Bits needed to store max_value: 0 for 0, 1 for 1, 2 for 2..3, 3 for 4..7, ...
int BitWidthFor(uint64_t max_value);

// Appends ceil(n/8) bytes. `bools` holds n bytes, each 0 or 1; the unused
// high bits of the last byte are zero.
void PackBooleans(const uint8_t* bools, int64_t n, ByteBuffer* out);

// Expands n bits of `in` into n bytes of 0/1. Corruption if `in` holds fewer
// than ceil(n/8) bytes; extra bytes are ignored.
Status UnpackBooleans(ByteView in, int64_t n, uint8_t* out);

}  // namespace snaplake::parquet
