// Turns a column chunk's min/max statistics (PLAIN-encoded physical values)
// into readable values: the JSON text AppendJsonValue gives for the leaf's
// snaplake type, e.g. 42, "12.30", "2024-01-02T03:04:05Z", "aspirin".
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "format/parquet/reader/schema_converter.h"

namespace snaplake::cli {

// Appends the JSON text of `bytes`, one statistics bound of `leaf`, to *out.
// Corruption (and nothing appended) when the bytes do not hold one value of
// the leaf's physical type or the value does not fit its snaplake type.
Status AppendStatisticJson(const parquet::LeafInfo& leaf, std::string_view bytes, std::string* out);

}  // namespace snaplake::cli
