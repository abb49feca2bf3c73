// PlanColumn for every kind of PostgreSQL column in both modes, the numeric
// scan SQL and its parsing. Catalog metadata is built by hand here; the
// decoder tests run the plans against a real server.
#include "source/postgres/pg_type_mapping.h"

#include <gtest/gtest.h>

namespace snaplake::postgres {
namespace {

PgColumnMeta Scalar(const std::string& name, uint32_t oid, const std::string& typname, int32_t typmod = -1,
                    char category = 'U', char typtype = 'b', const std::string& schema = "pg_catalog") {
  PgColumnMeta m;
  m.name = name;
  m.attnum = 1;
  m.type_oid = oid;
  m.type_name = typname;
  m.base_type_oid = oid;
  m.base_typmod = typmod;
  m.base_type_name = typname;
  m.base_type_schema = schema;
  m.base_typtype = typtype;
  m.base_typcategory = category;
  return m;
}

PgColumnMeta Array(const std::string& name, uint32_t array_oid, const std::string& array_typname,
                   uint32_t elem_oid, const std::string& elem_name, int32_t attndims = 1, int32_t typmod = -1,
                   char elem_typtype = 'b') {
  PgColumnMeta m = Scalar(name, array_oid, array_typname, typmod, 'A');
  m.elem_type_oid = elem_oid;
  m.elem_type_name = elem_name;
  m.elem_type_schema = "pg_catalog";
  m.elem_typtype = elem_typtype;
  m.attndims = attndims;
  return m;
}

int32_t NumericTypmod(int precision, int scale) { return ((precision << 16) | (scale & 0x7ff)) + 4; }

PgColumnPlan Plan(const PgColumnMeta& m, TypeMode mode = TypeMode::kNative, const NumericScan* scan = nullptr,
                  std::string* note = nullptr) {
  Result<PgColumnPlan> r = PlanColumn(m, mode, scan, note);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : PgColumnPlan{};
}

TEST(TypeMode, Parses) {
  EXPECT_EQ(*ParseTypeMode("native"), TypeMode::kNative);
  EXPECT_EQ(*ParseTypeMode("rds"), TypeMode::kRds);
  Result<TypeMode> bad = ParseTypeMode("RDS ");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'native'"), std::string::npos);
  EXPECT_STREQ(TypeModeName(TypeMode::kRds), "rds");
}

TEST(QuoteIdentifier, DoublesQuotes) {
  EXPECT_EQ(QuoteIdentifier("a"), "\"a\"");
  EXPECT_EQ(QuoteIdentifier("My \"Col\""), "\"My \"\"Col\"\"\"");
  EXPECT_EQ(QuoteIdentifier(""), "\"\"");
}

struct NativeCase {
  uint32_t oid;
  std::string typname;
  Type type;
  PgDecodeKind kind;
  bool cast;
  std::string original_type;
  std::string exported;
};

TEST(PlanColumnNative, Scalars) {
  const std::vector<NativeCase> cases = {
      {16, "bool", Type::Boolean(), PgDecodeKind::kBool, false, "boolean", "boolean"},
      {21, "int2", Type::Int16(), PgDecodeKind::kInt2, false, "smallint", "int32 (INT_16)"},
      {23, "int4", Type::Int32(), PgDecodeKind::kInt4, false, "integer", "int32"},
      {20, "int8", Type::Int64(), PgDecodeKind::kInt8, false, "bigint", "int64"},
      {700, "float4", Type::Float(), PgDecodeKind::kFloat4, false, "real", "float"},
      {701, "float8", Type::Double(), PgDecodeKind::kFloat8, false, "double precision", "double"},
      {25, "text", Type::String(), PgDecodeKind::kText, false, "text", "binary (UTF8)"},
      {1043, "varchar", Type::String(), PgDecodeKind::kText, false, "character varying", "binary (UTF8)"},
      {1042, "bpchar", Type::String(), PgDecodeKind::kText, false, "character", "binary (UTF8)"},
      {19, "name", Type::String(), PgDecodeKind::kText, false, "name", "binary (UTF8)"},
      {17, "bytea", Type::Binary(), PgDecodeKind::kBytea, false, "bytea", "binary"},
      {1082, "date", Type::Date(), PgDecodeKind::kDate, false, "date", "int32 (DATE)"},
      {1114, "timestamp", Type::Timestamp(TimeUnit::kMicros, false), PgDecodeKind::kTimestamp, false,
       "timestamp without time zone", "int64 (TIMESTAMP_MICROS)"},
      {1184, "timestamptz", Type::Timestamp(TimeUnit::kMicros, true), PgDecodeKind::kTimestampTz, false,
       "timestamp with time zone", "int64 (TIMESTAMP_MICROS)"},
      {1083, "time", Type::Time(TimeUnit::kMicros, false), PgDecodeKind::kTime, false, "time without time zone",
       "int64 (TIME_MICROS)"},
      {2950, "uuid", Type::String(), PgDecodeKind::kUuidString, false, "uuid", "binary (UTF8)"},
      {114, "json", Type::Json(), PgDecodeKind::kText, false, "json", "binary (JSON)"},
      {3802, "jsonb", Type::Json(), PgDecodeKind::kJsonb, false, "jsonb", "binary (JSON)"},
      // No Parquet twin: read as text.
      {1186, "interval", Type::String(), PgDecodeKind::kText, true, "interval", "binary (UTF8)"},
      {869, "inet", Type::String(), PgDecodeKind::kText, true, "inet", "binary (UTF8)"},
      {790, "money", Type::String(), PgDecodeKind::kText, true, "money", "binary (UTF8)"},
      {1266, "timetz", Type::String(), PgDecodeKind::kText, true, "time with time zone", "binary (UTF8)"},
      {1560, "bit", Type::String(), PgDecodeKind::kText, true, "bit", "binary (UTF8)"},
      {1562, "varbit", Type::String(), PgDecodeKind::kText, true, "bit varying", "binary (UTF8)"},
      {142, "xml", Type::String(), PgDecodeKind::kText, true, "xml", "binary (UTF8)"},
      {26, "oid", Type::String(), PgDecodeKind::kText, true, "oid", "binary (UTF8)"},
      {18, "char", Type::String(), PgDecodeKind::kText, true, "\"char\"", "binary (UTF8)"},
      {3904, "int4range", Type::String(), PgDecodeKind::kText, true, "int4range", "binary (UTF8)"},
      {3220, "pg_lsn", Type::String(), PgDecodeKind::kText, true, "pg_lsn", "binary (UTF8)"},
  };
  for (const NativeCase& c : cases) {
    SCOPED_TRACE(c.typname);
    PgColumnPlan p = Plan(Scalar("c", c.oid, c.typname));
    EXPECT_EQ(p.column.name, "c");
    EXPECT_EQ(p.column.type, c.type) << p.column.type.ToString();
    EXPECT_EQ(p.kind, c.kind);
    EXPECT_EQ(p.select_expr, c.cast ? "\"c\"::text" : "\"c\"");
    EXPECT_EQ(p.column.original_type, c.original_type);
    EXPECT_EQ(p.column.expected_exported_type, c.exported);
    EXPECT_TRUE(p.column.nullable);
  }
}

TEST(PlanColumnNative, UserTypesAndFacts) {
  PgColumnMeta e = Scalar("mood", 90001, "mood", -1, 'E', 'e', "public");
  PgColumnPlan p = Plan(e);
  EXPECT_EQ(p.kind, PgDecodeKind::kText);
  EXPECT_EQ(p.select_expr, "\"mood\"");
  EXPECT_EQ(p.column.type, Type::String());
  EXPECT_EQ(p.column.original_type, "USER-DEFINED");

  PgColumnMeta ci = Scalar("email", 90002, "citext", -1, 'S', 'b', "public");
  p = Plan(ci);
  EXPECT_EQ(p.kind, PgDecodeKind::kText);
  EXPECT_EQ(p.select_expr, "\"email\"");

  PgColumnMeta comp = Scalar("addr", 90003, "address", -1, 'C', 'c', "public");
  p = Plan(comp);
  EXPECT_EQ(p.select_expr, "\"addr\"::text");
  EXPECT_EQ(p.column.type, Type::String());

  PgColumnMeta geo = Scalar("geom", 90004, "geometry", -1, 'U', 'b', "public");
  EXPECT_EQ(Plan(geo).select_expr, "\"geom\"::text");

  // A domain maps as its base type, NOT NULL and the information_schema facts carry over.
  PgColumnMeta dom = Scalar("Amount \"EUR\"", 1700, "numeric", NumericTypmod(12, 2), 'N');
  dom.type_oid = 90005;
  dom.type_name = "money_amount";
  dom.not_null = true;
  dom.numeric_precision = 12;
  dom.numeric_scale = 2;
  p = Plan(dom);
  EXPECT_EQ(p.column.type, Type::Decimal(12, 2));
  EXPECT_EQ(p.select_expr, "\"Amount \"\"EUR\"\"\"");
  EXPECT_FALSE(p.column.nullable);
  EXPECT_EQ(p.column.original_type, "numeric");
  EXPECT_EQ(p.column.original_num_precision, 12);
  EXPECT_EQ(p.column.expected_exported_type, "int64 (DECIMAL(12,2))");

  PgColumnMeta vc = Scalar("v", 1043, "varchar", 104);
  vc.char_max_length = 100;
  EXPECT_EQ(Plan(vc).column.original_char_max_length, 100);
  PgColumnMeta ts = Scalar("t", 1184, "timestamptz", 3);
  ts.datetime_precision = 3;
  EXPECT_EQ(Plan(ts).column.original_datetime_precision, 3);
}

TEST(PlanColumnNative, ConstrainedNumeric) {
  struct Case {
    int p, s;
    Type type;
    int32_t scale;
  };
  const std::vector<Case> cases = {
      {12, 2, Type::Decimal(12, 2), 2},  {1, 0, Type::Decimal(1, 0), 0},    {38, 38, Type::Decimal(38, 38), 38},
      {38, 0, Type::Decimal(38, 0), 0},  {5, -2, Type::Decimal(7, 0), 0},  // PG15: integers of up to 7 digits
      {2, 5, Type::Decimal(5, 5), 5},                                       // PG15: |x| < 0.001
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.p) + "," + std::to_string(c.s));
    PgColumnMeta m = Scalar("n", 1700, "numeric", NumericTypmod(c.p, c.s), 'N');
    EXPECT_FALSE(NeedsNumericScan(m, TypeMode::kNative));
    PgColumnPlan p = Plan(m);
    EXPECT_EQ(p.kind, PgDecodeKind::kNumericDecimal);
    EXPECT_EQ(p.column.type, c.type) << p.column.type.ToString();
    EXPECT_EQ(p.decimal_scale, c.scale);
    EXPECT_EQ(p.select_expr, "\"n\"");
  }
  // Beyond 38 digits: text.
  for (auto [prec, scale] : {std::pair{39, 0}, std::pair{1000, 10}, std::pair{37, -2}}) {
    PgColumnMeta m = Scalar("n", 1700, "numeric", NumericTypmod(prec, scale), 'N');
    std::string note;
    PgColumnPlan p = Plan(m, TypeMode::kNative, nullptr, &note);
    EXPECT_EQ(p.kind, PgDecodeKind::kText);
    EXPECT_EQ(p.column.type, Type::String());
    EXPECT_EQ(p.select_expr, "\"n\"::text");
    EXPECT_EQ(note, "");  // decided by the declaration, not the data
  }
}

