#include "export/task_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "testing/test_env.h"

namespace snaplake::exporting {
namespace {

std::unique_ptr<TaskStore> OpenStore(const std::string& home) {
  Result<std::unique_ptr<TaskStore>> store = TaskStore::Open(home);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

ExportTask NewTask(const std::string& id) {
  ExportTask t;
  t.id = id;
  t.source = "postgresql://u@h/db";
  t.target = "/tmp/out";
  t.options_json = R"({"parallel":4})";
  t.export_only = {"db.public", "db.other.t"};
  t.snapshot_time_ms = 111;
  t.tables_total = 3;
  t.total_bytes_estimate = 1 << 20;
  return t;
}

TEST(TaskStore, CreatesHomeAndSchema) {
  TempDir dir;
  std::string home = dir.Path("nested/home");
  auto store = OpenStore(home);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(std::filesystem::exists(home + "/tasks.db"));
  EXPECT_EQ(store->path(), home + "/tasks.db");

  // WAL mode and the schema version are persistent.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store->path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), 1);
  sqlite3_finalize(s);
  sqlite3_close(db);

  // Reopening an existing store works.
  store.reset();
  EXPECT_NE(OpenStore(home), nullptr);
}

TEST(TaskStore, RefusesANewerSchema) {
  TempDir dir;
  { ASSERT_NE(OpenStore(dir.path()), nullptr); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Path("tasks.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 7", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  Result<std::unique_ptr<TaskStore>> store = TaskStore::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("newer snaplake"), std::string::npos) << store.status().message();
}

TEST(TaskStore, CorruptFileIsAnError) {
  TempDir dir;
  ASSERT_TRUE(WriteStringToFile(dir.Path("tasks.db"), std::string(4096, 'x')).ok());
  Result<std::unique_ptr<TaskStore>> store = TaskStore::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("tasks.db"), std::string::npos) << store.status().message();
}

TEST(TaskStore, CreateGetRoundTripsEveryField) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  ExportTask t = NewTask("t1");
  t.status = ExportStatus::kInProgress;
  t.task_start_time_ms = 222;
  t.task_end_time_ms = 333;
  t.created_ms = 444;
  t.percent_progress = 55;
  t.exported_bytes = 1LL << 40;
  t.exported_rows = 1LL << 35;
  t.tables_done = 2;
  t.failure_cause = "cause 'quoted' \"x\"";
  t.warning_message = "warn ü";
  t.worker_pid = 4321;
  ASSERT_TRUE(store->Create(t).ok());
  Result<ExportTask> got = store->Get("t1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, "t1");
  EXPECT_EQ(got->status, ExportStatus::kInProgress);
  EXPECT_EQ(got->source, t.source);
  EXPECT_EQ(got->target, t.target);
  EXPECT_EQ(got->options_json, t.options_json);
  EXPECT_EQ(got->export_only, t.export_only);
  EXPECT_EQ(got->snapshot_time_ms, 111);
  EXPECT_EQ(got->task_start_time_ms, 222);
  EXPECT_EQ(got->task_end_time_ms, 333);
  EXPECT_EQ(got->created_ms, 444);
  EXPECT_EQ(got->percent_progress, 55);
  EXPECT_EQ(got->total_bytes_estimate, 1 << 20);
  EXPECT_EQ(got->exported_bytes, 1LL << 40);
  EXPECT_EQ(got->exported_rows, 1LL << 35);
  EXPECT_EQ(got->tables_total, 3);
  EXPECT_EQ(got->tables_done, 2);
  EXPECT_EQ(got->failure_cause, t.failure_cause);
  EXPECT_EQ(got->warning_message, t.warning_message);
  EXPECT_EQ(got->worker_pid, 4321);
}

TEST(TaskStore, DuplicateIdIsExportTaskAlreadyExists) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Create(NewTask("dup")).ok());
  Status again = store->Create(NewTask("dup"));
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.message(), "ExportTaskAlreadyExists: an export task with the identifier 'dup' already exists");
}

TEST(TaskStore, MissingIdIsExportTaskNotFound) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  Result<ExportTask> got = store->Get("nope");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(got.status().message(), "ExportTaskNotFound: the export task 'nope' does not exist");
  EXPECT_EQ(store->Update(NewTask("nope")).code(), StatusCode::kNotFound);
  EXPECT_EQ(store->UpdateProgress("nope", 1, 2, 3, 4).code(), StatusCode::kNotFound);
  EXPECT_EQ(store->RequestCancel("nope").code(), StatusCode::kNotFound);
  Result<bool> moved = store->Transition("nope", {ExportStatus::kStarting}, ExportStatus::kFailed);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), StatusCode::kNotFound);
}

