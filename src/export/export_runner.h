// ExportRunner: copies every table of an open Source into Parquet files in the
// RDS export layout under `<target>/<task id>/`, in parallel, with bounded memory.
//
// Each of `parallel` workers takes one chunk at a time (largest tables first),
// reads it batch by batch and streams it into one part file; a file appears
// under its final name only when complete. After the last chunk, the runner
// writes export_tables_info_*.json, export_info_*.json and finally _SUCCESS.
// On failure or cancellation nothing more is written and Run() returns the
// error; the caller decides whether to remove the partial output.
//
// Memory ceiling: about `memory_budget_bytes` for all workers together, plus a
// fixed base: each worker's share is its writer's row group (which counts the
// writer's open pages and dictionaries too) plus one batch and one page of
// scratch. Nothing is kept per chunk or per file, so it does not grow with
// table size.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "export/export_task.h"
#include "export/rate_limiter.h"
#include "export/summary_json.h"
#include "format/compression/codec.h"
#include "source/source.h"
#include "storage/file_system.h"

namespace snaplake::exporting {

inline constexpr int64_t kDefaultChunkBytes = int64_t{256} << 20;

struct ExportRunOptions {
  std::string task_id;
  std::string target;  // DIR: files go under DIR/ID/
  CompressionCodec compression = CompressionCodec::kGzip;
  int parallel = 2;
  // Tables are split into pieces of about this much heap; 0 = automatic:
  // kDefaultChunkBytes with several workers, whole tables with one.
  int64_t chunk_bytes = 0;
  int64_t memory_budget_bytes = int64_t{128} << 20; // for all workers' Parquet buffers together
  int64_t batch_rows = 8192;
  int64_t batch_bytes = int64_t{8} << 20;
  RateLimit max_rate;
};

// Live counters, readable from another thread while Run() works.
struct ExportProgress {
  std::atomic<int64_t> rows{0};
  std::atomic<int64_t> source_bytes{0};   // bytes received from the database
  std::atomic<int64_t> written_bytes{0};  // Parquet bytes in finished files
  std::atomic<int64_t> tables_done{0};
  std::atomic<int64_t> estimated_source_bytes{0};
  std::atomic<int64_t> tables_total{0};
  // 0..99 while running (100 only once everything is final).
  int Percent() const;
};

// The task's folder: target/ID (the id encoded as a path component).
std::string TaskRoot(const std::string& target, const std::string& task_id);

class ExportRunner {
 public:
  ExportRunner(Source* source, FileSystem* fs, ExportRunOptions options);

  // Runs the export. `cancel` is polled between batches; when it turns true,
  // Run() stops the source and returns Cancelled. `task` supplies the fields of
  // export_info_ID.json (its status is written as COMPLETE).
  Status Run(const ExportTask& task, const std::atomic<bool>& cancel);

  const ExportProgress& progress() const { return progress_; }
  // Per-table outcomes, complete after a successful Run().
  const std::vector<TableExportResult>& results() const { return results_; }
  // The task's folder: target/ID.
  std::string TaskRoot() const;

 private:
  Status RunChunks(const std::atomic<bool>& cancel);
  Status WriteSummaries(const ExportTask& task);

  Source* source_;
  FileSystem* fs_;
  ExportRunOptions options_;
  ExportProgress progress_;
  std::vector<TableExportResult> results_;
};

}  // namespace snaplake::exporting
