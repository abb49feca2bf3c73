// Writes the classic single-file Parquet checkpoint of a snapshot,
// _delta_log/<version>.checkpoint.parquet, with snaplake's Parquet writer, and
// then _last_checkpoint. The checkpoint holds one row per action (protocol,
// metaData, txn, add, remove), each in its own nullable struct column as
// PROTOCOL.md "Checkpoint Schema" lays out; tombstones are kept while younger
// than delta.deletedFileRetentionDuration (default 1 week) so that vacuum and
// readers of later versions still see them.
//
// Both files are published whole (OutputStream::Close), so a crash leaves
// either no checkpoint or a complete one; _last_checkpoint is only a hint.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "lake/delta/snapshot.h"
#include "storage/file_system.h"

namespace snaplake::delta {

struct CheckpointInfo {
  int64_t version = 0;
  int64_t rows = 0;  // actions in the checkpoint (_last_checkpoint "size")
  int64_t bytes = 0;
};

// `now_ms` decides which tombstones have expired.
Result<CheckpointInfo> WriteCheckpoint(FileSystem& fs, const Snapshot& snapshot, int64_t now_ms);

// Milliseconds of delta.deletedFileRetentionDuration ("interval 7 days",
// "interval 168 hours", ...); one week when unset or unparsable.
int64_t TombstoneRetentionMs(const Metadata& metadata);

}  // namespace snaplake::delta
