// Overwrites a Delta table with a set of existing Parquet files, as Spark's
// mode("overwrite").option("overwriteSchema", "true") would, without
// re-encoding the data:
//   1. the files are placed in the table directory under fresh names
//      (FileSystem::Copy: a hard link locally, a server-side copy on S3;
//      streamed through CopyFile when export and table are in different stores);
//   2. one commit removes every active file and adds the new ones, with a
//      new metaData (same table id) when the schema changed, and a protocol
//      naming only the table features the schema needs;
//   3. the commit is created with PutIfAbsent: if another writer took that
//      version first, the commit is rebuilt on the new snapshot and tried at
//      the next version, up to max_attempts;
//   4. every checkpoint_interval-th version gets a checkpoint.
// Until step 3 succeeds the table is unchanged (readers never see placed
// files); placed files of a failed commit are deleted on a clean failure and
// left as unreferenced garbage for vacuum after a crash.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/schema.h"
#include "storage/file_system.h"

namespace snaplake::delta {

struct OverwriteRequest {
  std::string table_root;                 // path or URI of the table directory
  std::vector<std::string> data_files;    // Parquet files (paths/URIs) that become the table's rows
  // The table schema when data_files is empty; otherwise every file's schema
  // must equal the first file's and that one is used.
  Schema schema;
  std::string operation_note;             // added to commitInfo.operationParameters.source, e.g. the export id
  int max_attempts = 100;
  int checkpoint_interval = 10;           // 0 = never
  int64_t now_ms = 0;                     // 0 = the clock (tests pin it)
};

struct OverwriteResult {
  int64_t version = -1;
  int attempts = 0;            // commits tried (1 = no conflict)
  int64_t files = 0;
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string table_id;
  bool created = false;        // version 0
  bool schema_changed = false; // a new metaData was written
  Schema schema;
  bool checkpoint_written = false;
  std::string checkpoint_error;  // non-empty if the checkpoint failed (the commit stands)
};

// InvalidArgument for a schema Delta cannot express (naming the column) or
// files whose schemas differ; NotImplemented for an existing table whose
// protocol snaplake cannot write; AlreadyExists ("... gave up after N
// conflicting commits") when every attempt lost.
Result<OverwriteResult> OverwriteTable(FileSystem& fs, const OverwriteRequest& request);

// "snaplake/X.Y.Z", commitInfo.engineInfo.
std::string EngineInfo();

}  // namespace snaplake::delta
