// End-to-end tests of `snaplake export start` against real PostgreSQL
// servers: every value of every supported type compared with PostgreSQL's own
// output (native and rds mappings), weird identifiers and the folder layout,
// table kinds (partitioned, inherited, unlogged, materialized views, views,
// foreign tables, empty and very wide tables), ctid chunking, snapshot
// consistency under concurrent writes, and exports from a hot standby.
//
// Our files are read back with DuckDB (the oracle's `sql` command), never with
// our own reader, and every Parquet file written passes `oracle all`.
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "export/export_test_support.h"
#include "export/pg_types_sql.h"

namespace snaplake {
namespace {

using export_test::BaseName;
using export_test::ColumnCheck;
using export_test::Completed;
using export_test::EntriesOf;
using export_test::ExportRun;
using export_test::kTypesSql;
using export_test::Norm;
using export_test::ParquetFilesUnder;
using export_test::PgValue;
using export_test::ReadParquet;
using export_test::RunExport;
using export_test::SqlIdent;
using export_test::SqlString;
using export_test::TableMatches;
using testing::PgServer;

using Strings = std::vector<std::string>;

// Creates database `name` and runs `setup` in it, unless it exists already
// (the tests of one process share one server).
Status EnsureDatabase(const PgServer& pg, const std::string& name, const std::string& setup) {
  SL_ASSIGN_OR_RETURN(
      std::string exists,
      PgValue(pg, "postgres", StrCat("SELECT count(*) FROM pg_database WHERE datname = ", SqlString(name))));
  if (exists == "1") return Status::OK();
  SL_RETURN_NOT_OK(pg.Psql(StrCat("CREATE DATABASE ", SqlIdent(name), ";")).status());
  Status set_up = pg.Psql(setup, export_test::UriEncode(name)).status();
  if (!set_up.ok()) (void)pg.Psql(StrCat("DROP DATABASE ", SqlIdent(name), ";"));  // so a retry starts afresh
  return set_up;
}

#define SL_ASSERT_OK(expr)                                 \
  do {                                                     \
    const ::snaplake::Status sl_status_ = (expr);          \
    ASSERT_TRUE(sl_status_.ok()) << sl_status_.ToString(); \
  } while (false)

// The Parquet files of one exported table folder.
Strings TableFiles(const std::string& table_dir) { return ParquetFilesUnder(table_dir + "/1"); }

// The one row DuckDB returns for `sql`.
Result<nlohmann::json> DuckRow(const std::string& sql) {
  SL_ASSIGN_OR_RETURN(nlohmann::json rows, OracleSql(sql));
  if (rows.size() != 1) return Status::Corruption(StrCat("expected one row from DuckDB: ", rows.dump()));
  return rows[0];
}

// The same, or {"error": why}, for comparing with EXPECT_EQ.
nlohmann::json DuckRowOrError(const std::string& sql) {
  Result<nlohmann::json> row = DuckRow(sql);
  return row.ok() ? *row : nlohmann::json({{"error", row.status().ToString()}});
}

// ---------------------------------------------------------------------------
// 1. Every type, value by value (kTypesSql: export/pg_types_sql.h).

const Strings kTypesTables = {"public.all_types",    "public.arrays",          "public.dates",
                              "public.numeric_fits", "public.numeric_special", "public.numeric_too_wide"};

const Strings kArrayColumns = {"a_bool",    "a_int2",  "a_int8",  "a_float4",   "a_float8", "a_num",   "a_text",
                               "a_varchar", "a_char",  "a_bytea", "a_ts",       "a_tstz",   "a_time",  "a_uuid",
                               "a_json",    "a_jsonb", "a_enum",  "a_interval", "a_inet",   "a_int3d", "a_lower"};

// Native arrays are LISTs. Each is compared as a JSON array, elements either
// as PostgreSQL's array_to_json (typed JSON: numbers, booleans, strings) vs
// DuckDB's list, or, where JSON would change the text (int8 as strings in
// DuckDB's JSON, timestamps in ISO 'T' form, json re-parsed), each element's
// text: array_to_json(col::text[]) vs col::VARCHAR[].
std::vector<ColumnCheck> NativeArrayChecks() {
  auto as_json = [](const std::string& name, const std::string& type) {
    return ColumnCheck{name, "array_to_json(" + name + ")", name, Norm::kExact, type, ""};
  };
  auto as_text = [](const std::string& name, const std::string& type) {
    return ColumnCheck{name, "array_to_json(" + name + "::text[])", name + "::VARCHAR[]", Norm::kExact, type, ""};
  };
  return {
      as_json("a_bool", "BOOLEAN[]"),
      as_json("a_int2", "SMALLINT[]"),
      as_text("a_int8", "BIGINT[]"),
      as_json("a_float4", "FLOAT[]"),
      as_json("a_float8", "DOUBLE[]"),
      as_text("a_num", "DECIMAL(10,2)[]"),
      as_json("a_text", "VARCHAR[]"),
      as_json("a_varchar", "VARCHAR[]"),
      as_json("a_char", "VARCHAR[]"),  // array_to_json prints char(n) padded, as its output function does
      // bytea elements as upper-case hex on both sides.
      {"a_bytea",
       "CASE WHEN a_bytea IS NOT NULL THEN coalesce((SELECT json_agg(upper(encode(e, 'hex')) ORDER BY n) FROM "
       "unnest(a_bytea) WITH ORDINALITY u(e, n)), '[]') END",
       "list_transform(a_bytea, x -> hex(x))", Norm::kExact, "BLOB[]", ""},
      as_text("a_ts", "TIMESTAMP[]"),
      as_text("a_tstz", "TIMESTAMP WITH TIME ZONE[]"),
      as_text("a_time", "TIME[]"),
      as_json("a_uuid", "VARCHAR[]"),
      as_text("a_json", "JSON[]"),
      as_text("a_jsonb", "JSON[]"),
      as_json("a_enum", "VARCHAR[]"),
      as_text("a_interval", "VARCHAR[]"),
      as_text("a_inet", "VARCHAR[]"),
      as_json("a_int3d", "INTEGER[][][]"),
      as_json("a_lower", "INTEGER[]"),  // lower bounds are not kept: [0:1]={5,6} is [5,6]
  };
}

// A column whose text is compared byte for byte: PostgreSQL col::text vs DuckDB col::VARCHAR.
ColumnCheck Text(const std::string& name, const std::string& duck_type) {
  return {name, SqlIdent(name) + "::text", SqlIdent(name) + "::VARCHAR", Norm::kExact, duck_type, ""};
}

ColumnCheck WithNorm(const std::string& name, Norm norm, const std::string& duck_type) {
  ColumnCheck c = Text(name, duck_type);
  c.norm = norm;
  return c;
}

// Columns that are typed the same way in both mappings.
std::vector<ColumnCheck> CommonChecks() {
  return {
      Text("c_smallint", "SMALLINT"),
      Text("c_int", "INTEGER"),
      Text("c_bigint", "BIGINT"),
      WithNorm("c_real", Norm::kFloat, "FLOAT"),
      WithNorm("c_double", Norm::kDouble, "DOUBLE"),
      // boolean::text is 'true'/'false' (psql's t/f is only its display of the binary value).
      Text("c_bool", "BOOLEAN"),
      // bytea as upper-case hex on both sides (DuckDB's BLOB::VARCHAR escapes only non-printables).
      {"c_bytea", "upper(encode(c_bytea, 'hex'))", "hex(c_bytea)", Norm::kExact, "BLOB", ""},
      // char(n) keeps its padding (docs/postgres-types.md): bpcharout, not ::text, which trims.
      {"c_char", "textin(bpcharout(c_char))", "c_char::VARCHAR", Norm::kExact, "VARCHAR", ""},
      Text("c_text", "VARCHAR"),
      Text("c_varchar", "VARCHAR"),
      Text("c_citext", "VARCHAR"),
      Text("c_name", "VARCHAR"),
      Text("c_enum", "VARCHAR"),
      Text("c_dom_text", "VARCHAR"),
      Text("c_timetz", "VARCHAR"),
      Text("c_interval", "VARCHAR"),
      Text("c_inet", "VARCHAR"),
      Text("c_money", "VARCHAR"),
      Text("c_range", "VARCHAR"),
      Text("c_pair", "VARCHAR"),
      Text("c_bit", "VARCHAR"),
      Text("c_xml", "VARCHAR"),
      Text("c_num50_5", "VARCHAR"),
      Text("c_uuid", "VARCHAR"),
  };
}

std::vector<ColumnCheck> NativeAllTypesChecks() {
  std::vector<ColumnCheck> checks = CommonChecks();
  const std::vector<ColumnCheck> native = {
      Text("c_num10_2", "DECIMAL(10,2)"),
      Text("c_num38_10", "DECIMAL(38,10)"),
      Text("c_dom_num", "DECIMAL(12,2)"),  // a domain is exported as its base type
      WithNorm("c_date", Norm::kBcSuffix, "DATE"),
      WithNorm("c_ts", Norm::kBcSuffix, "TIMESTAMP"),
      WithNorm("c_tstz", Norm::kBcSuffix, "TIMESTAMP WITH TIME ZONE"),
      Text("c_time", "TIME"),
      Text("c_json", "JSON"),
      Text("c_jsonb", "JSON"),
      // LISTs compared as JSON arrays: PostgreSQL's array_to_json vs DuckDB's list (same elements, NULLs, nesting).
      {"c_int_arr", "array_to_json(c_int_arr)", "c_int_arr", Norm::kExact, "INTEGER[]", ""},
      {"c_text_arr", "array_to_json(c_text_arr)", "c_text_arr", Norm::kExact, "VARCHAR[]", ""},
      {"c_int_2d", "array_to_json(c_int_2d)", "c_int_2d", Norm::kExact, "INTEGER[][]", ""},
  };
  checks.insert(checks.end(), native.begin(), native.end());
  return checks;
}

// --types rds: everything but integers, floats, booleans and bytea is PostgreSQL's text.
std::vector<ColumnCheck> RdsAllTypesChecks() {
  std::vector<ColumnCheck> checks = CommonChecks();
  for (const char* name : {"c_num10_2", "c_num38_10", "c_dom_num", "c_date", "c_ts", "c_tstz", "c_time", "c_json",
                           "c_jsonb", "c_int_arr", "c_text_arr", "c_int_2d"}) {
    checks.push_back(Text(name, "VARCHAR"));
  }
  return checks;
}

// True when `warning` mentions every one of `parts`.
::testing::AssertionResult Mentions(const std::string& warning, const Strings& parts) {
  for (const std::string& p : parts) {
    if (warning.find(p) == std::string::npos) {
      return ::testing::AssertionFailure() << "WarningMessage lacks '" << p << "': [" << warning << "]";
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(ExportData, EveryTypeNativeEqualsPostgres) {
  SL_REQUIRE_SHARED_PG(pg);
  SL_REQUIRE_ORACLE(oracle);
  SL_ASSERT_OK(EnsureDatabase(*pg, "types", kTypesSql));
  TempDir tmp;
  const ExportRun run =
      RunExport(tmp.Path("home"), "native", pg->Uri("types"), tmp.Path("out"), "--types native --parallel 2");
  ASSERT_TRUE(Completed(run));
  const std::string db_dir = tmp.Path("out") + "/native/types";
  ASSERT_EQ(EntriesOf(db_dir), kTypesTables);

  EXPECT_TRUE(TableMatches(*pg, "types", "all_types", ReadParquet(TableFiles(db_dir + "/public.all_types")),
                           NativeAllTypesChecks()));
  // Unconstrained numeric that fits: DECIMAL(38, largest scale), for numeric[] too.
  EXPECT_TRUE(TableMatches(*pg, "types", "numeric_fits", ReadParquet(TableFiles(db_dir + "/public.numeric_fits")),
                           {WithNorm("amount", Norm::kTrimDecimal, "DECIMAL(38,3)"),
                            {"amounts", "array_to_json(amounts::text[])", "amounts::VARCHAR[]", Norm::kTrimDecimalList,
                             "DECIMAL(38,3)[]", ""}}));
  // Too wide for DECIMAL(38), or NaN/Infinity: PostgreSQL's text, and a note in the warning.
  EXPECT_TRUE(TableMatches(*pg, "types", "numeric_too_wide",
                           ReadParquet(TableFiles(db_dir + "/public.numeric_too_wide")), {Text("amount", "VARCHAR")}));
  EXPECT_TRUE(TableMatches(*pg, "types", "numeric_special", ReadParquet(TableFiles(db_dir + "/public.numeric_special")),
                           {Text("amount", "VARCHAR")}));
  EXPECT_TRUE(Mentions(
      run.Warning(), {"public.numeric_too_wide: column \"amount\": numeric exported as STRING", "more than DECIMAL(38)",
                      "public.numeric_special: column \"amount\": numeric exported as STRING", "NaN or Infinity"}));
  EXPECT_EQ(run.Warning().find("numeric_fits"), std::string::npos) << run.Warning();
  EXPECT_TRUE(
      TableMatches(*pg, "types", "arrays", ReadParquet(TableFiles(db_dir + "/public.arrays")), NativeArrayChecks()));
  // Dates: +-infinity as DuckDB's infinities, the first and last PostgreSQL dates, year 0, in lists too.
  EXPECT_TRUE(TableMatches(*pg, "types", "dates", ReadParquet(TableFiles(db_dir + "/public.dates")),
                           {WithNorm("d", Norm::kBcSuffix, "DATE"),
                            {"ds", "array_to_json(ds::text[])", "ds::VARCHAR[]", Norm::kBcSuffix, "DATE[]", ""}}));

  const Strings dates = TableFiles(db_dir + "/public.dates");
  Strings files = ParquetFilesUnder(tmp.path());
  EXPECT_EQ(files.size(), 6u);
  files.erase(std::remove(files.begin(), files.end(), dates.at(0)), files.end());
  EXPECT_TRUE(OracleAllOk(files));
  EXPECT_TRUE(export_test::OracleAllOkExceptJsDateRange(dates));
}

TEST(ExportData, EveryTypeRdsIsPostgresText) {
  SL_REQUIRE_SHARED_PG(pg);
  SL_REQUIRE_ORACLE(oracle);
  SL_ASSERT_OK(EnsureDatabase(*pg, "types", kTypesSql));
  TempDir tmp;
  const ExportRun run = RunExport(tmp.Path("home"), "rds", pg->Uri("types"), tmp.Path("out"), "--types rds");
  ASSERT_TRUE(Completed(run));
  const std::string db_dir = tmp.Path("out") + "/rds/types";
  ASSERT_EQ(EntriesOf(db_dir), kTypesTables);

  EXPECT_TRUE(TableMatches(*pg, "types", "all_types", ReadParquet(TableFiles(db_dir + "/public.all_types")),
                           RdsAllTypesChecks()));
  for (const char* table : {"numeric_fits", "numeric_too_wide", "numeric_special"}) {
    std::vector<ColumnCheck> checks = {Text("amount", "VARCHAR")};
    if (std::string(table) == "numeric_fits") checks.push_back(Text("amounts", "VARCHAR"));
    EXPECT_TRUE(TableMatches(*pg, "types", table, ReadParquet(TableFiles(StrCat(db_dir, "/public.", table))), checks));
  }
  EXPECT_TRUE(TableMatches(*pg, "types", "dates", ReadParquet(TableFiles(db_dir + "/public.dates")),
                           {Text("d", "VARCHAR"), Text("ds", "VARCHAR")}));
  // Arrays: PostgreSQL's array literal, e.g. {1,NULL,3}, [0:1]={5,6}.
  std::vector<ColumnCheck> array_checks;
  for (const std::string& name : kArrayColumns) array_checks.push_back(Text(name, "VARCHAR"));
  EXPECT_TRUE(TableMatches(*pg, "types", "arrays", ReadParquet(TableFiles(db_dir + "/public.arrays")), array_checks));
  // Text keeps every numeric whole: nothing to warn about.
  EXPECT_EQ(run.Warning(), "");

  const Strings files = ParquetFilesUnder(tmp.path());
  EXPECT_EQ(files.size(), 6u);
  EXPECT_TRUE(OracleAllOk(files));
}

// Values native Parquet cannot hold fail the export with the column named
// (docs/postgres-types.md), leave no files behind, and export with --types rds.
TEST(ExportData, UnrepresentableValuesFailNativeAndExportAsRdsText) {
  SL_REQUIRE_SHARED_PG(pg);
  SL_REQUIRE_ORACLE(oracle);
  SL_ASSERT_OK(EnsureDatabase(*pg, "unrepresentable", R"sql(
    CREATE TABLE ts_far (id int, at timestamp);
    INSERT INTO ts_far VALUES (1, '2020-01-01'), (2, '294270-01-01 00:00:00');
    CREATE TABLE tstz_far (id int, at timestamptz);
    INSERT INTO tstz_far VALUES (1, '294276-12-31 23:59:59.999999+00');
    CREATE TABLE nan_fixed (id int, price numeric(10,2));
    INSERT INTO nan_fixed VALUES (1, 1.5), (2, 'NaN');
    CREATE TABLE dims (id int, a int[]);
    INSERT INTO dims VALUES (1, '{1,2}'), (2, '{{1,2},{3,4}}');
  )sql"));
  TempDir tmp;
  const struct {
    const char* table;
    const char* message;
  } cases[] = {
      {"ts_far", "column \"at\": a timestamp is outside the range"},
      {"tstz_far", "column \"at\": a timestamp is outside the range"},
      {"nan_fixed", "column \"price\": numeric value NaN cannot be stored in DECIMAL(10,2)"},
      {"dims", "column \"a\": an array value has 2 dimension(s) but the column is declared with 1"},
  };
  Strings rds_files;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.table);
    const std::string only = StrCat("--only unrepresentable.public.", c.table);
    const ExportRun failed =
        RunExport(tmp.Path("home"), StrCat("native-", c.table), pg->Uri("unrepresentable"), tmp.Path("out"), only);
    EXPECT_EQ(failed.exit_code, 1) << failed.Summary();
    EXPECT_EQ(failed.Status(), "FAILED") << failed.Summary();
    EXPECT_NE(failed.err.find(c.message), std::string::npos) << failed.Summary();
    EXPECT_NE(failed.err.find("--types rds"), std::string::npos) << failed.Summary();
    // No partial export is left to be mistaken for a whole one.
    EXPECT_FALSE(std::filesystem::exists(tmp.Path("out") + "/native-" + c.table)) << failed.Summary();

    const std::string id = StrCat("rds-", c.table);
    const ExportRun rds =
        RunExport(tmp.Path("home"), id, pg->Uri("unrepresentable"), tmp.Path("out"), only + " --types rds");
    ASSERT_TRUE(Completed(rds));
    const Strings files = TableFiles(StrCat(tmp.Path("out"), "/", id, "/unrepresentable/public.", c.table));
    const std::string table = c.table;
    const std::string column = table == "nan_fixed" ? "price" : table == "dims" ? "a" : "at";
    EXPECT_TRUE(TableMatches(*pg, "unrepresentable", c.table, ReadParquet(files), {Text(column, "VARCHAR")}));
    rds_files.insert(rds_files.end(), files.begin(), files.end());
  }
  EXPECT_TRUE(OracleAllOk(rds_files));
}

// ---------------------------------------------------------------------------
// 2. Weird identifiers.

// The database name itself needs escaping ('/') and quoting in --only ('.').
const char* kWeirdDb = "Wéird DB/x.y";

const char* kWeirdSql = R"sql(
CREATE SCHEMA "MixedCase Schema";
CREATE SCHEMA "my.schema";
CREATE SCHEMA "..";
CREATE SCHEMA "select";
CREATE SCHEMA " sp ";
CREATE SCHEMA "a.b";
CREATE SCHEMA "a";
CREATE TABLE "MixedCase Schema"."MixedCase Table" (
  "Id" int, "from" text, "select" int, "with space" text, "dot.ted" text, "quo""te" text,
  "single'quote" text, "ünï 😀 表" text, " lead" text, "trail " text, "a/b\c" text, "UPPER" text, "upper" text);
INSERT INTO "MixedCase Schema"."MixedCase Table" VALUES
  (1, 'f', 2, 'ws', 'dt', 'qt', 'sq', 'uni', 'ld', 'tr', 'ab', 'UP', 'up');
CREATE TABLE "my.schema"."table.with.dots" (id int);
CREATE TABLE "..".".." (id int);
CREATE TABLE "select"."from" ("where" int);
CREATE TABLE " sp "." padded " (id int);
CREATE TABLE public."a/b\c%d" (id int);
CREATE TABLE public."." (id int);
CREATE TABLE public."..." (id int);
CREATE TABLE public."quote""d 'single'" (id int);
CREATE TABLE public."ünïcödé 表 😀" (id int);
CREATE TABLE public."tab	here" (id int);
CREATE TABLE public."Case" (id int);
CREATE TABLE public."case" (id int);
CREATE TABLE "a.b"."c" (id int);
CREATE TABLE "a"."b.c" (id int);
)sql";

// PostgreSQL schema.table -> the folder docs (src/export/layout.h) promise:
// names kept as they are, '/', '\\', '%' and control characters as %XX, a
// name "." or ".." fully escaped, and '.' escaped in the schema part.
struct WeirdTable {
  const char* schema;
  const char* table;
  const char* folder;
};
const WeirdTable kWeirdTables[] = {
    {"MixedCase Schema", "MixedCase Table", "MixedCase Schema.MixedCase Table"},
    {"my.schema", "table.with.dots", "my%2Eschema.table.with.dots"},
    {"..", "..", "%2E%2E.%2E%2E"},
    {"select", "from", "select.from"},
    {" sp ", " padded ", " sp . padded "},
    {"public", "a/b\\c%d", "public.a%2Fb%5Cc%25d"},
    {"public", ".", "public.%2E"},
    {"public", "...", "public...."},
    {"public", "quote\"d 'single'", "public.quote\"d 'single'"},
    {"public", "ünïcödé 表 😀", "public.ünïcödé 表 😀"},
    {"public", "tab\there", "public.tab%09here"},
    {"public", "Case", "public.Case"},
    {"public", "case", "public.case"},
    {"a.b", "c", "a%2Eb.c"},
    {"a", "b.c", "a.b.c"},
};

// Every file and folder under `root`, relative to it, must stay inside `root/id`.
::testing::AssertionResult EverythingInside(const std::string& root, const std::string& id) {
  std::error_code ec;
  Strings outside;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string rel = std::filesystem::relative(it->path(), root).lexically_normal().string();
    if (rel != id && rel.rfind(id + "/", 0) != 0) outside.push_back(rel);
  }
  if (outside.empty()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure() << "written outside " << root << "/" << id << ":";
  for (const std::string& p : outside) failure << " [" << p << "]";
  return failure;
}

TEST(ExportData, WeirdIdentifiersKeepTheirNames) {
  SL_REQUIRE_SHARED_PG(pg);
  SL_REQUIRE_ORACLE(oracle);
  SL_ASSERT_OK(EnsureDatabase(*pg, kWeirdDb, kWeirdSql));
  const std::string uri = pg->Uri(export_test::UriEncode(kWeirdDb));
  TempDir tmp;
  const std::string out = tmp.Path("out");
  const ExportRun run = RunExport(tmp.Path("home"), "all", uri, out, "--parallel 3");
  ASSERT_TRUE(Completed(run));
  EXPECT_TRUE(EverythingInside(out, "all"));
  EXPECT_EQ(EntriesOf(out + "/all"), (Strings{"Wéird DB%2Fx.y", "_SUCCESS", "export_info_all.json",
                                              "export_tables_info_all_from_1_to_15.json"}));
  const std::string db_dir = out + "/all/Wéird DB%2Fx.y";
  Strings expected_folders;
  for (const WeirdTable& t : kWeirdTables) expected_folders.push_back(t.folder);
  std::sort(expected_folders.begin(), expected_folders.end());
  EXPECT_EQ(EntriesOf(db_dir), expected_folders);
  for (const WeirdTable& t : kWeirdTables) {
    SCOPED_TRACE(t.folder);
    const Strings entries = EntriesOf(StrCat(db_dir, "/", t.folder, "/1"));
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[1], "part-00000-" + entries[1].substr(11, 36) + "-c000.gz.parquet");
    EXPECT_EQ(entries[0], "_SUCCESS");
  }

  // Parquet column names are exactly PostgreSQL's (as the file stores them;
  // DuckDB's DESCRIBE would rename "UPPER"/"upper", which differ only by case).
  const std::string mixed = StrCat(db_dir, "/MixedCase Schema.MixedCase Table");
  Result<nlohmann::json> names = OracleSql(
      StrCat("SELECT name FROM parquet_schema(", SqlString(TableFiles(mixed).at(0)), ") WHERE num_children IS NULL"));
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  Strings got;
  for (const auto& row : *names) got.push_back(row["name"].get<std::string>());
  Result<std::string> pg_names =
      PgValue(*pg, export_test::UriEncode(kWeirdDb),
              "SELECT string_agg(attname, E'\\n' ORDER BY attnum) FROM pg_attribute "
              "WHERE attrelid = '\"MixedCase Schema\".\"MixedCase Table\"'::regclass AND attnum > 0");
  ASSERT_TRUE(pg_names.ok()) << pg_names.status().ToString();
  Strings want;
  for (size_t start = 0; start <= pg_names->size();) {
    size_t end = pg_names->find('\n', start);
    if (end == std::string::npos) end = pg_names->size();
    want.push_back(pg_names->substr(start, end - start));
    start = end + 1;
  }
  EXPECT_EQ(want.size(), 13u);
  EXPECT_EQ(got, want);
  // And the values line up with them.
  Result<nlohmann::json> row =
      DuckRow(StrCat("SELECT \"Id\", \"from\", \"select\", \"quo\"\"te\", \"single'quote\", "
                     "\"ünï 😀 表\", \" lead\", \"trail \", \"a/b\\c\" FROM ",
                     ReadParquet(TableFiles(mixed))));
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(*row, nlohmann::json::parse(R"({"Id":1,"from":"f","select":2,"quo\"te":"qt","single'quote":"sq",)"
                                        R"("ünï 😀 表":"uni"," lead":"ld","trail ":"tr","a/b\\c":"ab"})"));

