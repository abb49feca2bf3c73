#include "lake/delta/vacuum.h"

#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "lake/delta/log_files.h"
#include "lake/delta/snapshot.h"

namespace snaplake::delta {

namespace {

bool Hidden(const std::string& relative) {
  size_t start = 0;
  while (start < relative.size()) {
    if (relative[start] == '_' || relative[start] == '.') return true;
    const size_t slash = relative.find('/', start);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return false;
}

}  // namespace

Result<VacuumResult> Vacuum(FileSystem& fs, const std::string& table_root, const VacuumOptions& options) {
  if (!(options.retain_hours >= 0) || !std::isfinite(options.retain_hours)) {
    return Status::InvalidArgument("--retain-hours must be zero or more");
  }
  SL_ASSIGN_OR_RETURN(Snapshot snap, LoadSnapshot(fs, table_root));
  const int64_t now = options.now_ms != 0 ? options.now_ms
                                          : std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count();
  const int64_t cutoff = now - static_cast<int64_t>(options.retain_hours * 3600000.0);
  std::set<std::string> active;
  for (const AddFile& a : snap.files) {
    SL_ASSIGN_OR_RETURN(std::string p, DecodeLogPath(a.path));
    active.insert(p);
  }
  std::map<std::string, int64_t> removed_at;
  for (const RemoveFile& r : snap.tombstones) {
    SL_ASSIGN_OR_RETURN(std::string p, DecodeLogPath(r.path));
    removed_at[p] = r.deletion_timestamp.value_or(0);
  }

  std::string root = table_root;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  SL_ASSIGN_OR_RETURN(std::vector<FileInfo> listed, fs.List(root + "/"));
  VacuumResult result;
  for (const FileInfo& info : listed) {
    if (info.is_dir || info.path.size() <= root.size() + 1) continue;
    std::string relative = info.path.substr(root.size());
    while (!relative.empty() && relative[0] == '/') relative.erase(0, 1);
    if (Hidden(relative)) continue;
    bool keep = active.count(relative) > 0;
    if (!keep) {
      auto it = removed_at.find(relative);
      keep = it != removed_at.end() ? it->second >= cutoff : info.mtime_ms >= cutoff;
    }
    if (keep) {
      ++result.kept;
      continue;
    }
    if (!options.dry_run) SL_RETURN_NOT_OK(fs.Delete(info.path));
    result.deleted.push_back(relative);
    result.bytes += info.size;
  }
  return result;
}

}  // namespace snaplake::delta
