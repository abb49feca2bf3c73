// Runs one recorded export task from STARTING to a terminal status, keeping the
// task store current: IN_PROGRESS with progress while it works, then COMPLETE,
// or FAILED with a cause, or CANCELED (after `export cancel`, SIGINT/SIGTERM).
// A task that did not complete leaves no files behind under target/ID/.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "export/export_runner.h"
#include "export/export_task.h"
#include "export/rate_limiter.h"
#include "export/task_store.h"
#include "format/compression/codec.h"
#include "source/postgres/pg_type_mapping.h"
#include "source/table_selector.h"

namespace snaplake::exporting {

// Everything `snaplake export start` was asked.
struct ExportRequest {
  std::string id;
  std::string source;  // connection string, password included: never stored
  std::string target;
  std::string only;    // the --only list as given ("" = everything)
  postgres::TypeMode type_mode = postgres::TypeMode::kNative;
  CompressionCodec compression = CompressionCodec::kGzip;
  int parallel = 0;    // 0: one per core
  RateLimit max_rate;
  bool include_matviews = false;
  bool tinyint1_as_int = false;  // MySQL: TINYINT(1) stays an integer instead of BOOLEAN
  int64_t chunk_bytes = 0;  // 0: automatic (see ExportRunOptions)
  int64_t memory_budget_bytes = int64_t{128} << 20;

  // Checks the options that need no database (names in --only, sizes) and
  // builds the STARTING task record for the store.
  Result<ExportTask> ToTask() const;
  int EffectiveParallel() const;
};

using ProgressCallback = std::function<void(const ExportProgress&)>;

// The task must exist in `store` as STARTING. Returns its final status.
// `interrupt` (e.g. set by a signal handler) cancels like `export cancel`.
ExportStatus ExecuteExportTask(const ExportRequest& request, TaskStore& store, const std::atomic<bool>& interrupt,
                               const ProgressCallback& on_progress = nullptr);

// If the task's worker died (see ReapIfDead), marks the task FAILED (CANCELED
// when a cancel was pending) and removes what the worker left under
// target/ID, as the worker itself would have. A folder holding a finished
// export (_SUCCESS) is never touched. OK and no change for a live worker or a
// task that already ended.
Status ReapDeadWorker(TaskStore& store, const std::string& home, const std::string& id);

}  // namespace snaplake::exporting
