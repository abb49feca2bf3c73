#include "export/summary_json.h"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "export/layout.h"

namespace snaplake::exporting {

namespace {

using Json = nlohmann::ordered_json;

double ToGiB(int64_t bytes) { return static_cast<double>(bytes) / static_cast<double>(int64_t{1} << 30); }

// RDS writes 0 where the source has no length/precision for a column.
int32_t OrZero(int32_t v) { return v < 0 ? 0 : v; }

Json TypeMapping(const SourceColumn& c) {
  Json j;
  j["columnName"] = c.name;
  j["originalType"] = c.original_type;
  j["expectedExportedType"] = c.expected_exported_type;
  j["originalCharMaxLength"] = OrZero(c.original_char_max_length);
  j["originalNumPrecision"] = OrZero(c.original_num_precision);
  j["originalDateTimePrecision"] = OrZero(c.original_datetime_precision);
  return j;
}

Json TableEntry(const TableExportResult& r) {
  const SourceTable& t = *r.table;
  Json extra;
  extra["rows"] = r.rows;
  extra["bytes"] = r.bytes;
  if (r.status == "SKIPPED") {
    Json j;
    j["warningMessage"] = r.warning;
    j["target"] = t.QualifiedName();
    j["status"] = r.status;
    j["snaplake"] = std::move(extra);
    return j;
  }
  Json stats;
  if (r.start_ms != 0) stats["extractionStartTime"] = FormatIsoTimeMs(r.start_ms);
  if (r.end_ms != 0) stats["extractionEndTime"] = FormatIsoTimeMs(r.end_ms);
  int completed = r.partitions_completed >= 0 ? r.partitions_completed : (r.status == "COMPLETE" ? r.partitions : 0);
  stats["partitioningInfo"] = Json{{"numberOfPartitions", r.partitions}, {"numberOfCompletedPartitions", completed}};

  Json mappings = Json::array();
  for (const SourceColumn& c : t.columns) mappings.push_back(TypeMapping(c));

  Json j;
  j["tableStatistics"] = std::move(stats);
  j["schemaMetadata"] = Json{{"originalTypeMappings", std::move(mappings)}};
  j["status"] = r.status;
  j["sizeGB"] = ToGiB(r.bytes);
  j["target"] = t.QualifiedName();
  if (r.status != "COMPLETE" && !r.warning.empty()) j["warningMessage"] = r.warning;
  if (r.status == "COMPLETE" && !r.warning.empty()) extra["warning"] = r.warning;
  j["snaplake"] = std::move(extra);
  return j;
}

}  // namespace

std::string ExportInfoJson(const ExportTask& task) {
  Json j;
  j["exportTaskIdentifier"] = task.id;
  j["sourceArn"] = task.source;
  j["exportOnly"] = task.export_only;
  if (task.snapshot_time_ms != 0) j["snapshotTime"] = FormatIsoTimeMs(task.snapshot_time_ms);
  if (task.task_start_time_ms != 0) j["taskStartTime"] = FormatIsoTimeMs(task.task_start_time_ms);
  if (task.task_end_time_ms != 0) j["taskEndTime"] = FormatIsoTimeMs(task.task_end_time_ms);
  if (std::optional<S3Location> s3 = ParseS3Target(task.target)) {
    j["s3Bucket"] = s3->bucket;
    j["s3Prefix"] = s3->prefix;
  }
  j["exportedFilesPath"] = TaskDirectoryName(task.id);
  j["status"] = ExportStatusName(task.status);
  j["percentProgress"] = task.percent_progress;
  j["totalExportedDataInGB"] = ToGiB(task.exported_bytes);
  j["snaplake"] = Json{{"exportedRows", task.exported_rows},
                       {"exportedBytes", task.exported_bytes},
                       {"tablesTotal", task.tables_total},
                       {"tablesDone", task.tables_done}};
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

std::string TablesInfoJson(const std::vector<TableExportResult>& tables) {
  Json list = Json::array();
  for (const TableExportResult& r : tables) list.push_back(TableEntry(r));
  Json j;
  j["perTableStatus"] = std::move(list);
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

std::vector<std::pair<std::string, std::string>> TablesInfoFiles(const std::string& id,
                                                                 const std::vector<TableExportResult>& tables,
                                                                 int tables_per_file) {
  size_t per_file = static_cast<size_t>(std::max(tables_per_file, 1));
  std::vector<std::pair<std::string, std::string>> files;
  if (tables.empty()) {
    files.emplace_back(TablesInfoFileName(id, 1, 0), TablesInfoJson({}));
    return files;
  }
  for (size_t begin = 0; begin < tables.size(); begin += per_file) {
    size_t end = std::min(tables.size(), begin + per_file);
    std::vector<TableExportResult> slice(tables.begin() + static_cast<ptrdiff_t>(begin),
                                         tables.begin() + static_cast<ptrdiff_t>(end));
    files.emplace_back(TablesInfoFileName(id, static_cast<int>(begin) + 1, static_cast<int>(end)),
                       TablesInfoJson(slice));
  }
  return files;
}

}  // namespace snaplake::exporting
