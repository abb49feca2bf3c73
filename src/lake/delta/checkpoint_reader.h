// Reads a classic Parquet checkpoint (one file or every part of a multi-part
// one) back into actions: its protocol, metaData, add (the active files),
// remove (tombstones) and txn rows. Columns the spec allows us to ignore
// (stats_parsed, partitionValues_parsed, commitInfo, domainMetadata, ...) are
// not read. Uses snaplake's Parquet reader, so any checkpoint it can read
// (Spark's, delta-rs', ours) works.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "lake/delta/actions.h"
#include "storage/file_system.h"

namespace snaplake::delta {

// Errors name the checkpoint file: Corruption for a file that is not a
// checkpoint (no add/metaData/protocol columns, mistyped fields).
Result<CommitActions> ReadCheckpoint(FileSystem& fs, const std::vector<std::string>& part_paths);

}  // namespace snaplake::delta
