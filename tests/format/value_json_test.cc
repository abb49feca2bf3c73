#include "format/value_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace snaplake {
namespace {

// Renders slot `row` and checks that the text is valid JSON before returning it.
std::string Render(const Column& column, int64_t row) {
  std::string out;
  AppendJsonValue(column, row, &out);
  EXPECT_TRUE(nlohmann::json::accept(out)) << "not valid JSON: " << out;
  return out;
}

template <typename T>
std::string RenderOne(Type type, T value) {
  Column c(std::move(type));
  c.Append<T>(value);
  return Render(c, 0);
}

std::string RenderString(Type type, std::string_view s) {
  Column c(std::move(type));
  c.AppendString(s);
  return Render(c, 0);
}

__int128 ParseInt128(std::string_view s) {
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  __int128 v = 0;
  for (char ch : s) v = v * 10 + (ch - '0');
  return neg ? -v : v;
}

TEST(ValueJsonTest, NullAndBoolean) {
  Column c(Type::Boolean());
  c.Append<uint8_t>(1);
  c.Append<uint8_t>(0);
  c.AppendNull();
  EXPECT_EQ(Render(c, 0), "true");
  EXPECT_EQ(Render(c, 1), "false");
  EXPECT_EQ(Render(c, 2), "null");
}

TEST(ValueJsonTest, IntegersKeepEveryDigit) {
  EXPECT_EQ(RenderOne<int32_t>(Type::Int8(), -128), "-128");
  EXPECT_EQ(RenderOne<int32_t>(Type::Int16(), 32767), "32767");
  EXPECT_EQ(RenderOne<int32_t>(Type::Int32(), std::numeric_limits<int32_t>::min()), "-2147483648");
  EXPECT_EQ(RenderOne<int64_t>(Type::Int64(), std::numeric_limits<int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(RenderOne<int64_t>(Type::Int64(), std::numeric_limits<int64_t>::max()), "9223372036854775807");
  EXPECT_EQ(RenderOne<uint32_t>(Type::UInt8(), 255), "255");
  EXPECT_EQ(RenderOne<uint32_t>(Type::UInt16(), 65535), "65535");
  EXPECT_EQ(RenderOne<uint32_t>(Type::UInt32(), 4294967295u), "4294967295");
  EXPECT_EQ(RenderOne<uint64_t>(Type::UInt64(), std::numeric_limits<uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(RenderOne<int64_t>(Type::Int64(), 0), "0");
}

TEST(ValueJsonTest, FloatingPointShortestRoundTrip) {
  EXPECT_EQ(RenderOne<float>(Type::Float(), 0.1f), "0.1");  // not 0.10000000149011612
  EXPECT_EQ(RenderOne<float>(Type::Float(), 3.0f), "3");
  EXPECT_EQ(RenderOne<double>(Type::Double(), 0.1), "0.1");
  EXPECT_EQ(RenderOne<double>(Type::Double(), 1e300), "1e+300");
  EXPECT_EQ(RenderOne<double>(Type::Double(), -0.0), "-0");
  EXPECT_EQ(RenderOne<double>(Type::Double(), 123456789012.0), "123456789012");
  EXPECT_EQ(RenderOne<double>(Type::Double(), std::numeric_limits<double>::denorm_min()), "5e-324");
  EXPECT_EQ(RenderOne<double>(Type::Double(), std::nan("")), "\"NaN\"");
  EXPECT_EQ(RenderOne<float>(Type::Float(), std::numeric_limits<float>::quiet_NaN()), "\"NaN\"");
  EXPECT_EQ(RenderOne<double>(Type::Double(), std::numeric_limits<double>::infinity()), "\"Infinity\"");
  EXPECT_EQ(RenderOne<float>(Type::Float(), -std::numeric_limits<float>::infinity()), "\"-Infinity\"");
  // Round trip: the text reads back to the identical double.
  const double tricky = 0.30000000000000004;
  EXPECT_EQ(std::stod(RenderOne<double>(Type::Double(), tricky)), tricky);
}

TEST(ValueJsonTest, DecimalsExactWithScaleDigits) {
  EXPECT_EQ(RenderOne<int64_t>(Type::Decimal(10, 2), -1230), "\"-12.30\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Decimal(3, 2), 5), "\"0.05\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Decimal(3, 2), -5), "\"-0.05\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Decimal(3, 2), 0), "\"0.00\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Decimal(5, 0), 0), "\"0\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Decimal(5, 0), -42), "\"-42\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Decimal(18, 18), 1), "\"0.000000000000000001\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Decimal(18, 3), 999999999999999999), "\"999999999999999.999\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Decimal(18, 0), -999999999999999999), "\"-999999999999999999\"");

  const std::string max38 = "99999999999999999999999999999999999999";
  EXPECT_EQ(RenderOne<__int128>(Type::Decimal(38, 0), ParseInt128(max38)), "\"" + max38 + "\"");
  EXPECT_EQ(RenderOne<__int128>(Type::Decimal(38, 0), ParseInt128("-" + max38)), "\"-" + max38 + "\"");
  EXPECT_EQ(RenderOne<__int128>(Type::Decimal(38, 10), ParseInt128("-12345678901234567890123456789012345678")),
            "\"-1234567890123456789012345678.9012345678\"");
  EXPECT_EQ(RenderOne<__int128>(Type::Decimal(38, 38), ParseInt128("12345678901234567890123456789012345678")),
            "\"0.12345678901234567890123456789012345678\"");
  EXPECT_EQ(RenderOne<__int128>(Type::Decimal(38, 37), ParseInt128("-5")),
            "\"-0.0000000000000000000000000000000000005\"");
  EXPECT_EQ(RenderOne<__int128>(Type::Decimal(20, 2), ParseInt128("10000000000000000000")),
            "\"100000000000000000.00\"");  // zeros inside a 19-digit chunk are kept
  EXPECT_EQ(RenderOne<__int128>(Type::Decimal(19, 0), 0), "\"0\"");
}

TEST(ValueJsonTest, StringsEscapeAndReplaceInvalidUtf8) {
  EXPECT_EQ(RenderString(Type::String(), ""), "\"\"");
  EXPECT_EQ(RenderString(Type::String(), "plain text"), "\"plain text\"");
  EXPECT_EQ(RenderString(Type::String(), "a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(RenderString(Type::String(), "\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(RenderString(Type::String(), std::string("\x01\x1f\x00z", 4)), "\"\\u0001\\u001f\\u0000z\"");
  EXPECT_EQ(RenderString(Type::String(), "\x7f/"), "\"\x7f/\"");  // DEL and '/' need no escape
  EXPECT_EQ(RenderString(Type::String(), "caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
  EXPECT_EQ(RenderString(Type::String(), "\xEF\xBF\xBF\xF4\x8F\xBF\xBF"), "\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\"");

  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(RenderString(Type::String(), "a\xFF" "b"), "\"a" + fffd + "b\"");
  // A truncated sequence is one maximal subpart: one replacement.
  EXPECT_EQ(RenderString(Type::String(), "\xE2\x82"), "\"" + fffd + "\"");
  EXPECT_EQ(RenderString(Type::String(), "\xF0\x9F\x98" "a"), "\"" + fffd + "a\"");
  // Overlong forms, surrogates and code points past U+10FFFF: one per byte.
  EXPECT_EQ(RenderString(Type::String(), "\xC0\xAF"), "\"" + fffd + fffd + "\"");
  EXPECT_EQ(RenderString(Type::String(), "\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");
  EXPECT_EQ(RenderString(Type::String(), "\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");
  EXPECT_EQ(RenderString(Type::String(), "\xE0\x80\x80"), "\"" + fffd + fffd + fffd + "\"");
  // A lone continuation byte, then a valid character right after it.
  EXPECT_EQ(RenderString(Type::String(), "\x80\xC3\xA9"), "\"" + fffd + "\xC3\xA9\"");

  // What nlohmann reads back is the original text.
  const std::string tricky = std::string("q\"\\\n\x02 \xC3\xA9", 9);
  EXPECT_EQ(nlohmann::json::parse(RenderString(Type::String(), tricky)).get<std::string>(), tricky);
}

TEST(ValueJsonTest, JsonAndEnumAreStrings) {
  EXPECT_EQ(RenderString(Type::Json(), "{\"a\": [1]}"), "\"{\\\"a\\\": [1]}\"");
  EXPECT_EQ(RenderString(Type::Enum(), "red"), "\"red\"");
}

TEST(ValueJsonTest, BinaryAsBase64) {
  // RFC 4648 section 10 test vectors.
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* encoded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(RenderString(Type::Binary(), plain[i]), std::string("\"") + encoded[i] + "\"") << plain[i];
  }
  EXPECT_EQ(RenderString(Type::Binary(), std::string("\xFF\x00\xFE", 3)), "\"/wD+\"");
  Column fixed(Type::FixedBinary(4));
  const uint8_t bytes[4] = {0x00, 0x00, 0x03, 0xE8};
  fixed.AppendFixed(bytes);
  fixed.AppendNull();
  EXPECT_EQ(Render(fixed, 0), "\"AAAD6A==\"");
  EXPECT_EQ(Render(fixed, 1), "null");
}

TEST(ValueJsonTest, UuidCanonicalLowercase) {
  Column c(Type::Uuid());
  const uint8_t bytes[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                             0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
  c.AppendFixed(bytes);
  EXPECT_EQ(Render(c, 0), "\"00112233-4455-6677-8899-aabbccddeeff\"");
}

TEST(ValueJsonTest, DatesProlepticGregorian) {
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), 0), "\"1970-01-01\"");
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), -1), "\"1969-12-31\"");
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), 11016), "\"2000-02-29\"");
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), -25567), "\"1900-01-01\"");
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), -719162), "\"0001-01-01\"");
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), 2932896), "\"9999-12-31\"");
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), 2932897), "\"10000-01-01\"");
  // Day counts below were taken from DuckDB (DATE '...' - DATE '1970-01-01').
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), -719469), "\"0000-02-29\"");   // 1 BC was a leap year
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), -735525), "\"-0044-03-15\"");  // DuckDB: 0045-03-15 (BC)
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), 2147483646), "\"5881580-07-10\"");
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), -2147483646), "\"-5877641-06-25\"");  // 5877642-06-25 (BC)
  EXPECT_EQ(RenderOne<int32_t>(Type::Date(), std::numeric_limits<int32_t>::max()), "\"5881580-07-11\"");

  std::string out;
  AppendIsoDate(-1, &out);
  EXPECT_EQ(out, "1969-12-31");
}

