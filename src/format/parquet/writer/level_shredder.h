// Shreds a top-level Column into Dremel repetition/definition levels, one
// stream per Parquet leaf column.
//
// For every leaf, ShreddedLeaf lists one entry per level: def[i] and rep[i],
// and for each entry with def[i] == max_def the slot of the leaf Column that
// holds its value (value_slots, in order). A flat column (no LIST/MAP/STRUCT)
// needs no shredding: the writer reads its validity directly (see IsFlat).
#pragma once

#include <cstdint>
#include <vector>

#include "format/column_batch.h"
#include "format/parquet/writer/schema_builder.h"

namespace snaplake::parquet {

struct ShreddedLeaf {
  const Column* column = nullptr;  // the leaf's values
  std::vector<int16_t> def;
  std::vector<int16_t> rep;
  std::vector<int64_t> value_slots;

  void Clear() {
    column = nullptr;
    def.clear();
    rep.clear();
    value_slots.clear();
  }
};

// Fills leaves[first_leaf ...] (one per leaf under `field`, in schema order)
// from rows [0, column.length()) of `column`. Buffers are reused across calls.
void ShredColumn(const Field& field, const Column& column, const std::vector<LeafColumn>& leaf_info,
                 int first_leaf, std::vector<ShreddedLeaf>* leaves);

}  // namespace snaplake::parquet
