// The throwaway PostgreSQL harness: servers start, answer psql over TCP and
// the socket, report SQL errors, keep data across a restart, and replicas
// follow their primary.

#include "testing/pg_server.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "testing/test_env.h"

namespace snaplake::testing {
namespace {

namespace fs = std::filesystem;

// Starts a private server or skips/fails like SL_REQUIRE_SHARED_PG.
#define START_PG_OR_RETURN(var, options)                                              \
  std::unique_ptr<PgServer> var;                                                      \
  {                                                                                   \
    Result<std::unique_ptr<PgServer>> started = PgServer::Start(options);             \
    if (!started.ok() && PgNotInstalled(started.status().message())) {                \
      GTEST_SKIP() << started.status().message();                                     \
    }                                                                                 \
    ASSERT_TRUE(started.ok()) << started.status().ToString();                         \
    var = std::move(started).value();                                                 \
  }                                                                                   \
  static_assert(true, "")

TEST(PgServer, SharedServerAnswersPsql) {
  SL_REQUIRE_SHARED_PG(pg);
  EXPECT_EQ(pg, SharedPgServer());  // one per process
  EXPECT_GT(pg->port(), 0);
  EXPECT_TRUE(fs::is_regular_file(pg->data_dir() + "/PG_VERSION"));
  EXPECT_TRUE(fs::is_regular_file(pg->log_path()));

  Result<std::string> out = pg->Psql("SELECT 40 + 2; SELECT 'a', 'b';");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "42\na|b\n");

  // The harness defaults are in force.
  out = pg->Psql("SHOW fsync; SHOW wal_level; SHOW TimeZone; SHOW server_encoding;");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "off\nlogical\nUTC\nUTF8\n");
}

TEST(PgServer, UriAndSocketWorkWithPlainPsql) {
  SL_REQUIRE_SHARED_PG(pg);
  ASSERT_TRUE(pg->Psql("DROP DATABASE IF EXISTS uri_db; CREATE DATABASE uri_db;").ok());
  ASSERT_TRUE(pg->Psql("CREATE TABLE t(x int); INSERT INTO t VALUES (7);", "uri_db").ok());

  const std::string uri = pg->Uri("uri_db");
  EXPECT_EQ(uri, StrCat("postgresql://postgres@127.0.0.1:", std::to_string(pg->port()), "/uri_db"));
  std::string out;
  ASSERT_EQ(RunCommand(StrCat("psql -X -At -d ", ShellQuote(uri), " -c 'SELECT x FROM t'"), &out, true), 0) << out;
  EXPECT_EQ(out, "7\n");

  // The Unix socket lives in socket_dir().
  ASSERT_EQ(RunCommand(StrCat("psql -X -At -h ", ShellQuote(pg->socket_dir()), " -p ", std::to_string(pg->port()),
                              " -U postgres -d uri_db -c 'SELECT x + 1 FROM t'"),
                       &out, true),
            0)
      << out;
  EXPECT_EQ(out, "8\n");
}

TEST(PgServer, PsqlErrorCarriesTheSqlErrorAndStops) {
  SL_REQUIRE_SHARED_PG(pg);
  Result<std::string> out = pg->Psql("SELECT * FROM no_such_table_here;");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("relation \"no_such_table_here\" does not exist"), std::string::npos)
      << out.status().message();

  // ON_ERROR_STOP: nothing after the failing statement runs.
  ASSERT_TRUE(pg->Psql("DROP TABLE IF EXISTS after_error;").ok());
  out = pg->Psql("SELECT 1/0;\nCREATE TABLE after_error(x int);");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("division by zero"), std::string::npos) << out.status().message();
  out = pg->Psql("SELECT count(*) FROM pg_class WHERE relname = 'after_error';");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "0\n");
}

TEST(PgServer, LongSqlAndQuotes) {
  SL_REQUIRE_SHARED_PG(pg);
  std::string sql = "SELECT length('";
  sql.append(300000, 'x');
  sql.append("');\nSELECT 'it''s \"quoted\" $x `y`';");
  Result<std::string> out = pg->Psql(sql);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "300000\nit's \"quoted\" $x `y`\n");
}

