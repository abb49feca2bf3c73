// End-to-end MySQL/MariaDB exports through the snaplake binary against a
// throwaway MariaDB 10.11: every type (NULLs, extremes, charsets) value by
// value against MariaDB's own output, native and rds mappings; weird
// identifiers; empty, key-less, composite-key and unique-key tables split
// into ranges; consistency under concurrent transfers at --parallel 4 with the
// lock time and binary log position recorded.
#include <atomic>
#include <chrono>
#include <thread>

#include "export/mysql_export_test_support.h"

namespace snaplake::testing::mysql_export {
namespace {

constexpr char kTypesSetup[] = R"sql(
SET sql_mode = 'ALLOW_INVALID_DATES';
DROP DATABASE IF EXISTS types;
CREATE DATABASE types;
CREATE TABLE types.all_types (
  id INT PRIMARY KEY,
  b TINYINT(1), ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  d1 DECIMAL(5,2), d2 DECIMAL(18,6), d3 DECIMAL(38,10), d4 DECIMAL(65,30), du DECIMAL(10,0) UNSIGNED,
  f FLOAT, db DOUBLE, bt1 BIT(1), bt5 BIT(5), bt63 BIT(63), bt64 BIT(64), y YEAR,
  dd DATE, dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(3), tmw TIME,
  c CHAR(5), vc VARCHAR(50), vl VARCHAR(50) CHARACTER SET latin1, vb VARCHAR(50) COLLATE utf8mb4_bin,
  tx TEXT, lt LONGTEXT, e ENUM('a','b','ç'), st SET('x','y','z'), j JSON,
  bn BINARY(4), vbn VARBINARY(20), bl BLOB, g GEOMETRY, p POINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO types.all_types VALUES
 (1, 0, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
  -999.99, -999999999999.999999, -9999999999999999999999999999.9999999999,
  -99999999999999999999999999999999999.999999999999999999999999999999, 0,
  -3.4028234e38, -1.7976931348623157e308, 0, 0, 0, 0, 1901,
  '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000000', '00:00:00', '-838:59:59',
  '', '', '', '', '', '', 'a', '', '[]',
  x'00000000', x'', x'', ST_GeomFromText('POINT(0 0)'), POINT(-1.5, 2.25)),
 (2, 1, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
  999.99, 999999999999.999999, 9999999999999999999999999999.9999999999,
  99999999999999999999999999999999999.999999999999999999999999999999, 9999999999,
  3.4028234e38, 1.7976931348623157e308, 1, 31, 9223372036854775807, 18446744073709551615, 2155,
  '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '23:59:59.999', '838:59:59',
  'abcde', 'héllo wörld', 'caf\xE9 ß', 'CaSe', REPEAT('long text ', 1000), REPEAT('😀', 5000), 'ç', 'x,z',
  '{"k": [1, 2.5, "\u00e9"], "n": null}',
  x'FFFFFFFF', x'00FF00FF', x'DEADBEEF00', ST_GeomFromText('LINESTRING(0 0, 1 1, 2 5)'), POINT(1e300, -1e-300)),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL),
 (4, 1, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0.01, -0.000001, 0.0000000001, 0.000000000000000000000000000001, 1,
  1.2345678, 0.1, 1, 5, 1, 1, 0,
  '0000-00-00', '0000-00-00 00:00:00', '2023-02-30 12:00:00.5', '0000-00-00 00:00:00', '12:34:56.789', '-00:00:01',
  'tab\t', 'line\nbreak\\back', 'ÿ', 'emoji 😀🎉 中文', 'NULL', '', 'b', 'x,y,z', '"just a string"',
  x'00', x'00', x'00', ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 4, 0 0))'), POINT(0, 0)),
 (5, 0, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -0.01, 0.5, -0.5, -0.5, 0,
  -0.0, 5e-324, 0, 16, 4611686018427387904, 9223372036854775808, 2000,
  '2024-02-29', '2023-02-29 00:00:00', '1969-12-31 23:59:59.999999', '2024-02-29 12:00:00', '00:00:00.001', '24:00:00',
  ' sp', 'trailing  ', 'Ñandú', 'Ω≈ç√', 'multi\nline\ntext', 'x', 'a', '', 'null',
  x'7F', x'80', x'FF', ST_GeomFromText('MULTIPOINT((1 1),(2 2))'), POINT(3, 4));
ANALYZE TABLE types.all_types;
)sql";

