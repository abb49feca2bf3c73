// PgCopyDecoder and DecodePgNumeric on hand-built binary COPY streams: every
// decode kind, NULLs, any split of the stream, malformed input. The tests at
// the end (PgCopyDecoderServer) decode real COPY output of PostgreSQL and
// compare every value with what the server prints.
#include "source/postgres/pg_copy_decoder.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "format/value_json.h"
#include "source/postgres/pg_numeric.h"
#include "source/postgres/pg_type_mapping.h"

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

}  // namespace
}  // namespace snaplake::postgres
