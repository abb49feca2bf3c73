// ParquetWriter: ColumnBatches in, one Parquet file out.
//
// Pages are encoded and compressed as they fill; a row group is written to the
// sink once the memory it holds (closed compressed pages, open pages,
// dictionaries with their lookup tables) reaches `row_group_bytes`, so an open
// writer holds about that much. The sink publishes the
// file only in Finish(), after the footer is complete; a writer destroyed or
// Abandon()ed before that leaves no file behind.
//
// Types are written as the Parquet spec's logical types together with the
// legacy converted_type where one exists (see docs/parquet.md for the table).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "format/column_batch.h"
#include "format/compression/codec.h"
#include "format/parquet/metadata/parquet_types.h"
#include "format/schema.h"
#include "storage/file_system.h"

namespace snaplake::parquet {

struct WriterOptions {
  CompressionCodec compression = CompressionCodec::kSnappy;
  int compression_level = kDefaultCompressionLevel;
  // A row group is closed after the Write() that brings the memory it holds
  // (see above) to this; feed batches of a few thousand rows to keep the
  // overshoot small.
  int64_t row_group_bytes = int64_t{128} << 20;
  // A data page is closed once its encoded (uncompressed) bytes reach this.
  int64_t page_bytes = int64_t{1} << 20;
  int data_page_version = 1;  // 1 or 2
  // Dictionary-encode every column but booleans; fall back to PLAIN (or delta)
  // for the rest of a column chunk once its dictionary passes the limit.
  bool dictionary = true;
  int64_t dictionary_page_bytes = int64_t{1} << 20;
  // DELTA_BINARY_PACKED instead of PLAIN for INT32/INT64 values not dictionary-encoded.
  bool delta_integers = false;
  bool write_statistics = true;
  // min/max of a byte-array value longer than this are omitted (not truncated).
  int64_t max_statistics_bytes = 4096;
  // CRC32 of every page in its header.
  bool page_checksums = true;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

class ParquetFileWriter;

class ParquetWriter {
 public:
  static Result<std::unique_ptr<ParquetWriter>> Open(std::unique_ptr<OutputStream> sink, const Schema& schema,
                                                     const WriterOptions& options = {});
  ~ParquetWriter();

  // Appends the batch's rows; the batch's schema must equal the writer's.
  Status Write(const ColumnBatch& batch);
  // Closes the last row group, writes the footer, and publishes the file.
  Status Finish();
  // Drops the file; nothing is published. Safe to call at any time.
  void Abandon();

  const Schema& schema() const;
  int64_t rows_written() const;
  // Bytes handed to the sink so far plus bytes buffered in the open row group.
  int64_t bytes_written() const;
  // The footer, complete after Finish() (Delta reads stats from it).
  const FileMetaData& metadata() const;

 private:
  explicit ParquetWriter(std::unique_ptr<ParquetFileWriter> impl);
  std::unique_ptr<ParquetFileWriter> impl_;
};

}  // namespace snaplake::parquet
