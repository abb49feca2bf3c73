#include "catalog/catalog.h"

#include <pwd.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "export/task_store.h"

namespace snaplake::catalog {

namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kCreateSchema = R"sql(
CREATE TABLE IF NOT EXISTS catalogs (
  name TEXT PRIMARY KEY, comment TEXT NOT NULL DEFAULT '', owner TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS schemas (
  catalog TEXT NOT NULL REFERENCES catalogs(name), name TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL, PRIMARY KEY (catalog, name));
CREATE TABLE IF NOT EXISTS tables (
  catalog TEXT NOT NULL, schema TEXT NOT NULL, name TEXT NOT NULL, location TEXT NOT NULL,
  format TEXT NOT NULL, columns_json TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', owner TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, version INTEGER NOT NULL, row_count INTEGER NOT NULL,
  table_id TEXT NOT NULL, PRIMARY KEY (catalog, schema, name),
  FOREIGN KEY (catalog, schema) REFERENCES schemas(catalog, name));
)sql";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string CurrentUser() {
  const char* user = std::getenv("USER");
  if (user != nullptr && *user != '\0') return user;
  if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_name != nullptr) return pw->pw_name;
  return "";
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  bool prepared() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() const { return stmt_; }
  Stmt& Text(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Int(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(stmt_); }
  std::string Column(int i) const {
    const unsigned char* p = sqlite3_column_text(stmt_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, i)) : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

TableEntry ReadTable(const Stmt& s) {
  TableEntry t;
  t.catalog = s.Column(0);
  t.schema = s.Column(1);
  t.name = s.Column(2);
  t.location = s.Column(3);
  t.format = s.Column(4);
  t.columns_json = s.Column(5);
  t.comment = s.Column(6);
  t.owner = s.Column(7);
  t.created_ms = sqlite3_column_int64(s.get(), 8);
  t.updated_ms = sqlite3_column_int64(s.get(), 9);
  t.version = sqlite3_column_int64(s.get(), 10);
  t.row_count = sqlite3_column_int64(s.get(), 11);
  t.table_id = s.Column(12);
  return t;
}

constexpr const char* kTableColumns =
    "catalog, schema, name, location, format, columns_json, comment, owner, created_ms, updated_ms, version, "
    "row_count, table_id";

}  // namespace

Result<std::string> NormalizeName(std::string_view name, const char* what) {
  if (name.empty()) return Status::InvalidArgument(std::string("a ") + what + " name cannot be empty");
  if (name.size() > 255) {
    return Status::InvalidArgument(std::string(what) + " name '" + std::string(name.substr(0, 40)) +
                                   "...' is longer than 255 bytes");
  }
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '.' || c == ' ' || c == '/' || u < 0x20 || u == 0x7f) {
      std::string shown;
      for (char d : name) shown.push_back(static_cast<unsigned char>(d) < 0x20 ? '?' : d);
      return Status::InvalidArgument(std::string("invalid ") + what + " name '" + shown +
                                     "': names cannot contain '.', ' ', '/' or control characters");
    }
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::string QualifiedName::ToString() const {
  std::string s = catalog;
  if (!schema.empty()) s.append(".").append(schema);
  if (!table.empty()) s.append(".").append(table);
  return s;
}

Result<QualifiedName> ParseQualifiedName(std::string_view text, int min_parts, int max_parts) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    parts.push_back(text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  const int n = static_cast<int>(parts.size());
  if (n < min_parts || n > max_parts) {
    const char* shapes[] = {"", "catalog", "catalog.schema", "catalog.schema.table"};
    std::string expected = shapes[min_parts];
    if (max_parts != min_parts) expected.append(" to ").append(shapes[max_parts]);
    return Status::InvalidArgument("'" + std::string(text) + "' is not a name of the form " + expected);
  }
  QualifiedName q;
  const char* kinds[] = {"catalog", "schema", "table"};
  std::string* fields[] = {&q.catalog, &q.schema, &q.table};
  for (int i = 0; i < n; ++i) {
    SL_ASSIGN_OR_RETURN(*fields[i], NormalizeName(parts[i], kinds[i]));
  }
  return q;
}

