// parquet_bench: times snaplake's Parquet writer and reader on the "mixed"
// sample table (format/sample_data.h); bench/run.sh runs it next to DuckDB and
// turns the figures into ratios.
//
//   parquet_bench write  --rows N --codec C --out PATH [--runs R] [--no-page-crc]
//       Generates every row first (64K-row batches kept in memory), then times
//       ParquetWriter Open+Write+Finish to PATH: one untimed warm-up, then R
//       timed runs (R = 0: write once, untimed; used to make DuckDB's input).
//   parquet_bench read   --file PATH [--runs R] [--columns a,b,...] [--batch-rows N]
//       Times reading every column of PATH (or the listed ones) with
//       ParquetReader, summing a checksum over all values (one untimed
//       warm-up, then R timed runs).
//   parquet_bench stream --rows N --codec C --out PATH --row-group-mib M
//       Writes N rows generated batch by batch (never all in memory) with
//       M MiB row groups and reports the process's peak RSS (VmHWM).
//
// Each mode prints one JSON object on stdout; errors go to stderr, exit 1.
// Files are written with LocalFileSystem(false): no fsync, like DuckDB's COPY.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "format/column_batch.h"
#include "format/compression/codec.h"
#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_writer.h"
#include "format/sample_data.h"
#include "storage/local_file_system.h"

namespace snaplake {
namespace {

constexpr int64_t kBatchRows = 64 * 1024;
constexpr uint64_t kSeed = 42;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "parquet_bench: %s\n", what.c_str());
  std::exit(1);
}

void DieIfError(const Status& st, const char* doing) {
  if (!st.ok()) Die(std::string(doing).append(": ").append(st.ToString()));
}

// Wall-clock and CPU (user + system) time since construction. CPU time is the
// steadier figure on a machine shared with other work.
class Stopwatch {
 public:
  Stopwatch() : wall_(std::chrono::steady_clock::now()), cpu_(CpuSeconds()) {}
  double WallSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count();
  }
  double CpuSecondsSince() const { return CpuSeconds() - cpu_; }

 private:
  static double CpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  }
  std::chrono::steady_clock::time_point wall_;
  double cpu_;
};

struct Timings {
  std::vector<double> wall, cpu;
  void Add(const Stopwatch& w) {
    wall.push_back(w.WallSeconds());
    cpu.push_back(w.CpuSecondsSince());
  }
};

// "--key value" pairs and bare "--flag"s.
class Args {
 public:
  Args(int argc, char** argv) {
    for (int i = 2; i < argc; ++i) {
      std::string key = argv[i];
      if (key.rfind("--", 0) != 0) Die("unexpected argument '" + key + "'");
      key.erase(0, 2);
      if (i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0) {
        values_[key] = argv[++i];
      } else {
        values_[key] = "";
      }
    }
  }
  bool Has(const std::string& key) const { return values_.count(key) != 0; }
  std::string Get(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) Die("missing --" + key);
    return it->second;
  }
  int64_t GetInt(const std::string& key, int64_t fallback) const {
    if (!Has(key)) return fallback;
    char* end = nullptr;
    const std::string v = Get(key);
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < 0) Die("--" + key + " wants a non-negative integer, not '" + v + "'");
    return n;
  }

 private:
  std::map<std::string, std::string> values_;
};

// "VmHWM" or "VmRSS" from /proc/self/status, in bytes.
int64_t ProcStatusBytes(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t key_len = std::strlen(key);
  while (std::getline(in, line)) {
    if (line.compare(0, key_len, key) == 0 && line.size() > key_len && line[key_len] == ':') {
      return std::strtoll(line.c_str() + key_len + 1, nullptr, 10) * 1024;
    }
  }
  return -1;
}

std::string JsonList(const std::vector<double>& xs) {
  std::string s = "[";
  char buf[32];
  for (size_t i = 0; i < xs.size(); ++i) {
    std::snprintf(buf, sizeof(buf), "%s%.6f", i ? ", " : "", xs[i]);
    s.append(buf);
  }
  s.append("]");
  return s;
}

struct WriteOutcome {
  int64_t file_bytes = 0;
  std::vector<int64_t> rows_per_group;
  std::vector<int64_t> bytes_per_group;  // compressed
};

