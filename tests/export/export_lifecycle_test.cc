// The life of an export task as a user sees it through the real `snaplake`
// binary: start (foreground and detached), describe (JSON and table), the
// ExportTaskAlreadyExists rule, wait, cancel, and what happens when the worker
// is killed or the foreground process gets SIGTERM/SIGINT.
//
// Every test has its own SNAPLAKE_HOME and target in a TempDir and exports
// from the database "lifecycle" on the shared test server. A "slow" export
// reads public.big (200,000 rows) at --max-rate 20000rows, about 10 s, so
// that a test can act on it mid-way.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/export_cli_test_support.h"
#include "testing/pg_server.h"
#include "testing/test_env.h"

extern char** environ;

namespace snaplake {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using ::testing::HasSubstr;
using testing::export_cli::CliResult;
using testing::export_cli::ExportCliTest;
using testing::export_cli::FilesUnder;
using testing::export_cli::OneLineError;
using testing::export_cli::SecondsSince;

constexpr char kDatabase[] = "lifecycle";
constexpr int64_t kBigRows = 200000;
constexpr int64_t kSmallRows = 1000;
constexpr int64_t kOrderRows = 500;
constexpr int64_t kAllRows = kBigRows + kSmallRows + kOrderRows;
// ~10 s for public.big: slow enough to act on mid-way, short enough that a
// test which fails to stop it still ends soon.
constexpr char kSlowRate[] = "20000rows";

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out.append(item).append("\n");
  return out.empty() ? "(none)" : out;
}

bool IsIsoTime(const json& value) {
  static const std::regex kIso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  return value.is_string() && std::regex_match(value.get<std::string>(), kIso);
}

struct Child {
  pid_t pid = -1;
  std::string out_path;
  std::string err_path;
};

// Runs the snaplake binary as a direct child (no shell in between, so that a
// signal reaches snaplake itself), with SNAPLAKE_HOME=home and stdout/stderr
// in files.
Child SpawnSnaplake(const std::string& home, const std::vector<std::string>& args, const std::string& dir) {
  Child child;
  child.out_path = dir + "/child.out";
  child.err_path = dir + "/child.err";
  std::vector<std::string> arg_strings = {SnaplakeBinary()};
  arg_strings.insert(arg_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : arg_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::string home_setting = StrCat("SNAPLAKE_HOME=", home);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "SNAPLAKE_HOME=", 14) != 0) envp.push_back(*e);
  }
  envp.push_back(home_setting.data());
  envp.push_back(nullptr);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    int out = ::open(child.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(child.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0) ::_exit(126);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  child.pid = pid;
  return child;
}

// The child's exit status (128 + signal if killed), or -1 after `timeout_s`
// (then it is killed and reaped).
int WaitChild(pid_t pid, double timeout_s) {
  Clock::time_point start = Clock::now();
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (done < 0) return -1;
    if (SecondsSince(start) > timeout_s) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// A TCP listener on 127.0.0.1 that never accepts: the kernel completes
// connections into its backlog, so a client connects and then waits forever
// for the server to speak, as with a hung server. Closing it resets them.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && ::listen(fd_, 16) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentServer() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = -1;
};

// The test server's database, created once per test process.
class LifecycleDatabase {
 public:
  static Status Ensure(testing::PgServer& pg) {
    static std::once_flag once;
    static Status created;
    std::call_once(once, [&pg]() {
      Result<std::string> db = pg.Psql(StrCat("CREATE DATABASE ", kDatabase));
      if (!db.ok()) {
        created = db.status();
        return;
      }
      Result<std::string> tables = pg.Psql(
          StrCat("CREATE TABLE public.big (id int, label text NOT NULL);"
                 "INSERT INTO public.big SELECT i, md5(i::text) FROM generate_series(1, ",
                 std::to_string(kBigRows),
                 ") i;"
                 "CREATE TABLE public.small (id int, note text);"
                 "INSERT INTO public.small SELECT i, 'note ' || i FROM generate_series(1, ",
                 std::to_string(kSmallRows),
                 ") i;"
                 "CREATE SCHEMA sales;"
                 "CREATE TABLE sales.orders (id bigint, amount float8, placed date);"
                 "INSERT INTO sales.orders SELECT i, i * 1.5, date '2024-01-01' + (i % 365) "
                 "FROM generate_series(1, ",
                 std::to_string(kOrderRows),
                 ") i;"
                 "ANALYZE;"),
          kDatabase);
      created = tables.status();
    });
    return created;
  }
};

