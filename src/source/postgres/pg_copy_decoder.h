// PgCopyDecoder: PostgreSQL's binary COPY stream -> ColumnBatch, column by
// column as planned by pg_type_mapping.h.
//
// Stream layout (all big-endian): the 11-byte signature "PGCOPY\n\377\r\n\0",
// int32 flags, int32 header-extension length + that many bytes; then tuples:
// int16 field count (-1 = trailer), per field int32 length (-1 = NULL) and the
// value's binary send form.
//
// Feed accepts the stream split anywhere. Complete tuples are decoded straight
// from the caller's bytes; only a tuple cut by the end of a Feed is copied, into
// an internal tail that the next Feed completes. Values are appended with no
// per-value allocation (columns grow their buffers as needed).
//
// Errors: malformed input (bad signature, wrong lengths, field count differing
// from the plan, bytes after the trailer) is Corruption; valid values the plan
// cannot store (NaN in a DECIMAL column, an array with other dimensions than
// planned, a timestamp past the Parquet range) are NotImplemented with a message
// that names the column and says what to do. After an error the batch may hold
// part of the failed row: discard it.
#pragma once

#include <cstdint>
#include <vector>

#include "common/buffer.h"
#include "common/status.h"
#include "format/column_batch.h"
#include "format/schema.h"
#include "source/postgres/pg_type_mapping.h"

namespace snaplake::postgres {

class PgCopyDecoder {
 public:
  explicit PgCopyDecoder(std::vector<PgColumnPlan> plans);

  // The batch schema: one field per plan, in order.
  Schema schema() const;
  const std::vector<PgColumnPlan>& plans() const { return plans_; }

  // Decodes the next bytes of the stream, appending every completed row to
  // *batch (which must have schema()'s columns).
  Status Feed(ByteView bytes, ColumnBatch* batch);

  // True once the -1 trailer was seen.
  bool finished() const { return state_ == State::kDone; }
  // Rows decoded so far, over all Feeds.
  int64_t rows() const { return rows_; }
  // OK when the stream ended properly (trailer seen); Corruption when it was cut short.
  Status Finish() const;

 private:
  enum class State : uint8_t { kHeader, kTuples, kDone };

  // Size of the unit (header or tuple) starting at p if all n bytes of it are
  // there (*unit_size), else 0 with *need = the least total size it must have.
  Status Measure(const uint8_t* p, size_t n, size_t* unit_size, size_t* need) const;
  Status DecodeUnit(const uint8_t* p, size_t n, ColumnBatch* batch);
  Status DecodeHeader(const uint8_t* p, size_t n);
  Status DecodeTuple(const uint8_t* p, size_t n, ColumnBatch* batch);
  Status DecodeValue(const PgColumnPlan& plan, PgDecodeKind kind, const uint8_t* p, int32_t len, Column* column);
  Status DecodeArray(const PgColumnPlan& plan, const uint8_t* p, int32_t len, Column* column);

  std::vector<PgColumnPlan> plans_;
  State state_ = State::kHeader;
  int64_t rows_ = 0;
  ByteBuffer tail_;  // a unit cut by the end of the previous Feed
};

}  // namespace snaplake::postgres
