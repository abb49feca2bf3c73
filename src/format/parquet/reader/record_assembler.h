// Turns the levels and dense values of a batch's leaves into nested Columns
// (Dremel record assembly).
//
// Before: every leaf Column holds only its non-null values, back to back
// (what ColumnChunkReader appended), and every leaf's LevelBatch holds the
// batch's levels. After: every Column of the field's tree has its slots,
// validity, offsets and (for leaves) values spread to their slots, with zeros
// or empty strings at NULL slots. Levels that contradict each other (members of
// a struct disagreeing on the row count, elements inside a NULL list) are
// Corruption, never undefined behaviour.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/column_batch.h"
#include "format/parquet/reader/column_chunk_reader.h"
#include "format/parquet/reader/schema_converter.h"

namespace snaplake::parquet {

struct AssemblyInput {
  const std::vector<LeafInfo>* leaves = nullptr;
  // Indexed by leaf index; only the leaves under the field being assembled are used.
  const std::vector<const LevelBatch*>* levels = nullptr;
  int64_t budget = 0;        // bytes a leaf's values may grow to when NULL slots are spread in
  std::string context;       // "<file>" for messages
};

Status AssembleField(const ReadNode& node, const AssemblyInput& in, Column* column);

}  // namespace snaplake::parquet
