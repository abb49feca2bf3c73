// TaskStore: the export tasks of one snaplake home, in SQLite at
// <home>/tasks.db, shared by every process on the machine (several CLIs and
// the detached workers).
//
// Concurrency: the database is in WAL mode with a 10 s busy timeout, and
// every write is one SQL statement, so each call is atomic against other
// processes. Create relies on the id's PRIMARY KEY: of several processes
// creating the same id, exactly one succeeds. Status changes only through the
// compare-and-set calls (Transition, RequestCancel); Update and
// UpdateProgress never touch the status, so a worker's progress report can
// never undo a cancel request made meanwhile by another process.
//
// One TaskStore may be used from several threads (calls are serialized).
// It must not be used across fork(): a child process opens its own.
//
// Durability: synchronous=NORMAL (WAL). A power loss may forget the last
// changes; an application crash forgets nothing.
#pragma once

#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "export/export_task.h"

struct sqlite3;
struct sqlite3_stmt;

namespace snaplake::exporting {

// $SNAPLAKE_HOME if set and not empty, else $HOME/.snaplake; InvalidArgument
// if neither is set.
Result<std::string> DefaultHome();

class TaskStore {
 public:
  // Creates home_dir (and parents) if needed, opens or creates tasks.db and
  // its schema. A tasks.db written by a newer snaplake (higher user_version)
  // is refused with a message saying so.
  static Result<std::unique_ptr<TaskStore>> Open(const std::string& home_dir);

  ~TaskStore();
  TaskStore(const TaskStore&) = delete;
  TaskStore& operator=(const TaskStore&) = delete;

  // Inserts `task` as given (status included). If task.created_ms is 0 the
  // current time is stored. AlreadyExists, with the message
  // "ExportTaskAlreadyExists: an export task with the identifier 'X' already exists",
  // if the id is taken.
  Status Create(const ExportTask& task);

  // NotFound "ExportTaskNotFound: the export task 'X' does not exist" if absent.
  Result<ExportTask> Get(const std::string& id);

  // Every task, oldest first (by created_ms, then insertion order).
  Result<std::vector<ExportTask>> List();

  // Writes every field of `task` except status and created_ms, found by
  // task.id (NotFound if absent).
  Status Update(const ExportTask& task);

  // Sets status to `to` if it is currently one of `from`, atomically. Returns
  // whether it changed. When the change happens:
  //   - a non-empty `cause` is stored as failure_cause;
  //   - to IN_PROGRESS: task_start_time_ms is set to now if it was 0;
  //   - to COMPLETE: percent_progress becomes 100;
  //   - to a terminal status: task_end_time_ms is set to now.
  // NotFound if the task does not exist.
  Result<bool> Transition(const std::string& id, std::initializer_list<ExportStatus> from, ExportStatus to,
                          std::string cause = "");

  // The worker's progress tick (one UPDATE, statement cached). Ignored once
  // the task is terminal, so a late tick cannot change a finished task.
  // NotFound if the task does not exist.
  Status UpdateProgress(const std::string& id, int percent, int64_t exported_bytes, int64_t exported_rows,
                        int tables_done);

  // STARTING or IN_PROGRESS -> CANCELING; OK if already CANCELING. For a
  // terminal task: InvalidArgument "cannot cancel task X: it is already COMPLETE"
  // (or CANCELED, FAILED). NotFound if absent.
  Status RequestCancel(const std::string& id);

  const std::string& path() const { return path_; }

 private:
  TaskStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(const char* what) const;
  Result<bool> ExistsLocked(const std::string& id);

  std::mutex mu_;
  sqlite3* db_;
  sqlite3_stmt* progress_stmt_ = nullptr;  // cached UpdateProgress statement
  std::string path_;
};

}  // namespace snaplake::exporting
