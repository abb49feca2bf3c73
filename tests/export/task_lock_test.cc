#include "export/task_lock.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "testing/test_env.h"

namespace snaplake::exporting {
namespace {

bool Held(const std::string& home, const std::string& id) {
  Result<bool> held = TaskLock::IsHeld(home, id);
  EXPECT_TRUE(held.ok()) << held.status().ToString();
  return held.ok() && *held;
}

// Waits (up to 5 s) until the lock reaches the wanted state: another process
// takes or drops it asynchronously.
bool WaitHeld(const std::string& home, const std::string& id, bool want) {
  for (int i = 0; i < 500; ++i) {
    if (Held(home, id) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// A child that keeps whatever descriptors it inherited and waits to be killed.
pid_t ForkSleeper() {
  pid_t pid = fork();
  if (pid == 0) {
    for (;;) pause();
  }
  return pid;
}

void KillAndReap(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

TEST(TaskLock, AcquireIsExclusiveAndReleasedOnDestruction) {
  TempDir dir;
  EXPECT_FALSE(Held(dir.path(), "t"));  // no lock file yet
  {
    Result<TaskLock> lock = TaskLock::Acquire(dir.path(), "t");
    ASSERT_TRUE(lock.ok()) << lock.status().ToString();
    EXPECT_TRUE(lock->held());
    EXPECT_EQ(lock->path(), dir.path() + "/locks/t.lock");
    EXPECT_TRUE(std::filesystem::exists(lock->path()));
    EXPECT_TRUE(Held(dir.path(), "t"));
    EXPECT_FALSE(Held(dir.path(), "other"));

    Result<TaskLock> second = TaskLock::Acquire(dir.path(), "t");
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
    EXPECT_NE(second.status().message().find("export task t is already running"), std::string::npos)
        << second.status().message();
    // A probe does not disturb the holder.
    EXPECT_TRUE(Held(dir.path(), "t"));
    EXPECT_TRUE(lock->held());
  }
  EXPECT_FALSE(Held(dir.path(), "t"));
  Result<TaskLock> again = TaskLock::Acquire(dir.path(), "t");
  EXPECT_TRUE(again.ok());
}

TEST(TaskLock, MovableAndCloseExplicitly) {
  TempDir dir;
  Result<TaskLock> acquired = TaskLock::Acquire(dir.path(), "m");
  ASSERT_TRUE(acquired.ok());
  TaskLock a = std::move(*acquired);
  TaskLock b = std::move(a);
  EXPECT_FALSE(a.held());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(b.held());
  EXPECT_TRUE(Held(dir.path(), "m"));
  Result<TaskLock> other = TaskLock::Acquire(dir.path(), "n");
  ASSERT_TRUE(other.ok());
  b = std::move(*other);  // drops "m", takes over "n"
  EXPECT_FALSE(Held(dir.path(), "m"));
  EXPECT_TRUE(Held(dir.path(), "n"));
  b.Close();
  EXPECT_FALSE(b.held());
  EXPECT_FALSE(Held(dir.path(), "n"));
}

TEST(TaskLock, DescriptorIsCloseOnExec) {
  TempDir dir;
  Result<TaskLock> lock = TaskLock::Acquire(dir.path(), "x");
  ASSERT_TRUE(lock.ok());
  int flags = fcntl(lock->fd(), F_GETFD);
  ASSERT_GE(flags, 0);
  EXPECT_TRUE(flags & FD_CLOEXEC);
  ASSERT_TRUE(lock->KeepAcrossExec().ok());
  EXPECT_FALSE(fcntl(lock->fd(), F_GETFD) & FD_CLOEXEC);
}

TEST(TaskLock, IdsAreEncodedInTheLockPath) {
  TempDir dir;
  EXPECT_EQ(TaskLock::LockPath(dir.path(), "../evil"), dir.path() + "/locks/..%2Fevil.lock");
  Result<TaskLock> lock = TaskLock::Acquire(dir.path(), "../evil");
  ASSERT_TRUE(lock.ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/locks/..%2Fevil.lock"));
}

// The documented hand-off: the parent acquires, forks, and drops its copy;
// the child keeps the lock until it dies, even by SIGKILL.
TEST(TaskLock, ForkedChildKeepsTheLockUntilKilled) {
  TempDir dir;
  pid_t child;
  {
    Result<TaskLock> lock = TaskLock::Acquire(dir.path(), "w");
    ASSERT_TRUE(lock.ok());
    child = ForkSleeper();
    ASSERT_GT(child, 0);
  }  // the parent's TaskLock closes its descriptor here
  EXPECT_TRUE(Held(dir.path(), "w"));
  EXPECT_FALSE(TaskLock::Acquire(dir.path(), "w").ok());
  KillAndReap(child);
  EXPECT_TRUE(WaitHeld(dir.path(), "w", false));
  EXPECT_TRUE(TaskLock::Acquire(dir.path(), "w").ok());
}

// A worker that is a new program: without KeepAcrossExec the lock does not
// survive exec (FD_CLOEXEC); with it, it does.
TEST(TaskLock, ExecNeedsKeepAcrossExec) {
  TempDir dir;
  for (bool keep : {false, true}) {
    std::string id = keep ? "kept" : "dropped";
    pid_t child;
    {
      Result<TaskLock> lock = TaskLock::Acquire(dir.path(), id);
      ASSERT_TRUE(lock.ok());
      child = fork();
      ASSERT_GE(child, 0);
      if (child == 0) {
        if (keep && !lock->KeepAcrossExec().ok()) _exit(20);
        execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
        _exit(21);
      }
    }
    // Once the child has exec'd (CLOEXEC closes the lock then) only a kept lock is held.
    if (keep) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      EXPECT_TRUE(Held(dir.path(), id));
    } else {
      EXPECT_TRUE(WaitHeld(dir.path(), id, false));
    }
    KillAndReap(child);
    EXPECT_TRUE(WaitHeld(dir.path(), id, false)) << id;
  }
}

std::unique_ptr<TaskStore> OpenStore(const std::string& home) {
  Result<std::unique_ptr<TaskStore>> store = TaskStore::Open(home);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

ExportTask NewTask(const std::string& id, ExportStatus status) {
  ExportTask t;
  t.id = id;
  t.status = status;
  t.target = "/tmp/out";
  return t;
}

// Start a "worker" the documented way (lock, create, fork), kill -9 it, and
// check that the next look at the task marks it FAILED with a useful cause.
TEST(ReapIfDead, KilledWorkerMakesTheTaskFailed) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  pid_t child;
  {
    Result<TaskLock> lock = TaskLock::Acquire(dir.path(), "job");
    ASSERT_TRUE(lock.ok());
    ASSERT_TRUE(store->Create(NewTask("job", ExportStatus::kStarting)).ok());
    child = ForkSleeper();
    ASSERT_GT(child, 0);
  }
  ExportTask t = *store->Get("job");
  t.worker_pid = child;
  ASSERT_TRUE(store->Update(t).ok());
  ASSERT_TRUE(*store->Transition("job", {ExportStatus::kStarting}, ExportStatus::kInProgress));

  // Alive: nothing changes.
  ASSERT_TRUE(ReapIfDead(*store, dir.path(), "job").ok());
  EXPECT_EQ(store->Get("job")->status, ExportStatus::kInProgress);

  KillAndReap(child);
  ASSERT_TRUE(WaitHeld(dir.path(), "job", false));
  ASSERT_TRUE(ReapIfDead(*store, dir.path(), "job").ok());
  ExportTask reaped = *store->Get("job");
  EXPECT_EQ(reaped.status, ExportStatus::kFailed);
  EXPECT_EQ(reaped.failure_cause, "the export worker (pid " + std::to_string(child) +
                                      ") stopped without finishing: killed or crashed; start a new export task");
  EXPECT_GT(reaped.task_end_time_ms, 0);

  // Reaping again changes nothing.
  ASSERT_TRUE(ReapIfDead(*store, dir.path(), "job").ok());
  EXPECT_EQ(store->Get("job")->failure_cause, reaped.failure_cause);
}

TEST(ReapIfDead, DeadWhileCancelingBecomesCanceled) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  pid_t child;
  {
    Result<TaskLock> lock = TaskLock::Acquire(dir.path(), "c");
    ASSERT_TRUE(lock.ok());
    ASSERT_TRUE(store->Create(NewTask("c", ExportStatus::kInProgress)).ok());
    child = ForkSleeper();
    ASSERT_GT(child, 0);
  }
  ASSERT_TRUE(store->RequestCancel("c").ok());
  KillAndReap(child);
  ASSERT_TRUE(WaitHeld(dir.path(), "c", false));
  ASSERT_TRUE(ReapIfDead(*store, dir.path(), "c").ok());
  ExportTask t = *store->Get("c");
  EXPECT_EQ(t.status, ExportStatus::kCanceled);
  EXPECT_TRUE(t.failure_cause.empty());
  EXPECT_GT(t.task_end_time_ms, 0);
}

TEST(ReapIfDead, NeverTouchesFinishedTasksOrUnknownPids) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Create(NewTask("done", ExportStatus::kComplete)).ok());
  ASSERT_TRUE(ReapIfDead(*store, dir.path(), "done").ok());
  EXPECT_EQ(store->Get("done")->status, ExportStatus::kComplete);

  // A STARTING task that nobody ever locked (its start died before forking).
  ASSERT_TRUE(store->Create(NewTask("orphan", ExportStatus::kStarting)).ok());
  ASSERT_TRUE(ReapIfDead(*store, dir.path(), "orphan").ok());
  ExportTask t = *store->Get("orphan");
  EXPECT_EQ(t.status, ExportStatus::kFailed);
  EXPECT_EQ(t.failure_cause,
            "the export worker stopped without finishing: killed or crashed; start a new export task");

  EXPECT_EQ(ReapIfDead(*store, dir.path(), "missing").code(), StatusCode::kNotFound);
}

TEST(ReapIfDead, HeldLockInThisProcessCountsAsAlive) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  Result<TaskLock> lock = TaskLock::Acquire(dir.path(), "mine");
  ASSERT_TRUE(lock.ok());
  ASSERT_TRUE(store->Create(NewTask("mine", ExportStatus::kInProgress)).ok());
  ASSERT_TRUE(ReapIfDead(*store, dir.path(), "mine").ok());
  EXPECT_EQ(store->Get("mine")->status, ExportStatus::kInProgress);
}

}  // namespace
}  // namespace snaplake::exporting
