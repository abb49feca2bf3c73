#include "lake/delta/checkpoint_reader.h"

#include <memory>

#include "format/parquet/parquet_reader.h"

namespace snaplake::delta {

namespace {

// Accessors over one struct-typed Column of a checkpoint batch. Missing
// members read as absent, so older or newer checkpoint schemas both work.
class StructView {
 public:
  explicit StructView(const Column* column) : column_(column) {}

  bool Valid(int64_t row) const { return column_ != nullptr && column_->IsValid(row); }
  const Column* Member(const std::string& name) const {
    if (column_ == nullptr) return nullptr;
    const auto& members = column_->type().children;
    for (size_t i = 0; i < members.size(); ++i) {
      if (members[i].name == name) return &column_->child(i);
    }
    return nullptr;
  }
  std::optional<std::string> String(const std::string& name, int64_t row) const {
    const Column* c = Member(name);
    if (c == nullptr || c->IsNull(row) || !c->type().is_variable_width() || c->type().is_nested()) return std::nullopt;
    return std::string(c->StringValue(row));
  }
  std::optional<int64_t> Int(const std::string& name, int64_t row) const {
    const Column* c = Member(name);
    if (c == nullptr || c->IsNull(row)) return std::nullopt;
    switch (c->type().id) {
      case TypeId::kInt64: return c->Value<int64_t>(row);
      case TypeId::kInt32: return c->Value<int32_t>(row);
      default: return std::nullopt;
    }
  }
  std::optional<bool> Bool(const std::string& name, int64_t row) const {
    const Column* c = Member(name);
    if (c == nullptr || c->IsNull(row) || c->type().id != TypeId::kBoolean) return std::nullopt;
    return c->Value<uint8_t>(row) != 0;
  }
  bool IsSet(const std::string& name, int64_t row) const {
    const Column* c = Member(name);
    return c != nullptr && c->IsValid(row);
  }
  // MAP<STRING, STRING>; null values kept as nullopt.
  PartitionValues Map(const std::string& name, int64_t row) const {
    PartitionValues out;
    const Column* c = Member(name);
    if (c == nullptr || c->IsNull(row) || c->type().id != TypeId::kMap) return out;
    const Column& keys = c->child(0);
    const Column& values = c->child(1);
    if (!keys.type().is_variable_width() || !values.type().is_variable_width()) return out;
    for (int64_t i = c->ListBegin(row); i < c->ListEnd(row); ++i) {
      if (keys.IsNull(i)) continue;
      if (values.IsNull(i)) out[std::string(keys.StringValue(i))] = std::nullopt;
      else out[std::string(keys.StringValue(i))] = std::string(values.StringValue(i));
    }
    return out;
  }
  StringMap StringMapOf(const std::string& name, int64_t row) const {
    StringMap out;
    for (auto& [k, v] : Map(name, row)) {
      if (v) out[k] = *v;
    }
    return out;
  }
  std::optional<std::vector<std::string>> Strings(const std::string& name, int64_t row) const {
    const Column* c = Member(name);
    if (c == nullptr || c->IsNull(row) || c->type().id != TypeId::kList) return std::nullopt;
    const Column& e = c->child(0);
    if (!e.type().is_variable_width()) return std::nullopt;
    std::vector<std::string> out;
    for (int64_t i = c->ListBegin(row); i < c->ListEnd(row); ++i) {
      if (e.IsValid(i)) out.emplace_back(e.StringValue(i));
    }
    return out;
  }
  StructView Struct(const std::string& name) const {
    const Column* c = Member(name);
    return StructView(c != nullptr && c->type().id == TypeId::kStruct ? c : nullptr);
  }

