// The two summary files Amazon RDS writes beside an export, with RDS's field
// names, nesting and value types, so tools written for RDS exports read ours:
//
//   export_info_ID.json: the task (exportTaskIdentifier, sourceArn, exportOnly,
//     snapshotTime, taskStartTime, taskEndTime, [s3Bucket, s3Prefix,]
//     exportedFilesPath, status, percentProgress, totalExportedDataInGB).
//   export_tables_info_ID_from_F_to_T.json: {"perTableStatus": [...]}, one
//     element per table: tableStatistics{extractionStartTime,
//     extractionEndTime, partitioningInfo{numberOfPartitions,
//     numberOfCompletedPartitions}}, schemaMetadata{originalTypeMappings[
//     {columnName, originalType, expectedExportedType, originalCharMaxLength,
//     originalNumPrecision, originalDateTimePrecision}]}, status, sizeGB, target.
//
// Conventions (see docs/export-layout.md): times are ISO-8601 UTC with
// milliseconds; sizes are GiB as JSON doubles; a "not applicable" column
// length/precision (-1 in SourceColumn) is written 0; a table that was
// skipped or failed carries "warningMessage" (RDS consumers treat such
// entries as "no data here"). Everything snaplake adds lives under a
// "snaplake" key, so RDS fields keep their exact meaning.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "export/export_task.h"
#include "source/source.h"

namespace snaplake::exporting {

struct TableExportResult {
  const SourceTable* table = nullptr;  // must be set
  std::string status = "COMPLETE";     // "COMPLETE", "FAILED" or "SKIPPED"
  int64_t bytes = 0;                   // bytes written for the table (sizeGB)
  int64_t rows = 0;
  int partitions = 0;                  // part files planned/written (numberOfPartitions)
  // numberOfCompletedPartitions; -1 = all of them if COMPLETE, else 0.
  int partitions_completed = -1;
  int64_t start_ms = 0;  // extraction start/end; 0 = unknown (field left out)
  int64_t end_ms = 0;
  // Why the table was skipped or failed (-> "warningMessage"), or for a
  // COMPLETE table a note such as a type fallback (-> "snaplake.warning").
  std::string warning;
};

// export_info_ID.json for `task` (its status, progress and byte count as they
// should be recorded; the runner writes it once the tables are done).
// exportedFilesPath is the task's directory relative to the target, as RDS
// writes the path relative to the bucket. snaplake's extra:
// "snaplake": {exportedRows, exportedBytes, tablesTotal, tablesDone}.
std::string ExportInfoJson(const ExportTask& task);

// {"perTableStatus": [...]} for these tables, in order.
std::string TablesInfoJson(const std::vector<TableExportResult>& tables);

// Splits `tables` into files of at most `tables_per_file` entries (>= 1):
// (TablesInfoFileName(id, from, to), TablesInfoJson(slice)) with 1-based,
// inclusive numbers. No tables still give one file, "..._from_1_to_0.json",
// with an empty list, so every export has a tables-info file.
std::vector<std::pair<std::string, std::string>> TablesInfoFiles(const std::string& id,
                                                                 const std::vector<TableExportResult>& tables,
                                                                 int tables_per_file = 1000);

}  // namespace snaplake::exporting
