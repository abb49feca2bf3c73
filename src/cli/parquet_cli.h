// The `snaplake parquet ...` commands, as functions of parsed options, and the
// small helpers they share. parquet_commands.cc wires them to CLI11.
//
// Every Run* function prints its result on stdout and returns a Status whose
// message starts with the file it concerns ("<file>: <problem>"), ready for
// ReportError. None of them throws.
#pragma once

#include <cstdint>
#include <cstdio>
#include <nlohmann/json_fwd.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/parquet/parquet_reader.h"

namespace snaplake::cli {

enum class OutputFormat { kText, kJson };

// How INT96 timestamps (Spark, Impala) are read: NANOS keeps their precision
// but ends in 2262; MICROS reaches past year 9999 (what Spark writes).
struct ReadSettings {
  TimeUnit int96_unit = TimeUnit::kNanos;
};

struct SchemaCommand {
  std::string file;
  OutputFormat output = OutputFormat::kText;
  ReadSettings read;
};

struct InspectCommand {
  std::string file;
  OutputFormat output = OutputFormat::kText;
};

struct CatCommand {
  std::string file;
  std::optional<int64_t> limit;      // rows; unset = all
  std::vector<std::string> columns;  // top-level names; empty = all
  ReadSettings read;
};

// Writer settings as the user typed them; parsed (and refused) by the commands
// so that a bad value is a one-line error naming the output file.
struct WriteSettings {
  std::string compression = "snappy";
  std::string row_group_size;  // byte size with optional suffix; empty = writer default
  std::string page_size;       // likewise
  int page_version = 1;
  bool dictionary = true;
  bool delta = false;
};

struct ConvertCommand {
  std::string input;
  std::string output;
  ReadSettings read;
  WriteSettings settings;
};

struct GenerateCommand {
  std::string output;
  int64_t rows = 1000000;
  uint64_t seed = 1;
  WriteSettings settings;
};

Status RunSchema(const SchemaCommand& cmd);
Status RunInspect(const InspectCommand& cmd);
Status RunCat(const CatCommand& cmd);
Status RunConvert(const ConvertCommand& cmd);
Status RunGenerate(const GenerateCommand& cmd);

// --- helpers shared by the commands -----------------------------------------

// `status` with its message in the form "<path>: <problem>". A message that
// already starts with the path is kept; a quoted mention of the path inside
// it ("cannot open '/x': ...") is dropped, as the prefix says it.
Status FileError(const std::string& path, const Status& status);

// Opens a Parquet file through FileSystemForPath. Errors name the file.
Result<std::unique_ptr<parquet::ParquetReader>> OpenParquet(const std::string& path,
                                                            parquet::ReaderOptions options = {});

// reader->Next(batch), with errors naming `path` and pointing at CLI options
// where the reader's message names a ReaderOptions field.
Result<bool> NextBatch(const std::string& path, parquet::ParquetReader* reader, ColumnBatch* batch);

// "4096", "512k", "1M", "64MiB", "2GB", ... -> bytes. k/m/g/t, KiB/MiB/GiB/TiB
// are powers of 1024; KB/MB/GB/TB powers of 1000; "B" or nothing are bytes.
// Case-insensitive except that the IEC "i" forms are the only binary two-letter
// ones. InvalidArgument (naming the option) for anything else, zero, or a
// value past 2^62.
Result<int64_t> ParseByteSize(std::string_view text, std::string_view option_name);

// [{"name", "type" (Type::ToString()), "nullable"}, ...] for the top-level fields.
nlohmann::ordered_json SnaplakeColumnsJson(const Schema& schema);

// Buffered writes to stdout; Finish() (or a write error) reports a failed
// stdout, e.g. a full disk, as a Status instead of losing output silently.
class StdoutWriter {
 public:
  StdoutWriter() = default;
  StdoutWriter(const StdoutWriter&) = delete;
  StdoutWriter& operator=(const StdoutWriter&) = delete;

  // Appends to the pending text; the caller flushes with MaybeFlush().
  std::string* buffer() { return &buffer_; }
  // Writes the pending text once it passes the flush threshold.
  Status MaybeFlush() { return buffer_.size() >= kFlushBytes ? Flush() : Status::OK(); }
  Status Flush();

 private:
  static constexpr size_t kFlushBytes = size_t{1} << 20;
  std::string buffer_;
};

}  // namespace snaplake::cli
