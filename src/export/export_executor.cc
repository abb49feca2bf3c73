#include "export/export_executor.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "export/layout.h"
#include "export/task_lock.h"
#include "source/mysql/mysql_source.h"
#include "source/postgres/pg_source.h"
#include "storage/file_system.h"
#include "storage/local_file_system.h"

namespace snaplake::exporting {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A MySQL/MariaDB source; *snapshot receives how its snapshot was taken.
Result<std::unique_ptr<Source>> OpenMySqlSource(const ExportRequest& request, const std::atomic<bool>* abort,
                                                std::vector<std::string>* warnings, nlohmann::ordered_json* snapshot) {
  mysql::MySqlSourceOptions options;
  SL_ASSIGN_OR_RETURN(options.params, mysql::ParseMySqlUri(request.source));
  options.mapping.mode = request.type_mode;
  options.mapping.tinyint1_as_int = request.tinyint1_as_int;
  options.connections = request.EffectiveParallel();
  options.interrupt = abort;
  SL_ASSIGN_OR_RETURN(options.only, ParseTableSelectors(request.only));
  SL_ASSIGN_OR_RETURN(std::unique_ptr<mysql::MySqlSource> my, mysql::MySqlSource::Open(options));
  for (const std::string& line : my->warnings()) warnings->push_back(line);
  for (const SourceTable& table : my->tables()) {
    for (const std::string& note : table.notes) warnings->push_back(note);
  }
  const mysql::MySqlSnapshotInfo& info = my->snapshot_info();
  (*snapshot)["method"] = info.method;
  (*snapshot)["connections"] = info.connections;
  if (!info.binlog_file.empty()) {
    (*snapshot)["binlog_file"] = info.binlog_file;
    (*snapshot)["binlog_position"] = info.binlog_position;
  }
  if (!info.gtid_set.empty()) (*snapshot)["gtid_set"] = info.gtid_set;
  (*snapshot)["lock_wait_ms"] = info.lock_wait_ms;
  (*snapshot)["lock_held_ms"] = info.lock_held_ms;
  return std::unique_ptr<Source>(std::move(my));
}

Result<std::unique_ptr<Source>> OpenSource(const ExportRequest& request, const std::atomic<bool>* abort,
                                           std::vector<std::string>* warnings, nlohmann::ordered_json* snapshot) {
  if (mysql::IsMySqlUri(request.source)) return OpenMySqlSource(request, abort, warnings, snapshot);
  postgres::PgSourceOptions options;
  options.conninfo = request.source;
  options.type_mode = request.type_mode;
  options.include_matviews = request.include_matviews;
  options.interrupt = abort;
  SL_ASSIGN_OR_RETURN(options.only, ParseTableSelectors(request.only));
  SL_ASSIGN_OR_RETURN(std::unique_ptr<postgres::PgSource> pg, postgres::PgSource::Open(options));
  for (const std::string& line : pg->skipped()) warnings->push_back("skipped " + line);
  for (const SourceTable& table : pg->tables()) {
    for (const std::string& note : table.notes) warnings->push_back(note);
  }
  return std::unique_ptr<Source>(std::move(pg));
}

// The nearest existing ancestor of `target` must be a directory.
Status CheckTargetUsable(FileSystem& fs, const std::string& target) {
  if (target.find("://") != std::string::npos && target.rfind("file://", 0) != 0) return Status::OK();
  std::filesystem::path path(StripFileScheme(target));
  while (!path.empty()) {
    Result<FileInfo> info = fs.Stat(path.string());
    if (info.ok()) {
      if (info->is_dir) return Status::OK();
      return Status::InvalidArgument("cannot write to --target '" + target + "': '" + path.string() +
                                     "' is a file, not a directory; choose a --target that is a writable directory");
    }
    if (path == path.parent_path()) break;
    path = path.parent_path();
  }
  return Status::OK();
}

std::string JoinWarnings(const std::vector<std::string>& warnings) {
  std::string out;
  for (const std::string& w : warnings) {
    if (!out.empty()) out.append("; ");
    out.append(w);
  }
  return out;
}

}  // namespace

int ExportRequest::EffectiveParallel() const {
  if (parallel > 0) return parallel;
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 2 : static_cast<int>(cores);
}

