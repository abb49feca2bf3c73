#include "export/export_task.h"

#include <array>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <optional>

#include "export/layout.h"

namespace snaplake::exporting {

namespace {

constexpr std::array<ExportStatus, 6> kAllStatuses = {
    ExportStatus::kStarting, ExportStatus::kInProgress, ExportStatus::kComplete,
    ExportStatus::kCanceling, ExportStatus::kCanceled, ExportStatus::kFailed};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsPasswordKey(std::string_view key) {
  return EqualsIgnoreCase(key, "password") || EqualsIgnoreCase(key, "sslpassword");
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The length of a URI scheme followed by "://" at the start of s, or 0.
size_t UriPrefixLength(std::string_view s) {
  size_t i = 0;
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return 0;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
    ++i;
  }
  if (s.substr(i, 3) != "://") return 0;
  return i + 3;
}

// Drops password parameters from a URI query ("a=1&password=x&b=2" -> "a=1&b=2").
std::string RedactQuery(std::string_view query) {
  std::string kept;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view param = query.substr(start, amp - start);
    std::string_view key = param.substr(0, param.find('='));
    if (!param.empty() && !IsPasswordKey(key)) {
      if (!kept.empty()) kept.push_back('&');
      kept.append(param);
    }
    start = amp + 1;
  }
  return kept;
}

std::string RedactUri(std::string_view s, size_t prefix_len) {
  std::string out(s.substr(0, prefix_len));
  std::string_view rest = s.substr(prefix_len);
  size_t query_pos = rest.find_first_of("?#");
  std::string_view before_query = rest.substr(0, query_pos);
  size_t at = before_query.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = before_query.substr(0, at);
    out.append(userinfo.substr(0, userinfo.find(':')));
    out.append(before_query.substr(at));  // "@host..."
  } else {
    out.append(before_query);
  }
  if (query_pos == std::string_view::npos) return out;
  std::string_view tail = rest.substr(query_pos);
  std::string_view fragment;
  if (tail[0] == '?') {
    size_t hash = tail.find('#');
    std::string query = RedactQuery(tail.substr(1, hash == std::string_view::npos ? std::string_view::npos : hash - 1));
    if (!query.empty()) out.append("?").append(query);
    if (hash != std::string_view::npos) fragment = tail.substr(hash);
  } else {
    fragment = tail;
  }
  out.append(fragment);
  return out;
}

// libpq's "key = value key='quoted \' value'" form. Tolerant: words without
// '=' are kept as they are, an unterminated quote runs to the end.
std::string RedactKeyValue(std::string_view s) {
  std::string out;
  size_t i = 0;
  size_t copied = 0;  // s[copied, i) is pending copy
  bool removed_any = false;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    size_t key_start = i;
    while (i < s.size() && !IsSpace(s[i]) && s[i] != '=') ++i;
    std::string_view key = s.substr(key_start, i - key_start);
    size_t j = i;
    while (j < s.size() && IsSpace(s[j])) ++j;
    if (j >= s.size() || s[j] != '=') continue;  // a bare word
    i = j + 1;
    while (i < s.size() && IsSpace(s[i])) ++i;
    // The value runs to the next unquoted, unescaped space; quoted pieces may
    // be glued to unquoted ones ('it''s'), which libpq rejects but which must
    // still be removed whole.
    while (i < s.size() && !IsSpace(s[i])) {
      if (s[i] == '\'') {
        ++i;
        while (i < s.size() && s[i] != '\'') i += (s[i] == '\\' && i + 1 < s.size()) ? 2 : 1;
        if (i < s.size()) ++i;  // closing quote
      } else {
        i += (s[i] == '\\' && i + 1 < s.size()) ? 2 : 1;
      }
    }
    if (IsPasswordKey(key)) {
      out.append(s.substr(copied, key_start - copied));
      while (i < s.size() && IsSpace(s[i])) ++i;  // and the separator after it
      copied = i;
      removed_any = true;
    }
  }
  out.append(s.substr(copied));
  if (removed_any) {
    while (!out.empty() && IsSpace(out.back())) out.pop_back();
  }
  return out;
}

std::string HumanBytes(int64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024.0 && unit < 5) {
    v /= 1024.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", v, kUnits[unit]);
  return buf;
}

// Display width of UTF-8 text, counting code points (good enough for ids and numbers).
size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::string JoinTargetAndId(const std::string& target, const std::string& id) {
  std::string path = target;
  if (!path.empty() && path.back() != '/') path.push_back('/');
  path.append(TaskDirectoryName(id));
  return path;
}

}  // namespace

const char* ExportStatusName(ExportStatus status) {
  switch (status) {
    case ExportStatus::kStarting: return "STARTING";
    case ExportStatus::kInProgress: return "IN_PROGRESS";
    case ExportStatus::kComplete: return "COMPLETE";
    case ExportStatus::kCanceling: return "CANCELING";
    case ExportStatus::kCanceled: return "CANCELED";
    case ExportStatus::kFailed: return "FAILED";
  }
  return "UNKNOWN";
}

