// Catalog: the embedded SQLite catalog of lake tables, three levels deep like
// Unity Catalog: catalogs -> schemas -> tables (name, location, format DELTA,
// columns, comment, owner, created/updated, and the version and row count
// last committed through snaplake). Default file: $SNAPLAKE_HOME/catalog.db.
//
// Names are case-insensitive and stored lower-case. A valid name is 1..255
// bytes with no '.', ' ', '/', control character or DEL (Unity Catalog's
// rule); anything else is InvalidArgument saying which rule it breaks.
//
// The Delta log, not this file, is the truth about a table's contents: the
// version, columns and row count stored here are what the last ingest
// committed, and readers (`catalog describe`) take them from the log. A table
// row is written only after its Delta commit succeeded, so a failed ingest
// changes neither.
//
// Concurrency: WAL mode, 10 s busy timeout, every change one statement, so
// several processes may use one catalog at once. Not for use across fork().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct sqlite3;

namespace snaplake::catalog {

// Lower-cases ASCII letters and checks the rules above; `what` ("catalog",
// "schema", "table") names the kind in the error.
Result<std::string> NormalizeName(std::string_view name, const char* what);

struct QualifiedName {
  std::string catalog;
  std::string schema;  // empty when not given
  std::string table;   // empty when not given
  std::string ToString() const;
};
// "c", "c.s" or "c.s.t" with at least min_parts and at most max_parts parts,
// each normalized.
Result<QualifiedName> ParseQualifiedName(std::string_view text, int min_parts, int max_parts);

struct TableEntry {
  std::string catalog, schema, name;
  std::string location;
  std::string format = "DELTA";
  std::string columns_json = "[]";  // [{"name","type","nullable"}] (Spark types)
  std::string comment;
  std::string owner;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t version = -1;    // last committed through snaplake
  int64_t row_count = -1;
  std::string table_id;    // the Delta table id
};

// $SNAPLAKE_HOME/catalog.db (see exporting::DefaultHome).
Result<std::string> DefaultCatalogPath();

class Catalog {
 public:
  // Creates the file (and its directory) if needed.
  static Result<std::unique_ptr<Catalog>> Open(const std::string& path);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // AlreadyExists unless if_not_exists.
  Status CreateCatalog(const std::string& name, const std::string& comment = "", bool if_not_exists = false);
  // NotFound if the catalog does not exist.
  Status CreateSchema(const std::string& catalog, const std::string& schema, const std::string& comment = "",
                      bool if_not_exists = false);

  Result<std::vector<std::string>> ListCatalogs();
  Result<std::vector<std::string>> ListSchemas(const std::string& catalog);  // NotFound for a missing catalog
  Result<std::vector<TableEntry>> ListTables(const std::string& catalog, const std::string& schema);
  // NotFound "table c.s.t does not exist" (or names the missing catalog/schema).
  Result<TableEntry> GetTable(const std::string& catalog, const std::string& schema, const std::string& name);

  // Inserts the table, or updates location/format/columns/version/row
  // count/table id/updated of an existing one (created, comment and owner
  // stay). The schema must exist.
  Status UpsertTable(const TableEntry& table);

  const std::string& path() const { return path_; }

 private:
  Catalog(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(const char* what) const;
  Status RequireSchema(const std::string& catalog, const std::string& schema);

  sqlite3* db_;
  std::string path_;
};

}  // namespace snaplake::catalog
