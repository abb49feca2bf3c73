// PgCopyDecoder and DecodePgNumeric on hand-built binary COPY streams: every
// decode kind, NULLs, any split of the stream, malformed input. The tests at
// the end (PgCopyDecoderServer) decode real COPY output of PostgreSQL and
// compare every value with what the server prints.
#include "source/postgres/pg_copy_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "format/value_json.h"
#include "source/postgres/pg_numeric.h"
#include "source/postgres/pg_type_mapping.h"
#include "testing/pg_server.h"
#include "testing/test_env.h"

namespace snaplake::postgres {
namespace {

using Datum = std::optional<std::string>;  // one COPY field; nullopt = NULL

// --- building streams ----------------------------------------------------------

std::string Be16(int16_t v) {
  const uint16_t u = static_cast<uint16_t>(v);
  return std::string{static_cast<char>(u >> 8), static_cast<char>(u & 0xFF)};
}
std::string Be32(int32_t v) {
  const uint32_t u = static_cast<uint32_t>(v);
  std::string s;
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((u >> shift) & 0xFF));
  return s;
}
std::string Be64(int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v);
  std::string s;
  for (int shift = 56; shift >= 0; shift -= 8) s.push_back(static_cast<char>((u >> shift) & 0xFF));
  return s;
}
std::string F4(float f) { return Be32(std::bit_cast<int32_t>(f)); }
std::string F8(double d) { return Be64(std::bit_cast<int64_t>(d)); }

const std::string kSignature("PGCOPY\n\xFF\r\n\0", 11);

std::string Header(uint32_t flags = 0, const std::string& ext = "") {
  return kSignature + Be32(static_cast<int32_t>(flags)) + Be32(static_cast<int32_t>(ext.size())) + ext;
}
std::string Row(const std::vector<Datum>& fields) {
  std::string s = Be16(static_cast<int16_t>(fields.size()));
  for (const Datum& f : fields) {
    if (!f) {
      s += Be32(-1);
    } else {
      s += Be32(static_cast<int32_t>(f->size())) + *f;
    }
  }
  return s;
}
std::string Trailer() { return Be16(-1); }

// numeric_send of a decimal literal ("-12.340", "0", "NaN", "Infinity", "-Infinity").
std::string NumericBytes(std::string text) {
  auto special = [](uint16_t sign) { return Be16(0) + Be16(0) + Be16(static_cast<int16_t>(sign)) + Be16(0); };
  if (text == "NaN") return special(0xC000);
  if (text == "Infinity") return special(0xD000);
  if (text == "-Infinity") return special(0xF000);
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    text.erase(0, 1);
  }
  const size_t dot = text.find('.');
  std::string integer = text.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  const int dscale = static_cast<int>(fraction.size());
  while (integer.size() % 4 != 0) integer.insert(0, "0");
  while (fraction.size() % 4 != 0) fraction.push_back('0');
  std::vector<int> digits;
  for (size_t i = 0; i < integer.size(); i += 4) digits.push_back(std::stoi(integer.substr(i, 4)));
  for (size_t i = 0; i < fraction.size(); i += 4) digits.push_back(std::stoi(fraction.substr(i, 4)));
  int weight = static_cast<int>(integer.size() / 4) - 1;
  size_t first = 0;
  while (first < digits.size() && digits[first] == 0) {
    ++first;
    --weight;
  }
  digits.erase(digits.begin(), digits.begin() + static_cast<long>(first));
  while (!digits.empty() && digits.back() == 0) digits.pop_back();
  if (digits.empty()) weight = 0;
  std::string s = Be16(static_cast<int16_t>(digits.size())) + Be16(static_cast<int16_t>(weight)) +
                  Be16(static_cast<int16_t>(negative && !digits.empty() ? 0x4000 : 0)) +
                  Be16(static_cast<int16_t>(dscale));
  for (int d : digits) s += Be16(static_cast<int16_t>(d));
  return s;
}

// array_send: ndim = dims.size(), lower bounds 1.
std::string ArrayBytes(uint32_t elem_oid, const std::vector<int>& dims, const std::vector<Datum>& elems) {
  bool has_nulls = false;
  for (const Datum& e : elems) has_nulls |= !e.has_value();
  std::string s = Be32(static_cast<int32_t>(dims.size())) + Be32(has_nulls ? 1 : 0) + Be32(static_cast<int32_t>(elem_oid));
  for (int d : dims) s += Be32(d) + Be32(1);
  for (const Datum& e : elems) s += e ? Be32(static_cast<int32_t>(e->size())) + *e : Be32(-1);
  return s;
}

// --- plans -----------------------------------------------------------------------

PgColumnMeta Meta(const std::string& name, uint32_t oid, const std::string& typname, int32_t typmod = -1) {
  PgColumnMeta m;
  m.name = name;
  m.type_oid = oid;
  m.type_name = typname;
  m.base_type_oid = oid;
  m.base_typmod = typmod;
  m.base_type_name = typname;
  m.base_type_schema = "pg_catalog";
  return m;
}
PgColumnMeta ArrayMeta(const std::string& name, uint32_t elem_oid, const std::string& elem, int dims = 1,
                       int32_t typmod = -1) {
  PgColumnMeta m = Meta(name, 90000 + elem_oid, "_" + elem, typmod);
  m.base_typcategory = 'A';
  m.elem_type_oid = elem_oid;
  m.elem_type_name = elem;
  m.elem_type_schema = "pg_catalog";
  m.attndims = dims;
  return m;
}
int32_t NumTypmod(int p, int s) { return ((p << 16) | (s & 0x7ff)) + 4; }

PgColumnPlan PlanOf(const PgColumnMeta& m, TypeMode mode = TypeMode::kNative) {
  NumericScan scan{};
  Result<PgColumnPlan> r = PlanColumn(m, mode, &scan, nullptr);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

std::string JsonRows(const ColumnBatch& batch) {
  std::string out;
  std::string why;
  EXPECT_TRUE(batch.Validate(&why)) << why;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    AppendJsonRow(batch, r, &out);
    out.push_back('\n');
  }
  return out;
}

// Decodes `stream` in one Feed; returns the rows as JSON lines or the error.
Result<std::string> DecodeAll(const std::vector<PgColumnPlan>& plans, const std::string& stream) {
  PgCopyDecoder decoder(plans);
  ColumnBatch batch(decoder.schema());
  SL_RETURN_NOT_OK(decoder.Feed(AsBytes(stream), &batch));
  SL_RETURN_NOT_OK(decoder.Finish());
  return JsonRows(batch);
}

