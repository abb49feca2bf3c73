// Helpers for tests that run `snaplake export start` against a real
// PostgreSQL server and check the Parquet it wrote, value by value, against
// PostgreSQL's own output (header-only: tests/CMakeLists.txt compiles only
// *_test.cc files and tests/testing/ into executables).
//
// The comparison reads our files with DuckDB (the oracle's `sql` command,
// an independent Parquet reader) and PostgreSQL's rows with psql, both as
// JSON arrays of row objects, and compares them column by column. Each column
// names the expression used on each side and the one normalization that is
// allowed for it (see Norm); everything else must be byte-identical.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "testing/oracle.h"
#include "testing/pg_server.h"
#include "testing/test_env.h"

namespace snaplake::export_test {

// ---------------------------------------------------------------------------
// Running the CLI.

struct ExportRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json describe;  // stdout parsed (the task, as `export describe` prints it); null if not JSON
  double seconds = 0;       // wall time of the command

  std::string Status() const {
    return describe.is_object() && describe.contains("Status") ? describe["Status"].get<std::string>() : "";
  }
  std::string Warning() const {
    return describe.is_object() && describe.contains("WarningMessage") ? describe["WarningMessage"].get<std::string>()
                                                                       : "";
  }
  // For failure messages.
  std::string Summary() const {
    return StrCat("exit ", std::to_string(exit_code), "\n--- stdout ---\n", out.substr(0, 4000), "\n--- stderr ---\n",
                  err.substr(0, 4000));
  }
};

// `SNAPLAKE_HOME=home snaplake export start --id ID --source SOURCE --target
// TARGET EXTRA --wait`; `extra` is passed to the shell as it is (quote with ShellQuote).
inline ExportRun RunExport(const std::string& home, const std::string& id, const std::string& source,
                           const std::string& target, const std::string& extra = "") {
  ExportRun run;
  const std::string cmd =
      StrCat("SNAPLAKE_HOME=", ShellQuote(home), " ", ShellQuote(SnaplakeBinary()), " export start --id ",
             ShellQuote(id), " --source ", ShellQuote(source), " --target ", ShellQuote(target), " ", extra, " --wait");
  const auto start = std::chrono::steady_clock::now();
  run.exit_code = RunCommandCapture(cmd, &run.out, &run.err);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.describe = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (run.describe.is_discarded()) run.describe = nullptr;
  return run;
}

inline ::testing::AssertionResult Completed(const ExportRun& run) {
  if (run.exit_code == 0 && run.Status() == "COMPLETE") return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "export did not complete: " << run.Summary();
}

// ---------------------------------------------------------------------------
// Files.

