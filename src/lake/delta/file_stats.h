// add.stats for a data file, taken from its Parquet footer (no data is read):
//   {"numRecords":N,"minValues":{...},"maxValues":{...},"nullCount":{...}}
//
// Only top-level, non-nested columns get entries, and a bound is written only
// when it is exact and Spark reads it back as the same value:
//   numbers, decimals (as JSON numbers), dates ("YYYY-MM-DD"), strings of at
//   most 32 bytes, and timestamps at millisecond precision (min floored, max
//   ceiled, so they stay bounds: "2024-01-02T03:04:05.123Z", no "Z" for
//   timestamp_ntz). NaN and infinities, booleans, binaries and unsigned types
//   get no bounds. A column whose statistics are missing in any row group
//   gets no bound (and no nullCount if a null_count is missing).
// Stats are optional in Delta: leaving a bound out only costs data skipping.
#pragma once

#include <string>

#include "common/status.h"
#include "format/parquet/metadata/parquet_types.h"

namespace snaplake::delta {

// Corruption when the footer's schema cannot be read.
Result<std::string> StatsFromFooter(const parquet::FileMetaData& footer);

}  // namespace snaplake::delta