TEST(PlanColumnNative, UnconstrainedNumericFollowsTheScan) {
  PgColumnMeta m = Scalar("amount", 1700, "numeric", -1, 'N');
  EXPECT_TRUE(NeedsNumericScan(m, TypeMode::kNative));
  EXPECT_FALSE(NeedsNumericScan(m, TypeMode::kRds));

  Result<PgColumnPlan> missing = PlanColumn(m, TypeMode::kNative, nullptr, nullptr);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("\"amount\""), std::string::npos);

  std::string note;
  NumericScan fits{4, 34, false};
  PgColumnPlan p = Plan(m, TypeMode::kNative, &fits, &note);
  EXPECT_EQ(p.column.type, Type::Decimal(38, 4));
  EXPECT_EQ(p.kind, PgDecodeKind::kNumericDecimal);
  EXPECT_EQ(p.decimal_scale, 4);
  EXPECT_EQ(note, "");

  NumericScan empty{};
  EXPECT_EQ(Plan(m, TypeMode::kNative, &empty).column.type, Type::Decimal(38, 0));

  NumericScan too_wide{5, 34, false};
  p = Plan(m, TypeMode::kNative, &too_wide, &note);
  EXPECT_EQ(p.column.type, Type::String());
  EXPECT_EQ(p.kind, PgDecodeKind::kText);
  EXPECT_EQ(p.select_expr, "\"amount\"::text");
  EXPECT_NE(note.find("column \"amount\""), std::string::npos) << note;
  EXPECT_NE(note.find("STRING"), std::string::npos) << note;
  EXPECT_NE(note.find("39 digits"), std::string::npos) << note;

  note.clear();
  NumericScan special{2, 3, true};
  p = Plan(m, TypeMode::kNative, &special, &note);
  EXPECT_EQ(p.column.type, Type::String());
  EXPECT_NE(note.find("NaN or Infinity"), std::string::npos) << note;
}

