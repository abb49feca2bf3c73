// PostgreSQL column -> exported (Parquet) column: the type it becomes, the SQL
// expression that reads it in a binary COPY, and how to decode that binary.
//
// Two mappings (docs/postgres-types.md has both as tables):
//   kNative  exact, typed: integers, floats, DECIMAL, DATE, TIMESTAMP, TIME,
//            LIST for arrays; only types with no Parquet twin become STRING.
//   kRds     Amazon RDS "export snapshot to S3" conversion table: numerics,
//            dates, times, arrays, json, uuid and domains become STRING.
// Unconstrained `numeric` in native mode depends on the data: the exporter
// first runs NumericScanSql for such columns, parses the row with
// ParseNumericScanRow, and hands each column's NumericScan to PlanColumn.
//
// Casts to text (`"col"::text`) print through the session's settings. The
// reading session must use RequiredSessionSettingsSql() so that the text is
// stable (ISO dates, UTF-8, hex bytea, ...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "source/postgres/pg_column_meta.h"
#include "source/source.h"

namespace snaplake::postgres {

enum class TypeMode { kNative, kRds };

// "native" | "rds".
Result<TypeMode> ParseTypeMode(std::string_view text);
const char* TypeModeName(TypeMode mode);

// What the data of one unconstrained numeric column (or numeric[] column) holds.
struct NumericScan {
  int32_t max_scale = 0;           // most fraction digits of any finite value
  int32_t max_integer_digits = 0;  // most digits before the point (0 for |x| < 1)
  bool has_special = false;        // NaN or +-Infinity somewhere
};

enum class PgDecodeKind : uint8_t {
  kBool,
  kInt2,            // -> INT16 (stored as int32)
  kInt4,
  kInt8,
  kFloat4,
  kFloat8,
  kNumericDecimal,  // numeric_send -> unscaled int64 / int128 at decimal_scale
  kText,            // raw text bytes: text, varchar, bpchar, name, json, citext, enum labels, anything ::text
  kJsonb,           // version byte 1 + text
  kBytea,
  kDate,            // int32 days since 2000-01-01 -> days since 1970-01-01
  kTimestamp,       // int64 us since 2000-01-01 -> us since 1970-01-01
  kTimestampTz,     // same, UTC instant
  kTime,            // int64 us since midnight
  kUuidString,      // 16 bytes -> "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
  kArray,           // array_send of element_kind, array_dims deep
};
const char* PgDecodeKindName(PgDecodeKind kind);

struct PgColumnPlan {
  SourceColumn column;       // exported name/type/nullable + RDS metadata strings
  std::string select_expr;   // e.g. "\"Col\"" or "\"Col\"::text"
  PgDecodeKind kind = PgDecodeKind::kText;
  PgDecodeKind element_kind = PgDecodeKind::kText;  // for kArray
  int32_t array_dims = 1;    // LIST nesting depth for kArray
  int32_t decimal_scale = 0; // kNumericDecimal (also for array elements): target scale
};

// `"name"` with embedded double quotes doubled.
std::string QuoteIdentifier(std::string_view name);

// SET statements (one string, ';'-separated) that make every ::text cast print
// the same way on every server: client_encoding UTF8, DateStyle ISO, IntervalStyle
// postgres, TimeZone UTC, bytea_output hex, extra_float_digits 1.
const char* RequiredSessionSettingsSql();

// True for native-mode numeric (or numeric[]) columns without a declared precision.
bool NeedsNumericScan(const PgColumnMeta& meta, TypeMode mode);

// One SELECT over `qualified_table` (already quoted, e.g. "\"public\".\"t\"")
// returning one row of 3 text fields per column, in order: max scale, max
// |value| over finite values, whether a NaN/Infinity exists. Empty if cols is.
// server_version_num decides whether numeric Infinity exists (14+).
std::string NumericScanSql(const std::string& qualified_table, const std::vector<const PgColumnMeta*>& cols,
                           int server_version_num);

// Parses that row (fields as text, SQL NULL as ""). fields.size() must be 3 * ncols.
Result<std::vector<NumericScan>> ParseNumericScanRow(const std::vector<std::string>& fields, size_t ncols);

// Plans one column. `scan` must be non-null when NeedsNumericScan(meta, mode).
// *note (may be null) is set when the data forced a fallback, e.g.
// "column x: numeric exported as STRING because its values do not fit DECIMAL(38)".
Result<PgColumnPlan> PlanColumn(const PgColumnMeta& meta, TypeMode mode, const NumericScan* scan, std::string* note);

}  // namespace snaplake::postgres
