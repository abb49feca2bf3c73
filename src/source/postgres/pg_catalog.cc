#include "source/postgres/pg_catalog.h"

#include <cstdlib>
#include <unordered_map>

namespace snaplake::postgres {

namespace {

struct PgTypeRow {
  std::string name;
  std::string schema;
  char typtype = 'b';
  char category = 'U';
  uint32_t base = 0;    // typbasetype (domains)
  int32_t typmod = -1;  // typtypmod (domains)
  uint32_t element = 0; // typelem
};

using TypeMap = std::unordered_map<uint32_t, PgTypeRow>;

uint32_t ToOid(std::string_view text) { return static_cast<uint32_t>(std::strtoul(std::string(text).c_str(), nullptr, 10)); }

Result<TypeMap> ReadTypes(PgConnection& connection) {
  SL_ASSIGN_OR_RETURN(PgResult rows,
                      connection.Query("SELECT t.oid, t.typname, n.nspname, t.typtype, t.typcategory, t.typbasetype, "
                                       "t.typtypmod, t.typelem FROM pg_catalog.pg_type t "
                                       "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"));
  TypeMap types;
  types.reserve(static_cast<size_t>(rows.rows()));
  for (int r = 0; r < rows.rows(); ++r) {
    PgTypeRow row;
    row.name = rows.Text(r, 1);
    row.schema = rows.Text(r, 2);
    row.typtype = rows.Value(r, 3).empty() ? 'b' : rows.Value(r, 3)[0];
    row.category = rows.Value(r, 4).empty() ? 'U' : rows.Value(r, 4)[0];
    row.base = ToOid(rows.Value(r, 5));
    row.typmod = static_cast<int32_t>(rows.Int(r, 6));
    row.element = ToOid(rows.Value(r, 7));
    types.emplace(ToOid(rows.Value(r, 0)), std::move(row));
  }
  return types;
}

// Follows a domain chain to its base type; the first explicit typmod wins.
uint32_t ResolveDomain(const TypeMap& types, uint32_t oid, int32_t* typmod) {
  for (int depth = 0; depth < 64; ++depth) {
    auto it = types.find(oid);
    if (it == types.end() || it->second.typtype != 'd') return oid;
    if (*typmod < 0) *typmod = it->second.typmod;
    oid = it->second.base;
  }
  return oid;
}

// information_schema's facts, from the base type and typmod.
void FillSizeFacts(PgColumnMeta& column) {
  const std::string& t = column.base_type_name;
  int32_t mod = column.base_typmod;
  if ((t == "varchar" || t == "bpchar") && mod > 4) column.char_max_length = mod - 4;
  if (t == "numeric" && mod >= 4) {
    column.numeric_precision = ((mod - 4) >> 16) & 0xffff;
    column.numeric_scale = (mod - 4) & 0xffff;
  } else if (t == "int2") {
    column.numeric_precision = 16;
  } else if (t == "int4") {
    column.numeric_precision = 32;
  } else if (t == "int8") {
    column.numeric_precision = 64;
  } else if (t == "float4") {
    column.numeric_precision = 24;
  } else if (t == "float8") {
    column.numeric_precision = 53;
  }
  if (t == "date") {
    column.datetime_precision = 0;
  } else if (t == "time" || t == "timetz" || t == "timestamp" || t == "timestamptz") {
    column.datetime_precision = mod >= 0 ? mod : 6;
  }
}

constexpr const char* kRelationFilter =
    "c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition AND c.relpersistence <> 't' "
    "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'";

}  // namespace

Result<std::vector<PgTableMeta>> ReadCatalog(PgConnection& connection, const CatalogOptions& options,
                                             std::vector<SkippedRelation>* skipped) {
  SL_ASSIGN_OR_RETURN(TypeMap types, ReadTypes(connection));
  std::string tables_sql =
      "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relispopulated, "
      "CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_catalog.pg_table_size(t.relid)), 0) "
      "  FROM pg_catalog.pg_partition_tree(c.oid) t WHERE t.isleaf) ELSE pg_catalog.pg_table_size(c.oid) END, "
      "CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(max(pg_catalog.pg_relation_size(t.relid)), 0) "
      "  FROM pg_catalog.pg_partition_tree(c.oid) t WHERE t.isleaf) ELSE pg_catalog.pg_relation_size(c.oid) END "
      "  / current_setting('block_size')::int8, "
      "CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(greatest(l.reltuples, 0)), 0) "
      "  FROM pg_catalog.pg_partition_tree(c.oid) t JOIN pg_catalog.pg_class l ON l.oid = t.relid WHERE t.isleaf) "
      "  ELSE greatest(c.reltuples, 0) END::int8 "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE ";
  tables_sql.append(kRelationFilter).append(" ORDER BY n.nspname, c.relname");
  SL_ASSIGN_OR_RETURN(PgResult table_rows, connection.Query(tables_sql));

  std::vector<PgTableMeta> tables;
  std::unordered_map<uint32_t, size_t> index_of;
  for (int r = 0; r < table_rows.rows(); ++r) {
    PgTableMeta table;
    table.oid = ToOid(table_rows.Value(r, 0));
    table.schema = table_rows.Text(r, 1);
    table.name = table_rows.Text(r, 2);
    table.relkind = table_rows.Value(r, 3)[0];
    char persistence = table_rows.Value(r, 4)[0];
    bool populated = table_rows.Bool(r, 5);
    table.table_bytes = table_rows.Int(r, 6);
    table.max_heap_blocks = table_rows.Int(r, 7);
    table.estimated_rows = table_rows.Int(r, 8);
    if (table.relkind == 'm') {
      if (!options.include_matviews) continue;  // by request: not a skip worth a warning
      if (!populated) {
        skipped->push_back({table.schema, table.name, "materialized view is not populated (run REFRESH MATERIALIZED VIEW)"});
        continue;
      }
    }
    if (persistence == 'u' && options.in_recovery) {
      skipped->push_back(
          {table.schema, table.name, "unlogged tables cannot be read on a hot standby; export it from the primary"});
      continue;
    }
    index_of[table.oid] = tables.size();
    tables.push_back(std::move(table));
  }

  std::string columns_sql =
      "SELECT a.attrelid, a.attname, a.attnum, a.attnotnull, a.atttypid, "
      "pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypmod, a.attndims "
      "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE a.attnum > 0 AND NOT a.attisdropped AND ";
  columns_sql.append(kRelationFilter).append(" ORDER BY a.attrelid, a.attnum");
  SL_ASSIGN_OR_RETURN(PgResult column_rows, connection.Query(columns_sql));
  for (int r = 0; r < column_rows.rows(); ++r) {
    auto it = index_of.find(ToOid(column_rows.Value(r, 0)));
    if (it == index_of.end()) continue;
    PgColumnMeta column;
    column.name = column_rows.Text(r, 1);
    column.attnum = static_cast<int>(column_rows.Int(r, 2));
    column.not_null = column_rows.Bool(r, 3);
    column.type_oid = ToOid(column_rows.Value(r, 4));
    column.type_name = column_rows.Text(r, 5);
    int32_t typmod = static_cast<int32_t>(column_rows.Int(r, 6));
    column.attndims = static_cast<int32_t>(column_rows.Int(r, 7));
    column.base_type_oid = ResolveDomain(types, column.type_oid, &typmod);
    column.base_typmod = typmod;
    if (auto t = types.find(column.base_type_oid); t != types.end()) {
      column.base_type_name = t->second.name;
      column.base_type_schema = t->second.schema;
      column.base_typtype = t->second.typtype;
      column.base_typcategory = t->second.category;
      if (t->second.category == 'A' && t->second.element != 0) {
        int32_t element_mod = -1;
        column.elem_type_oid = ResolveDomain(types, t->second.element, &element_mod);
        if (auto e = types.find(column.elem_type_oid); e != types.end()) {
          column.elem_type_name = e->second.name;
          column.elem_type_schema = e->second.schema;
          column.elem_typtype = e->second.typtype;
        }
      }
    }
    FillSizeFacts(column);
    tables[it->second].columns.push_back(std::move(column));
  }
  return tables;
}

}  // namespace snaplake::postgres