Status DecodeError(const std::vector<PgColumnPlan>& plans, const std::string& stream) {
  Result<std::string> r = DecodeAll(plans, stream);
  return r.ok() ? Status::OK() : r.status();
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// --- numeric ---------------------------------------------------------------------

std::string Int128ToString(int128_t v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  unsigned __int128 m = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (m != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  return neg ? "-" + s : s;
}

TEST(DecodePgNumeric, ExactValues) {
  struct Case {
    std::string text;
    int scale, precision;
    std::string unscaled;
  };
  const std::vector<Case> cases = {
      {"0", 2, 10, "0"},
      {"1.5", 3, 10, "1500"},
      {"-1234567890.12", 2, 12, "-123456789012"},
      {"0.0001", 4, 4, "1"},
      {"0.00012", 5, 5, "12"},
      {"10000", 0, 5, "10000"},
      {"99999999999999999999999999999999999999", 0, 38, "99999999999999999999999999999999999999"},
      {"-99999999999999999999999999999999999999", 0, 38, "-99999999999999999999999999999999999999"},
      {"0.99999999999999999999999999999999999999", 38, 38, "99999999999999999999999999999999999999"},
      {"123456789012345678.9", 1, 19, "1234567890123456789"},
      {"12300", 0, 7, "12300"},
      {"1.10", 1, 5, "11"},  // trailing zero beyond the target scale is fine
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const std::string bytes = NumericBytes(c.text);
    int128_t v = 0;
    ASSERT_EQ(DecodePgNumeric(AsBytes(bytes), c.scale, c.precision, &v), PgNumericResult::kOk);
    EXPECT_EQ(Int128ToString(v), c.unscaled);
  }
}

TEST(DecodePgNumeric, RefusesWhatDoesNotFit) {
  int128_t v = 0;
  auto decode = [&](const std::string& text, int scale, int precision) {
    const std::string bytes = NumericBytes(text);
    return DecodePgNumeric(AsBytes(bytes), scale, precision, &v);
  };
  EXPECT_EQ(decode("NaN", 2, 10), PgNumericResult::kNaN);
  EXPECT_EQ(decode("Infinity", 2, 10), PgNumericResult::kPositiveInfinity);
  EXPECT_EQ(decode("-Infinity", 2, 10), PgNumericResult::kNegativeInfinity);
  EXPECT_EQ(decode("1.005", 2, 10), PgNumericResult::kTooManyFractionDigits);
  EXPECT_EQ(decode("0.00001", 4, 10), PgNumericResult::kTooManyFractionDigits);
  EXPECT_EQ(decode("100000000.00", 2, 10), PgNumericResult::kOutOfRange);  // needs 11 digits
  EXPECT_EQ(decode("99999999.99", 2, 10), PgNumericResult::kOk);
  EXPECT_EQ(decode("100000000000000000000000000000000000000", 0, 38), PgNumericResult::kOutOfRange);
  EXPECT_EQ(decode("1" + std::string(200, '0'), 0, 38), PgNumericResult::kOutOfRange);
  EXPECT_EQ(decode("170141183460469231731687303715884105727", 0, 38), PgNumericResult::kOutOfRange);

  // Malformed: short, length disagreeing with ndigits, digit > 9999, unknown sign.
  std::string bad = NumericBytes("12.5");
  EXPECT_EQ(DecodePgNumeric(AsBytes(bad.substr(0, 7)), 1, 5, &v), PgNumericResult::kMalformed);
  EXPECT_EQ(DecodePgNumeric(AsBytes(bad + "xx"), 1, 5, &v), PgNumericResult::kMalformed);
  std::string big_digit = Be16(1) + Be16(0) + Be16(0) + Be16(0) + Be16(10000);
  EXPECT_EQ(DecodePgNumeric(AsBytes(big_digit), 0, 10, &v), PgNumericResult::kMalformed);
  std::string odd_sign = Be16(0) + Be16(0) + Be16(0x1234) + Be16(0);
  EXPECT_EQ(DecodePgNumeric(AsBytes(odd_sign), 0, 10, &v), PgNumericResult::kMalformed);
  std::string negative_count = Be16(-1) + Be16(0) + Be16(0) + Be16(0);
  EXPECT_EQ(DecodePgNumeric(AsBytes(negative_count), 0, 10, &v), PgNumericResult::kMalformed);
}

// --- every kind ------------------------------------------------------------------

struct Fixture {
  std::vector<PgColumnPlan> plans;
  std::string stream;
  std::string expected_json;
};

Fixture EveryKind() {
  Fixture f;
  f.plans = {
      PlanOf(Meta("b", 16, "bool")),
      PlanOf(Meta("s", 21, "int2")),
      PlanOf(Meta("i", 23, "int4")),
      PlanOf(Meta("l", 20, "int8")),
      PlanOf(Meta("f", 700, "float4")),
      PlanOf(Meta("d", 701, "float8")),
      PlanOf(Meta("n", 1700, "numeric", NumTypmod(12, 2))),
      PlanOf(Meta("big", 1700, "numeric", NumTypmod(38, 10))),
      PlanOf(Meta("t", 25, "text")),
      PlanOf(Meta("j", 3802, "jsonb")),
      PlanOf(Meta("js", 114, "json")),
      PlanOf(Meta("by", 17, "bytea")),
      PlanOf(Meta("dt", 1082, "date")),
      PlanOf(Meta("ts", 1114, "timestamp")),
      PlanOf(Meta("tz", 1184, "timestamptz")),
      PlanOf(Meta("tm", 1083, "time")),
      PlanOf(Meta("u", 2950, "uuid")),
      PlanOf(ArrayMeta("arr", 23, "int4")),
      PlanOf(ArrayMeta("grid", 25, "text", 2)),
  };
  const std::string uuid("\xa0\xee\xbc\x99\x9c\x0b\x4e\xf8\xbb\x6d\x6b\xb9\xbd\x38\x0a\x11", 16);
  f.stream = Header();
  f.stream += Row({std::string("\x01", 1), Be16(-32768), Be32(2147483647), Be64(std::numeric_limits<int64_t>::min()),
                   F4(1.5f), F8(-0.1), NumericBytes("-1234567890.12"),
                   NumericBytes("1234567890123456789012345678.0123456789"), std::string("h\xC3\xA9llo"),
                   std::string("\x01{\"a\": 1}"), std::string("[1, 2]"), std::string("\x00\x01\x02\xFF", 4),
                   Be32(8825), Be64(-1), Be64(0), Be64(86399500000LL), uuid,
                   ArrayBytes(23, {3}, {Be32(1), std::nullopt, Be32(3)}),
                   ArrayBytes(25, {2, 2}, {std::string("a"), std::string(""), std::nullopt, std::string("d")})});
  f.stream += Row(std::vector<Datum>(f.plans.size(), std::nullopt));
  f.stream += Row({std::string("\x00", 1), Be16(7), Be32(0), Be64(1), F4(0), F8(1e300), NumericBytes("0.05"),
                   NumericBytes("-0.0000000001"), std::string(""), std::string("\x01null"), std::string("{}"),
                   std::string(""), Be32(0), Be64(0), Be64(86400000000LL), Be64(0), std::string(16, '\0'),
                   ArrayBytes(23, {}, {}), ArrayBytes(25, {}, {})});
  f.stream += Trailer();
  f.expected_json =
      "{\"b\":true,\"s\":-32768,\"i\":2147483647,\"l\":-9223372036854775808,\"f\":1.5,\"d\":-0.1,"
      "\"n\":\"-1234567890.12\",\"big\":\"1234567890123456789012345678.0123456789\",\"t\":\"h\xC3\xA9llo\","
      "\"j\":\"{\\\"a\\\": 1}\",\"js\":\"[1, 2]\",\"by\":\"AAEC/w==\",\"dt\":\"2024-02-29\","
      "\"ts\":\"1999-12-31T23:59:59.999999\",\"tz\":\"2000-01-01T00:00:00Z\",\"tm\":\"23:59:59.5\","
      "\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"arr\":[1,null,3],\"grid\":[[\"a\",\"\"],[null,\"d\"]]}\n"
      "{\"b\":null,\"s\":null,\"i\":null,\"l\":null,\"f\":null,\"d\":null,\"n\":null,\"big\":null,\"t\":null,"
      "\"j\":null,\"js\":null,\"by\":null,\"dt\":null,\"ts\":null,\"tz\":null,\"tm\":null,\"u\":null,"
      "\"arr\":null,\"grid\":null}\n"
      "{\"b\":false,\"s\":7,\"i\":0,\"l\":1,\"f\":0,\"d\":1e+300,\"n\":\"0.05\",\"big\":\"-0.0000000001\","
      "\"t\":\"\",\"j\":\"null\",\"js\":\"{}\",\"by\":\"\",\"dt\":\"2000-01-01\",\"ts\":\"2000-01-01T00:00:00\","
      "\"tz\":\"2000-01-02T00:00:00Z\",\"tm\":\"00:00:00\",\"u\":\"00000000-0000-0000-0000-000000000000\","
      "\"arr\":[],\"grid\":[]}\n";
  return f;
}

TEST(PgCopyDecoder, DecodesEveryKind) {
  Fixture f = EveryKind();
  PgCopyDecoder decoder(f.plans);
  ColumnBatch batch(decoder.schema());
  ASSERT_TRUE(decoder.Feed(AsBytes(f.stream), &batch).ok());
  EXPECT_TRUE(decoder.finished());
  EXPECT_TRUE(decoder.Finish().ok());
  EXPECT_EQ(decoder.rows(), 3);
  EXPECT_EQ(JsonRows(batch), f.expected_json);

  // Storage as column_batch.h defines it.
  EXPECT_EQ(batch.column(1).type(), Type::Int16());
  EXPECT_EQ(batch.column(1).Value<int32_t>(0), -32768);
  EXPECT_EQ(batch.column(6).Value<int64_t>(0), -123456789012LL);  // DECIMAL(12,2): int64
  EXPECT_EQ(batch.column(12).Value<int32_t>(0), 8825 + 10957);    // days since 1970
  EXPECT_EQ(batch.column(14).Value<int64_t>(0), 946684800000000LL);
  EXPECT_EQ(batch.column(0).null_count(), 1);
  EXPECT_EQ(batch.column(17).child(0).length(), 3);  // arr: 3 elements in row 0, none after
  EXPECT_EQ(batch.column(18).child(0).length(), 2);  // grid: 2 inner lists
  EXPECT_EQ(batch.column(18).child(0).child(0).length(), 4);
}

TEST(PgCopyDecoder, AnySplitGivesTheSameRows) {
  Fixture f = EveryKind();
  const size_t n = f.stream.size();
  for (size_t cut = 0; cut <= n; ++cut) {
    PgCopyDecoder decoder(f.plans);
    ColumnBatch batch(decoder.schema());
    ASSERT_TRUE(decoder.Feed(AsBytes(std::string_view(f.stream).substr(0, cut)), &batch).ok()) << cut;
    ASSERT_TRUE(decoder.Feed(AsBytes(std::string_view(f.stream).substr(cut)), &batch).ok()) << cut;
    ASSERT_TRUE(decoder.Finish().ok()) << cut;
    ASSERT_EQ(JsonRows(batch), f.expected_json) << "split at " << cut;
  }
  // Three pieces, and one byte at a time (empty Feeds included).
  for (size_t a = 0; a <= n; a += 5) {
    for (size_t b = a; b <= n; b += 11) {
      PgCopyDecoder decoder(f.plans);
      ColumnBatch batch(decoder.schema());
      const std::string_view s(f.stream);
      ASSERT_TRUE(decoder.Feed(AsBytes(s.substr(0, a)), &batch).ok());
      ASSERT_TRUE(decoder.Feed(AsBytes(s.substr(a, b - a)), &batch).ok());
      ASSERT_TRUE(decoder.Feed(AsBytes(s.substr(b)), &batch).ok());
      ASSERT_EQ(JsonRows(batch), f.expected_json) << a << "/" << b;
    }
  }
  PgCopyDecoder decoder(f.plans);
  ColumnBatch batch(decoder.schema());
  for (size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(decoder.Feed(AsBytes(std::string_view(f.stream).substr(i, 1)), &batch).ok()) << i;
    ASSERT_TRUE(decoder.Feed(ByteView(), &batch).ok());
    ASSERT_EQ(decoder.finished(), i + 1 == n);
  }
  EXPECT_EQ(JsonRows(batch), f.expected_json);
}

TEST(PgCopyDecoder, RowsAppendAcrossBatchesAndFeeds) {
  Fixture f = EveryKind();
  PgCopyDecoder decoder(f.plans);
  ColumnBatch batch(decoder.schema());
  const size_t first_row_end = Header().size() + 40;  // somewhere inside row 1
  ASSERT_TRUE(decoder.Feed(AsBytes(std::string_view(f.stream).substr(0, first_row_end)), &batch).ok());
  EXPECT_EQ(batch.num_rows(), 0);
  EXPECT_EQ(decoder.rows(), 0);
  EXPECT_FALSE(decoder.Finish().ok());  // cut short: an unfinished row is pending
  ASSERT_TRUE(decoder.Feed(AsBytes(std::string_view(f.stream).substr(first_row_end)), &batch).ok());
  EXPECT_EQ(batch.num_rows(), 3);
  batch.Clear();  // the caller may hand out batches between Feeds
  EXPECT_TRUE(decoder.Feed(ByteView(), &batch).ok());
  EXPECT_EQ(decoder.rows(), 3);
}

TEST(PgCopyDecoder, HeaderExtensionIsSkipped) {
  std::vector<PgColumnPlan> plans = {PlanOf(Meta("i", 23, "int4"))};
  Result<std::string> r = DecodeAll(plans, Header(0, "abcde") + Row({Be32(42)}) + Trailer());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "{\"i\":42}\n");
  // Non-critical flag bits (0-15) are allowed.
  EXPECT_TRUE(DecodeAll(plans, Header(0x1) + Trailer()).ok());
}

TEST(PgCopyDecoder, ZeroColumnsCountRows) {
  PgCopyDecoder decoder({});
  ColumnBatch batch(decoder.schema());
  ASSERT_TRUE(decoder.Feed(AsBytes(Header() + Row({}) + Row({}) + Trailer()), &batch).ok());
  EXPECT_EQ(decoder.rows(), 2);
  EXPECT_EQ(batch.num_rows(), 2);
}

TEST(PgCopyDecoder, InfinitiesBecomeDuckDbSentinels) {
  std::vector<PgColumnPlan> plans = {PlanOf(Meta("d", 1082, "date")), PlanOf(Meta("t", 1114, "timestamp")),
                                     PlanOf(Meta("z", 1184, "timestamptz"))};
  const int32_t i32max = std::numeric_limits<int32_t>::max();
  const int64_t i64max = std::numeric_limits<int64_t>::max();
  PgCopyDecoder decoder(plans);
  ColumnBatch batch(decoder.schema());
  ASSERT_TRUE(decoder
                  .Feed(AsBytes(Header() + Row({Be32(i32max), Be64(i64max), Be64(i64max)}) +
                                Row({Be32(std::numeric_limits<int32_t>::min()),
                                     Be64(std::numeric_limits<int64_t>::min()),
                                     Be64(std::numeric_limits<int64_t>::min())}) +
                                Row({Be32(-2451545), Be64(-211813488000000000LL), Be64(9223371331200000000LL - 1 -
                                                                                      946684800000000LL)}) +
                                Trailer()),
                        &batch)
                  .ok());
  EXPECT_EQ(batch.column(0).Value<int32_t>(0), i32max);
  EXPECT_EQ(batch.column(0).Value<int32_t>(1), -i32max);
  EXPECT_EQ(batch.column(1).Value<int64_t>(0), i64max);
  EXPECT_EQ(batch.column(1).Value<int64_t>(1), -i64max);
  EXPECT_EQ(batch.column(2).Value<int64_t>(0), i64max);
  EXPECT_EQ(batch.column(2).Value<int64_t>(1), -i64max);
  // PostgreSQL's smallest date (4714-11-24 BC) and timestamp shift without overflow.
  EXPECT_EQ(batch.column(0).Value<int32_t>(2), -2451545 + 10957);
  EXPECT_EQ(batch.column(1).Value<int64_t>(2), -211813488000000000LL + 946684800000000LL);

  // PostgreSQL's largest timestamps (up to 294276 AD) do not fit once moved to 1970.
  Status st = DecodeError({plans[1]}, Header() + Row({Be64(9223371331200000000LL - 1)}) + Trailer());
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented) << st.ToString();
  EXPECT_TRUE(Contains(st.message(), "column \"t\"")) << st.message();
  EXPECT_TRUE(Contains(st.message(), "--types rds")) << st.message();
}

