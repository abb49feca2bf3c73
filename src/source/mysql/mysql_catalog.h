// Reading which tables a MySQL/MariaDB server holds, their columns and the
// key that can split them, from information_schema.
//
// Databases: the one named in the URI, else every database except mysql,
// information_schema, performance_schema and sys. Base tables (and MariaDB's
// system-versioned tables) are listed; views and sequences are reported as
// skipped. Identifiers are returned exactly as stored.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "source/mysql/mysql_connection.h"
#include "source/mysql/mysql_type_mapping.h"

namespace snaplake::mysql {

struct MySqlTableMeta {
  std::string database;
  std::string name;
  std::string engine;          // "InnoDB", "MyISAM", "Aria", ...
  int64_t data_bytes = 0;      // DATA_LENGTH
  int64_t estimated_rows = 0;  // TABLE_ROWS (an estimate for InnoDB)
  std::vector<MySqlColumnMeta> columns;
  // The primary key, else the first unique key over NOT NULL columns without
  // prefix parts; empty if neither exists.
  std::vector<std::string> key_columns;
  // True when key_columns[0] is an integer column (it can be split into ranges).
  bool key_is_integer = false;

  bool transactional() const;  // InnoDB (or another engine covered by a consistent snapshot)
};

struct MySqlSkippedRelation {
  std::string database;
  std::string name;
  std::string reason;
};

// `database` empty: every user database.
Result<std::vector<MySqlTableMeta>> ReadMySqlCatalog(MySqlConnection& connection, const std::string& database,
                                                     std::vector<MySqlSkippedRelation>* skipped);

}  // namespace snaplake::mysql