TEST(PlanColumnNative, Arrays) {
  PgColumnPlan p = Plan(Array("xs", 1007, "_int4", 23, "int4"));
  EXPECT_EQ(p.kind, PgDecodeKind::kArray);
  EXPECT_EQ(p.element_kind, PgDecodeKind::kInt4);
  EXPECT_EQ(p.array_dims, 1);
  EXPECT_EQ(p.select_expr, "\"xs\"");
  EXPECT_EQ(p.column.type, Type::List(Field{"element", Type::Int32(), true}));
  EXPECT_EQ(p.column.original_type, "ARRAY");
  EXPECT_EQ(p.column.expected_exported_type, "list<int32>");

  p = Plan(Array("m", 1007, "_int4", 23, "int4", 2));
  EXPECT_EQ(p.array_dims, 2);
  EXPECT_EQ(p.column.type,
            Type::List(Field{"element", Type::List(Field{"element", Type::Int32(), true}), true}));

  // attndims 0 (e.g. CREATE TABLE AS) still means one level.
  EXPECT_EQ(Plan(Array("z", 1007, "_int4", 23, "int4", 0)).array_dims, 1);

  p = Plan(Array("ips", 1041, "_inet", 869, "inet"));
  EXPECT_EQ(p.element_kind, PgDecodeKind::kText);
  EXPECT_EQ(p.select_expr, "\"ips\"::text[]");
  EXPECT_EQ(p.column.type, Type::List(Field{"element", Type::String(), true}));

  p = Plan(Array("d", 1231, "_numeric", 1700, "numeric", 1, NumericTypmod(10, 2)));
  EXPECT_EQ(p.element_kind, PgDecodeKind::kNumericDecimal);
  EXPECT_EQ(p.decimal_scale, 2);
  EXPECT_EQ(p.column.type, Type::List(Field{"element", Type::Decimal(10, 2), true}));

  PgColumnMeta loose = Array("u", 1231, "_numeric", 1700, "numeric");
  EXPECT_TRUE(NeedsNumericScan(loose, TypeMode::kNative));
  NumericScan scan{3, 5, false};
  EXPECT_EQ(Plan(loose, TypeMode::kNative, &scan).column.type,
            Type::List(Field{"element", Type::Decimal(38, 3), true}));
  std::string note;
  NumericScan nan{0, 1, true};
  p = Plan(loose, TypeMode::kNative, &nan, &note);
  EXPECT_EQ(p.select_expr, "\"u\"::text[]");
  EXPECT_NE(note.find("numeric[]"), std::string::npos) << note;

  p = Plan(Array("ts", 1185, "_timestamptz", 1184, "timestamptz"));
  EXPECT_EQ(p.element_kind, PgDecodeKind::kTimestampTz);
  p = Plan(Array("js", 3807, "_jsonb", 3802, "jsonb"));
  EXPECT_EQ(p.element_kind, PgDecodeKind::kJsonb);
  EXPECT_EQ(p.column.type, Type::List(Field{"element", Type::Json(), true}));
  p = Plan(Array("moods", 90010, "_mood", 90001, "mood", 1, -1, 'e'));
  EXPECT_EQ(p.element_kind, PgDecodeKind::kText);
  EXPECT_EQ(p.select_expr, "\"moods\"");
}