  // --only with quoted names picks exactly those tables.
  const std::string only = R"("Wéird DB/x.y"."my.schema"."table.with.dots","Wéird DB/x.y".public."quote""d 'single'",)"
                           R"("Wéird DB/x.y"." sp "." padded ","Wéird DB/x.y"."a"."b.c","Wéird DB/x.y"."select")";
  const ExportRun some = RunExport(tmp.Path("home"), "some", uri, out, "--only " + ShellQuote(only));
  ASSERT_TRUE(Completed(some));
  EXPECT_EQ(EntriesOf(out + "/some/Wéird DB%2Fx.y"), (Strings{" sp . padded ", "a.b.c", "my%2Eschema.table.with.dots",
                                                              "public.quote\"d 'single'", "select.from"}));
  // A name that exists only with other case or without quotes matches nothing.
  const ExportRun wrong_case = RunExport(tmp.Path("home"), "wrong-case", uri, out,
                                         "--only " + ShellQuote(R"("Wéird DB/x.y"."mixedcase schema")"));
  EXPECT_EQ(wrong_case.Status(), "FAILED") << wrong_case.Summary();
  EXPECT_NE(wrong_case.err.find("matches no exportable table"), std::string::npos) << wrong_case.Summary();

  EXPECT_TRUE(OracleAllOk(ParquetFilesUnder(out)));
}

// ---------------------------------------------------------------------------
// 3. Table kinds: empty, 300 columns, partitioned, inherited, unlogged,
//    materialized views, views, foreign tables, no columns.

// 299 columns after id, cycling through 8 types, with values derived from
// the row id `g` and the column number `i`.
struct WideColumn {
  std::string name;
  std::string sql_type;
  std::string value;  // over g
  std::string duck_type;
  Norm norm;
};

std::vector<WideColumn> WideColumns() {
  std::vector<WideColumn> columns;
  for (int i = 1; i <= 299; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "c%03d", i);
    const std::string n = std::to_string(i);
    switch (i % 8) {
      case 0:
        columns.push_back({name, "integer", "g * " + n, "INTEGER", Norm::kExact});
        break;
      case 1:
        columns.push_back({name, "bigint", "g::bigint * 1000000007 + " + n, "BIGINT", Norm::kExact});
        break;
      case 2:
        columns.push_back({name, "text", "'r' || g || 'c' || " + n, "VARCHAR", Norm::kExact});
        break;
      case 3:
        columns.push_back({name, "numeric(12,3)", "(g * " + n + ") / 8.0", "DECIMAL(12,3)", Norm::kExact});
        break;
      case 4:
        columns.push_back({name, "date", "date '2000-01-01' + g * " + n, "DATE", Norm::kExact});
        break;
      case 5:
        columns.push_back({name, "timestamp", "timestamp '2000-01-01' + g * " + n + " * interval '1 second'",
                           "TIMESTAMP", Norm::kExact});
        break;
      case 6:
        columns.push_back({name, "boolean", "(g + " + n + ") % 2 = 0", "BOOLEAN", Norm::kExact});
        break;
      default:
        columns.push_back({name, "double precision", "(g * " + n + ") / 4.0::float8", "DOUBLE", Norm::kDouble});
    }
  }
  return columns;
}

