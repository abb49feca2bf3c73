#include "lake/delta/snapshot.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "lake/delta/checkpoint_reader.h"
#include "lake/delta/log_files.h"
#include "lake/delta/spark_schema.h"

namespace snaplake::delta {

namespace {

// Reader features whose data snaplake reads correctly.
bool ReaderFeatureSupported(const std::string& f) {
  return f == "columnMapping" || f == "timestampNtz" || f == "vacuumProtocolCheck" || f == "checkConstraints" ||
         f == "generatedColumns" || f == "invariants" || f == "appendOnly" || f == "changeDataFeed" ||
         f == "identityColumns" || f == "domainMetadata" || f == "inCommitTimestamp";
}

struct Checkpoint {
  int64_t version = -1;
  std::vector<std::string> parts;
};

// Complete checkpoints (every part present) at or before `max_version`, newest first.
std::vector<Checkpoint> CompleteCheckpoints(const std::vector<LogFile>& files, int64_t max_version) {
  std::map<std::pair<int64_t, int>, std::vector<const LogFile*>> groups;  // (version, parts) -> files
  for (const LogFile& f : files) {
    if (f.kind == LogFile::Kind::kCheckpoint && f.version <= max_version) groups[{f.version, f.parts}].push_back(&f);
  }
  std::vector<Checkpoint> out;
  for (auto it = groups.rbegin(); it != groups.rend(); ++it) {
    const int parts = it->first.second;
    const auto& group = it->second;
    if (parts == 0 ? group.size() != 1 : static_cast<int>(group.size()) != parts) continue;
    Checkpoint c;
    c.version = it->first.first;
    for (const LogFile* f : group) c.parts.push_back(f->path);
    if (!out.empty() && out.back().version == c.version) continue;  // one per version is enough
    out.push_back(std::move(c));
  }
  return out;
}

// The state being reconstructed, keyed by the file's decoded path.
struct Replay {
  std::optional<Protocol> protocol;
  std::optional<Metadata> metadata;
  std::map<std::string, AddFile> files;
  std::map<std::string, RemoveFile> tombstones;
  std::map<std::string, Txn> txns;

  Status Apply(CommitActions&& actions) {
    if (actions.protocol) protocol = std::move(actions.protocol);
    if (actions.metadata) metadata = std::move(actions.metadata);
    for (Txn& t : actions.txns) txns[t.app_id] = std::move(t);
    for (RemoveFile& r : actions.removes) {
      SL_ASSIGN_OR_RETURN(std::string key, DecodeLogPath(r.path));
      files.erase(key);
      tombstones[key] = std::move(r);
    }
    for (AddFile& a : actions.adds) {
      SL_ASSIGN_OR_RETURN(std::string key, DecodeLogPath(a.path));
      tombstones.erase(key);
      files[key] = std::move(a);
    }
    return Status::OK();
  }
};

// When a commit happened: inCommitTimestamp, else commitInfo.timestamp, else the file's mtime.
int64_t CommitTimestamp(const CommitActions& actions, int64_t mtime_ms) {
  if (actions.in_commit_timestamp) return *actions.in_commit_timestamp;
  if (actions.commit_info) {
    nlohmann::json j = nlohmann::json::parse(*actions.commit_info, nullptr, false);
    if (j.is_object() && j.contains("timestamp") && j["timestamp"].is_number_integer()) {
      return j["timestamp"].get<int64_t>();
    }
  }
  return mtime_ms;
}

Result<CommitActions> ReadCommit(FileSystem& fs, const LogFile& f) {
  SL_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(fs, f.path));
  auto actions = ParseCommit(text);
  if (!actions.ok()) return actions.status().WithContext(f.path);
  return actions;
}

}  // namespace

int64_t Snapshot::num_records() const {
  int64_t total = 0;
  for (const AddFile& a : files) {
    if (!a.stats) return -1;
    nlohmann::json j = nlohmann::json::parse(*a.stats, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("numRecords") || !j["numRecords"].is_number_integer()) {
      return -1;
    }
    total += j["numRecords"].get<int64_t>();
  }
  return total;
}

Status CheckReadable(const Protocol& p, const std::string& table_root) {
  if (p.min_reader_version > 3) {
    return Status::NotImplemented(table_root + " needs Delta reader version " + std::to_string(p.min_reader_version) +
                                  "; snaplake reads versions 1 to 3");
  }
  if (p.min_reader_version == 3 && p.reader_features) {
    for (const std::string& f : *p.reader_features) {
      if (!ReaderFeatureSupported(f)) {
        return Status::NotImplemented(table_root + " uses the Delta reader feature '" + f +
                                      "', which snaplake does not support");
      }
    }
  }
  return Status::OK();
}

Result<int64_t> LatestVersion(FileSystem& fs, const std::string& table_root) {
  SL_ASSIGN_OR_RETURN(std::vector<LogFile> files, ListLogFiles(fs, table_root));
  if (files.empty()) return Status::NotFound(table_root + " is not a Delta table (no commits in _delta_log/)");
  return files.back().version;
}

