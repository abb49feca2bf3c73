#include "export/task_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include "export/layout.h"

namespace snaplake::exporting {

namespace {

constexpr int kAcquireAttempts = 20;
constexpr auto kAcquireRetryDelay = std::chrono::milliseconds(5);

std::string LocksDir(const std::string& home) {
  std::string dir = home;
  if (!dir.empty() && dir.back() != '/') dir.push_back('/');
  dir.append("locks");
  return dir;
}

Status ErrnoError(const char* what, const std::string& path, int err) {
  std::string msg = what;
  msg.append(" '").append(path).append("': ").append(std::strerror(err));
  return Status::IOError(std::move(msg));
}

int FlockRetryingEintr(int fd, int op) {
  int rc;
  do {
    rc = ::flock(fd, op);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

}  // namespace

std::string TaskLock::LockPath(const std::string& home, const std::string& id) {
  std::string path = LocksDir(home);
  path.append("/").append(EncodePathComponent(id)).append(".lock");
  return path;
}

Result<TaskLock> TaskLock::Acquire(const std::string& home, const std::string& id) {
  std::error_code ec;
  std::string dir = LocksDir(home);
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create the lock directory '" + dir + "': " + ec.message());
  std::string path = LockPath(home, id);
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoError("cannot open the lock file", path, errno);
  for (int attempt = 0; attempt < kAcquireAttempts; ++attempt) {
    if (FlockRetryingEintr(fd, LOCK_EX | LOCK_NB) == 0) return TaskLock(fd, std::move(path));
    if (errno != EWOULDBLOCK) {
      int err = errno;
      ::close(fd);
      return ErrnoError("cannot lock", path, err);
    }
    std::this_thread::sleep_for(kAcquireRetryDelay);
  }
  ::close(fd);
  std::string msg = "export task ";
  msg.append(id).append(" is already running (its worker holds ").append(path).append(")");
  return Status::AlreadyExists(std::move(msg));
}

Result<bool> TaskLock::IsHeld(const std::string& home, const std::string& id) {
  std::string path = LockPath(home, id);
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT) return false;
    return ErrnoError("cannot open the lock file", path, errno);
  }
  int rc = FlockRetryingEintr(fd, LOCK_SH | LOCK_NB);
  int err = errno;
  ::close(fd);  // also drops our probe lock
  if (rc == 0) return false;
  if (err == EWOULDBLOCK) return true;
  return ErrnoError("cannot probe the lock", path, err);
}

TaskLock::TaskLock(TaskLock&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) { other.fd_ = -1; }

TaskLock& TaskLock::operator=(TaskLock&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

TaskLock::~TaskLock() { Close(); }

void TaskLock::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Status TaskLock::KeepAcrossExec() {
  if (fd_ < 0) return Status::Internal("KeepAcrossExec on a released task lock");
  int flags = ::fcntl(fd_, F_GETFD);
  if (flags < 0 || ::fcntl(fd_, F_SETFD, flags & ~FD_CLOEXEC) != 0) {
    return ErrnoError("cannot keep the lock across exec", path_, errno);
  }
  return Status::OK();
}

Status ReapIfDead(TaskStore& store, const std::string& home, const std::string& id) {
  SL_ASSIGN_OR_RETURN(ExportTask task, store.Get(id));
  if (IsTerminal(task.status)) return Status::OK();
  SL_ASSIGN_OR_RETURN(bool held, TaskLock::IsHeld(home, id));
  if (held) return Status::OK();
  std::string cause = "the export worker";
  if (task.worker_pid != 0) cause.append(" (pid ").append(std::to_string(task.worker_pid)).append(")");
  cause.append(" stopped without finishing: killed or crashed; start a new export task");
  SL_ASSIGN_OR_RETURN(bool failed, store.Transition(id, {ExportStatus::kStarting, ExportStatus::kInProgress},
                                                    ExportStatus::kFailed, cause));
  if (failed) return Status::OK();
  SL_ASSIGN_OR_RETURN(bool canceled, store.Transition(id, {ExportStatus::kCanceling}, ExportStatus::kCanceled));
  (void)canceled;  // false: the worker reached a terminal status on its own meanwhile
  return Status::OK();
}

}  // namespace snaplake::exporting
