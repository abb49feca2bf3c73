// What `snaplake export start` does when things go wrong, through the real
// binary: the source cannot be reached or refuses us, the selection or the
// target is wrong, the server goes away mid-export, the disk fills up.
//
// The contract checked everywhere: exit status 1 with exactly one line
// "snaplake: ..." on stderr that says what failed and what to do; with --wait
// the task ends FAILED with that cause in describe's FailureCause; no file is
// left under TARGET/ID, and never a _SUCCESS.
//
// Most tests use the database "faults" on the shared test server. Tests that
// stop the server or change its authentication use a server of their own
// (ExportFaultsOwnServerTest), started once for this process.
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/export_cli_test_support.h"
#include "testing/pg_server.h"
#include "testing/test_env.h"

namespace snaplake {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using testing::export_cli::CliResult;
using testing::export_cli::ExportCliTest;
using testing::export_cli::FilesUnder;
using testing::export_cli::OneLineError;
using testing::export_cli::SecondsSince;

constexpr int64_t kBigRows = 200000;
constexpr int64_t kSmallRows = 1000;
// About 140 bytes a row, 28 MB in all: more than the socket buffers between
// server and client hold, so a server that dies mid-way cannot have sent
// everything already (the export would then rightly complete).
constexpr char kWideLabel[] = "repeat(md5(i::text), 4)";
// public.big at this rate takes ~10 s: long enough to break things mid-way.
constexpr char kSlowRate[] = "20000rows";

// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// What every test here needs beyond ExportCliTest: no stored passwords, and
// the checks of a failed task. The server is chosen by the subclass.
class ExportFaultsBase : public ExportCliTest {
 protected:
  // No PGPASSWORD and no ~/.pgpass for the CLI: a password comes from the
  // --source URI or not at all.
  std::string RunPrefix() const override {
    return StrCat("env -u PGPASSWORD PGPASSFILE=", ShellQuote(dir_.Path("no-pgpass")), " ");
  }

