#include "lake/delta/checkpoint_writer.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

#include "format/parquet/parquet_writer.h"
#include "lake/delta/log_files.h"

namespace snaplake::delta {

namespace {

Field F(const char* name, Type type, bool nullable = true) { return Field{name, std::move(type), nullable}; }
Type StringMapType() { return Type::Map(F("key", Type::String(), false), F("value", Type::String(), true)); }
Type StringListType() { return Type::List(F("element", Type::String(), true)); }

Schema CheckpointSchema() {
  Schema s;
  s.fields.push_back(F("txn", Type::Struct({F("appId", Type::String()), F("version", Type::Int64()),
                                           F("lastUpdated", Type::Int64())})));
  s.fields.push_back(F("add", Type::Struct({F("path", Type::String()), F("partitionValues", StringMapType()),
                                           F("size", Type::Int64()), F("modificationTime", Type::Int64()),
                                           F("dataChange", Type::Boolean()), F("stats", Type::String()),
                                           F("tags", StringMapType())})));
  s.fields.push_back(F("remove", Type::Struct({F("path", Type::String()), F("deletionTimestamp", Type::Int64()),
                                              F("dataChange", Type::Boolean()),
                                              F("extendedFileMetadata", Type::Boolean()),
                                              F("partitionValues", StringMapType()), F("size", Type::Int64())})));
  s.fields.push_back(F("metaData",
                       Type::Struct({F("id", Type::String()), F("name", Type::String()),
                                     F("description", Type::String()),
                                     F("format", Type::Struct({F("provider", Type::String()),
                                                               F("options", StringMapType())})),
                                     F("schemaString", Type::String()), F("partitionColumns", StringListType()),
                                     F("configuration", StringMapType()), F("createdTime", Type::Int64())})));
  s.fields.push_back(F("protocol", Type::Struct({F("minReaderVersion", Type::Int32()),
                                                F("minWriterVersion", Type::Int32()),
                                                F("readerFeatures", StringListType()),
                                                F("writerFeatures", StringListType())})));
  return s;
}

void Str(Column& c, const std::optional<std::string>& s) {
  if (s) c.AppendString(*s);
  else c.AppendNull();
}
void I64(Column& c, const std::optional<int64_t>& v) {
  if (v) c.Append<int64_t>(*v);
  else c.AppendNull();
}
void Bool(Column& c, bool v) { c.Append<uint8_t>(v ? 1 : 0); }
void PartitionMap(Column& c, const PartitionValues& values) {
  for (const auto& [k, v] : values) {
    c.mutable_child(0).AppendString(k);
    Str(c.mutable_child(1), v);
  }
  c.AppendListEnd(c.child(0).length());
}
void Map(Column& c, const StringMap& values) {
  for (const auto& [k, v] : values) {
    c.mutable_child(0).AppendString(k);
    c.mutable_child(1).AppendString(v);
  }
  c.AppendListEnd(c.child(0).length());
}
void List(Column& c, const std::optional<std::vector<std::string>>& values) {
  if (!values) {
    c.AppendNull();
    return;
  }
  for (const std::string& v : *values) c.mutable_child(0).AppendString(v);
  c.AppendListEnd(c.child(0).length());
}

enum Col { kTxn, kAdd, kRemove, kMeta, kProtocol };

// Every struct column but `valid` gets a NULL for this row.
void NullOthers(ColumnBatch& b, int valid) {
  for (int i = 0; i < b.num_columns(); ++i) {
    if (i != valid) b.mutable_column(i).AppendNull();
  }
}

int64_t ParseIntervalMs(const std::string& text) {
  // "interval 7 days", "interval 1 week", "168 hours".
  std::istringstream in(text);
  std::string word;
  in >> word;
  if (word != "interval") in.seekg(0);
  int64_t n = 0;
  std::string unit;
  if (!(in >> n >> unit) || n < 0) return -1;
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!unit.empty() && unit.back() == 's') unit.pop_back();
  if (unit == "week") return n * 7 * 86400000;
  if (unit == "day") return n * 86400000;
  if (unit == "hour") return n * 3600000;
  if (unit == "minute") return n * 60000;
  if (unit == "second") return n * 1000;
  return -1;
}

}  // namespace

int64_t TombstoneRetentionMs(const Metadata& metadata) {
  auto it = metadata.configuration.find("delta.deletedFileRetentionDuration");
  const int64_t week = int64_t{7} * 86400000;
  if (it == metadata.configuration.end()) return week;
  const int64_t ms = ParseIntervalMs(it->second);
  return ms < 0 ? week : ms;
}