TEST(PgCopyDecoder, NumericErrorsNameTheColumnAndTheWayOut) {
  std::vector<PgColumnPlan> plans = {PlanOf(Meta("Price", 1700, "numeric", NumTypmod(10, 2)))};
  for (const char* v : {"NaN", "Infinity", "-Infinity"}) {
    Status st = DecodeError(plans, Header() + Row({NumericBytes(v)}) + Trailer());
    EXPECT_EQ(st.code(), StatusCode::kNotImplemented) << v;
    EXPECT_TRUE(Contains(st.message(), "column \"Price\"")) << st.message();
    EXPECT_TRUE(Contains(st.message(), v)) << st.message();
    EXPECT_TRUE(Contains(st.message(), "DECIMAL(10,2)")) << st.message();
    EXPECT_TRUE(Contains(st.message(), "--types rds")) << st.message();
  }
  Status st = DecodeError(plans, Header() + Row({NumericBytes("1.005")}) + Trailer());
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented);
  EXPECT_TRUE(Contains(st.message(), "does not round")) << st.message();
  st = DecodeError(plans, Header() + Row({NumericBytes("123456789.5")}) + Trailer());
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented);
  EXPECT_TRUE(Contains(st.message(), "does not fit DECIMAL(10,2)")) << st.message();
  st = DecodeError(plans, Header() + Row({std::string("\x00\x01", 2)}) + Trailer());
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_TRUE(Contains(st.message(), "column \"Price\"")) << st.message();

  // Array elements go through the same checks.
  std::vector<PgColumnPlan> arr = {PlanOf(ArrayMeta("xs", 1700, "numeric", 1, NumTypmod(5, 1)))};
  Result<std::string> ok = DecodeAll(arr, Header() + Row({ArrayBytes(1700, {2}, {NumericBytes("1.5"), NumericBytes("-2")})}) +
                                              Trailer());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, "{\"xs\":[\"1.5\",\"-2.0\"]}\n");
  st = DecodeError(arr, Header() + Row({ArrayBytes(1700, {1}, {NumericBytes("NaN")})}) + Trailer());
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented);
}

