// MySQL/MariaDB column -> exported (Parquet) column: the type it becomes, the
// SELECT expression that reads it, and how to decode its value (read over the
// binary protocol: mysql_binary_row_decoder.h; docs/mysql-types.md has both
// mappings as tables).
//
//   kNative  typed: TINYINT(1) -> BOOLEAN (unless tinyint1_as_int), signed
//            integers -> INT8..INT64, UNSIGNED -> the next wider signed type
//            (BIGINT UNSIGNED -> DECIMAL(20,0)), DECIMAL(p<=38,s) exact,
//            FLOAT/DOUBLE, BIT(n<=63) -> INT64 (BIT(64) -> BINARY), YEAR ->
//            INT32, DATE, DATETIME -> TIMESTAMP(MICROS), TIMESTAMP ->
//            TIMESTAMP(MICROS,UTC), TIME -> TIME(MICROS) unless a value lies
//            outside 00:00..24:00 (then STRING), text types -> STRING,
//            binary types -> BINARY, spatial -> WKB BINARY, the rest -> STRING.
//   kRds     Amazon RDS's documented MySQL conversion (DATE and TIME as
//            STRING, small integers as INT32, BIT as BINARY, ...).
// Zero and invalid dates (0000-00-00, 2024-02-30) cannot be written as dates:
// they become NULL and are counted (so DATE/DATETIME/TIMESTAMP are nullable).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "source/postgres/pg_type_mapping.h"
#include "source/source.h"

namespace snaplake::mysql {

using postgres::TypeMode;

// One column as information_schema.COLUMNS describes it (names lower-cased
// where MySQL is case-insensitive: data_type, column_type).
struct MySqlColumnMeta {
  std::string name;
  std::string data_type;    // "int", "varchar", "decimal", "geometry", ...
  std::string column_type;  // "int(10) unsigned", "tinyint(1)", "enum('a','b')", ...
  bool nullable = true;
  int64_t char_max_length = -1;
  int32_t numeric_precision = -1;
  int32_t numeric_scale = -1;
  int32_t datetime_precision = -1;
  std::string charset;      // empty for non-text columns
};

enum class MySqlDecodeKind : uint8_t {
  kBool,       // 0/1 (TINYINT(1)); any other value fails with advice
  kInt32,      // integer -> int32 slot (INT8/INT16/INT32 types)
  kInt64,
  kDecimal,    // DECIMAL digits or BIGINT UNSIGNED -> unscaled integer at the column's scale
  kFloat,      // FLOAT -> float
  kDouble,
  kBitInt64,   // big-endian bytes -> int64
  kDate,       // date -> days since epoch; zero/invalid -> NULL (counted)
  kDateTime,   // date and time -> micros since epoch; zero/invalid -> NULL (counted)
  kTime,       // TIME in 0..24h -> micros since midnight
  kText,       // bytes as they are (UTF-8 text); dates and times as the server prints them
  kBinary,     // bytes as they are
};
const char* MySqlDecodeKindName(MySqlDecodeKind kind);

struct MySqlColumnPlan {
  SourceColumn column;
  std::string select_expr;  // e.g. "`c`", "ST_AsBinary(`c`)"
  MySqlDecodeKind kind = MySqlDecodeKind::kText;
};

struct MySqlMappingOptions {
  TypeMode mode = TypeMode::kNative;
  bool tinyint1_as_int = false;
};

// TIME columns need to know their data: a TIME column in native mode becomes
// TIME only if every value lies in [00:00:00, 24:00:00).
bool NeedsTimeRangeScan(const MySqlColumnMeta& meta, const MySqlMappingOptions& options);

// Plans one column. `time_in_day_range` matters only when NeedsTimeRangeScan.
// *note is set when the mapping loses something a user should know (a type
// exported as STRING for lack of a Parquet twin).
Result<MySqlColumnPlan> PlanMySqlColumn(const MySqlColumnMeta& meta, const MySqlMappingOptions& options,
                                        bool time_in_day_range, std::string* note);

}  // namespace snaplake::mysql
