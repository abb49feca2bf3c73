// TaskLock: is a task's worker alive? The worker holds an flock(2) on
// <home>/locks/<id>.lock for as long as it runs; the kernel drops the lock
// when the last descriptor to it closes, however the process ends (exit,
// crash, kill -9). No pid files, no pid reuse races.
//
// Handing the lock to a detached worker: Acquire in the parent, fork(); the
// child's copy of the descriptor shares the same open file description, so
// the lock stays held while either process keeps it open. The parent may then
// destroy its TaskLock (that only closes its descriptor; it never unlocks).
// The descriptor has FD_CLOEXEC, so the lock does not leak into programs the
// worker runs; a worker that is itself a new program (fork + exec) must call
// KeepAcrossExec() in the child between fork and exec.
//
// Order for `export start`: Acquire the lock, then TaskStore::Create, then
// start the worker. Order for the worker's end: Transition to a terminal
// status, then release the lock (exit). With both orders ReapIfDead can never
// fail a task whose worker is alive or has finished properly.
#pragma once

#include <string>

#include "common/status.h"
#include "export/task_store.h"

namespace snaplake::exporting {

class TaskLock {
 public:
  // Creates <home>/locks/ if needed and takes the lock without waiting
  // (retrying for ~100 ms to ride over a concurrent IsHeld probe).
  // AlreadyExists "export task X is already running (its worker holds <path>)"
  // if another process, or another TaskLock in this one, holds it.
  static Result<TaskLock> Acquire(const std::string& home, const std::string& id);

  // True if some process (including this one, through a TaskLock) holds the
  // lock. A missing lock file means nobody holds it. Probes with a shared lock
  // (LOCK_SH|LOCK_NB) on a fresh descriptor: it conflicts only with a worker's
  // exclusive lock, so concurrent probes never see each other as a worker.
  static Result<bool> IsHeld(const std::string& home, const std::string& id);

  // <home>/locks/<encoded id>.lock
  static std::string LockPath(const std::string& home, const std::string& id);

  TaskLock(TaskLock&& other) noexcept;
  TaskLock& operator=(TaskLock&& other) noexcept;
  TaskLock(const TaskLock&) = delete;
  TaskLock& operator=(const TaskLock&) = delete;
  // Closes this process's descriptor (does not LOCK_UN: a forked child may share it).
  ~TaskLock();

  // Clears FD_CLOEXEC so the lock survives an exec() of the worker program.
  Status KeepAcrossExec();

  // Closes the descriptor now (same as destruction).
  void Close();

  bool held() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  TaskLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

// If the task is STARTING, IN_PROGRESS or CANCELING but nobody holds its
// lock, its worker died: a CANCELING task becomes CANCELED, the others FAILED
// with the cause "the export worker (pid N) stopped without finishing: killed
// or crashed; start a new export task". The change is compare-and-set, so a
// worker that finished meanwhile keeps its own final status. OK (and nothing
// changes) for a terminal task or a live worker; NotFound for an unknown id.
Status ReapIfDead(TaskStore& store, const std::string& home, const std::string& id);

}  // namespace snaplake::exporting
