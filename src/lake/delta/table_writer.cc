#include "lake/delta/table_writer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "common/version.h"
#include "export/layout.h"
#include "format/parquet/parquet_reader.h"
#include "lake/delta/actions.h"
#include "lake/delta/checkpoint_writer.h"
#include "lake/delta/file_stats.h"
#include "lake/delta/log_files.h"
#include "lake/delta/snapshot.h"
#include "lake/delta/spark_schema.h"
#include "storage/file_copy.h"

namespace snaplake::delta {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// ".gz.parquet" of "part-00000-<uuid>-c000.gz.parquet" or "a.gz.parquet"; ".parquet" otherwise.
std::string DataFileExtension(const std::string& name) {
  const size_t c000 = name.rfind("-c000.");
  if (c000 != std::string::npos) return name.substr(c000 + 5);
  const size_t dot = name.find('.');
  if (dot != std::string::npos && name.size() >= 8 && name.compare(name.size() - 8, 8, ".parquet") == 0) {
    return name.substr(dot);
  }
  return ".parquet";
}

// "s3" for s3:// URIs, "file" for local paths and file:// URIs.
std::string StoreOf(const std::string& path) {
  const size_t scheme = path.find("://");
  if (scheme == std::string::npos || path.compare(0, scheme, "file") == 0) return "file";
  return path.substr(0, scheme);
}

struct SourceFile {
  std::string path;
  std::string placed_name;
  int64_t size = 0;
  int64_t rows = 0;
  std::string stats;
};

// Reads every file's footer: schema (all equal), rows, stats.
Status ReadFooters(const OverwriteRequest& req, const std::string& uuid,
                   std::vector<SourceFile>* files, Schema* schema) {
  *schema = req.schema;
  for (size_t i = 0; i < req.data_files.size(); ++i) {
    const std::string& path = req.data_files[i];
    // The export may live in another store than the table (local export, S3 table).
    SL_ASSIGN_OR_RETURN(std::shared_ptr<FileSystem> source_fs, FileSystemForPath(path));
    auto opened = source_fs->OpenRead(path);
    if (!opened.ok()) return opened.status();
    std::shared_ptr<RandomAccessFile> file(std::move(*opened));
    auto reader = parquet::ParquetReader::Open(file);
    if (!reader.ok()) return reader.status().WithContext(path);
    if (i == 0) {
      *schema = (*reader)->schema();
    } else if (!((*reader)->schema() == *schema)) {
      return Status::InvalidArgument(path + ": its schema differs from " + req.data_files[0] +
                                     "'s; every file of a table must have the same columns and types");
    }
    SourceFile f;
    f.path = path;
    char prefix[32];
    std::snprintf(prefix, sizeof prefix, "part-%05zu-", i);
    f.placed_name = std::string(prefix).append(uuid).append("-c000").append(DataFileExtension(BaseName(path)));
    f.size = file->Size();
    f.rows = (*reader)->num_rows();
    auto stats = StatsFromFooter((*reader)->metadata());
    if (!stats.ok()) return stats.status().WithContext(path);
    f.stats = std::move(*stats);
    files->push_back(std::move(f));
  }
  return Status::OK();
}

bool IsColumnMapped(const Metadata& m) {
  auto it = m.configuration.find("delta.columnMapping.mode");
  return it != m.configuration.end() && it->second != "none";
}

// NotImplemented unless snaplake can write this protocol correctly.
Status CheckWritable(const Snapshot& snap) {
  const Protocol& p = snap.protocol;
  const std::string& root = snap.table_root;
  static const std::set<std::string> kWritable = {"appendOnly", "invariants", "timestampNtz", "columnMapping"};
  if (p.min_writer_version == 7) {
    for (const std::string& f : p.writer_features.value_or(std::vector<std::string>{})) {
      if (kWritable.count(f) == 0) {
        return Status::NotImplemented(root + " uses the Delta writer feature '" + f +
                                      "', which snaplake cannot write; overwrite it with the engine that created it");
      }
    }
  } else if (p.min_writer_version > 2) {
    return Status::NotImplemented(root + " needs Delta writer version " + std::to_string(p.min_writer_version) +
                                  "; snaplake writes versions 2 and 7 (table features)");
  }
  if (p.min_reader_version > 3) return CheckReadable(p, root);
  auto append_only = snap.metadata.configuration.find("delta.appendOnly");
  if (append_only != snap.metadata.configuration.end() && append_only->second == "true") {
    return Status::InvalidArgument(root + " is append-only (delta.appendOnly=true); an overwrite would delete rows");
  }
  if (snap.metadata.schema_string.find("delta.invariants") != std::string::npos) {
    return Status::NotImplemented(root + " has column invariants, which snaplake does not check; not overwriting");
  }
  if (IsColumnMapped(snap.metadata) && snap.metadata.configuration.at("delta.columnMapping.mode") != "name") {
    return Status::NotImplemented(root + " uses column mapping mode '" +
                                  snap.metadata.configuration.at("delta.columnMapping.mode") +
                                  "'; snaplake writes mode 'name' only");
  }
  return Status::OK();
}

// The protocol for the new schema: (1,2) without features, else (3,7) naming
// them, never dropping what the table already has (protocols only grow).
Protocol RequiredProtocol(const std::optional<Snapshot>& current, bool ntz, bool mapping) {
  std::set<std::string> reader, writer;
  if (ntz) reader.insert("timestampNtz"), writer.insert("timestampNtz");
  if (mapping) reader.insert("columnMapping"), writer.insert("columnMapping");
  if (current) {
    const Protocol& p = current->protocol;
    if (p.reader_features) reader.insert(p.reader_features->begin(), p.reader_features->end());
    if (p.writer_features) writer.insert(p.writer_features->begin(), p.writer_features->end());
    if (p.min_writer_version == 7 && !p.writer_features) writer.insert("appendOnly");
    if (!writer.empty() && p.min_writer_version == 2) {
      // Legacy writer version 2 implies these two; keep them when moving to features.
      writer.insert("appendOnly");
      writer.insert("invariants");
    }
  }
  if (reader.empty() && writer.empty()) {
    if (current) return current->protocol;
    return Protocol{};
  }
  Protocol p;
  p.min_reader_version = 3;
  p.min_writer_version = 7;
  p.reader_features = std::vector<std::string>(reader.begin(), reader.end());
  p.writer_features = std::vector<std::string>(writer.begin(), writer.end());
  return p;
}

std::string CommitInfoJson(const OverwriteRequest& req, int64_t now, const std::optional<Snapshot>& current,
                           const OverwriteResult& r, const std::string& txn_id) {
  nlohmann::ordered_json j;
  j["timestamp"] = now;
  j["operation"] = "WRITE";
  nlohmann::ordered_json params;
  params["mode"] = "Overwrite";
  params["partitionBy"] = "[]";
  if (!req.operation_note.empty()) params["source"] = req.operation_note;
  j["operationParameters"] = std::move(params);
  if (current) j["readVersion"] = current->version;
  j["isolationLevel"] = "Serializable";
  j["isBlindAppend"] = false;
  j["operationMetrics"] = {{"numFiles", std::to_string(r.files)},
                           {"numOutputRows", std::to_string(r.rows)},
                           {"numOutputBytes", std::to_string(r.bytes)},
                           {"numRemovedFiles", std::to_string(current ? current->files.size() : 0)}};
  j["engineInfo"] = EngineInfo();
  j["txnId"] = txn_id;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void DeletePlaced(FileSystem& fs, const std::string& root, const std::vector<SourceFile>& files, size_t count) {
  for (size_t i = 0; i < count; ++i) (void)fs.Delete(JoinPath(root, files[i].placed_name));
}

}  // namespace

std::string EngineInfo() { return std::string("snaplake/") + kVersion; }

Result<OverwriteResult> OverwriteTable(FileSystem& fs, const OverwriteRequest& req) {
  const std::string uuid = exporting::NewUuid();
  std::vector<SourceFile> files;
  OverwriteResult result;
  SL_RETURN_NOT_OK(ReadFooters(req, uuid, &files, &result.schema));
  const bool ntz = UsesTimestampNtz(result.schema);
  // Checked before anything is written: a schema Delta cannot hold fails cleanly.
  SL_RETURN_NOT_OK(ToSparkSchemaJson(result.schema).status().WithContext(req.table_root));
  for (const SourceFile& f : files) {
    result.files += 1;
    result.rows += f.rows;
    result.bytes += f.size;
  }

  for (size_t i = 0; i < files.size(); ++i) {
    const std::string to = JoinPath(req.table_root, files[i].placed_name);
    // One store: its own Copy (a hard link, a server-side copy); across stores the bytes stream.
    Status st = StoreOf(files[i].path) == StoreOf(to) ? fs.Copy(files[i].path, to)
                                                      : CopyFile(files[i].path, to).status();
    if (!st.ok()) {
      DeletePlaced(fs, req.table_root, files, i);
      return st;
    }
  }

  std::mt19937_64 jitter(std::random_device{}());
  for (int attempt = 1; attempt <= req.max_attempts; ++attempt) {
    result.attempts = attempt;
    std::optional<Snapshot> current;
    auto loaded = LoadSnapshot(fs, req.table_root);
    if (loaded.ok()) {
      current = std::move(*loaded);
      Status writable = CheckWritable(*current);
      if (!writable.ok()) {
        DeletePlaced(fs, req.table_root, files, files.size());
        return writable;
      }
    } else if (loaded.status().code() != StatusCode::kNotFound) {
      DeletePlaced(fs, req.table_root, files, files.size());
      return loaded.status();
    }

    const int64_t now = req.now_ms != 0 ? req.now_ms : NowMs();
    const bool mapping = NeedsColumnMapping(result.schema) || (current && IsColumnMapped(current->metadata));
    SparkSchemaOptions schema_options;
    schema_options.column_mapping = mapping;
    SL_ASSIGN_OR_RETURN(std::string schema_string, ToSparkSchemaJson(result.schema, schema_options));

    Metadata metadata;
    if (current) {
      metadata = current->metadata;
    } else {
      metadata.id = exporting::NewUuid();
      metadata.created_time = now;
    }
    metadata.schema_string = schema_string;
    metadata.partition_columns.clear();
    if (mapping) {
      metadata.configuration["delta.columnMapping.mode"] = "name";
      int64_t max_id = 0;
      for (size_t pos = 0; (pos = schema_string.find("\"delta.columnMapping.id\":", pos)) != std::string::npos;) {
        pos += 25;
        max_id = std::max<int64_t>(max_id, std::atoll(schema_string.c_str() + pos));
      }
      auto old = metadata.configuration.find("delta.columnMapping.maxColumnId");
      if (old != metadata.configuration.end()) max_id = std::max<int64_t>(max_id, std::atoll(old->second.c_str()));
      metadata.configuration["delta.columnMapping.maxColumnId"] = std::to_string(max_id);
    }
    const bool metadata_changed =
        !current || current->metadata.schema_string != metadata.schema_string ||
        current->metadata.configuration != metadata.configuration || !current->metadata.partition_columns.empty();
    const Protocol protocol = RequiredProtocol(current, ntz, mapping);
    const bool protocol_changed = !current || !(current->protocol == protocol);

    const std::string txn_id = exporting::NewUuid();
    std::string text = CommitInfoLine(CommitInfoJson(req, now, current, result, txn_id));
    text.push_back('\n');
    if (protocol_changed) text.append(ProtocolLine(protocol)).push_back('\n');
    if (metadata_changed) text.append(MetadataLine(metadata)).push_back('\n');
    if (current) {
      for (const AddFile& a : current->files) {
        RemoveFile r;
        r.path = a.path;
        r.deletion_timestamp = now;
        r.data_change = true;
        r.extended_file_metadata = true;
        r.partition_values = a.partition_values;
        r.size = a.size;
        text.append(RemoveLine(r)).push_back('\n');
      }
    }
    for (const SourceFile& f : files) {
      AddFile a;
      a.path = EncodeLogPath(f.placed_name);
      a.size = f.size;
      a.modification_time = now;
      a.data_change = true;
      a.stats = f.stats;
      text.append(AddLine(a)).push_back('\n');
    }

    const int64_t version = current ? current->version + 1 : 0;
    Status put = fs.PutIfAbsent(JoinPath(LogDir(req.table_root), CommitFileName(version)), AsBytes(text));
    if (put.code() == StatusCode::kAlreadyExists) {
      // Another writer committed this version first: rebuild on its snapshot.
      std::this_thread::sleep_for(std::chrono::milliseconds(jitter() % (5 * attempt + 5)));
      continue;
    }
    if (!put.ok()) {
      DeletePlaced(fs, req.table_root, files, files.size());
      return put;
    }

    result.version = version;
    result.table_id = metadata.id;
    result.created = !current;
    result.schema_changed = metadata_changed;
    if (req.checkpoint_interval > 0 && version > 0 && version % req.checkpoint_interval == 0) {
      SnapshotOptions at;
      at.version = version;
      auto snap = LoadSnapshot(fs, req.table_root, at);
      Status st = snap.ok() ? WriteCheckpoint(fs, *snap, now).status() : snap.status();
      result.checkpoint_written = st.ok();
      if (!st.ok()) result.checkpoint_error = st.message();
    }
    return result;
  }
  DeletePlaced(fs, req.table_root, files, files.size());
  return Status::AlreadyExists(req.table_root + ": gave up after " + std::to_string(req.max_attempts) +
                               " conflicting commits by other writers; run the ingest again");
}

}  // namespace snaplake::delta
