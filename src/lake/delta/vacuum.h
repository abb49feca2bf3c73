// `delta vacuum`: deletes data files no version inside the retention window
// can read. A file is kept when it is active in the latest version, or was
// removed less than `retain_hours` ago (a tombstone younger than the cutoff:
// time travel to those versions still works), or is not in the log at all
// but modified less than `retain_hours` ago (it may belong to an ingest that
// has not committed yet). Files under _delta_log/ and paths with a component
// starting with '_' or '.' are never touched. The log itself is not changed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/file_system.h"

namespace snaplake::delta {

struct VacuumOptions {
  double retain_hours = 168;  // Delta's default: 7 days
  bool dry_run = false;       // list what would go, delete nothing
  int64_t now_ms = 0;         // 0 = the clock
};

struct VacuumResult {
  std::vector<std::string> deleted;  // paths relative to the table root, sorted
  int64_t bytes = 0;
  int64_t kept = 0;
};

// InvalidArgument for a negative retention; the snapshot's errors otherwise.
Result<VacuumResult> Vacuum(FileSystem& fs, const std::string& table_root, const VacuumOptions& options);

}  // namespace snaplake::delta
