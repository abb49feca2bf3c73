// ExportTask: one `snaplake export start` request and its progress, as the
// task store keeps it and as `snaplake export describe` shows it.
//
// The statuses and the describe fields are Amazon RDS's (StartExportTask /
// DescribeExportTasks): STARTING -> IN_PROGRESS -> COMPLETE | FAILED, and
// CANCELING -> CANCELED after a cancel request. A task is never shown
// COMPLETE unless every table was exported.
//
// Times are milliseconds since the epoch, 0 meaning "not yet". Describe
// prints them as RDS does: ISO-8601 UTC with milliseconds ("2020-03-02T18:26:28.163Z").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace snaplake::exporting {

enum class ExportStatus { kStarting, kInProgress, kComplete, kCanceling, kCanceled, kFailed };

// "STARTING", "IN_PROGRESS", "COMPLETE", "CANCELING", "CANCELED", "FAILED".
const char* ExportStatusName(ExportStatus status);

// The inverse of ExportStatusName, case-insensitive ("in_progress" is RDS's
// filter spelling). Anything else is InvalidArgument naming the valid values.
Result<ExportStatus> ParseExportStatus(std::string_view name);

// COMPLETE, CANCELED and FAILED: the task will never change again.
bool IsTerminal(ExportStatus status);

struct ExportTask {
  std::string id;
  ExportStatus status = ExportStatus::kStarting;
  std::string source;        // connection string, password removed (RedactConnectionString)
  std::string target;        // the output directory or URI; files go to target/id/
  std::string options_json = "{}";  // the start options, for the worker
  std::vector<std::string> export_only;  // "db", "db.schema", "db.schema.table"; empty = all
  int64_t snapshot_time_ms = 0;
  int64_t task_start_time_ms = 0;
  int64_t task_end_time_ms = 0;
  int64_t created_ms = 0;
  int32_t percent_progress = 0;
  int64_t total_bytes_estimate = 0;
  int64_t exported_bytes = 0;
  int64_t exported_rows = 0;
  int32_t tables_total = 0;
  int32_t tables_done = 0;
  std::string failure_cause;
  std::string warning_message;
  int64_t worker_pid = 0;  // 0 until a worker runs the task
};

// Removes passwords from a database connection string so that it can be
// stored and shown:
//   URIs: "postgresql://user:pw@host/db?password=x&sslmode=require"
//         -> "postgresql://user@host/db?sslmode=require"
//   key=value (libpq): "host=h password='p w' user=u" -> "host=h user=u"
// Keys "password" and "sslpassword" are removed in both forms (libpq quoting:
// single quotes with backslash escapes). For a URI, the user information ends
// at the last '@' before any '?' or '#', so a password with a raw '@' or '/'
// is still removed whole.
std::string RedactConnectionString(std::string_view connection);

// "2020-03-02T18:26:28.163Z"; ms may be negative (before 1970).
std::string FormatIsoTimeMs(int64_t ms);

// The task as `aws rds describe-export-tasks` prints one element of
// "ExportTasks", in its field order and casing: ExportTaskIdentifier,
// SourceArn (our redacted source), ExportOnly, SnapshotTime, TaskStartTime,
// TaskEndTime, S3Bucket/S3Prefix (only for s3:// targets), Status,
// PercentProgress, TotalExtractedDataInGB (whole GiB, as RDS's integer),
// FailureCause, WarningMessage, SourceType ("SNAPSHOT"). Like RDS, fields
// that are unset (a zero time, an empty string or list) are left out.
// Then snaplake's own fields: ExportedFilesPath (target/id), ExportedRows,
// ExportedBytes, TotalBytesEstimate, TablesTotal, TablesDone, and WorkerPid
// while the task is not terminal. Strings are stored as given: dump with
// nlohmann's error_handler_t::replace unless they are known to be UTF-8.
nlohmann::ordered_json ToDescribeJson(const ExportTask& task);

// A compact listing for `--output table`: a header line, then one line per
// task with aligned columns IDENTIFIER STATUS PROGRESS TABLES ROWS DATA
// STARTED ENDED, and the failure cause (or warning) last, untruncated.
// Ends with a newline; an empty list gives just the header.
std::string RenderTaskTable(const std::vector<ExportTask>& tasks);

}  // namespace snaplake::exporting
