#include "source/mysql/mysql_catalog.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace snaplake::mysql {

namespace {

int64_t ToInt64(const std::string& s, int64_t fallback) {
  int64_t v = fallback;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() ? v : fallback;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsIntegerType(const std::string& t) {
  return t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "integer" || t == "bigint";
}

using TableKey = std::pair<std::string, std::string>;

}  // namespace

bool MySqlTableMeta::transactional() const {
  std::string e = Lower(engine);
  return e == "innodb" || e == "rocksdb" || e == "tokudb";
}

Result<std::vector<MySqlTableMeta>> ReadMySqlCatalog(MySqlConnection& connection, const std::string& database,
                                                     std::vector<MySqlSkippedRelation>* skipped) {
  std::string where = database.empty()
                          ? std::string("TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')")
                          : "TABLE_SCHEMA = " + QuoteMySqlString(database);
  SL_ASSIGN_OR_RETURN(MySqlRows tables,
                      connection.Query("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, DATA_LENGTH, TABLE_ROWS "
                                       "FROM information_schema.TABLES WHERE " + where +
                                       " ORDER BY TABLE_SCHEMA, TABLE_NAME"));
  std::vector<MySqlTableMeta> metas;
  std::map<TableKey, size_t> index;
  for (size_t r = 0; r < tables.size(); ++r) {
    const std::vector<std::string>& row = tables.rows[r];
    const std::string& type = row[2];
    if (type != "BASE TABLE" && type != "SYSTEM VERSIONED") {
      if (skipped != nullptr) {
        std::string what = type == "VIEW" ? "a view" : type == "SEQUENCE" ? "a sequence" : Lower(type);
        skipped->push_back({row[0], row[1], what + " (only tables are exported)"});
      }
      continue;
    }
    MySqlTableMeta meta;
    meta.database = row[0];
    meta.name = row[1];
    meta.engine = row[3];
    meta.data_bytes = ToInt64(row[4], 0);
    meta.estimated_rows = ToInt64(row[5], 0);
    index[{meta.database, meta.name}] = metas.size();
    metas.push_back(std::move(meta));
  }
  if (metas.empty()) return metas;

  SL_ASSIGN_OR_RETURN(
      MySqlRows columns,
      connection.Query("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, "
                       "CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, "
                       "CHARACTER_SET_NAME FROM information_schema.COLUMNS WHERE " + where +
                       " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION"));
  for (size_t r = 0; r < columns.size(); ++r) {
    const std::vector<std::string>& row = columns.rows[r];
    auto it = index.find({row[0], row[1]});
    if (it == index.end()) continue;  // a view's columns
    MySqlColumnMeta column;
    column.name = row[2];
    column.data_type = Lower(row[3]);
    column.column_type = Lower(row[4]);
    column.nullable = row[5] == "YES";
    column.char_max_length = columns.nulls[r][6] ? -1 : ToInt64(row[6], -1);
    column.numeric_precision = columns.nulls[r][7] ? -1 : static_cast<int32_t>(ToInt64(row[7], -1));
    column.numeric_scale = columns.nulls[r][8] ? -1 : static_cast<int32_t>(ToInt64(row[8], -1));
    column.datetime_precision = columns.nulls[r][9] ? -1 : static_cast<int32_t>(ToInt64(row[9], -1));
    column.charset = row[10];
    metas[it->second].columns.push_back(std::move(column));
  }

  // Unique keys, the primary key first; a key qualifies if no part is a prefix or nullable.
  SL_ASSIGN_OR_RETURN(
      MySqlRows keys,
      connection.Query("SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, COLUMN_NAME, NULLABLE, SUB_PART "
                       "FROM information_schema.STATISTICS WHERE NON_UNIQUE = 0 AND " + where +
                       " ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX"));
  std::map<TableKey, std::pair<std::string, bool>> chosen;  // table -> (index, still qualifies)
  std::map<TableKey, std::vector<std::string>> key_columns;
  std::map<std::pair<TableKey, std::string>, bool> disqualified;
  for (size_t r = 0; r < keys.size(); ++r) {
    const std::vector<std::string>& row = keys.rows[r];
    if (row[4] == "YES" || !keys.nulls[r][5]) disqualified[{{row[0], row[1]}, row[2]}] = true;
  }
  for (size_t r = 0; r < keys.size(); ++r) {
    const std::vector<std::string>& row = keys.rows[r];
    TableKey table{row[0], row[1]};
    if (disqualified.count({table, row[2]}) > 0) continue;
    auto it = chosen.find(table);
    if (it == chosen.end()) {
      chosen[table] = {row[2], true};
    } else if (it->second.first != row[2]) {
      continue;  // a later key of a table that has one already
    }
    key_columns[table].push_back(row[3]);
  }
  for (auto& [table, cols] : key_columns) {
    auto it = index.find(table);
    if (it == index.end()) continue;
    MySqlTableMeta& meta = metas[it->second];
    meta.key_columns = cols;
    for (const MySqlColumnMeta& column : meta.columns) {
      if (column.name == cols[0]) meta.key_is_integer = IsIntegerType(column.data_type);
    }
  }
  return metas;
}

}  // namespace snaplake::mysql
