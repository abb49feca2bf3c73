#include "source/mysql/mysql_source.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

#include "source/mysql/mysql_binary_row_decoder.h"

namespace snaplake::mysql {

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

// RDS for MySQL names tables "db.table"; TableSelector parses that as
// database + schema, so a selector's schema is the table unless it names
// three parts ("db.db.table", the schema being the database).
bool SelectorMatches(const TableSelector& s, const std::string& db, const std::string& table) {
  if (s.database != db) return false;
  if (s.schema.empty()) return true;
  if (s.table.empty()) return s.schema == table;
  return s.schema == db && s.table == table;
}

bool AnySelectorMatches(const std::vector<TableSelector>& selectors, const std::string& db, const std::string& table) {
  if (selectors.empty()) return true;
  for (const TableSelector& s : selectors) {
    if (SelectorMatches(s, db, table)) return true;
  }
  return false;
}

std::string Label(const std::string& db, const std::string& table) { return db + "." + table; }

class MySqlChunkReader final : public ChunkReader {
 public:
  MySqlChunkReader(MySqlSource* source, int table_index, std::unique_ptr<MySqlConnection> connection,
                   std::vector<MySqlColumnPlan> plans, std::string sql)
      : source_(source),
        table_index_(table_index),
        connection_(std::move(connection)),
        decoder_(std::move(plans)),
        sql_(std::move(sql)),
        bytes_start_(connection_->bytes_received()) {}

  ~MySqlChunkReader() override {
    if (done_ && !broken_) {
      source_->RecordInvalidDates(table_index_, decoder_.invalid_dates());
      connection_->EndStream();
      source_->Return(std::move(connection_));
    } else if (!started_ && !broken_) {
      source_->Return(std::move(connection_));
    } else {
      // Mid-stream or failed: the connection cannot serve another query.
      source_->Forget(connection_.get());
    }
  }

  Result<bool> Next(ColumnBatch* batch, int64_t max_rows, int64_t max_bytes) override {
    batch->Clear();
    if (done_) return false;
    if (!started_) {
      started_ = true;
      Result<std::vector<MySqlResultField>> fields =
          connection_->StreamPrepared(sql_, &MySqlBinaryRowDecoder::Callback, &decoder_);
      if (!fields.ok()) return Fail(fields.status());
      Status bound = decoder_.Bind(*fields);
      if (!bound.ok()) return Fail(bound);
    }
    const int64_t bytes_before = connection_->bytes_received();
    while (batch->num_rows() < max_rows && connection_->bytes_received() - bytes_before < max_bytes) {
      decoder_.StartRow(batch);
      Result<bool> row = connection_->FetchPrepared();
      if (!row.ok()) return Fail(row.status());
      if (!*row) {
        done_ = true;
        break;
      }
      Status status = decoder_.FinishRow();
      if (!status.ok()) return Fail(status);
      connection_->AddBytesReceived(decoder_.row_bytes());
    }
    return batch->num_rows() > 0 || !done_;
  }

  int64_t bytes_read() const override { return connection_->bytes_received() - bytes_start_; }

 private:
  Status Fail(Status status) {
    done_ = true;
    broken_ = true;
    return status;
  }

  MySqlSource* source_;
  int table_index_;
  std::unique_ptr<MySqlConnection> connection_;
  MySqlBinaryRowDecoder decoder_;
  std::string sql_;
  int64_t bytes_start_ = 0;
  bool started_ = false;
  bool done_ = false;
  bool broken_ = false;
};

}  // namespace

Result<std::unique_ptr<MySqlSource>> MySqlSource::Open(const MySqlSourceOptions& options) {
  auto source = std::unique_ptr<MySqlSource>(new MySqlSource(options));
  SL_RETURN_NOT_OK(source->Start());
  return source;
}

MySqlSource::~MySqlSource() {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.clear();  // closing a connection ends its read-only transaction
}

Status MySqlSource::Interrupted() const {
  if (options_.interrupt != nullptr && options_.interrupt->load()) return Status::Cancelled("the export was cancelled");
  return Status::OK();
}

