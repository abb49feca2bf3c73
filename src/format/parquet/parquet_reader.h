// ParquetReader: one Parquet file in, ColumnBatches out.
//
// Open() reads and checks the footer and maps the file's schema to snaplake's
// (see reader/schema_converter.h for the type mapping). Next() fills a batch
// with the next rows of the projected columns; a batch never spans row groups.
// Only the projected columns' chunks are read, each with one ReadAt, and their
// pages are decoded as rows are needed.
//
// Errors are one line naming the file and the problem, e.g.
//   "data.parquet: column 'a' page at offset 1234: compressed size 99999 exceeds the column chunk (80 bytes left)".
// Malformed files give Corruption, features we lack (encryption, LZO, external
// column chunks) NotImplemented; nothing in a file can make the reader crash,
// hang, or allocate more than the file's size plus max_decoded_bytes per column.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/column_batch.h"
#include "format/parquet/metadata/parquet_types.h"
#include "format/schema.h"
#include "storage/file_system.h"

namespace snaplake::parquet {

struct ReaderOptions {
  int64_t batch_rows = 64 * 1024;      // rows per Next() (fewer at row-group ends)
  std::vector<std::string> columns;    // top-level column names to read; empty = all
  // Most bytes one column of one batch, or one decompressed page, may decode
  // to. Small pages can legally expand a lot (RLE runs, dictionaries); this
  // turns a file that would need more into an error instead of an OOM.
  int64_t max_decoded_bytes = int64_t{1} << 30;
  // INT96 timestamps are read as TIMESTAMP(int96_unit, local): kNanos keeps
  // Impala's precision but ends in 2262 (later values are an error), kMicros
  // (Spark's resolution) reaches year 294247, and wraps beyond as Spark does.
  TimeUnit int96_unit = TimeUnit::kNanos;
};

class ParquetFileReader;

class ParquetReader {
 public:
  static Result<std::unique_ptr<ParquetReader>> Open(std::shared_ptr<RandomAccessFile> file,
                                                     ReaderOptions options = {});
  ~ParquetReader();

  const FileMetaData& metadata() const;
  const Schema& schema() const;            // the whole file as snaplake's logical schema
  const Schema& projected_schema() const;  // the columns being read, in the order asked for
  int64_t num_rows() const;
  int num_row_groups() const;

  // Fills *batch (re-initialised to projected_schema() when its schema differs,
  // then Clear()ed and reused) with the next rows; returns false at the end.
  Result<bool> Next(ColumnBatch* batch);

 private:
  explicit ParquetReader(std::unique_ptr<ParquetFileReader> impl);
  std::unique_ptr<ParquetFileReader> impl_;
};

}  // namespace snaplake::parquet
