// `snaplake parquet convert IN OUT` and `snaplake parquet generate OUT`: batches
// from our reader (or the synthetic "mixed" table) into our writer, one batch
// at a time. The output appears only once complete: the writer's sink
// publishes it in Finish(), and any error abandons it, leaving nothing behind.
#include <algorithm>
#include <string>
#include <utility>

#include "cli/parquet_cli.h"
#include "format/parquet/parquet_writer.h"
#include "format/sample_data.h"
#include "storage/file_system.h"

namespace snaplake::cli {

namespace {

// The writer checks the row group size after each batch, so a row group can
// overshoot --row-group-size by up to a batch; this keeps the overshoot small
// while the per-batch cost stays negligible.
constexpr int64_t kBatchRows = 8192;

Result<parquet::WriterOptions> ParseWriteSettings(const WriteSettings& s) {
  parquet::WriterOptions options;
  SL_ASSIGN_OR_RETURN(options.compression, ParseCompression(s.compression));
  // Hadoop-framed LZ4 and LZO are deprecated in the format; we read LZ4 but write neither.
  if (options.compression == CompressionCodec::kLz4) {
    return Status::InvalidArgument("--compression lz4 (Hadoop-framed LZ4) is deprecated in Parquet; use lz4_raw");
  }
  if (!s.row_group_size.empty()) {
    SL_ASSIGN_OR_RETURN(options.row_group_bytes, ParseByteSize(s.row_group_size, "--row-group-size"));
  }
  if (!s.page_size.empty()) {
    SL_ASSIGN_OR_RETURN(options.page_bytes, ParseByteSize(s.page_size, "--page-size"));
    // Page sizes are int32 in the page header; stay well inside them.
    if (options.page_bytes > (int64_t{1} << 30)) {
      return Status::InvalidArgument("--page-size: '" + s.page_size + "' is larger than the 1GiB maximum");
    }
  }
  if (s.page_version != 1 && s.page_version != 2) {
    return Status::InvalidArgument("--page-version must be 1 or 2, not " + std::to_string(s.page_version));
  }
  options.data_page_version = s.page_version;
  options.dictionary = s.dictionary;
  options.delta_integers = s.delta;
  return options;
}

Result<std::unique_ptr<parquet::ParquetWriter>> OpenWriter(const std::string& path, const Schema& schema,
                                                           const parquet::WriterOptions& options) {
  auto fs = FileSystemForPath(path);
  if (!fs.ok()) return FileError(path, fs.status());
  auto sink = (*fs)->OpenWrite(path);
  if (!sink.ok()) return FileError(path, sink.status());
  auto writer = parquet::ParquetWriter::Open(std::move(sink).value(), schema, options);
  if (!writer.ok()) return FileError(path, writer.status());
  return writer;
}

// Writes what `next` produces to `writer` and publishes the file; on any
// error the file is abandoned. `next` returns false when there is no more.
template <typename NextBatch>
Status Pump(const std::string& out_path, parquet::ParquetWriter* writer, NextBatch&& next) {
  ColumnBatch batch;
  Status st;
  while (true) {
    auto more = next(&batch);
    if (!more.ok()) {
      st = more.status();
      break;
    }
    if (!*more) {
      st = writer->Finish();
      if (!st.ok()) st = FileError(out_path, st);
      break;
    }
    st = writer->Write(batch);
    if (!st.ok()) {
      st = FileError(out_path, st);
      break;
    }
  }
  if (!st.ok()) writer->Abandon();
  return st;
}

}  // namespace

Status RunConvert(const ConvertCommand& cmd) {
  auto options = ParseWriteSettings(cmd.settings);
  if (!options.ok()) return FileError(cmd.output, options.status());
  parquet::ReaderOptions read_options;
  read_options.int96_unit = cmd.read.int96_unit;
  read_options.batch_rows = kBatchRows;
  SL_ASSIGN_OR_RETURN(auto reader, OpenParquet(cmd.input, read_options));
  SL_ASSIGN_OR_RETURN(auto writer, OpenWriter(cmd.output, reader->schema(), *options));
  return Pump(cmd.output, writer.get(),
              [&](ColumnBatch* batch) { return NextBatch(cmd.input, reader.get(), batch); });
}

Status RunGenerate(const GenerateCommand& cmd) {
  if (cmd.rows < 0) return Status::InvalidArgument(cmd.output + ": --rows must be zero or more");
  auto options = ParseWriteSettings(cmd.settings);
  if (!options.ok()) return FileError(cmd.output, options.status());
  const Schema schema = MixedSchema();
  SL_ASSIGN_OR_RETURN(auto writer, OpenWriter(cmd.output, schema, *options));
  int64_t next_row = 0;
  bool initialised = false;
  return Pump(cmd.output, writer.get(), [&](ColumnBatch* batch) -> Result<bool> {
    if (!initialised) {
      *batch = ColumnBatch(schema);
      initialised = true;
    }
    if (next_row >= cmd.rows) return false;
    const int64_t rows = std::min(kBatchRows, cmd.rows - next_row);
    FillMixedBatch(next_row, rows, cmd.seed, batch);
    next_row += rows;
    return true;
  });
}

}  // namespace snaplake::cli
