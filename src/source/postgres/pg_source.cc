#include "source/postgres/pg_source.h"

#include <algorithm>

#include "source/postgres/pg_copy_decoder.h"

namespace snaplake::postgres {

namespace {

constexpr int64_t kBlockBytes = 8192;  // PostgreSQL's default; Start() reads the real one

class PgChunkReader final : public ChunkReader {
 public:
  PgChunkReader(PgSource* source, std::unique_ptr<PgConnection> connection, std::vector<PgColumnPlan> plans,
                std::string copy_sql)
      : source_(source), connection_(std::move(connection)), decoder_(std::move(plans)), sql_(std::move(copy_sql)) {}

  ~PgChunkReader() override {
    if (started_ && !done_) {
      connection_->AbandonCopy();
      broken_ = true;  // the cancel aborted the transaction, and with it the snapshot
    }
    if (broken_) {
      source_->Forget(connection_.get());
    } else {
      source_->Return(std::move(connection_));
    }
  }

  Result<bool> Next(ColumnBatch* batch, int64_t max_rows, int64_t max_bytes) override {
    batch->Clear();
    if (done_) return false;
    if (!started_) {
      started_ = true;
      Status status = connection_->BeginCopyOut(sql_);
      if (!status.ok()) {
        done_ = true;
        broken_ = true;
        return status;
      }
    }
    int64_t bytes_this_batch = 0;
    while (batch->num_rows() < max_rows && bytes_this_batch < max_bytes) {
      std::string_view message;
      Result<bool> more = connection_->NextCopyMessage(&message);
      if (!more.ok()) {
        done_ = true;
        broken_ = true;
        return more.status();
      }
      if (!*more) {
        done_ = true;
        if (!decoder_.finished()) {
          broken_ = true;
          return Status::Corruption("PostgreSQL ended a COPY without its end marker; the connection may have dropped");
        }
        break;
      }
      bytes_read_ += static_cast<int64_t>(message.size());
      bytes_this_batch += static_cast<int64_t>(message.size());
      Status status = decoder_.Feed(AsBytes(message), batch);
      if (!status.ok()) {
        connection_->AbandonCopy();
        done_ = true;
        broken_ = true;
        return status;
      }
    }
    return batch->num_rows() > 0 || !done_;
  }

  int64_t bytes_read() const override { return bytes_read_; }

 private:
  PgSource* source_;
  std::unique_ptr<PgConnection> connection_;
  PgCopyDecoder decoder_;
  std::string sql_;
  bool started_ = false;
  bool done_ = false;
  bool broken_ = false;
  int64_t bytes_read_ = 0;
};

}  // namespace

Result<std::unique_ptr<PgSource>> PgSource::Open(const PgSourceOptions& options) {
  auto source = std::unique_ptr<PgSource>(new PgSource(options));
  SL_RETURN_NOT_OK(source->Start());
  return source;
}

PgSource::~PgSource() {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    idle_.clear();
  }
  if (leader_ != nullptr) (void)leader_->Execute("COMMIT");
}

