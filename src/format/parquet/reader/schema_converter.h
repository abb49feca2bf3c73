// Maps Parquet's flattened schema (SchemaElements, depth first) to snaplake's
// logical Schema, plus what the reader needs to turn levels back into nested
// Columns: for every node its definition/repetition thresholds, and for every
// leaf its physical type and how its values convert to the Column's storage.
//
// Nesting follows LogicalTypes.md, including its backward-compatibility rules:
// 2-level lists, `array` / `<name>_tuple` elements, repeated fields without a
// LIST annotation (a required list of required elements), MAP_KEY_VALUE used
// in place of MAP, and a map without a value column (read as a list of keys).
// List elements are named "element", map members "key" and "value", whatever
// the file calls them. Unknown logical types fall back to the converted type,
// then to the physical type; so do annotations that do not fit their physical
// type. Choices where readers differ: the legacy TIME_* / TIMESTAMP_*
// annotations (without a LogicalType) read as local time, as DuckDB and Arrow
// read them; INT96 reads as local TIMESTAMP(NANOS), or (MICROS) on request;
// FLOAT16 widens to FLOAT; decimals of precision > 38 keep their physical type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/parquet/metadata/parquet_types.h"
#include "format/schema.h"

namespace snaplake::parquet {

// How a leaf's physical values become the bytes its Column stores.
enum class ValueConversion : uint8_t {
  kNone,              // same layout (BOOLEAN as 0/1 bytes, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY, FLBA)
  kInt32ToInt64,      // INT32 decimal
  kInt32ToInt128,     // INT32 decimal of precision > 18 (a sloppy writer)
  kInt64ToInt128,     // INT64 decimal of precision > 18
  kInt96ToNanos,      // INT96 (nanoseconds of the day + Julian day) -> int64 nanoseconds since the epoch
  kInt96ToMicros,     // ... -> int64 microseconds (the range Spark writes: years 1..9999 and beyond)
  kFloat16ToFloat,    // FLOAT16 (FLBA of 2) -> float
  kBytesToDecimal64,  // big-endian two's complement (BYTE_ARRAY or FLBA) -> int64
  kBytesToDecimal128, // ... -> __int128
};

struct LeafInfo {
  std::vector<std::string> path;  // names from the top-level field down to the leaf
  std::string dotted_path;        // path joined with '.', for messages
  PhysicalType physical = PhysicalType::kInt32;
  int32_t type_length = 0;        // FIXED_LEN_BYTE_ARRAY width
  Type type;                      // the Column type the leaf is read into
  ValueConversion conversion = ValueConversion::kNone;
  int16_t max_def = 0;
  int16_t max_rep = 0;
};

// One node of the tree the reader assembles, parallel to a Field's Type tree.
//
// A leaf column's levels are read entry by entry. An entry opens a slot of a
// node when rep <= slot_rep (a new element of the enclosing list, or a new
// row) and def >= slot_def (that enclosing element exists). The slot is
// non-null when def >= def_level. A LIST/MAP slot gains an element for every
// entry with rep <= child_rep and def >= child_def.
struct ReadNode {
  enum class Kind : uint8_t { kLeaf, kList, kMap, kStruct };
  Kind kind = Kind::kLeaf;
  int16_t def_level = 0;
  int16_t slot_rep = 0;
  int16_t slot_def = 0;
  int16_t child_rep = 0;  // kList, kMap
  int16_t child_def = 0;  // kList, kMap
  // kLeaf: the leaf's index in FileSchema::leaves; otherwise the first leaf
  // below, whose levels describe this node's slots.
  int leaf = 0;
  std::vector<ReadNode> children;  // kList: [element]; kMap: [key, value]; kStruct: members
};

struct FileSchema {
  Schema schema;                // the whole file
  std::vector<ReadNode> nodes;  // parallel to schema.fields
  std::vector<LeafInfo> leaves; // in file order, parallel to a row group's column chunks
  // Leaves of top-level field i are leaves [first_leaf[i], first_leaf[i+1]).
  std::vector<int> first_leaf;
};

struct SchemaOptions {
  // INT96 becomes TIMESTAMP(int96_unit): kNanos (default) or kMicros, whose
  // range covers what Spark writes (kNanos ends in 2262).
  TimeUnit int96_unit = TimeUnit::kNanos;
};

// Corruption for a schema whose tree is malformed (child counts that do not
// add up, a leaf without a type, nesting deeper than kMaxSchemaDepth).
Result<FileSchema> ConvertSchema(const std::vector<SchemaElement>& elements, const SchemaOptions& options = {});

inline constexpr int kMaxSchemaDepth = 100;

// A name from the file as it may appear in a one-line message: control bytes
// escaped as \xHH, and cut to 200 bytes.
std::string PrintableName(std::string_view name);

// The snaplake type (and conversion) for one primitive element, e.g. INT64 +
// TIMESTAMP(MICROS, true) -> TIMESTAMP(MICROS, UTC). Exposed for tests.
void MapPrimitiveType(const SchemaElement& element, Type* type, ValueConversion* conversion,
                      const SchemaOptions& options = {});

}  // namespace snaplake::parquet
