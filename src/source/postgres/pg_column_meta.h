// What the PostgreSQL catalog says about one column, as read inside the
// export's snapshot (see pg_catalog.h). The type mapper (pg_type_mapping.h)
// turns it into an exported column plus the SQL that reads it.
#pragma once

#include <cstdint>
#include <string>

namespace snaplake::postgres {

struct PgColumnMeta {
  std::string name;           // attname, exactly as stored
  int attnum = 0;
  bool not_null = false;
  uint32_t type_oid = 0;      // atttypid (may be a domain)
  std::string type_name;      // format_type(atttypid, atttypmod), e.g. "numeric(12,2)", "my_domain"
  // The type after resolving domains (recursively); equal to type_oid if not a domain.
  uint32_t base_type_oid = 0;
  int32_t base_typmod = -1;   // typmod of the base type (domain's typtypmod or atttypmod)
  std::string base_type_name; // pg_type.typname of the base type, e.g. "numeric", "_int4", "citext"
  std::string base_type_schema; // its namespace, e.g. "pg_catalog", "public"
  char base_typtype = 'b';    // 'b' base, 'e' enum, 'c' composite, 'r' range, 'm' multirange, 'p' pseudo
  char base_typcategory = 'U';// pg_type.typcategory ('A' = array, 'N' numeric, 'S' string, ...)
  // Arrays (base_typcategory == 'A'): the element type, domains resolved.
  uint32_t elem_type_oid = 0;
  std::string elem_type_name;
  std::string elem_type_schema;
  char elem_typtype = 'b';
  int32_t attndims = 0;       // declared dimensions (informational; PostgreSQL does not enforce it)
  // information_schema-style facts for the RDS summary; -1 = not applicable.
  int32_t char_max_length = -1;
  int32_t numeric_precision = -1;
  int32_t numeric_scale = -1;
  int32_t datetime_precision = -1;
};

}  // namespace snaplake::postgres