 private:
  const Column* column_;
};

const Column* ColumnNamed(const ColumnBatch& batch, const std::string& name) {
  const int i = batch.schema().FieldIndex(name);
  if (i < 0 || batch.column(i).type().id != TypeId::kStruct) return nullptr;
  return &batch.column(i);
}

Status Missing(const char* what) { return Status::Corruption(std::string("a checkpoint row lacks ") + what); }

Status ReadRows(const ColumnBatch& batch, CommitActions* out) {
  StructView add(ColumnNamed(batch, "add")), remove(ColumnNamed(batch, "remove")),
      meta(ColumnNamed(batch, "metaData")), protocol(ColumnNamed(batch, "protocol")), txn(ColumnNamed(batch, "txn"));
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    if (add.Valid(r)) {
      AddFile a;
      auto path = add.String("path", r);
      if (!path) return Missing("add.path");
      a.path = *path;
      a.partition_values = add.Map("partitionValues", r);
      a.size = add.Int("size", r).value_or(0);
      a.modification_time = add.Int("modificationTime", r).value_or(0);
      a.data_change = add.Bool("dataChange", r).value_or(false);
      a.stats = add.String("stats", r);
      a.tags = add.StringMapOf("tags", r);
      a.has_deletion_vector = add.IsSet("deletionVector", r);
      out->adds.push_back(std::move(a));
    } else if (remove.Valid(r)) {
      RemoveFile x;
      auto path = remove.String("path", r);
      if (!path) return Missing("remove.path");
      x.path = *path;
      x.deletion_timestamp = remove.Int("deletionTimestamp", r);
      x.data_change = remove.Bool("dataChange", r).value_or(false);
      x.extended_file_metadata = remove.Bool("extendedFileMetadata", r).value_or(false);
      x.partition_values = remove.Map("partitionValues", r);
      x.size = remove.Int("size", r);
      x.has_deletion_vector = remove.IsSet("deletionVector", r);
      out->removes.push_back(std::move(x));
    } else if (meta.Valid(r)) {
      Metadata m;
      auto id = meta.String("id", r);
      auto schema = meta.String("schemaString", r);
      if (!id) return Missing("metaData.id");
      m.id = *id;
      m.schema_string = schema.value_or("");
      m.name = meta.String("name", r);
      m.description = meta.String("description", r);
      StructView format = meta.Struct("format");
      if (format.Valid(r)) {
        m.format_provider = format.String("provider", r).value_or("parquet");
        m.format_options = format.StringMapOf("options", r);
      }
      m.partition_columns = meta.Strings("partitionColumns", r).value_or(std::vector<std::string>{});
      m.configuration = meta.StringMapOf("configuration", r);
      m.created_time = meta.Int("createdTime", r);
      out->metadata = std::move(m);
    } else if (protocol.Valid(r)) {
      Protocol p;
      auto reader = protocol.Int("minReaderVersion", r);
      if (!reader) return Missing("protocol.minReaderVersion");
      p.min_reader_version = static_cast<int32_t>(*reader);
      p.min_writer_version = static_cast<int32_t>(protocol.Int("minWriterVersion", r).value_or(0));
      p.reader_features = protocol.Strings("readerFeatures", r);
      p.writer_features = protocol.Strings("writerFeatures", r);
      out->protocol = std::move(p);
    } else if (txn.Valid(r)) {
      Txn t;
      t.app_id = txn.String("appId", r).value_or("");
      t.version = txn.Int("version", r).value_or(0);
      t.last_updated = txn.Int("lastUpdated", r);
      out->txns.push_back(std::move(t));
    }
  }
  return Status::OK();
}

Status ReadPart(FileSystem& fs, const std::string& path, CommitActions* out) {
  SL_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, fs.OpenRead(path));
  std::shared_ptr<RandomAccessFile> shared(std::move(file));
  SL_ASSIGN_OR_RETURN(auto probe, parquet::ParquetReader::Open(shared));
  parquet::ReaderOptions options;
  for (const char* name : {"add", "remove", "metaData", "protocol", "txn"}) {
    if (probe->schema().FieldIndex(name) >= 0) options.columns.emplace_back(name);
  }
  if (options.columns.empty()) return Status::Corruption("not a Delta checkpoint (no add/remove/metaData/protocol)");
  options.batch_rows = 8192;
  SL_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::Open(shared, options));
  ColumnBatch batch;
  while (true) {
    SL_ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
    if (!more) break;
    SL_RETURN_NOT_OK(ReadRows(batch, out));
  }
  return Status::OK();
}

}  // namespace

Result<CommitActions> ReadCheckpoint(FileSystem& fs, const std::vector<std::string>& part_paths) {
  CommitActions out;
  for (const std::string& path : part_paths) {
    Status st = ReadPart(fs, path, &out);
    if (!st.ok()) {
      if (st.message().rfind(path, 0) == 0) return st;
      return st.WithContext(path);
    }
  }
  return out;
}

}  // namespace snaplake::delta
