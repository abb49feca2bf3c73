// A Delta table's state at one version: protocol, metadata, schema, active
// data files and tombstones, reconstructed per PROTOCOL.md "Action
// Reconciliation":
//   1. the newest complete checkpoint at or before the version: the one
//      _last_checkpoint names if it is usable, else found by listing; a
//      checkpoint that cannot be read falls back to an older one, and finally
//      to replaying every commit from version 0;
//   2. then every JSON commit after it, in order, with none missing.
// Protocol check: reader version <= 3, and with table features only the reader
// features snaplake implements (columnMapping, timestampNtz, and features with
// nothing to do on read: vacuumProtocolCheck, ...). Anything else is
// NotImplemented naming the feature, so no table is ever read wrongly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/schema.h"
#include "lake/delta/actions.h"
#include "storage/file_system.h"

namespace snaplake::delta {

struct Snapshot {
  std::string table_root;
  int64_t version = -1;
  Protocol protocol;
  Metadata metadata;
  Schema schema;                            // logical, from metadata.schema_string
  std::vector<std::string> physical_names;  // parallel to schema.fields (column mapping)
  std::vector<AddFile> files;               // active files, sorted by path
  std::vector<RemoveFile> tombstones;       // removed files still remembered, sorted by path
  std::vector<Txn> txns;
  int64_t timestamp_ms = 0;  // of the version's commit: inCommitTimestamp, commitInfo.timestamp, or file mtime
  std::optional<int64_t> checkpoint_version;  // the checkpoint the state started from
  int64_t commits_replayed = 0;
  std::string checkpoint_error;  // why a newer checkpoint was skipped, if one was

  int64_t num_records() const;  // sum of stats.numRecords; -1 when any file lacks it
};

struct SnapshotOptions {
  std::optional<int64_t> version;  // unset = latest
  bool use_checkpoints = true;     // false: replay every commit (benchmarks, tests)
  bool check_protocol = true;      // false: load tables whose features we lack (history, files listing)
};

// NotFound when the table has no log ("PATH is not a Delta table ...") or
// the version does not exist ("... has versions 0..N").
Result<Snapshot> LoadSnapshot(FileSystem& fs, const std::string& table_root, const SnapshotOptions& options = {});

// The newest version, or NotFound as above. Lists the log only.
Result<int64_t> LatestVersion(FileSystem& fs, const std::string& table_root);

// NotImplemented naming the first unsupported reader feature/version.
Status CheckReadable(const Protocol& protocol, const std::string& table_root);

struct CommitRecord {
  int64_t version = 0;
  int64_t timestamp_ms = 0;
  std::string commit_info;  // the commitInfo JSON object, "{}" if none
  int64_t adds = 0;
  int64_t removes = 0;
};

// Every commit still in the log, newest first (versions only in a checkpoint
// are not listed).
Result<std::vector<CommitRecord>> History(FileSystem& fs, const std::string& table_root);

}  // namespace snaplake::delta