TEST(TaskStore, ListIsOldestFirst) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  ExportTask a = NewTask("a");
  a.created_ms = 3000;
  ExportTask b = NewTask("b");
  b.created_ms = 1000;
  ExportTask c = NewTask("c");
  c.created_ms = 3000;  // same time as a, inserted later
  ExportTask d = NewTask("d");  // created_ms 0 -> now
  for (const ExportTask& t : {a, b, c, d}) ASSERT_TRUE(store->Create(t).ok());
  Result<std::vector<ExportTask>> all = store->List();
  ASSERT_TRUE(all.ok());
  std::vector<std::string> ids;
  for (const ExportTask& t : *all) ids.push_back(t.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"b", "a", "c", "d"}));
  EXPECT_GT((*all)[3].created_ms, 1500000000000);  // "now", not 0
}

TEST(TaskStore, UpdateNeverTouchesStatus) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Create(NewTask("u")).ok());
  ASSERT_TRUE(store->RequestCancel("u").ok());
  ExportTask stale = NewTask("u");  // a worker's copy that still says STARTING
  stale.status = ExportStatus::kInProgress;
  stale.worker_pid = 99;
  stale.tables_done = 1;
  stale.created_ms = 5;
  ASSERT_TRUE(store->Update(stale).ok());
  Result<ExportTask> got = store->Get("u");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, ExportStatus::kCanceling);  // the cancel request survives
  EXPECT_EQ(got->worker_pid, 99);
  EXPECT_EQ(got->tables_done, 1);
  EXPECT_NE(got->created_ms, 5);
}

TEST(TaskStore, TransitionIsCompareAndSet) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Create(NewTask("t")).ok());

  Result<bool> wrong = store->Transition("t", {ExportStatus::kInProgress}, ExportStatus::kComplete);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(*wrong);
  EXPECT_EQ(store->Get("t")->status, ExportStatus::kStarting);

  Result<bool> empty_from = store->Transition("t", {}, ExportStatus::kComplete);
  ASSERT_TRUE(empty_from.ok());
  EXPECT_FALSE(*empty_from);

  Result<bool> started = store->Transition("t", {ExportStatus::kStarting}, ExportStatus::kInProgress);
  ASSERT_TRUE(started.ok());
  EXPECT_TRUE(*started);
  ExportTask t = *store->Get("t");
  EXPECT_EQ(t.status, ExportStatus::kInProgress);
  EXPECT_GT(t.task_start_time_ms, 0);
  EXPECT_EQ(t.task_end_time_ms, 0);

  ASSERT_TRUE(store->UpdateProgress("t", 40, 1000, 10, 1).ok());
  Result<bool> done = store->Transition("t", {ExportStatus::kInProgress}, ExportStatus::kComplete);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(*done);
  t = *store->Get("t");
  EXPECT_EQ(t.status, ExportStatus::kComplete);
  EXPECT_EQ(t.percent_progress, 100);
  EXPECT_GE(t.task_end_time_ms, t.task_start_time_ms);
  EXPECT_TRUE(t.failure_cause.empty());

  // Terminal is final for these callers.
  Result<bool> again = store->Transition("t", {ExportStatus::kStarting, ExportStatus::kInProgress},
                                         ExportStatus::kFailed, "late");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_TRUE(store->Get("t")->failure_cause.empty());
}

TEST(TaskStore, TransitionKeepsAnExistingStartTimeAndStoresTheCause) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  ExportTask t = NewTask("f");
  t.task_start_time_ms = 12345;
  ASSERT_TRUE(store->Create(t).ok());
  ASSERT_TRUE(*store->Transition("f", {ExportStatus::kStarting}, ExportStatus::kInProgress));
  EXPECT_EQ(store->Get("f")->task_start_time_ms, 12345);
  ASSERT_TRUE(*store->Transition("f", {ExportStatus::kInProgress}, ExportStatus::kFailed, "disk full"));
  ExportTask got = *store->Get("f");
  EXPECT_EQ(got.status, ExportStatus::kFailed);
  EXPECT_EQ(got.failure_cause, "disk full");
  EXPECT_GT(got.task_end_time_ms, 0);
  EXPECT_EQ(got.percent_progress, 0);
}

