#include "export/export_runner.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

#include "export/layout.h"
#include "format/parquet/parquet_writer.h"

namespace snaplake::exporting {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status WriteSmallFile(FileSystem& fs, const std::string& path, std::string_view content) {
  SL_ASSIGN_OR_RETURN(std::unique_ptr<OutputStream> out, fs.OpenWrite(path));
  Status status = out->Write(AsBytes(content));
  if (status.ok()) status = out->Close();
  if (!status.ok()) out->Abort();
  return status;
}

// What the workers share about one table.
struct TableState {
  std::string directory;
  std::string uuid;
  std::atomic<int> chunks_left{0};
  std::atomic<int64_t> rows{0};
  std::atomic<int64_t> bytes{0};
  std::atomic<int64_t> start_ms{0};
  std::atomic<int64_t> end_ms{0};
  int chunks = 0;
};

}  // namespace

int ExportProgress::Percent() const {
  int64_t total = estimated_source_bytes.load();
  int64_t tables = tables_total.load();
  double by_tables = tables > 0 ? static_cast<double>(tables_done.load()) / static_cast<double>(tables) : 0;
  double by_bytes = total > 0 ? static_cast<double>(source_bytes.load()) / static_cast<double>(total) : 0;
  double fraction = std::max(by_tables, std::min(by_bytes, 1.0));
  return std::min(99, static_cast<int>(fraction * 100));
}

ExportRunner::ExportRunner(Source* source, FileSystem* fs, ExportRunOptions options)
    : source_(source), fs_(fs), options_(std::move(options)) {}

std::string TaskRoot(const std::string& target, const std::string& task_id) {
  std::string root = target;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root + "/" + TaskDirectoryName(task_id);
}

std::string ExportRunner::TaskRoot() const { return exporting::TaskRoot(options_.target, options_.task_id); }

Status ExportRunner::Run(const ExportTask& task, const std::atomic<bool>& cancel) {
  SL_RETURN_NOT_OK(RunChunks(cancel));
  if (cancel.load()) return Status::Cancelled("the export was cancelled");
  return WriteSummaries(task);
}