TEST(PgCopyDecoder, ArrayShapes) {
  std::vector<PgColumnPlan> one = {PlanOf(ArrayMeta("a", 23, "int4"))};
  std::vector<PgColumnPlan> two = {PlanOf(ArrayMeta("m", 23, "int4", 2))};
  Result<std::string> r = DecodeAll(
      two, Header() + Row({ArrayBytes(23, {2, 3}, {Be32(1), Be32(2), Be32(3), Be32(4), Be32(5), Be32(6)})}) +
               Row({ArrayBytes(23, {1, 1}, {std::nullopt})}) + Row({ArrayBytes(23, {}, {})}) + Row({std::nullopt}) +
               Row({ArrayBytes(23, {3, 1}, {Be32(7), Be32(8), Be32(9)})}) + Trailer());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "{\"m\":[[1,2,3],[4,5,6]]}\n{\"m\":[[null]]}\n{\"m\":[]}\n{\"m\":null}\n{\"m\":[[7],[8],[9]]}\n");

  // A value with other dimensions than planned.
  Status st = DecodeError(one, Header() + Row({ArrayBytes(23, {1, 1}, {Be32(1)})}) + Trailer());
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented) << st.ToString();
  EXPECT_TRUE(Contains(st.message(), "column \"a\"")) << st.message();
  EXPECT_TRUE(Contains(st.message(), "2 dimension(s)")) << st.message();
  EXPECT_TRUE(Contains(st.message(), "--types rds")) << st.message();
  st = DecodeError(two, Header() + Row({ArrayBytes(23, {2}, {Be32(1), Be32(2)})}) + Trailer());
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented) << st.ToString();

  // Lower bounds are not kept: '[0:1]={5,6}' reads as [5,6].
  std::string lb = Be32(1) + Be32(0) + Be32(23) + Be32(2) + Be32(0) + Be32(4) + Be32(5) + Be32(4) + Be32(6);
  r = DecodeAll(one, Header() + Row({lb}) + Trailer());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "{\"a\":[5,6]}\n");
}

// --- malformed input -------------------------------------------------------------

TEST(PgCopyDecoder, MalformedInputIsCorruption) {
  std::vector<PgColumnPlan> plans = {PlanOf(Meta("i", 23, "int4")), PlanOf(Meta("t", 25, "text"))};
  const std::string good_row = Row({Be32(1), std::string("x")});
  struct Case {
    std::string name;
    std::string stream;
    std::string message_part;
  };
  std::string bad_sig = Header();
  bad_sig[7] = 'x';
  const std::vector<Case> cases = {
      {"bad signature", bad_sig + Trailer(), "signature"},
      {"not COPY at all", std::string(64, 'a'), "signature"},
      {"negative extension", kSignature + Be32(0) + Be32(-5), "extension"},
      {"critical flag", Header(1u << 17) + Trailer(), "critical"},
      {"too few fields", Header() + Row({Be32(1)}) + Trailer(), "1 fields"},
      {"too many fields", Header() + Row({Be32(1), std::string("x"), Be32(2)}) + Trailer(), "3 fields"},
      {"negative field count", Header() + Be16(-2) + Trailer(), "-2 fields"},
      {"short int4", Header() + Row({std::string("abc"), std::string("x")}) + Trailer(), "column \"i\""},
      {"long int4", Header() + Row({Be64(1), std::string("x")}) + Trailer(), "column \"i\""},
      {"negative length", Header() + Be16(2) + Be32(-2) + Be32(1) + "x" + Trailer(), "negative field length"},
      {"bytes after trailer", Header() + good_row + Trailer() + good_row, "follow the end marker"},
      {"truncated", Header() + good_row + good_row.substr(0, 7), "ended after 1 rows"},
      {"no trailer", Header() + good_row, "without its end marker"},
      {"empty", "", "without its end marker"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Status st = DecodeError(plans, c.stream);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
    EXPECT_TRUE(Contains(st.message(), c.message_part)) << st.message();
  }
  // Bytes after the trailer in a later Feed.
  PgCopyDecoder decoder(plans);
  ColumnBatch batch(decoder.schema());
  ASSERT_TRUE(decoder.Feed(AsBytes(Header() + Trailer()), &batch).ok());
  EXPECT_EQ(decoder.Feed(AsBytes(std::string("x")), &batch).code(), StatusCode::kCorruption);
  // Row OIDs are valid but not supported.
  EXPECT_EQ(DecodeError(plans, Header(1u << 16) + Trailer()).code(), StatusCode::kNotImplemented);
}

TEST(PgCopyDecoder, MalformedValuesAreCorruption) {
  struct Case {
    PgColumnPlan plan;
    std::string value;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {PlanOf(Meta("b", 16, "bool")), "", StatusCode::kCorruption},
      {PlanOf(Meta("s", 21, "int2")), Be32(1), StatusCode::kCorruption},
      {PlanOf(Meta("f", 700, "float4")), Be64(1), StatusCode::kCorruption},
      {PlanOf(Meta("d", 701, "float8")), Be32(1), StatusCode::kCorruption},
      {PlanOf(Meta("dt", 1082, "date")), Be16(1), StatusCode::kCorruption},
      {PlanOf(Meta("ts", 1114, "timestamp")), Be32(1), StatusCode::kCorruption},
      {PlanOf(Meta("tm", 1083, "time")), Be32(1), StatusCode::kCorruption},
      {PlanOf(Meta("u", 2950, "uuid")), std::string(15, 'u'), StatusCode::kCorruption},
      {PlanOf(Meta("j", 3802, "jsonb")), "", StatusCode::kCorruption},
      {PlanOf(Meta("j", 3802, "jsonb")), "\x02{}", StatusCode::kNotImplemented},
      {PlanOf(Meta("n", 1700, "numeric", NumTypmod(5, 0))), Be16(1) + Be16(0) + Be16(0) + Be16(0) + Be16(10000),
       StatusCode::kCorruption},
      // Arrays: short header, too many dims, bad flags, negative dim, dims larger than the data,
      // element overrunning the value, bytes left over, element of the wrong size.
      {PlanOf(ArrayMeta("a", 23, "int4")), Be32(1), StatusCode::kCorruption},
      {PlanOf(ArrayMeta("a", 23, "int4")), Be32(7) + Be32(0) + Be32(23), StatusCode::kCorruption},
      {PlanOf(ArrayMeta("a", 23, "int4")), Be32(1) + Be32(2) + Be32(23) + Be32(0) + Be32(1), StatusCode::kCorruption},
      {PlanOf(ArrayMeta("a", 23, "int4")), Be32(1) + Be32(0) + Be32(23) + Be32(-1) + Be32(1), StatusCode::kCorruption},
      {PlanOf(ArrayMeta("a", 23, "int4")), ArrayBytes(23, {1000000}, {Be32(1)}), StatusCode::kCorruption},
      {PlanOf(ArrayMeta("m", 23, "int4", 2)), ArrayBytes(23, {65536, 65536}, {Be32(1)}), StatusCode::kCorruption},
      {PlanOf(ArrayMeta("a", 23, "int4")), Be32(1) + Be32(0) + Be32(23) + Be32(1) + Be32(1) + Be32(100) + "abcd",
       StatusCode::kCorruption},
      {PlanOf(ArrayMeta("a", 23, "int4")), ArrayBytes(23, {1}, {Be32(1)}) + "zz", StatusCode::kCorruption},
      {PlanOf(ArrayMeta("a", 23, "int4")), ArrayBytes(23, {1}, {Be64(1)}), StatusCode::kCorruption},
      {PlanOf(ArrayMeta("a", 23, "int4")), Be32(0) + Be32(0) + Be32(23) + "x", StatusCode::kCorruption},
      {PlanOf(ArrayMeta("a", 23, "int4")), ArrayBytes(23, {1}, {}) + Be32(-7), StatusCode::kCorruption},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.plan.column.name + " " + std::to_string(c.value.size()) + " bytes");
    Status st = DecodeError({c.plan}, Header() + Row({c.value}) + Trailer());
    EXPECT_EQ(st.code(), c.code) << st.ToString();
    EXPECT_TRUE(Contains(st.message(), "column \"" + c.plan.column.name + "\"")) << st.message();
  }
}

