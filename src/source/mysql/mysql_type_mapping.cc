#include "source/mysql/mysql_type_mapping.h"

#include "source/mysql/mysql_connection.h"

namespace snaplake::mysql {

namespace {

bool IsUnsigned(const MySqlColumnMeta& meta) {
  return meta.column_type.find("unsigned") != std::string::npos;
}

bool IsOneOf(std::string_view value, std::initializer_list<std::string_view> set) {
  for (std::string_view s : set) {
    if (value == s) return true;
  }
  return false;
}

bool IsSpatial(std::string_view t) {
  return IsOneOf(t, {"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                     "geometrycollection", "geomcollection"});
}

bool IsTextType(std::string_view t) {
  return IsOneOf(t, {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json"});
}

bool IsBinaryType(std::string_view t) {
  return IsOneOf(t, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"});
}

// As RDS writes expectedExportedType (and as the PostgreSQL mapping does).
std::string ExportedTypeName(const Type& t) {
  switch (t.id) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt8: return "int32 (INT_8)";
    case TypeId::kInt16: return "int32 (INT_16)";
    case TypeId::kInt32: return "int32";
    case TypeId::kInt64: return "int64";
    case TypeId::kFloat: return "float";
    case TypeId::kDouble: return "double";
    case TypeId::kString: return "binary (UTF8)";
    case TypeId::kBinary: return "binary";
    case TypeId::kDate: return "int32 (DATE)";
    case TypeId::kTime: return "int64 (TIME_MICROS)";
    case TypeId::kTimestamp: return "int64 (TIMESTAMP_MICROS)";
    case TypeId::kDecimal: {
      std::string physical = t.precision <= 9 ? "int32" : t.precision <= 18 ? "int64" : "fixed_len_byte_array";
      return physical + " (DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + "))";
    }
    default: return t.ToString();
  }
}

struct Choice {
  Type type;
  MySqlDecodeKind kind;
};

}  // namespace

const char* MySqlDecodeKindName(MySqlDecodeKind kind) {
  switch (kind) {
    case MySqlDecodeKind::kBool: return "bool";
    case MySqlDecodeKind::kInt32: return "int32";
    case MySqlDecodeKind::kInt64: return "int64";
    case MySqlDecodeKind::kDecimal: return "decimal";
    case MySqlDecodeKind::kFloat: return "float";
    case MySqlDecodeKind::kDouble: return "double";
    case MySqlDecodeKind::kBitInt64: return "bit";
    case MySqlDecodeKind::kDate: return "date";
    case MySqlDecodeKind::kDateTime: return "datetime";
    case MySqlDecodeKind::kTime: return "time";
    case MySqlDecodeKind::kText: return "text";
    case MySqlDecodeKind::kBinary: return "binary";
  }
  return "?";
}

bool NeedsTimeRangeScan(const MySqlColumnMeta& meta, const MySqlMappingOptions& options) {
  return options.mode == TypeMode::kNative && meta.data_type == "time";
}

Result<MySqlColumnPlan> PlanMySqlColumn(const MySqlColumnMeta& meta, const MySqlMappingOptions& options,
                                        bool time_in_day_range, std::string* note) {
  const std::string& t = meta.data_type;
  const bool native = options.mode == TypeMode::kNative;
  const bool is_unsigned = IsUnsigned(meta);
  std::string quoted = QuoteMySqlIdentifier(meta.name);
  MySqlColumnPlan plan;
  plan.select_expr = quoted;
  auto set_note = [&](std::string text) {
    if (note != nullptr) *note = "column " + meta.name + ": " + std::move(text);
  };
  Choice c{Type::String(), MySqlDecodeKind::kText};
  if (t == "tinyint") {
    bool boolean = native && !options.tinyint1_as_int && !is_unsigned && meta.column_type.rfind("tinyint(1)", 0) == 0;
    if (boolean) {
      c = {Type::Boolean(), MySqlDecodeKind::kBool};
    } else if (!native) {
      c = {Type::Int32(), MySqlDecodeKind::kInt32};
    } else {
      c = {is_unsigned ? Type::Int16() : Type::Int8(), MySqlDecodeKind::kInt32};
    }
  } else if (t == "smallint") {
    c = {!native || is_unsigned ? Type::Int32() : Type::Int16(), MySqlDecodeKind::kInt32};
  } else if (t == "mediumint") {
    c = {native || !is_unsigned ? Type::Int32() : Type::Int64(),
         native || !is_unsigned ? MySqlDecodeKind::kInt32 : MySqlDecodeKind::kInt64};
  } else if (t == "int" || t == "integer") {
    c = is_unsigned ? Choice{Type::Int64(), MySqlDecodeKind::kInt64} : Choice{Type::Int32(), MySqlDecodeKind::kInt32};
  } else if (t == "bigint") {
    c = is_unsigned ? Choice{Type::Decimal(20, 0), MySqlDecodeKind::kDecimal}
                    : Choice{Type::Int64(), MySqlDecodeKind::kInt64};
  } else if (t == "decimal" || t == "numeric") {
    int32_t p = meta.numeric_precision > 0 ? meta.numeric_precision : 10;
    int32_t s = meta.numeric_scale >= 0 ? meta.numeric_scale : 0;
    if (p <= 38) {
      c = {Type::Decimal(p, s), MySqlDecodeKind::kDecimal};
    } else {
      c = {Type::String(), MySqlDecodeKind::kText};
      set_note("DECIMAL(" + std::to_string(p) + "," + std::to_string(s) +
               ") exported as STRING: Parquet decimals hold at most 38 digits");
    }
  } else if (t == "float") {
    c = native ? Choice{Type::Float(), MySqlDecodeKind::kFloat} : Choice{Type::Double(), MySqlDecodeKind::kDouble};
  } else if (t == "double" || t == "real" || t == "double precision") {
    c = {Type::Double(), MySqlDecodeKind::kDouble};
  } else if (t == "bit") {
    if (native && meta.numeric_precision <= 63) {
      c = {Type::Int64(), MySqlDecodeKind::kBitInt64};
    } else {
      c = {Type::Binary(), MySqlDecodeKind::kBinary};
    }
  } else if (t == "year") {
    c = {Type::Int32(), MySqlDecodeKind::kInt32};
  } else if (t == "date") {
    c = native ? Choice{Type::Date(), MySqlDecodeKind::kDate} : Choice{Type::String(), MySqlDecodeKind::kText};
  } else if (t == "datetime") {
    c = {Type::Timestamp(TimeUnit::kMicros, false), MySqlDecodeKind::kDateTime};
  } else if (t == "timestamp") {
    c = {Type::Timestamp(TimeUnit::kMicros, true), MySqlDecodeKind::kDateTime};
  } else if (t == "time") {
    if (native && time_in_day_range) {
      c = {Type::Time(TimeUnit::kMicros, false), MySqlDecodeKind::kTime};
    } else {
      c = {Type::String(), MySqlDecodeKind::kText};
      if (native) set_note("TIME exported as STRING: it holds values outside 00:00:00..24:00:00");
    }
  } else if (IsTextType(t)) {
    c = {Type::String(), MySqlDecodeKind::kText};
  } else if (IsBinaryType(t)) {
    c = {Type::Binary(), MySqlDecodeKind::kBinary};
  } else if (IsSpatial(t)) {
    plan.select_expr = "ST_AsBinary(" + quoted + ")";
    c = {Type::Binary(), MySqlDecodeKind::kBinary};
  } else {
    // inet4, inet6, uuid, vector and types yet to come: their text form is exact.
    c = {Type::String(), MySqlDecodeKind::kText};
    set_note(meta.data_type + " exported as STRING (its text form)");
  }
  plan.kind = c.kind;
  SourceColumn& col = plan.column;
  col.name = meta.name;
  col.type = c.type;
  // Zero and invalid dates become NULL, so date-like columns are always nullable.
  const bool date_like = c.kind == MySqlDecodeKind::kDate || c.kind == MySqlDecodeKind::kDateTime;
  col.nullable = meta.nullable || date_like;
  col.original_type = meta.column_type;
  col.expected_exported_type = ExportedTypeName(c.type);
  if (meta.char_max_length >= 0 && meta.char_max_length <= INT32_MAX) {
    col.original_char_max_length = static_cast<int32_t>(meta.char_max_length);
  }
  col.original_num_precision = meta.numeric_precision;
  col.original_datetime_precision = meta.datetime_precision;
  return plan;
}

}  // namespace snaplake::mysql