Result<ExportStatus> ParseExportStatus(std::string_view name) {
  for (ExportStatus s : kAllStatuses) {
    if (EqualsIgnoreCase(name, ExportStatusName(s))) return s;
  }
  std::string msg = "unknown export task status '";
  msg.append(name).append("': expected STARTING, IN_PROGRESS, COMPLETE, CANCELING, CANCELED or FAILED");
  return Status::InvalidArgument(std::move(msg));
}

bool IsTerminal(ExportStatus status) {
  return status == ExportStatus::kComplete || status == ExportStatus::kCanceled ||
         status == ExportStatus::kFailed;
}

std::string RedactConnectionString(std::string_view connection) {
  size_t prefix = UriPrefixLength(connection);
  if (prefix > 0) return RedactUri(connection, prefix);
  return RedactKeyValue(connection);
}

std::string FormatIsoTimeMs(int64_t ms) {
  int64_t seconds = ms / 1000;
  int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buf;
}

nlohmann::ordered_json ToDescribeJson(const ExportTask& task) {
  nlohmann::ordered_json j;
  j["ExportTaskIdentifier"] = task.id;
  if (!task.source.empty()) j["SourceArn"] = task.source;
  if (!task.export_only.empty()) j["ExportOnly"] = task.export_only;
  if (task.snapshot_time_ms != 0) j["SnapshotTime"] = FormatIsoTimeMs(task.snapshot_time_ms);
  if (task.task_start_time_ms != 0) j["TaskStartTime"] = FormatIsoTimeMs(task.task_start_time_ms);
  if (task.task_end_time_ms != 0) j["TaskEndTime"] = FormatIsoTimeMs(task.task_end_time_ms);
  if (std::optional<S3Location> s3 = ParseS3Target(task.target)) {
    j["S3Bucket"] = s3->bucket;
    j["S3Prefix"] = s3->prefix;
  }
  j["Status"] = ExportStatusName(task.status);
  j["PercentProgress"] = task.percent_progress;
  j["TotalExtractedDataInGB"] = task.exported_bytes >> 30;
  if (!task.failure_cause.empty()) j["FailureCause"] = task.failure_cause;
  if (!task.warning_message.empty()) j["WarningMessage"] = task.warning_message;
  j["SourceType"] = "SNAPSHOT";
  // snaplake's own fields.
  j["ExportedFilesPath"] = JoinTargetAndId(task.target, task.id);
  j["ExportedRows"] = task.exported_rows;
  j["ExportedBytes"] = task.exported_bytes;
  j["TotalBytesEstimate"] = task.total_bytes_estimate;
  j["TablesTotal"] = task.tables_total;
  j["TablesDone"] = task.tables_done;
  if (!IsTerminal(task.status) && task.worker_pid != 0) j["WorkerPid"] = task.worker_pid;
  // MySQL sources: how the snapshot was taken (lock, binary log position, GTID set).
  nlohmann::ordered_json options = nlohmann::ordered_json::parse(task.options_json, nullptr, false);
  if (options.is_object() && options.contains("source_snapshot")) j["SourceSnapshot"] = options["source_snapshot"];
  return j;
}

std::string RenderTaskTable(const std::vector<ExportTask>& tasks) {
  constexpr size_t kColumns = 9;
  std::vector<std::array<std::string, kColumns>> rows;
  rows.push_back({"IDENTIFIER", "STATUS", "PROGRESS", "TABLES", "ROWS", "DATA", "STARTED", "ENDED", "MESSAGE"});
  for (const ExportTask& t : tasks) {
    std::string message = t.failure_cause.empty() ? t.warning_message : t.failure_cause;
    rows.push_back({OneLine(t.id), ExportStatusName(t.status), std::to_string(t.percent_progress) + "%",
                    std::to_string(t.tables_done) + "/" + std::to_string(t.tables_total),
                    std::to_string(t.exported_rows), HumanBytes(t.exported_bytes),
                    t.task_start_time_ms != 0 ? FormatIsoTimeMs(t.task_start_time_ms) : "-",
                    t.task_end_time_ms != 0 ? FormatIsoTimeMs(t.task_end_time_ms) : "-", OneLine(message)});
  }
  std::array<size_t, kColumns> width{};
  for (const auto& row : rows) {
    for (size_t c = 0; c < kColumns; ++c) width[c] = std::max(width[c], DisplayWidth(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < kColumns; ++c) {
      line.append(row[c]);
      if (c + 1 < kColumns) line.append(width[c] - DisplayWidth(row[c]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.append(line).push_back('\n');
  }
  return out;
}

}  // namespace snaplake::exporting