std::string GroupsJson(const WriteOutcome& w) {
  std::string s = "\"file_bytes\": " + std::to_string(w.file_bytes);
  s.append(", \"row_groups\": ").append(std::to_string(w.rows_per_group.size()));
  s.append(", \"first_group_rows\": ").append(std::to_string(w.rows_per_group.empty() ? 0 : w.rows_per_group[0]));
  s.append(", \"first_group_bytes\": ").append(std::to_string(w.bytes_per_group.empty() ? 0 : w.bytes_per_group[0]));
  return s;
}

parquet::WriterOptions OptionsFrom(const Args& args) {
  parquet::WriterOptions options;
  auto codec = ParseCompression(args.Get("codec"));
  DieIfError(codec.status(), "--codec");
  options.compression = *codec;
  if (args.Has("no-page-crc")) options.page_checksums = false;
  if (args.Has("row-group-mib")) options.row_group_bytes = args.GetInt("row-group-mib", 128) << 20;
  return options;
}

// Writes every batch next_batch() hands out (until it returns nullptr) to path.
template <typename NextBatch>
WriteOutcome WriteFile(const std::string& path, const parquet::WriterOptions& options, NextBatch next_batch) {
  LocalFileSystem fs(/*sync=*/false);
  auto sink = fs.OpenWrite(path);
  DieIfError(sink.status(), "open output");
  auto writer = parquet::ParquetWriter::Open(std::move(sink).value(), MixedSchema(), options);
  DieIfError(writer.status(), "open writer");
  while (const ColumnBatch* batch = next_batch()) DieIfError((*writer)->Write(*batch), "write");
  DieIfError((*writer)->Finish(), "finish");
  WriteOutcome out;
  for (const parquet::RowGroup& rg : (*writer)->metadata().row_groups) {
    out.rows_per_group.push_back(rg.num_rows);
    int64_t bytes = 0;
    for (const parquet::ColumnChunk& cc : rg.columns) {
      if (cc.meta_data) bytes += cc.meta_data->total_compressed_size;
    }
    out.bytes_per_group.push_back(bytes);
  }
  auto info = fs.Stat(path);
  DieIfError(info.status(), "stat output");
  out.file_bytes = info->size;
  return out;
}

int RunWrite(const Args& args) {
  const int64_t rows = args.GetInt("rows", 10'000'000);
  const int64_t runs = args.GetInt("runs", 3);
  const std::string out_path = args.Get("out");
  const parquet::WriterOptions options = OptionsFrom(args);

  std::vector<ColumnBatch> batches;
  for (int64_t first = 0; first < rows; first += kBatchRows) {
    batches.emplace_back(MixedSchema());
    FillMixedBatch(first, std::min(kBatchRows, rows - first), kSeed, &batches.back());
  }
  Timings times;
  WriteOutcome outcome;
  for (int64_t run = 0; run <= runs; ++run) {  // run 0 is the warm-up
    std::remove(out_path.c_str());              // replacing a big file costs; keep it out of the timing
    size_t next = 0;
    const Stopwatch watch;
    outcome = WriteFile(out_path, options, [&]() -> const ColumnBatch* {
      return next < batches.size() ? &batches[next++] : nullptr;
    });
    if (run > 0) times.Add(watch);
  }
  std::printf("{\"mode\": \"write\", \"codec\": \"%s\", \"page_crc\": %s, \"rows\": %lld, \"row_group_bytes\": %lld, %s, "
              "\"times_s\": %s, \"cpu_s\": %s}\n",
              CompressionName(options.compression), options.page_checksums ? "true" : "false",
              static_cast<long long>(rows), static_cast<long long>(options.row_group_bytes),
              GroupsJson(outcome).c_str(), JsonList(times.wall).c_str(), JsonList(times.cpu).c_str());
  return 0;
}

