// Test helper: a MySQL column's catalog facts as ReadMySqlCatalog would give
// them, for the type-mapping and decoder tests.
#pragma once

#include <cstdint>
#include <string>

#include "source/mysql/mysql_type_mapping.h"

namespace snaplake::mysql::test_support {

inline MySqlColumnMeta Meta(const std::string& name, const std::string& data_type, const std::string& column_type,
                            int32_t precision = -1, int32_t scale = -1) {
  MySqlColumnMeta m;
  m.name = name;
  m.data_type = data_type;
  m.column_type = column_type;
  m.numeric_precision = precision;
  m.numeric_scale = scale;
  return m;
}

}  // namespace snaplake::mysql::test_support
