#include "export/task_store.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <system_error>

namespace snaplake::exporting {

namespace {

// user_version of the schema this code writes. Bump it, and add a migration
// step in Open, when the table changes.
constexpr int kSchemaVersion = 1;
constexpr int kBusyTimeoutMs = 10000;

constexpr const char* kCreateSchema = R"sql(
CREATE TABLE export_tasks (
  id                   TEXT PRIMARY KEY NOT NULL,
  status               TEXT NOT NULL,
  source               TEXT NOT NULL DEFAULT '',
  target               TEXT NOT NULL DEFAULT '',
  options_json         TEXT NOT NULL DEFAULT '{}',
  export_only          TEXT NOT NULL DEFAULT '[]',
  snapshot_time_ms     INTEGER NOT NULL DEFAULT 0,
  task_start_time_ms   INTEGER NOT NULL DEFAULT 0,
  task_end_time_ms     INTEGER NOT NULL DEFAULT 0,
  created_ms           INTEGER NOT NULL DEFAULT 0,
  percent_progress     INTEGER NOT NULL DEFAULT 0,
  total_bytes_estimate INTEGER NOT NULL DEFAULT 0,
  exported_bytes       INTEGER NOT NULL DEFAULT 0,
  exported_rows        INTEGER NOT NULL DEFAULT 0,
  tables_total         INTEGER NOT NULL DEFAULT 0,
  tables_done          INTEGER NOT NULL DEFAULT 0,
  failure_cause        TEXT NOT NULL DEFAULT '',
  warning_message      TEXT NOT NULL DEFAULT '',
  worker_pid           INTEGER NOT NULL DEFAULT 0
);
)sql";

constexpr const char* kSelectColumns =
    "SELECT id, status, source, target, options_json, export_only, snapshot_time_ms, task_start_time_ms,"
    " task_end_time_ms, created_ms, percent_progress, total_bytes_estimate, exported_bytes, exported_rows,"
    " tables_total, tables_done, failure_cause, warning_message, worker_pid FROM export_tasks";

// Statuses a worker may still be changing.
constexpr const char* kLiveStatuses = "('STARTING','IN_PROGRESS','CANCELING')";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string NotFoundMessage(const std::string& id) {
  std::string msg = "ExportTaskNotFound: the export task '";
  msg.append(id).append("' does not exist");
  return msg;
}

// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool prepared() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

void BindText(sqlite3_stmt* s, int index, const std::string& v) {
  sqlite3_bind_text(s, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

std::string ColumnText(sqlite3_stmt* s, int index) {
  const unsigned char* p = sqlite3_column_text(s, index);
  int n = sqlite3_column_bytes(s, index);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

std::string ExportOnlyToJson(const std::vector<std::string>& export_only) {
  return nlohmann::json(export_only).dump();
}

// Binds every task field whose :name the statement uses. Create and Update
// share it, so a new field is bound in one place.
void BindTaskFields(sqlite3_stmt* st, const ExportTask& task) {
  auto text = [st](const char* name, const std::string& value) {
    if (int i = sqlite3_bind_parameter_index(st, name); i > 0) BindText(st, i, value);
  };
  auto integer = [st](const char* name, int64_t value) {
    if (int i = sqlite3_bind_parameter_index(st, name); i > 0) sqlite3_bind_int64(st, i, value);
  };
  text(":id", task.id);
  text(":status", ExportStatusName(task.status));
  text(":source", task.source);
  text(":target", task.target);
  text(":options_json", task.options_json);
  text(":export_only", ExportOnlyToJson(task.export_only));
  integer(":snapshot_time_ms", task.snapshot_time_ms);
  integer(":task_start_time_ms", task.task_start_time_ms);
  integer(":task_end_time_ms", task.task_end_time_ms);
  integer(":created_ms", task.created_ms != 0 ? task.created_ms : NowMs());
  integer(":percent_progress", task.percent_progress);
  integer(":total_bytes_estimate", task.total_bytes_estimate);
  integer(":exported_bytes", task.exported_bytes);
  integer(":exported_rows", task.exported_rows);
  integer(":tables_total", task.tables_total);
  integer(":tables_done", task.tables_done);
  text(":failure_cause", task.failure_cause);
  text(":warning_message", task.warning_message);
  integer(":worker_pid", task.worker_pid);
}

Result<ExportTask> ReadTask(sqlite3_stmt* s) {
  ExportTask t;
  t.id = ColumnText(s, 0);
  std::string status = ColumnText(s, 1);
  Result<ExportStatus> parsed = ParseExportStatus(status);
  if (!parsed.ok()) {
    return Status::Corruption("tasks.db: task '" + t.id + "' has an unknown status '" + status + "'");
  }
  t.status = *parsed;
  t.source = ColumnText(s, 2);
  t.target = ColumnText(s, 3);
  t.options_json = ColumnText(s, 4);
  nlohmann::json only = nlohmann::json::parse(ColumnText(s, 5), nullptr, /*allow_exceptions=*/false);
  if (!only.is_array()) return Status::Corruption("tasks.db: task '" + t.id + "' has a malformed export_only list");
  for (const auto& item : only) {
    if (!item.is_string()) return Status::Corruption("tasks.db: task '" + t.id + "' has a malformed export_only list");
    t.export_only.push_back(item.get<std::string>());
  }
  t.snapshot_time_ms = sqlite3_column_int64(s, 6);
  t.task_start_time_ms = sqlite3_column_int64(s, 7);
  t.task_end_time_ms = sqlite3_column_int64(s, 8);
  t.created_ms = sqlite3_column_int64(s, 9);
  t.percent_progress = sqlite3_column_int(s, 10);
  t.total_bytes_estimate = sqlite3_column_int64(s, 11);
  t.exported_bytes = sqlite3_column_int64(s, 12);
  t.exported_rows = sqlite3_column_int64(s, 13);
  t.tables_total = sqlite3_column_int(s, 14);
  t.tables_done = sqlite3_column_int(s, 15);
  t.failure_cause = ColumnText(s, 16);
  t.warning_message = ColumnText(s, 17);
  t.worker_pid = sqlite3_column_int64(s, 18);
  return t;
}

Status SqliteError(sqlite3* db, const std::string& path, const char* what) {
  std::string msg = "task store ";
  msg.append(path).append(": ").append(what).append(": ").append(sqlite3_errmsg(db));
  int code = sqlite3_errcode(db) & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    msg.append(" (another snaplake process kept the task store busy for more than 10 s; retry)");
  } else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
    return Status::Corruption(msg);
  }
  return Status::IOError(msg);
}

Status Exec(sqlite3* db, const std::string& path, const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return SqliteError(db, path, sql);
  return Status::OK();
}

// Creates or checks the schema inside one write transaction, so that two
// processes opening a fresh home at once do not both create it.
Status EnsureSchema(sqlite3* db, const std::string& path) {
  SL_RETURN_NOT_OK(Exec(db, path, "BEGIN IMMEDIATE"));
  int version = -1;
  {
    Stmt s(db, "PRAGMA user_version");
    if (s.prepared() && sqlite3_step(s.get()) == SQLITE_ROW) version = sqlite3_column_int(s.get(), 0);
  }
  Status st;
  if (version < 0) {
    st = SqliteError(db, path, "cannot read the schema version");
  } else if (version > kSchemaVersion) {
    st = Status::NotImplemented("task store " + path + " has schema version " + std::to_string(version) +
                                ", written by a newer snaplake (this one reads version " +
                                std::to_string(kSchemaVersion) + "); upgrade snaplake");
  } else if (version == 0) {
    st = Exec(db, path, kCreateSchema);
    if (st.ok()) st = Exec(db, path, "PRAGMA user_version = 1");
  }
  if (!st.ok()) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
  }
  return Exec(db, path, "COMMIT");
}

}  // namespace