// Adds every value of a flat column to the checksum. NULL slots hold zeros or
// empty strings (column_batch.h), so they need no branch.
uint64_t ColumnChecksum(const Column& c) {
  uint64_t sum = static_cast<uint64_t>(c.null_count());
  const int64_t n = c.length();
  if (c.type().is_variable_width()) {
    const int64_t* offsets = c.offsets().data();
    for (int64_t i = 0; i < n; ++i) sum += static_cast<uint64_t>(offsets[i + 1] - offsets[i]);
    return sum;
  }
  const uint8_t* p = c.values().data();
  switch (c.type().value_width()) {
    case 1:
      for (int64_t i = 0; i < n; ++i) sum += p[i];
      break;
    case 4:
      for (int64_t i = 0; i < n; ++i) sum += c.Value<uint32_t>(i);
      break;
    case 8:
      for (int64_t i = 0; i < n; ++i) sum += c.Value<uint64_t>(i);
      break;
    case 16:
      for (int64_t i = 0; i < 2 * n; ++i) sum += c.Value<uint64_t>(i);
      break;
    default:
      Die("unexpected value width in " + c.type().ToString());
  }
  return sum;
}

int RunRead(const Args& args) {
  const std::string path = args.Get("file");
  const int64_t runs = args.GetInt("runs", 3);
  parquet::ReaderOptions options;
  options.batch_rows = args.GetInt("batch-rows", options.batch_rows);
  if (args.Has("columns")) {
    const std::string list = args.Get("columns");
    for (size_t begin = 0; begin <= list.size();) {
      const size_t comma = std::min(list.find(',', begin), list.size());
      options.columns.push_back(list.substr(begin, comma - begin));
      begin = comma + 1;
    }
  }
  LocalFileSystem fs(false);
  Timings times;
  uint64_t checksum = 0;
  int64_t rows = 0;
  ColumnBatch batch;
  for (int64_t run = 0; run <= runs; ++run) {
    const Stopwatch watch;
    auto file = fs.OpenRead(path);
    DieIfError(file.status(), "open input");
    auto reader = parquet::ParquetReader::Open(std::shared_ptr<RandomAccessFile>(std::move(file).value()),
                                               options);
    DieIfError(reader.status(), "open reader");
    checksum = 0;
    rows = 0;
    for (;;) {
      auto more = (*reader)->Next(&batch);
      DieIfError(more.status(), "read");
      if (!*more) break;
      rows += batch.num_rows();
      for (int c = 0; c < batch.num_columns(); ++c) checksum += ColumnChecksum(batch.column(c));
    }
    if (run > 0) times.Add(watch);
  }
  std::printf("{\"mode\": \"read\", \"file\": \"%s\", \"rows\": %lld, \"checksum\": %llu, \"times_s\": %s, \"cpu_s\": %s}\n",
              path.c_str(), static_cast<long long>(rows), static_cast<unsigned long long>(checksum),
              JsonList(times.wall).c_str(), JsonList(times.cpu).c_str());
  return 0;
}

int RunStream(const Args& args) {
  const int64_t rows = args.GetInt("rows", 10'000'000);
  const std::string out_path = args.Get("out");
  const parquet::WriterOptions options = OptionsFrom(args);
  ColumnBatch batch(MixedSchema());
  FillMixedBatch(0, std::min(kBatchRows, rows), kSeed, &batch);  // size the batch's buffers before the baseline
  const int64_t rss_before = ProcStatusBytes("VmRSS");
  std::remove(out_path.c_str());
  int64_t first = 0;
  const Stopwatch watch;
  const WriteOutcome outcome = WriteFile(out_path, options, [&]() -> const ColumnBatch* {
    if (first >= rows) return nullptr;
    FillMixedBatch(first, std::min(kBatchRows, rows - first), kSeed, &batch);
    first += kBatchRows;
    return &batch;
  });
  std::printf("{\"mode\": \"stream\", \"codec\": \"%s\", \"rows\": %lld, \"row_group_bytes\": %lld, %s, "
              "\"rss_before_write\": %lld, \"peak_rss\": %lld, \"seconds\": %.3f}\n",
              CompressionName(options.compression), static_cast<long long>(rows),
              static_cast<long long>(options.row_group_bytes), GroupsJson(outcome).c_str(),
              static_cast<long long>(rss_before), static_cast<long long>(ProcStatusBytes("VmHWM")), watch.WallSeconds());
  return 0;
}

}  // namespace
}  // namespace snaplake

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const snaplake::Args args(argc, argv);
  if (mode == "write") return snaplake::RunWrite(args);
  if (mode == "read") return snaplake::RunRead(args);
  if (mode == "stream") return snaplake::RunStream(args);
  std::fprintf(stderr, "usage: parquet_bench write|read|stream ... (see bench/parquet_bench.cc)\n");
  return 2;
}