TEST(PgServer, SettingsAreApplied) {
  PgServerOptions options;
  options.settings = {"work_mem=7MB", "cluster_name=it's a test"};
  START_PG_OR_RETURN(pg, options);
  Result<std::string> out = pg->Psql("SHOW work_mem; SELECT current_setting('cluster_name');");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "7MB\nit's a test\n");
}

TEST(PgServer, MalformedSettingIsRejected) {
  PgServerOptions options;
  options.settings = {"no_equals_sign"};
  Result<std::unique_ptr<PgServer>> started = PgServer::Start(options);
  if (!started.ok() && PgNotInstalled(started.status().message())) GTEST_SKIP() << started.status().message();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.status().message().find("not name=value"), std::string::npos) << started.status().message();
}

TEST(PgServer, StopAndStartAgainKeepData) {
  START_PG_OR_RETURN(pg, PgServerOptions{});
  const int port = pg->port();
  const std::string root = pg->socket_dir();
  ASSERT_TRUE(pg->Psql("CREATE TABLE kept(x int); INSERT INTO kept SELECT generate_series(1, 1000);").ok());

  ASSERT_TRUE(pg->Stop().ok());  // immediate: crash recovery on restart
  EXPECT_FALSE(pg->running());
  EXPECT_FALSE(pg->Psql("SELECT 1").ok());
  ASSERT_TRUE(pg->StartAgain().ok());
  EXPECT_EQ(pg->port(), port);
  Result<std::string> out = pg->Psql("SELECT sum(x) FROM kept;");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "500500\n");

  ASSERT_TRUE(pg->Stop(/*immediate=*/false).ok());
  ASSERT_TRUE(pg->StartAgain().ok());
  out = pg->Psql("SELECT count(*) FROM kept;");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "1000\n");

  pg.reset();
  EXPECT_FALSE(fs::exists(root)) << "the destructor must remove " << root;
}

TEST(PgServer, ReplicaFollowsPrimary) {
  START_PG_OR_RETURN(primary, PgServerOptions{});
  ASSERT_TRUE(primary->Psql("CREATE TABLE before_backup(x int); INSERT INTO before_backup VALUES (1), (2);").ok());

  Result<std::unique_ptr<PgServer>> started = primary->StartReplica();
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<PgServer> replica = std::move(started).value();
  EXPECT_NE(replica->port(), primary->port());
  EXPECT_NE(replica->data_dir(), primary->data_dir());

  Result<std::string> out = replica->Psql("SELECT pg_is_in_recovery(); SELECT count(*) FROM before_backup;");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "t\n2\n");

  ASSERT_TRUE(primary->Psql("CREATE TABLE after_backup(x text);"
                            "INSERT INTO after_backup SELECT 'row ' || g FROM generate_series(1, 500) g;")
                  .ok());
  Status caught_up = replica->WaitForCatchUp(*primary, 20000);
  ASSERT_TRUE(caught_up.ok()) << caught_up.ToString();
  out = replica->Psql("SELECT count(*), max(x) FROM after_backup;");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "500|row 99\n");

  // A standby refuses writes; the error says so.
  out = replica->Psql("INSERT INTO after_backup VALUES ('no');");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("read-only transaction"), std::string::npos) << out.status().message();
  replica.reset();  // before the primary
}

TEST(PgServer, MissingBinariesSayWhatToDo) {
  const char* old = std::getenv("SNAPLAKE_PG_BIN");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("SNAPLAKE_PG_BIN", "/nonexistent/pg/bin", 1);
  Result<std::unique_ptr<PgServer>> started = PgServer::Start();
  if (old != nullptr) {
    ::setenv("SNAPLAKE_PG_BIN", saved.c_str(), 1);
  } else {
    ::unsetenv("SNAPLAKE_PG_BIN");
  }
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.status().message().find("SNAPLAKE_PG_BIN=/nonexistent/pg/bin"), std::string::npos)
      << started.status().message();
}

}  // namespace
}  // namespace snaplake::testing