TEST(PgCopyDecoder, RandomDamageNeverCrashes) {
  Fixture f = EveryKind();
  std::mt19937 rng(12345);
  int errors = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s = f.stream;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = static_cast<char>(rng()); break;
        case 1: s.erase(at, 1 + rng() % 8); break;
        default: s.insert(at, std::string(1 + rng() % 4, static_cast<char>(rng()))); break;
      }
      if (s.empty()) s = "x";
    }
    PgCopyDecoder decoder(f.plans);
    ColumnBatch batch(decoder.schema());
    const size_t cut = rng() % (s.size() + 1);
    Status st = decoder.Feed(AsBytes(std::string_view(s).substr(0, cut)), &batch);
    if (st.ok()) st = decoder.Feed(AsBytes(std::string_view(s).substr(cut)), &batch);
    if (st.ok()) st = decoder.Finish();
    if (!st.ok()) {
      ++errors;
      EXPECT_NE(st.code(), StatusCode::kInternal) << st.ToString();
    } else {
      std::string why;
      EXPECT_TRUE(batch.Validate(&why)) << why;
    }
  }
  EXPECT_GT(errors, 1000);  // most damage is noticed
}


// --- against a real server -------------------------------------------------------
//
// Tables with every type are created in the shared test server; their rows are
// read with the planned select expressions through a real binary COPY, decoded,
// rendered back in PostgreSQL's text format, and compared with what the server
// prints for the same values.

using testing::PgServer;

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return out;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines = Split(s, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string HexDecode(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// The columns of `table` as the catalog describes them (one level of domain resolution).
std::vector<PgColumnMeta> ReadMetas(PgServer* pg, const std::string& table) {
  const std::string sql =
      "SELECT a.attname, a.atttypid, a.attnotnull, a.attndims, bt.oid, "
      "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, bt.typname, bn.nspname, bt.typtype, "
      "bt.typcategory, coalesce(et.oid, 0), coalesce(et.typname, ''), coalesce(en.nspname, ''), "
      "coalesce(et.typtype, 'b') "
      "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
      "JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END "
      "JOIN pg_namespace bn ON bn.oid = bt.typnamespace "
      "LEFT JOIN pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A' "
      "LEFT JOIN pg_namespace en ON en.oid = et.typnamespace "
      "WHERE a.attrelid = '" + table + "'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
  Result<std::string> out = pg->Psql(sql);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  std::vector<PgColumnMeta> metas;
  if (!out.ok()) return metas;
  for (const std::string& line : Lines(*out)) {
    std::vector<std::string> f = Split(line, '|');
    EXPECT_EQ(f.size(), 14u) << line;
    if (f.size() != 14) continue;
    PgColumnMeta m;
    m.name = f[0];
    m.type_oid = static_cast<uint32_t>(std::stoul(f[1]));
    m.not_null = f[2] == "t";
    m.attndims = std::stoi(f[3]);
    m.base_type_oid = static_cast<uint32_t>(std::stoul(f[4]));
    m.base_typmod = std::stoi(f[5]);
    m.base_type_name = f[6];
    m.base_type_schema = f[7];
    m.base_typtype = f[8][0];
    m.base_typcategory = f[9][0];
    m.elem_type_oid = static_cast<uint32_t>(std::stoul(f[10]));
    m.elem_type_name = f[11];
    m.elem_type_schema = f[12];
    m.elem_typtype = f[13][0];
    metas.push_back(m);
  }
  return metas;
}

// Runs the binary COPY of `table` with the plans' select expressions and feeds
// the bytes to a decoder in uneven pieces.
Status CopyAndDecode(PgServer* pg, const std::string& table, const std::vector<PgColumnPlan>& plans,
                     ColumnBatch* batch) {
  std::string select;
  for (const PgColumnPlan& p : plans) {
    if (!select.empty()) select.append(", ");
    select.append(p.select_expr);
  }
  const std::string sql = StrCat(RequiredSessionSettingsSql(), ";\nCOPY (SELECT ", select, " FROM ", table,
                                 " ORDER BY 1) TO STDOUT (FORMAT binary);\n");
  SL_ASSIGN_OR_RETURN(std::string bytes, pg->Psql(sql));
  PgCopyDecoder decoder(plans);
  *batch = ColumnBatch(decoder.schema());
  size_t off = 0;
  size_t piece = 1;
  while (off < bytes.size()) {
    const size_t n = std::min(piece, bytes.size() - off);
    SL_RETURN_NOT_OK(decoder.Feed(AsBytes(std::string_view(bytes).substr(off, n)), batch));
    off += n;
    piece = piece * 7 % 101 + 1;
  }
  return decoder.Finish();
}

// --- PostgreSQL's text output of our decoded values ---

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// "YYYY-MM-DD" or "YYYY-MM-DD BC" (returned in *bc) for days since 1970-01-01.
std::string PgDate(int64_t days, bool* bc) {
  // 2000-01-01 starts a 400-year cycle of 146097 days.
  int64_t d = days - 10957;
  int64_t cycles = d >= 0 ? d / 146097 : -((-d + 146096) / 146097);
  d -= cycles * 146097;
  int64_t year = 2000 + 400 * cycles;
  while (d >= (IsLeap(year) ? 366 : 365)) {
    d -= IsLeap(year) ? 366 : 365;
    ++year;
  }
  static constexpr int kMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int month = 0;
  while (true) {
    const int len = kMonth[month] + (month == 1 && IsLeap(year) ? 1 : 0);
    if (d < len) break;
    d -= len;
    ++month;
  }
  *bc = year <= 0;
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(*bc ? 1 - year : year), month + 1,
                static_cast<int>(d) + 1);
  return buf;
}

std::string PgTimeOfDay(int64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld", static_cast<long long>(micros / 3600000000LL),
                static_cast<long long>(micros / 60000000LL % 60), static_cast<long long>(micros / 1000000LL % 60));
  std::string s = buf;
  int64_t frac = micros % 1000000LL;
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  return s;
}

std::string PgDecimal(int128_t v, int scale) {
  const bool neg = v < 0;
  std::string digits = Int128ToString(neg ? -v : v);
  if (scale > 0) {
    while (static_cast<int>(digits.size()) <= scale) digits.insert(0, "0");
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return neg ? "-" + digits : digits;
}

std::string PgText(const Column& c, int64_t row);

// array_out's element quoting.
std::string PgArrayElement(const Column& c, int64_t row) {
  if (c.IsNull(row)) return "NULL";
  std::string text = PgText(c, row);
  bool quote = text.empty() || (text.size() == 4 && (text[0] | 0x20) == 'n' && (text[1] | 0x20) == 'u' &&
                                 (text[2] | 0x20) == 'l' && (text[3] | 0x20) == 'l');
  for (char ch : text) quote |= ch == '"' || ch == '\\' || ch == '{' || ch == '}' || ch == ',' || std::isspace(static_cast<unsigned char>(ch));
  if (!quote) return text;
  std::string q = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') q.push_back('\\');
    q.push_back(ch);
  }
  q.push_back('"');
  return q;
}