// Everything but the columns whose kind depends on the mapping.
std::vector<Col> CommonColumns() {
  return {{"id"}, {"ti"}, {"tiu"}, {"si"}, {"siu"}, {"mi"}, {"miu"}, {"i"}, {"iu"}, {"bi"}, {"biu"},
          {"d1"}, {"d2"}, {"d3"}, {"d4", Kind::kRawText}, {"du"}, {"db", Kind::kFloat}, {"f", Kind::kFloat},
          {"y", Kind::kNumeric}, {"dtm", Kind::kDateTime}, {"dtm6", Kind::kDateTime}, {"ts", Kind::kDateTime},
          {"tmw", Kind::kRawText}, {"c", Kind::kText}, {"vc", Kind::kText}, {"vl", Kind::kText},
          {"vb", Kind::kText}, {"tx", Kind::kText}, {"lt", Kind::kText}, {"e", Kind::kText}, {"st", Kind::kText},
          {"j", Kind::kText}, {"bn", Kind::kBinary}, {"vbn", Kind::kBinary}, {"bl", Kind::kBinary},
          {"g", Kind::kSpatial}, {"p", Kind::kSpatial}, {"bt64", Kind::kBitBytes, 8}};
}

TEST_F(MySqlExportTest, EveryTypeNativeMatchesMariaDb) {
  SL_REQUIRE_SHARED_MARIADB(server);
  SL_REQUIRE_ORACLE(oracle);
  ASSERT_TRUE(server->Sql(kTypesSetup).ok()) << server->Sql(kTypesSetup).status().message();
  nlohmann::json task = ExportOk("types-native", server->Uri("types"), "--parallel 2");
  ASSERT_EQ(task["Status"], "COMPLETE") << task.dump();
  const std::string dir = TableDir("types-native", "types", "all_types");
  std::vector<Col> cols = CommonColumns();
  cols.push_back({"b", Kind::kBool});
  cols.push_back({"bt1", Kind::kNumeric});
  cols.push_back({"bt5", Kind::kNumeric});
  cols.push_back({"bt63", Kind::kNumeric});
  cols.push_back({"dd", Kind::kDate});
  cols.push_back({"tm", Kind::kTime});
  EXPECT_TRUE(SameTable(*server, "types", "all_types", dir, cols));
  EXPECT_TRUE(OracleAllOk(ParquetFiles("types-native")));

  // The types DuckDB sees.
  std::vector<std::string> files = ParquetFiles("types-native");
  ASSERT_EQ(files.size(), 1u);
  Result<nlohmann::json> rows = OracleDuckDbRows(files[0], 1);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  std::map<std::string, std::string> types;
  for (const nlohmann::json& t : (*rows)["duckdb_types"]) types[t["column_name"]] = t["column_type"];
  EXPECT_EQ(types["b"], "BOOLEAN");
  EXPECT_EQ(types["ti"], "TINYINT");
  EXPECT_EQ(types["tiu"], "SMALLINT");
  EXPECT_EQ(types["iu"], "BIGINT");
  EXPECT_EQ(types["biu"], "DECIMAL(20,0)");
  EXPECT_EQ(types["d3"], "DECIMAL(38,10)");
  EXPECT_EQ(types["d4"], "VARCHAR");
  EXPECT_EQ(types["f"], "FLOAT");
  EXPECT_EQ(types["bt63"], "BIGINT");
  EXPECT_EQ(types["bt64"], "BLOB");
  EXPECT_EQ(types["y"], "INTEGER");
  EXPECT_EQ(types["dd"], "DATE");
  EXPECT_EQ(types["dtm"], "TIMESTAMP");
  EXPECT_EQ(types["ts"], "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(types["tm"], "TIME");
  EXPECT_EQ(types["tmw"], "VARCHAR");  // -838:59:59 is no time of day
  EXPECT_EQ(types["g"], "BLOB");
  // Zero and invalid dates: NULL, counted in the task's warning (dd 1, dtm 2, dtm6 1, ts 1).
  const std::string warning = task.value("WarningMessage", "");
  EXPECT_NE(warning.find("types.all_types: 5 zero or invalid date(s) exported as NULL"), std::string::npos) << warning;
  EXPECT_NE(warning.find("TIME exported as STRING"), std::string::npos) << warning;
  EXPECT_NE(warning.find("DECIMAL(65,30) exported as STRING"), std::string::npos) << warning;
  // Original types in export_tables_info.
  std::string info_text;
  for (const std::string& f : FilesUnder(TaskDir("types-native"))) {
    if (f.rfind("export_tables_info_", 0) == 0) {
      ASSERT_EQ(RunCommand("cat " + ShellQuote(TaskDir("types-native") + "/" + f), &info_text), 0);
    }
  }
  nlohmann::json info = nlohmann::json::parse(info_text, nullptr, false);
  ASSERT_TRUE(info.is_object()) << info_text;
  std::map<std::string, std::string> original;
  for (const nlohmann::json& m : info["perTableStatus"][0]["schemaMetadata"]["originalTypeMappings"]) {
    original[m["columnName"]] = m["originalType"];
  }
  EXPECT_EQ(original["biu"], "bigint(20) unsigned");
  EXPECT_EQ(original["b"], "tinyint(1)");
  EXPECT_EQ(original["e"], "enum('a','b','ç')");
}

TEST_F(MySqlExportTest, EveryTypeRdsMatchesMariaDb) {
  SL_REQUIRE_SHARED_MARIADB(server);
  SL_REQUIRE_ORACLE(oracle);
  ASSERT_TRUE(server->Sql(kTypesSetup).ok());
  nlohmann::json task = ExportOk("types-rds", server->Uri("types"), "--types rds --parallel 1");
  ASSERT_EQ(task["Status"], "COMPLETE") << task.dump();
  std::vector<Col> cols = CommonColumns();
  cols.push_back({"b"});  // TINYINT(1) stays an integer
  cols.push_back({"bt1", Kind::kBitBytes, 1});
  cols.push_back({"bt5", Kind::kBitBytes, 1});
  cols.push_back({"bt63", Kind::kBitBytes, 8});
  cols.push_back({"dd", Kind::kRawText});  // DATE as its text, zero dates included
  cols.push_back({"tm", Kind::kRawText});
  EXPECT_TRUE(SameTable(*server, "types", "all_types", TableDir("types-rds", "types", "all_types"), cols));
  EXPECT_TRUE(OracleAllOk(ParquetFiles("types-rds")));
}

TEST_F(MySqlExportTest, TinyInt1OutsideZeroOneFailsWithAdviceUnlessKeptAsInt) {
  SL_REQUIRE_SHARED_MARIADB(server);
  ASSERT_TRUE(server->Sql("DROP DATABASE IF EXISTS flags; CREATE DATABASE flags;"
                          "CREATE TABLE flags.f (id INT PRIMARY KEY, flag TINYINT(1));"
                          "INSERT INTO flags.f VALUES (1, 0), (2, 1), (3, 2), (4, -1);")
                  .ok());
  CliResult failed = Run(StartArgs("flags-bool", server->Uri("flags"), "--wait"));
  EXPECT_TRUE(export_cli::OneLineError(failed, 1, {"FAILED", "flag", "--tinyint1-as-int"}));
  EXPECT_TRUE(FilesUnder(TaskDir("flags-bool")).empty());
  SL_REQUIRE_ORACLE(oracle);
  nlohmann::json task = ExportOk("flags-int", server->Uri("flags"), "--tinyint1-as-int");
  EXPECT_EQ(task["Status"], "COMPLETE");
  EXPECT_TRUE(SameTable(*server, "flags", "f", TableDir("flags-int", "flags", "f"), {{"id"}, {"flag"}}));
}

TEST_F(MySqlExportTest, WeirdIdentifiersAndCharsets) {
  SL_REQUIRE_SHARED_MARIADB(server);
  SL_REQUIRE_ORACLE(oracle);
  ASSERT_TRUE(server->Sql(R"sql(
DROP DATABASE IF EXISTS `we.ird db`;
CREATE DATABASE `we.ird db` CHARACTER SET latin1;
CREATE TABLE `we.ird db`.`tab``le` (id INT PRIMARY KEY, `col``x` VARCHAR(20)) CHARACTER SET latin1;
CREATE TABLE `we.ird db`.`spaced name` (id INT PRIMARY KEY, `col umn` VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin);
CREATE TABLE `we.ird db`.`dot.ted` (id INT PRIMARY KEY, `çol` TEXT CHARACTER SET utf8mb4, `b` VARBINARY(10));
CREATE TABLE `we.ird db`.`ünïcödé` (id INT PRIMARY KEY, v CHAR(3) CHARACTER SET latin1 COLLATE latin1_bin);
INSERT INTO `we.ird db`.`tab``le` VALUES (1, 'Größe'), (2, NULL), (3, '¡¿©®');
INSERT INTO `we.ird db`.`spaced name` VALUES (1, 'Straße'), (2, 'STRASSE'), (3, '😀 four-byte');
INSERT INTO `we.ird db`.`dot.ted` VALUES (1, '日本語テキスト', x'00'), (2, '', x''), (3, 'a\'b"c`d', x'C3A9');
INSERT INTO `we.ird db`.`ünïcödé` VALUES (1, 'àéî'), (2, 'x');
CREATE VIEW `we.ird db`.`a view` AS SELECT 1 AS one;
)sql")
                  .ok());
  nlohmann::json task = ExportOk("weird", server->Uri("we.ird db"), "--parallel 2");
  ASSERT_EQ(task["Status"], "COMPLETE") << task.dump();
  EXPECT_EQ(task["TablesTotal"], 4);
  EXPECT_NE(task.value("WarningMessage", "").find("skipped we.ird db.a view: a view"), std::string::npos)
      << task.dump();
  const std::string db = "we.ird db";
  EXPECT_TRUE(SameTable(*server, db, "tab`le", TableDir("weird", db, "tab`le"), {{"id"}, {"col`x", Kind::kText}}));
  EXPECT_TRUE(SameTable(*server, db, "spaced name", TableDir("weird", db, "spaced name"),
                        {{"id"}, {"col umn", Kind::kText}}));
  EXPECT_TRUE(SameTable(*server, db, "dot.ted", TableDir("weird", db, "dot.ted"),
                        {{"id"}, {"çol", Kind::kText}, {"b", Kind::kBinary}}));
  EXPECT_TRUE(SameTable(*server, db, "ünïcödé", TableDir("weird", db, "ünïcödé"), {{"id"}, {"v", Kind::kText}}));
  // RDS's layout for MySQL: DB/DB.TABLE/1/, the '.' in the database name escaped in the second part.
  EXPECT_NE(TableDir("weird", db, "dot.ted").find("/we.ird db/we%2Eird db.dot.ted/1"), std::string::npos);
  EXPECT_TRUE(OracleAllOk(ParquetFiles("weird")));

  // --only in RDS for MySQL's db.table form.
  nlohmann::json only = ExportOk("weird-only", server->Uri(), "--only '\"we.ird db\".\"dot.ted\"'");
  EXPECT_EQ(only["TablesTotal"], 1) << only.dump();
}

TEST_F(MySqlExportTest, EmptyKeylessCompositeAndUniqueKeyTables) {
  SL_REQUIRE_SHARED_MARIADB(server);
  SL_REQUIRE_ORACLE(oracle);
  ASSERT_TRUE(server->Sql(R"sql(
DROP DATABASE IF EXISTS shapes;
CREATE DATABASE shapes;
USE shapes;
CREATE TABLE empty_t (id INT PRIMARY KEY, v VARCHAR(10));
CREATE TABLE nopk (id INT, s VARCHAR(20));
INSERT INTO nopk SELECT seq, CONCAT('row ', seq) FROM seq_1_to_3000;
CREATE TABLE comp (id INT NOT NULL, k2 VARCHAR(10) NOT NULL, v BIGINT, pad CHAR(100), PRIMARY KEY (id, k2));
INSERT INTO comp SELECT seq DIV 2, CONCAT('k', seq MOD 2), seq * 7, 'x' FROM seq_0_to_19999;
CREATE TABLE uq (id INT NOT NULL, pad CHAR(150), UNIQUE KEY (id));
INSERT INTO uq SELECT CAST(seq AS SIGNED) - 10000, REPEAT('p', 150) FROM seq_1_to_20000;
CREATE TABLE myisam_t (id INT PRIMARY KEY, v INT) ENGINE=MyISAM;
INSERT INTO myisam_t VALUES (1, 10), (2, 20);
ANALYZE TABLE comp, uq, nopk;
)sql")
                  .ok());
  nlohmann::json task = ExportOk("shapes", server->Uri("shapes"), "--parallel 3 --chunk-size 512KiB");
  ASSERT_EQ(task["Status"], "COMPLETE") << task.dump();
  auto parts = [&](const std::string& table) {
    size_t n = 0;
    for (const std::string& f : FilesUnder(TableDir("shapes", "shapes", table))) n += f.find(".parquet") != std::string::npos;
    return n;
  };
  EXPECT_EQ(parts("empty_t"), 1u);  // an empty table still has a file with its schema
  EXPECT_EQ(parts("nopk"), 1u);     // no key: one reader
  EXPECT_GT(parts("comp"), 1u);     // split on the first key column
  EXPECT_GT(parts("uq"), 1u);       // split on the unique NOT NULL key (negative values too)
  EXPECT_TRUE(SameTable(*server, "shapes", "empty_t", TableDir("shapes", "shapes", "empty_t"), {{"id"}, {"v", Kind::kText}}));
  EXPECT_TRUE(SameTable(*server, "shapes", "nopk", TableDir("shapes", "shapes", "nopk"), {{"id"}, {"s", Kind::kText}}));
  EXPECT_TRUE(SameTable(*server, "shapes", "uq", TableDir("shapes", "shapes", "uq"), {{"id"}}));
  Result<nlohmann::json> comp = OracleSql("SELECT COUNT(*) AS n, COUNT(DISTINCT (id, k2)) AS d, SUM(v) AS s FROM read_parquet('" +
                                          TableDir("shapes", "shapes", "comp") + "/*.parquet')");
  ASSERT_TRUE(comp.ok()) << comp.status().message();
  EXPECT_EQ(JsonInt((*comp)[0]["n"]), 20000);
  EXPECT_EQ(JsonInt((*comp)[0]["d"]), 20000);
  EXPECT_EQ(JsonInt((*comp)[0]["s"]), 1399930000);
  EXPECT_NE(task.value("WarningMessage", "").find("shapes.myisam_t: engine MyISAM is not transactional"),
            std::string::npos);
  EXPECT_TRUE(OracleAllOk(FirstPartPerTable("shapes")));
}

// Transfers move money between rows of three tables while a --parallel 4
// export with many range chunks runs: the total must be exact.
TEST_F(MySqlExportTest, ConsistentUnderConcurrentTransfersAtParallel4) {
  SL_REQUIRE_SHARED_MARIADB(server);
  SL_REQUIRE_ORACLE(oracle);
  ASSERT_TRUE(server->Sql(R"sql(
DROP DATABASE IF EXISTS bank;
DROP DATABASE IF EXISTS side;
CREATE DATABASE bank;
CREATE DATABASE side;
CREATE TABLE side.ctl (stop_now INT, done BIGINT);
INSERT INTO side.ctl VALUES (0, 0);
USE bank;
CREATE TABLE a (id INT PRIMARY KEY, bal BIGINT NOT NULL, pad CHAR(200));
CREATE TABLE b LIKE a;
CREATE TABLE c LIKE a;
INSERT INTO a SELECT seq, 1000, 'a' FROM seq_1_to_20000;
INSERT INTO b SELECT seq, 1000, 'b' FROM seq_1_to_20000;
INSERT INTO c SELECT seq, 1000, 'c' FROM seq_1_to_20000;
ANALYZE TABLE a, b, c;
DELIMITER //
CREATE PROCEDURE side.transfers()
BEGIN
  DECLARE i BIGINT DEFAULT 0;
  DECLARE k INT;
  DECLARE amt INT;
  WHILE (SELECT stop_now FROM side.ctl) = 0 DO
    SET k = 1 + FLOOR(RAND() * 20000);
    SET amt = 1 + FLOOR(RAND() * 100);
    START TRANSACTION;
    IF i % 3 = 0 THEN
      UPDATE bank.a SET bal = bal - amt WHERE id = k;
      UPDATE bank.b SET bal = bal + amt WHERE id = 20001 - k;
    ELSEIF i % 3 = 1 THEN
      UPDATE bank.b SET bal = bal - amt WHERE id = k;
      UPDATE bank.c SET bal = bal + amt WHERE id = 20001 - k;
    ELSE
      UPDATE bank.c SET bal = bal - amt WHERE id = k;
      UPDATE bank.a SET bal = bal + amt WHERE id = 20001 - k;
    END IF;
    UPDATE side.ctl SET done = done + 1;
    COMMIT;
    SET i = i + 1;
  END WHILE;
END//
DELIMITER ;
)sql")
                  .ok());
  // A background client, not a thread: RunCommand (popen) is not safe to run
  // from two threads at once (its fflush(NULL) waits on the other's stream).
  ASSERT_EQ(RunCommand(StrCat("mariadb --no-defaults -S ", ShellQuote(server->socket_path()),
                              " -uroot -e 'CALL side.transfers()' </dev/null >/dev/null 2>&1 &"),
                       nullptr),
            0);
  auto done_count = [&]() -> int64_t {
    Result<std::string> out = server->Sql("SELECT done FROM side.ctl");
    return out.ok() ? std::atoll(out->c_str()) : -1;
  };
  // Wait until transfers are flowing.
  for (int i = 0; i < 100 && done_count() < 50; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const int64_t before = done_count();
  const auto export_start = std::chrono::steady_clock::now();
  nlohmann::json task = ExportOk("bank", server->Uri("bank"), "--parallel 4 --chunk-size 1MiB");
  std::fprintf(stderr, "export of bank.a/b/c during transfers: %.2f s\n", export_cli::SecondsSince(export_start));
  const int64_t after = done_count();
  ASSERT_TRUE(server->Sql("UPDATE side.ctl SET stop_now = 1").ok());
  for (int i = 0; i < 200; ++i) {
    Result<std::string> running = server->Sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'CALL side.transfers%'");
    if (running.ok() && std::atoll(running->c_str()) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(task["Status"], "COMPLETE") << task.dump();
  EXPECT_GT(before, 0);
  EXPECT_GT(after, before) << "no transfer committed while the export ran; the test proves nothing";

  std::string glob = "['" + TableDir("bank", "bank", "a") + "/*.parquet', '" + TableDir("bank", "bank", "b") +
                     "/*.parquet', '" + TableDir("bank", "bank", "c") + "/*.parquet']";
  Result<nlohmann::json> sums = OracleSql("SELECT COUNT(*) AS n, SUM(bal) AS total, COUNT(DISTINCT filename) AS files "
                                          "FROM read_parquet(" + glob + ", filename = true)");
  ASSERT_TRUE(sums.ok()) << sums.status().message();
  EXPECT_EQ(JsonInt((*sums)[0]["n"]), 60000);
  EXPECT_EQ(JsonInt((*sums)[0]["total"]), 60000000) << "the tables were not read from one snapshot";
  EXPECT_GT(JsonInt((*sums)[0]["files"]), 6) << "the tables were not split into ranges";

  const nlohmann::json& snapshot = task["SourceSnapshot"];
  EXPECT_EQ(snapshot["method"], "BACKUP STAGE BLOCK_COMMIT") << task.dump();
  EXPECT_EQ(snapshot["connections"], 4);
  EXPECT_LT(snapshot["lock_held_ms"].get<double>(), 1000.0) << task.dump();
  EXPECT_GT(snapshot["lock_held_ms"].get<double>(), 0.0);
  EXPECT_FALSE(snapshot.value("binlog_file", "").empty()) << task.dump();
  EXPECT_GT(snapshot.value("binlog_position", int64_t{0}), 0);
  EXPECT_FALSE(snapshot.value("gtid_set", "").empty()) << task.dump();
  EXPECT_TRUE(OracleAllOk(FirstPartPerTable("bank")));
}

}  // namespace
}  // namespace snaplake::testing::mysql_export