TEST(TaskStore, ProgressIsIgnoredOnceTerminal) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Create(NewTask("p")).ok());
  ASSERT_TRUE(store->UpdateProgress("p", 10, 100, 1, 0).ok());
  ExportTask t = *store->Get("p");
  EXPECT_EQ(t.percent_progress, 10);
  EXPECT_EQ(t.exported_bytes, 100);
  EXPECT_EQ(t.exported_rows, 1);
  ASSERT_TRUE(store->UpdateProgress("p", 60, 600, 6, 2).ok());
  t = *store->Get("p");
  EXPECT_EQ(t.percent_progress, 60);
  EXPECT_EQ(t.tables_done, 2);
  ASSERT_TRUE(*store->Transition("p", {ExportStatus::kStarting}, ExportStatus::kComplete));
  ASSERT_TRUE(store->UpdateProgress("p", 99, 999, 9, 3).ok());  // a late tick
  t = *store->Get("p");
  EXPECT_EQ(t.percent_progress, 100);
  EXPECT_EQ(t.exported_bytes, 600);
}

TEST(TaskStore, RequestCancel) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Create(NewTask("c1")).ok());
  ASSERT_TRUE(store->RequestCancel("c1").ok());
  EXPECT_EQ(store->Get("c1")->status, ExportStatus::kCanceling);
  EXPECT_TRUE(store->RequestCancel("c1").ok());  // idempotent
  EXPECT_EQ(store->Get("c1")->task_end_time_ms, 0);

  ASSERT_TRUE(store->Create(NewTask("c2")).ok());
  ASSERT_TRUE(*store->Transition("c2", {ExportStatus::kStarting}, ExportStatus::kInProgress));
  ASSERT_TRUE(store->RequestCancel("c2").ok());
  EXPECT_EQ(store->Get("c2")->status, ExportStatus::kCanceling);

  for (ExportStatus terminal : {ExportStatus::kComplete, ExportStatus::kCanceled, ExportStatus::kFailed}) {
    std::string id = std::string("done-") + ExportStatusName(terminal);
    ExportTask t = NewTask(id);
    t.status = terminal;
    ASSERT_TRUE(store->Create(t).ok());
    Status st = store->RequestCancel(id);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(st.message(), "cannot cancel task " + id + ": it is already " + ExportStatusName(terminal));
    EXPECT_EQ(store->Get(id)->status, terminal);
  }
}

TEST(TaskStore, DefaultHome) {
  const char* old_snaplake = std::getenv("SNAPLAKE_HOME");
  const char* old_home = std::getenv("HOME");
  std::string saved_snaplake = old_snaplake ? old_snaplake : "";
  std::string saved_home = old_home ? old_home : "";

  setenv("SNAPLAKE_HOME", "/srv/snaplake", 1);
  setenv("HOME", "/home/me", 1);
  EXPECT_EQ(*DefaultHome(), "/srv/snaplake");
  setenv("SNAPLAKE_HOME", "", 1);
  EXPECT_EQ(*DefaultHome(), "/home/me/.snaplake");
  unsetenv("SNAPLAKE_HOME");
  setenv("HOME", "/home/me/", 1);
  EXPECT_EQ(*DefaultHome(), "/home/me/.snaplake");
  unsetenv("HOME");
  Result<std::string> none = DefaultHome();
  EXPECT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("SNAPLAKE_HOME"), std::string::npos);

  if (old_snaplake) setenv("SNAPLAKE_HOME", saved_snaplake.c_str(), 1);
  if (old_home) setenv("HOME", saved_home.c_str(), 1);
}

// Several threads, each with its own TaskStore (as separate CLI processes
// would have), hammer the same tasks.db: nothing fails with "busy", exactly
// one creator of a shared id wins, exactly one compare-and-set wins.
TEST(TaskStore, ConcurrentStoresInThreads) {
  TempDir dir;
  { ASSERT_NE(OpenStore(dir.path()), nullptr); }
  constexpr int kThreads = 6;
  constexpr int kTasksPerThread = 10;
  std::atomic<int> create_wins{0};
  std::atomic<int> complete_wins{0};
  std::atomic<int> errors{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Result<std::unique_ptr<TaskStore>> opened = TaskStore::Open(dir.path());
      if (!opened.ok()) {
        ++errors;
        return;
      }
      TaskStore& store = **opened;
      while (!go.load()) std::this_thread::yield();
      Status shared = store.Create(NewTask("shared"));
      if (shared.ok()) {
        ++create_wins;
      } else if (shared.code() != StatusCode::kAlreadyExists) {
        ADD_FAILURE() << shared.ToString();
        ++errors;
      }
      for (int k = 0; k < kTasksPerThread; ++k) {
        std::string id = "t" + std::to_string(i) + "-" + std::to_string(k);
        Status st = store.Create(NewTask(id));
        if (st.ok()) st = store.UpdateProgress(id, k, k * 100, k, 0);
        if (st.ok()) st = store.UpdateProgress("shared", k, k, k, 0);
        if (!st.ok()) {
          ADD_FAILURE() << st.ToString();
          ++errors;
        }
      }
      Result<bool> moved = store.Transition("shared", {ExportStatus::kStarting}, ExportStatus::kInProgress);
      if (!moved.ok()) ++errors;
      Result<bool> completed = store.Transition("shared", {ExportStatus::kInProgress}, ExportStatus::kComplete);
      if (!completed.ok()) {
        ++errors;
      } else if (*completed) {
        ++complete_wins;
      }
      Result<std::vector<ExportTask>> all = store.List();
      if (!all.ok()) ++errors;
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(create_wins.load(), 1);
  EXPECT_EQ(complete_wins.load(), 1);
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  Result<std::vector<ExportTask>> all = store->List();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), static_cast<size_t>(kThreads * kTasksPerThread + 1));
  EXPECT_EQ(store->Get("shared")->status, ExportStatus::kComplete);
}

