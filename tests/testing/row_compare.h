// Compares the rows we produce with the rows DuckDB shows for the same data
// (the `rows` of OracleDuckDbRows, or OracleSql's array), value by value.
//
// Ours is rendered by AppendJsonRow (format/value_json.h); DuckDB's comes from
// its Node API (getRowObjectsJson). The two spell equal values differently, so
// both are brought to one form before comparing:
//   numbers      DuckDB prints BIGINT/UBIGINT/HUGEINT/DECIMAL as strings: a JSON
//                number and a string are equal when they are the same decimal
//                number ("1.50" == 1.5, "-9223372036854775808" == -9223372036854775808).
//                Two strings are NOT compared as numbers ("1.50" != "1.5").
//   floats       DuckDB widens FLOAT to double (0.10000000149011612); ours prints the
//                shortest float (0.1): equal when both round to the same float and
//                DuckDB's value is exactly a float.
//   time         "2020-01-02T03:04:05.5Z" == "2020-01-02 03:04:05.500+00"; DuckDB's
//                "0045-03-15 (BC)" == ours "-0044-03-15"; offsets are applied
//                (TIMESTAMPTZ shown in any zone); TIME "01:02:03Z" == TIMETZ "01:02:03+00".
//                A value with an offset never equals one without (UTC vs local).
//   binary       ours is base64, DuckDB's is "a\x00b"-escaped: equal when the bytes are.
//   interval     ours {"months","days","millis"} vs DuckDB {"months","days","micros"}.
//   maps         ours {"k": v} (string keys) vs DuckDB [{"key":"k","value":v}, ...].
//   objects      compared by key (struct member order is not checked).
// Known weak spots: a string that happens to be base64 of DuckDB's escaped
// text, or a VARCHAR that spells a timestamp differently, compares equal; DuckDB's
// 'infinity' dates/timestamps never equal our numeric rendering.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "format/column_batch.h"

namespace snaplake {

struct RowCompareOptions {
  // DuckDB's rows were cut by a LIMIT: compare only that many of ours.
  bool ours_may_have_more_rows = false;
};

// `duckdb_rows` is a JSON array of row objects, or OracleDuckDbRows' whole
// output (its "rows" are used). The failure message names the first differing
// row and column, where inside the value, and both values.
::testing::AssertionResult RowsMatchDuckDb(const ColumnBatch& ours, const nlohmann::json& duckdb_rows,
                                           const RowCompareOptions& options = {});

// Ours as JSON lines (one object per line, as `snaplake parquet cat` prints).
::testing::AssertionResult JsonLinesMatchDuckDb(std::string_view json_lines, const nlohmann::json& duckdb_rows,
                                                const RowCompareOptions& options = {});

// One value of ours (as AppendJsonValue renders it) against DuckDB's.
::testing::AssertionResult JsonValuesMatch(const nlohmann::json& ours, const nlohmann::json& duckdb_value);

}  // namespace snaplake
