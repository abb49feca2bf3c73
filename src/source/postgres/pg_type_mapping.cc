#include "source/postgres/pg_type_mapping.h"

#include <algorithm>
#include <charconv>

namespace snaplake::postgres {

namespace {

// Built-in type OIDs we treat specially (fixed by PostgreSQL's catalog, src/include/catalog/pg_type.dat).
constexpr uint32_t kOidBool = 16;
constexpr uint32_t kOidBytea = 17;
constexpr uint32_t kOidChar = 18;
constexpr uint32_t kOidName = 19;
constexpr uint32_t kOidInt8 = 20;
constexpr uint32_t kOidInt2 = 21;
constexpr uint32_t kOidInt4 = 23;
constexpr uint32_t kOidText = 25;
constexpr uint32_t kOidJson = 114;
constexpr uint32_t kOidFloat4 = 700;
constexpr uint32_t kOidFloat8 = 701;
constexpr uint32_t kOidBpchar = 1042;
constexpr uint32_t kOidVarchar = 1043;
constexpr uint32_t kOidDate = 1082;
constexpr uint32_t kOidTime = 1083;
constexpr uint32_t kOidTimestamp = 1114;
constexpr uint32_t kOidTimestampTz = 1184;
constexpr uint32_t kOidTimeTz = 1266;
constexpr uint32_t kOidBit = 1560;
constexpr uint32_t kOidVarbit = 1562;
constexpr uint32_t kOidNumeric = 1700;
constexpr uint32_t kOidUuid = 2950;
constexpr uint32_t kOidJsonb = 3802;

constexpr int32_t kMaxDecimalPrecision = 38;
constexpr int32_t kMaxArrayDims = 6;  // PostgreSQL's MAXDIM

// How one scalar (a column, or an array's element) is read and stored.
struct Scalar {
  PgDecodeKind kind = PgDecodeKind::kText;
  Type type = Type::String();
  bool cast_to_text = false;  // read through `::text` because the binary form is not decoded
  int32_t decimal_scale = 0;
};

Scalar Make(PgDecodeKind kind, Type type) {
  Scalar s;
  s.kind = kind;
  s.type = std::move(type);
  return s;
}

Scalar TextCast() {
  Scalar s;
  s.cast_to_text = true;
  return s;
}

uint32_t BaseOid(const PgColumnMeta& m) { return m.base_type_oid != 0 ? m.base_type_oid : m.type_oid; }

bool IsArray(const PgColumnMeta& m) { return m.base_typcategory == 'A' && m.elem_type_oid != 0; }

bool IsDomain(const PgColumnMeta& m) { return m.base_type_oid != 0 && m.type_oid != m.base_type_oid; }

bool IsCitext(const std::string& type_name) { return type_name == "citext"; }

// Types that decode the same way in both modes (RDS's table keeps them typed too).
bool CommonScalar(uint32_t oid, Scalar* out) {
  switch (oid) {
    case kOidBool: *out = Make(PgDecodeKind::kBool, Type::Boolean()); return true;
    case kOidBytea: *out = Make(PgDecodeKind::kBytea, Type::Binary()); return true;
    case kOidInt2: *out = Make(PgDecodeKind::kInt2, Type::Int16()); return true;
    case kOidInt4: *out = Make(PgDecodeKind::kInt4, Type::Int32()); return true;
    case kOidInt8: *out = Make(PgDecodeKind::kInt8, Type::Int64()); return true;
    case kOidFloat4: *out = Make(PgDecodeKind::kFloat4, Type::Float()); return true;
    case kOidFloat8: *out = Make(PgDecodeKind::kFloat8, Type::Double()); return true;
    default: return false;
  }
}

// Text-like types whose binary form is their text: read without a cast.
bool TextLikeScalar(uint32_t oid, const std::string& type_name, char typtype, Scalar* out) {
  if (oid == kOidText || oid == kOidVarchar || oid == kOidBpchar || oid == kOidName || typtype == 'e' ||
      IsCitext(type_name)) {
    *out = Make(PgDecodeKind::kText, Type::String());
    return true;
  }
  return false;
}

// The typmod of numeric(p,s) is ((p << 16) | (s & 0x7ff)) + VARHDRSZ; since
// PostgreSQL 15 the scale is an 11-bit signed number (-1000..1000).
bool NumericTypmod(int32_t typmod, int32_t* precision, int32_t* scale) {
  if (typmod < 4) return false;
  const int32_t t = typmod - 4;
  *precision = (t >> 16) & 0xffff;
  *scale = ((t & 0x7ff) ^ 0x400) - 0x400;
  return *precision >= 1;
}

std::string Quoted(const std::string& name) { return QuoteIdentifier(name); }

// Native numeric: DECIMAL when every value fits exactly, else STRING.
Result<Scalar> NativeNumeric(const PgColumnMeta& meta, bool is_array, const NumericScan* scan, std::string* note) {
  int32_t p = 0;
  int32_t s = 0;
  const std::string what = is_array ? "numeric[]" : "numeric";
  if (NumericTypmod(meta.base_typmod, &p, &s)) {
    // numeric(p,s) with s < 0 holds integers of up to p - s digits; with s > p
    // (allowed since PostgreSQL 15) values below 10^(p-s), i.e. DECIMAL(s,s).
    const int32_t target_scale = std::max(s, 0);
    const int32_t target_precision = s < 0 ? p - s : std::max(p, s);
    if (target_precision > kMaxDecimalPrecision) return TextCast();
    Scalar out = Make(PgDecodeKind::kNumericDecimal, Type::Decimal(target_precision, target_scale));
    out.decimal_scale = target_scale;
    return out;
  }
  if (scan == nullptr) {
    return Status::InvalidArgument("column " + Quoted(meta.name) + ": unconstrained " + what +
                                   " needs a numeric scan first (snaplake bug: NeedsNumericScan was not honoured)");
  }
  if (scan->has_special) {
    if (note) *note = "column " + Quoted(meta.name) + ": " + what + " exported as STRING because it holds NaN or Infinity";
    return TextCast();
  }
  if (static_cast<int64_t>(scan->max_integer_digits) + scan->max_scale > kMaxDecimalPrecision) {
    if (note) {
      *note = "column " + Quoted(meta.name) + ": " + what + " exported as STRING because its values need " +
              std::to_string(static_cast<int64_t>(scan->max_integer_digits) + scan->max_scale) + " digits (" +
              std::to_string(scan->max_scale) + " after the point), more than DECIMAL(38) holds";
    }
    return TextCast();
  }
  Scalar out = Make(PgDecodeKind::kNumericDecimal, Type::Decimal(kMaxDecimalPrecision, scan->max_scale));
  out.decimal_scale = scan->max_scale;
  return out;
}

// Native mapping of a scalar type (a column's base type or an array's element).
Result<Scalar> NativeScalar(const PgColumnMeta& meta, uint32_t oid, const std::string& type_name, char typtype,
                            bool is_array, const NumericScan* scan, std::string* note) {
  Scalar s;
  if (CommonScalar(oid, &s) || TextLikeScalar(oid, type_name, typtype, &s)) return s;
  switch (oid) {
    case kOidNumeric: return NativeNumeric(meta, is_array, scan, note);
    case kOidJson: return Make(PgDecodeKind::kText, Type::Json());
    case kOidJsonb: return Make(PgDecodeKind::kJsonb, Type::Json());
    case kOidDate: return Make(PgDecodeKind::kDate, Type::Date());
    case kOidTimestamp: return Make(PgDecodeKind::kTimestamp, Type::Timestamp(TimeUnit::kMicros, false));
    case kOidTimestampTz: return Make(PgDecodeKind::kTimestampTz, Type::Timestamp(TimeUnit::kMicros, true));
    case kOidTime: return Make(PgDecodeKind::kTime, Type::Time(TimeUnit::kMicros, false));
    case kOidUuid: return Make(PgDecodeKind::kUuidString, Type::String());
    default: return TextCast();
  }
}

// RDS mapping of a column that is neither an array nor a domain.
Scalar RdsScalar(uint32_t oid, const std::string& type_name, char typtype) {
  Scalar s;
  if (CommonScalar(oid, &s) || TextLikeScalar(oid, type_name, typtype, &s)) return s;
  switch (oid) {
    case kOidJson: return Make(PgDecodeKind::kText, Type::String());
    case kOidJsonb: return Make(PgDecodeKind::kJsonb, Type::String());
    case kOidUuid: return Make(PgDecodeKind::kUuidString, Type::String());
    default: return TextCast();
  }
}

// information_schema.columns.data_type, which is what RDS reports as originalType.
std::string OriginalTypeName(const PgColumnMeta& m) {
  if (m.base_typcategory == 'A') return "ARRAY";
  if (m.base_type_schema != "pg_catalog" && !m.base_type_schema.empty()) return "USER-DEFINED";
  switch (BaseOid(m)) {
    case kOidBool: return "boolean";
    case kOidChar: return "\"char\"";
    case kOidInt8: return "bigint";
    case kOidInt2: return "smallint";
    case kOidInt4: return "integer";
    case kOidFloat4: return "real";
    case kOidFloat8: return "double precision";
    case kOidBpchar: return "character";
    case kOidVarchar: return "character varying";
    case kOidTime: return "time without time zone";
    case kOidTimestamp: return "timestamp without time zone";
    case kOidTimestampTz: return "timestamp with time zone";
    case kOidTimeTz: return "time with time zone";
    case kOidBit: return "bit";
    case kOidVarbit: return "bit varying";
    default: return m.base_type_name;  // format_type() prints the other built-ins by name
  }
}

// parquet-mr's way of printing a column's type, which RDS uses for
// expectedExportedType ("binary (UTF8)", "int64", ...).
std::string ExportedTypeName(const Type& t) {
  switch (t.id) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt16: return "int32 (INT_16)";
    case TypeId::kInt32: return "int32";
    case TypeId::kInt64: return "int64";
    case TypeId::kFloat: return "float";
    case TypeId::kDouble: return "double";
    case TypeId::kString: return "binary (UTF8)";
    case TypeId::kJson: return "binary (JSON)";
    case TypeId::kBinary: return "binary";
    case TypeId::kDate: return "int32 (DATE)";
    case TypeId::kTime: return "int64 (TIME_MICROS)";
    case TypeId::kTimestamp: return "int64 (TIMESTAMP_MICROS)";
    case TypeId::kDecimal: {
      std::string physical = t.precision <= 9 ? "int32" : t.precision <= 18 ? "int64" : "fixed_len_byte_array";
      return physical + " (DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + "))";
    }
    case TypeId::kList: {
      std::string s = "list<";
      s.append(ExportedTypeName(t.children[0].type));
      s.push_back('>');
      return s;
    }
    default: return t.ToString();
  }
}