std::string ShapesSql() {
  std::string sql = R"sql(
CREATE TABLE empty_table (id int, name text, at timestamptz, amounts numeric(10,2)[]);
CREATE TABLE no_columns ();

CREATE TABLE measurements (id int, region text, at date, v numeric(10,2)) PARTITION BY RANGE (at);
CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
  PARTITION BY LIST (region);
CREATE TABLE measurements_2025_eu PARTITION OF measurements_2025 FOR VALUES IN ('eu');
CREATE TABLE measurements_2025_rest PARTITION OF measurements_2025 DEFAULT;
CREATE TABLE measurements_default PARTITION OF measurements DEFAULT;
INSERT INTO measurements
  SELECT g, CASE g % 3 WHEN 0 THEN 'eu' WHEN 1 THEN 'us' ELSE 'apac' END, date '2022-06-01' + (g % 1500),
         (g % 1000) / 4.0
  FROM generate_series(1, 6000) g;

CREATE TABLE inh_parent (id int, v text);
CREATE TABLE inh_child (extra int) INHERITS (inh_parent);
INSERT INTO inh_parent SELECT g, 'parent ' || g FROM generate_series(1, 10) g;
INSERT INTO inh_child SELECT g, 'child ' || g, g * 10 FROM generate_series(101, 105) g;

-- Dropped columns, a column added with a default after rows existed (served
-- from attmissingval), a generated column, an identity column.
CREATE TABLE altered (id int, gone text, v text, doubled int GENERATED ALWAYS AS (id * 2) STORED,
                      ident bigint GENERATED ALWAYS AS IDENTITY);
INSERT INTO altered (id, gone, v) SELECT g, 'gone', 'v' || g FROM generate_series(1, 5) g;
ALTER TABLE altered DROP COLUMN gone;
ALTER TABLE altered ADD COLUMN added int DEFAULT 42;
INSERT INTO altered (id, v, added) VALUES (6, 'v6', 7), (7, NULL, NULL);

CREATE UNLOGGED TABLE unlogged_t (id int, v text);
INSERT INTO unlogged_t SELECT g, 'u' || g FROM generate_series(1, 50) g;

CREATE MATERIALIZED VIEW mv_regions AS SELECT row_number() OVER (ORDER BY region)::int AS id, region, count(*) AS n
  FROM measurements GROUP BY region;
CREATE MATERIALIZED VIEW mv_unpopulated AS SELECT 1 AS id WITH NO DATA;
CREATE VIEW v_parent AS SELECT * FROM inh_parent;
)sql";
  sql.append("CREATE TABLE wide (id int");
  std::string values;
  for (const WideColumn& c : WideColumns()) {
    sql.append(", ").append(c.name).append(" ").append(c.sql_type);
    values.append(", ").append(c.value);
  }
  sql.append(");\nINSERT INTO wide SELECT g").append(values).append(" FROM generate_series(1, 20) g;\n");
  sql.append("INSERT INTO wide (id) VALUES (21);\n");
  return sql;
}