Result<ExportTask> ExportRequest::ToTask() const {
  if (id.empty()) return Status::InvalidArgument("--id must not be empty");
  if (id.size() > 255) return Status::InvalidArgument("--id is longer than 255 characters");
  if (target.empty()) return Status::InvalidArgument("--target must not be empty");
  SL_ASSIGN_OR_RETURN(std::vector<TableSelector> selectors, ParseTableSelectors(only));
  if (mysql::IsMySqlUri(source)) SL_RETURN_NOT_OK(mysql::ParseMySqlUri(source).status());
  ExportTask task;
  task.id = id;
  task.status = ExportStatus::kStarting;
  task.source = RedactConnectionString(source);
  task.target = target;
  for (const TableSelector& s : selectors) task.export_only.push_back(s.text);
  nlohmann::ordered_json options;
  options["only"] = only;
  options["types"] = postgres::TypeModeName(type_mode);
  options["compression"] = CompressionName(compression);
  options["parallel"] = EffectiveParallel();
  options["max_rate"] = RateLimitToString(max_rate);
  options["include_matviews"] = include_matviews;
  if (mysql::IsMySqlUri(source)) options["tinyint1_as_int"] = tinyint1_as_int;
  task.options_json = options.dump();
  task.created_ms = NowMs();
  return task;
}

