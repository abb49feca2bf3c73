// Maps a snaplake Schema to Parquet's flattened schema (SchemaElements in
// depth-first order) and describes every leaf column the writer will produce.
//
// Nesting follows the spec's standard forms: LIST is
//   <rep> group name (LIST) { repeated group list { <rep> element; } }
// and MAP is
//   <rep> group name (MAP) { repeated group key_value { required key; <rep> value; } }
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "format/parquet/metadata/parquet_types.h"
#include "format/schema.h"

namespace snaplake::parquet {

// How min/max compare for a leaf (the spec's type-defined sort order).
enum class SortOrder { kSigned, kUnsigned, kSignedBigEndian /* FLBA decimals */, kNone };

struct LeafColumn {
  std::vector<std::string> path;  // names from the top-level field down to the leaf
  int16_t max_def = 0;
  int16_t max_rep = 0;
  PhysicalType physical = PhysicalType::kInt32;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width
  Type type;                // the leaf's snaplake type (how its Column stores values)
  SortOrder sort_order = SortOrder::kSigned;
  int top_level_field = 0;  // index in Schema::fields
};

struct ParquetSchema {
  std::vector<SchemaElement> elements;  // elements[0] is the root
  std::vector<LeafColumn> leaves;       // in schema order
};

// InvalidArgument for types Parquet cannot hold (e.g. DECIMAL precision > 38, a MAP key that may be NULL).
Result<ParquetSchema> BuildParquetSchema(const Schema& schema);

// Bytes of the FIXED_LEN_BYTE_ARRAY that holds any unscaled value of this precision.
int32_t DecimalByteWidth(int32_t precision);

}  // namespace snaplake::parquet