Status PgSource::Start() {
  SL_ASSIGN_OR_RETURN(leader_, PgConnection::Connect(options_.conninfo, options_.interrupt));
  server_version_ = leader_->server_version();
  if (server_version_ < 130000) {
    return Status::NotImplemented("PostgreSQL " + std::to_string(server_version_ / 10000) + " at " +
                                  leader_->Describe() + " is not supported; snaplake needs PostgreSQL 13 or later");
  }
  SL_RETURN_NOT_OK(leader_->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  SL_ASSIGN_OR_RETURN(PgResult snapshot,
                      leader_->Query("SELECT pg_catalog.pg_export_snapshot(), "
                                     "(extract(epoch FROM now()) * 1000)::int8, pg_catalog.pg_is_in_recovery(), "
                                     "pg_catalog.current_database()"));
  snapshot_id_ = snapshot.Text(0, 0);
  snapshot_time_ms_ = snapshot.Int(0, 1);
  in_recovery_ = snapshot.Bool(0, 2);
  database_ = snapshot.Text(0, 3);

  for (const TableSelector& selector : options_.only) {
    if (selector.database != database_) {
      return Status::NotFound("--only '" + selector.text + "': the source database is '" + database_ +
                              "', not '" + selector.database + "' (names are case-sensitive)");
    }
  }
  CatalogOptions catalog_options;
  catalog_options.include_matviews = options_.include_matviews;
  catalog_options.in_recovery = in_recovery_;
  std::vector<SkippedRelation> skipped;
  SL_ASSIGN_OR_RETURN(std::vector<PgTableMeta> metas, ReadCatalog(*leader_, catalog_options, &skipped));

  std::vector<PgTableMeta> selected;
  std::vector<bool> selector_used(options_.only.size(), false);
  for (PgTableMeta& meta : metas) {
    bool keep = options_.only.empty();
    for (size_t i = 0; i < options_.only.size(); ++i) {
      if (options_.only[i].Matches(database_, meta.schema, meta.name)) {
        keep = true;
        selector_used[i] = true;
      }
    }
    if (keep) selected.push_back(std::move(meta));
  }
  for (size_t i = 0; i < options_.only.size(); ++i) {
    if (selector_used[i]) continue;
    // Named, but exists only as something we cannot export: say why.
    for (const SkippedRelation& relation : skipped) {
      if (options_.only[i].Matches(database_, relation.schema, relation.name)) {
        return Status::InvalidArgument("--only '" + options_.only[i].text + "': " + relation.schema + "." +
                                       relation.name + " cannot be exported: " + relation.reason);
      }
    }
    return Status::NotFound("--only '" + options_.only[i].text + "' matches no exportable table in database '" +
                            database_ + "' (names are case-sensitive; quote names with dots: db.\"my.schema\".table)");
  }
  // A relation left out matters only if --only asked for it (or for everything).
  for (const SkippedRelation& relation : skipped) {
    if (SelectorsMatch(options_.only, database_, relation.schema, relation.name)) {
      skipped_.push_back(relation.schema + "." + relation.name + ": " + relation.reason);
    }
  }
  return PlanTables(std::move(selected));
}

Status PgSource::PlanTables(std::vector<PgTableMeta> metas) {
  for (PgTableMeta& meta : metas) {
    std::string label = meta.schema + "." + meta.name;
    if (meta.columns.empty()) {
      skipped_.push_back(label + ": has no columns, and a Parquet file needs at least one");
      continue;
    }
    std::string qualified = QuoteIdentifier(meta.schema) + "." + QuoteIdentifier(meta.name);
    std::vector<const PgColumnMeta*> scan_columns;
    for (const PgColumnMeta& column : meta.columns) {
      if (NeedsNumericScan(column, options_.type_mode)) scan_columns.push_back(&column);
    }
    std::vector<NumericScan> scans;
    if (!scan_columns.empty()) {
      std::string sql = NumericScanSql(qualified, scan_columns, server_version_);
      SL_ASSIGN_OR_RETURN(PgResult row, leader_->Query(sql));
      std::vector<std::string> fields;
      for (int c = 0; c < row.columns(); ++c) fields.push_back(row.IsNull(0, c) ? std::string() : row.Text(0, c));
      SL_ASSIGN_OR_RETURN(scans, ParseNumericScanRow(fields, scan_columns.size()));
    }
    SourceTable table;
    table.database = database_;
    table.schema = meta.schema;
    table.name = meta.name;
    table.kind = meta.relkind == 'p' ? "partitioned table" : meta.relkind == 'm' ? "materialized view" : "table";
    table.estimated_bytes = meta.table_bytes;
    table.estimated_rows = meta.estimated_rows;
    std::vector<PgColumnPlan> plans;
    size_t scan_index = 0;
    for (const PgColumnMeta& column : meta.columns) {
      const NumericScan* scan = nullptr;
      if (scan_index < scan_columns.size() && scan_columns[scan_index] == &column) scan = &scans[scan_index++];
      std::string note;
      Result<PgColumnPlan> plan = PlanColumn(column, options_.type_mode, scan, &note);
      if (!plan.ok()) return plan.status().WithContext("table " + label);
      if (!note.empty()) table.notes.push_back(label + ": " + note);
      table.columns.push_back(plan->column);
      plans.push_back(std::move(*plan));
    }
    tables_.push_back(std::move(table));
    plans_.push_back(std::move(plans));
    metas_.push_back(std::move(meta));
  }
  return Status::OK();
}

Result<std::vector<Chunk>> PgSource::PlanChunks(int table_index, int64_t target_bytes, int count_multiple) {
  const PgTableMeta& meta = metas_[static_cast<size_t>(table_index)];
  std::vector<Chunk> chunks;
  int64_t blocks = meta.max_heap_blocks;
  int64_t blocks_per_chunk = std::max<int64_t>(1, target_bytes / kBlockBytes);
  // TID range scans arrived in PostgreSQL 14; on 13 a ctid filter reads the whole table.
  if (server_version_ < 140000 || blocks <= blocks_per_chunk) {
    Chunk chunk;
    chunk.table_index = table_index;
    chunk.estimated_bytes = meta.table_bytes;
    chunks.push_back(chunk);
    return chunks;
  }
  // Round the count up to a multiple of the workers and spread the blocks evenly.
  const int64_t multiple = std::max(1, count_multiple);
  int64_t wanted = (blocks + blocks_per_chunk - 1) / blocks_per_chunk;
  wanted = std::min(blocks, (wanted + multiple - 1) / multiple * multiple);
  blocks_per_chunk = (blocks + wanted - 1) / wanted;
  int count = static_cast<int>((blocks + blocks_per_chunk - 1) / blocks_per_chunk);
  for (int i = 0; i < count; ++i) {
    Chunk chunk;
    chunk.table_index = table_index;
    chunk.ordinal = i;
    chunk.count = count;
    chunk.begin = static_cast<int64_t>(i) * blocks_per_chunk;
    // The last range is open: nothing the snapshot sees may sit past it.
    chunk.end = i + 1 == count ? -1 : chunk.begin + blocks_per_chunk;
    chunk.estimated_bytes = meta.table_bytes / count;
    chunks.push_back(chunk);
  }
  return chunks;
}

std::string PgSource::CopySql(const Chunk& chunk) const {
  const PgTableMeta& meta = metas_[static_cast<size_t>(chunk.table_index)];
  const std::vector<PgColumnPlan>& plans = plans_[static_cast<size_t>(chunk.table_index)];
  std::string sql = "COPY (SELECT ";
  for (size_t i = 0; i < plans.size(); ++i) {
    if (i > 0) sql.append(", ");
    sql.append(plans[i].select_expr);
  }
  // ONLY: rows of inheritance children belong to the children, exported on
  // their own. A partitioned table is read whole (ONLY would read nothing).
  sql.append(meta.relkind == 'p' ? " FROM " : " FROM ONLY ");
  sql.append(QuoteIdentifier(meta.schema)).append(".").append(QuoteIdentifier(meta.name));
  if (chunk.count > 1) {
    sql.append(" WHERE ctid >= '(").append(std::to_string(chunk.begin)).append(",0)'::tid");
    if (chunk.end >= 0) sql.append(" AND ctid < '(").append(std::to_string(chunk.end)).append(",0)'::tid");
  }
  sql.append(") TO STDOUT (FORMAT binary)");
  return sql;
}

Result<std::unique_ptr<PgConnection>> PgSource::Borrow() {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (cancelled_) return Status::Cancelled("the export was cancelled");
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      busy_.push_back(connection.get());
      return connection;
    }
  }
  SL_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection, PgConnection::Connect(options_.conninfo, options_.interrupt));
  SL_RETURN_NOT_OK(connection->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  Status imported = connection->Execute("SET TRANSACTION SNAPSHOT " + QuoteLiteral(snapshot_id_));
  if (!imported.ok()) {
    return Status::IOError("cannot share the export's snapshot with a new connection: " + imported.message());
  }
  std::lock_guard<std::mutex> lock(pool_mutex_);
  if (cancelled_) return Status::Cancelled("the export was cancelled");
  busy_.push_back(connection.get());
  return connection;
}

void PgSource::Return(std::unique_ptr<PgConnection> connection) {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  busy_.erase(std::remove(busy_.begin(), busy_.end(), connection.get()), busy_.end());
  idle_.push_back(std::move(connection));
}

void PgSource::Forget(PgConnection* connection) {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  busy_.erase(std::remove(busy_.begin(), busy_.end(), connection), busy_.end());
}

void PgSource::Cancel() {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  cancelled_ = true;
  for (PgConnection* connection : busy_) connection->Cancel();
}

Result<std::unique_ptr<ChunkReader>> PgSource::OpenChunk(const Chunk& chunk) {
  SL_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection, Borrow());
  std::unique_ptr<ChunkReader> reader = std::make_unique<PgChunkReader>(
      this, std::move(connection), plans_[static_cast<size_t>(chunk.table_index)], CopySql(chunk));
  return reader;
}

}  // namespace snaplake::postgres