// A foreign table over this same server, when postgres_fdw is installed.
// Returns false (and says why) when it is not.
bool CreateForeignTable(const PgServer& pg, std::string* why) {
  Result<std::string> available =
      PgValue(pg, "shapes", "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgres_fdw'");
  if (!available.ok() || *available != "1") {
    *why = "postgres_fdw is not installed";
    return false;
  }
  Result<std::string> exists = PgValue(pg, "shapes", "SELECT count(*) FROM pg_class WHERE relname = 'ft_unlogged'");
  if (exists.ok() && *exists == "1") return true;
  Result<std::string> created = pg.Psql(StrCat("CREATE EXTENSION postgres_fdw;"
                                               "CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw "
                                               "OPTIONS (host '127.0.0.1', port '",
                                               std::to_string(pg.port()),
                                               "', dbname 'shapes');"
                                               "CREATE USER MAPPING FOR CURRENT_USER SERVER loopback "
                                               "OPTIONS (user 'postgres');"
                                               "CREATE FOREIGN TABLE ft_unlogged (id int, v text) SERVER loopback "
                                               "OPTIONS (schema_name 'public', table_name 'unlogged_t');"),
                                        "shapes");
  if (!created.ok()) {
    *why = created.status().ToString();
    return false;
  }
  return true;
}