TEST(PlanColumnRds, FollowsTheRdsTable) {
  struct Case {
    PgColumnMeta meta;
    Type type;
    PgDecodeKind kind;
    bool cast;
  };
  PgColumnMeta domain = Scalar("c", 23, "int4");
  domain.type_oid = 90020;
  const std::vector<Case> cases = {
      {Scalar("c", 16, "bool"), Type::Boolean(), PgDecodeKind::kBool, false},
      {Scalar("c", 21, "int2"), Type::Int16(), PgDecodeKind::kInt2, false},
      {Scalar("c", 23, "int4"), Type::Int32(), PgDecodeKind::kInt4, false},
      {Scalar("c", 20, "int8"), Type::Int64(), PgDecodeKind::kInt8, false},
      {Scalar("c", 700, "float4"), Type::Float(), PgDecodeKind::kFloat4, false},
      {Scalar("c", 701, "float8"), Type::Double(), PgDecodeKind::kFloat8, false},
      {Scalar("c", 17, "bytea"), Type::Binary(), PgDecodeKind::kBytea, false},
      {Scalar("c", 1700, "numeric", NumericTypmod(10, 2), 'N'), Type::String(), PgDecodeKind::kText, true},
      {Scalar("c", 1700, "numeric", -1, 'N'), Type::String(), PgDecodeKind::kText, true},
      {Scalar("c", 1082, "date"), Type::String(), PgDecodeKind::kText, true},
      {Scalar("c", 1114, "timestamp"), Type::String(), PgDecodeKind::kText, true},
      {Scalar("c", 1184, "timestamptz"), Type::String(), PgDecodeKind::kText, true},
      {Scalar("c", 1083, "time"), Type::String(), PgDecodeKind::kText, true},
      {Scalar("c", 1186, "interval"), Type::String(), PgDecodeKind::kText, true},
      {Scalar("c", 790, "money"), Type::String(), PgDecodeKind::kText, true},
      {Scalar("c", 25, "text"), Type::String(), PgDecodeKind::kText, false},
      {Scalar("c", 1042, "bpchar"), Type::String(), PgDecodeKind::kText, false},
      {Scalar("c", 114, "json"), Type::String(), PgDecodeKind::kText, false},
      {Scalar("c", 3802, "jsonb"), Type::String(), PgDecodeKind::kJsonb, false},
      {Scalar("c", 2950, "uuid"), Type::String(), PgDecodeKind::kUuidString, false},
      {Scalar("c", 90001, "mood", -1, 'E', 'e', "public"), Type::String(), PgDecodeKind::kText, false},
      {Array("c", 1007, "_int4", 23, "int4", 2), Type::String(), PgDecodeKind::kText, true},
      {domain, Type::String(), PgDecodeKind::kText, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.meta.base_type_name + (c.meta.type_oid != c.meta.base_type_oid ? " domain" : ""));
    EXPECT_FALSE(NeedsNumericScan(c.meta, TypeMode::kRds));
    PgColumnPlan p = Plan(c.meta, TypeMode::kRds);
    EXPECT_EQ(p.column.type, c.type) << p.column.type.ToString();
    EXPECT_EQ(p.kind, c.kind);
    EXPECT_EQ(p.select_expr, c.cast ? "\"c\"::text" : "\"c\"");
    if (c.type == Type::String()) {
      EXPECT_EQ(p.column.expected_exported_type, "binary (UTF8)");
    }
  }
}

