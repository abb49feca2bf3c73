// MySqlSource: a consistent snapshot of a MySQL 8 / MariaDB 10.5+ server (one
// database or all user databases), read in parallel over the binary protocol.
//
// Open() reads the catalog, connects `connections` readers, then takes the
// shortest global lock it can (MariaDB: BACKUP STAGE START + BLOCK_COMMIT;
// MySQL: FLUSH TABLES WITH READ LOCK), starts START TRANSACTION WITH
// CONSISTENT SNAPSHOT (REPEATABLE READ, READ ONLY) on every reader, records the
// binary log file/position and GTID set, and releases the lock; how long it
// was held is in snapshot_info(). All readers thus see the same commits.
// Without the privilege for the lock (RELOAD, which RDS users lack) it
// falls back to one reader connection, which is consistent by itself, and says
// so in warnings(). Tables of non-transactional engines (MyISAM, Aria, ...)
// are read but are not covered by the snapshot; warnings() says so.
//
// Tables with an integer primary key (or unique NOT NULL key) are split into
// ranges of its first column; others are one chunk. A chunk runs
//   SELECT <columns> FROM `db`.`table` [WHERE key range]
// as a server-side prepared statement (no cursor: rows stream as they are
// fetched), each row decoded from libmariadb's network buffer into the batch
// (mysql_binary_row_decoder.h). The binary protocol spares the server
// printing numbers and dates as text.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "source/mysql/mysql_catalog.h"
#include "source/mysql/mysql_connection.h"
#include "source/mysql/mysql_type_mapping.h"
#include "source/source.h"
#include "source/table_selector.h"

namespace snaplake::mysql {

struct MySqlSourceOptions {
  MySqlConnectParams params;
  MySqlMappingOptions mapping;
  // --only: "db" or "db.table" (RDS for MySQL's form; "db.db.table" works too).
  std::vector<TableSelector> only;
  int connections = 1;  // readers sharing the snapshot (the export's --parallel)
  // Polled between connection steps; when it turns true, Open() returns Cancelled.
  const std::atomic<bool>* interrupt = nullptr;
};

// How the snapshot was taken, for the task record.
struct MySqlSnapshotInfo {
  std::string method;          // "BACKUP STAGE BLOCK_COMMIT", "FLUSH TABLES WITH READ LOCK" or "single connection"
  int connections = 0;         // readers sharing it
  std::string binlog_file;     // empty: binary log off or not readable
  int64_t binlog_position = -1;
  std::string gtid_set;        // MariaDB gtid_binlog_pos at the snapshot / MySQL Executed_Gtid_Set
  double lock_wait_ms = 0;     // waiting for the lock
  double lock_held_ms = 0;     // from acquiring to releasing it (0 without a lock)
};

class MySqlSource final : public Source {
 public:
  static Result<std::unique_ptr<MySqlSource>> Open(const MySqlSourceOptions& options);
  ~MySqlSource() override;

  int64_t snapshot_time_ms() const override { return snapshot_time_ms_; }
  const std::vector<SourceTable>& tables() const override { return tables_; }
  Result<std::vector<Chunk>> PlanChunks(int table_index, int64_t target_bytes, int count_multiple) override;
  Result<std::unique_ptr<ChunkReader>> OpenChunk(const Chunk& chunk) override;
  void Cancel() override;

  const MySqlSnapshotInfo& snapshot_info() const { return snapshot_; }
  // One line each: fallbacks, skipped relations, non-transactional tables.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The SELECT a chunk runs (tests and logs).
  std::string SelectSql(const Chunk& chunk) const;

  // Reader connection pool (every connection holds the snapshot). Borrow
  // waits while all are busy; a connection that failed is Forgotten, not returned.
  Result<std::unique_ptr<MySqlConnection>> Borrow();
  void Return(std::unique_ptr<MySqlConnection> connection);
  void Forget(MySqlConnection* connection);
  // Adds a chunk's zero/invalid-date counts (one per column) to its table's note.
  void RecordInvalidDates(int table_index, const std::vector<int64_t>& counts);

 private:
  explicit MySqlSource(MySqlSourceOptions options) : options_(std::move(options)) {}
  Status Start();
  Status StartSteps();
  Status Interrupted() const;
  // Open()'s connections, aborted (sockets shut) if the interrupt turns true meanwhile.
  void WatchOpening(MySqlConnection* connection);
  void AbortOpening();
  Status TakeSnapshot(MySqlConnection& locker, std::vector<std::unique_ptr<MySqlConnection>>& readers);
  Status RecordBinlogPosition(MySqlConnection& locker, MySqlConnection& reader, bool locked);
  Status PlanTables(std::vector<MySqlTableMeta> metas, MySqlConnection& reader);

  MySqlSourceOptions options_;
  MySqlSnapshotInfo snapshot_;
  int64_t snapshot_time_ms_ = 0;
  bool is_mariadb_ = false;
  std::vector<MySqlTableMeta> metas_;
  std::vector<SourceTable> tables_;
  std::vector<std::vector<MySqlColumnPlan>> plans_;
  std::vector<std::string> warnings_;

  // Alive until Open() returns, so that AbortOpening never reaches a freed connection.
  std::unique_ptr<MySqlConnection> locker_;
  std::vector<std::unique_ptr<MySqlConnection>> retired_;  // readers before (and beyond) the snapshot
  std::mutex opening_mutex_;
  std::vector<MySqlConnection*> opening_;
  bool opening_aborted_ = false;

  std::mutex mutex_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<MySqlConnection>> idle_;
  std::vector<MySqlConnection*> busy_;
  int alive_ = 0;
  bool cancelled_ = false;
  std::vector<std::vector<int64_t>> invalid_dates_;  // per table, per column
  std::vector<int> invalid_dates_note_;               // index into tables_[t].notes, or -1
};

}  // namespace snaplake::mysql