Result<std::string> DefaultHome() {
  const char* home = std::getenv("SNAPLAKE_HOME");
  if (home != nullptr && *home != '\0') return std::string(home);
  home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') {
    std::string path = home;
    if (path.back() != '/') path.push_back('/');
    path.append(".snaplake");
    return path;
  }
  return Status::InvalidArgument("cannot find the snaplake home: set SNAPLAKE_HOME (or HOME)");
}

Result<std::unique_ptr<TaskStore>> TaskStore::Open(const std::string& home_dir) {
  std::error_code ec;
  std::filesystem::create_directories(home_dir, ec);
  if (ec) return Status::IOError("cannot create the snaplake home '" + home_dir + "': " + ec.message());
  std::string path = home_dir;
  if (!path.empty() && path.back() != '/') path.push_back('/');
  path.append("tasks.db");

  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open the task store " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return Status::IOError(msg);
  }
  std::unique_ptr<TaskStore> store(new TaskStore(db, path));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // Switching a new database to WAL takes an exclusive lock and answers
  // SQLITE_BUSY at once, without the busy handler, when another process is
  // opening the same fresh store (two CLIs started together): retry it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    Status st = Exec(db, path, "PRAGMA journal_mode = WAL");
    if (st.ok()) st = Exec(db, path, "PRAGMA synchronous = NORMAL");
    if (st.ok()) st = EnsureSchema(db, path);
    if (st.ok()) break;
    const int code = sqlite3_errcode(db) & 0xff;
    if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || std::chrono::steady_clock::now() > deadline) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return store;
}