TEST(NumericScan, Sql) {
  PgColumnMeta a = Scalar("a", 1700, "numeric", -1, 'N');
  PgColumnMeta b = Array("B\"x", 1231, "_numeric", 1700, "numeric");
  const std::string v15 = NumericScanSql("\"s\".\"t\"", {&a, &b}, 150004);
  EXPECT_EQ(v15,
            "SELECT max(scale(\"a\")) FILTER (WHERE abs(\"a\") < 'Infinity'::numeric), "
            "max(abs(\"a\")) FILTER (WHERE abs(\"a\") < 'Infinity'::numeric), "
            "bool_or(NOT (abs(\"a\") < 'Infinity'::numeric)), "
            "max((SELECT max(scale(e)) FROM unnest(\"B\"\"x\") AS u(e) WHERE abs(e) < 'Infinity'::numeric)), "
            "max((SELECT max(abs(e)) FROM unnest(\"B\"\"x\") AS u(e) WHERE abs(e) < 'Infinity'::numeric)), "
            "bool_or((SELECT bool_or(NOT (abs(e) < 'Infinity'::numeric)) FROM unnest(\"B\"\"x\") AS u(e))) "
            "FROM \"s\".\"t\"");
  const std::string v13 = NumericScanSql("t", {&a}, 130010);
  EXPECT_EQ(v13.find("Infinity"), std::string::npos) << v13;  // 'Infinity'::numeric is an error before 14
  EXPECT_NE(v13.find("\"a\" <> 'NaN'::numeric"), std::string::npos) << v13;
  EXPECT_EQ(NumericScanSql("t", {}, 150000), "");
}

