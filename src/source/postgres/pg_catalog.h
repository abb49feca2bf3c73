// Reads the tables to export and their columns from the PostgreSQL catalog,
// inside the caller's snapshot transaction (so the list matches the data).
//
// Exported: ordinary and unlogged tables, partitioned tables (once, as the
// parent; their partitions are not listed again), and materialized views when
// asked. Never views, foreign tables, temporary tables or system schemas.
// Anything that exists but cannot be exported is reported in `skipped`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "source/postgres/pg_column_meta.h"
#include "source/postgres/pg_connection.h"

namespace snaplake::postgres {

struct PgTableMeta {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
  char relkind = 'r';          // 'r' table, 'p' partitioned table, 'm' materialized view
  int64_t table_bytes = 0;     // heap + TOAST, all partitions: for progress
  int64_t max_heap_blocks = 0; // main-fork blocks of the largest partition (or the table): for ctid ranges
  int64_t estimated_rows = 0;
  std::vector<PgColumnMeta> columns;
};

struct CatalogOptions {
  bool include_matviews = false;
  bool in_recovery = false;    // a hot standby cannot read unlogged tables
};

// A relation that exists but cannot be exported, and why.
struct SkippedRelation {
  std::string schema;
  std::string name;
  std::string reason;  // e.g. "unlogged tables cannot be read on a hot standby; export it from the primary"
};

Result<std::vector<PgTableMeta>> ReadCatalog(PgConnection& connection, const CatalogOptions& options,
                                             std::vector<SkippedRelation>* skipped);

}  // namespace snaplake::postgres