TaskStore::~TaskStore() {
  sqlite3_finalize(progress_stmt_);
  sqlite3_close(db_);
}

Status TaskStore::Error(const char* what) const { return SqliteError(db_, path_, what); }

Result<bool> TaskStore::ExistsLocked(const std::string& id) {
  Stmt s(db_, "SELECT 1 FROM export_tasks WHERE id = ?1");
  if (!s.prepared()) return Error("cannot look up a task");
  BindText(s.get(), 1, id);
  int rc = sqlite3_step(s.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error("cannot look up a task");
}

Status TaskStore::Create(const ExportTask& task) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "INSERT INTO export_tasks (id, status, source, target, options_json, export_only, snapshot_time_ms,"
         " task_start_time_ms, task_end_time_ms, created_ms, percent_progress, total_bytes_estimate,"
         " exported_bytes, exported_rows, tables_total, tables_done, failure_cause, warning_message, worker_pid)"
         " VALUES (:id, :status, :source, :target, :options_json, :export_only, :snapshot_time_ms,"
         " :task_start_time_ms, :task_end_time_ms, :created_ms, :percent_progress, :total_bytes_estimate,"
         " :exported_bytes, :exported_rows, :tables_total, :tables_done, :failure_cause, :warning_message,"
         " :worker_pid)");
  if (!s.prepared()) return Error("cannot create a task");
  sqlite3_stmt* st = s.get();
  BindTaskFields(st, task);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return Status::OK();
  if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_PRIMARYKEY) {
    std::string msg = "ExportTaskAlreadyExists: an export task with the identifier '";
    msg.append(task.id).append("' already exists");
    return Status::AlreadyExists(std::move(msg));
  }
  return Error("cannot create a task");
}

Result<ExportTask> TaskStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql = kSelectColumns;
  sql.append(" WHERE id = ?1");
  Stmt s(db_, sql.c_str());
  if (!s.prepared()) return Error("cannot read a task");
  BindText(s.get(), 1, id);
  int rc = sqlite3_step(s.get());
  if (rc == SQLITE_ROW) return ReadTask(s.get());
  if (rc == SQLITE_DONE) return Status::NotFound(NotFoundMessage(id));
  return Error("cannot read a task");
}

Result<std::vector<ExportTask>> TaskStore::List() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql = kSelectColumns;
  sql.append(" ORDER BY created_ms, rowid");
  Stmt s(db_, sql.c_str());
  if (!s.prepared()) return Error("cannot list tasks");
  std::vector<ExportTask> tasks;
  for (;;) {
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error("cannot list tasks");
    SL_ASSIGN_OR_RETURN(ExportTask t, ReadTask(s.get()));
    tasks.push_back(std::move(t));
  }
  return tasks;
}

Status TaskStore::Update(const ExportTask& task) {
  std::lock_guard<std::mutex> lock(mu_);
  // Never status or created_ms: status changes only by compare-and-set.
  Stmt s(db_,
         "UPDATE export_tasks SET source = :source, target = :target, options_json = :options_json,"
         " export_only = :export_only, snapshot_time_ms = :snapshot_time_ms,"
         " task_start_time_ms = :task_start_time_ms, task_end_time_ms = :task_end_time_ms,"
         " percent_progress = :percent_progress, total_bytes_estimate = :total_bytes_estimate,"
         " exported_bytes = :exported_bytes, exported_rows = :exported_rows, tables_total = :tables_total,"
         " tables_done = :tables_done, failure_cause = :failure_cause, warning_message = :warning_message,"
         " worker_pid = :worker_pid WHERE id = :id");
  if (!s.prepared()) return Error("cannot update a task");
  sqlite3_stmt* st = s.get();
  BindTaskFields(st, task);
  if (sqlite3_step(st) != SQLITE_DONE) return Error("cannot update a task");
  if (sqlite3_changes(db_) == 0) return Status::NotFound(NotFoundMessage(task.id));
  return Status::OK();
}

