// Reads one leaf column of one row group, record by record: its levels into a
// LevelBatch and its (non-null) values, densely, into a leaf Column.
//
// Pages are decoded lazily, as records are asked for. A record may span pages
// (data page v1 allows it). Every error names the file, the column and, for
// page contents, the page's file offset.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/buffer.h"
#include "common/status.h"
#include "format/column_batch.h"
#include "format/compression/codec.h"
#include "format/parquet/reader/level_decoder.h"
#include "format/parquet/reader/page_reader.h"
#include "format/parquet/reader/schema_converter.h"
#include "format/parquet/reader/value_decoder.h"

namespace snaplake::parquet {

// The levels of one leaf for one batch. def/rep hold `size` entries when the
// leaf has definition/repetition levels at all (max_def > 0 / max_rep > 0);
// a leaf without levels has one entry per row and no arrays.
class LevelBatch {
 public:
  void Clear() { size_ = 0; }
  int64_t size() const { return size_; }
  const int16_t* def() const { return reinterpret_cast<const int16_t*>(def_.data()); }
  const int16_t* rep() const { return reinterpret_cast<const int16_t*>(rep_.data()); }

  // Makes room for n more entries and returns where they go (def/rep may be
  // unused); Commit(n) after writing them.
  int16_t* def_tail(int64_t n);
  int16_t* rep_tail(int64_t n);
  void Commit(int64_t n) { size_ += n; }

 private:
  ByteBuffer def_;
  ByteBuffer rep_;
  int64_t size_ = 0;
};

class ColumnChunkReader {
 public:
  // `context` is "<file>: column '<path>'"; budget bounds decoded bytes (see ReaderOptions).
  ColumnChunkReader(const LeafInfo* leaf, std::string context, int64_t budget);

  // Starts a column chunk. `bytes` is the chunk, read from `file_offset`;
  // `num_values` (its level entries, from the metadata) ends the page walk
  // even if bytes remain (old writers' chunks may be padded, see EnterRowGroup).
  Status Open(ByteBuffer bytes, int64_t file_offset, CompressionCodec codec, int64_t num_values);

  // Reads up to n records (rows): appends their levels to *levels and their
  // non-null values to *out. *records_read < n only at the end of the chunk.
  Status ReadRecords(int64_t n, LevelBatch* levels, Column* out, int64_t* records_read);

  // Gives the chunk's buffer back for reuse.
  ByteBuffer TakeBuffer() { return std::move(chunk_); }

 private:
  Status ReadFlat(int64_t n, LevelBatch* levels, Column* out, int64_t* records_read);
  Status ReadRepeated(int64_t n, LevelBatch* levels, Column* out, int64_t* records_read);
  // Loads the next data page (consuming a dictionary page on the way); *found = false at the chunk's end.
  Status NextDataPage(bool* found);
  Status FillPending();
  Status CheckLevelBudget(const LevelBatch& levels, int64_t more) const;
  // Adds the file/column/page context to a decoding error.
  Status PageError(const Status& st) const;

  const LeafInfo* leaf_;
  const std::string context_;
  const int64_t budget_;
  ByteBuffer chunk_;
  std::unique_ptr<Codec> codec_;
  CompressionCodec codec_kind_ = CompressionCodec::kUncompressed;
  std::unique_ptr<PageReader> pages_;
  ValueDecoder values_;
  LevelDecoder def_decoder_;
  LevelDecoder rep_decoder_;
  int64_t chunk_values_ = 0;        // level entries the metadata promises
  int64_t values_in_pages_ = 0;     // level entries of the data pages loaded so far
  bool seen_data_page_ = false;
  bool started_ = false;           // the chunk's first entry has been read
  int64_t page_left_ = 0;          // level entries of the current page not yet decoded
  int64_t page_offset_ = 0;        // file offset of the current page
  // Repeated columns: levels decoded from the current page but not yet consumed.
  ByteBuffer pending_def_;
  ByteBuffer pending_rep_;
  int64_t pending_pos_ = 0;
  int64_t pending_size_ = 0;
};

}  // namespace snaplake::parquet