TEST(ValueJsonTest, DatesRoundTripEveryDayOfSomeEras) {
  // Consecutive days must render as consecutive calendar dates across month,
  // year, century and 400-year boundaries (before and after the epoch).
  const int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  auto is_leap = [](int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; };
  int y = -401, m = 1, d = 1;
  // Day number of -0401-01-01: count from 1970 backwards.
  int64_t day = 0;
  for (int64_t yy = -401; yy < 1970; ++yy) day -= is_leap(yy) ? 366 : 365;
  char expect[64];
  for (; y < 2401; ++day) {
    std::string out;
    AppendIsoDate(day, &out);
    if (y < 0) {
      std::snprintf(expect, sizeof(expect), "-%04d-%02d-%02d", -y, m, d);
    } else {
      std::snprintf(expect, sizeof(expect), "%04d-%02d-%02d", y, m, d);
    }
    ASSERT_EQ(out, expect) << "day " << day;
    int dim = days_in_month[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
    if (++d > dim) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
}

TEST(ValueJsonTest, TimesTrimFractionLikeDuckDb) {
  EXPECT_EQ(RenderOne<int64_t>(Type::Time(TimeUnit::kMicros), 0), "\"00:00:00\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Time(TimeUnit::kMicros), 3723000000), "\"01:02:03\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Time(TimeUnit::kMicros), 3723500000), "\"01:02:03.5\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Time(TimeUnit::kMicros), 86399999999), "\"23:59:59.999999\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Time(TimeUnit::kMicros), 86400000000), "\"24:00:00\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Time(TimeUnit::kMillis), 45296789), "\"12:34:56.789\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Time(TimeUnit::kMillis), 45296010), "\"12:34:56.01\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Time(TimeUnit::kNanos), 1), "\"00:00:00.000000001\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Time(TimeUnit::kNanos), 45296123456789), "\"12:34:56.123456789\"");
  EXPECT_EQ(RenderOne<int64_t>(Type::Time(TimeUnit::kMicros, /*utc=*/true), 3723000000), "\"01:02:03Z\"");
}

TEST(ValueJsonTest, TimestampsIso8601) {
  const Type local_us = Type::Timestamp(TimeUnit::kMicros, false);
  const Type utc_us = Type::Timestamp(TimeUnit::kMicros, true);
  EXPECT_EQ(RenderOne<int64_t>(local_us, 0), "\"1970-01-01T00:00:00\"");
  EXPECT_EQ(RenderOne<int64_t>(utc_us, 0), "\"1970-01-01T00:00:00Z\"");
  EXPECT_EQ(RenderOne<int64_t>(local_us, 1577934245123456), "\"2020-01-02T03:04:05.123456\"");
  EXPECT_EQ(RenderOne<int64_t>(utc_us, 1577934245120000), "\"2020-01-02T03:04:05.12Z\"");
  // Before 1970 the fraction counts forward from the second before.
  EXPECT_EQ(RenderOne<int64_t>(local_us, -1), "\"1969-12-31T23:59:59.999999\"");
  EXPECT_EQ(RenderOne<int64_t>(local_us, -500000), "\"1969-12-31T23:59:59.5\"");
  EXPECT_EQ(RenderOne<int64_t>(local_us, -2208988799999999), "\"1900-01-01T00:00:00.000001\"");
  EXPECT_EQ(RenderOne<int64_t>(local_us, -86400000000), "\"1969-12-31T00:00:00\"");
  EXPECT_EQ(RenderOne<int64_t>(local_us, -62135596800000000), "\"0001-01-01T00:00:00\"");
  EXPECT_EQ(RenderOne<int64_t>(local_us, 253402300799999999), "\"9999-12-31T23:59:59.999999\"");
  EXPECT_EQ(RenderOne<int64_t>(local_us, 9223372036854775806), "\"294247-01-10T04:00:54.775806\"");
  EXPECT_EQ(RenderOne<int64_t>(local_us, std::numeric_limits<int64_t>::min()),
            "\"-290308-12-21T19:59:05.224192\"");

  const Type ms = Type::Timestamp(TimeUnit::kMillis, false);
  EXPECT_EQ(RenderOne<int64_t>(ms, 1577836800123), "\"2020-01-01T00:00:00.123\"");
  EXPECT_EQ(RenderOne<int64_t>(ms, -1), "\"1969-12-31T23:59:59.999\"");

  const Type ns = Type::Timestamp(TimeUnit::kNanos, true);
  EXPECT_EQ(RenderOne<int64_t>(ns, -876543211), "\"1969-12-31T23:59:59.123456789Z\"");
  EXPECT_EQ(RenderOne<int64_t>(ns, 1577836800100000000), "\"2020-01-01T00:00:00.1Z\"");
  EXPECT_EQ(RenderOne<int64_t>(ns, std::numeric_limits<int64_t>::min()), "\"1677-09-21T00:12:43.145224192Z\"");
  EXPECT_EQ(RenderOne<int64_t>(ns, std::numeric_limits<int64_t>::max()), "\"2262-04-11T23:47:16.854775807Z\"");
}

TEST(ValueJsonTest, IntervalAsObject) {
  Column c(Type::Interval());
  const uint32_t parts[3] = {14, 3, 4000};
  c.AppendFixed(parts);
  EXPECT_EQ(Render(c, 0), "{\"months\":14,\"days\":3,\"millis\":4000}");
}

TEST(ValueJsonTest, ListsWithNullsAndEmpties) {
  Column list(Type::List(Field{"element", Type::Int32(), true}));
  Column& el = list.mutable_child(0);
  el.Append<int32_t>(1);
  el.AppendNull();
  el.Append<int32_t>(3);
  list.AppendListEnd(el.length());  // [1,null,3]
  list.AppendNull();                // null
  list.AppendListEnd(el.length());  // []
  EXPECT_EQ(Render(list, 0), "[1,null,3]");
  EXPECT_EQ(Render(list, 1), "null");
  EXPECT_EQ(Render(list, 2), "[]");
}

TEST(ValueJsonTest, MapsAsObjectOrKeyValueArray) {
  Column by_name(Type::Map(Field{"key", Type::String(), false}, Field{"value", Type::Int64(), true}));
  by_name.mutable_child(0).AppendString("a\"");
  by_name.mutable_child(1).Append<int64_t>(1);
  by_name.mutable_child(0).AppendString("b");
  by_name.mutable_child(1).AppendNull();
  by_name.AppendListEnd(2);
  by_name.AppendListEnd(2);
  EXPECT_EQ(Render(by_name, 0), "{\"a\\\"\":1,\"b\":null}");
  EXPECT_EQ(Render(by_name, 1), "{}");

  Column by_int(Type::Map(Field{"key", Type::Int32(), false}, Field{"value", Type::String(), true}));
  by_int.mutable_child(0).Append<int32_t>(7);
  by_int.mutable_child(1).AppendString("x");
  by_int.AppendListEnd(1);
  by_int.AppendNull();
  EXPECT_EQ(Render(by_int, 0), "[{\"key\":7,\"value\":\"x\"}]");
  EXPECT_EQ(Render(by_int, 1), "null");
}

TEST(ValueJsonTest, NestedStructsListsMaps) {
  // STRUCT<id INT64, tags LIST<STRING>, attrs MAP<STRING, DATE>>
  Type tags = Type::List(Field{"element", Type::String(), true});
  Type attrs = Type::Map(Field{"key", Type::String(), false}, Field{"value", Type::Date(), true});
  Column s(Type::Struct({Field{"id", Type::Int64(), true}, Field{"tags", tags, true}, Field{"attrs", attrs, true}}));
  s.mutable_child(0).Append<int64_t>(-5);
  s.mutable_child(1).mutable_child(0).AppendString("x");
  s.mutable_child(1).mutable_child(0).AppendString("y\n");
  s.mutable_child(1).AppendListEnd(2);
  s.mutable_child(2).mutable_child(0).AppendString("born");
  s.mutable_child(2).mutable_child(1).Append<int32_t>(-1);
  s.mutable_child(2).AppendListEnd(1);
  s.AppendStructValid();
  s.AppendNull();
  EXPECT_EQ(Render(s, 0), "{\"id\":-5,\"tags\":[\"x\",\"y\\n\"],\"attrs\":{\"born\":\"1969-12-31\"}}");
  EXPECT_EQ(Render(s, 1), "null");

  // LIST<STRUCT<a INT32>> with a NULL struct element.
  Column ls(Type::List(Field{"element", Type::Struct({Field{"a", Type::Int32(), true}}), true}));
  Column& st = ls.mutable_child(0);
  st.mutable_child(0).Append<int32_t>(1);
  st.AppendStructValid();
  st.AppendNull();
  ls.AppendListEnd(2);
  EXPECT_EQ(Render(ls, 0), "[{\"a\":1},null]");
}

TEST(ValueJsonTest, RowKeepsFieldOrderAndEscapesNames) {
  Schema schema;
  schema.fields = {Field{"z", Type::Int32(), true}, Field{"a\"b", Type::String(), true},
                   Field{"d", Type::Decimal(5, 2), true}};
  ColumnBatch batch(schema);
  batch.mutable_column(0).Append<int32_t>(1);
  batch.mutable_column(1).AppendString("v");
  batch.mutable_column(2).Append<int64_t>(150);
  batch.mutable_column(0).AppendNull();
  batch.mutable_column(1).AppendNull();
  batch.mutable_column(2).AppendNull();
  std::string out;
  AppendJsonRow(batch, 0, &out);
  EXPECT_EQ(out, "{\"z\":1,\"a\\\"b\":\"v\",\"d\":\"1.50\"}");
  out.clear();
  AppendJsonRow(batch, 1, &out);
  EXPECT_EQ(out, "{\"z\":null,\"a\\\"b\":null,\"d\":null}");
  // Appends, never overwrites.
  AppendJsonRow(batch, 0, &out);
  EXPECT_EQ(out.find("{\"z\":null"), 0u);
  EXPECT_NE(out.find("}{\"z\":1"), std::string::npos);
}

}  // namespace
}  // namespace snaplake