// Every regular file under `dir` whose name ends in ".parquet", sorted.
inline std::vector<std::string> ParquetFilesUnder(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file() && name.size() > 8 && name.compare(name.size() - 8, 8, ".parquet") == 0) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Names of the entries directly inside `dir`, sorted (empty if it does not exist).
inline std::vector<std::string> EntriesOf(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// "a/b/x.parquet" -> "x.parquet".
inline std::string BaseName(const std::string& path) { return std::filesystem::path(path).filename().string(); }

// ---------------------------------------------------------------------------
// SQL text.

// A single-quoted SQL string literal (both PostgreSQL and DuckDB).
inline std::string SqlString(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

// A double-quoted identifier (both PostgreSQL and DuckDB).
inline std::string SqlIdent(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// DuckDB: read_parquet(['f1', 'f2', ...]) over exactly these files.
inline std::string ReadParquet(const std::vector<std::string>& files) {
  std::string out = "read_parquet([";
  for (size_t i = 0; i < files.size(); ++i) {
    if (i > 0) out.append(", ");
    out.append(SqlString(files[i]));
  }
  out.append("])");
  return out;
}

// Percent-encodes everything but unreserved characters, for a database name in a URI.
inline std::string UriEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

// Settings for every psql session that produces expected values: the same
// text forms the exporter's sessions use (src/source/postgres/pg_connection.cc).
inline constexpr const char* kPsqlPreamble =
    "SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; "
    "SET TimeZone = 'UTC'; SET bytea_output = 'hex'; SET extra_float_digits = 1;\n";

// psql's single output value of `sql` (one row, one column), trimmed of the newline.
inline Result<std::string> PgValue(const testing::PgServer& pg, const std::string& db, const std::string& sql) {
  SL_ASSIGN_OR_RETURN(std::string out, pg.Psql(StrCat(kPsqlPreamble, sql, ";"), db));
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// Rows of `SELECT <select_list> FROM <from>` as a JSON array of objects,
// ordered by the (numeric) output column "id", which select_list must have.
inline Result<nlohmann::json> PgRows(const testing::PgServer& pg, const std::string& db, const std::string& select_list,
                                     const std::string& from) {
  SL_ASSIGN_OR_RETURN(std::string out,
                      PgValue(pg, db,
                              StrCat("SELECT coalesce(json_agg(q ORDER BY q.id), '[]'::json) FROM (SELECT ",
                                     select_list, " FROM ", from, ") q")));
  nlohmann::json rows = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (rows.is_discarded() || !rows.is_array()) {
    return Status::Corruption(StrCat("psql did not print a JSON array: ", out.substr(0, 500)));
  }
  return rows;
}

// DuckDB's column name -> type for `SELECT * FROM <relation>`.
inline Result<std::map<std::string, std::string>> DuckTypes(const std::string& relation) {
  SL_ASSIGN_OR_RETURN(
      nlohmann::json rows,
      OracleSql(StrCat("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ", relation, ")")));
  std::map<std::string, std::string> types;
  for (const auto& row : rows) types[row["column_name"].get<std::string>()] = row["column_type"].get<std::string>();
  return types;
}

// `oracle all` for files that hold DATE values beyond JavaScript's Date range
// (|days| > 100 000 000 from 1970: PostgreSQL's date infinity, written as
// 2147483647 days as DuckDB does, and dates like 5874897-12-31). The oracle's
// two JavaScript dump scripts (hyp_dump.mjs dateFromDays, wasm_dump.mjs cell)
// print a decoded DATE with `new Date(days * 86400000).toISOString()`, which
// throws for those (their timestamp paths have a fallback, the date paths do
// not): a limit of the dump scripts, after the reader decoded the value, not
// of the file. So DuckDB and the structural checker must accept each file as
// `oracle all` runs them, and hyparquet and arrow-rs must too unless they fail
// with exactly that error.
inline ::testing::AssertionResult OracleAllOkExceptJsDateRange(const std::vector<std::string>& files) {
  const std::optional<std::string> oracle = OraclePath();
  if (!oracle) return ::testing::AssertionFailure() << "no oracle";
  std::string problems;
  for (const std::string& f : files) {
    for (const char* reader : {"duckdb", "arrow-rs", "hyparquet", "check"}) {
      const std::string args = std::string(reader) == "check" ? "" : " rows 1";
      std::string out, err;
      const int rc =
          RunCommandCapture(StrCat("TZ=UTC ", ShellQuote(*oracle), " ", reader, " ", ShellQuote(f), args), &out, &err);
      if (rc == 0) continue;
      const bool js_date_limit =
          err.find("RangeError: Invalid time value") != std::string::npos &&
          ((std::string(reader) == "hyparquet" && err.find("at Object.dateFromDays") != std::string::npos) ||
           (std::string(reader) == "arrow-rs" && err.find("at cell (") != std::string::npos));
      if (js_date_limit) continue;
      problems.append(StrCat("\n  ", reader, " ", f, " exited with ", std::to_string(rc), ": ", err.substr(0, 1500),
                             out.substr(0, 1500)));
    }
  }
  if (problems.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "oracle readers failed:" << problems;
}

// ---------------------------------------------------------------------------
// Value comparison.

// The differences allowed between PostgreSQL's text and DuckDB's, per column.
// Anything not listed here must be identical.
enum class Norm {
  kExact,  // identical JSON values (strings byte for byte)
  // FLOAT/DOUBLE: the two engines spell the same number differently (PostgreSQL
  // "NaN", "Infinity", "-0", DuckDB "nan", "inf", "-0.0"); both are parsed
  // (strtof/strtod) and must be the same value: NaN matches NaN, and the sign of
  // zero must match.
  kFloat,
  kDouble,
  // DATE/TIMESTAMP[TZ]: DuckDB writes years before 1 AD as "4713-01-01 (BC)
  // 00:00:00", PostgreSQL as "4713-01-01 00:00:00 BC": DuckDB's " (BC)" is moved
  // to the end as " BC" (in list elements too). Nothing else is changed (both
  // print ISO dates, the same fraction digits, "+00" for UTC, "infinity").
  kBcSuffix,
  // DECIMAL(38,s) from unconstrained numeric: the column has one scale, while
  // PostgreSQL prints each value with its own ("1.5" vs DuckDB "1.500"):
  // trailing fraction zeros (and a bare '.') are removed on both sides.
  kTrimDecimal,
  // The same for every string element of a list (PostgreSQL
  // array_to_json(col::text[]) vs DuckDB col::VARCHAR[]).
  kTrimDecimalList,
};

struct ColumnCheck {
  std::string name;       // output key on both sides
  std::string pg_expr;    // PostgreSQL expression
  std::string duck_expr;  // DuckDB expression over our Parquet
  Norm norm = Norm::kExact;
  std::string duck_type;  // DuckDB's type of the raw column as read from our file ("" = not checked)
  std::string column;     // the Parquet column whose type is checked (default: name)
};

inline std::string TrimDecimalText(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

inline std::string MoveBcSuffix(std::string s) {
  const std::string bc = " (BC)";
  size_t at = s.find(bc);
  if (at == std::string::npos) return s;
  s.erase(at, bc.size());
  s.append(" BC");
  return s;
}

inline ::testing::AssertionResult SameFloat(const nlohmann::json& pg, const nlohmann::json& duck, bool single) {
  if (pg.is_null() || duck.is_null()) {
    if (pg.is_null() && duck.is_null()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "NULL on one side only";
  }
  if (!pg.is_string() || !duck.is_string()) return ::testing::AssertionFailure() << "expected two strings";
  const std::string a = pg.get<std::string>();
  const std::string b = duck.get<std::string>();
  double x = single ? std::strtof(a.c_str(), nullptr) : std::strtod(a.c_str(), nullptr);
  double y = single ? std::strtof(b.c_str(), nullptr) : std::strtod(b.c_str(), nullptr);
  if (std::isnan(x) && std::isnan(y)) return ::testing::AssertionSuccess();
  if (x == y && std::signbit(x) == std::signbit(y)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "different numbers";
}

inline nlohmann::json Normalize(const nlohmann::json& v, Norm norm, bool duck_side) {
  switch (norm) {
    case Norm::kBcSuffix: {
      if (!duck_side) return v;
      if (v.is_string()) return MoveBcSuffix(v.get<std::string>());
      if (!v.is_array()) return v;
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : v) out.push_back(Normalize(e, norm, duck_side));
      return out;
    }
    case Norm::kTrimDecimal:
      return v.is_string() ? nlohmann::json(TrimDecimalText(v.get<std::string>())) : v;
    case Norm::kTrimDecimalList: {
      if (!v.is_array()) return v;
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : v) out.push_back(e.is_string() ? nlohmann::json(TrimDecimalText(e.get<std::string>())) : e);
      return out;
    }
    default:
      return v;
  }
}

// Row i of both arrays, column by column, must match after each column's
// normalization; the row counts too. The message names the first few
// differences with both values.
inline ::testing::AssertionResult SameValues(const nlohmann::json& pg_rows, const nlohmann::json& duck_rows,
                                             const std::vector<ColumnCheck>& checks) {
  if (!pg_rows.is_array() || !duck_rows.is_array()) return ::testing::AssertionFailure() << "rows are not arrays";
  if (pg_rows.size() != duck_rows.size()) {
    return ::testing::AssertionFailure() << "PostgreSQL has " << pg_rows.size() << " rows, our file "
                                         << duck_rows.size();
  }
  std::string problems;
  int count = 0;
  for (size_t r = 0; r < pg_rows.size(); ++r) {
    for (const ColumnCheck& check : checks) {
      const nlohmann::json pg = pg_rows[r].contains(check.name) ? pg_rows[r][check.name] : nlohmann::json("<missing>");
      const nlohmann::json duck =
          duck_rows[r].contains(check.name) ? duck_rows[r][check.name] : nlohmann::json("<missing>");
      bool same;
      if (check.norm == Norm::kFloat || check.norm == Norm::kDouble) {
        same = static_cast<bool>(SameFloat(pg, duck, check.norm == Norm::kFloat));
      } else {
        same = Normalize(pg, check.norm, false) == Normalize(duck, check.norm, true);
      }
      if (!same && ++count <= 20) {
        problems.append(StrCat("\n  row ", std::to_string(r), " (id ", pg_rows[r].value("id", nlohmann::json()).dump(),
                               ") column ", check.name, ": PostgreSQL ", pg.dump().substr(0, 300), " vs ours ",
                               duck.dump().substr(0, 300)));
      }
    }
  }
  if (count == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << count << " differing values:" << problems;
}

// Runs both sides for `checks` (plus an "id" column on each side) and
// compares them; also checks DuckDB's type of each raw column.
//   pg_from:   e.g. "public.all_types"
//   duck_from: e.g. ReadParquet(files)
inline ::testing::AssertionResult TableMatches(const testing::PgServer& pg, const std::string& db,
                                               const std::string& pg_from, const std::string& duck_from,
                                               const std::vector<ColumnCheck>& checks) {
  std::string pg_list = "id";
  std::string duck_list = "id";
  for (const ColumnCheck& c : checks) {
    pg_list.append(", ").append(c.pg_expr).append(" AS ").append(SqlIdent(c.name));
    duck_list.append(", ").append(c.duck_expr).append(" AS ").append(SqlIdent(c.name));
  }
  Result<nlohmann::json> pg_rows = PgRows(pg, db, pg_list, pg_from);
  if (!pg_rows.ok()) return ::testing::AssertionFailure() << "PostgreSQL: " << pg_rows.status().ToString();
  Result<nlohmann::json> duck_rows = OracleSql(StrCat("SELECT ", duck_list, " FROM ", duck_from, " ORDER BY id"));
  if (!duck_rows.ok()) return ::testing::AssertionFailure() << "DuckDB: " << duck_rows.status().ToString();
  Result<std::map<std::string, std::string>> types = DuckTypes(duck_from);
  if (!types.ok()) return ::testing::AssertionFailure() << "DuckDB DESCRIBE: " << types.status().ToString();
  std::string type_problems;
  for (const ColumnCheck& c : checks) {
    if (c.duck_type.empty()) continue;
    const std::string& column = c.column.empty() ? c.name : c.column;
    auto it = types->find(column);
    const std::string got = it == types->end() ? "<no such column>" : it->second;
    if (got != c.duck_type) type_problems.append(StrCat("\n  ", column, ": expected ", c.duck_type, ", got ", got));
  }
  ::testing::AssertionResult values = SameValues(*pg_rows, *duck_rows, checks);
  if (type_problems.empty() && values) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure() << "table " << pg_from << ":";
  if (!type_problems.empty()) failure << " column types differ:" << type_problems;
  if (!values) failure << "\n" << values.message();
  return failure;
}

}  // namespace snaplake::export_test
