// Decodes one column-chunk statistics bound (min_value / max_value: a PLAIN-
// encoded physical value) into the value a leaf Column stores, so readers of
// statistics (the `parquet` commands, Delta's per-file stats) see exactly what
// reading the data would give: decimals widened, TIME(MILLIS) as int64, ...
#pragma once

#include <string_view>

#include "common/status.h"
#include "format/column_batch.h"
#include "format/parquet/reader/schema_converter.h"

namespace snaplake::parquet {

// Fills `column` (empty, of leaf.type, not nested) with the one value in
// `bytes`. Corruption when the bytes do not hold one value of the leaf's
// physical type or the value does not fit its snaplake type.
Status DecodeStatisticValue(const LeafInfo& leaf, std::string_view bytes, Column* column);

}  // namespace snaplake::parquet
