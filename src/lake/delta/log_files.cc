#include "lake/delta/log_files.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace snaplake::delta {

namespace {

bool AllDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int64_t ToInt(std::string_view s) {
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::string LogDir(const std::string& table_root) { return JoinPath(table_root, "_delta_log"); }

std::string JoinPath(const std::string& root, const std::string& relative) {
  std::string out = root;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  size_t skip = 0;
  while (skip < relative.size() && relative[skip] == '/') ++skip;
  out.push_back('/');
  out.append(relative, skip, std::string::npos);
  return out;
}

std::string CommitFileName(int64_t version) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%020lld.json", static_cast<long long>(version));
  return buf;
}

std::string CheckpointFileName(int64_t version) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%020lld.checkpoint.parquet", static_cast<long long>(version));
  return buf;
}

LogFile ParseLogFileName(std::string_view name) {
  LogFile f;
  if (name.size() < 21 || !AllDigits(name.substr(0, 20), 20) || name[20] != '.') return f;
  const std::string_view rest = name.substr(21);
  const int64_t version = ToInt(name.substr(0, 20));
  if (rest == "json") {
    f.kind = LogFile::Kind::kCommit;
    f.version = version;
  } else if (rest == "checkpoint.parquet") {
    f.kind = LogFile::Kind::kCheckpoint;
    f.version = version;
  } else if (rest.size() == std::string_view("checkpoint.0000000001.0000000003.parquet").size() &&
             rest.substr(0, 11) == "checkpoint." && AllDigits(rest.substr(11, 10), 10) && rest[21] == '.' &&
             AllDigits(rest.substr(22, 10), 10) && rest.substr(32) == ".parquet") {
    f.part = static_cast<int>(ToInt(rest.substr(11, 10)));
    f.parts = static_cast<int>(ToInt(rest.substr(22, 10)));
    if (f.part >= 1 && f.part <= f.parts) {
      f.kind = LogFile::Kind::kCheckpoint;
      f.version = version;
    }
  }
  return f;
}

Result<std::vector<LogFile>> ListLogFiles(FileSystem& fs, const std::string& table_root) {
  const std::string dir = LogDir(table_root);
  auto listed = fs.List(dir + "/");
  if (!listed.ok()) {
    if (listed.status().code() == StatusCode::kNotFound) {
      return Status::NotFound(table_root + " is not a Delta table (no _delta_log/ found)");
    }
    return listed.status();
  }
  std::vector<LogFile> out;
  bool any = false;
  for (const FileInfo& info : *listed) {
    if (info.is_dir) continue;
    const size_t slash = info.path.find_last_of('/');
    const std::string_view name = std::string_view(info.path).substr(slash == std::string::npos ? 0 : slash + 1);
    // Only files directly in _delta_log/ (not _delta_log/_commits/ etc.).
    if (info.path.size() - name.size() != dir.size() + 1) continue;
    any = true;
    LogFile f = ParseLogFileName(name);
    if (f.kind == LogFile::Kind::kOther) continue;
    f.path = info.path;
    f.size = info.size;
    f.mtime_ms = info.mtime_ms;
    out.push_back(std::move(f));
  }
  if (!any) return Status::NotFound(table_root + " is not a Delta table (no _delta_log/ found)");
  std::sort(out.begin(), out.end(), [](const LogFile& a, const LogFile& b) {
    if (a.version != b.version) return a.version < b.version;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.part < b.part;
  });
  return out;
}

std::optional<LastCheckpoint> ReadLastCheckpoint(FileSystem& fs, const std::string& table_root) {
  auto text = ReadWholeFile(fs, JoinPath(LogDir(table_root), kLastCheckpointFileName));
  if (!text.ok()) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("version") || !j["version"].is_number_integer()) {
    return std::nullopt;
  }
  LastCheckpoint lc;
  lc.version = j["version"].get<int64_t>();
  if (j.contains("size") && j["size"].is_number_integer()) lc.size = j["size"].get<int64_t>();
  if (j.contains("parts") && j["parts"].is_number_integer()) lc.parts = j["parts"].get<int>();
  if (lc.version < 0 || lc.parts < 0) return std::nullopt;
  return lc;
}

}  // namespace snaplake::delta