Result<std::string> DefaultCatalogPath() {
  SL_ASSIGN_OR_RETURN(std::string home, exporting::DefaultHome());
  if (!home.empty() && home.back() != '/') home.push_back('/');
  return home + "catalog.db";
}

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& path) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IOError("cannot create the directory of catalog " + path + ": " + ec.message());
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = "cannot open catalog " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return Status::IOError(msg);
  }
  std::unique_ptr<Catalog> catalog(new Catalog(db, path));
  sqlite3_busy_timeout(db, 10000);
  // Switching to WAL answers SQLITE_BUSY without consulting the busy handler
  // while another process initialises the file: retry for the busy timeout.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
                          nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) break;
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) {
      return catalog->Error("cannot initialise");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return catalog->Error("cannot initialise");
  }
  int version = 0;
  {
    Stmt s(db, "PRAGMA user_version");
    if (s.prepared() && s.Step() == SQLITE_ROW) version = sqlite3_column_int(s.get(), 0);
  }
  Status st;
  if (version > kSchemaVersion) {
    st = Status::NotImplemented("catalog " + path + " was written by a newer snaplake (schema version " +
                                std::to_string(version) + "); upgrade snaplake");
  } else if (version == 0) {
    if (sqlite3_exec(db, kCreateSchema, nullptr, nullptr, nullptr) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA user_version = 1", nullptr, nullptr, nullptr) != SQLITE_OK) {
      st = catalog->Error("cannot create the schema");
    }
  }
  if (!st.ok()) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
  }
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return catalog->Error("cannot initialise");
  return catalog;
}

Catalog::~Catalog() { sqlite3_close(db_); }

Status Catalog::Error(const char* what) const {
  std::string msg = "catalog ";
  msg.append(path_).append(": ").append(what).append(": ").append(sqlite3_errmsg(db_));
  const int code = sqlite3_errcode(db_) & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) msg.append(" (busy for more than 10 s; retry)");
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return Status::Corruption(msg);
  return Status::IOError(msg);
}

Status Catalog::CreateCatalog(const std::string& name, const std::string& comment, bool if_not_exists) {
  Stmt s(db_, "INSERT INTO catalogs (name, comment, owner, created_ms) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
  if (!s.prepared()) return Error("cannot create a catalog");
  s.Text(1, name).Text(2, comment).Text(3, CurrentUser()).Int(4, NowMs());
  if (s.Step() != SQLITE_DONE) return Error("cannot create a catalog");
  if (sqlite3_changes(db_) == 0 && !if_not_exists) {
    return Status::AlreadyExists("catalog " + name + " already exists");
  }
  return Status::OK();
}

Status Catalog::CreateSchema(const std::string& catalog, const std::string& schema, const std::string& comment,
                             bool if_not_exists) {
  {
    Stmt s(db_, "SELECT 1 FROM catalogs WHERE name = ?1");
    if (!s.prepared()) return Error("cannot read catalogs");
    s.Text(1, catalog);
    if (s.Step() != SQLITE_ROW) {
      return Status::NotFound("catalog " + catalog + " does not exist; create it with `snaplake catalog create-catalog " +
                              catalog + "`");
    }
  }
  Stmt s(db_,
         "INSERT INTO schemas (catalog, name, comment, owner, created_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
         "ON CONFLICT DO NOTHING");
  if (!s.prepared()) return Error("cannot create a schema");
  s.Text(1, catalog).Text(2, schema).Text(3, comment).Text(4, CurrentUser()).Int(5, NowMs());
  if (s.Step() != SQLITE_DONE) return Error("cannot create a schema");
  if (sqlite3_changes(db_) == 0 && !if_not_exists) {
    return Status::AlreadyExists("schema " + catalog + "." + schema + " already exists");
  }
  return Status::OK();
}

Result<std::vector<std::string>> Catalog::ListCatalogs() {
  Stmt s(db_, "SELECT name FROM catalogs ORDER BY name");
  if (!s.prepared()) return Error("cannot list catalogs");
  std::vector<std::string> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(s.Column(0));
  if (rc != SQLITE_DONE) return Error("cannot list catalogs");
  return out;
}

Result<std::vector<std::string>> Catalog::ListSchemas(const std::string& catalog) {
  {
    Stmt s(db_, "SELECT 1 FROM catalogs WHERE name = ?1");
    if (!s.prepared()) return Error("cannot read catalogs");
    s.Text(1, catalog);
    if (s.Step() != SQLITE_ROW) return Status::NotFound("catalog " + catalog + " does not exist");
  }
  Stmt s(db_, "SELECT name FROM schemas WHERE catalog = ?1 ORDER BY name");
  if (!s.prepared()) return Error("cannot list schemas");
  s.Text(1, catalog);
  std::vector<std::string> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(s.Column(0));
  if (rc != SQLITE_DONE) return Error("cannot list schemas");
  return out;
}

Status Catalog::RequireSchema(const std::string& catalog, const std::string& schema) {
  Stmt s(db_, "SELECT 1 FROM schemas WHERE catalog = ?1 AND name = ?2");
  if (!s.prepared()) return Error("cannot read schemas");
  s.Text(1, catalog).Text(2, schema);
  if (s.Step() != SQLITE_ROW) return Status::NotFound("schema " + catalog + "." + schema + " does not exist");
  return Status::OK();
}

Result<std::vector<TableEntry>> Catalog::ListTables(const std::string& catalog, const std::string& schema) {
  SL_RETURN_NOT_OK(RequireSchema(catalog, schema));
  const std::string sql =
      std::string("SELECT ") + kTableColumns + " FROM tables WHERE catalog = ?1 AND schema = ?2 ORDER BY name";
  Stmt s(db_, sql.c_str());
  if (!s.prepared()) return Error("cannot list tables");
  s.Text(1, catalog).Text(2, schema);
  std::vector<TableEntry> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadTable(s));
  if (rc != SQLITE_DONE) return Error("cannot list tables");
  return out;
}

