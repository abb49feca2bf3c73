// What the MySQL export tests share: a fixture that runs `snaplake export
// start --wait` against the shared throwaway MariaDB, and a value-by-value
// comparison of a table as MariaDB prints it with our Parquet files as DuckDB
// (the oracle) reads them. Each column is rendered to the same canonical text
// on both sides (hex for strings and bytes, ISO for dates, numbers compared as
// numbers); a zero or invalid date is expected as NULL. Header-only (see
// export_cli_test_support.h).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/export_cli_test_support.h"
#include "export/layout.h"
#include "testing/mariadb_server.h"
#include "testing/oracle.h"

namespace snaplake::testing::mysql_export {

using export_cli::CliResult;
using export_cli::FilesUnder;

enum class Kind {
  kExact,     // CAST AS CHAR / VARCHAR: integers, decimals
  kNumeric,   // MariaDB's value as a number (BIT, YEAR 0000 -> 0) vs CAST AS VARCHAR
  kBool,      // TINYINT(1) 0/1 vs BOOLEAN
  kFloat,     // compared as doubles (MariaDB prints FLOAT exactly via +0e0)
  kDate,      // ISO date; zero/invalid -> NULL
  kDateTime,  // ISO date-time with 6 fraction digits; zero/invalid -> NULL
  kTime,      // hh:mm:ss[.f], trailing fraction zeros ignored
  kText,      // hex of the UTF-8 bytes
  kBinary,    // hex of the bytes
  kBitBytes,  // BIT(n) exported as bytes: hex padded to `width` bytes
  kSpatial,   // hex of the WKB
  kRawText,   // MariaDB's text vs the exported string (DECIMAL(65), TIME beyond a day, rds dates)
};

struct Col {
  std::string name;
  Kind kind = Kind::kExact;
  int width = 0;  // kBitBytes
};

inline std::string MyQuote(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  return out + "`";
}

inline std::string DuckQuote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

inline std::string MariaDbExpr(const Col& col) {
  const std::string c = MyQuote(col.name);
  const std::string valid_date = "(LAST_DAY(" + c + ") IS NOT NULL AND YEAR(" + c + ") >= 1 AND DAY(" + c +
                                 ") >= 1 AND DAY(" + c + ") <= DAY(LAST_DAY(" + c + ")))";
  switch (col.kind) {
    case Kind::kExact:
    case Kind::kBool:
    case Kind::kTime:
    case Kind::kRawText:
      return "CAST(" + c + " AS CHAR)";
    case Kind::kFloat: return "CAST(" + c + "+0e0 AS CHAR)";
    case Kind::kNumeric: return "CAST(" + c + "+0 AS CHAR)";
    case Kind::kDate: return "IF(" + valid_date + ", DATE_FORMAT(" + c + ", '%Y-%m-%d'), NULL)";
    case Kind::kDateTime:
      return "IF(" + valid_date + ", DATE_FORMAT(" + c + ", '%Y-%m-%d %H:%i:%s.%f'), NULL)";
    case Kind::kText: return "HEX(CONVERT(" + c + " USING utf8mb4))";
    case Kind::kBinary: return "HEX(" + c + ")";
    case Kind::kBitBytes: return "LPAD(HEX(" + c + "), " + std::to_string(col.width * 2) + ", '0')";
    case Kind::kSpatial: return "HEX(ST_AsBinary(" + c + "))";
  }
  return c;
}

inline std::string DuckExpr(const Col& col) {
  const std::string c = DuckQuote(col.name);
  switch (col.kind) {
    case Kind::kExact:
    case Kind::kNumeric:
    case Kind::kTime:
    case Kind::kRawText:
      return "CAST(" + c + " AS VARCHAR)";
    case Kind::kBool: return "CAST(CAST(" + c + " AS INTEGER) AS VARCHAR)";
    case Kind::kFloat: return "CAST(CAST(" + c + " AS DOUBLE) AS VARCHAR)";
    case Kind::kDate: return "strftime(" + c + ", '%Y-%m-%d')";
    case Kind::kDateTime: return "strftime(" + c + ", '%Y-%m-%d %H:%M:%S.%f')";
    case Kind::kText:
    case Kind::kBinary:
    case Kind::kBitBytes:
    case Kind::kSpatial:
      return "hex(" + c + ")";
  }
  return c;
}

using Row = std::vector<std::optional<std::string>>;

// "12:00:00.500000" and "12:00:00.5" are the same time.
inline std::string TrimFraction(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

inline bool SameValue(const Col& col, const std::optional<std::string>& mine, const std::optional<std::string>& theirs) {
  if (!mine.has_value() || !theirs.has_value()) return mine.has_value() == theirs.has_value();
  if (col.kind == Kind::kFloat) return std::strtod(mine->c_str(), nullptr) == std::strtod(theirs->c_str(), nullptr);
  if (col.kind == Kind::kTime) return TrimFraction(*mine) == TrimFraction(*theirs);
  return *mine == *theirs;
}

// DuckDB's JSON gives big integers as strings.
inline int64_t JsonInt(const nlohmann::json& v) {
  if (v.is_string()) return std::atoll(v.get<std::string>().c_str());
  return v.is_number() ? v.get<int64_t>() : -1;
}

inline std::string Show(const std::optional<std::string>& v) { return v.has_value() ? "'" + *v + "'" : "NULL"; }

// MariaDB's rows of `db`.`table` ordered by `order_by`, rendered per column.
// The rows of the `mariadb -N -B` client's output: one line a row, tab-separated
// fields, NULL as the word NULL.
inline std::vector<Row> ParseTabRows(const std::string& out) {
  std::vector<Row> rows;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(pos, end - pos);
    pos = end + 1;
    Row row;
    size_t start = 0;
    for (;;) {
      size_t tab = line.find('\t', start);
      std::string field = line.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
      row.push_back(field == "NULL" ? std::nullopt : std::optional<std::string>(field));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

inline Result<std::vector<Row>> MariaDbRows(const MariaDbServer& server, const std::string& db,
                                            const std::string& table, const std::vector<Col>& cols,
                                            const std::string& order_by) {
  std::string sql = "SET time_zone = '+00:00';\nSELECT ";
  for (size_t i = 0; i < cols.size(); ++i) sql.append(i == 0 ? "" : ", ").append(MariaDbExpr(cols[i]));
  sql.append(" FROM ").append(MyQuote(db)).append(".").append(MyQuote(table));
  sql.append(" ORDER BY ").append(MyQuote(order_by)).append(";\n");
  SL_ASSIGN_OR_RETURN(std::string out, server.Sql(sql));
  return ParseTabRows(out);
}

// DuckDB's rows of the Parquet files in `dir`, ordered by `order_by`.
inline Result<std::vector<Row>> DuckRows(const std::string& dir, const std::vector<Col>& cols,
                                         const std::string& order_by) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < cols.size(); ++i) {
    sql.append(i == 0 ? "" : ", ").append(DuckExpr(cols[i])).append(" AS c").append(std::to_string(i));
  }
  std::string glob = dir + "/*.parquet";
  std::string quoted;
  for (char c : glob) {
    if (c == '\'') quoted.push_back('\'');
    quoted.push_back(c);
  }
  sql.append(" FROM read_parquet('").append(quoted).append("') ORDER BY ").append(DuckQuote(order_by));
  SL_ASSIGN_OR_RETURN(nlohmann::json rows_json, OracleSql(sql));
  std::vector<Row> rows;
  for (const nlohmann::json& r : rows_json) {
    Row row;
    for (size_t i = 0; i < cols.size(); ++i) {
      const nlohmann::json& v = r["c" + std::to_string(i)];
      row.push_back(v.is_null() ? std::nullopt : std::optional<std::string>(v.is_string() ? v.get<std::string>() : v.dump()));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Every value of the table equal on both sides (rows matched by `order_by` order).
inline ::testing::AssertionResult SameTable(const MariaDbServer& server, const std::string& db, const std::string& table,
                                            const std::string& parquet_dir, const std::vector<Col>& cols,
                                            const std::string& order_by = "id") {
  Result<std::vector<Row>> theirs = MariaDbRows(server, db, table, cols, order_by);
  if (!theirs.ok()) return ::testing::AssertionFailure() << "MariaDB: " << theirs.status().message();
  Result<std::vector<Row>> mine = DuckRows(parquet_dir, cols, order_by);
  if (!mine.ok()) return ::testing::AssertionFailure() << "DuckDB: " << mine.status().message();
  if (theirs->size() != mine->size()) {
    return ::testing::AssertionFailure() << db << "." << table << ": MariaDB has " << theirs->size()
                                         << " rows, the Parquet files " << mine->size();
  }
  int mismatches = 0;
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  for (size_t r = 0; r < mine->size(); ++r) {
    for (size_t c = 0; c < cols.size(); ++c) {
      const std::optional<std::string>& a = (*mine)[r][c];
      const std::optional<std::string>& b = c < (*theirs)[r].size() ? (*theirs)[r][c] : std::nullopt;
      if (SameValue(cols[c], a, b)) continue;
      if (++mismatches <= 20) {
        failure << "\n  row " << r << " column " << cols[c].name << ": Parquet " << Show(a) << ", MariaDB " << Show(b);
      }
    }
  }
  if (mismatches > 0) return failure << "\n  (" << mismatches << " mismatches in " << db << "." << table << ")";
  return ::testing::AssertionSuccess();
}

class MySqlExportTest : public export_cli::ExportCliTest {
 protected:
  // `export start --wait` of `source`; fails the test unless it ends COMPLETE.
  nlohmann::json ExportOk(const std::string& id, const std::string& source, const std::string& extra = "") {
    CliResult r = Run(StartArgs(id, source, "--wait " + extra));
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return Describe(id);
  }

  // The folder of one exported table.
  std::string TableDir(const std::string& id, const std::string& db, const std::string& table) const {
    SourceTable t;
    t.database = db;
    t.schema = db;
    t.name = table;
    return TaskDir(id) + "/" + exporting::TableDirectory(t);
  }

  // The first part file of each table: `oracle all` costs about a second per file.
  std::vector<std::string> FirstPartPerTable(const std::string& id) const {
    std::vector<std::string> out;
    std::string last_dir;
    for (const std::string& f : ParquetFiles(id)) {
      std::string dir = f.substr(0, f.rfind('/'));
      if (dir != last_dir) out.push_back(f);
      last_dir = dir;
    }
    return out;
  }

  std::vector<std::string> ParquetFiles(const std::string& id) const {
    std::vector<std::string> out;
    for (const std::string& f : FilesUnder(TaskDir(id))) {
      if (f.size() > 8 && f.substr(f.size() - 8) == ".parquet") out.push_back(TaskDir(id) + "/" + f);
    }
    return out;
  }
};

}  // namespace snaplake::testing::mysql_export
