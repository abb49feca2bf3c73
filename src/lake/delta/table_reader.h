// Rows of a Delta snapshot as JSON lines (value_json.h's rendering), for
// `snaplake delta cat` and tests. Each active file is read with snaplake's
// Parquet reader, in path order; table columns are matched to the file's by
// physical name (column mapping), partition columns come from the add
// action's partitionValues, and a column a file lacks (added later) reads as
// null. Tables with deletion vectors never get here (LoadSnapshot refuses them).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/status.h"
#include "lake/delta/snapshot.h"
#include "storage/file_system.h"

namespace snaplake::delta {

// The full path of an add/remove path: decoded, and joined to the table root
// unless it is absolute or a URI.
Result<std::string> ResolveDataPath(const std::string& table_root, const std::string& log_path);

// Calls `emit` with one JSON object per row (no newline), at most `limit`
// rows (negative = all). Stops at the first error, which names the file.
Status ScanJsonRows(FileSystem& fs, const Snapshot& snapshot, int64_t limit,
                    const std::function<Status(std::string_view row)>& emit);

}  // namespace snaplake::delta
