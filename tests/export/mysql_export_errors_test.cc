// MySQL export failures and fallbacks through the snaplake binary against a
// throwaway MariaDB 10.11: wrong password, unknown database, unreachable
// host, malformed URI and unknown --only names each give one line naming the
// thing and what to do; a user without RELOAD still gets a consistent export
// through one connection, with a warning saying so.
#include <chrono>
#include <thread>

#include "export/mysql_export_test_support.h"

namespace snaplake::testing::mysql_export {
namespace {

class MySqlExportErrorsTest : public MySqlExportTest {
 protected:
  void SetUp() override {
    MySqlExportTest::SetUp();
    MariaDbServer* server = SharedMariaDbServer();
    if (server == nullptr) return;
    static bool created = false;
    if (created) return;
    created = true;
    Result<std::string> setup = server->Sql(R"sql(
CREATE DATABASE fb;
CREATE TABLE fb.t (id INT PRIMARY KEY, v VARCHAR(20), pad CHAR(200));
INSERT INTO fb.t SELECT seq, CONCAT('v', seq), 'p' FROM fb.seq_1_to_20000;
ANALYZE TABLE fb.t;
CREATE USER 'pw'@'127.0.0.1' IDENTIFIED BY 'secret-pw';
GRANT SELECT ON fb.* TO 'pw'@'127.0.0.1';
CREATE USER 'ro'@'127.0.0.1' IDENTIFIED BY 'ro-pw';
GRANT SELECT ON fb.* TO 'ro'@'127.0.0.1';
)sql");
    ASSERT_TRUE(setup.ok()) << setup.status().message();
  }
};

TEST_F(MySqlExportErrorsTest, WrongPasswordIsOneLineWithAdvice) {
  SL_REQUIRE_SHARED_MARIADB(server);
  CliResult r = Run(StartArgs("wrong-pw", server->Uri("fb", "pw", "not-the-password"), "--wait"));
  EXPECT_TRUE(export_cli::OneLineError(r, 1, {"FAILED", "Access denied", "pw@127.0.0.1", "check the user and password"}));
  EXPECT_EQ(r.err.find("not-the-password"), std::string::npos) << "the password leaked into the error";
  EXPECT_EQ(r.out.find("not-the-password"), std::string::npos) << "the password leaked into describe";
}

TEST_F(MySqlExportErrorsTest, UnknownDatabaseIsOneLineWithAdvice) {
  SL_REQUIRE_SHARED_MARIADB(server);
  CliResult r = Run(StartArgs("no-db", server->Uri("nope"), "--wait"));
  EXPECT_TRUE(export_cli::OneLineError(r, 1, {"FAILED", "Unknown database 'nope'", "check the database name"}));
}

TEST_F(MySqlExportErrorsTest, UnreachableHostIsOneLineAndQuick) {
  SL_REQUIRE_SHARED_MARIADB(server);
  // Nothing listens on port 1.
  CliResult r = Run(StartArgs("no-host", "mysql://root@127.0.0.1:1/fb", "--wait"));
  EXPECT_TRUE(export_cli::OneLineError(r, 1, {"FAILED", "root@127.0.0.1:1", "check the host, port or socket"}));
  EXPECT_LT(r.seconds, 20.0);
}

TEST_F(MySqlExportErrorsTest, MalformedUriFailsBeforeATaskIsRecorded) {
  SL_REQUIRE_SHARED_MARIADB(server);
  CliResult r = Run(StartArgs("bad-uri", "mysql://root@127.0.0.1:port/fb", "--wait"));
  EXPECT_TRUE(export_cli::OneLineError(r, 1, {"bad port", "mysql://user:password@host:3306/database"}));
  CliResult d = Run("export describe --id bad-uri");
  EXPECT_NE(d.exit_code, 0) << d.out;
  CliResult option = Run(StartArgs("bad-option", server->Uri("fb") + "?colour=blue", "--wait"));
  EXPECT_TRUE(export_cli::OneLineError(option, 1, {"unknown option 'colour'"}));
}

TEST_F(MySqlExportErrorsTest, OnlyNamingNoTableIsOneLine) {
  SL_REQUIRE_SHARED_MARIADB(server);
  CliResult r = Run(StartArgs("only-none", server->Uri("fb"), "--wait --only fb.nothere"));
  EXPECT_TRUE(export_cli::OneLineError(r, 1, {"--only 'fb.nothere' matches no table"}));
  CliResult other = Run(StartArgs("only-other-db", server->Uri("fb"), "--wait --only shop.t"));
  EXPECT_TRUE(export_cli::OneLineError(other, 1, {"names database 'fb', not 'shop'"}));
}

// Without RELOAD (as on RDS) there is no global lock: one connection, still consistent, and a warning.
TEST_F(MySqlExportErrorsTest, WithoutReloadFallsBackToOneConnectionWithAWarning) {
  SL_REQUIRE_SHARED_MARIADB(server);
  SL_REQUIRE_ORACLE(oracle);
  nlohmann::json task = ExportOk("fallback", server->Uri("fb", "ro", "ro-pw"), "--parallel 4 --chunk-size 256KiB");
  ASSERT_EQ(task["Status"], "COMPLETE") << task.dump();
  const std::string warning = task.value("WarningMessage", "");
  EXPECT_NE(warning.find("no global lock"), std::string::npos) << warning;
  EXPECT_NE(warning.find("RELOAD"), std::string::npos) << warning;
  const nlohmann::json& snapshot = task["SourceSnapshot"];
  EXPECT_EQ(snapshot["method"], "single connection") << task.dump();
  EXPECT_EQ(snapshot["connections"], 1);
  EXPECT_EQ(snapshot["lock_held_ms"].get<double>(), 0.0);
  // MariaDB knows the binary log position of a consistent snapshot without any privilege.
  EXPECT_FALSE(snapshot.value("binlog_file", "").empty()) << task.dump();
  EXPECT_TRUE(SameTable(*server, "fb", "t", TableDir("fallback", "fb", "t"), {{"id"}, {"v", Kind::kText}}));
  EXPECT_TRUE(OracleAllOk(FirstPartPerTable("fallback")));
}

// User and password may come from an option file ([client] group), as for the mysql client.
TEST_F(MySqlExportErrorsTest, CredentialsFromAnOptionFile) {
  SL_REQUIRE_SHARED_MARIADB(server);
  auto write_cnf = [&](const std::string& name, const std::string& password) {
    const std::string path = dir_.Path(name);
    EXPECT_EQ(RunCommand(StrCat("printf '[client]\\nuser=pw\\npassword=", password, "\\n' > ", ShellQuote(path)),
                         nullptr),
              0);
    return StrCat("mysql://127.0.0.1:", std::to_string(server->port()), "/fb?option-file=", UriEncode(path));
  };
  // A wrong password in the file proves the file is read (root needs none here).
  CliResult wrong = Run(StartArgs("from-bad-cnf", write_cnf("bad.cnf", "nope"), "--wait"));
  EXPECT_TRUE(export_cli::OneLineError(wrong, 1, {"Access denied for user 'pw'", "~/.my.cnf"}));
  nlohmann::json task = ExportOk("from-cnf", write_cnf("good.cnf", "secret-pw"), "--parallel 1");
  EXPECT_EQ(task["Status"], "COMPLETE") << task.dump();
  EXPECT_EQ(task["TablesTotal"], 1);
}

// `export cancel` stops a running MySQL export promptly (its readers' sockets are shut) and removes its files.
TEST_F(MySqlExportErrorsTest, CancelStopsARunningExportAndRemovesItsFiles) {
  SL_REQUIRE_SHARED_MARIADB(server);
  CliResult started = Run(StartArgs("cancel-me", server->Uri("fb"), "--parallel 2 --max-rate 2000rows"));
  ASSERT_EQ(started.exit_code, 0) << started.err;
  std::string status;
  for (int i = 0; i < 100; ++i) {
    nlohmann::json task = Describe("cancel-me");
    status = task.value("Status", "");
    if (status == "IN_PROGRESS" && task.value("ExportedRows", int64_t{0}) >= 0 &&
        task.contains("SourceSnapshot")) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(status, "IN_PROGRESS");
  CliResult cancel = Run("export cancel --id cancel-me");
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  const auto start = std::chrono::steady_clock::now();
  CliResult waited = Run("export wait --id cancel-me --timeout 30");
  EXPECT_LT(export_cli::SecondsSince(start), 10.0);
  EXPECT_EQ(Describe("cancel-me")["Status"], "CANCELED") << waited.out << waited.err;
  EXPECT_TRUE(FilesUnder(TaskDir("cancel-me")).empty());
  // The server is left with no connection of the cancelled export.
  Result<std::string> left = server->Sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = 'fb'");
  ASSERT_TRUE(left.ok());
  for (int i = 0; i < 50 && std::atoi(left->c_str()) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = server->Sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = 'fb'");
  }
  EXPECT_EQ(std::atoi(left->c_str()), 0);
}

// A cancel while Open() waits for the global lock (another backup holds it) ends the task at once.
TEST_F(MySqlExportErrorsTest, CancelWhileWaitingForTheLockIsPrompt) {
  SL_REQUIRE_SHARED_MARIADB(server);
  ASSERT_EQ(RunCommand(StrCat("mariadb --no-defaults -S ", ShellQuote(server->socket_path()),
                              " -uroot -e 'BACKUP STAGE START; SELECT SLEEP(60) AS holder' </dev/null >/dev/null 2>&1 &"),
                       nullptr),
            0);
  auto kill_holder = [&]() {
    Result<std::string> id = server->Sql(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%' LIMIT 1");
    if (id.ok() && !id->empty()) (void)server->Sql("KILL " + *id);
  };
  for (int i = 0; i < 50; ++i) {
    Result<std::string> holding = server->Sql(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%'");
    if (holding.ok() && std::atoi(holding->c_str()) == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CliResult started = Run(StartArgs("cancel-lock", server->Uri("fb"), "--parallel 2"));
  ASSERT_EQ(started.exit_code, 0) << started.err;
  // Wait until the export is stuck behind the holder's BACKUP STAGE.
  bool waiting = false;
  for (int i = 0; i < 100 && !waiting; ++i) {
    Result<std::string> stuck = server->Sql(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'BACKUP STAGE%'");
    waiting = stuck.ok() && std::atoi(stuck->c_str()) >= 1;
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(waiting) << "the export never waited for the lock";
  const auto start = std::chrono::steady_clock::now();
  CliResult cancel = Run("export cancel --id cancel-lock");
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  CliResult waited = Run("export wait --id cancel-lock --timeout 30");
  const double seconds = export_cli::SecondsSince(start);
  kill_holder();
  EXPECT_LT(seconds, 5.0) << "the cancel waited for the lock";
  EXPECT_EQ(Describe("cancel-lock")["Status"], "CANCELED") << waited.out << waited.err;
  EXPECT_TRUE(FilesUnder(TaskDir("cancel-lock")).empty());
}

}  // namespace
}  // namespace snaplake::testing::mysql_export