Status ExportRunner::RunChunks(const std::atomic<bool>& cancel) {
  const std::vector<SourceTable>& tables = source_->tables();
  const int parallel = std::max(1, options_.parallel);
  std::vector<TableState> states(tables.size());
  std::vector<Chunk> chunks;
  int64_t estimated = 0;
  const std::string root = TaskRoot();
  for (size_t t = 0; t < tables.size(); ++t) {
    // Unless asked for a size, split only when several workers can share a
    // table: one worker reads a table fastest with one plain scan.
    const int64_t chunk_bytes = options_.chunk_bytes > 0 ? options_.chunk_bytes
                                : parallel > 1           ? kDefaultChunkBytes
                                                         : std::numeric_limits<int64_t>::max();
    // An automatic split gives every worker as many chunks of a table as the
    // others; an explicit --chunk-size is taken as asked.
    const int count_multiple = options_.chunk_bytes > 0 ? 1 : parallel;
    SL_ASSIGN_OR_RETURN(std::vector<Chunk> table_chunks,
                        source_->PlanChunks(static_cast<int>(t), chunk_bytes, count_multiple));
    states[t].directory = root + "/" + TableDirectory(tables[t]);
    states[t].uuid = NewUuid();
    states[t].chunks = static_cast<int>(table_chunks.size());
    states[t].chunks_left = states[t].chunks;
    // Every table gets its folder, rows or not.
    SL_RETURN_NOT_OK(fs_->CreateDirs(states[t].directory));
    estimated += tables[t].estimated_bytes;
    chunks.insert(chunks.end(), table_chunks.begin(), table_chunks.end());
  }
  progress_.estimated_source_bytes = estimated;
  progress_.tables_total = static_cast<int64_t>(tables.size());
  // Largest tables first, so the long poles start early and the tail is short.
  std::stable_sort(chunks.begin(), chunks.end(), [&](const Chunk& a, const Chunk& b) {
    return tables[static_cast<size_t>(a.table_index)].estimated_bytes >
           tables[static_cast<size_t>(b.table_index)].estimated_bytes;
  });

  // A Parquet writer counts everything it holds (closed pages, open pages,
  // dictionaries) against row_group_bytes and flushes when it gets there, so
  // a worker's share of the budget goes to its row group, less what the
  // worker holds outside the writer: one batch (with its buffers' growth
  // slack), the thread's page scratch, the compressor and the sink's buffer
  // (an S3 multipart part). Nothing in it depends on the table's size.
  constexpr int64_t kWorkerOverheadBytes = int64_t{12} << 20;
  parquet::WriterOptions writer_options;
  writer_options.compression = options_.compression;
  writer_options.key_value_metadata.emplace_back("snaplake.export_task", options_.task_id);
  writer_options.row_group_bytes =
      std::clamp<int64_t>(options_.memory_budget_bytes / parallel - options_.batch_bytes * 3 / 2 - kWorkerOverheadBytes,
                          int64_t{4} << 20, int64_t{128} << 20);

  RateLimiter limiter(options_.max_rate);
  // At a low row rate, smaller batches keep the pace even instead of bursty.
  int64_t batch_rows = options_.batch_rows;
  if (options_.max_rate.unit == RateLimit::Unit::kRows) {
    batch_rows = std::clamp<int64_t>(static_cast<int64_t>(options_.max_rate.per_second / 10), 64, batch_rows);
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  Status first_error;
  auto fail = [&](Status status) {
    std::lock_guard<std::mutex> lock(error_mutex);
    if (first_error.ok()) first_error = std::move(status);
    stop = true;
  };

  auto process_chunk = [&](const Chunk& chunk) -> Status {
    const SourceTable& table = tables[static_cast<size_t>(chunk.table_index)];
    TableState& state = states[static_cast<size_t>(chunk.table_index)];
    int64_t zero = 0;
    state.start_ms.compare_exchange_strong(zero, NowMs());
    SL_ASSIGN_OR_RETURN(std::unique_ptr<ChunkReader> reader, source_->OpenChunk(chunk));
    ColumnBatch batch(table.ToSchema());
    std::unique_ptr<parquet::ParquetWriter> writer;
    const std::string path = state.directory + "/" + PartFileName(chunk.ordinal, state.uuid, options_.compression);
    auto open_writer = [&]() -> Status {
      SL_ASSIGN_OR_RETURN(std::unique_ptr<OutputStream> sink, fs_->OpenWrite(path));
      SL_ASSIGN_OR_RETURN(writer,
                          parquet::ParquetWriter::Open(std::move(sink), batch.schema(), writer_options));
      return Status::OK();
    };
    int64_t last_bytes = 0;
    for (;;) {
      if (stop.load() || cancel.load()) {
        if (writer) writer->Abandon();
        return Status::Cancelled("the export was cancelled");
      }
      Result<bool> more = reader->Next(&batch, batch_rows, options_.batch_bytes);
      if (!more.ok()) {
        if (writer) writer->Abandon();
        return more.status();
      }
      if (!*more) break;
      int64_t bytes = reader->bytes_read();
      progress_.rows += batch.num_rows();
      progress_.source_bytes += bytes - last_bytes;
      state.rows += batch.num_rows();
      if (limiter.enabled()) {
        limiter.Acquire(limiter.unit() == RateLimit::Unit::kRows ? batch.num_rows() : bytes - last_bytes,
                        [&]() { return stop.load() || cancel.load(); });
      }
      last_bytes = bytes;
      if (!writer) SL_RETURN_NOT_OK(open_writer());
      Status written = writer->Write(batch);
      if (!written.ok()) {
        writer->Abandon();
        return written;
      }
    }
    // The first part of a table is written even when empty: readers then still
    // find the table's schema.
    if (!writer && chunk.ordinal == 0) SL_RETURN_NOT_OK(open_writer());
    if (writer) {
      SL_RETURN_NOT_OK(writer->Finish());
      progress_.written_bytes += writer->bytes_written();
      state.bytes += writer->bytes_written();
    }
    if (--state.chunks_left == 0) {
      SL_RETURN_NOT_OK(WriteSmallFile(*fs_, state.directory + "/" + kSuccessFileName, ""));
      state.end_ms = NowMs();
      ++progress_.tables_done;
    }
    return Status::OK();
  };

  std::mutex done_mutex;
  std::condition_variable done_cv;
  int running = parallel;
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(parallel));
  for (int w = 0; w < parallel; ++w) {
    workers.emplace_back([&]() {
      for (;;) {
        size_t i = next++;
        if (i >= chunks.size() || stop.load() || cancel.load()) break;
        Status status = process_chunk(chunks[i]);
        if (!status.ok()) {
          const SourceTable& table = tables[static_cast<size_t>(chunks[i].table_index)];
          fail(status.code() == StatusCode::kCancelled ? status
                                                        : status.WithContext("table " + table.QualifiedName()));
          source_->Cancel();  // wake the other workers out of their reads
          break;
        }
      }
      std::lock_guard<std::mutex> lock(done_mutex);
      --running;
      done_cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(done_mutex);
    bool cancel_sent = false;
    while (running > 0) {
      done_cv.wait_for(lock, std::chrono::milliseconds(100));
      if (cancel.load() && !cancel_sent) {
        cancel_sent = true;
        stop = true;
        source_->Cancel();
      }
    }
  }
  for (std::thread& worker : workers) worker.join();
  if (cancel.load()) return Status::Cancelled("the export was cancelled");
  if (!first_error.ok()) {
    // A worker cancelled by another's failure reports Cancelled; the real cause is first.
    return first_error;
  }

  results_.clear();
  for (size_t t = 0; t < tables.size(); ++t) {
    TableExportResult result;
    result.table = &tables[t];
    result.status = "COMPLETE";
    result.rows = states[t].rows.load();
    result.bytes = states[t].bytes.load();
    result.partitions = states[t].chunks;
    result.start_ms = states[t].start_ms.load();
    result.end_ms = states[t].end_ms.load();
    for (const std::string& note : tables[t].notes) {
      if (!result.warning.empty()) result.warning.append("; ");
      result.warning.append(note);
    }
    results_.push_back(std::move(result));
  }
  return Status::OK();
}

Status ExportRunner::WriteSummaries(const ExportTask& task) {
  const std::string root = TaskRoot();
  int n = static_cast<int>(results_.size());
  SL_RETURN_NOT_OK(WriteSmallFile(*fs_, root + "/" + TablesInfoFileName(options_.task_id, 1, n), TablesInfoJson(results_)));
  ExportTask final_task = task;
  final_task.status = ExportStatus::kComplete;
  final_task.percent_progress = 100;
  final_task.exported_bytes = progress_.written_bytes.load();
  final_task.exported_rows = progress_.rows.load();
  final_task.tables_done = progress_.tables_done.load();
  final_task.tables_total = progress_.tables_total.load();
  if (final_task.task_end_time_ms == 0) final_task.task_end_time_ms = NowMs();
  SL_RETURN_NOT_OK(WriteSmallFile(*fs_, root + "/" + ExportInfoFileName(options_.task_id), ExportInfoJson(final_task)));
  // Last: its presence says every other file is final.
  return WriteSmallFile(*fs_, root + "/" + kSuccessFileName, "");
}

}  // namespace snaplake::exporting