Status MySqlSource::Start() {
  // A cancel during Open must not wait for a slow catalog query or a lock
  // wait: a watcher shuts the sockets of the connections opened so far.
  std::atomic<bool> finished{false};
  std::thread watcher;
  if (options_.interrupt != nullptr) {
    watcher = std::thread([&]() {
      while (!finished.load()) {
        if (options_.interrupt->load()) {
          AbortOpening();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  Status status = StartSteps();
  finished = true;
  if (watcher.joinable()) watcher.join();
  {
    std::lock_guard<std::mutex> lock(opening_mutex_);
    opening_.clear();
  }
  // Only now may the connections the watcher could reach go away.
  locker_.reset();
  retired_.clear();
  return status;
}

void MySqlSource::WatchOpening(MySqlConnection* connection) {
  std::lock_guard<std::mutex> lock(opening_mutex_);
  opening_.push_back(connection);
  if (opening_aborted_) connection->Abort();
}

void MySqlSource::AbortOpening() {
  std::lock_guard<std::mutex> lock(opening_mutex_);
  opening_aborted_ = true;
  for (MySqlConnection* connection : opening_) connection->Abort();
}

Status MySqlSource::StartSteps() {
  const MySqlConnectParams& params = options_.params;
  SL_ASSIGN_OR_RETURN(locker_, MySqlConnection::Connect(params));
  WatchOpening(locker_.get());
  MySqlConnection* locker = locker_.get();
  is_mariadb_ = locker->is_mariadb();
  SL_RETURN_NOT_OK(Interrupted());
  for (const TableSelector& selector : options_.only) {
    if (!params.database.empty() && selector.database != params.database) {
      return Status::NotFound("--only '" + selector.text + "': the --source names database '" + params.database +
                              "', not '" + selector.database + "' (names are case-sensitive)");
    }
  }
  std::vector<MySqlSkippedRelation> skipped;
  SL_ASSIGN_OR_RETURN(std::vector<MySqlTableMeta> all, ReadMySqlCatalog(*locker, params.database, &skipped));
  std::vector<MySqlTableMeta> selected;
  std::vector<bool> used(options_.only.size(), false);
  for (MySqlTableMeta& meta : all) {
    bool keep = options_.only.empty();
    for (size_t i = 0; i < options_.only.size(); ++i) {
      if (SelectorMatches(options_.only[i], meta.database, meta.name)) keep = used[i] = true;
    }
    if (keep) selected.push_back(std::move(meta));
  }
  for (size_t i = 0; i < options_.only.size(); ++i) {
    if (used[i]) continue;
    for (const MySqlSkippedRelation& relation : skipped) {
      if (SelectorMatches(options_.only[i], relation.database, relation.name)) {
        return Status::InvalidArgument("--only '" + options_.only[i].text + "': " +
                                       Label(relation.database, relation.name) + " cannot be exported: " +
                                       relation.reason);
      }
    }
    return Status::NotFound("--only '" + options_.only[i].text +
                            "' matches no table (write db or db.table; names are case-sensitive; quote names with "
                            "dots: db.\"my.table\")");
  }
  for (const MySqlSkippedRelation& relation : skipped) {
    if (AnySelectorMatches(options_.only, relation.database, relation.name)) {
      warnings_.push_back("skipped " + Label(relation.database, relation.name) + ": " + relation.reason);
    }
  }

  std::vector<std::unique_ptr<MySqlConnection>>& readers = retired_;  // until they hold the snapshot
  const int wanted = std::max(1, options_.connections);
  for (int i = 0; i < wanted; ++i) {
    SL_RETURN_NOT_OK(Interrupted());
    SL_ASSIGN_OR_RETURN(std::unique_ptr<MySqlConnection> reader, MySqlConnection::Connect(params));
    WatchOpening(reader.get());
    readers.push_back(std::move(reader));
  }
  SL_RETURN_NOT_OK(Interrupted());
  SL_RETURN_NOT_OK(TakeSnapshot(*locker, readers));
  SL_RETURN_NOT_OK(PlanTables(std::move(selected), *readers[0]));
  std::lock_guard<std::mutex> lock(mutex_);
  alive_ = snapshot_.connections;
  for (int i = 0; i < snapshot_.connections; ++i) idle_.push_back(std::move(readers[static_cast<size_t>(i)]));
  return Status::OK();
}

Status MySqlSource::TakeSnapshot(MySqlConnection& locker, std::vector<std::unique_ptr<MySqlConnection>>& readers) {
  const char* start_sql =
      "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ; START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";
  // A lock that cannot be had soon (a long query in the way) is not worth
  // stalling the server's writes for.
  (void)locker.Execute("SET SESSION lock_wait_timeout = 30");
  const Clock::time_point asked = Clock::now();
  Status locked;
  if (is_mariadb_) {
    locked = locker.Execute("BACKUP STAGE START");
    if (locked.ok()) {
      locked = locker.Execute("BACKUP STAGE BLOCK_COMMIT");
      if (!locked.ok()) (void)locker.Execute("BACKUP STAGE END");
    }
  } else {
    locked = locker.Execute("FLUSH TABLES WITH READ LOCK");
  }
  const Clock::time_point acquired = Clock::now();
  if (locked.code() == StatusCode::kCancelled) return locked;
  SL_ASSIGN_OR_RETURN(MySqlRows now, locker.Query("SELECT CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)"));
  if (now.size() == 1) {
    std::from_chars(now.rows[0][0].data(), now.rows[0][0].data() + now.rows[0][0].size(), snapshot_time_ms_);
  }
  if (!locked.ok()) {
    // Without the lock, several transactions could see different commits: one reader only.
    snapshot_.method = "single connection";
    std::string warning = "no global lock (";
    warning.append(locked.message());
    warning.append("): reading through one connection so that every table comes from one snapshot; grant ");
    warning.append("RELOAD to read in parallel");
    warnings_.push_back(std::move(warning));
    SL_RETURN_NOT_OK(readers[0]->Execute(start_sql));
    snapshot_.connections = 1;
    return RecordBinlogPosition(locker, *readers[0], false);
  }
  snapshot_.method = is_mariadb_ ? "BACKUP STAGE BLOCK_COMMIT" : "FLUSH TABLES WITH READ LOCK";
  snapshot_.lock_wait_ms = MsSince(asked, acquired);
  Status started;
  snapshot_.connections = static_cast<int>(readers.size());
  for (auto& reader : readers) {
    started = reader->Execute(start_sql);
    if (!started.ok()) break;
  }
  Status recorded = started.ok() ? RecordBinlogPosition(locker, *readers[0], true) : Status::OK();
  Status unlocked = locker.Execute(is_mariadb_ ? "BACKUP STAGE END" : "UNLOCK TABLES");
  snapshot_.lock_held_ms = MsSince(acquired, Clock::now());
  SL_RETURN_NOT_OK(started);
  SL_RETURN_NOT_OK(recorded);
  return unlocked;
}

Status MySqlSource::RecordBinlogPosition(MySqlConnection& locker, MySqlConnection& reader, bool locked) {
  if (is_mariadb_) {
    // MariaDB keeps the binlog position of each consistent snapshot: exact even without a lock.
    Result<MySqlRows> status = reader.Query("SHOW STATUS LIKE 'binlog_snapshot_%'");
    if (!status.ok()) {
      warnings_.push_back("binary log position not recorded: " + status.status().message());
      return Status::OK();
    }
    for (size_t r = 0; r < status->size(); ++r) {
      const std::string& name = status->rows[r][0];
      const std::string& value = status->rows[r][1];
      if (name == "Binlog_snapshot_file") snapshot_.binlog_file = value;
      if (name == "Binlog_snapshot_position") {
        std::from_chars(value.data(), value.data() + value.size(), snapshot_.binlog_position);
      }
    }
    if (snapshot_.binlog_file.empty()) {
      snapshot_.binlog_position = -1;
      return Status::OK();
    }
    Result<MySqlRows> gtid = reader.Query("SELECT BINLOG_GTID_POS(" + QuoteMySqlString(snapshot_.binlog_file) + ", " +
                                          std::to_string(snapshot_.binlog_position) + ")");
    if (gtid.ok() && gtid->size() == 1 && !gtid->nulls[0][0]) snapshot_.gtid_set = gtid->rows[0][0];
    return Status::OK();
  }
  Result<MySqlRows> status = locker.Query("SHOW MASTER STATUS");
  if (!status.ok()) status = locker.Query("SHOW BINARY LOG STATUS");  // MySQL 8.4 renamed it
  if (!status.ok()) {
    warnings_.push_back("binary log position not recorded: " + status.status().message());
    return Status::OK();
  }
  if (status->size() == 0) return Status::OK();  // binary log off
  const std::vector<std::string>& row = status->rows[0];
  snapshot_.binlog_file = row[0];
  std::from_chars(row[1].data(), row[1].data() + row[1].size(), snapshot_.binlog_position);
  if (row.size() >= 5) snapshot_.gtid_set = row[4];
  if (!locked) warnings_.push_back("the binary log position was read without a lock and may be slightly later than the snapshot");
  return Status::OK();
}

Status MySqlSource::PlanTables(std::vector<MySqlTableMeta> metas, MySqlConnection& reader) {
  for (MySqlTableMeta& meta : metas) {
    const std::string label = Label(meta.database, meta.name);
    if (meta.columns.empty()) {
      warnings_.push_back("skipped " + label + ": its columns are not visible to this user");
      continue;
    }
    if (!meta.transactional()) {
      warnings_.push_back(label + ": engine " + meta.engine +
                          " is not transactional, so its rows are read as they are when read, not as of the snapshot");
    }
    const std::string qualified = QuoteMySqlIdentifier(meta.database) + "." + QuoteMySqlIdentifier(meta.name);
    // TIME columns become TIME only if every value is a time of day (read inside the snapshot).
    std::vector<bool> in_day_range(meta.columns.size(), true);
    std::string scan;
    for (const MySqlColumnMeta& column : meta.columns) {
      if (!NeedsTimeRangeScan(column, options_.mapping)) continue;
      std::string c = QuoteMySqlIdentifier(column.name);
      scan.append(scan.empty() ? "SELECT " : ", ");
      scan.append("COALESCE(MIN(" + c + ") >= '00:00:00' AND MAX(" + c + ") < '24:00:00', 1)");
    }
    if (!scan.empty()) {
      SL_ASSIGN_OR_RETURN(MySqlRows row, reader.Query(scan + " FROM " + qualified));
      size_t k = 0;
      for (size_t i = 0; i < meta.columns.size(); ++i) {
        if (!NeedsTimeRangeScan(meta.columns[i], options_.mapping)) continue;
        in_day_range[i] = row.size() == 1 && row.rows[0][k] == "1";
        ++k;
      }
    }
    SourceTable table;
    table.database = meta.database;
    table.schema = meta.database;
    table.name = meta.name;
    table.kind = "table";
    table.estimated_bytes = meta.data_bytes;
    table.estimated_rows = meta.estimated_rows;
    std::vector<MySqlColumnPlan> plans;
    for (size_t i = 0; i < meta.columns.size(); ++i) {
      std::string note;
      Result<MySqlColumnPlan> plan = PlanMySqlColumn(meta.columns[i], options_.mapping, in_day_range[i], &note);
      if (!plan.ok()) return plan.status().WithContext("table " + label);
      if (!note.empty()) table.notes.push_back(label + ": " + note);
      table.columns.push_back(plan->column);
      plans.push_back(std::move(*plan));
    }
    tables_.push_back(std::move(table));
    plans_.push_back(std::move(plans));
    metas_.push_back(std::move(meta));
    invalid_dates_.emplace_back(metas_.back().columns.size(), 0);
    invalid_dates_note_.push_back(-1);
  }
  return Status::OK();
}

Result<std::vector<Chunk>> MySqlSource::PlanChunks(int table_index, int64_t target_bytes, int count_multiple) {
  const MySqlTableMeta& meta = metas_[static_cast<size_t>(table_index)];
  std::vector<Chunk> chunks;
  Chunk whole;
  whole.table_index = table_index;
  whole.estimated_bytes = meta.data_bytes;
  target_bytes = std::max<int64_t>(target_bytes, 1);
  // One reader cannot read two ranges at once; ranges also need an integer key.
  if (snapshot_.connections <= 1 || !meta.key_is_integer || meta.data_bytes <= target_bytes) {
    chunks.push_back(whole);
    return chunks;
  }
  const std::string key = QuoteMySqlIdentifier(meta.key_columns[0]);
  SL_ASSIGN_OR_RETURN(std::unique_ptr<MySqlConnection> connection, Borrow());
  Result<MySqlRows> bounds = connection->Query("SELECT MIN(" + key + "), MAX(" + key + ") FROM " +
                                               QuoteMySqlIdentifier(meta.database) + "." +
                                               QuoteMySqlIdentifier(meta.name));
  if (!bounds.ok()) {
    Forget(connection.get());
    return bounds.status();
  }
  Return(std::move(connection));
  int64_t lo = 0, hi = 0;
  auto parse = [](const std::string& s, int64_t* v) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  if (bounds->size() != 1 || bounds->nulls[0][0] || !parse(bounds->rows[0][0], &lo) ||
      !parse(bounds->rows[0][1], &hi) || hi <= lo) {
    chunks.push_back(whole);  // empty, one row, or beyond int64 (BIGINT UNSIGNED)
    return chunks;
  }
  const int128_t span = static_cast<int128_t>(hi) - lo + 1;
  int64_t count = (meta.data_bytes + target_bytes - 1) / target_bytes;
  const int64_t multiple = std::max(1, count_multiple);
  if (count > 1) count = (count + multiple - 1) / multiple * multiple;
  count = static_cast<int64_t>(std::min<int128_t>(std::min<int64_t>(count, 10000), span));
  if (count <= 1) {
    chunks.push_back(whole);
    return chunks;
  }
  const int128_t step = span / count;
  for (int64_t i = 0; i < count; ++i) {
    Chunk chunk;
    chunk.table_index = table_index;
    chunk.ordinal = static_cast<int>(i);
    chunk.count = static_cast<int>(count);
    // The first range is open below and the last open above: rows the bounds
    // query could not see still land in a chunk.
    chunk.begin = static_cast<int64_t>(lo + step * i);
    chunk.end = static_cast<int64_t>(lo + step * (i + 1));
    chunk.estimated_bytes = meta.data_bytes / count;
    chunks.push_back(chunk);
  }
  return chunks;
}

std::string MySqlSource::SelectSql(const Chunk& chunk) const {
  const MySqlTableMeta& meta = metas_[static_cast<size_t>(chunk.table_index)];
  const std::vector<MySqlColumnPlan>& plans = plans_[static_cast<size_t>(chunk.table_index)];
  std::string sql = "SELECT ";
  for (size_t i = 0; i < plans.size(); ++i) {
    if (i > 0) sql.append(", ");
    sql.append(plans[i].select_expr);
  }
  sql.append(" FROM ").append(QuoteMySqlIdentifier(meta.database)).append(".").append(QuoteMySqlIdentifier(meta.name));
  if (chunk.count > 1) {
    const std::string key = QuoteMySqlIdentifier(meta.key_columns[0]);
    const bool first = chunk.ordinal == 0;
    const bool last = chunk.ordinal == chunk.count - 1;
    sql.append(" WHERE ");
    if (!first) sql.append(key).append(" >= ").append(std::to_string(chunk.begin));
    if (!first && !last) sql.append(" AND ");
    if (!last) sql.append(key).append(" < ").append(std::to_string(chunk.end));
  }
  return sql;
}

Result<std::unique_ptr<MySqlConnection>> MySqlSource::Borrow() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_cv_.wait(lock, [&]() { return cancelled_ || !idle_.empty() || alive_ == 0; });
  if (cancelled_) return Status::Cancelled("the export was cancelled");
  if (idle_.empty()) {
    return Status::IOError("every MySQL connection holding the export's snapshot has failed; start the export again");
  }
  std::unique_ptr<MySqlConnection> connection = std::move(idle_.back());
  idle_.pop_back();
  busy_.push_back(connection.get());
  return connection;
}

void MySqlSource::Return(std::unique_ptr<MySqlConnection> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  busy_.erase(std::remove(busy_.begin(), busy_.end(), connection.get()), busy_.end());
  idle_.push_back(std::move(connection));
  idle_cv_.notify_one();
}

void MySqlSource::Forget(MySqlConnection* connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  busy_.erase(std::remove(busy_.begin(), busy_.end(), connection), busy_.end());
  --alive_;
  idle_cv_.notify_all();
}

void MySqlSource::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
  for (MySqlConnection* connection : busy_) connection->Abort();
  idle_cv_.notify_all();
}

void MySqlSource::RecordInvalidDates(int table_index, const std::vector<int64_t>& counts) {
  int64_t added = 0;
  for (int64_t c : counts) added += c;
  if (added == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const size_t t = static_cast<size_t>(table_index);
  std::vector<int64_t>& totals = invalid_dates_[t];
  int64_t total = 0;
  std::string detail;
  for (size_t i = 0; i < totals.size() && i < counts.size(); ++i) {
    totals[i] += counts[i];
    total += totals[i];
    if (totals[i] == 0) continue;
    if (!detail.empty()) detail.append(", ");
    detail.append(metas_[t].columns[i].name).append(": ").append(std::to_string(totals[i]));
  }
  std::string note = Label(metas_[t].database, metas_[t].name) + ": " + std::to_string(total) +
                     " zero or invalid date(s) exported as NULL (" + detail + ")";
  std::vector<std::string>& notes = tables_[t].notes;
  if (invalid_dates_note_[t] < 0) {
    invalid_dates_note_[t] = static_cast<int>(notes.size());
    notes.push_back(std::move(note));
  } else {
    notes[static_cast<size_t>(invalid_dates_note_[t])] = std::move(note);
  }
}

Result<std::unique_ptr<ChunkReader>> MySqlSource::OpenChunk(const Chunk& chunk) {
  SL_ASSIGN_OR_RETURN(std::unique_ptr<MySqlConnection> connection, Borrow());
  std::unique_ptr<ChunkReader> reader = std::make_unique<MySqlChunkReader>(
      this, chunk.table_index, std::move(connection), plans_[static_cast<size_t>(chunk.table_index)],
      SelectSql(chunk));
  return reader;
}

}  // namespace snaplake::mysql
