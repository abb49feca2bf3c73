// Wrappers around the independent Parquet readers in ../shared/tools/parquet-oracles
// (DuckDB, hyparquet, arrow-rs, pqcheck), for tests that check the files we write.
//
// Each oracle call starts node processes (about half a second each), so tests
// should batch: one OracleAllOk over all the files of a test, not one per file.
// Every command runs with TZ=UTC so that DuckDB shows TIMESTAMPTZ in UTC.
//   TEST(Writer, Oracles) {
//     SL_REQUIRE_ORACLE(oracle);
//     ... write a.parquet, b.parquet ...
//     EXPECT_TRUE(OracleAllOk({a, b}));
//   }
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace snaplake {

// The `oracle` script: $SNAPLAKE_ORACLE if set, else
// <source dir>/../shared/tools/parquet-oracles/oracle; nullopt unless it is an
// executable file.
std::optional<std::string> OraclePath();

// Empty when the oracle can run (script present, `node` on PATH); else why not.
std::string OracleUnavailableReason();

// Prints a loud banner on stderr with `reason` and returns the skip message.
std::string AnnounceMissingOracle(const std::string& reason);

// Succeeds when `oracle all FILE...` printed "ok FILE" for every file (one
// call for all of them); otherwise fails with the oracle's output.
::testing::AssertionResult OracleAllOk(const std::vector<std::string>& files);

// `oracle duckdb FILE rows LIMIT`, parsed: {"duckdb_types": [{"column_name",
// "column_type"}...], "num_rows": N, "rows": [{column: value}...]}.
Result<nlohmann::json> OracleDuckDbRows(const std::string& file, int64_t limit);

// `oracle sql SQL`: DuckDB's rows as a JSON array of objects.
Result<nlohmann::json> OracleSql(const std::string& sql);

}  // namespace snaplake

// Binds `const std::string& var` to the oracle script, or skips the test with a
// loud message when the script or node is missing. Only for void functions.
#define SL_REQUIRE_ORACLE(var)                                                              \
  const std::string SL_CONCAT(sl_oracle_why_, __LINE__) = ::snaplake::OracleUnavailableReason(); \
  if (!SL_CONCAT(sl_oracle_why_, __LINE__).empty())                                         \
    GTEST_SKIP() << ::snaplake::AnnounceMissingOracle(SL_CONCAT(sl_oracle_why_, __LINE__)); \
  const std::string var = *::snaplake::OraclePath()