// "max(scale(x))"-style expression pieces of the numeric scan.
std::string FiniteTest(const std::string& x, int server_version_num) {
  // NaN sorts above +Infinity, so one comparison excludes NaN and both infinities.
  if (server_version_num >= 140000) return "abs(" + x + ") < 'Infinity'::numeric";
  return x + " <> 'NaN'::numeric";
}

bool ParseInt32(const std::string& s, int32_t* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

Result<TypeMode> ParseTypeMode(std::string_view text) {
  if (text == "native") return TypeMode::kNative;
  if (text == "rds") return TypeMode::kRds;
  std::string msg = "unknown type mapping '";
  msg.append(text);
  msg.append("'; use 'native' (typed Parquet columns) or 'rds' (Amazon RDS snapshot export conversions)");
  return Status::InvalidArgument(msg);
}

const char* TypeModeName(TypeMode mode) { return mode == TypeMode::kNative ? "native" : "rds"; }

const char* PgDecodeKindName(PgDecodeKind kind) {
  switch (kind) {
    case PgDecodeKind::kBool: return "bool";
    case PgDecodeKind::kInt2: return "int2";
    case PgDecodeKind::kInt4: return "int4";
    case PgDecodeKind::kInt8: return "int8";
    case PgDecodeKind::kFloat4: return "float4";
    case PgDecodeKind::kFloat8: return "float8";
    case PgDecodeKind::kNumericDecimal: return "numeric";
    case PgDecodeKind::kText: return "text";
    case PgDecodeKind::kJsonb: return "jsonb";
    case PgDecodeKind::kBytea: return "bytea";
    case PgDecodeKind::kDate: return "date";
    case PgDecodeKind::kTimestamp: return "timestamp";
    case PgDecodeKind::kTimestampTz: return "timestamptz";
    case PgDecodeKind::kTime: return "time";
    case PgDecodeKind::kUuidString: return "uuid";
    case PgDecodeKind::kArray: return "array";
  }
  return "?";
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('"');
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

const char* RequiredSessionSettingsSql() {
  return "SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; "
         "SET TimeZone = 'UTC'; SET bytea_output = 'hex'; SET extra_float_digits = 1";
}

bool NeedsNumericScan(const PgColumnMeta& meta, TypeMode mode) {
  if (mode != TypeMode::kNative) return false;
  const bool numeric = IsArray(meta) ? meta.elem_type_oid == kOidNumeric : BaseOid(meta) == kOidNumeric;
  int32_t p = 0;
  int32_t s = 0;
  return numeric && !NumericTypmod(meta.base_typmod, &p, &s);
}

std::string NumericScanSql(const std::string& qualified_table, const std::vector<const PgColumnMeta*>& cols,
                           int server_version_num) {
  if (cols.empty()) return "";
  std::string sql = "SELECT ";
  bool first = true;
  auto add = [&](const std::string& expr) {
    if (!first) sql.append(", ");
    first = false;
    sql.append(expr);
  };
  for (const PgColumnMeta* m : cols) {
    const std::string q = QuoteIdentifier(m->name);
    if (IsArray(*m)) {
      const std::string from = " FROM unnest(" + q + ") AS u(e)";
      const std::string finite = FiniteTest("e", server_version_num);
      add("max((SELECT max(scale(e))" + from + " WHERE " + finite + "))");
      add("max((SELECT max(abs(e))" + from + " WHERE " + finite + "))");
      add("bool_or((SELECT bool_or(NOT (" + finite + "))" + from + "))");
    } else {
      const std::string finite = FiniteTest(q, server_version_num);
      add("max(scale(" + q + ")) FILTER (WHERE " + finite + ")");
      add("max(abs(" + q + ")) FILTER (WHERE " + finite + ")");
      add("bool_or(NOT (" + finite + "))");
    }
  }
  sql.append(" FROM ");
  sql.append(qualified_table);
  return sql;
}

Result<std::vector<NumericScan>> ParseNumericScanRow(const std::vector<std::string>& fields, size_t ncols) {
  if (fields.size() != 3 * ncols) {
    return Status::Internal("numeric scan returned " + std::to_string(fields.size()) + " fields, expected " +
                            std::to_string(3 * ncols));
  }
  std::vector<NumericScan> out(ncols);
  for (size_t i = 0; i < ncols; ++i) {
    const std::string& scale = fields[3 * i];
    const std::string& max_abs = fields[3 * i + 1];
    const std::string& special = fields[3 * i + 2];
    NumericScan& s = out[i];
    if (!scale.empty() && (!ParseInt32(scale, &s.max_scale) || s.max_scale < 0)) {
      return Status::Internal("numeric scan: bad scale '" + scale + "'");
    }
    // numeric_out never uses an exponent: digits, optionally '.' and more digits.
    size_t integer_end = max_abs.find('.');
    if (integer_end == std::string::npos) integer_end = max_abs.size();
    for (size_t k = 0; k < max_abs.size(); ++k) {
      const char c = max_abs[k];
      if (!(c >= '0' && c <= '9') && !(c == '.' && k == integer_end)) {
        return Status::Internal("numeric scan: bad maximum '" + max_abs + "'");
      }
    }
    size_t first_nonzero = 0;
    while (first_nonzero < integer_end && max_abs[first_nonzero] == '0') ++first_nonzero;
    s.max_integer_digits = static_cast<int32_t>(integer_end - first_nonzero);
    if (special == "t") {
      s.has_special = true;
    } else if (!special.empty() && special != "f") {
      return Status::Internal("numeric scan: bad flag '" + special + "'");
    }
  }
  return out;
}

Result<PgColumnPlan> PlanColumn(const PgColumnMeta& meta, TypeMode mode, const NumericScan* scan, std::string* note) {
  PgColumnPlan plan;
  SourceColumn& col = plan.column;
  col.name = meta.name;
  col.nullable = !meta.not_null;
  col.original_type = OriginalTypeName(meta);
  col.original_char_max_length = meta.char_max_length;
  col.original_num_precision = meta.numeric_precision;
  col.original_datetime_precision = meta.datetime_precision;
  const std::string quoted = QuoteIdentifier(meta.name);
  plan.select_expr = quoted;

  const uint32_t oid = BaseOid(meta);
  if (mode == TypeMode::kRds) {
    Scalar s;
    if (IsDomain(meta) || meta.base_typcategory == 'A') {
      s = TextCast();  // RDS: DOMAIN and ARRAY are STRING
    } else {
      s = RdsScalar(oid, meta.base_type_name, meta.base_typtype);
    }
    plan.kind = s.kind;
    col.type = s.type;
    if (s.cast_to_text) plan.select_expr.append("::text");
  } else if (IsArray(meta)) {
    SL_ASSIGN_OR_RETURN(Scalar element, NativeScalar(meta, meta.elem_type_oid, meta.elem_type_name,
                                                      meta.elem_typtype, /*is_array=*/true, scan, note));
    plan.kind = PgDecodeKind::kArray;
    plan.element_kind = element.kind;
    plan.decimal_scale = element.decimal_scale;
    plan.array_dims = std::clamp(meta.attndims, 1, kMaxArrayDims);
    Type t = element.type;
    for (int d = 0; d < plan.array_dims; ++d) t = Type::List(Field{"element", std::move(t), true});
    col.type = std::move(t);
    if (element.cast_to_text) plan.select_expr.append("::text[]");
  } else {
    SL_ASSIGN_OR_RETURN(Scalar s, NativeScalar(meta, oid, meta.base_type_name, meta.base_typtype,
                                                /*is_array=*/false, scan, note));
    plan.kind = s.kind;
    plan.decimal_scale = s.decimal_scale;
    col.type = s.type;
    if (s.cast_to_text) plan.select_expr.append("::text");
  }
  col.expected_exported_type = ExportedTypeName(col.type);
  return plan;
}

}  // namespace snaplake::postgres