class ExportLifecycleTest : public ExportCliTest {
 protected:
  void SetUp() override {
    ExportCliTest::SetUp();
    SL_REQUIRE_SHARED_PG(pg);
    pg_ = pg;
    Status db = LifecycleDatabase::Ensure(*pg_);
    ASSERT_TRUE(db.ok()) << db.ToString();
  }

  std::string Source() const { return pg_->Uri(kDatabase); }
  // Hides the base's three-argument form: every start here reads Source().
  std::string StartArgs(const std::string& id, const std::string& extra = "") const {
    return ExportCliTest::StartArgs(id, Source(), extra);
  }
  std::string SlowArgs() const {
    return StrCat("--only ", kDatabase, ".public.big --parallel 1 --max-rate ", kSlowRate);
  }

  // Polls describe (every 100 ms) until `done` holds for the task; returns
  // the last description, with a test failure if the time ran out. The task
  // may not exist yet when polling starts (a start still on its way).
  json WaitUntil(const std::string& id, const std::function<bool(const json&)>& done, double timeout_s,
                 const char* what) const {
    Clock::time_point start = Clock::now();
    json task;
    std::string error;
    for (;;) {
      task = TryDescribe(id, &error);
      if (!task.is_null() && done(task)) return task;
      if (SecondsSince(start) > timeout_s) {
        ADD_FAILURE() << "task " << id << " did not reach '" << what << "' within " << timeout_s
                      << " s; last description: " << (task.is_null() ? error : task.dump());
        return task;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // Rows are flowing: IN_PROGRESS with rows counted and a worker pid.
  json WaitUntilExporting(const std::string& id) const {
    return WaitUntil(
        id,
        [](const json& t) {
          return t.value("Status", "") == "IN_PROGRESS" && t.value("ExportedRows", int64_t{0}) > 0 &&
                 t.contains("WorkerPid");
        },
        20, "IN_PROGRESS with rows exported");
  }

  json WaitUntilTerminal(const std::string& id, double timeout_s = 20) const {
    return WaitUntil(
        id,
        [](const json& t) {
          std::string s = t.value("Status", "");
          return s == "COMPLETE" || s == "FAILED" || s == "CANCELED";
        },
        timeout_s, "a terminal status");
  }

  testing::PgServer* pg_ = nullptr;
};

// ---------------------------------------------------------------------------
// start --wait, describe, files

TEST_F(ExportLifecycleTest, StartWaitCompletesWithDescribeFieldsAndRdsLayout) {
  const std::string id = "full-export";
  CliResult start = Run(StartArgs(id, "--wait"));
  ASSERT_EQ(start.exit_code, 0) << start.err;
  EXPECT_EQ(start.err, "");
  std::fprintf(stderr, "[timing] start --wait of %lld rows: %.2f s\n", static_cast<long long>(kAllRows),
               start.seconds);
  // start prints the task as it ended.
  json printed = json::parse(start.out, nullptr, false);
  ASSERT_TRUE(printed.is_object()) << start.out;
  EXPECT_EQ(printed["Status"], "COMPLETE");

  json task = Describe(id);
  ASSERT_FALSE(task.is_null());
  EXPECT_EQ(task["ExportTaskIdentifier"], id);
  EXPECT_EQ(task["Status"], "COMPLETE");
  EXPECT_EQ(task["PercentProgress"], 100);
  EXPECT_EQ(task["SourceType"], "SNAPSHOT");
  EXPECT_EQ(task["SourceArn"], Source());
  EXPECT_TRUE(IsIsoTime(task["SnapshotTime"])) << task.dump();
  EXPECT_TRUE(IsIsoTime(task["TaskStartTime"])) << task.dump();
  EXPECT_TRUE(IsIsoTime(task["TaskEndTime"])) << task.dump();
  // Same format, so string order is time order.
  EXPECT_LE(task["TaskStartTime"].get<std::string>(), task["TaskEndTime"].get<std::string>());
  EXPECT_LE(task["SnapshotTime"].get<std::string>(), task["TaskEndTime"].get<std::string>());
  EXPECT_EQ(task["ExportedFilesPath"], TaskDir(id));
  EXPECT_EQ(task["ExportedRows"], kAllRows);
  EXPECT_GT(task["ExportedBytes"].get<int64_t>(), 0);
  EXPECT_EQ(task["TablesTotal"], 3);
  EXPECT_EQ(task["TablesDone"], 3);
  EXPECT_FALSE(task.contains("FailureCause")) << task.dump();
  EXPECT_FALSE(task.contains("WorkerPid")) << "a finished task has no worker: " << task.dump();
  EXPECT_FALSE(task.contains("ExportOnly"));

  // The RDS layout, and nothing else.
  std::vector<std::string> files = FilesUnder(TaskDir(id));
  const std::string uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
  const std::vector<std::string> patterns = {
      "_SUCCESS",
      "export_info_full-export\\.json",
      "export_tables_info_full-export_from_1_to_3\\.json",
      "lifecycle/public\\.big/1/_SUCCESS",
      "lifecycle/public\\.big/1/part-00000-" + uuid + "-c000\\.gz\\.parquet",
      "lifecycle/public\\.small/1/_SUCCESS",
      "lifecycle/public\\.small/1/part-00000-" + uuid + "-c000\\.gz\\.parquet",
      "lifecycle/sales\\.orders/1/_SUCCESS",
      "lifecycle/sales\\.orders/1/part-00000-" + uuid + "-c000\\.gz\\.parquet",
  };
  ASSERT_EQ(files.size(), patterns.size()) << Joined(files);
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_TRUE(std::regex_match(files[i], std::regex(patterns[i]))) << files[i] << " vs " << patterns[i];
  }

  // The summaries agree with describe.
  Result<std::string> info_text = ReadFileToString(TaskDir(id) + "/export_info_full-export.json");
  ASSERT_TRUE(info_text.ok()) << info_text.status().ToString();
  json info = json::parse(*info_text, nullptr, false);
  ASSERT_TRUE(info.is_object()) << *info_text;
  EXPECT_EQ(info["exportTaskIdentifier"], id);
  EXPECT_EQ(info["status"], "COMPLETE");
  EXPECT_EQ(info["percentProgress"], 100);
  Result<std::string> tables_text = ReadFileToString(TaskDir(id) + "/export_tables_info_full-export_from_1_to_3.json");
  ASSERT_TRUE(tables_text.ok()) << tables_text.status().ToString();
  json tables = json::parse(*tables_text, nullptr, false);
  ASSERT_TRUE(tables.is_object()) << *tables_text;
  ASSERT_EQ(tables["perTableStatus"].size(), 3u) << *tables_text;
  for (const json& table : tables["perTableStatus"]) EXPECT_EQ(table["status"], "COMPLETE") << table.dump();

  // The data itself, read back: every part file holds its table's rows and
  // names the task, and one table's values match the database's.
  const std::vector<std::pair<std::string, int64_t>> expected_rows = {
      {"public.big", kBigRows}, {"public.small", kSmallRows}, {"sales.orders", kOrderRows}};
  std::string orders_file;
  for (const auto& [table, rows] : expected_rows) {
    SCOPED_TRACE(table);
    std::vector<std::string> parts;
    for (const std::string& f : files) {
      if (f.rfind(StrCat("lifecycle/", table, "/1/part-"), 0) == 0) parts.push_back(TaskDir(id) + "/" + f);
    }
    ASSERT_EQ(parts.size(), 1u);
    if (table == "sales.orders") orders_file = parts[0];
    CliResult inspect = Run(StrCat("parquet inspect --output json ", ShellQuote(parts[0])));
    ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
    json meta = json::parse(inspect.out, nullptr, false);
    ASSERT_TRUE(meta.is_object()) << inspect.out;
    EXPECT_EQ(meta["num_rows"], rows);
    EXPECT_THAT(meta["key_value_metadata"].dump(), HasSubstr(R"({"key":"snaplake.export_task","value":"full-export"})"));
  }
  CliResult cat = Run(StrCat("parquet cat ", ShellQuote(orders_file)));
  ASSERT_EQ(cat.exit_code, 0) << cat.err;
  Result<std::string> from_db = pg_->Psql(
      "SELECT json_build_object('id', id, 'amount', amount, 'placed', placed) FROM sales.orders ORDER BY id",
      kDatabase);
  ASSERT_TRUE(from_db.ok()) << from_db.status().ToString();
  auto parse_lines = [](const std::string& text) {
    std::vector<json> rows;
    size_t begin = 0;
    for (size_t nl; (nl = text.find('\n', begin)) != std::string::npos; begin = nl + 1) {
      rows.push_back(json::parse(text.substr(begin, nl - begin), nullptr, false));
    }
    std::sort(rows.begin(), rows.end(), [](const json& a, const json& b) { return a["id"] < b["id"]; });
    return rows;
  };
  std::vector<json> exported = parse_lines(cat.out);
  std::vector<json> source = parse_lines(*from_db);
  ASSERT_EQ(exported.size(), static_cast<size_t>(kOrderRows));
  EXPECT_EQ(exported, source);
}

TEST_F(ExportLifecycleTest, SameIdAfterItFinishedIsExportTaskAlreadyExistsAndTouchesNothing) {
  const std::string id = "done-once";
  CliResult first = Run(StartArgs(id, StrCat("--only ", kDatabase, ".public.small --wait")));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::vector<std::string> files_before = FilesUnder(TaskDir(id));
  ASSERT_FALSE(files_before.empty());

  for (const char* mode : {"--wait", ""}) {
    SCOPED_TRACE(StrCat("second start ", mode));
    CliResult again = Run(StartArgs(id, mode));
    EXPECT_TRUE(OneLineError(again, 3, {"ExportTaskAlreadyExists", id})) << again.out;
    EXPECT_EQ(again.out, "") << "nothing but the error";
  }
  // A different target does not help: ids are unique per SNAPLAKE_HOME.
  const std::string other_target = dir_.Path("elsewhere");
  CliResult elsewhere = Run(StrCat("export start --id ", id, " --source ", ShellQuote(Source()), " --target ",
                                   ShellQuote(other_target), " --wait"));
  EXPECT_TRUE(OneLineError(elsewhere, 3, {"ExportTaskAlreadyExists"}));
  EXPECT_FALSE(fs::exists(other_target));

  json task = Describe(id);
  ASSERT_FALSE(task.is_null());
  EXPECT_EQ(task["Status"], "COMPLETE");
  EXPECT_EQ(FilesUnder(TaskDir(id)), files_before);
}

TEST_F(ExportLifecycleTest, SameIdWhileItRunsIsExportTaskAlreadyExists) {
  const std::string id = "still-running";
  CliResult start = Run(StartArgs(id, SlowArgs()));
  ASSERT_EQ(start.exit_code, 0) << start.err;
  json running = WaitUntilExporting(id);
  ASSERT_EQ(running["Status"], "IN_PROGRESS");

  for (const char* mode : {"--wait", ""}) {
    SCOPED_TRACE(StrCat("second start ", mode));
    CliResult again = Run(StartArgs(id, mode));
    EXPECT_TRUE(OneLineError(again, 3, {"ExportTaskAlreadyExists", id}));
    EXPECT_LT(again.seconds, 5) << "must not wait for the first one";
  }
  // The first task goes on, undisturbed.
  json after = Describe(id);
  ASSERT_FALSE(after.is_null());
  EXPECT_EQ(after["Status"], "IN_PROGRESS") << after.dump();
  EXPECT_EQ(after["WorkerPid"], running["WorkerPid"]);
  EXPECT_EQ(after["ExportOnly"], json::array({StrCat(kDatabase, ".public.big")}));

  CliResult cancel = Run(StrCat("export cancel --id ", id));
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_EQ(WaitUntilTerminal(id)["Status"], "CANCELED");
}

// ---------------------------------------------------------------------------
// Detached start, wait, describe listings

TEST_F(ExportLifecycleTest, StartWithoutWaitReturnsAtOnceAndWaitReportsComplete) {
  const std::string id = "detached";
  // ~4 s of work at 50000 rows/s: start must return long before that.
  CliResult start = Run(StartArgs(id, StrCat("--only ", kDatabase, ".public.big --parallel 1 --max-rate 50000rows")));
  ASSERT_EQ(start.exit_code, 0) << start.err;
  EXPECT_EQ(start.err, "");
  std::fprintf(stderr, "[timing] detached start returned in %.2f s\n", start.seconds);
  EXPECT_LT(start.seconds, 2.0) << "start without --wait must not run the export";
  json printed = json::parse(start.out, nullptr, false);
  ASSERT_TRUE(printed.is_object()) << start.out;
  EXPECT_EQ(printed["ExportTaskIdentifier"], id);
  EXPECT_THAT(printed["Status"].get<std::string>(), ::testing::AnyOf("STARTING", "IN_PROGRESS"));

  json early = Describe(id);
  ASSERT_FALSE(early.is_null());
  EXPECT_THAT(early["Status"].get<std::string>(), ::testing::AnyOf("STARTING", "IN_PROGRESS")) << early.dump();
  EXPECT_FALSE(fs::exists(TaskDir(id) + "/_SUCCESS"));

  CliResult wait = Run(StrCat("export wait --id ", id, " --timeout 60"));
  std::fprintf(stderr, "[timing] export wait returned after %.2f s\n", wait.seconds);
  ASSERT_EQ(wait.exit_code, 0) << wait.err;
  EXPECT_EQ(wait.err, "");
  json waited = json::parse(wait.out, nullptr, false);
  ASSERT_TRUE(waited.is_object()) << wait.out;
  EXPECT_EQ(waited["Status"], "COMPLETE");
  EXPECT_EQ(waited["ExportedRows"], kBigRows);
  EXPECT_EQ(waited["PercentProgress"], 100);
  EXPECT_TRUE(fs::exists(TaskDir(id) + "/_SUCCESS"));

  // The detached worker logged its end.
  Result<std::string> log = ReadFileToString(home_ + "/logs/" + id + ".log");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_THAT(*log, HasSubstr("ended COMPLETE"));

  // Waiting on a finished task answers at once.
  CliResult again = Run(StrCat("export wait --id ", id));
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(ExportLifecycleTest, WaitTimeoutAndUnknownIds) {
  const std::string id = "slow-wait";
  ASSERT_EQ(Run(StartArgs(id, SlowArgs())).exit_code, 0);
  CliResult timed_out = Run(StrCat("export wait --id ", id, " --timeout 1"));
  EXPECT_TRUE(OneLineError(timed_out, 1, {id, "still", "--timeout"}));
  EXPECT_LT(timed_out.seconds, 6);

  for (const char* command : {"wait", "describe", "cancel"}) {
    SCOPED_TRACE(command);
    CliResult unknown = Run(StrCat("export ", command, " --id no-such-task"));
    EXPECT_TRUE(OneLineError(unknown, 1, {"ExportTaskNotFound", "no-such-task"}));
  }
  EXPECT_EQ(Run(StrCat("export cancel --id ", id)).exit_code, 0);
  EXPECT_EQ(WaitUntilTerminal(id)["Status"], "CANCELED");
}

TEST_F(ExportLifecycleTest, DescribeWithoutIdListsEveryTaskOldestFirst) {
  CliResult empty = Run("export describe");
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(json::parse(empty.out, nullptr, false), json::parse(R"({"ExportTasks": []})"));

  ASSERT_EQ(Run(StartArgs("list-a", StrCat("--only ", kDatabase, ".public.small --wait"))).exit_code, 0);
  CliResult failed = Run(StartArgs("list-b", StrCat("--only ", kDatabase, ".public.no_such_table --wait")));
  ASSERT_EQ(failed.exit_code, 1);
  ASSERT_EQ(Run(StartArgs("list-c", StrCat("--only ", kDatabase, ".sales --wait"))).exit_code, 0);

  CliResult all = Run("export describe");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  json parsed = json::parse(all.out, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << all.out;
  ASSERT_EQ(parsed.size(), 1u) << "only ExportTasks: " << all.out;
  const json& tasks = parsed["ExportTasks"];
  ASSERT_EQ(tasks.size(), 3u) << all.out;
  EXPECT_EQ(tasks[0]["ExportTaskIdentifier"], "list-a");
  EXPECT_EQ(tasks[0]["Status"], "COMPLETE");
  EXPECT_EQ(tasks[0]["ExportedRows"], kSmallRows);
  EXPECT_EQ(tasks[1]["ExportTaskIdentifier"], "list-b");
  EXPECT_EQ(tasks[1]["Status"], "FAILED");
  EXPECT_THAT(tasks[1]["FailureCause"].get<std::string>(), HasSubstr("no_such_table"));
  EXPECT_EQ(tasks[2]["ExportTaskIdentifier"], "list-c");
  EXPECT_EQ(tasks[2]["Status"], "COMPLETE");
  EXPECT_EQ(tasks[2]["ExportedRows"], kOrderRows);
  EXPECT_EQ(tasks[2]["ExportOnly"], json::array({StrCat(kDatabase, ".sales")}));

  // describe --id gives the same element.
  EXPECT_EQ(Describe("list-b"), tasks[1]);
}

TEST_F(ExportLifecycleTest, DescribeOutputTableHasAlignedColumnsAndTheCause) {
  ASSERT_EQ(Run(StartArgs("table-ok", StrCat("--only ", kDatabase, ".public.small --wait"))).exit_code, 0);
  ASSERT_EQ(Run(StartArgs("table-failed-with-a-long-id", StrCat("--only ", kDatabase, ".public.gone --wait")))
                .exit_code,
            1);
  for (const char* flag : {"--output table", "-o table"}) {
    SCOPED_TRACE(flag);
    CliResult table = Run(StrCat("export describe ", flag));
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_EQ(table.err, "");
    std::vector<std::string> lines;
    size_t begin = 0;
    for (size_t nl; (nl = table.out.find('\n', begin)) != std::string::npos; begin = nl + 1) {
      lines.push_back(table.out.substr(begin, nl - begin));
    }
    ASSERT_EQ(lines.size(), 3u) << table.out;
    EXPECT_EQ(lines[0].rfind("IDENTIFIER", 0), 0u) << lines[0];
    for (const char* column : {"STATUS", "PROGRESS", "TABLES", "ROWS", "STARTED", "ENDED"}) {
      EXPECT_THAT(lines[0], HasSubstr(column));
    }
    EXPECT_EQ(lines[1].rfind("table-ok ", 0), 0u) << lines[1];
    EXPECT_EQ(lines[2].rfind("table-failed-with-a-long-id ", 0), 0u) << lines[2];
    // The STATUS column starts at the same offset on every line.
    const size_t status_column = lines[0].find("STATUS");
    EXPECT_EQ(lines[1].find("COMPLETE"), status_column) << table.out;
    EXPECT_EQ(lines[2].find("FAILED"), status_column) << table.out;
    EXPECT_THAT(lines[1], HasSubstr("100%"));
    EXPECT_THAT(lines[1], HasSubstr(std::to_string(kSmallRows)));
    // The failure cause, untruncated, on the failed task's line.
    EXPECT_THAT(lines[2], HasSubstr("--only 'lifecycle.public.gone' matches no exportable table"));
  }
  CliResult bad = Run("export describe --output yaml");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

// ---------------------------------------------------------------------------
// Cancel

TEST_F(ExportLifecycleTest, CancelMidWayGoesCancelingThenCanceledAndRemovesTheFiles) {
  const std::string id = "to-cancel";
  ASSERT_EQ(Run(StartArgs(id, SlowArgs())).exit_code, 0);
  json running = WaitUntilExporting(id);
  ASSERT_EQ(running["Status"], "IN_PROGRESS");
  // The part file is being written meanwhile.
  EXPECT_TRUE(fs::exists(TaskDir(id) + "/lifecycle/public.big/1"));

  Clock::time_point asked = Clock::now();
  CliResult cancel = Run(StrCat("export cancel --id ", id));
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_EQ(cancel.err, "");
  json canceling = json::parse(cancel.out, nullptr, false);
  ASSERT_TRUE(canceling.is_object()) << cancel.out;
  EXPECT_EQ(canceling["Status"], "CANCELING") << "the worker stops on its own, after the request";

  CliResult wait = Run(StrCat("export wait --id ", id, " --timeout 30"));
  const double latency = SecondsSince(asked);
  std::fprintf(stderr, "[timing] cancel to CANCELED: %.2f s\n", latency);
  EXPECT_TRUE(OneLineError(wait, 1, {id, "ended CANCELED"}));
  json task = Describe(id);
  ASSERT_FALSE(task.is_null());
  EXPECT_EQ(task["Status"], "CANCELED");
  EXPECT_TRUE(IsIsoTime(task["TaskEndTime"])) << task.dump();
  EXPECT_FALSE(task.contains("WorkerPid"));
  EXPECT_LT(task["ExportedRows"].get<int64_t>(), kBigRows) << "it was cancelled mid-way";
  EXPECT_LT(task["PercentProgress"].get<int>(), 100);
  EXPECT_EQ(FilesUnder(TaskDir(id)), std::vector<std::string>()) << "a CANCELED task leaves no files";
  EXPECT_LT(latency, 10) << "cancel should take effect within a few batches";

  // A finished task cannot be cancelled again, and says why.
  CliResult again = Run(StrCat("export cancel --id ", id));
  EXPECT_TRUE(OneLineError(again, 1, {"cannot cancel", id, "already CANCELED"}));
}

TEST_F(ExportLifecycleTest, CancelOfACompleteTaskIsRefusedAndKeepsItsFiles) {
  const std::string id = "complete-then-cancel";
  ASSERT_EQ(Run(StartArgs(id, StrCat("--only ", kDatabase, ".public.small --wait"))).exit_code, 0);
  CliResult cancel = Run(StrCat("export cancel --id ", id));
  EXPECT_TRUE(OneLineError(cancel, 1, {"cannot cancel", "already COMPLETE"}));
  EXPECT_EQ(Describe(id)["Status"], "COMPLETE");
  EXPECT_TRUE(fs::exists(TaskDir(id) + "/_SUCCESS"));
}

// --max-rate makes a worker sleep after each batch (8192 rows); a cancel must
// not wait for that sleep to end. At 1000 rows/s one batch is ~8 s of sleep.
// (A regression test: RateLimiter::Acquire once slept without looking at the
// cancel flag, so at --max-rate 100rows a cancel took over a minute.)
TEST_F(ExportLifecycleTest, CancelIsPromptEvenAtALowMaxRate) {
  const std::string id = "cancel-low-rate";
  ASSERT_EQ(Run(StartArgs(id, StrCat("--only ", kDatabase, ".public.big --parallel 1 --max-rate 1000rows"))).exit_code,
            0);
  ASSERT_EQ(WaitUntilExporting(id)["Status"], "IN_PROGRESS");
  Clock::time_point asked = Clock::now();
  ASSERT_EQ(Run(StrCat("export cancel --id ", id)).exit_code, 0);
  CliResult wait = Run(StrCat("export wait --id ", id, " --timeout 30"));
  const double latency = SecondsSince(asked);
  std::fprintf(stderr, "[timing] cancel at --max-rate 1000rows to CANCELED: %.2f s\n", latency);
  EXPECT_TRUE(OneLineError(wait, 1, {"ended CANCELED"}));
  EXPECT_LT(latency, 3.0) << "the cancel waited for the rate limiter's sleep (up to batch rows / rate "
                             "seconds); RateLimiter::Acquire should wake up when the export is cancelled";
}

// ---------------------------------------------------------------------------
// The worker dies

TEST_F(ExportLifecycleTest, WorkerKilledWithSigkillIsReportedFailedNeverComplete) {
  const std::string id = "killed-worker";
  ASSERT_EQ(Run(StartArgs(id, SlowArgs())).exit_code, 0);
  json running = WaitUntilExporting(id);
  ASSERT_TRUE(running.contains("WorkerPid")) << running.dump();
  const pid_t worker = static_cast<pid_t>(running["WorkerPid"].get<int64_t>());
  ASSERT_GT(worker, 1);
  ASSERT_EQ(::kill(worker, SIGKILL), 0) << std::strerror(errno);

  // Nobody holds the task's lock any more: the next describe notices.
  json task = WaitUntilTerminal(id, 10);
  ASSERT_FALSE(task.is_null());
  EXPECT_EQ(task["Status"], "FAILED") << task.dump();
  const std::string cause = task.value("FailureCause", "");
  EXPECT_THAT(cause, HasSubstr("worker"));
  EXPECT_THAT(cause, HasSubstr(StrCat("pid ", std::to_string(worker))));
  EXPECT_THAT(cause, HasSubstr("stopped without finishing"));
  EXPECT_THAT(cause, HasSubstr("start a new export task")) << "says what to do";
  EXPECT_FALSE(task.contains("WorkerPid"));
  EXPECT_FALSE(fs::exists(TaskDir(id) + "/_SUCCESS"));
  EXPECT_FALSE(fs::exists(TaskDir(id) + "/lifecycle/public.big/1/_SUCCESS"));

  CliResult wait = Run(StrCat("export wait --id ", id, " --timeout 10"));
  EXPECT_TRUE(OneLineError(wait, 1, {"ended FAILED", "stopped without finishing"}));
  // It stays FAILED: nothing can revive it.
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_EQ(Describe(id)["Status"], "FAILED");
  EXPECT_FALSE(fs::exists(TaskDir(id) + "/_SUCCESS"));
}

// The contract says a task that did not complete leaves no files under
// target/ID. A worker killed with SIGKILL cannot clean up, so whoever finds it
// dead (describe, wait) has to, as `export cancel` does for a dead CANCELING
// task. (A regression test: reaping once left the temporary part file behind.)
TEST_F(ExportLifecycleTest, WorkerKilledWithSigkillLeavesNoPartialFilesOnceReaped) {
  const std::string id = "killed-worker-files";
  ASSERT_EQ(Run(StartArgs(id, SlowArgs())).exit_code, 0);
  json running = WaitUntilExporting(id);
  ASSERT_TRUE(running.contains("WorkerPid")) << running.dump();
  ASSERT_EQ(::kill(static_cast<pid_t>(running["WorkerPid"].get<int64_t>()), SIGKILL), 0);
  json task = WaitUntilTerminal(id, 10);
  ASSERT_EQ(task["Status"], "FAILED") << task.dump();
  CliResult wait = Run(StrCat("export wait --id ", id, " --timeout 10"));
  EXPECT_EQ(wait.exit_code, 1);
  EXPECT_EQ(FilesUnder(TaskDir(id)), std::vector<std::string>())
      << "the killed worker's partial output (temporary part file) is left under " << TaskDir(id)
      << " after the task was marked FAILED; ReapIfDead's callers should remove target/ID as RunCancel does";
}

// ---------------------------------------------------------------------------
// Signals to a foreground `start --wait`

class ExportSignalTest : public ExportLifecycleTest, public ::testing::WithParamInterface<int> {};

TEST_P(ExportSignalTest, SignalToForegroundStartCancelsTheTaskAndRemovesItsFiles) {
  const int signal_number = GetParam();
  const std::string id = StrCat("signalled-", std::to_string(signal_number));
  Child child = SpawnSnaplake(home_,
                              {"export", "start", "--id", id, "--source", Source(), "--target", target_, "--only",
                               StrCat(kDatabase, ".public.big"), "--parallel", "1", "--max-rate", kSlowRate, "--wait"},
                              dir_.path());
  ASSERT_GT(child.pid, 0);
  json running = WaitUntilExporting(id);
  if (running.is_null() || running["Status"] != "IN_PROGRESS") {
    ::kill(child.pid, SIGKILL);
    WaitChild(child.pid, 5);
    FAIL() << "the export never got going";
  }
  // A foreground task is run by the start process itself.
  EXPECT_EQ(running["WorkerPid"], child.pid);

  Clock::time_point sent = Clock::now();
  ASSERT_EQ(::kill(child.pid, signal_number), 0);
  const int exit_code = WaitChild(child.pid, 20);
  const double latency = SecondsSince(sent);
  std::fprintf(stderr, "[timing] %s to exit: %.2f s\n", strsignal(signal_number), latency);
  ASSERT_NE(exit_code, -1) << "start --wait did not exit within 20 s of " << strsignal(signal_number);
  EXPECT_EQ(exit_code, 1) << "handled: a clean exit status, not death by the signal";

  Result<std::string> err = ReadFileToString(child.err_path);
  ASSERT_TRUE(err.ok());
  CliResult as_result{exit_code, "", *err, latency};
  EXPECT_TRUE(OneLineError(as_result, 1, {id, "ended"}));
  EXPECT_THAT(*err, ::testing::AnyOf(HasSubstr("ended CANCELED"), HasSubstr("ended FAILED")));

  json task = Describe(id);
  ASSERT_FALSE(task.is_null());
  // export_executor.h: SIGINT/SIGTERM cancel like `export cancel`.
  EXPECT_EQ(task["Status"], "CANCELED") << task.dump();
  EXPECT_LT(task["ExportedRows"].get<int64_t>(), kBigRows);
  EXPECT_FALSE(fs::exists(TaskDir(id) + "/_SUCCESS"));
  EXPECT_EQ(FilesUnder(TaskDir(id)), std::vector<std::string>());
  EXPECT_LT(latency, 10);
}

INSTANTIATE_TEST_SUITE_P(Signals, ExportSignalTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == SIGTERM ? "SIGTERM" : "SIGINT");
                         });


// Ctrl-C must stop `start --wait` even while it is still connecting to a
// server that does not answer. (A regression test: the connect once blocked
// in libpq without a timeout, so SIGTERM and SIGINT waited forever.)
TEST_F(ExportLifecycleTest, SignalWhileConnectingToAHungServerStopsPromptly) {
  SilentServer silent;
  ASSERT_GT(silent.port(), 0);
  const std::string id = "hung-server";
  const std::string source = StrCat("postgresql://postgres@127.0.0.1:", std::to_string(silent.port()), "/", kDatabase);
  Child child = SpawnSnaplake(home_, {"export", "start", "--id", id, "--source", source, "--target", target_, "--wait"},
                              dir_.path());
  ASSERT_GT(child.pid, 0);
  json task = WaitUntil(
      id, [](const json& t) { return t.value("Status", "") != "STARTING"; }, 10, "past STARTING");
  ASSERT_TRUE(task.is_object());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // well into the connection attempt
  ASSERT_EQ(task.value("Status", ""), "IN_PROGRESS") << task.dump();

  ASSERT_EQ(::kill(child.pid, SIGTERM), 0);
  const int exit_code = WaitChild(child.pid, 5);  // kills it on timeout
  silent.Close();
  EXPECT_NE(exit_code, -1) << "start --wait ignored SIGTERM for 5 s while connecting to a server "
                              "that does not answer (libpq has no connect_timeout and the interrupt flag is not "
                              "read until the source is open)";
  if (exit_code != -1) {
    EXPECT_EQ(exit_code, 1);
    EXPECT_EQ(Describe(id)["Status"], "CANCELED");
  }
  EXPECT_FALSE(fs::exists(TaskDir(id)));
}

}  // namespace
}  // namespace snaplake