std::string PgText(const Column& c, int64_t row) {
  const Type& t = c.type();
  switch (t.id) {
    case TypeId::kBoolean: return c.Value<uint8_t>(row) ? "t" : "f";
    case TypeId::kInt16:
    case TypeId::kInt32: return std::to_string(c.Value<int32_t>(row));
    case TypeId::kInt64: return std::to_string(c.Value<int64_t>(row));
    case TypeId::kFloat:
    case TypeId::kDouble: {
      const double v = t.id == TypeId::kFloat ? c.Value<float>(row) : c.Value<double>(row);
      if (std::isnan(v)) return "NaN";
      if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
      char buf[64];
      auto r = t.id == TypeId::kFloat ? std::to_chars(buf, buf + sizeof(buf), c.Value<float>(row))
                                      : std::to_chars(buf, buf + sizeof(buf), v);
      return std::string(buf, r.ptr);
    }
    case TypeId::kDecimal:
      return PgDecimal(t.precision <= 18 ? c.Value<int64_t>(row) : c.Value<int128_t>(row), t.scale);
    case TypeId::kString:
    case TypeId::kJson: return std::string(c.StringValue(row));
    case TypeId::kBinary: {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string s = "\\x";
      for (unsigned char ch : c.StringValue(row)) {
        s.push_back(kHex[ch >> 4]);
        s.push_back(kHex[ch & 0xF]);
      }
      return s;
    }
    case TypeId::kDate: {
      const int32_t days = c.Value<int32_t>(row);
      if (days == std::numeric_limits<int32_t>::max()) return "infinity";
      if (days == -std::numeric_limits<int32_t>::max()) return "-infinity";
      bool bc = false;
      std::string s = PgDate(days, &bc);
      return bc ? s + " BC" : s;
    }
    case TypeId::kTimestamp: {
      const int64_t us = c.Value<int64_t>(row);
      if (us == std::numeric_limits<int64_t>::max()) return "infinity";
      if (us == -std::numeric_limits<int64_t>::max()) return "-infinity";
      const int64_t day_us = 86400000000LL;
      int64_t days = us / day_us;
      int64_t rem = us % day_us;
      if (rem < 0) {
        rem += day_us;
        --days;
      }
      bool bc = false;
      std::string s = PgDate(days, &bc) + " " + PgTimeOfDay(rem);
      if (t.utc) s += "+00";
      return bc ? s + " BC" : s;
    }
    case TypeId::kTime: return PgTimeOfDay(c.Value<int64_t>(row));
    case TypeId::kList: {
      std::string s = "{";
      for (int64_t i = c.ListBegin(row); i < c.ListEnd(row); ++i) {
        if (i > c.ListBegin(row)) s.push_back(',');
        s += c.child(0).type().id == TypeId::kList ? PgText(c.child(0), i) : PgArrayElement(c.child(0), i);
      }
      return s + "}";
    }
    default: return "<unexpected type " + t.ToString() + ">";
  }
}

// Reads the expected text of every column (expressions given), NULL as nullopt.
std::vector<std::vector<Datum>> ExpectedRows(PgServer* pg, const std::string& table,
                                             const std::vector<std::string>& exprs) {
  std::string select;
  for (const std::string& e : exprs) {
    if (!select.empty()) select.append(", ");
    select.append("coalesce(encode(convert_to(" + e + ", 'UTF8'), 'hex'), 'N')");
  }
  Result<std::string> out = pg->Psql(StrCat(RequiredSessionSettingsSql(), ";\nSELECT ", select, " FROM ", table,
                                            " ORDER BY 1;\n"));
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  std::vector<std::vector<Datum>> rows;
  if (!out.ok()) return rows;
  for (const std::string& line : Lines(*out)) {
    std::vector<Datum> row;
    for (const std::string& f : Split(line, '|')) row.push_back(f == "N" ? Datum() : Datum(HexDecode(f)));
    rows.push_back(row);
  }
  return rows;
}

// Compares every decoded value with the server's text; floats by value.
void ExpectSameAsServer(PgServer* pg, const std::string& table, const std::vector<PgColumnPlan>& plans,
                        const std::vector<std::string>& exprs, const ColumnBatch& batch) {
  std::vector<std::vector<Datum>> expected = ExpectedRows(pg, table, exprs);
  ASSERT_EQ(static_cast<int64_t>(expected.size()), batch.num_rows());
  std::string why;
  ASSERT_TRUE(batch.Validate(&why)) << why;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    ASSERT_EQ(expected[r].size(), plans.size());
    for (size_t c = 0; c < plans.size(); ++c) {
      const Column& col = batch.column(static_cast<int>(c));
      const Datum& want = expected[r][c];
      SCOPED_TRACE("row " + std::to_string(r) + " column " + plans[c].column.name + " (" + col.type().ToString() +
                   ")");
      if (!want) {
        EXPECT_TRUE(col.IsNull(r));
        continue;
      }
      ASSERT_TRUE(col.IsValid(r)) << "server has " << *want;
      if (col.type().id == TypeId::kFloat || col.type().id == TypeId::kDouble) {
        const double ours = col.type().id == TypeId::kFloat ? col.Value<float>(r) : col.Value<double>(r);
        const double theirs = col.type().id == TypeId::kFloat ? std::strtof(want->c_str(), nullptr)
                                                              : std::strtod(want->c_str(), nullptr);
        if (std::isnan(theirs)) {
          EXPECT_TRUE(std::isnan(ours));
        } else {
          EXPECT_EQ(ours, theirs) << *want;
        }
        continue;
      }
      EXPECT_EQ(PgText(col, r), *want);
    }
  }
}

// Plans every column of `table`, scanning unconstrained numerics first as the exporter does.
std::vector<PgColumnPlan> PlanTable(PgServer* pg, const std::string& table, TypeMode mode,
                                    std::vector<std::string>* notes = nullptr) {
  std::vector<PgColumnMeta> metas = ReadMetas(pg, table);
  std::vector<const PgColumnMeta*> to_scan;
  for (const PgColumnMeta& m : metas) {
    if (NeedsNumericScan(m, mode)) to_scan.push_back(&m);
  }
  std::vector<NumericScan> scans;
  if (!to_scan.empty()) {
    const int version = pg->VersionNum();
    EXPECT_GT(version, 0);
    Result<std::string> row = pg->Psql(NumericScanSql(table, to_scan, version));
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    std::vector<std::string> fields = Split(Lines(*row).at(0), '|');
    Result<std::vector<NumericScan>> parsed = ParseNumericScanRow(fields, to_scan.size());
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    scans = *parsed;
  }
  std::vector<PgColumnPlan> plans;
  size_t scan_index = 0;
  for (const PgColumnMeta& m : metas) {
    const NumericScan* scan = NeedsNumericScan(m, mode) ? &scans[scan_index++] : nullptr;
    std::string note;
    Result<PgColumnPlan> p = PlanColumn(m, mode, scan, &note);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!note.empty() && notes) notes->push_back(note);
    plans.push_back(*p);
  }
  return plans;
}

// The server's text for each planned column. PostgreSQL trims char(n) padding
// in ::text, and prints unconstrained numerics with each value's own scale.
std::vector<std::string> ExpectedExprs(const std::vector<PgColumnPlan>& plans) {
  std::vector<std::string> exprs;
  for (const PgColumnPlan& p : plans) {
    const std::string q = QuoteIdentifier(p.column.name);
    std::string e = q + "::text";
    if (p.column.name == "ch") e = "rpad(" + q + "::text, 5)";
    if (p.kind == PgDecodeKind::kBool) e = "CASE WHEN " + q + " THEN 't' WHEN NOT " + q + " THEN 'f' END";
    // Elements read as ::text[] print like that (inet keeps its /32 there).
    if (p.select_expr.size() > 8 && p.select_expr.ends_with("::text[]")) e = p.select_expr + "::text";
    const Type* leaf = &p.column.type;
    while (leaf->id == TypeId::kList) leaf = &leaf->children[0].type;
    if (leaf->id == TypeId::kDecimal && leaf->precision == 38 && p.column.name.rfind("u_", 0) == 0) {
      e = q + "::numeric(38," + std::to_string(leaf->scale) + ")" +
          (p.column.type.id == TypeId::kList ? "[]" : "") + "::text";
    }
    exprs.push_back(e);
  }
  return exprs;
}

