// `snaplake ingest`, `snaplake delta ...` and `snaplake catalog ...`: the
// lake commands, wired to CLI11. The work happens in catalog/ingest.h,
// catalog/catalog.h and lake/delta/*; this file parses options, resolves a
// table given as a path or as catalog.schema.table, and prints results.
// Errors are one line on stderr ("snaplake: ..."), exit status 1.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "catalog/catalog.h"
#include "catalog/ingest.h"
#include "cli/commands.h"
#include "cli/parquet_cli.h"
#include "export/task_store.h"
#include "lake/delta/log_files.h"
#include "lake/delta/snapshot.h"
#include "lake/delta/spark_schema.h"
#include "lake/delta/table_reader.h"
#include "lake/delta/vacuum.h"
#include "storage/file_system.h"

namespace snaplake::cli {

namespace {

using OJson = nlohmann::ordered_json;

ExitCode Guarded(const std::function<Status()>& run) {
  Status st;
  try {
    st = run();
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("internal error: ") + e.what());
  }
  return ReportError(st);
}

std::string IsoTime(int64_t ms) {
  if (ms <= 0) return "-";
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

Status Print(const std::string& text) {
  StdoutWriter out;
  out.buffer()->append(text);
  return out.Flush();
}

std::string Dump(const OJson& j) { return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"; }

Result<std::unique_ptr<catalog::Catalog>> OpenCatalog(const std::string& catalog_db) {
  std::string path = catalog_db;
  if (path.empty()) {
    SL_ASSIGN_OR_RETURN(path, catalog::DefaultCatalogPath());
  }
  return catalog::Catalog::Open(path);
}

// A table argument: a path/URI (has '/', or exists), else catalog.schema.table.
struct TableRef {
  std::string root;
  std::shared_ptr<FileSystem> fs;
};

Result<TableRef> ResolveTable(const std::string& arg, const std::string& catalog_db) {
  TableRef ref;
  const bool looks_like_name = arg.find('/') == std::string::npos &&
                               std::count(arg.begin(), arg.end(), '.') == 2;
  if (looks_like_name) {
    auto fs = FileSystemForPath(arg);
    bool exists = fs.ok() && (*fs)->Stat(delta::LogDir(arg) + "/" + delta::CommitFileName(0)).ok();
    if (!exists) {
      SL_ASSIGN_OR_RETURN(catalog::QualifiedName q, catalog::ParseQualifiedName(arg, 3, 3));
      SL_ASSIGN_OR_RETURN(auto cat, OpenCatalog(catalog_db));
      SL_ASSIGN_OR_RETURN(catalog::TableEntry entry, cat->GetTable(q.catalog, q.schema, q.table));
      ref.root = entry.location;
    } else {
      ref.root = arg;
    }
  } else {
    ref.root = arg;
  }
  SL_ASSIGN_OR_RETURN(ref.fs, FileSystemForPath(ref.root));
  return ref;
}

Result<delta::Snapshot> Load(const TableRef& ref, std::optional<int64_t> version, bool check_protocol = true) {
  delta::SnapshotOptions options;
  options.version = version;
  options.check_protocol = check_protocol;
  return delta::LoadSnapshot(*ref.fs, ref.root, options);
}

OJson ColumnsJson(const Schema& schema) {
  OJson cols = OJson::array();
  for (const Field& f : schema.fields) {
    cols.push_back({{"name", f.name}, {"type", delta::SparkTypeName(f.type)}, {"nullable", f.nullable}});
  }
  return cols;
}

// --- ingest ----------------------------------------------------------------

struct IngestArgs {
  catalog::IngestRequest request;
  std::string catalog_db;
  std::string output = "text";
};

Status RunIngest(IngestArgs& args) {
  catalog::IngestRequest& req = args.request;
  if (req.export_dir.empty() == req.export_id.empty()) {
    return Status::InvalidArgument("give the export as either --export DIR/ID or --id ID");
  }
  SL_ASSIGN_OR_RETURN(req.home, exporting::DefaultHome());
  if (req.warehouse.empty()) req.warehouse = delta::JoinPath(req.home, "warehouse");
  SL_ASSIGN_OR_RETURN(auto cat, OpenCatalog(args.catalog_db));
  const bool json = args.output == "json";
  auto progress = [&](const catalog::IngestedTable& t) {
    if (json) return;
    if (t.status.ok()) {
      std::printf("%s  version %lld  %lld files  %lld rows  %s%s\n", t.name.c_str(),
                  static_cast<long long>(t.result.version), static_cast<long long>(t.result.files),
                  static_cast<long long>(t.result.rows), t.location.c_str(),
                  t.result.attempts > 1 ? "  (retried after concurrent commits)" : "");
    } else {
      std::printf("%s  FAILED  %s\n", t.name.c_str(), t.status.message().c_str());
    }
    if (!t.result.checkpoint_error.empty()) {
      std::fprintf(stderr, "snaplake: warning: %s: checkpoint not written: %s\n", t.name.c_str(),
                   t.result.checkpoint_error.c_str());
    }
    std::fflush(stdout);
  };
  SL_ASSIGN_OR_RETURN(catalog::IngestReport report, catalog::IngestExport(req, *cat, progress));
  for (const std::string& note : report.notes) std::fprintf(stderr, "snaplake: note: %s\n", note.c_str());
  if (json) {
    OJson out;
    out["export"] = report.export_id;
    OJson tables = OJson::array();
    for (const auto& t : report.tables) {
      OJson j;
      j["source"] = t.source;
      j["table"] = t.name;
      j["location"] = t.location;
      j["status"] = t.status.ok() ? "OK" : "FAILED";
      if (t.status.ok()) {
        j["version"] = t.result.version;
        j["files"] = t.result.files;
        j["rows"] = t.result.rows;
        j["bytes"] = t.result.bytes;
        j["attempts"] = t.result.attempts;
        j["schemaChanged"] = t.result.schema_changed;
      } else {
        j["error"] = t.status.message();
      }
      tables.push_back(std::move(j));
    }
    out["tables"] = std::move(tables);
    SL_RETURN_NOT_OK(Print(Dump(out)));
  }
  int failed = 0;
  for (const auto& t : report.tables) failed += t.status.ok() ? 0 : 1;
  if (failed > 0) {
    return Status::IOError(std::to_string(failed) + " of " + std::to_string(report.tables.size()) +
                           " tables failed to ingest (listed above); they are unchanged, the others are committed");
  }
  return Status::OK();
}

void RegisterIngest(CLI::App& app, ExitCode* exit_code) {
  auto* cmd = app.add_subcommand("ingest", "Overwrite Delta tables catalog.schema.<table> with a COMPLETE export");
  auto args = std::make_shared<IngestArgs>();
  cmd->add_option("--export", args->request.export_dir, "The export's directory, TARGET/ID");
  cmd->add_option("--id", args->request.export_id, "The export task id (looked up in $SNAPLAKE_HOME)");
  cmd->add_option("--catalog", args->request.catalog, "Catalog name")->required();
  cmd->add_option("--schema", args->request.schema, "Schema name")->required();
  cmd->add_option("--warehouse", args->request.warehouse,
                  "Root of new tables: WAREHOUSE/catalog/schema/table (default $SNAPLAKE_HOME/warehouse)");
  cmd->add_option("--tables", args->request.tables, "Only these source tables (table, schema.table or db.schema.table)")
      ->delimiter(',');
  cmd->add_option("--name-template", args->request.name_template,
                  "Table name from the source: {table}, {schema}, {database}")
      ->capture_default_str();
  cmd->add_option("--catalog-db", args->catalog_db, "Catalog file (default $SNAPLAKE_HOME/catalog.db)");
  cmd->add_option("--output,-o", args->output, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([=] { *exit_code = Guarded([&] { return RunIngest(*args); }); });
}

// --- delta -----------------------------------------------------------------

struct DeltaArgs {
  std::string table;
  std::string catalog_db;
  std::string output = "text";
  int64_t version = -1;
  int64_t limit = -1;
  double retain_hours = 168;
  bool dry_run = false;
};

std::optional<int64_t> VersionOf(const DeltaArgs& a) {
  return a.version >= 0 ? std::optional<int64_t>(a.version) : std::nullopt;
}

Status RunHistory(const DeltaArgs& a) {
  SL_ASSIGN_OR_RETURN(TableRef ref, ResolveTable(a.table, a.catalog_db));
  SL_ASSIGN_OR_RETURN(auto history, delta::History(*ref.fs, ref.root));
  if (a.output == "json") {
    OJson out = OJson::array();
    for (const auto& c : history) {
      OJson j;
      j["version"] = c.version;
      j["timestamp"] = IsoTime(c.timestamp_ms);
      j["adds"] = c.adds;
      j["removes"] = c.removes;
      j["commitInfo"] = OJson::parse(c.commit_info, nullptr, false);
      out.push_back(std::move(j));
    }
    return Print(Dump(out));
  }
  std::string text = "version  timestamp                 operation  mode       files added  files removed  engine\n";
  for (const auto& c : history) {
    nlohmann::json info = nlohmann::json::parse(c.commit_info, nullptr, false);
    auto field = [&](const char* key) -> std::string {
      if (info.is_object() && info.contains(key) && info[key].is_string()) return info[key].get<std::string>();
      return "-";
    };
    std::string mode = "-";
    if (info.is_object() && info.contains("operationParameters") && info["operationParameters"].is_object() &&
        info["operationParameters"].contains("mode") && info["operationParameters"]["mode"].is_string()) {
      mode = info["operationParameters"]["mode"].get<std::string>();
    }
    char line[512];
    std::snprintf(line, sizeof line, "%-8lld %-25s %-10s %-10s %11lld  %13lld  %s\n",
                  static_cast<long long>(c.version), IsoTime(c.timestamp_ms).c_str(),
                  field("operation").substr(0, 40).c_str(), mode.c_str(), static_cast<long long>(c.adds),
                  static_cast<long long>(c.removes), field("engineInfo").c_str());
    text.append(line);
  }
  return Print(text);
}

Status RunFiles(const DeltaArgs& a) {
  SL_ASSIGN_OR_RETURN(TableRef ref, ResolveTable(a.table, a.catalog_db));
  SL_ASSIGN_OR_RETURN(delta::Snapshot snap, Load(ref, VersionOf(a), /*check_protocol=*/false));
  if (a.output == "json") {
    OJson out = OJson::array();
    for (const auto& f : snap.files) {
      OJson j;
      auto decoded = delta::DecodeLogPath(f.path);
      j["path"] = decoded.ok() ? *decoded : f.path;
      j["size"] = f.size;
      j["modificationTime"] = f.modification_time;
      j["partitionValues"] = OJson::object();
      for (const auto& [k, v] : f.partition_values) j["partitionValues"][k] = v ? OJson(*v) : OJson(nullptr);
      if (f.stats) j["stats"] = OJson::parse(*f.stats, nullptr, false);
      j["deletionVector"] = f.has_deletion_vector;
      out.push_back(std::move(j));
    }
    return Print(Dump(out));
  }
  std::string text;
  for (const auto& f : snap.files) {
    auto decoded = delta::DecodeLogPath(f.path);
    text.append(decoded.ok() ? *decoded : f.path).push_back('\n');
  }
  return Print(text);
}

Status RunSchema(const DeltaArgs& a) {
  SL_ASSIGN_OR_RETURN(TableRef ref, ResolveTable(a.table, a.catalog_db));
  SL_ASSIGN_OR_RETURN(delta::Snapshot snap, Load(ref, VersionOf(a)));
  if (a.output == "json") {
    OJson out;
    out["version"] = snap.version;
    out["columns"] = ColumnsJson(snap.schema);
    out["schemaString"] = OJson::parse(snap.metadata.schema_string, nullptr, false);
    out["protocol"] = {{"minReaderVersion", snap.protocol.min_reader_version},
                       {"minWriterVersion", snap.protocol.min_writer_version}};
    if (snap.protocol.reader_features) out["protocol"]["readerFeatures"] = *snap.protocol.reader_features;
    if (snap.protocol.writer_features) out["protocol"]["writerFeatures"] = *snap.protocol.writer_features;
    return Print(Dump(out));
  }
  std::string text;
  for (const Field& f : snap.schema.fields) {
    text.append(f.name).append("  ").append(delta::SparkTypeName(f.type)).append(f.nullable ? "" : "  NOT NULL");
    text.push_back('\n');
  }
  return Print(text);
}

Status RunDeltaCat(const DeltaArgs& a) {
  SL_ASSIGN_OR_RETURN(TableRef ref, ResolveTable(a.table, a.catalog_db));
  SL_ASSIGN_OR_RETURN(delta::Snapshot snap, Load(ref, VersionOf(a)));
  StdoutWriter out;
  Status st = delta::ScanJsonRows(*ref.fs, snap, a.limit, [&](std::string_view row) {
    out.buffer()->append(row).push_back('\n');
    return out.MaybeFlush();
  });
  SL_RETURN_NOT_OK(out.Flush());
  return st;
}

Status RunVacuum(const DeltaArgs& a) {
  SL_ASSIGN_OR_RETURN(TableRef ref, ResolveTable(a.table, a.catalog_db));
  delta::VacuumOptions options;
  options.retain_hours = a.retain_hours;
  options.dry_run = a.dry_run;
  SL_ASSIGN_OR_RETURN(delta::VacuumResult r, delta::Vacuum(*ref.fs, ref.root, options));
  std::string text;
  for (const std::string& p : r.deleted) text.append(p).push_back('\n');
  text.append(a.dry_run ? "would delete " : "deleted ")
      .append(std::to_string(r.deleted.size()))
      .append(" files (")
      .append(std::to_string(r.bytes))
      .append(" bytes), kept ")
      .append(std::to_string(r.kept))
      .append("\n");
  return Print(text);
}

void RegisterDelta(CLI::App& app, ExitCode* exit_code) {
  auto* delta_cmd = app.add_subcommand("delta", "Read Delta tables (by path or catalog.schema.table)");
  delta_cmd->require_subcommand(1);
  auto add = [&](const char* name, const char* help, Status (*run)(const DeltaArgs&), bool version, bool output) {
    auto* cmd = delta_cmd->add_subcommand(name, help);
    auto args = std::make_shared<DeltaArgs>();
    cmd->add_option("table", args->table, "Table directory/URI or catalog.schema.table")->required();
    cmd->add_option("--catalog-db", args->catalog_db, "Catalog file (default $SNAPLAKE_HOME/catalog.db)");
    if (version) cmd->add_option("--version", args->version, "Read this version (default: the latest)");
    if (output) cmd->add_option("--output,-o", args->output, "text or json")->check(CLI::IsMember({"text", "json"}));
    if (std::string(name) == "cat") cmd->add_option("--limit,-n", args->limit, "Print at most this many rows");
    if (std::string(name) == "vacuum") {
      cmd->add_option("--retain-hours", args->retain_hours, "Keep files needed by versions this recent")
          ->capture_default_str();
      cmd->add_flag("--dry-run", args->dry_run, "Only list the files that would be deleted");
    }
    cmd->callback([=] { *exit_code = Guarded([&] { return run(*args); }); });
  };
  add("history", "Commits, newest first", RunHistory, false, true);
  add("files", "Active data files (relative to the table root), sorted", RunFiles, true, true);
  add("schema", "Columns and their Delta types", RunSchema, true, true);
  add("cat", "Rows as JSON lines", RunDeltaCat, true, false);
  add("vacuum", "Delete data files no version within the retention needs", RunVacuum, false, false);
}

// --- catalog ---------------------------------------------------------------

struct CatalogArgs {
  std::string name;
  std::string comment;
  std::string catalog_db;
  std::string output = "text";
};

Status RunCatalogList(const CatalogArgs& a) {
  SL_ASSIGN_OR_RETURN(auto cat, OpenCatalog(a.catalog_db));
  std::string text;
  if (a.name.empty()) {
    SL_ASSIGN_OR_RETURN(auto names, cat->ListCatalogs());
    for (const auto& n : names) text.append(n).push_back('\n');
    return Print(text);
  }
  SL_ASSIGN_OR_RETURN(catalog::QualifiedName q, catalog::ParseQualifiedName(a.name, 1, 2));
  if (q.schema.empty()) {
    SL_ASSIGN_OR_RETURN(auto names, cat->ListSchemas(q.catalog));
    for (const auto& n : names) text.append(q.catalog).append(".").append(n).push_back('\n');
    return Print(text);
  }
  SL_ASSIGN_OR_RETURN(auto tables, cat->ListTables(q.catalog, q.schema));
  if (a.output == "json") {
    OJson out = OJson::array();
    for (const auto& t : tables) {
      out.push_back({{"name", q.ToString() + "." + t.name}, {"format", t.format}, {"version", t.version},
                     {"rows", t.row_count}, {"location", t.location}, {"updated", IsoTime(t.updated_ms)}});
    }
    return Print(Dump(out));
  }
  for (const auto& t : tables) {
    char line[128];
    std::snprintf(line, sizeof line, "  %-5s  version %-4lld  %10lld rows  ", t.format.c_str(),
                  static_cast<long long>(t.version), static_cast<long long>(t.row_count));
    text.append(q.ToString()).append(".").append(t.name).append(line).append(t.location).push_back('\n');
  }
  return Print(text);
}

Status RunCreateCatalog(const CatalogArgs& a) {
  SL_ASSIGN_OR_RETURN(catalog::QualifiedName q, catalog::ParseQualifiedName(a.name, 1, 1));
  SL_ASSIGN_OR_RETURN(auto cat, OpenCatalog(a.catalog_db));
  SL_RETURN_NOT_OK(cat->CreateCatalog(q.catalog, a.comment));
  return Print("created catalog " + q.catalog + "\n");
}

Status RunCreateSchema(const CatalogArgs& a) {
  SL_ASSIGN_OR_RETURN(catalog::QualifiedName q, catalog::ParseQualifiedName(a.name, 2, 2));
  SL_ASSIGN_OR_RETURN(auto cat, OpenCatalog(a.catalog_db));
  SL_RETURN_NOT_OK(cat->CreateSchema(q.catalog, q.schema, a.comment));
  return Print("created schema " + q.ToString() + "\n");
}

Status RunDescribe(const CatalogArgs& a) {
  SL_ASSIGN_OR_RETURN(catalog::QualifiedName q, catalog::ParseQualifiedName(a.name, 3, 3));
  SL_ASSIGN_OR_RETURN(auto cat, OpenCatalog(a.catalog_db));
  SL_ASSIGN_OR_RETURN(catalog::TableEntry t, cat->GetTable(q.catalog, q.schema, q.table));
  // The log is the truth: version, columns, rows and update time come from it.
  SL_ASSIGN_OR_RETURN(auto fs, FileSystemForPath(t.location));
  auto snap = delta::LoadSnapshot(*fs, t.location);
  if (!snap.ok()) return snap.status().WithContext("table " + q.ToString() + " at " + t.location);
  OJson out;
  out["name"] = q.ToString();
  out["location"] = t.location;
  out["format"] = t.format;
  out["tableId"] = snap->metadata.id;
  out["version"] = snap->version;
  const int64_t rows = snap->num_records();
  out["rows"] = rows >= 0 ? OJson(rows) : OJson(nullptr);
  out["files"] = snap->files.size();
  out["created"] = IsoTime(t.created_ms);
  out["updated"] = IsoTime(snap->timestamp_ms);
  out["owner"] = t.owner;
  out["comment"] = t.comment;
  out["columns"] = ColumnsJson(snap->schema);
  if (a.output == "json") return Print(Dump(out));
  std::string text;
  for (const char* key : {"name", "location", "format", "tableId", "version", "rows", "files", "created", "updated",
                          "owner", "comment"}) {
    const OJson& v = out[key];
    text.append(key).append(": ").append(v.is_string() ? v.get<std::string>() : v.dump()).push_back('\n');
  }
  text.append("columns:\n");
  for (const Field& f : snap->schema.fields) {
    text.append("  ").append(f.name).append("  ").append(delta::SparkTypeName(f.type));
    text.append(f.nullable ? "" : "  NOT NULL").push_back('\n');
  }
  return Print(text);
}

void RegisterCatalog(CLI::App& app, ExitCode* exit_code) {
  auto* cat = app.add_subcommand("catalog", "The lake catalog: catalogs, schemas and tables");
  cat->require_subcommand(1);
  auto add = [&](const char* name, const char* help, const char* what, bool required, Status (*run)(const CatalogArgs&)) {
    auto* cmd = cat->add_subcommand(name, help);
    auto args = std::make_shared<CatalogArgs>();
    auto* opt = cmd->add_option("name", args->name, what);
    if (required) opt->required();
    cmd->add_option("--catalog-db", args->catalog_db, "Catalog file (default $SNAPLAKE_HOME/catalog.db)");
    if (std::string(name).rfind("create", 0) == 0) cmd->add_option("--comment", args->comment, "A comment");
    if (std::string(name) == "list" || std::string(name) == "describe") {
      cmd->add_option("--output,-o", args->output, "text or json")->check(CLI::IsMember({"text", "json"}));
    }
    cmd->callback([=] { *exit_code = Guarded([&] { return run(*args); }); });
  };
  add("list", "List catalogs, a catalog's schemas, or a schema's tables", "[catalog[.schema]]", false,
      RunCatalogList);
  add("create-catalog", "Create a catalog", "catalog", true, RunCreateCatalog);
  add("create-schema", "Create a schema in a catalog", "catalog.schema", true, RunCreateSchema);
  add("describe", "Show a table: location, format, columns, version, rows, updated", "catalog.schema.table", true,
      RunDescribe);
}

}  // namespace

void RegisterLakeCommands(CLI::App& app, ExitCode* exit_code) {
  RegisterIngest(app, exit_code);
  RegisterDelta(app, exit_code);
  RegisterCatalog(app, exit_code);
}

}  // namespace snaplake::cli