TEST(ExportData, TableKinds) {
  SL_REQUIRE_SHARED_PG(pg);
  SL_REQUIRE_ORACLE(oracle);
  SL_ASSERT_OK(EnsureDatabase(*pg, "shapes", ShapesSql()));
  std::string no_fdw;
  const bool have_foreign = CreateForeignTable(*pg, &no_fdw);
  if (have_foreign) {
    // The foreign table works (so leaving it out is the exporter's choice).
    EXPECT_EQ(PgValue(*pg, "shapes", "SELECT count(*) FROM ft_unlogged").ValueOr("?"), "50");
  } else {
    std::fprintf(stderr, "\n**********\nforeign table part skipped: %s\n**********\n", no_fdw.c_str());
  }
  TempDir tmp;
  const std::string out = tmp.Path("out");
  const ExportRun plain = RunExport(tmp.Path("home"), "plain", pg->Uri("shapes"), out, "--parallel 3");
  ASSERT_TRUE(Completed(plain));
  const ExportRun with_mv =
      RunExport(tmp.Path("home"), "with-mv", pg->Uri("shapes"), out, "--parallel 3 --include-matviews");
  ASSERT_TRUE(Completed(with_mv));

  // Partitions are not tables of their own; views and foreign tables are never exported;
  // materialized views only on request; inheritance children are tables of their own.
  const Strings tables = {"public.altered",      "public.empty_table", "public.inh_child", "public.inh_parent",
                          "public.measurements", "public.unlogged_t",  "public.wide"};
  EXPECT_EQ(EntriesOf(out + "/plain/shapes"), tables);
  Strings with_mv_tables = tables;
  with_mv_tables.push_back("public.mv_regions");
  std::sort(with_mv_tables.begin(), with_mv_tables.end());
  EXPECT_EQ(EntriesOf(out + "/with-mv/shapes"), with_mv_tables);
  // A table without columns cannot be a Parquet file: skipped, and said so.
  EXPECT_TRUE(Mentions(plain.Warning(), {"public.no_columns", "no columns"}));
  EXPECT_TRUE(Mentions(with_mv.Warning(), {"public.mv_unpopulated", "not populated"}));
  EXPECT_EQ(plain.Warning().find("mv_"), std::string::npos) << plain.Warning();

  const std::string db_dir = out + "/plain/shapes";
  // Empty table: one zero-row part that carries the schema.
  {
    const Strings parts = TableFiles(db_dir + "/public.empty_table");
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(BaseName(parts[0]).rfind("part-00000-", 0), 0u) << parts[0];
    EXPECT_EQ(DuckRowOrError(StrCat("SELECT count(*) AS n FROM ", ReadParquet(parts))), nlohmann::json({{"n", "0"}}));
    Result<std::map<std::string, std::string>> types = export_test::DuckTypes(ReadParquet(parts));
    ASSERT_TRUE(types.ok()) << types.status().ToString();
    EXPECT_EQ(*types, (std::map<std::string, std::string>{{"id", "INTEGER"},
                                                          {"name", "VARCHAR"},
                                                          {"at", "TIMESTAMP WITH TIME ZONE"},
                                                          {"amounts", "DECIMAL(10,2)[]"}}));
  }
  // 300 columns, in order, every value.
  {
    std::vector<ColumnCheck> checks;
    for (const WideColumn& c : WideColumns()) checks.push_back(WithNorm(c.name, c.norm, c.duck_type));
    const std::string files = ReadParquet(TableFiles(db_dir + "/public.wide"));
    EXPECT_TRUE(TableMatches(*pg, "shapes", "wide", files, checks));
    Result<nlohmann::json> names =
        OracleSql(StrCat("SELECT string_agg(column_name, ',') AS names FROM (DESCRIBE SELECT * FROM ", files, ")"));
    ASSERT_TRUE(names.ok());
    std::string want = "id";
    for (const WideColumn& c : WideColumns()) want.append(",").append(c.name);
    EXPECT_EQ((*names)[0]["names"], want);
  }
  // The partitioned table: every row of every (sub-)partition once, as the parent.
  EXPECT_TRUE(TableMatches(*pg, "shapes", "measurements", ReadParquet(TableFiles(db_dir + "/public.measurements")),
                           {Text("region", "VARCHAR"), Text("at", "DATE"), Text("v", "DECIMAL(10,2)")}));
  EXPECT_EQ(
      DuckRowOrError(
          StrCat("SELECT count(*) AS n, count(DISTINCT id) AS d, count(*) FILTER (WHERE \"at\" >= DATE '2025-01-01' "
                 "AND \"at\" < DATE '2026-01-01') AS y2025, count(*) FILTER (WHERE \"at\" < DATE '2023-01-01' "
                 "OR \"at\" >= DATE '2026-01-01') AS dflt FROM ",
                 ReadParquet(TableFiles(db_dir + "/public.measurements")))),
      nlohmann::json({{"n", "6000"},
                      {"d", "6000"},
                      {"y2025", PgValue(*pg, "shapes", "SELECT count(*) FROM measurements_2025").ValueOr("?")},
                      {"dflt", PgValue(*pg, "shapes", "SELECT count(*) FROM measurements_default").ValueOr("?")}}));
  // Inheritance: the parent's own rows only; the child with its own columns and rows.
  EXPECT_TRUE(TableMatches(*pg, "shapes", "ONLY inh_parent", ReadParquet(TableFiles(db_dir + "/public.inh_parent")),
                           {Text("v", "VARCHAR")}));
  EXPECT_TRUE(TableMatches(*pg, "shapes", "inh_child", ReadParquet(TableFiles(db_dir + "/public.inh_child")),
                           {Text("v", "VARCHAR"), Text("extra", "INTEGER")}));
  EXPECT_EQ(DuckRowOrError(StrCat("SELECT count(*) AS n, max(id) AS top FROM ",
                                  ReadParquet(TableFiles(db_dir + "/public.inh_parent")))),
            nlohmann::json({{"n", "10"}, {"top", 10}}));
  {
    const std::string files = ReadParquet(TableFiles(db_dir + "/public.altered"));
    EXPECT_TRUE(TableMatches(
        *pg, "shapes", "altered", files,
        {Text("v", "VARCHAR"), Text("doubled", "INTEGER"), Text("ident", "BIGINT"), Text("added", "INTEGER")}));
    Result<nlohmann::json> names =
        OracleSql(StrCat("SELECT string_agg(column_name, ',') AS names FROM (DESCRIBE SELECT * FROM ", files, ")"));
    ASSERT_TRUE(names.ok()) << names.status().ToString();
    EXPECT_EQ((*names)[0]["names"], "id,v,doubled,ident,added");
  }
  EXPECT_TRUE(TableMatches(*pg, "shapes", "unlogged_t", ReadParquet(TableFiles(db_dir + "/public.unlogged_t")),
                           {Text("v", "VARCHAR")}));
  EXPECT_TRUE(TableMatches(*pg, "shapes", "mv_regions",
                           ReadParquet(TableFiles(out + "/with-mv/shapes/public.mv_regions")),
                           {Text("region", "VARCHAR"), Text("n", "BIGINT")}));

  const Strings files = ParquetFilesUnder(out);
  EXPECT_EQ(files.size(), 15u);
  EXPECT_TRUE(OracleAllOk(files));
}