const char kEveryTypeSetup[] = R"SQL(
DROP SCHEMA IF EXISTS pgdecode CASCADE;
CREATE SCHEMA pgdecode;
CREATE TYPE pgdecode.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN pgdecode.posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN pgdecode.price AS numeric(10,2);
CREATE TYPE pgdecode.pair AS (a int, b text);
CREATE TABLE pgdecode.every (
  id int PRIMARY KEY,
  b boolean, s smallint, i integer, l bigint, r real, d double precision,
  n numeric(12,2), n38 numeric(38,10), nbig numeric(50,5), nneg numeric(5,-2), nsmall numeric(2,5),
  t text, vc varchar(10), ch char(5), nm name,
  j json, jb jsonb, by bytea,
  dt date, ts timestamp, ts3 timestamp(3), tz timestamptz, tm time,
  u uuid, e pgdecode.mood, dom pgdecode.posint, pr pgdecode.price,
  iv interval, ip inet, mo money, tt timetz, bt bit(4), vb varbit, x xml, o oid, c1 "char",
  rng int4range, pt point, tsv tsvector, pa pgdecode.pair,
  ia int[], ta text[], m2 int[][], na numeric(10,2)[], dta date[], tsa timestamptz[], ua uuid[],
  ba bytea[], ja jsonb[], ea pgdecode.mood[], ipa inet[], boola boolean[], fa float8[], sa smallint[]
);
INSERT INTO pgdecode.every VALUES
 (1, true, 1, 2, 3, 1.5, -0.1, 12.34, 1.5, 12345678901234567890123456789012345678901234.12345, 12300, 0.00012,
  'hello', 'varchar', 'ab', 'name', '{"x": [1, 2]}', '{"b": 1, "a": [true, null]}', '\x00ff10',
  '2024-02-29', '2024-02-29 13:45:59.123456', '2001-02-03 04:05:06.789', '2024-02-29 13:45:59.5+02', '13:45:59.000001',
  'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'happy', 7, 19.99,
  '1 year 2 mons 3 days 04:05:06', '192.168.0.1/24', 12.34, '04:05:06+02', B'1010', B'101', '<a>x</a>', 4242, 'q',
  '[1,5)', '(1.5,2)', 'a fat cat', ROW(1, 'x'),
  '{1,2,3}', '{a,b}', '{{1,2},{3,4}}', '{1.25,-3.50}', '{2020-01-01,infinity}', '{"2020-01-01 00:00:00+00"}',
  '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{"\\x01",NULL}', '{"{\"k\": 1}"}', '{sad,ok}', '{10.0.0.1,::1}',
  '{t,f,NULL}', '{1.5,-2.25}', '{-32768,32767}'),
 (3, false, -32768, -2147483648, 9223372036854775807, 'Infinity', '-Infinity', -9999999999.99,
  -0.0000000001, -0.00001, -9999900, -0.00099,
  '', '', '', '', '[]', '{}', '\x', 'infinity', '-infinity', '-infinity', 'infinity', '24:00:00',
  '00000000-0000-0000-0000-000000000000', 'sad', 2147483647, -0.01,
  '-1 days', '::1', -1, '00:00:00-12', B'0000', B'', '', 0, ' ',
  'empty', '(0,0)', '', ROW(NULL, ''),
  '{}', '{"","NULL","a,b","x\"y","back\\slash"," sp "}', '{}', '{NULL}', '{}', '{infinity,-infinity}', '{}',
  '{}', '{null}', '{}', '{}', '{}', '{NaN,Infinity,-Infinity,0}', '{}'),
 (4, true, 32767, 2147483647, -9223372036854775808, 'NaN', 1e300, 0, 9999999999999999999999999999.9999999999,
  0, 0, 0,
  '日本語 ✓ "quote" back\slash' || chr(10) || 'line', 'ünïcødé', 'x', 'n',
  '"str"', '[1, "two", {"3": 4}]', '\x00', '4713-01-01 BC', '4713-01-01 00:00:00 BC', '200000-01-01 00:00:00',
  '0001-01-01 00:00:00+00', '00:00:00',
  'ffffffff-ffff-ffff-ffff-ffffffffffff', 'ok', 1, 99999999.99,
  '-178000000 years', '10.1.2.3', 0, '23:59:59.999999+14', B'1111', B'1', '<r/>', 4294967295, 'Z',
  '(,)', '(-1e+300,1e-300)', 'b:1 a:2', ROW(-5, 'y "z"'),
  '{NULL,NULL}', '{日本}', '{{NULL,5},{6,NULL}}', '{99999999.99,-99999999.99}', '{4713-01-01 BC,5874897-12-31}',
  '{"4713-01-01 00:00:00+00 BC"}', '{NULL}', '{""}', '{1,"\"x\"",true}', '{happy}', '{NULL}', '{}', '{}', '{}');
INSERT INTO pgdecode.every (id) VALUES (2);
INSERT INTO pgdecode.every (id, r, d, dt, ts, tz)
  VALUES (5, 3.4028235e38, 5e-324, '5874897-12-31', '294000-12-31 23:59:59.999999', '1970-01-01 00:00:00+00');
)SQL";

// Setup SQL as an older server takes it (these tests also run on PostgreSQL
// 13): numeric scales below 0 or above the precision arrived in 15 and numeric
// infinities in 14. The stand-ins keep every expectation: the same Parquet
// types, values that fit them, a NaN where an infinity was.
std::string ForServer(PgServer* pg, std::string sql) {
  const int num = pg->VersionNum();
  auto replace_all = [&sql](const std::string& from, const std::string& to) {
    for (size_t at = sql.find(from); at != std::string::npos; at = sql.find(from, at + to.size())) {
      sql.replace(at, from.size(), to);
    }
  };
  if (num < 150000) {
    replace_all("nneg numeric(5,-2), nsmall numeric(2,5)", "nneg numeric(7,0), nsmall numeric(5,5)");
  }
  if (num < 140000) replace_all("'NaN', '-Infinity', 1e40", "'NaN', 'NaN', 1e40");
  return sql;
}