Result<CheckpointInfo> WriteCheckpoint(FileSystem& fs, const Snapshot& snap, int64_t now_ms) {
  const std::string path = JoinPath(LogDir(snap.table_root), CheckpointFileName(snap.version));
  SL_ASSIGN_OR_RETURN(auto sink, fs.OpenWrite(path));
  parquet::WriterOptions options;
  options.key_value_metadata.emplace_back("delta.checkpoint.writer", "snaplake");
  SL_ASSIGN_OR_RETURN(auto writer, parquet::ParquetWriter::Open(std::move(sink), CheckpointSchema(), options));

  ColumnBatch batch(CheckpointSchema());
  CheckpointInfo info;
  info.version = snap.version;
  auto flush = [&](bool force) -> Status {
    if (batch.num_rows() == 0 || (!force && batch.num_rows() < 4096)) return Status::OK();
    SL_RETURN_NOT_OK(writer->Write(batch));
    info.rows += batch.num_rows();
    batch.Clear();
    return Status::OK();
  };

  {  // protocol
    Column& c = batch.mutable_column(kProtocol);
    c.mutable_child(0).Append<int32_t>(snap.protocol.min_reader_version);
    c.mutable_child(1).Append<int32_t>(snap.protocol.min_writer_version);
    List(c.mutable_child(2), snap.protocol.reader_features);
    List(c.mutable_child(3), snap.protocol.writer_features);
    c.AppendStructValid();
    NullOthers(batch, kProtocol);
  }
  {  // metaData
    const Metadata& m = snap.metadata;
    Column& c = batch.mutable_column(kMeta);
    c.mutable_child(0).AppendString(m.id);
    Str(c.mutable_child(1), m.name);
    Str(c.mutable_child(2), m.description);
    Column& format = c.mutable_child(3);
    format.mutable_child(0).AppendString(m.format_provider);
    Map(format.mutable_child(1), m.format_options);
    format.AppendStructValid();
    c.mutable_child(4).AppendString(m.schema_string);
    List(c.mutable_child(5), m.partition_columns);
    Map(c.mutable_child(6), m.configuration);
    I64(c.mutable_child(7), m.created_time);
    c.AppendStructValid();
    NullOthers(batch, kMeta);
  }
  for (const Txn& t : snap.txns) {
    Column& c = batch.mutable_column(kTxn);
    c.mutable_child(0).AppendString(t.app_id);
    c.mutable_child(1).Append<int64_t>(t.version);
    I64(c.mutable_child(2), t.last_updated);
    c.AppendStructValid();
    NullOthers(batch, kTxn);
    SL_RETURN_NOT_OK(flush(false));
  }
  for (const AddFile& a : snap.files) {
    Column& c = batch.mutable_column(kAdd);
    c.mutable_child(0).AppendString(a.path);
    PartitionMap(c.mutable_child(1), a.partition_values);
    c.mutable_child(2).Append<int64_t>(a.size);
    c.mutable_child(3).Append<int64_t>(a.modification_time);
    Bool(c.mutable_child(4), false);  // checkpoints carry no data change
    Str(c.mutable_child(5), a.stats);
    if (a.tags.empty()) c.mutable_child(6).AppendNull();
    else Map(c.mutable_child(6), a.tags);
    c.AppendStructValid();
    NullOthers(batch, kAdd);
    SL_RETURN_NOT_OK(flush(false));
  }
  const int64_t expiry = now_ms - TombstoneRetentionMs(snap.metadata);
  for (const RemoveFile& r : snap.tombstones) {
    if (r.deletion_timestamp && *r.deletion_timestamp < expiry) continue;
    Column& c = batch.mutable_column(kRemove);
    c.mutable_child(0).AppendString(r.path);
    I64(c.mutable_child(1), r.deletion_timestamp);
    Bool(c.mutable_child(2), false);
    Bool(c.mutable_child(3), r.extended_file_metadata);
    PartitionMap(c.mutable_child(4), r.partition_values);
    I64(c.mutable_child(5), r.size);
    c.AppendStructValid();
    NullOthers(batch, kRemove);
    SL_RETURN_NOT_OK(flush(false));
  }
  SL_RETURN_NOT_OK(flush(true));
  SL_RETURN_NOT_OK(writer->Finish());
  info.bytes = writer->bytes_written();

  nlohmann::ordered_json last;
  last["version"] = info.version;
  last["size"] = info.rows;
  last["sizeInBytes"] = info.bytes;
  last["numOfAddFiles"] = static_cast<int64_t>(snap.files.size());
  const std::string text = last.dump();
  SL_ASSIGN_OR_RETURN(auto out, fs.OpenWrite(JoinPath(LogDir(snap.table_root), kLastCheckpointFileName)));
  Status st = out->Write(AsBytes(text));
  if (st.ok()) st = out->Close();
  if (!st.ok()) out->Abort();
  SL_RETURN_NOT_OK(st);
  return info;
}

}  // namespace snaplake::delta
