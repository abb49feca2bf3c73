// The export tests' "torture types" database (kTypesSql, tests/export/pg_types_sql.h)
// exported in both type modes and ingested: every table Delta can hold reads
// back through the Delta log exactly as the exported files read (which the
// export tests compare with PostgreSQL value by value), DuckDB reading the
// log's active files sees the same row counts, and every table Delta cannot
// hold is refused with the column named.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "export/export_test_support.h"
#include "export/pg_types_sql.h"
#include "testing/oracle.h"
#include "testing/pg_server.h"
#include "testing/test_env.h"

namespace snaplake {
namespace {

using Json = nlohmann::json;

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

class LakeTortureTypes : public ::testing::TestWithParam<const char*> {};

TEST_P(LakeTortureTypes, EveryTableReadsBackOrIsRefusedNamingTheColumn) {
  const std::string mode = GetParam();
  SL_REQUIRE_SHARED_PG(pg);
  TempDir tmp;
  const std::string db = StrCat("lake_types_", mode, "_", std::to_string(getpid()));
  ASSERT_TRUE(pg->Psql(StrCat("CREATE DATABASE ", db, ";")).ok());
  auto setup = pg->Psql(export_test::kTypesSql, db);
  ASSERT_TRUE(setup.ok()) << setup.status().message();
  const std::string home = tmp.Path("home");
  auto run = export_test::RunExport(home, "t", pg->Uri(db), tmp.Path("out"), StrCat("--types ", mode));
  ASSERT_TRUE(export_test::Completed(run));

  auto cli = [&](const std::string& args, std::string* out, std::string* err) {
    return RunCommandCapture(StrCat("SNAPLAKE_HOME=", ShellQuote(home), " ", ShellQuote(SnaplakeBinary()), " ", args),
                             out, err);
  };
  std::string out, err;
  const int code = cli(StrCat("ingest --id t --catalog c --schema ", mode, " --warehouse ",
                              ShellQuote(tmp.Path("wh")), " --output json"),
                       &out, &err);
  Json report = Json::parse(out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << out << err;
  int ok = 0, refused = 0;
  for (const Json& t : report["tables"]) {
    const std::string source = t["source"];
    SCOPED_TRACE(source);
    if (t["status"] != "OK") {
      // Only types Spark cannot read are refused, and the message names the column.
      const std::string error = t["error"];
      EXPECT_NE(error.find("has no Delta/Spark type"), std::string::npos) << error;
      EXPECT_NE(error.find("column '"), std::string::npos) << error;
      EXPECT_EQ(mode, "native") << "rds mode exports only types Delta holds: " << error;
      ++refused;
      continue;
    }
    ++ok;
    // Our Delta reader gives exactly the rows of the exported files.
    std::string delta_rows, parquet_rows;
    ASSERT_EQ(cli(StrCat("delta cat ", ShellQuote(t["location"].get<std::string>())), &delta_rows, &err), 0) << err;
    const std::string schema_table = source.substr(source.find('.') + 1);
    for (const std::string& part : export_test::ParquetFilesUnder(StrCat(tmp.Path("out"), "/t/", db, "/", schema_table))) {
      std::string rows;
      ASSERT_EQ(cli(StrCat("parquet cat ", ShellQuote(part)), &rows, &err), 0) << err;
      parquet_rows += rows;
    }
    EXPECT_EQ(SortedLines(delta_rows), SortedLines(parquet_rows));
    EXPECT_EQ(t["rows"].get<int64_t>(), static_cast<int64_t>(SortedLines(delta_rows).size()));
    // DuckDB, reading the files an independent replay of the log names, counts the same rows.
    if (OracleUnavailableReason().empty()) {
      std::string replay;
      ASSERT_EQ(RunCommand(StrCat("python3 ", ShellQuote(StrCat(SNAPLAKE_SOURCE_DIR, "/tests/lake/delta/replay_delta_log.py")),
                                  " ", ShellQuote(t["location"].get<std::string>()), " --rows"),
                           &replay),
                0)
          << replay;
      EXPECT_EQ(Json::parse(replay)["rows"].size(), SortedLines(delta_rows).size());
    }
  }
  EXPECT_GE(ok, 4);
  EXPECT_EQ(code, refused > 0 ? 1 : 0) << err;
  if (mode == std::string("rds")) {
    EXPECT_EQ(refused, 0);
  }
  std::printf("%s: %d tables ingested and read back, %d refused\n", mode.c_str(), ok, refused);
}

INSTANTIATE_TEST_SUITE_P(Modes, LakeTortureTypes, ::testing::Values("native", "rds"));

}  // namespace
}  // namespace snaplake
