// MySQL/MariaDB exports read rows through the binary protocol (server-side
// prepared statements): values of several MiB (one beyond the protocol's
// 16 MiB packet, so split over packets) arrive whole; types the docs export as
// their text form (INET4, INET6, UUID) keep it; and a reader connection killed
// mid-read fails the export with one line instead of a short result.
#include <chrono>
#include <thread>

#include "export/mysql_export_test_support.h"

namespace snaplake::testing::mysql_export {
namespace {

// length and md5 of each value, by id: a few bytes of text instead of many MiB of hex.
Result<std::vector<Row>> MariaDbDigests(const MariaDbServer& server, const std::string& table,
                                        const std::vector<std::string>& columns) {
  std::string sql = "SELECT id";
  for (const std::string& c : columns) {
    sql.append(", LENGTH(").append(c).append("), MD5(").append(c).append(")");
  }
  sql.append(" FROM big.").append(table).append(" ORDER BY id");
  SL_ASSIGN_OR_RETURN(std::string out, server.Sql(sql));
  return ParseTabRows(out);
}

// `columns` are BLOB unless named in `text` (STRING: strlen counts their UTF-8 bytes).
Result<std::vector<Row>> DuckDigests(const std::string& dir, const std::vector<std::string>& columns,
                                     const std::vector<std::string>& text) {
  std::string sql = "SELECT CAST(id AS VARCHAR) AS c0";
  int k = 1;
  for (const std::string& c : columns) {
    const bool is_text = std::find(text.begin(), text.end(), c) != text.end();
    sql.append(", CAST(").append(is_text ? "strlen(" : "octet_length(").append(c).append(") AS VARCHAR) AS c");
    sql.append(std::to_string(k++));
    sql.append(", md5(").append(c).append(") AS c").append(std::to_string(k++));
  }
  sql.append(" FROM read_parquet('").append(dir).append("/*.parquet') ORDER BY id");
  SL_ASSIGN_OR_RETURN(nlohmann::json json, OracleSql(sql));
  std::vector<Row> rows;
  for (const nlohmann::json& r : json) {
    Row row;
    for (int i = 0; i < k; ++i) {
      const nlohmann::json& v = r["c" + std::to_string(i)];
      row.push_back(v.is_null() ? std::nullopt : std::optional<std::string>(v.get<std::string>()));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

TEST_F(MySqlExportTest, ValuesOfSeveralMiBArriveWhole) {
  SL_REQUIRE_SHARED_MARIADB(server);
  SL_REQUIRE_ORACLE(oracle);
  // Room for a 17 MiB value in one statement (new connections read the global value).
  ASSERT_TRUE(server->Sql("SET GLOBAL max_allowed_packet = 64 * 1024 * 1024").ok());
  Result<std::string> setup = server->Sql(R"sql(
DROP DATABASE IF EXISTS big;
CREATE DATABASE big;
CREATE TABLE big.blobs (id INT PRIMARY KEY, lb LONGBLOB, lt LONGTEXT CHARACTER SET utf8mb4, vc VARCHAR(300) CHARACTER SET utf8mb4, mb MEDIUMBLOB);
INSERT INTO big.blobs VALUES
  (1, REPEAT(x'00FF7F80', 1310720), REPEAT('ü€😀', 700000), REPEAT('a', 260), REPEAT(x'01', 70000)),
  (2, REPEAT(x'DEADBEEF', 4456448), NULL, '', x''),
  (3, x'', '', NULL, NULL),
  (4, REPEAT('x', 250), REPEAT('é', 40000), REPEAT('ß', 300), REPEAT(x'02', 65536)),
  (5, REPEAT(x'AB', 16777216 - 5), 'short', 'z', REPEAT(x'03', 16777215));
)sql");
  ASSERT_TRUE(setup.ok()) << setup.status().message();
  nlohmann::json task = ExportOk("big", server->Uri("big"), "--parallel 1");
  ASSERT_EQ(task["Status"], "COMPLETE") << task.dump();
  const std::vector<std::string> columns = {"lb", "lt", "vc", "mb"};
  Result<std::vector<Row>> theirs = MariaDbDigests(*server, "blobs", columns);
  ASSERT_TRUE(theirs.ok()) << theirs.status().message();
  Result<std::vector<Row>> mine = DuckDigests(TableDir("big", "big", "blobs"), columns, {"lt", "vc"});
  ASSERT_TRUE(mine.ok()) << mine.status().message().substr(0, 300);
  ASSERT_EQ(theirs->size(), 5u);
  EXPECT_EQ(*(*theirs)[1][1], "17825792");  // row 2's LONGBLOB: beyond one 16 MiB packet
  EXPECT_EQ(*(*theirs)[0][3], "6300000");   // row 1's LONGTEXT: 6 MB of multi-byte UTF-8
  ASSERT_EQ(mine->size(), theirs->size());
  for (size_t r = 0; r < theirs->size(); ++r) {
    for (size_t c = 0; c < (*theirs)[r].size(); ++c) {
      EXPECT_EQ((*mine)[r][c], (*theirs)[r][c]) << "row " << r << " field " << c;
    }
  }
  EXPECT_TRUE(OracleAllOk(ParquetFiles("big")));
}

TEST_F(MySqlExportTest, TypesWithoutAParquetTwinKeepTheirTextForm) {
  SL_REQUIRE_SHARED_MARIADB(server);
  SL_REQUIRE_ORACLE(oracle);
  Result<std::string> setup = server->Sql(R"sql(
DROP DATABASE IF EXISTS odd;
CREATE DATABASE odd;
CREATE TABLE odd.t (id INT PRIMARY KEY, i6 INET6, u UUID, i4 INET4, y YEAR, tm TIME(2), dt DATETIME(3) NOT NULL,
                    ts TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00');
SET sql_mode = '';
INSERT INTO odd.t VALUES
  (1, '::1', '123e4567-e89b-12d3-a456-426655440000', '192.168.0.1', 1901, '-838:59:59.00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),
  (2, 'fe80::1:2', '00000000-0000-0000-0000-000000000000', '0.0.0.0', 0, '838:59:59.99', '2024-02-29 23:59:59.999', '2038-01-19 03:14:07'),
  (3, NULL, NULL, NULL, NULL, '00:00:00.01', '1000-01-01 00:00:00.001', '1970-01-01 00:00:01');
)sql");
  ASSERT_TRUE(setup.ok()) << setup.status().message();
  for (const char* mode : {"native", "rds"}) {
    const std::string id = std::string("odd-") + mode;
    nlohmann::json task = ExportOk(id, server->Uri("odd"), std::string("--types ") + mode);
    ASSERT_EQ(task["Status"], "COMPLETE") << task.dump();
    EXPECT_TRUE(SameTable(*server, "odd", "t", TableDir(id, "odd", "t"),
                          {{"id"}, {"i6", Kind::kRawText}, {"u", Kind::kRawText}, {"i4", Kind::kRawText},
                           {"y", Kind::kNumeric}, {"tm", Kind::kRawText}, {"dt", Kind::kDateTime},
                           {"ts", Kind::kDateTime}}))
        << mode;
    const std::string warning = task.value("WarningMessage", "");
    EXPECT_NE(warning.find("odd.t: 2 zero or invalid date(s) exported as NULL (dt: 1, ts: 1)"), std::string::npos)
        << warning;
  }
}

// A reader connection killed while rows stream: the export fails with one
// line; it never completes with fewer rows.
TEST_F(MySqlExportTest, AReaderKilledMidReadFailsTheExport) {
  SL_REQUIRE_SHARED_MARIADB(server);
  Result<std::string> setup = server->Sql(R"sql(
DROP DATABASE IF EXISTS killme;
CREATE DATABASE killme;
CREATE TABLE killme.t (id INT PRIMARY KEY, pad CHAR(200));
INSERT INTO killme.t SELECT seq, REPEAT('k', 200) FROM killme.seq_1_to_100000;
)sql");
  ASSERT_TRUE(setup.ok()) << setup.status().message();
  CliResult started = Run(StartArgs("killed", server->Uri("killme"), "--parallel 1 --max-rate 10000rows"));
  ASSERT_EQ(started.exit_code, 0) << started.err;
  bool killed = false;
  for (int i = 0; i < 200 && !killed; ++i) {
    nlohmann::json task = Describe("killed");
    if (task.value("Status", "") == "IN_PROGRESS" && task.value("ExportedRows", int64_t{0}) > 0) {
      Result<std::string> ids = server->Sql(
          "SELECT GROUP_CONCAT(ID) FROM information_schema.PROCESSLIST WHERE DB = 'killme' AND ID <> CONNECTION_ID()");
      ASSERT_TRUE(ids.ok());
      std::string list = *ids;
      while (!list.empty() && (list.back() == '\n' || list.back() == ' ')) list.pop_back();
      ASSERT_FALSE(list.empty() || list == "NULL");
      size_t start = 0;
      while (start < list.size()) {
        size_t comma = list.find(',', start);
        std::string one = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        (void)server->Sql("KILL CONNECTION " + one);
        start = comma == std::string::npos ? list.size() : comma + 1;
      }
      killed = true;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_TRUE(killed) << Describe("killed").dump();
  CliResult waited = Run("export wait --id killed --timeout 60");
  nlohmann::json task = Describe("killed");
  EXPECT_EQ(task["Status"], "FAILED") << task.dump() << waited.out << waited.err;
  const std::string reason = task.value("FailureCause", task.value("StatusMessage", std::string()));
  std::fprintf(stderr, "the export's failure: %s\n", reason.c_str());
  EXPECT_FALSE(reason.empty()) << task.dump();
  EXPECT_EQ(reason.find('\n'), std::string::npos) << reason;
  EXPECT_NE(task.dump().find("MySQL"), std::string::npos) << task.dump();
}

}  // namespace
}  // namespace snaplake::testing::mysql_export
