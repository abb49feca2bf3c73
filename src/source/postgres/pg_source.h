// PgSource: a consistent snapshot of one PostgreSQL database (13 or later,
// primary or hot standby), read in parallel.
//
// Open() connects a leader that starts a REPEATABLE READ, READ ONLY
// transaction and exports its snapshot (pg_export_snapshot); the leader stays
// open until the PgSource is destroyed. The catalog is read inside that
// snapshot. Each chunk reader borrows a connection that imported the same
// snapshot (SET TRANSACTION SNAPSHOT) and streams
//   COPY (SELECT ... FROM table WHERE ctid range) TO STDOUT (FORMAT binary)
// straight into column batches. Tables are split into ctid block ranges on
// PostgreSQL 14+ (TID range scans); on 13 each table is one chunk.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "source/postgres/pg_catalog.h"
#include "source/postgres/pg_connection.h"
#include "source/postgres/pg_type_mapping.h"
#include "source/source.h"
#include "source/table_selector.h"

namespace snaplake::postgres {

struct PgSourceOptions {
  std::string conninfo;
  TypeMode type_mode = TypeMode::kNative;
  std::vector<TableSelector> only;  // empty: every table
  bool include_matviews = false;
  // Polled while connecting; when it turns true, Open() returns Cancelled.
  const std::atomic<bool>* interrupt = nullptr;
};

class PgSource final : public Source {
 public:
  // Fails with a clear message on connection errors, servers older than 13,
  // or an --only name that matches nothing.
  static Result<std::unique_ptr<PgSource>> Open(const PgSourceOptions& options);
  ~PgSource() override;

  int64_t snapshot_time_ms() const override { return snapshot_time_ms_; }
  const std::vector<SourceTable>& tables() const override { return tables_; }
  Result<std::vector<Chunk>> PlanChunks(int table_index, int64_t target_bytes, int count_multiple) override;
  Result<std::unique_ptr<ChunkReader>> OpenChunk(const Chunk& chunk) override;
  void Cancel() override;

  const std::string& snapshot_id() const { return snapshot_id_; }
  bool in_recovery() const { return in_recovery_; }
  int server_version() const { return server_version_; }
  // Relations that exist but were left out, one line each (for the task's warnings).
  const std::vector<std::string>& skipped() const { return skipped_; }
  // The COPY statement a chunk runs (tests and logs).
  std::string CopySql(const Chunk& chunk) const;

  // Connection pool for chunk readers: each connection has imported the snapshot.
  Result<std::unique_ptr<PgConnection>> Borrow();
  void Return(std::unique_ptr<PgConnection> connection);
  void Forget(PgConnection* connection);

 private:
  explicit PgSource(PgSourceOptions options) : options_(std::move(options)) {}
  Status Start();
  Status PlanTables(std::vector<PgTableMeta> metas);

  PgSourceOptions options_;
  std::unique_ptr<PgConnection> leader_;
  std::string snapshot_id_;
  int64_t snapshot_time_ms_ = 0;
  bool in_recovery_ = false;
  int server_version_ = 0;
  std::string database_;
  std::vector<PgTableMeta> metas_;
  std::vector<SourceTable> tables_;
  std::vector<std::vector<PgColumnPlan>> plans_;
  std::vector<std::string> skipped_;

  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::vector<PgConnection*> busy_;
  bool cancelled_ = false;
};

}  // namespace snaplake::postgres