TEST(NumericScan, ParsesRow) {
  Result<std::vector<NumericScan>> r =
      ParseNumericScanRow({"2", "12345.678", "f", "", "", "", "0", "0.001", "t", "7", "100", ""}, 4);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].max_scale, 2);
  EXPECT_EQ((*r)[0].max_integer_digits, 5);
  EXPECT_FALSE((*r)[0].has_special);
  EXPECT_EQ((*r)[1].max_scale, 0);  // empty table or all NULL
  EXPECT_EQ((*r)[1].max_integer_digits, 0);
  EXPECT_EQ((*r)[2].max_integer_digits, 0);  // 0.001 has no integer digits
  EXPECT_TRUE((*r)[2].has_special);
  EXPECT_EQ((*r)[3].max_scale, 7);
  EXPECT_EQ((*r)[3].max_integer_digits, 3);

  EXPECT_FALSE(ParseNumericScanRow({"1", "2"}, 1).ok());
  EXPECT_FALSE(ParseNumericScanRow({"x", "1", "f"}, 1).ok());
  EXPECT_FALSE(ParseNumericScanRow({"1", "1e5", "f"}, 1).ok());
  EXPECT_FALSE(ParseNumericScanRow({"1", "1.2.3", "f"}, 1).ok());
  EXPECT_FALSE(ParseNumericScanRow({"1", "1", "yes"}, 1).ok());
  EXPECT_FALSE(ParseNumericScanRow({"-1", "1", "f"}, 1).ok());
}

TEST(SessionSettings, PinTheTextForms) {
  const std::string s = RequiredSessionSettingsSql();
  for (const char* want : {"client_encoding = 'UTF8'", "DateStyle = 'ISO, MDY'", "IntervalStyle = 'postgres'",
                           "TimeZone = 'UTC'", "bytea_output = 'hex'"}) {
    EXPECT_NE(s.find(want), std::string::npos) << want;
  }
}

}  // namespace
}  // namespace snaplake::postgres