TEST(PgCopyDecoderServer, NativeMatchesWhatPostgresPrints) {
  SL_REQUIRE_SHARED_PG(pg);
  Result<std::string> setup = pg->Psql(ForServer(pg, kEveryTypeSetup));
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  const std::string table = "pgdecode.every";
  std::vector<PgColumnPlan> plans = PlanTable(pg, table, TypeMode::kNative);
  ASSERT_EQ(plans.size(), 55u);

  // The plans the catalog leads to (spot checks; pg_type_mapping_test covers the rules).
  auto plan = [&](const std::string& name) -> const PgColumnPlan& {
    for (const PgColumnPlan& p : plans) {
      if (p.column.name == name) return p;
    }
    ADD_FAILURE() << "no column " << name;
    return plans[0];
  };
  EXPECT_EQ(plan("n").column.type, Type::Decimal(12, 2));
  EXPECT_EQ(plan("n38").column.type, Type::Decimal(38, 10));
  EXPECT_EQ(plan("nbig").column.type, Type::String());
  EXPECT_EQ(plan("nneg").column.type, Type::Decimal(7, 0));
  EXPECT_EQ(plan("nsmall").column.type, Type::Decimal(5, 5));
  EXPECT_EQ(plan("pr").column.type, Type::Decimal(10, 2));
  EXPECT_EQ(plan("dom").column.type, Type::Int32());
  EXPECT_EQ(plan("e").kind, PgDecodeKind::kText);
  EXPECT_EQ(plan("e").select_expr, "\"e\"");
  EXPECT_EQ(plan("pa").select_expr, "\"pa\"::text");
  EXPECT_EQ(plan("ipa").select_expr, "\"ipa\"::text[]");
  EXPECT_EQ(plan("m2").array_dims, 2);
  EXPECT_EQ(plan("ia").array_dims, 1);
  EXPECT_EQ(plan("ts3").column.type, Type::Timestamp(TimeUnit::kMicros, false));
  EXPECT_EQ(plan("id").column.nullable, false);

  ColumnBatch batch;
  Status st = CopyAndDecode(pg, table, plans, &batch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(batch.num_rows(), 5);
  ExpectSameAsServer(pg, table, plans, ExpectedExprs(plans), batch);

  // Spot checks of the storage itself.
  const int dt = batch.schema().FieldIndex("dt");
  EXPECT_EQ(batch.column(dt).Value<int32_t>(2), std::numeric_limits<int32_t>::max());
  const int ts = batch.schema().FieldIndex("ts");
  EXPECT_EQ(batch.column(ts).Value<int64_t>(2), -std::numeric_limits<int64_t>::max());
  const int tz = batch.schema().FieldIndex("tz");
  EXPECT_EQ(batch.column(tz).Value<int64_t>(0), 1709207159500000LL);  // 2024-02-29 11:45:59.5 UTC
  const int u = batch.schema().FieldIndex("u");
  EXPECT_EQ(batch.column(u).StringValue(0), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  const int jb = batch.schema().FieldIndex("jb");
  EXPECT_EQ(batch.column(jb).StringValue(0), "{\"a\": [true, null], \"b\": 1}");
}

TEST(PgCopyDecoderServer, RdsMatchesWhatPostgresPrints) {
  SL_REQUIRE_SHARED_PG(pg);
  Result<std::string> setup = pg->Psql(ForServer(pg, kEveryTypeSetup));
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  std::vector<PgColumnPlan> plans = PlanTable(pg, "pgdecode.every", TypeMode::kRds);
  for (const PgColumnPlan& p : plans) {
    const TypeId id = p.column.type.id;
    EXPECT_TRUE(id == TypeId::kString || id == TypeId::kBoolean || id == TypeId::kInt16 || id == TypeId::kInt32 ||
                id == TypeId::kInt64 || id == TypeId::kFloat || id == TypeId::kDouble || id == TypeId::kBinary)
        << p.column.name << " " << p.column.type.ToString();
  }
  ColumnBatch batch;
  Status st = CopyAndDecode(pg, "pgdecode.every", plans, &batch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ExpectSameAsServer(pg, "pgdecode.every", plans, ExpectedExprs(plans), batch);
  // RDS-mode text as it lands in Parquet.
  const int tz = batch.schema().FieldIndex("tz");
  EXPECT_EQ(batch.column(tz).StringValue(0), "2024-02-29 11:45:59.5+00");
  const int m2 = batch.schema().FieldIndex("m2");
  EXPECT_EQ(batch.column(m2).StringValue(0), "{{1,2},{3,4}}");
  const int dom = batch.schema().FieldIndex("dom");
  EXPECT_EQ(batch.column(dom).type(), Type::String());
  EXPECT_EQ(batch.column(dom).StringValue(0), "7");
}

TEST(PgCopyDecoderServer, UnconstrainedNumericFollowsTheScan) {
  SL_REQUIRE_SHARED_PG(pg);
  Result<std::string> setup = pg->Psql(ForServer(pg, R"SQL(
DROP SCHEMA IF EXISTS pgdecode_num CASCADE;
CREATE SCHEMA pgdecode_num;
CREATE TABLE pgdecode_num.t (id int, u_fits numeric, u_nan numeric, u_inf numeric, u_huge numeric, u_tiny numeric,
                             u_empty numeric, u_arr numeric[], u_arrnan numeric[], u_edge numeric);
INSERT INTO pgdecode_num.t VALUES
  (1, 1.5, 1, 1, 1, 0.1, NULL, '{1.25,NULL,-3}', '{1}', 12345678901234567890123456789012345678),
  (2, -123.456, 'NaN', '-Infinity', 1e40, 1e-40, NULL, '{}', '{NaN}', -0.5),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 0.000, 2, 2, 2, 0, NULL, '{100000.5}', NULL, 0);
)SQL"));
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  std::vector<std::string> notes;
  std::vector<PgColumnPlan> plans = PlanTable(pg, "pgdecode_num.t", TypeMode::kNative, &notes);
  ASSERT_EQ(plans.size(), 10u);
  EXPECT_EQ(plans[1].column.type, Type::Decimal(38, 3));
  EXPECT_EQ(plans[2].column.type, Type::String());
  EXPECT_EQ(plans[3].column.type, Type::String());
  EXPECT_EQ(plans[4].column.type, Type::String());
  EXPECT_EQ(plans[5].column.type, Type::String());  // 1e-40 needs 40 fraction digits
  EXPECT_EQ(plans[6].column.type, Type::Decimal(38, 0));
  EXPECT_EQ(plans[7].column.type, Type::List(Field{"element", Type::Decimal(38, 2), true}));
  EXPECT_EQ(plans[8].column.type, Type::List(Field{"element", Type::String(), true}));
  EXPECT_EQ(plans[8].select_expr, "\"u_arrnan\"::text[]");
  EXPECT_EQ(plans[9].column.type, Type::String());  // 38 integer digits + 1 fraction digit
  ASSERT_EQ(notes.size(), 6u);
  EXPECT_TRUE(Contains(notes[0], "column \"u_nan\"")) << notes[0];
  EXPECT_TRUE(Contains(notes[0], "NaN or Infinity")) << notes[0];
  EXPECT_TRUE(Contains(notes[2], "column \"u_huge\"")) << notes[2];

  ColumnBatch batch;
  Status st = CopyAndDecode(pg, "pgdecode_num.t", plans, &batch);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ExpectSameAsServer(pg, "pgdecode_num.t", plans, ExpectedExprs(plans), batch);
}

TEST(PgCopyDecoderServer, ValuesThePlanCannotHoldFailClearly) {
  SL_REQUIRE_SHARED_PG(pg);
  Result<std::string> setup = pg->Psql(R"SQL(
DROP SCHEMA IF EXISTS pgdecode_bad CASCADE;
CREATE SCHEMA pgdecode_bad;
CREATE TABLE pgdecode_bad.nan (id int, "Price" numeric(10,2));
INSERT INTO pgdecode_bad.nan VALUES (1, 1.5), (2, 'NaN');
CREATE TABLE pgdecode_bad.dims (id int, xs int[]);
INSERT INTO pgdecode_bad.dims VALUES (1, '{1}'), (2, '{{1},{2}}');
CREATE TABLE pgdecode_bad.far (id int, ts timestamp);
INSERT INTO pgdecode_bad.far VALUES (1, '294270-01-01 00:00:00');
)SQL");
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  struct Case {
    std::string table, column, words;
  };
  for (const Case& c : {Case{"pgdecode_bad.nan", "\"Price\"", "NaN"}, Case{"pgdecode_bad.dims", "\"xs\"", "dimension"},
                        Case{"pgdecode_bad.far", "\"ts\"", "outside the range"}}) {
    SCOPED_TRACE(c.table);
    std::vector<PgColumnPlan> plans = PlanTable(pg, c.table, TypeMode::kNative);
    ColumnBatch batch;
    Status st = CopyAndDecode(pg, c.table, plans, &batch);
    EXPECT_EQ(st.code(), StatusCode::kNotImplemented) << st.ToString();
    EXPECT_TRUE(Contains(st.message(), "column " + c.column)) << st.message();
    EXPECT_TRUE(Contains(st.message(), c.words)) << st.message();
    EXPECT_TRUE(Contains(st.message(), "--types rds")) << st.message();
    // The RDS mapping reads the same table.
    std::vector<PgColumnPlan> rds = PlanTable(pg, c.table, TypeMode::kRds);
    st = CopyAndDecode(pg, c.table, rds, &batch);
    EXPECT_TRUE(st.ok()) << st.ToString();
    ExpectSameAsServer(pg, c.table, rds, ExpectedExprs(rds), batch);
  }
}

}  // namespace
}  // namespace snaplake::postgres
