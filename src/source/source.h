// Source: a consistent snapshot of a database, read as columnar batches.
//
// Open a Source (PostgreSQL: a leader connection holding an exported snapshot;
// MySQL: consistent-snapshot transactions), list its tables, split each table
// into Chunks, and read every chunk with its own ChunkReader. Everything a
// Source returns -- table list, columns, rows -- comes from the one snapshot.
//
// Thread safety: ListTables/PlanChunks are called from one thread; OpenChunk
// may be called from many threads at once, and each ChunkReader is used by one
// thread. A Source must outlive its readers.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/column_batch.h"
#include "format/schema.h"

namespace snaplake {

// One exported column, with what the source database said about it (for the
// RDS-style `originalTypeMappings` summary). -1 means "not applicable".
struct SourceColumn {
  std::string name;
  Type type;                          // the exported (Parquet) type
  bool nullable = true;
  std::string original_type;          // e.g. "numeric", "character varying", "integer[]"
  std::string expected_exported_type; // e.g. "decimal(12,2)", "string", "int64"
  int32_t original_char_max_length = -1;
  int32_t original_num_precision = -1;
  int32_t original_datetime_precision = -1;
};

struct SourceTable {
  std::string database;
  std::string schema;
  std::string name;
  std::string kind;  // "table", "partitioned table", "materialized view"
  std::vector<SourceColumn> columns;
  int64_t estimated_bytes = 0;  // on-disk size, for planning and progress
  int64_t estimated_rows = 0;
  // Notes for the task's warningMessage (e.g. "numeric column x exported as STRING: values exceed DECIMAL(38)").
  std::vector<std::string> notes;

  Schema ToSchema() const;
  // "db.schema.table", as RDS names an export target.
  std::string QualifiedName() const { return database + "." + schema + "." + name; }
};

// A piece of one table that one worker reads start to end.
struct Chunk {
  int table_index = 0;  // into the ListTables() result
  int ordinal = 0;      // 0-based position of the chunk within its table
  int count = 1;        // chunks the table was split into
  // Source-specific range. PostgreSQL: ctid block range [begin, end); end < 0 = to the end.
  int64_t begin = 0;
  int64_t end = -1;
  int64_t estimated_bytes = 0;
};

class ChunkReader {
 public:
  virtual ~ChunkReader() = default;
  // Clears `batch` and fills it with up to `max_rows` rows (fewer if the chunk
  // ends or the batch reaches `max_bytes` of data). Returns false, with an
  // empty batch, once the chunk is exhausted.
  virtual Result<bool> Next(ColumnBatch* batch, int64_t max_rows, int64_t max_bytes) = 0;
  // Bytes received from the database so far (wire bytes, for rate caps and progress).
  virtual int64_t bytes_read() const = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  // The database's own clock at the moment the snapshot was taken, ms since the epoch.
  virtual int64_t snapshot_time_ms() const = 0;
  virtual const std::vector<SourceTable>& tables() const = 0;
  // Splits table `table_index` into chunks of about `target_bytes` each. When
  // it splits at all, the number of chunks is rounded up to a multiple of
  // `count_multiple` (the workers), so that no worker idles on a table's tail:
  // 3 chunks for 2 workers take as long as 4 twice as big.
  virtual Result<std::vector<Chunk>> PlanChunks(int table_index, int64_t target_bytes, int count_multiple) = 0;
  virtual Result<std::unique_ptr<ChunkReader>> OpenChunk(const Chunk& chunk) = 0;
  // Asks every open reader to stop soon (their Next returns Cancelled).
  virtual void Cancel() = 0;
};

}  // namespace snaplake
