// Ingest: the tables of a COMPLETE export become Delta tables registered in
// the catalog as catalog.schema.<name>, at WAREHOUSE/catalog/schema/name/
// (or where the catalog already has them). Each table is one overwrite
// commit (lake/delta/table_writer.h) that reuses the exported Parquet files;
// its catalog entry is written only after the commit succeeded, so a table
// whose ingest fails is left exactly as it was, in the log and in the catalog.
//
// Refused before anything is written: an export that is not COMPLETE (its
// task is not COMPLETE, or TARGET/ID/_SUCCESS is missing), --tables naming
// nothing, invalid target names, and two source tables that would get the
// same name (the error suggests --name-template '{schema}_{table}').
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "lake/delta/table_writer.h"

namespace snaplake::catalog {

struct IngestRequest {
  std::string export_dir;  // TARGET/ID; or empty and export_id set
  std::string export_id;   // looked up in the task store of `home`
  std::string home;        // $SNAPLAKE_HOME (for the task store)
  std::string catalog;     // normalized or not; checked here
  std::string schema;
  std::string warehouse;   // root for new tables
  // Source tables to ingest: "table", "schema.table" or "db.schema.table"
  // (exact names); empty = every COMPLETE table.
  std::vector<std::string> tables;
  // {database}, {schema}, {table} are replaced by the source names.
  std::string name_template = "{table}";
};

struct IngestedTable {
  std::string source;    // db.schema.table
  std::string name;      // catalog.schema.name
  std::string location;
  delta::OverwriteResult result;
  Status status;         // per table; the others go on when one fails
};

struct IngestReport {
  std::string export_id;
  std::string export_dir;
  std::vector<IngestedTable> tables;
  std::vector<std::string> notes;  // e.g. skipped source tables
  bool ok() const;
};

// Up to four tables are committed at once. `progress` (may be empty) is called
// after each table, as tables finish, never concurrently; report.tables keeps
// the export's order.
Result<IngestReport> IngestExport(const IngestRequest& request, Catalog& catalog,
                                  const std::function<void(const IngestedTable&)>& progress = {});

}  // namespace snaplake::catalog
