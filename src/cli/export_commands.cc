// `snaplake export start|describe|cancel|wait`: export tasks modelled on the
// AWS CLI's `aws rds start-export-task` family (see docs/cli.md).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/parquet_cli.h"
#include "export/export_executor.h"
#include "export/layout.h"
#include "export/task_lock.h"
#include "export/task_store.h"

namespace snaplake::cli {

namespace {

using exporting::ExportStatus;

std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted = true; }

void InstallSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

struct StartArgs {
  exporting::ExportRequest request;
  std::string types = "native";
  std::string compression = "gzip";
  std::string max_rate;
  std::string chunk_size;
  std::string memory_limit;
  bool wait = false;
};

Result<std::string> Home() { return exporting::DefaultHome(); }

std::string HumanBytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

// A one-line progress bar on a terminal: percent, tables, rows, bytes, ETA.
class ProgressBar {
 public:
  ProgressBar() : enabled_(::isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}
  void Update(const exporting::ExportProgress& p) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    int percent = p.Percent();
    double elapsed = std::chrono::duration<double>(now - start_).count();
    std::string eta = "--:--";
    if (percent > 0) {
      int seconds = static_cast<int>(elapsed * (100 - percent) / percent);
      char buf[16];
      std::snprintf(buf, sizeof(buf), "%d:%02d", seconds / 60, seconds % 60);
      eta = buf;
    }
    const int width = 24;
    int filled = percent * width / 100;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(width - filled), '.');
    std::fprintf(stderr, "\r[%s] %3d%%  tables %lld/%lld  rows %lld  read %s  ETA %s   ", bar.c_str(), percent,
                 static_cast<long long>(p.tables_done.load()), static_cast<long long>(p.tables_total.load()),
                 static_cast<long long>(p.rows.load()), HumanBytes(p.source_bytes.load()).c_str(), eta.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }
  void Finish() {
    if (drawn_) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

void PrintTask(const exporting::ExportTask& task) {
  std::cout << exporting::ToDescribeJson(task).dump(4, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << std::endl;
}

ExitCode ExitFor(ExportStatus status, exporting::TaskStore& store, const std::string& id) {
  Result<exporting::ExportTask> task = store.Get(id);
  if (task.ok()) PrintTask(*task);
  if (status == ExportStatus::kComplete) return kExitOk;
  std::string cause = task.ok() ? task->failure_cause : "";
  std::string line = "export task '" + id + "' ended " + exporting::ExportStatusName(status);
  if (!cause.empty()) line.append(": ").append(cause);
  std::fprintf(stderr, "snaplake: %s\n", line.c_str());
  return kExitError;
}

Status ReapAll(exporting::TaskStore& store, const std::string& home) {
  SL_ASSIGN_OR_RETURN(std::vector<exporting::ExportTask> tasks, store.List());
  for (const exporting::ExportTask& task : tasks) {
    if (!exporting::IsTerminal(task.status)) SL_RETURN_NOT_OK(exporting::ReapDeadWorker(store, home, task.id));
  }
  return Status::OK();
}

// Detaches the worker: a child in its own session, output to the task's log.
// Returns in the parent with the child's pid; never returns in the child.
Result<pid_t> SpawnWorker(const StartArgs& args, const std::string& home) {
  std::string log_dir = home + "/logs";
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);
  std::string log_path = log_dir + "/" + exporting::TaskDirectoryName(args.request.id) + ".log";
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return Status::IOError(std::string("cannot start the export worker: fork failed: ") + strerror(errno));
  if (pid > 0) return pid;
  // Child.
  ::setsid();
  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (log >= 0) {
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
  }
  InstallSignalHandlers();
  signal(SIGHUP, SIG_IGN);
  int code = 1;
  {
    Result<std::unique_ptr<exporting::TaskStore>> store = exporting::TaskStore::Open(home);
    if (store.ok()) {
      ExportStatus status = exporting::ExecuteExportTask(args.request, **store, g_interrupted);
      Result<exporting::ExportTask> task = (*store)->Get(args.request.id);
      std::fprintf(stderr, "export task %s ended %s%s%s\n", args.request.id.c_str(),
                   exporting::ExportStatusName(status), task.ok() && !task->failure_cause.empty() ? ": " : "",
                   task.ok() ? task->failure_cause.c_str() : "");
      code = status == ExportStatus::kComplete ? 0 : 1;
    } else {
      std::fprintf(stderr, "export worker: %s\n", store.status().message().c_str());
    }
  }
  std::fflush(nullptr);
  ::_exit(code);
}

ExitCode RunStart(StartArgs& args) {
  exporting::ExportRequest& request = args.request;
  Result<postgres::TypeMode> mode = postgres::ParseTypeMode(args.types);
  if (!mode.ok()) return ReportError(mode.status());
  request.type_mode = *mode;
  Result<CompressionCodec> codec = ParseCompression(args.compression);
  if (!codec.ok()) return ReportError(codec.status());
  request.compression = *codec;
  Result<exporting::RateLimit> rate = exporting::ParseRateLimit(args.max_rate);
  if (!rate.ok()) return ReportError(rate.status());
  request.max_rate = *rate;
  if (!args.chunk_size.empty()) {
    Result<int64_t> size = ParseByteSize(args.chunk_size, "--chunk-size");
    if (!size.ok()) return ReportError(size.status());
    request.chunk_bytes = *size;
  }
  if (!args.memory_limit.empty()) {
    Result<int64_t> size = ParseByteSize(args.memory_limit, "--memory-limit");
    if (!size.ok()) return ReportError(size.status());
    request.memory_budget_bytes = *size;
  }
  if (request.target.find("://") == std::string::npos) {
    request.target = std::filesystem::absolute(request.target).lexically_normal().string();
  }
  Result<exporting::ExportTask> task = request.ToTask();
  if (!task.ok()) return ReportError(task.status());
  Result<std::string> home = Home();
  if (!home.ok()) return ReportError(home.status());

  Result<exporting::TaskLock> lock = exporting::TaskLock::Acquire(*home, request.id);
  if (!lock.ok()) {
    if (lock.status().code() == StatusCode::kAlreadyExists) {
      std::fprintf(stderr, "snaplake: ExportTaskAlreadyExists: an export task with the identifier '%s' already exists\n",
                   request.id.c_str());
      return kExitTaskExists;
    }
    return ReportError(lock.status());
  }
  {
    Result<std::unique_ptr<exporting::TaskStore>> store = exporting::TaskStore::Open(*home);
    if (!store.ok()) return ReportError(store.status());
    Status created = (*store)->Create(*task);
    if (created.code() == StatusCode::kAlreadyExists) {
      std::fprintf(stderr, "snaplake: %s\n", created.message().c_str());
      return kExitTaskExists;
    }
    if (!created.ok()) return ReportError(created);
    if (args.wait) {
      InstallSignalHandlers();
      ProgressBar bar;
      ExportStatus status = exporting::ExecuteExportTask(
          request, **store, g_interrupted, [&](const exporting::ExportProgress& p) { bar.Update(p); });
      bar.Finish();
      return ExitFor(status, **store, request.id);
    }
  }  // the store is closed before fork: SQLite connections must not cross it
  Result<pid_t> pid = SpawnWorker(args, *home);
  if (!pid.ok()) {
    // Nobody will run it: record that instead of leaving it STARTING.
    Result<std::unique_ptr<exporting::TaskStore>> store = exporting::TaskStore::Open(*home);
    if (store.ok()) {
      (void)(*store)->Transition(request.id, {ExportStatus::kStarting}, ExportStatus::kFailed, pid.status().message());
    }
    return ReportError(pid.status());
  }
  lock->Close();  // the worker keeps the lock
  Result<std::unique_ptr<exporting::TaskStore>> store = exporting::TaskStore::Open(*home);
  if (!store.ok()) return ReportError(store.status());
  Result<exporting::ExportTask> recorded = (*store)->Get(request.id);
  if (!recorded.ok()) return ReportError(recorded.status());
  PrintTask(*recorded);
  return kExitOk;
}

ExitCode RunDescribe(const std::string& id, const std::string& output) {
  Result<std::string> home = Home();
  if (!home.ok()) return ReportError(home.status());
  Result<std::unique_ptr<exporting::TaskStore>> store = exporting::TaskStore::Open(*home);
  if (!store.ok()) return ReportError(store.status());
  std::vector<exporting::ExportTask> tasks;
  if (!id.empty()) {
    Status reaped = exporting::ReapDeadWorker(**store, *home, id);
    if (!reaped.ok()) return ReportError(reaped);
    Result<exporting::ExportTask> task = (*store)->Get(id);
    if (!task.ok()) return ReportError(task.status());
    tasks.push_back(*task);
  } else {
    Status reaped = ReapAll(**store, *home);
    if (!reaped.ok()) return ReportError(reaped);
    Result<std::vector<exporting::ExportTask>> all = (*store)->List();
    if (!all.ok()) return ReportError(all.status());
    tasks = std::move(*all);
  }
  if (output == "table") {
    std::cout << exporting::RenderTaskTable(tasks);
    return kExitOk;
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const exporting::ExportTask& task : tasks) list.push_back(exporting::ToDescribeJson(task));
  nlohmann::ordered_json out;
  out["ExportTasks"] = std::move(list);
  std::cout << out.dump(4, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << std::endl;
  return kExitOk;
}

ExitCode RunCancel(const std::string& id) {
  Result<std::string> home = Home();
  if (!home.ok()) return ReportError(home.status());
  Result<std::unique_ptr<exporting::TaskStore>> store = exporting::TaskStore::Open(*home);
  if (!store.ok()) return ReportError(store.status());
  Status requested = (*store)->RequestCancel(id);
  if (!requested.ok()) return ReportError(requested);
  // A worker that is gone cannot clean up: do it here.
  Status reaped = exporting::ReapDeadWorker(**store, *home, id);
  if (!reaped.ok()) return ReportError(reaped);
  Result<exporting::ExportTask> task = (*store)->Get(id);
  if (!task.ok()) return ReportError(task.status());
  PrintTask(*task);
  return kExitOk;
}

ExitCode RunWait(const std::string& id, double timeout_seconds) {
  Result<std::string> home = Home();
  if (!home.ok()) return ReportError(home.status());
  Result<std::unique_ptr<exporting::TaskStore>> store = exporting::TaskStore::Open(*home);
  if (!store.ok()) return ReportError(store.status());
  InstallSignalHandlers();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  for (;;) {
    Status reaped = exporting::ReapDeadWorker(**store, *home, id);
    if (!reaped.ok()) return ReportError(reaped);
    Result<exporting::ExportTask> task = (*store)->Get(id);
    if (!task.ok()) return ReportError(task.status());
    if (exporting::IsTerminal(task->status)) return ExitFor(task->status, **store, id);
    if (g_interrupted.load()) return ReportError(Status::Cancelled("interrupted while waiting; the task goes on"));
    if (timeout_seconds > 0 && std::chrono::steady_clock::now() > deadline) {
      return ReportError(Status::IOError("export task '" + id + "' is still " +
                                         exporting::ExportStatusName(task->status) + " after the --timeout"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

ExitCode Guard(const std::function<ExitCode()>& run) {
  try {
    return run();
  } catch (const std::exception& e) {
    return ReportError(Status::Internal(std::string("internal error: ") + e.what()));
  }
}

}  // namespace

void RegisterExportCommands(CLI::App& app, ExitCode* exit_code) {
  CLI::App* group = app.add_subcommand("export", "Export tasks: a database snapshot to Parquet in the RDS layout");
  group->require_subcommand(1);

  auto start_args = std::make_shared<StartArgs>();
  CLI::App* start = group->add_subcommand("start", "Start an export task");
  start->add_option("--id", start_args->request.id, "Export task identifier (unique)")->required();
  start->add_option("--source", start_args->request.source,
                    "Database: a libpq URI or key=value string (PG* variables and ~/.pgpass apply), or "
                    "mysql://user:password@host:port/db (also mariadb://; ~/.my.cnf applies)")
      ->required();
  start->add_option("--target", start_args->request.target, "Output directory; files go under TARGET/ID/")
      ->required();
  start->add_option("--only", start_args->request.only,
                    "Comma-separated db, db.schema or db.schema.table; double-quote names with . , or \"");
  start->add_option("--types", start_args->types, "Type mapping: native (typed) or rds (as Amazon RDS)")
      ->check(CLI::IsMember({"native", "rds"}))
      ->capture_default_str();
  start->add_option("--compression", start_args->compression, "gzip, snappy, zstd or none")
      ->check(CLI::IsMember({"gzip", "snappy", "zstd", "none"}))
      ->capture_default_str();
  start->add_option("--parallel", start_args->request.parallel, "Worker connections (default: one per core)")
      ->check(CLI::Range(1, 256));
  start->add_option("--max-rate", start_args->max_rate,
                    "Cap on reading from the source per second, e.g. 50000rows or 20MiB");
  start->add_flag("--include-matviews", start_args->request.include_matviews, "Export materialized views too");
  start->add_flag("--tinyint1-as-int", start_args->request.tinyint1_as_int,
                  "MySQL: export TINYINT(1) as INT8 instead of BOOLEAN");
  start->add_option("--chunk-size", start_args->chunk_size, "Split tables into pieces of this much heap (default 256MiB, or whole tables with --parallel 1)");
  start->add_option("--memory-limit", start_args->memory_limit,
                    "Parquet buffers of all workers together (128MiB)");
  start->add_flag("--wait", start_args->wait, "Run in the foreground; exit 0 only if the task ends COMPLETE");
  start->callback([start_args, exit_code]() { *exit_code = Guard([&]() { return RunStart(*start_args); }); });

  auto describe_id = std::make_shared<std::string>();
  auto describe_output = std::make_shared<std::string>("json");
  CLI::App* describe = group->add_subcommand("describe", "Show export tasks (all, or one with --id)");
  describe->add_option("--id", *describe_id, "Export task identifier");
  describe->add_option("--output,-o", *describe_output, "json or table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();
  describe->callback([describe_id, describe_output, exit_code]() {
    *exit_code = Guard([&]() { return RunDescribe(*describe_id, *describe_output); });
  });

  auto cancel_id = std::make_shared<std::string>();
  CLI::App* cancel = group->add_subcommand("cancel", "Cancel a running export task (its files are removed)");
  cancel->add_option("--id", *cancel_id, "Export task identifier")->required();
  cancel->callback([cancel_id, exit_code]() { *exit_code = Guard([&]() { return RunCancel(*cancel_id); }); });

  auto wait_id = std::make_shared<std::string>();
  auto wait_timeout = std::make_shared<double>(0);
  CLI::App* wait = group->add_subcommand("wait", "Wait until an export task ends; exit 0 only if COMPLETE");
  wait->add_option("--id", *wait_id, "Export task identifier")->required();
  wait->add_option("--timeout", *wait_timeout, "Give up after this many seconds (0 = never)");
  wait->callback([wait_id, wait_timeout, exit_code]() {
    *exit_code = Guard([&]() { return RunWait(*wait_id, *wait_timeout); });
  });
}

}  // namespace snaplake::cli
