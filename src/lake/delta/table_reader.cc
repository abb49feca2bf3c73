#include "lake/delta/table_reader.h"

#include <algorithm>
#include <memory>

#include "format/parquet/parquet_reader.h"
#include "format/value_json.h"
#include "lake/delta/log_files.h"

namespace snaplake::delta {

namespace {

bool RendersUnquoted(TypeId id) {
  switch (id) {
    case TypeId::kBoolean: case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64:
    case TypeId::kFloat: case TypeId::kDouble:
      return true;
    default:
      return false;
  }
}

// Where each table column comes from in one file.
struct ColumnSource {
  int file_column = -1;              // index in the file's batch, or -1
  std::optional<std::string> value;  // rendered partition value (or "null")
};

}  // namespace

Result<std::string> ResolveDataPath(const std::string& table_root, const std::string& log_path) {
  Result<std::string> decoded = DecodeLogPath(log_path);
  if (!decoded.ok()) return decoded.status();
  const std::string& path = decoded.value();
  const bool absolute = path.rfind('/', 0) == 0 || path.find("://") != std::string::npos;
  return absolute ? std::string(path) : JoinPath(table_root, path);
}

Status ScanJsonRows(FileSystem& fs, const Snapshot& snap, int64_t limit,
                    const std::function<Status(std::string_view row)>& emit) {
  int64_t left = limit < 0 ? INT64_MAX : limit;
  const std::vector<Field>& fields = snap.schema.fields;
  std::vector<std::string> keys(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) AppendJsonString(fields[i].name, &keys[i]);
  std::string row;
  ColumnBatch batch;
  for (const AddFile& add : snap.files) {
    if (left <= 0) break;
    SL_ASSIGN_OR_RETURN(std::string path, ResolveDataPath(snap.table_root, add.path));
    auto opened = fs.OpenRead(path);
    if (!opened.ok()) {
      return Status(opened.status().code(), "data file of version " + std::to_string(snap.version) +
                                                " is unreadable: " + opened.status().message());
    }
    std::shared_ptr<RandomAccessFile> file(std::move(*opened));
    parquet::ReaderOptions options;
    options.batch_rows = std::clamp<int64_t>(left, 1, 8192);
    // Spark writes INT96 for timestamps; MICROS is its resolution and range.
    options.int96_unit = TimeUnit::kMicros;
    auto reader = parquet::ParquetReader::Open(file, options);
    if (!reader.ok()) return reader.status().WithContext(path);
    std::vector<ColumnSource> sources(fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string& physical = i < snap.physical_names.size() ? snap.physical_names[i] : fields[i].name;
      sources[i].file_column = (*reader)->schema().FieldIndex(physical);
      if (sources[i].file_column >= 0) continue;
      auto pv = add.partition_values.find(physical);
      if (pv == add.partition_values.end()) pv = add.partition_values.find(fields[i].name);
      std::string text = "null";
      if (pv != add.partition_values.end() && pv->second) {
        text.clear();
        if (RendersUnquoted(fields[i].type.id)) text = *pv->second;
        else AppendJsonString(*pv->second, &text);
      }
      sources[i].value = std::move(text);
    }
    while (left > 0) {
      auto more = (*reader)->Next(&batch);
      if (!more.ok()) return more.status().WithContext(path);
      if (!*more) break;
      const int64_t n = std::min(batch.num_rows(), left);
      for (int64_t r = 0; r < n; ++r) {
        row.clear();
        row.push_back('{');
        for (size_t i = 0; i < fields.size(); ++i) {
          if (i > 0) row.push_back(',');
          row.append(keys[i]).push_back(':');
          if (sources[i].file_column >= 0) AppendJsonValue(batch.column(sources[i].file_column), r, &row);
          else row.append(*sources[i].value);
        }
        row.push_back('}');
        SL_RETURN_NOT_OK(emit(row));
      }
      left -= n;
    }
  }
  return Status::OK();
}

}  // namespace snaplake::delta
