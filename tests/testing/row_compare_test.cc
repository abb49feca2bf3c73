#include "testing/row_compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "format/value_json.h"
#include "testing/oracle.h"
#include "testing/test_env.h"

namespace snaplake {
namespace {

using nlohmann::json;

::testing::AssertionResult Match(const char* ours, const char* theirs) {
  return JsonValuesMatch(json::parse(ours), json::parse(theirs));
}

// --- the normaliser on its own (no oracle needed) ------------------------------

TEST(RowCompareValues, NumbersAgainstDuckDbStrings) {
  EXPECT_TRUE(Match("1", "\"1\""));
  EXPECT_TRUE(Match("-9223372036854775808", "\"-9223372036854775808\""));
  EXPECT_TRUE(Match("18446744073709551615", "\"18446744073709551615\""));
  EXPECT_TRUE(Match("\"1.50\"", "1.5"));  // DECIMAL as a number on one side
  EXPECT_TRUE(Match("\"-0.05\"", "\"-0.05\""));
  EXPECT_FALSE(Match("\"1.50\"", "\"1.5\""));  // two strings: text must agree
  EXPECT_FALSE(Match("2", "\"1\""));
  EXPECT_FALSE(Match("1", "\"1x\""));
  EXPECT_FALSE(Match("\"NaN\"", "1"));
  EXPECT_TRUE(Match("\"NaN\"", "\"NaN\""));
  EXPECT_TRUE(Match("\"-Infinity\"", "\"-Infinity\""));
}

TEST(RowCompareValues, FloatsWidenedByDuckDb) {
  EXPECT_TRUE(Match("0.1", "0.10000000149011612"));  // FLOAT 0.1
  EXPECT_TRUE(Match("1.1", "1.100000023841858"));
  EXPECT_TRUE(Match("0.1", "0.1"));
  EXPECT_TRUE(Match("3", "3"));
  EXPECT_TRUE(Match("1e+300", "1e300"));
  EXPECT_FALSE(Match("0.2", "0.10000000149011612"));
  EXPECT_FALSE(Match("0.1", "0.1000000001"));  // not a float on DuckDB's side
  EXPECT_FALSE(Match("3", "4"));
}

TEST(RowCompareValues, DatesAndTimes) {
  EXPECT_TRUE(Match("\"2020-01-02T03:04:05.123456\"", "\"2020-01-02 03:04:05.123456\""));
  EXPECT_TRUE(Match("\"2020-01-02T03:04:05.5Z\"", "\"2020-01-02 03:04:05.500+00\""));
  EXPECT_TRUE(Match("\"2020-01-01T00:00:00Z\"", "\"2019-12-31 19:00:00-05\""));
  EXPECT_TRUE(Match("\"2020-01-01T00:00:00Z\"", "\"2020-01-01 05:30:00+05:30\""));
  EXPECT_TRUE(Match("\"1969-12-31T23:59:59.123456789\"", "\"1969-12-31 23:59:59.123456789\""));
  EXPECT_TRUE(Match("\"-0044-03-15\"", "\"0045-03-15 (BC)\""));
  EXPECT_TRUE(Match("\"0000-01-01\"", "\"0001-01-01 (BC)\""));
  EXPECT_TRUE(Match("\"-0044-03-15T01:02:03\"", "\"0045-03-15 (BC) 01:02:03\""));
  EXPECT_TRUE(Match("\"5881580-07-11\"", "\"5881580-07-11\""));
  EXPECT_TRUE(Match("\"01:02:03Z\"", "\"01:02:03+00\""));
  EXPECT_TRUE(Match("\"23:00:00Z\"", "\"01:00:00+02\""));  // wraps past midnight
  EXPECT_TRUE(Match("\"01:02:03.5\"", "\"01:02:03.500000\""));

  EXPECT_FALSE(Match("\"2020-01-02T03:04:05.5\"", "\"2020-01-02 03:04:05.5+00\""));  // local vs UTC
  EXPECT_FALSE(Match("\"01:02:03\"", "\"01:02:03+00\""));
  EXPECT_FALSE(Match("\"2020-01-02\"", "\"2020-01-03\""));
  EXPECT_FALSE(Match("\"2020-01-02\"", "\"2020-01-02 00:00:00\""));
  EXPECT_FALSE(Match("\"0044-03-15\"", "\"0045-03-15 (BC)\""));
  EXPECT_FALSE(Match("\"1969-12-31T23:59:59.123456789\"", "\"1969-12-31 23:59:59.12345678\""));
  EXPECT_FALSE(Match("\"2020-01-01T00:00:00Z\"", "\"2020-01-01 00:00:00-05\""));
}

TEST(RowCompareValues, BinaryBase64AgainstDuckDbEscapes) {
  EXPECT_TRUE(Match("\"AAAD6A==\"", "\"\\\\x00\\\\x00\\\\x03\\\\xE8\""));
  EXPECT_TRUE(Match("\"MDMvMDEvMDk=\"", "\"03/01/09\""));
  EXPECT_TRUE(Match("\"/wBhYg==\"", "\"\\\\xFF\\\\x00ab\""));
  EXPECT_TRUE(Match("\"XA==\"", "\"\\\\\""));  // a backslash byte, shown raw by DuckDB
  EXPECT_TRUE(Match("\"\"", "\"\""));
  EXPECT_FALSE(Match("\"/wBhYg==\"", "\"\\\\xFF\\\\x00ac\""));
  EXPECT_FALSE(Match("\"AAAD6A==\"", "\"\\\\x00\\\\x00\\\\x03\""));
}

TEST(RowCompareValues, IntervalsMapsStructs) {
  EXPECT_TRUE(Match(R"({"months":14,"days":3,"millis":4000})", R"({"months":14,"days":3,"micros":"4000000"})"));
  EXPECT_FALSE(Match(R"({"months":14,"days":3,"millis":4000})", R"({"months":14,"days":3,"micros":"4000001"})"));
  EXPECT_FALSE(Match(R"({"months":14,"days":3,"millis":4000})", R"({"months":14,"days":4,"micros":"4000000"})"));

  EXPECT_TRUE(Match(R"({"k":2,"j":null})", R"([{"key":"k","value":2},{"key":"j","value":null}])"));
  EXPECT_TRUE(Match("{}", "[]"));
  EXPECT_TRUE(Match(R"([{"key":7,"value":"x"}])", R"([{"key":7,"value":"x"}])"));
  EXPECT_FALSE(Match(R"({"k":2})", R"([{"key":"k","value":3}])"));
  EXPECT_FALSE(Match(R"({"k":2})", R"([{"key":"k","value":2},{"key":"l","value":2}])"));
  EXPECT_FALSE(Match(R"({"k":2})", R"([{"key":"x","value":2}])"));

  EXPECT_TRUE(Match(R"({"a":1,"b":[1,null]})", R"({"b":[1,null],"a":"1"})"));
  EXPECT_FALSE(Match(R"({"a":1})", R"({"a":1,"b":2})"));
  EXPECT_FALSE(Match(R"({"a":1,"b":2})", R"({"a":1})"));
  EXPECT_FALSE(Match("[1,2]", "[1,2,3]"));
  EXPECT_FALSE(Match("null", "0"));
  EXPECT_FALSE(Match("0", "null"));
  EXPECT_TRUE(Match("null", "null"));
  EXPECT_FALSE(Match("true", "1"));
  EXPECT_TRUE(Match("false", "false"));
}

TEST(RowCompareValues, FailureNamesThePathAndBothValues) {
  ::testing::AssertionResult r = Match(R"({"a":[1,{"m":{"z":5}}]})", R"({"a":[1,{"m":[{"key":"z","value":6}]}]})");
  ASSERT_FALSE(r);
  const std::string msg = r.message();
  EXPECT_NE(msg.find(".a[1].m[\"z\"]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ours {\"a\""), std::string::npos) << msg;
}

TEST(RowCompareLines, JsonLinesAgainstRows) {
  const json duck = json::parse(R"([{"a":"1","b":"x"},{"a":"2","b":null}])");
  EXPECT_TRUE(JsonLinesMatchDuckDb("{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":null}\n", duck));
  EXPECT_TRUE(JsonLinesMatchDuckDb("{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":null}", duck));  // no final newline

  ::testing::AssertionResult wrong = JsonLinesMatchDuckDb("{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":\"y\"}\n", duck);
  ASSERT_FALSE(wrong);
  EXPECT_NE(std::string(wrong.message()).find("row 1, column 'b'"), std::string::npos) << wrong.message();

  ::testing::AssertionResult short_rows = JsonLinesMatchDuckDb("{\"a\":1,\"b\":\"x\"}\n", duck);
  ASSERT_FALSE(short_rows);
  EXPECT_NE(std::string(short_rows.message()).find("row counts differ"), std::string::npos);

  const std::string three = "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":null}\n{\"a\":3,\"b\":null}\n";
  EXPECT_FALSE(JsonLinesMatchDuckDb(three, duck));
  RowCompareOptions prefix;
  prefix.ours_may_have_more_rows = true;
  EXPECT_TRUE(JsonLinesMatchDuckDb(three, duck, prefix));

  EXPECT_FALSE(JsonLinesMatchDuckDb("{\"a\":1}\n{\"a\":2}\n", duck));                      // column b missing
  EXPECT_FALSE(JsonLinesMatchDuckDb("{\"a\":1,\"b\":\"x\",\"c\":1}\n{\"a\":2,\"b\":null,\"c\":1}\n", duck));
  EXPECT_FALSE(JsonLinesMatchDuckDb("not json\n", duck));
}

// --- DuckDB's own output of real files compared with itself, then spoiled -----

std::string AsJsonLines(const json& rows) {
  std::string lines;
  for (const json& row : rows) lines.append(row.dump()).push_back('\n');
  return lines;
}

TEST(RowCompareOracle, DuckDbRowsOfParquetTestingFilesMatchThemselves) {
  SL_REQUIRE_TESTDATA(data);
  SL_REQUIRE_ORACLE(oracle);
  const std::string dir = data + "/parquet-testing/data/";
  for (const char* name : {"alltypes_plain.parquet", "nullable.impala.parquet", "nested_maps.snappy.parquet",
                           "int96_from_spark.parquet", "byte_array_decimal.parquet"}) {
    SCOPED_TRACE(name);
    Result<json> duck = OracleDuckDbRows(dir + name, 50);
    ASSERT_TRUE(duck.ok()) << duck.status().ToString();
    ASSERT_FALSE((*duck)["rows"].empty());
    EXPECT_TRUE(JsonLinesMatchDuckDb(AsJsonLines((*duck)["rows"]), *duck));

    // Any changed value must be caught and named.
    json spoiled = (*duck)["rows"];
    const std::string first_column = (*duck)["duckdb_types"][0]["column_name"].get<std::string>();
    json& target = spoiled.back()[first_column];
    target = target.is_null() ? json(12345) : json(nullptr);
    ::testing::AssertionResult r = JsonLinesMatchDuckDb(AsJsonLines(spoiled), *duck);
    ASSERT_FALSE(r);
    const std::string expect = StrCat("row ", std::to_string(spoiled.size() - 1), ", column '", first_column, "'");
    EXPECT_NE(std::string(r.message()).find(expect), std::string::npos) << r.message();

    // A lost row too.
    json fewer = (*duck)["rows"];
    fewer.erase(fewer.size() - 1);
    EXPECT_FALSE(JsonLinesMatchDuckDb(AsJsonLines(fewer), *duck));
  }
}

TEST(RowCompareOracle, DeepMismatchInNestedImpalaFile) {
  SL_REQUIRE_TESTDATA(data);
  SL_REQUIRE_ORACLE(oracle);
  Result<json> duck = OracleDuckDbRows(data + "/parquet-testing/data/nullable.impala.parquet", 10);
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  json rows = (*duck)["rows"];
  // nested_struct.C.d[0][1].E of row 0 is -10 in the file (see DuckDB's output).
  ASSERT_EQ(rows[0]["nested_struct"]["C"]["d"][0][1]["E"], json(-10));
  rows[0]["nested_struct"]["C"]["d"][0][1]["E"] = 10;
  ::testing::AssertionResult r = JsonLinesMatchDuckDb(AsJsonLines(rows), *duck);
  ASSERT_FALSE(r);
  EXPECT_NE(std::string(r.message()).find("row 0, column 'nested_struct' at .C.d[0][1].E"), std::string::npos)
      << r.message();

  // A map value changed inside int_map of row 1 ([{"key":"k1","value":2},...]).
  rows = (*duck)["rows"];
  rows[1]["int_map"][0]["value"] = 3;
  EXPECT_FALSE(JsonLinesMatchDuckDb(AsJsonLines(rows), *duck));
}

// --- our rendering of a hand-built batch against DuckDB's of the same values ---

// The query whose one row the batch below holds.
const char* kEquivalentQuery =
    "SELECT 1::BIGINT a, 1.50::DECIMAL(10,2) b, DATE '2020-01-02' c, TIMESTAMP '2020-01-02 03:04:05.123456' d, "
    "[1,2]::INT[] e, {'x': 1} f, MAP {'k': 2} g, '\\x01'::BLOB h, "
    "(-9223372036854775808)::BIGINT i, 18446744073709551615::UBIGINT j, 0.1::FLOAT k, 0.1::DOUBLE l, "
    "'nan'::DOUBLE m, '-inf'::FLOAT n, (-12345678901234567890123456789012345678)::DECIMAL(38,0) o, "
    "(-0.05)::DECIMAL(3,2) p, DATE '-0044-03-15' q, TIMESTAMPTZ '1969-12-31 23:59:59.5+00' r, "
    "TIMESTAMP_NS '1969-12-31 23:59:59.123456789' s, TIME '01:02:03.5' t, TIMETZ '01:02:03+00' u, "
    "'00112233-4455-6677-8899-aabbccddeeff'::UUID v, INTERVAL '14 months 3 days 4 seconds' w, "
    "MAP {7: 'x'} x, NULL::INT y, 'a\"b' || chr(10) || 'é\\' z, '{\"a\": 1}'::JSON aa, "
    "[{'p': NULL::INT, 'q': [1.5::DECIMAL(4,1)]}] bb, '\\xFF\\x00ab'::BLOB cc, 'x'::ENUM('x','y') dd, "
    "255::UTINYINT ee, true ff, [MAP {'m': [DATE '1900-01-01']}] gg, 1e300::DOUBLE hh";

enum class Spoil { kNone, kDecimal, kNestedDate, kUtcFlag, kBlob, kFloat };

__int128 ParseInt128(std::string_view s) {
  bool neg = s[0] == '-';
  if (neg) s.remove_prefix(1);
  __int128 v = 0;
  for (char ch : s) v = v * 10 + (ch - '0');
  return neg ? -v : v;
}

ColumnBatch EquivalentBatch(Spoil spoil) {
  const Field list_date{"element", Type::List(Field{"element", Type::Date(), true}), true};
  const Type map_of_dates = Type::Map(Field{"key", Type::String(), false}, list_date);
  const Type bb_struct = Type::Struct(
      {Field{"p", Type::Int32(), true}, Field{"q", Type::List(Field{"element", Type::Decimal(4, 1), true}), true}});
  Schema schema;
  schema.fields = {
      {"a", Type::Int64(), true},
      {"b", Type::Decimal(10, 2), true},
      {"c", Type::Date(), true},
      {"d", Type::Timestamp(TimeUnit::kMicros, false), true},
      {"e", Type::List(Field{"element", Type::Int32(), true}), true},
      {"f", Type::Struct({Field{"x", Type::Int32(), true}}), true},
      {"g", Type::Map(Field{"key", Type::String(), false}, Field{"value", Type::Int32(), true}), true},
      {"h", Type::Binary(), true},
      {"i", Type::Int64(), true},
      {"j", Type::UInt64(), true},
      {"k", Type::Float(), true},
      {"l", Type::Double(), true},
      {"m", Type::Double(), true},
      {"n", Type::Float(), true},
      {"o", Type::Decimal(38, 0), true},
      {"p", Type::Decimal(3, 2), true},
      {"q", Type::Date(), true},
      {"r", Type::Timestamp(TimeUnit::kMicros, spoil != Spoil::kUtcFlag), true},
      {"s", Type::Timestamp(TimeUnit::kNanos, false), true},
      {"t", Type::Time(TimeUnit::kMicros, false), true},
      {"u", Type::Time(TimeUnit::kMicros, true), true},
      {"v", Type::Uuid(), true},
      {"w", Type::Interval(), true},
      {"x", Type::Map(Field{"key", Type::Int32(), false}, Field{"value", Type::String(), true}), true},
      {"y", Type::Int32(), true},
      {"z", Type::String(), true},
      {"aa", Type::Json(), true},
      {"bb", Type::List(Field{"element", bb_struct, true}), true},
      {"cc", Type::Binary(), true},
      {"dd", Type::Enum(), true},
      {"ee", Type::UInt8(), true},
      {"ff", Type::Boolean(), true},
      {"gg", Type::List(Field{"element", map_of_dates, true}), true},
      {"hh", Type::Double(), true},
  };
  ColumnBatch batch(schema);
  int c = 0;
  auto next = [&]() -> Column& { return batch.mutable_column(c++); };
  next().Append<int64_t>(1);
  next().Append<int64_t>(spoil == Spoil::kDecimal ? 151 : 150);
  next().Append<int32_t>(18263);
  next().Append<int64_t>(1577934245123456);
  {
    Column& e = next();
    e.mutable_child(0).Append<int32_t>(1);
    e.mutable_child(0).Append<int32_t>(2);
    e.AppendListEnd(2);
  }
  {
    Column& f = next();
    f.mutable_child(0).Append<int32_t>(1);
    f.AppendStructValid();
  }
  {
    Column& g = next();
    g.mutable_child(0).AppendString("k");
    g.mutable_child(1).Append<int32_t>(2);
    g.AppendListEnd(1);
  }
  next().AppendString(spoil == Spoil::kBlob ? "\x02" : "\x01");
  next().Append<int64_t>(std::numeric_limits<int64_t>::min());
  next().Append<uint64_t>(std::numeric_limits<uint64_t>::max());
  next().Append<float>(spoil == Spoil::kFloat ? 0.2f : 0.1f);
  next().Append<double>(0.1);
  next().Append<double>(std::nan(""));
  next().Append<float>(-std::numeric_limits<float>::infinity());
  next().Append<__int128>(ParseInt128("-12345678901234567890123456789012345678"));
  next().Append<int64_t>(-5);
  next().Append<int32_t>(-735525);
  next().Append<int64_t>(-500000);
  next().Append<int64_t>(-876543211);
  next().Append<int64_t>(3723500000);
  next().Append<int64_t>(3723000000);
  {
    const uint8_t uuid[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                              0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
    next().AppendFixed(uuid);
  }
  {
    const uint32_t interval[3] = {14, 3, 4000};
    next().AppendFixed(interval);
  }
  {
    Column& x = next();
    x.mutable_child(0).Append<int32_t>(7);
    x.mutable_child(1).AppendString("x");
    x.AppendListEnd(1);
  }
  next().AppendNull();
  next().AppendString("a\"b\n\xC3\xA9\\");
  next().AppendString("{\"a\": 1}");
  {
    Column& bb = next();
    Column& st = bb.mutable_child(0);
    st.mutable_child(0).AppendNull();
    st.mutable_child(1).mutable_child(0).Append<int64_t>(15);
    st.mutable_child(1).AppendListEnd(1);
    st.AppendStructValid();
    bb.AppendListEnd(1);
  }
  next().AppendString(std::string_view("\xFF\x00" "ab", 4));
  next().AppendString("x");
  next().Append<uint32_t>(255);
  next().Append<uint8_t>(1);
  {
    Column& gg = next();
    Column& map = gg.mutable_child(0);
    map.mutable_child(0).AppendString("m");
    Column& dates = map.mutable_child(1);
    dates.mutable_child(0).Append<int32_t>(spoil == Spoil::kNestedDate ? -25566 : -25567);
    dates.AppendListEnd(1);
    map.AppendListEnd(1);
    gg.AppendListEnd(1);
  }
  next().Append<double>(1e300);
  std::string why;
  EXPECT_TRUE(batch.Validate(&why)) << why;
  EXPECT_EQ(c, batch.num_columns());
  return batch;
}

TEST(RowCompareOracle, HandBuiltBatchMatchesDuckDbQuery) {
  SL_REQUIRE_ORACLE(oracle);
  Result<json> duck = OracleSql(kEquivalentQuery);
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  ASSERT_EQ(duck->size(), 1u);

  EXPECT_TRUE(RowsMatchDuckDb(EquivalentBatch(Spoil::kNone), *duck));

  // The same through JSON lines, as `snaplake parquet cat` would print them.
  ColumnBatch batch = EquivalentBatch(Spoil::kNone);
  std::string line;
  AppendJsonRow(batch, 0, &line);
  EXPECT_TRUE(JsonLinesMatchDuckDb(line, *duck));

  struct Case {
    Spoil spoil;
    const char* expect;
  };
  for (const Case& k : {Case{Spoil::kDecimal, "column 'b'"}, Case{Spoil::kNestedDate, "column 'gg' at [0][\"m\"][0]"},
                        Case{Spoil::kUtcFlag, "column 'r'"}, Case{Spoil::kBlob, "column 'h'"},
                        Case{Spoil::kFloat, "column 'k'"}}) {
    ::testing::AssertionResult r = RowsMatchDuckDb(EquivalentBatch(k.spoil), *duck);
    ASSERT_FALSE(r) << k.expect;
    EXPECT_NE(std::string(r.message()).find(k.expect), std::string::npos) << r.message();
  }
}

// --- the rest of the support library -------------------------------------------

TEST(TestSupport, TempDirIsCreatedAndRemoved) {
  std::string kept;
  {
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    kept = dir.path();
    ASSERT_TRUE(WriteStringToFile(dir.Path("a.txt"), "hello").ok());
    Result<std::string> back = ReadFileToString(dir.Path("a.txt"));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, "hello");
    EXPECT_EQ(dir.Path("x"), dir.path() + "/x");
  }
  if (std::getenv("SNAPLAKE_KEEP_TEMP") == nullptr) {
    EXPECT_FALSE(ReadFileToString(kept + "/a.txt").ok());
    EXPECT_NE(RunCommand(StrCat("test -d ", ShellQuote(kept)), nullptr), 0);
  }
}

TEST(TestSupport, RunCommandCapturesOutputAndStatus) {
  std::string out;
  EXPECT_EQ(RunCommand("printf 'a b'; exit 3", &out), 3);
  EXPECT_EQ(out, "a b");
  EXPECT_EQ(RunCommand("echo out; echo err >&2", &out, /*merge_stderr=*/true), 0);
  EXPECT_EQ(out, "out\nerr\n");
  std::string err;
  EXPECT_EQ(RunCommandCapture("echo out; echo err >&2; exit 1", &out, &err), 1);
  EXPECT_EQ(out, "out\n");
  EXPECT_EQ(err, "err\n");
  EXPECT_EQ(RunCommand(StrCat("printf %s ", ShellQuote("it's \"quoted\" $HOME")), &out), 0);
  EXPECT_EQ(out, "it's \"quoted\" $HOME");
  EXPECT_EQ(RunCommand("kill -9 $$", nullptr), 128 + 9);
}

TEST(TestSupport, TestDataDirFollowsEnvironment) {
  const char* old = std::getenv("SNAPLAKE_TESTDATA");
  const std::string saved = old != nullptr ? old : "";
  TempDir dir;
  setenv("SNAPLAKE_TESTDATA", dir.path().c_str(), 1);
  EXPECT_EQ(TestDataDir(), std::optional<std::string>(dir.path()));
  setenv("SNAPLAKE_TESTDATA", dir.Path("missing").c_str(), 1);
  EXPECT_EQ(TestDataDir(), std::nullopt);
  EXPECT_NE(AnnounceMissingTestData().find("SKIPPED: test data not found: set SNAPLAKE_TESTDATA"), std::string::npos);
  if (old != nullptr) {
    setenv("SNAPLAKE_TESTDATA", saved.c_str(), 1);
  } else {
    unsetenv("SNAPLAKE_TESTDATA");
  }
}

TEST(TestSupport, OracleAllOkNeedsEveryFile) {
  SL_REQUIRE_TESTDATA(data);
  SL_REQUIRE_ORACLE(oracle);
  const std::string good = data + "/parquet-testing/data/alltypes_plain.parquet";
  TempDir dir;
  const std::string bad = dir.Path("not_parquet.parquet");
  ASSERT_TRUE(WriteStringToFile(bad, "this is not a parquet file").ok());
  // One oracle call with both files: the bad one must fail the whole result and be named.
  ::testing::AssertionResult r = OracleAllOk({good, bad});
  ASSERT_FALSE(r);
  EXPECT_NE(std::string(r.message()).find(bad), std::string::npos) << r.message();
  EXPECT_NE(std::string(r.message()).find(StrCat("ok ", good)), std::string::npos) << r.message();
}

// ctest runs tests in parallel and `oracle` rewrites its reader scripts in
// $PARQUET_ORACLES_DIR on every call; a shared directory let one call run
// another's half-copied script (exit 0, no output). private_oracle_dir.cc gives
// each test process its own directory, inherited by every command it runs.
TEST(TestSupport, OracleCallsUseADirectoryOfTheirOwn) {
  SL_REQUIRE_TESTDATA(data);
  SL_REQUIRE_ORACLE(oracle);
  const char* dir = std::getenv("PARQUET_ORACLES_DIR");
  ASSERT_NE(dir, nullptr) << "no private oracle directory: is the oracle installed (`oracle install`)?";
  const std::string private_dir = dir;
  EXPECT_NE(private_dir.find("snaplake-oracle-"), std::string::npos) << private_dir;
  EXPECT_TRUE(std::filesystem::is_symlink(private_dir + "/node_modules")) << private_dir;

  std::string child_sees;
  ASSERT_EQ(RunCommand("printf %s \"$PARQUET_ORACLES_DIR\"", &child_sees), 0);
  EXPECT_EQ(child_sees, private_dir);

  auto rows = OracleDuckDbRows(data + "/parquet-testing/data/alltypes_plain.parquet", 2);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)["rows"].size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(private_dir + "/duck_dump.mjs")) << "the oracle ran its copy elsewhere";
}

}  // namespace
}  // namespace snaplake
