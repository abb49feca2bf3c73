#include "catalog/ingest.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "export/layout.h"
#include "export/task_store.h"
#include "lake/delta/log_files.h"
#include "lake/delta/snapshot.h"
#include "lake/delta/spark_schema.h"
#include "storage/file_system.h"

namespace snaplake::catalog {

namespace {

using delta::JoinPath;

// Tables committed at once (their I/O overlaps; the work itself is small).
constexpr size_t kIngestThreads = 4;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

struct SourceTable {
  std::string database, schema, table;
  std::string qualified() const { return database + "." + schema + "." + table; }
  std::vector<std::string> files;
};

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

bool Selected(const SourceTable& t, const std::vector<std::string>& filters) {
  if (filters.empty()) return true;
  for (const std::string& f : filters) {
    if (f == t.table || f == t.schema + "." + t.table || f == t.qualified()) return true;
  }
  return false;
}

std::string ColumnsJson(const Schema& schema) {
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  for (const Field& f : schema.fields) {
    columns.push_back({{"name", f.name}, {"type", delta::SparkTypeName(f.type)}, {"nullable", f.nullable}});
  }
  return columns.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The export's directory and id, refusing an export that is not COMPLETE.
Status ResolveExport(const IngestRequest& req, FileSystem** fs_out, std::shared_ptr<FileSystem>* fs_holder,
                     std::string* dir, std::string* id) {
  if (!req.export_id.empty()) {
    SL_ASSIGN_OR_RETURN(auto store, exporting::TaskStore::Open(req.home));
    SL_ASSIGN_OR_RETURN(exporting::ExportTask task, store->Get(req.export_id));
    if (task.status != exporting::ExportStatus::kComplete) {
      return Status::InvalidArgument("export " + task.id + " is " + exporting::ExportStatusName(task.status) +
                                     ", not COMPLETE; ingest it once `snaplake export describe " + task.id +
                                     "` says COMPLETE");
    }
    *dir = JoinPath(task.target, exporting::TaskDirectoryName(task.id));
    *id = task.id;
  } else {
    *dir = req.export_dir;
    while (dir->size() > 1 && dir->back() == '/') dir->pop_back();
    const size_t slash = dir->find_last_of('/');
    *id = PercentDecode(slash == std::string::npos ? *dir : dir->substr(slash + 1));
  }
  SL_ASSIGN_OR_RETURN(*fs_holder, FileSystemForPath(*dir));
  *fs_out = fs_holder->get();
  auto success = (*fs_out)->Stat(JoinPath(*dir, exporting::kSuccessFileName));
  if (!success.ok()) {
    return Status::InvalidArgument("export " + *dir + " is not COMPLETE (no " + exporting::kSuccessFileName +
                                   "): wait for it to finish, or run it again");
  }
  if (req.export_id.empty()) {
    // The task may live in another home: the export's own summary must say COMPLETE too.
    auto info = ReadWholeFile(**fs_out, JoinPath(*dir, exporting::ExportInfoFileName(*id)));
    if (info.ok()) {
      nlohmann::json j = nlohmann::json::parse(*info, nullptr, false);
      if (j.is_object() && j.contains("status") && j["status"] != "COMPLETE") {
        return Status::InvalidArgument("export " + *dir + " is " + j["status"].dump() + ", not COMPLETE");
      }
    }
  }
  return Status::OK();
}

// COMPLETE tables of the export, with their Parquet files, from the
// tables-info summaries and the layout DB/SCHEMA.TABLE/1/part-*.parquet.
Status FindTables(FileSystem& fs, const std::string& dir, std::vector<SourceTable>* tables,
                  std::vector<std::string>* notes) {
  SL_ASSIGN_OR_RETURN(std::vector<FileInfo> listed, fs.List(dir + "/"));
  std::map<std::string, std::string> status;  // qualified name -> status
  std::map<std::string, SourceTable> found;
  for (const FileInfo& f : listed) {
    if (f.path.size() <= dir.size() + 1) continue;
    const std::string rel = f.path.substr(dir.size() + 1);
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
      const size_t slash = rel.find('/', start);
      parts.push_back(rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    if (parts.size() == 1 && parts[0].rfind("export_tables_info_", 0) == 0) {
      SL_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(fs, f.path));
      nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
      if (!j.is_object() || !j.contains("perTableStatus") || !j["perTableStatus"].is_array()) {
        return Status::Corruption(f.path + ": not an export tables-info file (no perTableStatus list)");
      }
      for (const auto& t : j["perTableStatus"]) {
        if (t.is_object() && t.contains("target") && t["target"].is_string() && t.contains("status")) {
          status[t["target"].get<std::string>()] = t["status"].is_string() ? t["status"].get<std::string>() : "";
        }
      }
      continue;
    }
    const std::string& name = parts.back();
    if (parts.size() != 4 || name.size() < 8 || name.compare(name.size() - 8, 8, ".parquet") != 0 ||
        name[0] == '.' || name[0] == '_') {
      continue;
    }
    const size_t dot = parts[1].find('.');
    if (dot == std::string::npos) continue;
    SourceTable t;
    t.database = PercentDecode(parts[0]);
    t.schema = PercentDecode(parts[1].substr(0, dot));
    t.table = PercentDecode(parts[1].substr(dot + 1));
    auto [it, inserted] = found.emplace(t.qualified(), t);
    it->second.files.push_back(f.path);
  }
  if (status.empty()) return Status::Corruption(dir + ": no export_tables_info_*.json lists the exported tables");
  for (const auto& [qualified, st] : status) {
    if (st != "COMPLETE") {
      notes->push_back("skipped " + qualified + ": its export status is " + st);
      continue;
    }
    auto it = found.find(qualified);
    if (it == found.end()) {
      notes->push_back("skipped " + qualified + ": no Parquet files found for it under " + dir);
      continue;
    }
    std::sort(it->second.files.begin(), it->second.files.end());
    tables->push_back(std::move(it->second));
  }
  return Status::OK();
}


// One table: commit, then record it in the catalog. Never throws; the status says how it went.
IngestedTable IngestOne(const IngestRequest& req, Catalog& catalog, const SourceTable& t, const std::string& catalog_name,
                        const std::string& schema_name, const std::string& name, const std::string& export_id) {
  IngestedTable out;
  out.source = t.qualified();
  out.name = catalog_name + "." + schema_name + "." + name;
  out.status = [&]() -> Status {
    auto existing = catalog.GetTable(catalog_name, schema_name, name);
    if (existing.ok()) {
      out.location = existing->location;
    } else if (existing.status().code() == StatusCode::kNotFound) {
      out.location = JoinPath(JoinPath(JoinPath(req.warehouse, catalog_name), schema_name), name);
    } else {
      return existing.status();
    }
    SL_ASSIGN_OR_RETURN(auto table_fs, FileSystemForPath(out.location));
    delta::OverwriteRequest write;
    write.table_root = out.location;
    write.data_files = t.files;
    write.operation_note = "snaplake ingest of export " + export_id + " table " + t.qualified();
    SL_ASSIGN_OR_RETURN(out.result, delta::OverwriteTable(*table_fs, write));
    TableEntry entry;
    entry.catalog = catalog_name;
    entry.schema = schema_name;
    entry.name = name;
    entry.location = out.location;
    entry.columns_json = ColumnsJson(out.result.schema);
    entry.version = out.result.version;
    entry.row_count = out.result.rows;
    entry.table_id = out.result.table_id;
    Status st = catalog.UpsertTable(entry);
    if (!st.ok()) {
      return Status(st.code(), "committed version " + std::to_string(out.result.version) + " of " + out.location +
                                   " but could not record it in the catalog (the next ingest will): " + st.message());
    }
    return Status::OK();
  }();
  if (!out.status.ok() && out.status.message().find(out.source) == std::string::npos) {
    out.status = out.status.WithContext(out.source);
  }
  return out;
}

}  // namespace

bool IngestReport::ok() const {
  return std::all_of(tables.begin(), tables.end(), [](const IngestedTable& t) { return t.status.ok(); });
}

Result<IngestReport> IngestExport(const IngestRequest& req, Catalog& catalog,
                                  const std::function<void(const IngestedTable&)>& progress) {
  SL_ASSIGN_OR_RETURN(std::string catalog_name, NormalizeName(req.catalog, "catalog"));
  SL_ASSIGN_OR_RETURN(std::string schema_name, NormalizeName(req.schema, "schema"));
  IngestReport report;
  FileSystem* export_fs = nullptr;
  std::shared_ptr<FileSystem> export_fs_holder;
  SL_RETURN_NOT_OK(ResolveExport(req, &export_fs, &export_fs_holder, &report.export_dir, &report.export_id));

  std::vector<SourceTable> tables;
  SL_RETURN_NOT_OK(FindTables(*export_fs, report.export_dir, &tables, &report.notes));
  std::vector<SourceTable> chosen;
  for (SourceTable& t : tables) {
    if (Selected(t, req.tables)) chosen.push_back(std::move(t));
  }
  for (const std::string& f : req.tables) {
    const bool matched = std::any_of(chosen.begin(), chosen.end(), [&](const SourceTable& t) {
      return f == t.table || f == t.schema + "." + t.table || f == t.qualified();
    });
    if (!matched) return Status::InvalidArgument("--tables: export " + report.export_id + " has no COMPLETE table '" + f + "'");
  }
  if (chosen.empty()) return Status::InvalidArgument("export " + report.export_id + " has no COMPLETE table to ingest");

  // Names first, all of them, so that a collision fails before any commit.
  std::map<std::string, std::string> names;  // target name -> source
  std::vector<std::string> target_names;
  for (const SourceTable& t : chosen) {
    std::string name = ReplaceAll(ReplaceAll(ReplaceAll(req.name_template, "{table}", t.table), "{schema}", t.schema),
                                  "{database}", t.database);
    auto normalized = NormalizeName(name, "table");
    if (!normalized.ok()) {
      return Status::InvalidArgument("source table " + t.qualified() + ": " + normalized.status().message() +
                                     "; choose another --name-template or leave it out with --tables");
    }
    auto [it, inserted] = names.emplace(*normalized, t.qualified());
    if (!inserted) {
      return Status::InvalidArgument("source tables " + it->second + " and " + t.qualified() + " would both become " +
                                     catalog_name + "." + schema_name + "." + *normalized +
                                     ": use --name-template '{schema}_{table}'");
    }
    target_names.push_back(*normalized);
  }

  SL_RETURN_NOT_OK(catalog.CreateCatalog(catalog_name, "", /*if_not_exists=*/true));
  SL_RETURN_NOT_OK(catalog.CreateSchema(catalog_name, schema_name, "", /*if_not_exists=*/true));

  // Tables are independent: commit several at once, so that their file-system
  // round trips (fsyncs locally, requests on S3) overlap. Results keep the
  // export's order; progress is reported as tables finish.
  report.tables.resize(chosen.size());
  std::mutex mu;
  std::atomic<size_t> next{0};
  auto work = [&]() {
    for (size_t i; (i = next.fetch_add(1)) < chosen.size();) {
      IngestedTable out = IngestOne(req, catalog, chosen[i], catalog_name, schema_name, target_names[i],
                                    report.export_id);
      std::lock_guard<std::mutex> lock(mu);
      if (progress) progress(out);
      report.tables[i] = std::move(out);
    }
  };
  const size_t threads = std::min<size_t>(chosen.size(), kIngestThreads);
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return report;
}

}  // namespace snaplake::catalog