Result<bool> TaskStore::Transition(const std::string& id, std::initializer_list<ExportStatus> from, ExportStatus to,
                                   std::string cause) {
  std::lock_guard<std::mutex> lock(mu_);
  int changed = 0;
  if (from.size() > 0) {
    // The IN list holds our own constant status names, never user text.
    std::string in_list;
    for (ExportStatus s : from) {
      in_list.append(in_list.empty() ? "'" : ",'").append(ExportStatusName(s)).append("'");
    }
    std::string sql =
        "UPDATE export_tasks SET status = ?1,"
        " failure_cause = CASE WHEN ?2 <> '' THEN ?2 ELSE failure_cause END,"
        " task_start_time_ms = CASE WHEN ?3 AND task_start_time_ms = 0 THEN ?4 ELSE task_start_time_ms END,"
        " percent_progress = CASE WHEN ?5 THEN 100 ELSE percent_progress END,"
        " task_end_time_ms = CASE WHEN ?6 THEN ?4 ELSE task_end_time_ms END"
        " WHERE id = ?7 AND status IN (";
    sql.append(in_list).append(")");
    Stmt s(db_, sql.c_str());
    if (!s.prepared()) return Error("cannot change a task's status");
    sqlite3_stmt* st = s.get();
    BindText(st, 1, ExportStatusName(to));
    BindText(st, 2, cause);
    sqlite3_bind_int(st, 3, to == ExportStatus::kInProgress);
    sqlite3_bind_int64(st, 4, NowMs());
    sqlite3_bind_int(st, 5, to == ExportStatus::kComplete);
    sqlite3_bind_int(st, 6, IsTerminal(to));
    BindText(st, 7, id);
    if (sqlite3_step(st) != SQLITE_DONE) return Error("cannot change a task's status");
    changed = sqlite3_changes(db_);
  }
  if (changed > 0) return true;
  SL_ASSIGN_OR_RETURN(bool exists, ExistsLocked(id));
  if (!exists) return Status::NotFound(NotFoundMessage(id));
  return false;
}

Status TaskStore::UpdateProgress(const std::string& id, int percent, int64_t exported_bytes, int64_t exported_rows,
                                 int tables_done) {
  std::lock_guard<std::mutex> lock(mu_);
  if (progress_stmt_ == nullptr) {
    std::string sql =
        "UPDATE export_tasks SET percent_progress = ?2, exported_bytes = ?3, exported_rows = ?4,"
        " tables_done = ?5 WHERE id = ?1 AND status IN ";
    sql.append(kLiveStatuses);
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &progress_stmt_, nullptr) != SQLITE_OK) {
      progress_stmt_ = nullptr;
      return Error("cannot record progress");
    }
  }
  sqlite3_stmt* st = progress_stmt_;
  sqlite3_reset(st);
  BindText(st, 1, id);
  sqlite3_bind_int(st, 2, percent);
  sqlite3_bind_int64(st, 3, exported_bytes);
  sqlite3_bind_int64(st, 4, exported_rows);
  sqlite3_bind_int(st, 5, tables_done);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);  // ends the statement's transaction now, not at the next call
  if (rc != SQLITE_DONE) return Error("cannot record progress");
  if (sqlite3_changes(db_) > 0) return Status::OK();
  SL_ASSIGN_OR_RETURN(bool exists, ExistsLocked(id));
  if (!exists) return Status::NotFound(NotFoundMessage(id));
  return Status::OK();  // terminal: a late tick is ignored
}

Status TaskStore::RequestCancel(const std::string& id) {
  SL_ASSIGN_OR_RETURN(bool changed,
                      Transition(id, {ExportStatus::kStarting, ExportStatus::kInProgress}, ExportStatus::kCanceling));
  if (changed) return Status::OK();
  SL_ASSIGN_OR_RETURN(ExportTask task, Get(id));
  if (task.status == ExportStatus::kCanceling) return Status::OK();
  if (IsTerminal(task.status)) {
    std::string msg = "cannot cancel task ";
    msg.append(id).append(": it is already ").append(ExportStatusName(task.status));
    return Status::InvalidArgument(std::move(msg));
  }
  // It changed between the two statements (only to another live status); try once more.
  SL_ASSIGN_OR_RETURN(changed,
                      Transition(id, {ExportStatus::kStarting, ExportStatus::kInProgress}, ExportStatus::kCanceling));
  if (changed) return Status::OK();
  return Status::Internal("cannot cancel task " + id + ": its status keeps changing");
}

}  // namespace snaplake::exporting
