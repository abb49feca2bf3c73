// Deterministic synthetic tables, for `snaplake parquet generate`, the demo
// and the benchmarks: the same seed and row range always give the same rows.
#pragma once

#include <cstdint>

#include "format/column_batch.h"

namespace snaplake {

// The "mixed" table: id BIGINT NOT NULL, quantity INT, price DECIMAL(12,2),
// amount DECIMAL(28,6), name STRING, category STRING (a few hundred distinct
// values), created TIMESTAMP(MICROS, UTC), updated TIMESTAMP(MICROS),
// day DATE, ratio DOUBLE, active BOOLEAN; about 10 % NULLs in every nullable
// column.
Schema MixedSchema();

// Fills `batch` (of MixedSchema(), cleared first) with rows [first_row, first_row + rows).
void FillMixedBatch(int64_t first_row, int64_t rows, uint64_t seed, ColumnBatch* batch);

}  // namespace snaplake