// Relations that cannot be exported (an unpopulated materialized view, a
// table without columns; on a standby also unlogged tables) follow --only
// like everything else: named, the user learns why (as a failure or as a
// warning); not selected, they are not worth a warning (pg_source.cc: "A
// relation left out matters only if --only asked for it").
TEST(ExportData, SkippedRelationsFollowOnly) {
  SL_REQUIRE_SHARED_PG(pg);
  SL_ASSERT_OK(EnsureDatabase(*pg, "shapes", ShapesSql()));
  TempDir tmp;
  const ExportRun no_columns =
      RunExport(tmp.Path("home"), "no-columns", pg->Uri("shapes"), tmp.Path("out"), "--only shapes.public.no_columns");
  ASSERT_TRUE(Completed(no_columns));
  EXPECT_TRUE(Mentions(no_columns.Warning(), {"public.no_columns", "no columns"}));
  EXPECT_EQ(EntriesOf(tmp.Path("out") + "/no-columns"),
            (Strings{"_SUCCESS", "export_info_no-columns.json", "export_tables_info_no-columns_from_1_to_0.json"}));

  const ExportRun named = RunExport(tmp.Path("home"), "named", pg->Uri("shapes"), tmp.Path("out"),
                                    "--include-matviews --only shapes.public.mv_unpopulated");
  EXPECT_NE((named.err + named.Warning()).find("not populated"), std::string::npos)
      << "--only naming only a relation the catalog skipped must say why it was skipped\n"
      << named.Summary();
  const ExportRun other = RunExport(tmp.Path("home"), "other", pg->Uri("shapes"), tmp.Path("out"),
                                    "--include-matviews --only shapes.public.inh_child");
  ASSERT_TRUE(Completed(other));
  EXPECT_EQ(EntriesOf(tmp.Path("out") + "/other/shapes"), Strings{"public.inh_child"});
  EXPECT_EQ(other.Warning(), "")
      << "a skipped relation that --only did not select must not be reported\n"
      << other.Summary();
}

// ---------------------------------------------------------------------------
// 4. Chunking.

struct BigTableFacts {
  std::string count, sum_id, sum_v, md5_ids;
};

// PostgreSQL 13 has no TID range scans, so snaplake reads each table there as
// one stream (PgSource::PlanChunks); the chunking tests then expect one part.
bool SplitsTables(const testing::PgServer& pg) {
  return pg.VersionNum() >= 140000;
}

