// snaplake Schema <-> Delta's schemaString (Spark's StructType as JSON).
//
// Type mapping (docs/delta.md has the table):
//   BOOLEAN boolean; INT8 byte; INT16 short; INT32 integer; INT64 long;
//   UINT8 short; UINT16 integer; UINT32 long; UINT64 decimal(20,0) (what Spark
//   reads the Parquet UINT_* annotations as); FLOAT float; DOUBLE double;
//   DECIMAL(p,s) decimal(p,s); STRING, JSON, ENUM string; BINARY, FIXED_BINARY
//   binary; DATE date; TIMESTAMP(MILLIS|MICROS, UTC) timestamp;
//   TIMESTAMP(MILLIS|MICROS, local) timestamp_ntz (table feature timestampNtz);
//   LIST array; MAP map; STRUCT struct.
// TIME, INTERVAL, UUID and TIMESTAMP(NANOS) have no type Spark's Parquet
// reader accepts for those files: ToSparkSchemaJson refuses them, naming the
// column, rather than write a table Spark cannot read.
//
// Column mapping: a name Spark/Delta refuses as a Parquet column name (one of
// ` ,;{}()\n\t=`) needs the columnMapping feature (mode "name"). We then give
// every field delta.columnMapping.id and a physicalName equal to its name,
// since the data files already use that name.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "format/schema.h"

namespace snaplake::delta {

struct SparkSchemaOptions {
  bool column_mapping = false;  // write delta.columnMapping.{id,physicalName} on every field
};

// InvalidArgument "column 'c': TIME has no Delta/Spark type; ..." for unmapped types.
Result<std::string> ToSparkSchemaJson(const Schema& schema, const SparkSchemaOptions& options = {});

// Parses a schemaString. Field metadata delta.columnMapping.physicalName, when
// present, is returned in *physical_names (parallel to the top-level fields;
// the logical name where absent). NotImplemented for types snaplake cannot
// represent (e.g. variant), Corruption for malformed JSON.
Result<Schema> ParseSparkSchema(const std::string& schema_string,
                                std::vector<std::string>* physical_names = nullptr);

// The Spark type name of one type ("integer", "decimal(10,2)", "array<string>"
// style for nested), for `delta schema` and messages.
std::string SparkTypeName(const Type& type);

// False for names containing any of ` ,;{}()\n\t=` (Delta's rule for tables
// without column mapping).
bool IsPlainColumnName(std::string_view name);
// True when some field (at any depth) has a name IsPlainColumnName refuses.
bool NeedsColumnMapping(const Schema& schema);
// True when some field (at any depth) is a local (wall-clock) TIMESTAMP.
bool UsesTimestampNtz(const Schema& schema);

}  // namespace snaplake::delta