  // Polls describe until the worker reads rows (IN_PROGRESS, rows > 0).
  ::testing::AssertionResult WaitUntilExporting(const std::string& id, double timeout_s = 20) const {
    Clock::time_point start = Clock::now();
    json task;
    while (SecondsSince(start) < timeout_s) {
      task = Describe(id);
      if (task.is_null()) return ::testing::AssertionFailure() << "describe failed";
      if (task.value("Status", "") == "IN_PROGRESS" && task.value("ExportedRows", int64_t{0}) > 0) {
        return ::testing::AssertionSuccess();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ::testing::AssertionFailure() << "not exporting after " << timeout_s << " s: " << task.dump();
  }

  // The checks every failed --wait run shares: exit 1, one line naming the
  // task and `parts`, describe FAILED with the same cause, no files. Returns
  // the FailureCause.
  std::string ExpectFailedTask(const std::string& id, const CliResult& r, const std::vector<std::string>& parts) {
    std::vector<std::string> all_parts = {StrCat("export task '", id, "' ended FAILED: ")};
    all_parts.insert(all_parts.end(), parts.begin(), parts.end());
    EXPECT_TRUE(OneLineError(r, {1}, all_parts));
    json task = Describe(id);
    if (task.is_null()) return "";
    EXPECT_EQ(task["Status"], "FAILED") << task.dump();
    std::string cause = task.value("FailureCause", "");
    EXPECT_FALSE(cause.empty()) << task.dump();
    // The stderr line carries the cause verbatim.
    EXPECT_THAT(r.err, HasSubstr(cause));
    EXPECT_TRUE(task.contains("TaskEndTime")) << task.dump();
    EXPECT_FALSE(task.contains("WorkerPid")) << task.dump();
    EXPECT_LT(task.value("PercentProgress", 100), 100);
    EXPECT_EQ(FilesUnder(TaskDir(id)), std::vector<std::string>()) << "a FAILED task leaves no files";
    EXPECT_FALSE(fs::exists(TaskDir(id) + "/_SUCCESS"));
    return cause;
  }
};

// ---------------------------------------------------------------------------
// On the shared server, database "faults".

constexpr char kDatabase[] = "faults";
constexpr char kReader[] = "faults_reader";

// public.big of `db`: kBigRows wide rows. Only the tests that need it pay for
// making it (a few seconds on a loaded machine).
Status CreateBigTable(testing::PgServer& pg, const std::string& db, const std::string& reader) {
  std::string sql = StrCat("CREATE TABLE public.big (id int, label text NOT NULL);"
                           "INSERT INTO public.big SELECT i, ", kWideLabel, " FROM generate_series(1, ",
                           std::to_string(kBigRows), ") i; ANALYZE public.big;");
  if (!reader.empty()) sql.append(StrCat("GRANT SELECT ON public.big TO ", reader, ";"));
  return pg.Psql(sql, db).status();
}

Status EnsureFaultsDatabase(testing::PgServer& pg) {
  static std::once_flag once;
  static Status created;
  std::call_once(once, [&pg]() {
    Result<std::string> db = pg.Psql(StrCat("CREATE DATABASE ", kDatabase, "; CREATE ROLE ", kReader, " LOGIN"));
    if (!db.ok()) {
      created = db.status();
      return;
    }
    Result<std::string> tables =
        pg.Psql(StrCat("CREATE TABLE public.small (id int, note text);"
                       "INSERT INTO public.small SELECT i, 'note ' || i FROM generate_series(1, ",
                       std::to_string(kSmallRows),
                       ") i;"
                       "CREATE TABLE public.secret (id int, pin text);"
                       "INSERT INTO public.secret VALUES (1, '1234');"
                       "GRANT SELECT ON public.small TO ",
                       kReader, "; ANALYZE;"),
                kDatabase);
    created = tables.status();
  });
  return created;
}

Status EnsureFaultsBigTable(testing::PgServer& pg) {
  static std::once_flag once;
  static Status created;
  // The reader may read it: a missing privilege must stay secret's alone.
  std::call_once(once, [&pg]() { created = CreateBigTable(pg, kDatabase, kReader); });
  return created;
}

class ExportFaultsTest : public ExportFaultsBase {
 protected:
  void SetUp() override {
    ExportFaultsBase::SetUp();
    SL_REQUIRE_SHARED_PG(pg);
    pg_ = pg;
    Status db = EnsureFaultsDatabase(*pg_);
    ASSERT_TRUE(db.ok()) << db.ToString();
  }
  std::string Source(const std::string& user = "postgres") const { return pg_->Uri(kDatabase, user); }
  void NeedBigTable() {
    Status big = EnsureFaultsBigTable(*pg_);
    ASSERT_TRUE(big.ok()) << big.ToString();
  }

  testing::PgServer* pg_ = nullptr;
};

TEST_F(ExportFaultsTest, UnreachableHostFailsAtOnceNamingHostAndPort) {
  const int port = ClosedPort();
  ASSERT_GT(port, 0);
  const std::string source = StrCat("postgresql://postgres@127.0.0.1:", std::to_string(port), "/", kDatabase);
  CliResult r = Run(StartArgs("unreachable", source, "--wait"));
  std::fprintf(stderr, "[timing] closed port: failed after %.2f s\n", r.seconds);
  std::string cause = ExpectFailedTask("unreachable", r,
                                       {StrCat("127.0.0.1:", std::to_string(port)), "Connection refused",
                                        "check the host and port in --source and that the server is running"});
  EXPECT_FALSE(fs::exists(TaskDir("unreachable"))) << "nothing is created before the source opens";
  EXPECT_LT(r.seconds, 10);
  EXPECT_EQ(cause.find('\n'), std::string::npos);

  // Detached, the same failure reaches `export wait`.
  CliResult start = Run(StartArgs("unreachable-detached", source));
  ASSERT_EQ(start.exit_code, 0) << start.err;
  CliResult wait = Run("export wait --id unreachable-detached --timeout 30");
  EXPECT_TRUE(OneLineError(wait, {1}, {"ended FAILED", "Connection refused", "check the host and port"}));
}

TEST_F(ExportFaultsTest, MissingDatabaseIsNamedWithAHint) {
  CliResult r = Run(StartArgs("no-db", pg_->Uri("no_such_database"), "--wait"));
  ExpectFailedTask("no-db", r, {"database \"no_such_database\" does not exist",
                                "check the database and user names in --source"});
  EXPECT_FALSE(fs::exists(TaskDir("no-db")));
}

TEST_F(ExportFaultsTest, TableWithoutSelectPrivilegeIsNamedWithGrantAndOnlyHints) {
  CliResult r = Run(StartArgs("no-privilege", Source(kReader), "--wait"));
  std::string cause = ExpectFailedTask("no-privilege", r, {"public.secret", "permission denied"});
  EXPECT_THAT(cause, HasSubstr("table faults.public.secret")) << "names the table it stopped on";
  EXPECT_THAT(cause, HasSubstr("SELECT"));
  EXPECT_THAT(cause, HasSubstr("grant")) << "suggests GRANT";
  EXPECT_THAT(cause, HasSubstr("--only")) << "suggests leaving it out";

  // Following the hint works: a readable table exports.
  CliResult only = Run(StartArgs("readable-only", Source(kReader), StrCat("--only ", kDatabase, ".public.small --wait")));
  ASSERT_EQ(only.exit_code, 0) << only.err;
  json task = Describe("readable-only");
  EXPECT_EQ(task["Status"], "COMPLETE");
  EXPECT_EQ(task["ExportedRows"], kSmallRows);
  EXPECT_TRUE(fs::exists(TaskDir("readable-only") + "/_SUCCESS"));
}

TEST_F(ExportFaultsTest, OnlyNamingAMissingTableFailsBeforeAnythingIsWritten) {
  CliResult r = Run(StartArgs("only-missing", Source(), StrCat("--only ", kDatabase, ".public.nope --wait")));
  ExpectFailedTask("only-missing", r,
                   {"--only 'faults.public.nope' matches no exportable table in database 'faults'",
                    "case-sensitive"});
  EXPECT_FALSE(fs::exists(TaskDir("only-missing")));
  EXPECT_FALSE(fs::exists(target_)) << "the target is not even created";

  // Case matters, and the message says so.
  CliResult upper = Run(StartArgs("only-case", Source(), StrCat("--only ", kDatabase, ".public.BIG --wait")));
  ExpectFailedTask("only-case", upper, {"'faults.public.BIG'", "case-sensitive"});

  // A database other than the source's.
  CliResult other = Run(StartArgs("only-other-db", Source(), "--only otherdb.public.big --wait"));
  ExpectFailedTask("only-other-db", other, {"--only 'otherdb.public.big'", "the source database is 'faults'"});
  EXPECT_FALSE(fs::exists(target_));
}

TEST_F(ExportFaultsTest, MalformedOnlyIsAUsageErrorAndRecordsNoTask) {
  struct Case {
    const char* only;
    const char* why;
  };
  const Case cases[] = {
      {"faults.\"public.big", "unterminated double quote"},
      {"faults..big", "empty name"},
      {"a.b.c.d", "more than three names"},
      {"faults.public.big,,faults.public.small", "empty item"},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.only);
    const std::string id = StrCat("malformed-", std::to_string(n++));
    CliResult r = Run(StartArgs(id, Source(), StrCat("--only ", ShellQuote(c.only), " --wait")));
    EXPECT_TRUE(OneLineError(r, {1, 2}, {"--only", c.why, "double-quoting names"}));
    EXPECT_EQ(r.out, "");
    EXPECT_LT(r.seconds, 5);
    // Refused before the task exists: nothing recorded, nothing written.
    CliResult describe = Run(StrCat("export describe --id ", id));
    EXPECT_TRUE(OneLineError(describe, {1}, {"ExportTaskNotFound"}));
  }
  EXPECT_FALSE(fs::exists(target_));
  CliResult all = Run("export describe");
  EXPECT_EQ(json::parse(all.out, nullptr, false), json::parse(R"({"ExportTasks": []})"));
}

// As root, permission bits do not stop writes; a regular file where a
// directory must be does.
TEST_F(ExportFaultsTest, TargetUnderARegularFileFails) {
  const std::string file = dir_.Path("not-a-dir");
  ASSERT_TRUE(WriteStringToFile(file, "keep me").ok());
  target_ = file + "/out";
  CliResult r = Run(StartArgs("bad-target", Source(), "--wait"));
  ExpectFailedTask("bad-target", r, {StrCat("cannot write to --target '", target_, "'"), "is a file, not a directory"});
  Result<std::string> kept = ReadFileToString(file);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, "keep me");
}

// The brief of these tests: a FailureCause says what failed and what to do.
TEST_F(ExportFaultsTest, TargetUnderARegularFileCauseSaysWhatToDo) {
  const std::string file = dir_.Path("not-a-dir");
  ASSERT_TRUE(WriteStringToFile(file, "").ok());
  target_ = file + "/out";
  CliResult r = Run(StartArgs("bad-target-hint", Source(), "--wait"));
  ASSERT_EQ(r.exit_code, 1);
  std::string cause = Describe("bad-target-hint").value("FailureCause", "");
  EXPECT_THAT(cause, AnyOf(HasSubstr("choose"), HasSubstr("check"), HasSubstr("use another"), HasSubstr("make sure")))
      << "the cause says what failed but not what to do (e.g. \"; choose a --target that is a "
         "writable directory\"); export_executor.cc builds it from fs->CreateDirs's message alone: "
      << cause;
}

TEST_F(ExportFaultsTest, ConnectionsTerminatedMidExportFailTheTask) {
  ASSERT_NO_FATAL_FAILURE(NeedBigTable());
  const std::string id = "terminated";
  CliResult start = Run(StartArgs(id, Source(), StrCat("--only ", kDatabase, ".public.big --parallel 1 --max-rate ",
                                                       kSlowRate)));
  ASSERT_EQ(start.exit_code, 0) << start.err;
  ASSERT_TRUE(WaitUntilExporting(id));
  // The export announces itself; the leader (snapshot) and the reader connect.
  const std::string ours = StrCat("FROM pg_stat_activity WHERE application_name = 'snaplake' AND datname = '",
                                  kDatabase, "' AND pid <> pg_backend_pid()");
  Result<std::string> count = pg_->Psql(StrCat("SELECT count(*) ", ours));
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_GE(std::stoi(*count), 2) << "expected the leader and a reader connection named 'snaplake'";
  Result<std::string> killed = pg_->Psql(StrCat("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) ", ours));
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();
  EXPECT_GE(std::stoi(*killed), 1);

  CliResult wait = Run(StrCat("export wait --id ", id, " --timeout 30"));
  std::fprintf(stderr, "[timing] terminated backends: task ended %.2f s later\n", wait.seconds);
  std::string cause = ExpectFailedTask(id, wait, {"public.big"});
  EXPECT_THAT(cause, AnyOf(HasSubstr("terminating connection due to administrator command"),
                           HasSubstr("lost the connection")));
  EXPECT_THAT(cause, HasSubstr("connection"));
  json task = Describe(id);
  EXPECT_LT(task.value("ExportedRows", kBigRows), kBigRows);
}

// A tmpfs of 1 MiB mounted over part of the TempDir (root only), unmounted
// before the TempDir goes.
class SmallTmpfs {
 public:
  explicit SmallTmpfs(std::string path) : path_(std::move(path)) {
    std::error_code ec;
    fs::create_directories(path_, ec);
    if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, "size=1m") == 0) {
      mounted_ = true;
    } else {
      error_ = std::strerror(errno);
    }
  }
  ~SmallTmpfs() {
    if (mounted_ && ::umount2(path_.c_str(), MNT_DETACH) != 0) {
      std::fprintf(stderr, "warning: cannot unmount %s: %s\n", path_.c_str(), std::strerror(errno));
    }
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

TEST_F(ExportFaultsTest, DiskFullFailsWithNoSpaceLeftAndLeavesNothing) {
  SmallTmpfs disk(dir_.Path("small-disk"));
  if (!disk.mounted()) {
    std::string why = StrCat("cannot mount a 1 MiB tmpfs (", disk.error(),
                             "); the disk-full test needs root and mount permission");
    std::fprintf(stderr, "\n**********\nSKIPPED: %s\n**********\n", why.c_str());
    GTEST_SKIP() << why;
  }
  ASSERT_NO_FATAL_FAILURE(NeedBigTable());
  target_ = dir_.Path("small-disk/out");
  // Many MiB of Parquet, far more than fits; small row groups so that the
  // first one already overflows.
  CliResult r = Run(StartArgs("disk-full", Source(),
                              StrCat("--only ", kDatabase, ".public.big --parallel 1 --memory-limit 8MiB --wait")));
  std::fprintf(stderr, "[timing] disk full: failed after %.2f s\n", r.seconds);
  std::string cause = ExpectFailedTask("disk-full", r, {"No space left on device", "free some space"});
  EXPECT_THAT(cause, HasSubstr("public.big"));
  // Not a byte left behind: temporary part files are gone too.
  EXPECT_EQ(FilesUnder(dir_.Path("small-disk")), std::vector<std::string>());
}

// ---------------------------------------------------------------------------
// On a server of our own: stopped, restarted, and with password auth.

constexpr char kPasswordUser[] = "pw_user";
constexpr char kPassword[] = "right-secret-7Qx";

class ExportFaultsOwnServerTest : public ExportFaultsBase {
 protected:
  static void SetUpTestSuite() {
    Result<std::unique_ptr<testing::PgServer>> started = testing::PgServer::Start();
    if (!started.ok()) {
      error_ = started.status().message();
      return;
    }
    server_ = std::move(started).value();
    Result<std::string> data = server_->Psql(StrCat(
        "CREATE TABLE public.small (id int, note text);"
        "INSERT INTO public.small SELECT i, 'note ' || i FROM generate_series(1, ", std::to_string(kSmallRows),
        ") i; ANALYZE;"
        "SET password_encryption = 'scram-sha-256';"
        "CREATE ROLE ",
        kPasswordUser, " LOGIN PASSWORD '", kPassword, "';GRANT SELECT ON public.small TO ", kPasswordUser, ";"));
    if (!data.ok()) error_ = data.status().message();
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ExportFaultsBase::SetUp();
    if (server_ == nullptr) {
      if (testing::PgNotInstalled(error_)) {
        std::fprintf(stderr, "\n**********\nSKIPPED: %s\n**********\n", error_.c_str());
        GTEST_SKIP() << error_;
      }
      FAIL() << "cannot start a PostgreSQL server: " << error_;
    }
    ASSERT_TRUE(error_.empty()) << error_;
    // A previous test may have stopped it.
    Status running = server_->StartAgain();
    ASSERT_TRUE(running.ok()) << running.ToString();
  }

  std::string Source() const { return server_->Uri("postgres"); }

  // Starts a slow export of public.big and waits until rows flow.
  void StartSlowExport(const std::string& id) {
    if (!big_created_) {
      Status big = CreateBigTable(*server_, "postgres", "");
      ASSERT_TRUE(big.ok()) << big.ToString();
      big_created_ = true;
    }
    CliResult start = Run(StartArgs(id, Source(), StrCat("--only postgres.public.big --parallel 1 --max-rate ", kSlowRate)));
    ASSERT_EQ(start.exit_code, 0) << start.err;
    ASSERT_TRUE(WaitUntilExporting(id));
  }

  inline static std::unique_ptr<testing::PgServer> server_;
  inline static std::string error_;
  inline static bool big_created_ = false;
};

TEST_F(ExportFaultsOwnServerTest, ServerStoppedMidExportFailsTheTask) {
  const std::string id = "server-stopped";
  ASSERT_NO_FATAL_FAILURE(StartSlowExport(id));
  Status stopped = server_->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.ToString();

  CliResult wait = Run(StrCat("export wait --id ", id, " --timeout 30"));
  std::fprintf(stderr, "[timing] server stopped: task ended %.2f s later\n", wait.seconds);
  std::string cause = ExpectFailedTask(id, wait, {"public.big"});
  EXPECT_THAT(cause, HasSubstr("connection")) << "says the connection went";
  EXPECT_THAT(cause, AnyOf(HasSubstr("server"), HasSubstr("PostgreSQL")));
  EXPECT_THAT(cause, HasSubstr("the server restarted, crashed or the network failed"));
  EXPECT_LT(Describe(id).value("ExportedRows", kBigRows), kBigRows);
}

TEST_F(ExportFaultsOwnServerTest, ServerRestartedMidExportFailsTheTask) {
  const std::string id = "server-restarted";
  ASSERT_NO_FATAL_FAILURE(StartSlowExport(id));
  Status stopped = server_->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.ToString();
  Status again = server_->StartAgain();
  ASSERT_TRUE(again.ok()) << again.ToString();

  CliResult wait = Run(StrCat("export wait --id ", id, " --timeout 30"));
  std::string cause = ExpectFailedTask(id, wait, {"public.big"});
  EXPECT_THAT(cause, HasSubstr("connection"));
  // The server is back (the old snapshot is not): a new export works.
  CliResult fresh = Run(StartArgs("after-restart", Source(), "--only postgres.public.small --wait"));
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(Describe("after-restart")["ExportedRows"], kSmallRows);
}

// Demands scram-sha-256 from kPasswordUser over TCP (the harness trusts
// everyone) and waits until the server applies it.
Status RequirePasswordFor(testing::PgServer& server) {
  const std::string hba_path = server.data_dir() + "/pg_hba.conf";
  SL_ASSIGN_OR_RETURN(std::string hba, ReadFileToString(hba_path));
  const std::string rule = StrCat("host all ", kPasswordUser, " 127.0.0.1/32 scram-sha-256\n");
  if (hba.find(rule) == std::string::npos) {
    // First match wins: the rule goes before the harness's trust lines.
    SL_RETURN_NOT_OK(WriteStringToFile(hba_path, rule + hba));  // rewriting keeps the owner
    SL_RETURN_NOT_OK(server.Psql("SELECT pg_reload_conf()").status());
  }
  const std::string probe = StrCat("postgresql://", kPasswordUser, ":not-it@127.0.0.1:", std::to_string(server.port()),
                                   "/postgres?connect_timeout=5");
  for (int i = 0; i < 100; ++i) {
    PGconn* conn = PQconnectdb(probe.c_str());
    bool refused = PQstatus(conn) != CONNECTION_OK;
    PQfinish(conn);
    if (refused) return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::IOError("the server still admits " + std::string(kPasswordUser) + " without a password");
}

TEST_F(ExportFaultsOwnServerTest, BadOrMissingPasswordFailsWithAHintAndNeverShowsThePassword) {
  Status required = RequirePasswordFor(*server_);
  ASSERT_TRUE(required.ok()) << required.ToString();
  const std::string host = StrCat("127.0.0.1:", std::to_string(server_->port()));

  const std::string wrong = "wrong-secret-3Zp";
  CliResult bad = Run(StartArgs("bad-password", StrCat("postgresql://", kPasswordUser, ":", wrong, "@", host,
                                                       "/postgres"),
                                "--wait"));
  ExpectFailedTask("bad-password", bad,
                   {StrCat("password authentication failed for user \"", kPasswordUser, "\""),
                    "check the user and password"});
  json task = Describe("bad-password");
  EXPECT_EQ(task["SourceArn"], StrCat("postgresql://", kPasswordUser, "@", host, "/postgres"));
  EXPECT_EQ(task.dump().find(wrong), std::string::npos) << "the password must never be stored or shown";
  EXPECT_EQ(bad.out.find(wrong), std::string::npos);
  EXPECT_EQ(bad.err.find(wrong), std::string::npos);

  CliResult missing = Run(StartArgs("no-password", StrCat("postgresql://", kPasswordUser, "@", host, "/postgres"),
                                    "--wait"));
  ExpectFailedTask("no-password", missing, {"no password supplied", "check the user and password"});

  // The right password passes: the failures above were about the password.
  CliResult good = Run(StartArgs("good-password",
                                 StrCat("postgresql://", kPasswordUser, ":", kPassword, "@", host, "/postgres"),
                                 "--only postgres.public.small --wait"));
  ASSERT_EQ(good.exit_code, 0) << good.err;
  json done = Describe("good-password");
  EXPECT_EQ(done["Status"], "COMPLETE");
  EXPECT_EQ(done["ExportedRows"], kSmallRows);
  EXPECT_EQ(done.dump().find(kPassword), std::string::npos);
  Result<std::string> info = ReadFileToString(TaskDir("good-password") + "/export_info_good-password.json");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->find(kPassword), std::string::npos) << "nor written beside the export";
}

}  // namespace
}  // namespace snaplake
