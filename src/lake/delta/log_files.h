// Names and listing of a Delta table's _delta_log/ directory.
//
//   00000000000000000007.json                               commit of version 7
//   00000000000000000010.checkpoint.parquet                 single-file checkpoint
//   00000000000000000010.checkpoint.0000000001.0000000003.parquet   part 1 of 3
//   _last_checkpoint                                        {"version":10,"size":N[,"parts":3]}
// Anything else (.crc files, temporaries, UUID-named v2 checkpoints,
// compacted logs) is listed as kOther and ignored by the reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/file_system.h"

namespace snaplake::delta {

// "root/_delta_log" (root without a trailing '/').
std::string LogDir(const std::string& table_root);
// root + "/" + relative, with exactly one '/' between.
std::string JoinPath(const std::string& root, const std::string& relative);
// "00000000000000000007.json" etc.
std::string CommitFileName(int64_t version);
std::string CheckpointFileName(int64_t version);
inline constexpr const char* kLastCheckpointFileName = "_last_checkpoint";

struct LogFile {
  enum class Kind { kCommit, kCheckpoint, kOther };
  Kind kind = Kind::kOther;
  int64_t version = -1;
  int part = 0;   // multi-part checkpoint: 1-based part, else 0
  int parts = 0;  // multi-part checkpoint: number of parts, else 0
  std::string path;  // full path
  int64_t size = 0;
  int64_t mtime_ms = 0;
};

// Classifies a file name (no directory part).
LogFile ParseLogFileName(std::string_view name);

// Every commit and checkpoint file of the table, sorted by version (commits
// before checkpoints of the same version). NotFound when the table has no
// _delta_log/ files at all: "PATH is not a Delta table (no _delta_log/ found)".
Result<std::vector<LogFile>> ListLogFiles(FileSystem& fs, const std::string& table_root);

struct LastCheckpoint {
  int64_t version = -1;
  int64_t size = 0;
  int parts = 0;  // 0 = single file
};
// _last_checkpoint, or nullopt when it is missing or not valid JSON of the
// expected shape (the reader then falls back to listing).
std::optional<LastCheckpoint> ReadLastCheckpoint(FileSystem& fs, const std::string& table_root);

}  // namespace snaplake::delta