ExportStatus ExecuteExportTask(const ExportRequest& request, TaskStore& store, const std::atomic<bool>& interrupt,
                               const ProgressCallback& on_progress) {
  const std::string& id = request.id;
  auto finish = [&](ExportStatus to, const std::string& cause) {
    Result<bool> changed = store.Transition(id, {ExportStatus::kStarting, ExportStatus::kInProgress,
                                                 ExportStatus::kCanceling}, to, cause);
    (void)changed;
    Result<ExportTask> now = store.Get(id);
    return now.ok() ? now->status : to;
  };
  Result<bool> started = store.Transition(id, {ExportStatus::kStarting}, ExportStatus::kInProgress);
  if (!started.ok()) return ExportStatus::kFailed;
  if (!*started) {
    // Cancelled before it began.
    return finish(ExportStatus::kCanceled, "");
  }
  Result<ExportTask> loaded = store.Get(id);
  if (!loaded.ok()) return ExportStatus::kFailed;
  ExportTask task = *loaded;
  task.worker_pid = ::getpid();
  (void)store.Update(task);

  // A --target under a regular file fails here, before any database connection.
  Result<std::shared_ptr<FileSystem>> fs_result = FileSystemForPath(request.target);
  if (!fs_result.ok()) return finish(ExportStatus::kFailed, fs_result.status().message());
  std::shared_ptr<FileSystem> fs = *fs_result;
  const std::string root = TaskRoot(request.target, id);
  Status target_usable = CheckTargetUsable(*fs, request.target);
  if (!target_usable.ok()) return finish(ExportStatus::kFailed, target_usable.message());

  // Connecting and reading the catalog can block on a silent server: watch
  // for a cancel request or a signal meanwhile.
  std::atomic<bool> abort_open{false};
  std::atomic<bool> opened_done{false};
  std::thread watcher([&]() {
    while (!opened_done.load()) {
      if (interrupt.load()) abort_open = true;
      Result<ExportTask> current = store.Get(id);
      if (current.ok() && current->status == ExportStatus::kCanceling) abort_open = true;
      for (int i = 0; i < 4 && !opened_done.load() && !abort_open.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (interrupt.load()) abort_open = true;
      }
    }
  });
  std::vector<std::string> warnings;
  nlohmann::ordered_json snapshot_info = nlohmann::ordered_json::object();
  Result<std::unique_ptr<Source>> opened = OpenSource(request, &abort_open, &warnings, &snapshot_info);
  opened_done = true;
  watcher.join();
  if (!opened.ok()) {
    if (abort_open.load()) return finish(ExportStatus::kCanceled, "");
    return finish(ExportStatus::kFailed, opened.status().message());
  }
  std::unique_ptr<Source> source = std::move(*opened);
  // Nothing is written before the source is open and the --only names are
  // known to exist; and the task's folder must be ours alone.
  Result<std::vector<FileInfo>> existing = fs->List(root);
  if (!existing.ok()) return finish(ExportStatus::kFailed, existing.status().message());
  if (!existing->empty()) {
    return finish(ExportStatus::kFailed, "the target folder '" + root +
                                             "' already holds files; choose a new --id or remove that folder");
  }
  Status writable = fs->CreateDirs(root);
  if (!writable.ok()) {
    return finish(ExportStatus::kFailed, "cannot write to --target '" + request.target + "': " +
                                             writable.message() + "; choose a --target that is a writable directory");
  }
  task.snapshot_time_ms = source->snapshot_time_ms();
  task.warning_message = JoinWarnings(warnings);
  if (!snapshot_info.empty()) {
    // Where the snapshot sits in the source's change log, for a later change stream.
    nlohmann::ordered_json options = nlohmann::ordered_json::parse(task.options_json, nullptr, false);
    if (options.is_object()) {
      options["source_snapshot"] = snapshot_info;
      task.options_json = options.dump();
    }
  }
  std::vector<size_t> notes_at_open;
  for (const SourceTable& table : source->tables()) notes_at_open.push_back(table.notes.size());
  task.tables_total = static_cast<int32_t>(source->tables().size());
  for (const SourceTable& table : source->tables()) task.total_bytes_estimate += table.estimated_bytes;
  (void)store.Update(task);

  ExportRunOptions options;
  options.task_id = id;
  options.target = request.target;
  options.compression = request.compression;
  options.parallel = request.EffectiveParallel();
  options.chunk_bytes = request.chunk_bytes;
  options.memory_budget_bytes = request.memory_budget_bytes;
  options.max_rate = request.max_rate;
  ExportRunner runner(source.get(), fs.get(), options);

  std::atomic<bool> cancel{false};
  Status result;
  std::atomic<bool> done{false};
  std::thread worker([&]() {
    result = runner.Run(task, cancel);
    done = true;
  });
  bool cancel_requested = false;
  auto last_store_update = std::chrono::steady_clock::now();
  while (!done.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (on_progress) on_progress(runner.progress());
    if (interrupt.load()) cancel_requested = true;
    auto now = std::chrono::steady_clock::now();
    if (now - last_store_update >= std::chrono::milliseconds(500)) {
      last_store_update = now;
      const ExportProgress& p = runner.progress();
      (void)store.UpdateProgress(id, p.Percent(), p.written_bytes.load(), p.rows.load(),
                                 static_cast<int>(p.tables_done.load()));
      Result<ExportTask> current = store.Get(id);
      if (current.ok() && current->status == ExportStatus::kCanceling) cancel_requested = true;
    }
    if (cancel_requested) cancel = true;
  }
  worker.join();
  if (on_progress) on_progress(runner.progress());

  const ExportProgress& p = runner.progress();
  if (result.ok() && !cancel.load()) {
    // Notes a source added while reading (e.g. MySQL zero dates exported as NULL).
    const std::vector<SourceTable>& tables = source->tables();
    for (size_t t = 0; t < tables.size() && t < notes_at_open.size(); ++t) {
      for (size_t n = notes_at_open[t]; n < tables[t].notes.size(); ++n) warnings.push_back(tables[t].notes[n]);
    }
    task.warning_message = JoinWarnings(warnings);
    task.percent_progress = 100;
    task.exported_bytes = p.written_bytes.load();
    task.exported_rows = p.rows.load();
    task.tables_done = static_cast<int32_t>(p.tables_done.load());
    (void)store.Update(task);
    Result<bool> completed = store.Transition(id, {ExportStatus::kInProgress}, ExportStatus::kComplete);
    if (completed.ok() && *completed) return ExportStatus::kComplete;
    // A cancel request arrived after the last file: honour it.
    cancel = true;
  }
  // Not complete: remove what was written, so no partial export is left to be mistaken for a whole one.
  Status removed = fs->DeleteTree(root);
  std::string cleanup_note = removed.ok() ? "" : "; also failed to remove the partial output: " + removed.message();
  if (cancel.load()) return finish(ExportStatus::kCanceled, cleanup_note.empty() ? "" : cleanup_note.substr(2));
  return finish(ExportStatus::kFailed, result.message() + cleanup_note);
}

// Marks a task whose worker died FAILED (or CANCELED), and removes what the
// worker left under target/ID, as the worker itself would have: a task that
// did not complete leaves no files.
Status ReapDeadWorker(TaskStore& store, const std::string& home, const std::string& id) {
  SL_ASSIGN_OR_RETURN(ExportTask before, store.Get(id));
  if (IsTerminal(before.status)) return Status::OK();
  SL_RETURN_NOT_OK(ReapIfDead(store, home, id));
  SL_ASSIGN_OR_RETURN(ExportTask after, store.Get(id));
  if (!IsTerminal(after.status)) return Status::OK();
  const std::string root = TaskRoot(after.target, id);
  SL_ASSIGN_OR_RETURN(std::shared_ptr<FileSystem> fs, FileSystemForPath(after.target));
  // A finished export (someone else's, under the same id) is never touched.
  if (fs->Stat(root + "/" + kSuccessFileName).ok()) return Status::OK();
  return fs->DeleteTree(root);
}

}  // namespace snaplake::exporting