// One TaskStore shared by several threads is safe too.
TEST(TaskStore, OneStoreSharedByThreads) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Create(NewTask("s")).ok());
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 50; ++k) {
        if (!store->UpdateProgress("s", k, i, k, 0).ok()) ++errors;
        if (!store->Get("s").ok()) ++errors;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
}

// Separate processes creating the same id at once: exactly one succeeds,
// every other one gets ExportTaskAlreadyExists.
TEST(TaskStore, ForkedProcessesCreatingTheSameId) {
  TempDir dir;
  { ASSERT_NE(OpenStore(dir.path()), nullptr); }
  constexpr int kChildren = 6;
  int go_pipe[2];
  ASSERT_EQ(pipe(go_pipe), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < kChildren; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(go_pipe[1]);
      Result<std::unique_ptr<TaskStore>> store = TaskStore::Open(dir.path());
      if (!store.ok()) _exit(10);
      char c;
      if (read(go_pipe[0], &c, 1) < 0) _exit(11);  // returns 0 when the parent closes the pipe
      ExportTask t = NewTask("race");
      t.worker_pid = getpid();
      Status st = (*store)->Create(t);
      if (st.ok()) _exit(0);
      if (st.code() == StatusCode::kAlreadyExists &&
          st.message() == "ExportTaskAlreadyExists: an export task with the identifier 'race' already exists") {
        _exit(3);
      }
      _exit(12);
    }
    children.push_back(pid);
  }
  close(go_pipe[0]);
  close(go_pipe[1]);  // releases every child at once
  int winners = 0;
  int losers = 0;
  pid_t winner_pid = 0;
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    int code = WEXITSTATUS(status);
    if (code == 0) {
      ++winners;
      winner_pid = pid;
    } else if (code == 3) {
      ++losers;
    } else {
      ADD_FAILURE() << "child exited with " << code;
    }
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(losers, kChildren - 1);
  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get("race")->worker_pid, winner_pid);
}

}  // namespace
}  // namespace snaplake::exporting

namespace snaplake::exporting {
namespace {

// Two CLIs started together on a fresh home both open (and initialise) the
// store at the same instant; neither may fail. Switching to WAL once answered
// SQLITE_BUSY at once to the loser.
TEST(TaskStoreProcesses, SimultaneousFirstOpensOfAFreshStoreAllSucceed) {
  constexpr int kRounds = 10;
  constexpr int kChildren = 4;
  for (int round = 0; round < kRounds; ++round) {
    TempDir dir;
    const std::string home = dir.path() + "/fresh-home";
    int go_pipe[2];
    ASSERT_EQ(pipe(go_pipe), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < kChildren; ++i) {
      pid_t pid = fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        close(go_pipe[1]);
        char c;
        if (read(go_pipe[0], &c, 1) < 0) _exit(11);  // 0 bytes when the parent closes the pipe
        Result<std::unique_ptr<TaskStore>> store = TaskStore::Open(home);
        if (!store.ok()) _exit(10);
        Result<std::vector<ExportTask>> tasks = (*store)->List();
        _exit(tasks.ok() ? 0 : 12);
      }
      children.push_back(pid);
    }
    close(go_pipe[0]);
    close(go_pipe[1]);  // releases every child at once
    for (pid_t pid : children) {
      int status = 0;
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
      ASSERT_TRUE(WIFEXITED(status));
      EXPECT_EQ(WEXITSTATUS(status), 0) << "round " << round << ": a first open of a fresh store failed";
    }
  }
}

}  // namespace
}  // namespace snaplake::exporting