Result<TableEntry> Catalog::GetTable(const std::string& catalog, const std::string& schema, const std::string& name) {
  const std::string sql = std::string("SELECT ") + kTableColumns +
                          " FROM tables WHERE catalog = ?1 AND schema = ?2 AND name = ?3";
  Stmt s(db_, sql.c_str());
  if (!s.prepared()) return Error("cannot read tables");
  s.Text(1, catalog).Text(2, schema).Text(3, name);
  const int rc = s.Step();
  if (rc == SQLITE_ROW) return ReadTable(s);
  if (rc != SQLITE_DONE) return Error("cannot read tables");
  return Status::NotFound("table " + catalog + "." + schema + "." + name + " does not exist");
}

Status Catalog::UpsertTable(const TableEntry& t) {
  SL_RETURN_NOT_OK(RequireSchema(t.catalog, t.schema));
  Stmt s(db_,
         "INSERT INTO tables (catalog, schema, name, location, format, columns_json, comment, owner, created_ms, "
         "updated_ms, version, row_count, table_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12) "
         "ON CONFLICT (catalog, schema, name) DO UPDATE SET location = excluded.location, format = excluded.format, "
         "columns_json = excluded.columns_json, updated_ms = excluded.updated_ms, version = excluded.version, "
         "row_count = excluded.row_count, table_id = excluded.table_id "
         // A slower concurrent ingest of an older version must not move the entry back.
         "WHERE excluded.version >= tables.version OR excluded.table_id <> tables.table_id");
  if (!s.prepared()) return Error("cannot write a table");
  const int64_t now = t.updated_ms != 0 ? t.updated_ms : NowMs();
  s.Text(1, t.catalog).Text(2, t.schema).Text(3, t.name).Text(4, t.location).Text(5, t.format);
  s.Text(6, t.columns_json).Text(7, t.comment).Text(8, t.owner.empty() ? CurrentUser() : t.owner);
  s.Int(9, now).Int(10, t.version).Int(11, t.row_count).Text(12, t.table_id);
  if (s.Step() != SQLITE_DONE) return Error("cannot write a table");
  return Status::OK();
}

}  // namespace snaplake::catalog