TEST(ExportData, ChunkedTableHasEveryRowOnce) {
  SL_REQUIRE_SHARED_PG(pg);
  SL_REQUIRE_ORACLE(oracle);
  // Deleted rows leave holes; updated rows move to the end of the heap.
  SL_ASSERT_OK(EnsureDatabase(*pg, "chunks", R"sql(
    CREATE TABLE big (id int, v int);
    INSERT INTO big SELECT g, g % 1000 FROM generate_series(1, 300000) g;
    DELETE FROM big WHERE id % 1000 = 0;
    UPDATE big SET v = -v WHERE id % 777 = 0;
    ANALYZE big;
    -- A partitioned table is chunked by the ctid ranges of its largest
    -- partition, each range read from every partition.
    CREATE TABLE parted (id int, v int) PARTITION BY RANGE (id);
    CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (MINVALUE) TO (100001);
    CREATE TABLE parted_high PARTITION OF parted FOR VALUES FROM (100001) TO (200001);
    CREATE TABLE parted_rest PARTITION OF parted DEFAULT;
    INSERT INTO parted SELECT g, g % 7 FROM generate_series(1, 240000) g;
    ANALYZE parted;
  )sql"));
  Result<std::string> pg_facts =
      PgValue(*pg, "chunks",
              "SELECT concat_ws('|', count(*), sum(id), sum(v), md5(string_agg(id::text, ',' ORDER BY id))) FROM big");
  ASSERT_TRUE(pg_facts.ok()) << pg_facts.status().ToString();
  Result<std::string> blocks = PgValue(*pg, "chunks", "SELECT pg_relation_size('big') / 8192");
  ASSERT_TRUE(blocks.ok());
  const bool splits = SplitsTables(*pg);
  const int expected_parts = splits ? static_cast<int>((std::stol(*blocks) + 127) / 128) : 1;  // 1 MiB = 128 blocks
  if (splits) {
    ASSERT_GE(expected_parts, 5) << "the table should span several 1 MiB chunks";
  }

  TempDir tmp;
  Strings all_files;
  for (const char* parallel : {"4", "1"}) {
    SCOPED_TRACE(StrCat("--parallel ", parallel));
    const std::string id = StrCat("p", parallel);
    const ExportRun run = RunExport(tmp.Path("home"), id, pg->Uri("chunks"), tmp.Path("out"),
                                    StrCat("--chunk-size 1MiB --only chunks.public.big --parallel ", parallel));
    ASSERT_TRUE(Completed(run));
    const std::string table_dir = StrCat(tmp.Path("out"), "/", id, "/chunks/public.big");
    const Strings parts = TableFiles(table_dir);
    ASSERT_EQ(static_cast<int>(parts.size()), expected_parts);
    // part-00000 .. part-N-1, one uuid per table, RDS's name pattern.
    const std::string uuid = BaseName(parts[0]).substr(11, 36);
    for (size_t i = 0; i < parts.size(); ++i) {
      char index[32];
      std::snprintf(index, sizeof(index), "%05zu", i);
      EXPECT_EQ(BaseName(parts[i]), StrCat("part-", index, "-", uuid, "-c000.gz.parquet"));
    }
    EXPECT_TRUE(std::filesystem::exists(table_dir + "/1/_SUCCESS"));
    Result<nlohmann::json> ours = DuckRow(StrCat(
        "SELECT concat_ws('|', count(*), sum(id), sum(v), md5(string_agg(id::VARCHAR, ',' ORDER BY id))) AS facts, "
        "count(DISTINCT id) = count(*) AS distinct_ids FROM ",
        ReadParquet(parts)));
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    EXPECT_EQ((*ours)["facts"], *pg_facts);
    EXPECT_EQ((*ours)["distinct_ids"], true);
    // The summary agrees.
    Result<std::string> info =
        ReadFileToString(StrCat(tmp.Path("out"), "/", id, "/export_tables_info_", id, "_from_1_to_1.json"));
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    const nlohmann::json tables = nlohmann::json::parse(*info, nullptr, false);
    ASSERT_TRUE(tables.is_object()) << *info;
    EXPECT_EQ(tables["perTableStatus"][0]["tableStatistics"]["partitioningInfo"]["numberOfPartitions"], expected_parts)
        << *info;
    EXPECT_EQ(std::to_string(run.describe.value("ExportedRows", int64_t{-1})),
              pg_facts->substr(0, pg_facts->find('|')));
    all_files.insert(all_files.end(), parts.begin(), parts.end());
  }

  // The partitioned table, chunked: every row of every partition exactly once.
  Result<std::string> parted_facts = PgValue(
      *pg, "chunks",
      "SELECT concat_ws('|', count(*), sum(id), sum(v), md5(string_agg(id::text, ',' ORDER BY id))) FROM parted");
  ASSERT_TRUE(parted_facts.ok()) << parted_facts.status().ToString();
  Result<std::string> parted_blocks = PgValue(
      *pg, "chunks", "SELECT max(pg_relation_size(relid)) / 8192 FROM pg_partition_tree('parted') WHERE isleaf");
  ASSERT_TRUE(parted_blocks.ok());
  const int parted_parts = splits ? static_cast<int>((std::stol(*parted_blocks) + 127) / 128) : 1;
  if (splits) {
    ASSERT_GE(parted_parts, 3);
  }
  const ExportRun run = RunExport(tmp.Path("home"), "parted", pg->Uri("chunks"), tmp.Path("out"),
                                  "--chunk-size 1MiB --only chunks.public.parted --parallel 3");
  ASSERT_TRUE(Completed(run));
  EXPECT_EQ(EntriesOf(tmp.Path("out") + "/parted/chunks"), Strings{"public.parted"});
  const Strings parts = TableFiles(tmp.Path("out") + "/parted/chunks/public.parted");
  EXPECT_EQ(static_cast<int>(parts.size()), parted_parts);
  Result<nlohmann::json> ours = DuckRow(StrCat(
      "SELECT concat_ws('|', count(*), sum(id), sum(v), md5(string_agg(id::VARCHAR, ',' ORDER BY id))) AS facts FROM ",
      ReadParquet(parts)));
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  EXPECT_EQ((*ours)["facts"], *parted_facts);
  all_files.insert(all_files.end(), parts.begin(), parts.end());

  EXPECT_TRUE(OracleAllOk(all_files));
}

// ---------------------------------------------------------------------------
// 5. Snapshot consistency under concurrent transfers.

constexpr int kAccounts = 30000;  // per table
constexpr int64_t kStartingTotal = 3 * (kAccounts * int64_t{1000} + (kAccounts / 100) * int64_t{4950});

// Moves money between random accounts of acc_a/acc_b/acc_c, or into a new
// account of acc_c, one transaction at a time, logging each transfer in the
// same transaction, until told to stop.
class TransferLoad {
 public:
  explicit TransferLoad(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  ~TransferLoad() { Stop(); }

  void Start(int threads) {
    for (int t = 0; t < threads; ++t) threads_.emplace_back([this, t]() { Loop(t); });
  }
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  int64_t committed() const { return committed_.load(); }
  std::string error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

 private:
  void Loop(int seed) {
    PGconn* conn = PQconnectdb(conninfo_.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = PQerrorMessage(conn);
      PQfinish(conn);
      return;
    }
    std::mt19937 rng(static_cast<unsigned>(seed) * 7919u + 1u);
    while (!stop_.load()) {
      const char from_t = "abc"[rng() % 3];
      const char to_t = "abc"[rng() % 3];
      const std::string from_id = std::to_string(1 + rng() % kAccounts);
      const std::string to_id = std::to_string(1 + rng() % kAccounts);
      const std::string amount = std::to_string(1 + rng() % 50);
      std::string sql = StrCat("BEGIN; UPDATE acc_", std::string(1, from_t), " SET balance = balance - ", amount,
                               " WHERE id = ", from_id, "; ");
      if (rng() % 5 == 0) {
        sql.append(StrCat("INSERT INTO acc_c (id, balance, pad) VALUES (nextval('new_account_ids'), ", amount,
                          ", 'new'); INSERT INTO transfers (from_t, from_id, to_t, to_id, amount) VALUES ('",
                          std::string(1, from_t), "', ", from_id, ", 'c', currval('new_account_ids'), ", amount, ");"));
      } else {
        sql.append(
            StrCat("UPDATE acc_", std::string(1, to_t), " SET balance = balance + ", amount, " WHERE id = ", to_id,
                   "; INSERT INTO transfers (from_t, from_id, to_t, to_id, amount) VALUES ('", std::string(1, from_t),
                   "', ", from_id, ", '", std::string(1, to_t), "', ", to_id, ", ", amount, ");"));
      }
      sql.append(" COMMIT;");
      PGresult* result = PQexec(conn, sql.c_str());
      const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
      PQclear(result);
      if (ok) {
        ++committed_;
      } else {
        // A deadlock between two transfers: the transaction is void; go on.
        PQclear(PQexec(conn, "ROLLBACK"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a steady trickle, not a CPU hog
    }
    PQfinish(conn);
  }

  std::string conninfo_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> committed_{0};
  mutable std::mutex mutex_;
  std::string error_;
};

TEST(ExportData, SnapshotIsConsistentUnderConcurrentTransfers) {
  SL_REQUIRE_SHARED_PG(pg);
  SL_REQUIRE_ORACLE(oracle);
  std::string setup =
      "CREATE SEQUENCE new_account_ids START 1000000;\n"
      "CREATE TABLE transfers (seq bigserial PRIMARY KEY, from_t text, from_id int, to_t text, "
      "to_id int, amount bigint);\n";
  for (const char* t : {"a", "b", "c"}) {
    setup.append(StrCat("CREATE TABLE acc_", t, " (id int PRIMARY KEY, balance bigint, pad text);\n",
                        "INSERT INTO acc_", t, " SELECT g, 1000 + g % 100, repeat('p', 100) FROM generate_series(1, ",
                        std::to_string(kAccounts), ") g;\n"));
  }
  // Balances change below: always start from a fresh bank.
  SL_ASSERT_OK(pg->Psql("DROP DATABASE IF EXISTS bank;").status());
  SL_ASSERT_OK(EnsureDatabase(*pg, "bank", setup));
  Result<std::string> total = PgValue(*pg, "bank",
                                      "SELECT (SELECT sum(balance) FROM acc_a) + (SELECT sum(balance) FROM acc_b) + "
                                      "(SELECT sum(balance) FROM acc_c)");
  ASSERT_TRUE(total.ok());
  ASSERT_EQ(*total, std::to_string(kStartingTotal));

  TransferLoad load(pg->Uri("bank"));
  load.Start(3);
  while (load.committed() < 20 && load.error().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(load.error(), "");
  const int64_t committed_before = load.committed();
  TempDir tmp;
  // About 13 MB of heap read at 4 MiB/s: the export takes ~3 s while transfers go on.
  const ExportRun run = RunExport(tmp.Path("home"), "bank", pg->Uri("bank"), tmp.Path("out"),
                                  "--parallel 4 --chunk-size 1MiB --max-rate 4MiB");
  const int64_t committed_during = load.committed() - committed_before;
  load.Stop();
  ASSERT_TRUE(Completed(run));
  EXPECT_GE(run.seconds, 1.5) << "--max-rate should have made the export last a couple of seconds";
  EXPECT_GE(committed_during, 50) << "transfers should have committed while the export ran";

  std::printf("export took %.1f s while %lld transfers committed\n", run.seconds,
              static_cast<long long>(committed_during));
  const std::string db_dir = tmp.Path("out") + "/bank/bank";
  const std::string a = ReadParquet(TableFiles(db_dir + "/public.acc_a"));
  const std::string b = ReadParquet(TableFiles(db_dir + "/public.acc_b"));
  const std::string c = ReadParquet(TableFiles(db_dir + "/public.acc_c"));
  const std::string log = ReadParquet(TableFiles(db_dir + "/public.transfers"));
  for (const char* t : {"acc_a", "acc_b", "acc_c"}) {
    EXPECT_GE(TableFiles(StrCat(db_dir, "/public.", t)).size(), SplitsTables(*pg) ? 3u : 1u)
        << t << " should have been read in chunks";
  }
  // Replay the exported transfer log over the starting balances: a consistent
  // snapshot holds exactly the balances that its own log explains.
  Result<nlohmann::json> facts = DuckRow(StrCat(
      "WITH acc AS (SELECT 'a' AS t, id, balance FROM ", a, " UNION ALL SELECT 'c', id, balance FROM ", c,
      " UNION ALL SELECT 'b', id, balance FROM ", b, "), log AS (SELECT * FROM ", log,
      "), initial AS (SELECT v.t, r.range::INTEGER AS id, 1000 + r.range % 100 AS balance FROM (VALUES ('a'), ('b'), "
      "('c')) v(t), range(1, ",
      std::to_string(kAccounts + 1),
      ") r), delta AS (SELECT from_t AS t, from_id AS id, -amount AS balance FROM log UNION ALL "
      "SELECT to_t, to_id, amount FROM log), expected AS (SELECT t, id, sum(balance) AS balance FROM "
      "(SELECT * FROM initial UNION ALL SELECT * FROM delta) GROUP BY t, id) "
      "SELECT (SELECT sum(balance) FROM acc)::VARCHAR AS total, (SELECT count(*) FROM log)::VARCHAR AS transfers, "
      "(SELECT count(*) FROM acc WHERE id >= 1000000)::VARCHAR AS new_accounts, "
      "(SELECT count(*) FROM expected e FULL OUTER JOIN acc x ON e.t = x.t AND e.id = x.id "
      "WHERE e.balance IS DISTINCT FROM x.balance)::VARCHAR AS mismatches"));
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ((*facts)["total"], std::to_string(kStartingTotal)) << facts->dump();
  EXPECT_EQ((*facts)["mismatches"], "0") << facts->dump();
  // Transfers committed after the snapshot (during the export) are absent,
  // and so are the accounts they opened.
  const int64_t exported_transfers = std::stoll((*facts)["transfers"].get<std::string>());
  Result<std::string> final_transfers = PgValue(*pg, "bank", "SELECT count(*) FROM transfers");
  Result<std::string> final_new = PgValue(*pg, "bank", "SELECT count(*) FROM acc_c WHERE id >= 1000000");
  ASSERT_TRUE(final_transfers.ok() && final_new.ok());
  EXPECT_GE(exported_transfers, committed_before) << facts->dump();
  EXPECT_LT(exported_transfers + 20, std::stoll(*final_transfers)) << facts->dump();
  EXPECT_LT(std::stoll((*facts)["new_accounts"].get<std::string>()), std::stoll(*final_new)) << facts->dump();
  std::printf("snapshot holds %lld of %s transfers\n", static_cast<long long>(exported_transfers),
              final_transfers->c_str());

  EXPECT_TRUE(OracleAllOk(ParquetFilesUnder(tmp.path())));
}

// ---------------------------------------------------------------------------
// 6. Hot standby.

TEST(ExportData, HotStandbyExportsWhatThePrimaryHas) {
  Result<std::unique_ptr<PgServer>> primary = PgServer::Start();
  if (!primary.ok() && testing::PgNotInstalled(primary.status().message())) {
    GTEST_SKIP() << primary.status().ToString();
  }
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  SL_REQUIRE_ORACLE(oracle);
  ASSERT_TRUE((*primary)->Psql("CREATE DATABASE hs;").ok());
  ASSERT_TRUE((*primary)
                  ->Psql(R"sql(
    CREATE TABLE events (id int PRIMARY KEY, v text, happened timestamptz, amount numeric(12,2));
    INSERT INTO events SELECT g, 'event ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute',
                              (g % 10000) / 100.0 FROM generate_series(1, 40000) g;
    CREATE TABLE small (id int, tags text[]);
    INSERT INTO small VALUES (1, '{a,b}'), (2, NULL), (3, '{}');
    CREATE UNLOGGED TABLE scratch (id int);
    INSERT INTO scratch SELECT generate_series(1, 100);
  )sql",
                         "hs")
                  .ok());
  Result<std::unique_ptr<PgServer>> replica = (*primary)->StartReplica();
  ASSERT_TRUE(replica.ok()) << replica.status().ToString();
  ASSERT_TRUE((*replica)->WaitForCatchUp(**primary).ok());
  EXPECT_EQ(PgValue(**replica, "hs", "SELECT pg_is_in_recovery()").ValueOr("?"), "t");

  TempDir tmp;
  const ExportRun run =
      RunExport(tmp.Path("home"), "standby", (*replica)->Uri("hs"), tmp.Path("out"), "--parallel 2 --chunk-size 1MiB");
  ASSERT_TRUE(Completed(run));
  const std::string db_dir = tmp.Path("out") + "/standby/hs";
  // The unlogged table has no data on a standby: skipped, and said so.
  EXPECT_EQ(EntriesOf(db_dir), (Strings{"public.events", "public.small"}));
  EXPECT_TRUE(Mentions(run.Warning(), {"public.scratch", "unlogged"}));

  const Strings events = TableFiles(db_dir + "/public.events");
  EXPECT_GE(events.size(), SplitsTables(**replica) ? 2u : 1u)
      << "events should have been read in chunks (imported snapshots on the standby)";
  Result<std::string> want = PgValue(**primary, "hs",
                                     "SELECT concat_ws('|', count(*), sum(id), md5(string_agg(concat_ws(',', id, v, "
                                     "happened::text, amount::text), E'\\n' ORDER BY id))) FROM events");
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  Result<nlohmann::json> got =
      DuckRow(StrCat("SELECT concat_ws('|', count(*), sum(id), md5(string_agg(concat_ws(',', id, v, happened::VARCHAR, "
                     "amount::VARCHAR), chr(10) ORDER BY id))) AS facts FROM ",
                     ReadParquet(events)));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)["facts"], *want);
  EXPECT_TRUE(TableMatches(**primary, "hs", "small", ReadParquet(TableFiles(db_dir + "/public.small")),
                           {{"tags", "array_to_json(tags)", "tags", Norm::kExact, "VARCHAR[]", ""}}));

  EXPECT_TRUE(OracleAllOk(ParquetFilesUnder(tmp.path())));
  replica->reset();  // before the primary, or it keeps trying to reconnect
}

}  // namespace
}  // namespace snaplake