Result<Snapshot> LoadSnapshot(FileSystem& fs, const std::string& table_root, const SnapshotOptions& options) {
  SL_ASSIGN_OR_RETURN(std::vector<LogFile> files, ListLogFiles(fs, table_root));
  if (files.empty()) return Status::NotFound(table_root + " is not a Delta table (no commits in _delta_log/)");
  const int64_t latest = files.back().version;
  const int64_t target = options.version.value_or(latest);
  if (target < 0 || target > latest) {
    return Status::NotFound(table_root + " has no version " + std::to_string(target) + " (latest is " +
                            std::to_string(latest) + ")");
  }

  std::vector<Checkpoint> checkpoints;
  if (options.use_checkpoints) {
    checkpoints = CompleteCheckpoints(files, target);
    // _last_checkpoint first when it names a complete checkpoint we may use.
    if (auto last = ReadLastCheckpoint(fs, table_root)) {
      auto it = std::find_if(checkpoints.begin(), checkpoints.end(),
                             [&](const Checkpoint& c) { return c.version == last->version; });
      if (it != checkpoints.end() && it != checkpoints.begin()) std::rotate(checkpoints.begin(), it, it + 1);
    }
  }

  Replay replay;
  Snapshot snap;
  snap.table_root = table_root;
  int64_t start = 0;
  Status checkpoint_error;
  for (const Checkpoint& c : checkpoints) {
    auto actions = ReadCheckpoint(fs, c.parts);
    if (!actions.ok()) {
      checkpoint_error = actions.status();
      continue;
    }
    Replay from_checkpoint;
    SL_RETURN_NOT_OK(from_checkpoint.Apply(std::move(*actions)));
    replay = std::move(from_checkpoint);
    snap.checkpoint_version = c.version;
    if (!checkpoint_error.ok()) snap.checkpoint_error = checkpoint_error.message();
    start = c.version + 1;
    break;
  }

  int64_t expected = start;
  const LogFile* last_commit = nullptr;
  for (const LogFile& f : files) {
    if (f.kind != LogFile::Kind::kCommit || f.version < start || f.version > target) continue;
    if (f.version != expected) {
      std::string msg = table_root + ": commit " + CommitFileName(expected) + " is missing from _delta_log/";
      if (!checkpoint_error.ok()) msg += " (and the checkpoint could not be read: " + checkpoint_error.message() + ")";
      return Status::Corruption(std::move(msg));
    }
    SL_ASSIGN_OR_RETURN(CommitActions actions, ReadCommit(fs, f));
    snap.timestamp_ms = CommitTimestamp(actions, f.mtime_ms);
    SL_RETURN_NOT_OK(replay.Apply(std::move(actions)));
    ++snap.commits_replayed;
    ++expected;
    last_commit = &f;
  }
  if (expected <= target) {
    return Status::Corruption(table_root + ": commit " + CommitFileName(expected) +
                              " is missing from _delta_log/ and no checkpoint covers it");
  }
  if (last_commit == nullptr) {
    // The version is a checkpoint whose commit file is gone: use the checkpoint's time.
    for (const LogFile& f : files) {
      if (f.version == target) snap.timestamp_ms = f.mtime_ms;
    }
  }
  if (!replay.protocol) {
    return Status::Corruption(table_root + ": no protocol action in versions 0.." + std::to_string(target));
  }
  if (!replay.metadata) {
    return Status::Corruption(table_root + ": no metaData action in versions 0.." + std::to_string(target));
  }
  if (!checkpoint_error.ok() && !snap.checkpoint_version) snap.checkpoint_error = checkpoint_error.message();
  snap.version = target;
  snap.protocol = std::move(*replay.protocol);
  snap.metadata = std::move(*replay.metadata);
  if (options.check_protocol) SL_RETURN_NOT_OK(CheckReadable(snap.protocol, table_root));
  auto schema = snap.metadata.schema_string.empty() ? Result<Schema>(Schema{})
                                                   : ParseSparkSchema(snap.metadata.schema_string, &snap.physical_names);
  if (schema.ok()) {
    snap.schema = std::move(*schema);
  } else if (options.check_protocol) {
    return schema.status().WithContext(table_root);
  }
  for (auto& [key, add] : replay.files) snap.files.push_back(std::move(add));
  for (auto& [key, remove] : replay.tombstones) snap.tombstones.push_back(std::move(remove));
  for (auto& [id, txn] : replay.txns) snap.txns.push_back(std::move(txn));
  return snap;
}

Result<std::vector<CommitRecord>> History(FileSystem& fs, const std::string& table_root) {
  SL_ASSIGN_OR_RETURN(std::vector<LogFile> files, ListLogFiles(fs, table_root));
  std::vector<CommitRecord> out;
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    if (it->kind != LogFile::Kind::kCommit) continue;
    SL_ASSIGN_OR_RETURN(CommitActions actions, ReadCommit(fs, *it));
    CommitRecord r;
    r.version = it->version;
    r.timestamp_ms = CommitTimestamp(actions, it->mtime_ms);
    r.commit_info = actions.commit_info.value_or("{}");
    r.adds = static_cast<int64_t>(actions.adds.size());
    r.removes = static_cast<int64_t>(actions.removes.size());
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace snaplake::delta
