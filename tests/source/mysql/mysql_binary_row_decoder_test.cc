// MySqlBinaryRowDecoder: values in the MySQL binary protocol's encodings (as
// libmariadb's result callback sees them) into typed columns; the zero-date
// rule; dates and times printed as the text protocol prints them for STRING
// plans; long length prefixes; and the errors for values or wire types a plan
// cannot hold.
#include <gtest/gtest.h>

#include <mysql.h>

#include <cstring>
#include <optional>

#include "source/mysql/mysql_binary_row_decoder.h"
#include "source/mysql/mysql_column_meta.h"

namespace snaplake::mysql {
namespace {

using Bytes = std::string;

using test_support::Meta;

MySqlColumnPlan Plan(const MySqlColumnMeta& meta, TypeMode mode = TypeMode::kNative, bool time_in_range = true) {
  MySqlMappingOptions options;
  options.mode = mode;
  Result<MySqlColumnPlan> plan = PlanMySqlColumn(meta, options, time_in_range, nullptr);
  EXPECT_TRUE(plan.ok());
  return *plan;
}

MySqlResultField Field(int type, bool is_unsigned = false, unsigned decimals = 0) {
  MySqlResultField f;
  f.name = "c";
  f.type = type;
  f.is_unsigned = is_unsigned;
  f.decimals = decimals;
  return f;
}

// Little-endian integer of `width` bytes.
Bytes Le(uint64_t v, int width) {
  Bytes out;
  for (int i = 0; i < width; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}

// A length-prefixed string as the binary protocol sends it.
Bytes Str(const std::string& s) {
  Bytes out;
  if (s.size() < 251) {
    out.push_back(static_cast<char>(s.size()));
  } else if (s.size() < (1u << 16)) {
    out.push_back(static_cast<char>(252));
    out += Le(s.size(), 2);
  } else if (s.size() < (1u << 24)) {
    out.push_back(static_cast<char>(253));
    out += Le(s.size(), 3);
  } else {
    out.push_back(static_cast<char>(254));
    out += Le(s.size(), 8);
  }
  return out + s;
}

Bytes Date(unsigned y, unsigned m, unsigned d) { return Bytes(1, '\x04') + Le(y, 2) + char(m) + char(d); }
Bytes DateTime(unsigned y, unsigned m, unsigned d, unsigned h, unsigned mi, unsigned s, uint32_t us = 0) {
  Bytes head = Le(y, 2) + char(m) + char(d) + char(h) + char(mi) + char(s);
  return us == 0 ? Bytes(1, '\x07') + head : Bytes(1, '\x0b') + head + Le(us, 4);
}
Bytes Time(bool negative, uint32_t days, unsigned h, unsigned mi, unsigned s, uint32_t us = 0) {
  Bytes head = Bytes(1, negative ? '\x01' : '\x00') + Le(days, 4) + char(h) + char(mi) + char(s);
  return us == 0 ? Bytes(1, '\x08') + head : Bytes(1, '\x0c') + head + Le(us, 4);
}
const Bytes kZeroTemporal(1, '\0');

struct Decoded {
  ColumnBatch batch;
  std::vector<int64_t> invalid;
};

// Decodes one value per row (nullopt = NULL) of one column; each value must be consumed exactly.
Result<Decoded> DecodeColumn(const MySqlColumnPlan& plan, const MySqlResultField& field,
                             const std::vector<std::optional<Bytes>>& values) {
  MySqlBinaryRowDecoder decoder({plan});
  SL_RETURN_NOT_OK(decoder.Bind({field}));
  Decoded out{ColumnBatch(decoder.schema()), {}};
  for (const std::optional<Bytes>& v : values) {
    decoder.StartRow(&out.batch);
    if (!v) {
      MySqlBinaryRowDecoder::Callback(&decoder, 0, nullptr);
    } else {
      std::string copy = *v + "TAIL";
      unsigned char* p = reinterpret_cast<unsigned char*>(copy.data());
      unsigned char* row = p;
      MySqlBinaryRowDecoder::Callback(&decoder, 0, &row);
      SL_RETURN_NOT_OK(decoder.FinishRow());
      EXPECT_EQ(row - p, static_cast<ptrdiff_t>(v->size())) << "the value was not consumed exactly";
      continue;
    }
    SL_RETURN_NOT_OK(decoder.FinishRow());
  }
  out.invalid = decoder.invalid_dates();
  return out;
}

// A row that reached the decoder without one callback per column (a client
// library that ignored the callback) must fail, never pass as a row.
TEST(MySqlBinaryRowDecoder, ARowMissingAValueFails) {
  MySqlBinaryRowDecoder decoder(
      {Plan(Meta("a", "int", "int(11)")), Plan(Meta("b", "int", "int(11)"))});
  ASSERT_TRUE(decoder.Bind({Field(MYSQL_TYPE_LONG), Field(MYSQL_TYPE_LONG)}).ok());
  ColumnBatch batch(decoder.schema());
  decoder.StartRow(&batch);
  std::string value = Le(7, 4);
  unsigned char* row = reinterpret_cast<unsigned char*>(value.data());
  MySqlBinaryRowDecoder::Callback(&decoder, 0, &row);
  Status st = decoder.FinishRow();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("1 of 2 values"), std::string::npos) << st.ToString();
  // No callback at all.
  decoder.StartRow(&batch);
  st = decoder.FinishRow();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("0 of 2 values"), std::string::npos) << st.ToString();
}

// Lengths no value can have (the NULL and error markers, 4 GiB or more) are a
// corrupt packet: the row fails naming the column, nothing is read past it.
TEST(MySqlBinaryRowDecoder, ImpossibleLengthsAreCorruption) {
  const MySqlColumnPlan plan = Plan(Meta("v", "varchar", "varchar(10)"));
  for (const Bytes& bad : {Bytes(1, '\xfb'), Bytes(1, '\xff'), Bytes(1, '\xfe') + Le(uint64_t{1} << 32, 8)}) {
    Result<Decoded> d = DecodeColumn(plan, Field(MYSQL_TYPE_VAR_STRING), {bad + "xxxxxxxxxx"});
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), StatusCode::kCorruption) << d.status().ToString();
    EXPECT_NE(d.status().message().find("column v"), std::string::npos) << d.status().ToString();
  }
}

TEST(MySqlBinaryRowDecoder, CivilDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(1, 1, 1), -719162);
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
}

TEST(MySqlBinaryRowDecoder, SignedAndUnsignedIntegersOfEveryWidth) {
  Result<Decoded> ti = DecodeColumn(Plan(Meta("t", "tinyint", "tinyint(4)")), Field(MYSQL_TYPE_TINY),
                                    {Le(0x80, 1), Le(0x7F, 1), std::nullopt});
  ASSERT_TRUE(ti.ok()) << ti.status().message();
  EXPECT_EQ(ti->batch.column(0).Value<int32_t>(0), -128);
  EXPECT_EQ(ti->batch.column(0).Value<int32_t>(1), 127);
  EXPECT_TRUE(ti->batch.column(0).IsNull(2));
  Result<Decoded> tiu = DecodeColumn(Plan(Meta("t", "tinyint", "tinyint(3) unsigned")), Field(MYSQL_TYPE_TINY, true),
                                     {Le(0xFF, 1)});
  ASSERT_TRUE(tiu.ok());
  EXPECT_EQ(tiu->batch.column(0).Value<int32_t>(0), 255);
  Result<Decoded> si = DecodeColumn(Plan(Meta("s", "smallint", "smallint(6)")), Field(MYSQL_TYPE_SHORT),
                                    {Le(0x8000, 2)});
  ASSERT_TRUE(si.ok());
  EXPECT_EQ(si->batch.column(0).Value<int32_t>(0), -32768);
  Result<Decoded> mi = DecodeColumn(Plan(Meta("m", "mediumint", "mediumint(8) unsigned")),
                                    Field(MYSQL_TYPE_INT24, true), {Le(16777215, 4)});
  ASSERT_TRUE(mi.ok());
  EXPECT_EQ(mi->batch.column(0).Value<int32_t>(0), 16777215);
  Result<Decoded> iu = DecodeColumn(Plan(Meta("i", "int", "int(10) unsigned")), Field(MYSQL_TYPE_LONG, true),
                                    {Le(4294967295u, 4)});
  ASSERT_TRUE(iu.ok());
  EXPECT_EQ(iu->batch.column(0).Value<int64_t>(0), 4294967295);
  Result<Decoded> bi = DecodeColumn(Plan(Meta("b", "bigint", "bigint(20)")), Field(MYSQL_TYPE_LONGLONG),
                                    {Le(uint64_t{1} << 63, 8)});
  ASSERT_TRUE(bi.ok());
  EXPECT_EQ(bi->batch.column(0).Value<int64_t>(0), INT64_MIN);
  Result<Decoded> biu = DecodeColumn(Plan(Meta("u", "bigint", "bigint(20) unsigned")),
                                     Field(MYSQL_TYPE_LONGLONG, true), {Le(UINT64_MAX, 8), Le(0, 8)});
  ASSERT_TRUE(biu.ok());
  EXPECT_TRUE(biu->batch.column(0).Value<int128_t>(0) == static_cast<int128_t>(UINT64_MAX));
  EXPECT_TRUE(biu->batch.column(0).Value<int128_t>(1) == 0);
  Result<Decoded> year = DecodeColumn(Plan(Meta("y", "year", "year(4)")), Field(MYSQL_TYPE_YEAR, true),
                                      {Le(2155, 2), Le(0, 2)});
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->batch.column(0).Value<int32_t>(0), 2155);
  EXPECT_EQ(year->batch.column(0).Value<int32_t>(1), 0);
}

TEST(MySqlBinaryRowDecoder, BooleanOtherThanZeroOrOneFailsWithAdvice) {
  MySqlColumnPlan plan = Plan(Meta("b", "tinyint", "tinyint(1)"));
  Result<Decoded> ok = DecodeColumn(plan, Field(MYSQL_TYPE_TINY), {Le(0, 1), Le(1, 1), std::nullopt});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->batch.column(0).Value<uint8_t>(1), 1);
  EXPECT_TRUE(ok->batch.column(0).IsNull(2));
  Result<Decoded> bad = DecodeColumn(plan, Field(MYSQL_TYPE_TINY), {Le(0xFF, 1)});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(bad.status().message().find("holds -1; rerun with --tinyint1-as-int"), std::string::npos)
      << bad.status().message();
}

TEST(MySqlBinaryRowDecoder, DecimalsArriveAsDigitsAndStayExact) {
  Result<Decoded> small = DecodeColumn(Plan(Meta("d", "decimal", "decimal(12,2)", 12, 2)),
                                       Field(MYSQL_TYPE_NEWDECIMAL), {Str("-1234567890.12"), Str("0.05"), Str("7.00")});
  ASSERT_TRUE(small.ok()) << small.status().message();
  EXPECT_EQ(small->batch.column(0).Value<int64_t>(0), -123456789012);
  EXPECT_EQ(small->batch.column(0).Value<int64_t>(1), 5);
  EXPECT_EQ(small->batch.column(0).Value<int64_t>(2), 700);
  Result<Decoded> wide = DecodeColumn(Plan(Meta("w", "decimal", "decimal(38,10)", 38, 10)),
                                      Field(MYSQL_TYPE_NEWDECIMAL), {Str("-9999999999999999999999999999.9999999999")});
  ASSERT_TRUE(wide.ok()) << wide.status().message();
  int128_t expected = 0;
  for (int i = 0; i < 38; ++i) expected = expected * 10 + 9;
  EXPECT_TRUE(wide->batch.column(0).Value<int128_t>(0) == -expected);
  // DECIMAL(65,30) is a STRING: the digits as sent.
  const std::string d65 = "-99999999999999999999999999999999999.999999999999999999999999999999";
  Result<Decoded> text = DecodeColumn(Plan(Meta("x", "decimal", "decimal(65,30)", 65, 30)),
                                      Field(MYSQL_TYPE_NEWDECIMAL), {Str(d65)});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->batch.column(0).StringValue(0), d65);
  Result<Decoded> bad = DecodeColumn(Plan(Meta("d", "decimal", "decimal(12,2)", 12, 2)),
                                     Field(MYSQL_TYPE_NEWDECIMAL), {Str("1.234")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("column d: cannot read '1.234'"), std::string::npos);
}

TEST(MySqlBinaryRowDecoder, FloatsAndBits) {
  float f = 1.2345678f;
  uint32_t fbits;
  std::memcpy(&fbits, &f, 4);
  double d = -3.4028234663852886e38;
  uint64_t dbits;
  std::memcpy(&dbits, &d, 8);
  // FLOAT arrives as its 4 bytes; a DOUBLE expression (e.g. `f`+0e0) read into a FLOAT plan stays exact too.
  Result<Decoded> floats = DecodeColumn(Plan(Meta("f", "float", "float")), Field(MYSQL_TYPE_DOUBLE),
                                        {Le(dbits, 8)});
  ASSERT_TRUE(floats.ok());
  EXPECT_EQ(floats->batch.column(0).Value<float>(0), -3.40282347e38f);
  Result<Decoded> plain = DecodeColumn(Plan(Meta("f", "float", "float")), Field(MYSQL_TYPE_FLOAT), {Le(fbits, 4)});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->batch.column(0).Value<float>(0), f);
  Result<Decoded> rds = DecodeColumn(Plan(Meta("f", "float", "float"), TypeMode::kRds), Field(MYSQL_TYPE_DOUBLE),
                                     {Le(dbits, 8)});
  ASSERT_TRUE(rds.ok());
  EXPECT_EQ(rds->batch.column(0).Value<double>(0), d);

  Result<Decoded> bits = DecodeColumn(Plan(Meta("x", "bit", "bit(16)", 16)), Field(MYSQL_TYPE_BIT),
                                      {Str("\x01\x02"), Str(std::string("\x00", 1))});
  ASSERT_TRUE(bits.ok());
  EXPECT_EQ(bits->batch.column(0).Value<int64_t>(0), 258);
  EXPECT_EQ(bits->batch.column(0).Value<int64_t>(1), 0);
  Result<Decoded> bit63 = DecodeColumn(Plan(Meta("x", "bit", "bit(63)", 63)), Field(MYSQL_TYPE_BIT),
                                       {Str("\x7f\xff\xff\xff\xff\xff\xff\xff")});
  ASSERT_TRUE(bit63.ok());
  EXPECT_EQ(bit63->batch.column(0).Value<int64_t>(0), INT64_MAX);
  Result<Decoded> bit64 = DecodeColumn(Plan(Meta("x", "bit", "bit(64)", 64)), Field(MYSQL_TYPE_BIT),
                                       {Str("\xff\xff\xff\xff\xff\xff\xff\xff")});
  ASSERT_TRUE(bit64.ok());
  EXPECT_EQ(bit64->batch.column(0).StringValue(0), std::string(8, '\xff'));
}

TEST(MySqlBinaryRowDecoder, DatesZeroAndInvalidBecomeNullAndAreCounted) {
  Result<Decoded> dates = DecodeColumn(Plan(Meta("d", "date", "date")), Field(MYSQL_TYPE_DATE),
                                       {Date(2024, 2, 29), kZeroTemporal, Date(2023, 2, 29), Date(2024, 4, 31),
                                        Date(1000, 1, 1), std::nullopt, Date(2024, 0, 10)});
  ASSERT_TRUE(dates.ok()) << dates.status().message();
  const Column& c = dates->batch.column(0);
  ASSERT_EQ(c.length(), 7);
  EXPECT_EQ(c.Value<int32_t>(0), DaysFromCivil(2024, 2, 29));
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_TRUE(c.IsNull(2));
  EXPECT_TRUE(c.IsNull(3));
  EXPECT_EQ(c.Value<int32_t>(4), DaysFromCivil(1000, 1, 1));
  EXPECT_TRUE(c.IsNull(5));
  EXPECT_TRUE(c.IsNull(6));
  EXPECT_EQ(dates->invalid, std::vector<int64_t>{4});  // NULL itself is not counted
}

TEST(MySqlBinaryRowDecoder, DateTimesAndTimestampsWithFractionsAndZeros) {
  for (int type : {MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP}) {
    Result<Decoded> batch =
        DecodeColumn(Plan(Meta("dt", type == MYSQL_TYPE_DATETIME ? "datetime" : "timestamp", "datetime(6)")),
                     Field(type, false, 6),
                     {DateTime(1970, 1, 1, 0, 0, 1, 500000), DateTime(1969, 12, 31, 23, 59, 59, 999999),
                      DateTime(9999, 12, 31, 23, 59, 59), kZeroTemporal, Date(2000, 1, 1),
                      DateTime(2023, 2, 30, 12, 0, 0, 500000)});
    ASSERT_TRUE(batch.ok()) << batch.status().message();
    const Column& c = batch->batch.column(0);
    EXPECT_EQ(c.Value<int64_t>(0), 1500000);
    EXPECT_EQ(c.Value<int64_t>(1), -1);
    EXPECT_EQ(c.Value<int64_t>(2), (int64_t{2932896} * 86400 + 86399) * 1000000);
    EXPECT_TRUE(c.IsNull(3));
    EXPECT_EQ(c.Value<int64_t>(4), int64_t{DaysFromCivil(2000, 1, 1)} * 86400 * 1000000);  // midnight: 4 bytes
    EXPECT_TRUE(c.IsNull(5));
    EXPECT_EQ(batch->invalid, std::vector<int64_t>{2});
  }
}

TEST(MySqlBinaryRowDecoder, TimesOfDayAndOutOfRangeTimes) {
  Result<Decoded> times = DecodeColumn(Plan(Meta("t", "time", "time(6)")), Field(MYSQL_TYPE_TIME, false, 6),
                                       {Time(false, 0, 23, 59, 59, 999999), kZeroTemporal, Time(false, 0, 0, 0, 1)});
  ASSERT_TRUE(times.ok()) << times.status().message();
  EXPECT_EQ(times->batch.column(0).Value<int64_t>(0), int64_t{86399999999});
  EXPECT_EQ(times->batch.column(0).Value<int64_t>(1), 0);
  EXPECT_EQ(times->batch.column(0).Value<int64_t>(2), 1000000);
  Result<Decoded> negative = DecodeColumn(Plan(Meta("t", "time", "time")), Field(MYSQL_TYPE_TIME),
                                          {Time(true, 0, 1, 0, 0)});
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().code(), StatusCode::kCorruption);
  EXPECT_NE(negative.status().message().find("'-01:00:00'"), std::string::npos) << negative.status().message();
  Result<Decoded> day = DecodeColumn(Plan(Meta("t", "time", "time")), Field(MYSQL_TYPE_TIME),
                                     {Time(false, 1, 0, 0, 0)});
  ASSERT_FALSE(day.ok());
}

// STRING plans print dates and times exactly as the text protocol would.
TEST(MySqlBinaryRowDecoder, DatesAndTimesAsTextLikeTheServerPrintsThem) {
  Result<Decoded> rds_date = DecodeColumn(Plan(Meta("d", "date", "date"), TypeMode::kRds), Field(MYSQL_TYPE_DATE),
                                          {Date(2024, 2, 29), kZeroTemporal, Date(2023, 2, 30), Date(1, 1, 1)});
  ASSERT_TRUE(rds_date.ok()) << rds_date.status().message();
  EXPECT_EQ(rds_date->batch.column(0).StringValue(0), "2024-02-29");
  EXPECT_EQ(rds_date->batch.column(0).StringValue(1), "0000-00-00");
  EXPECT_EQ(rds_date->batch.column(0).StringValue(2), "2023-02-30");
  EXPECT_EQ(rds_date->batch.column(0).StringValue(3), "0001-01-01");
  Result<Decoded> wide = DecodeColumn(Plan(Meta("t", "time", "time"), TypeMode::kNative, false),
                                      Field(MYSQL_TYPE_TIME),
                                      {Time(true, 34, 22, 59, 59), Time(false, 34, 22, 59, 59), kZeroTemporal,
                                       Time(true, 0, 0, 0, 1), Time(false, 4, 4, 0, 0)});
  ASSERT_TRUE(wide.ok()) << wide.status().message();
  EXPECT_EQ(wide->batch.column(0).StringValue(0), "-838:59:59");
  EXPECT_EQ(wide->batch.column(0).StringValue(1), "838:59:59");
  EXPECT_EQ(wide->batch.column(0).StringValue(2), "00:00:00");
  EXPECT_EQ(wide->batch.column(0).StringValue(3), "-00:00:01");
  EXPECT_EQ(wide->batch.column(0).StringValue(4), "100:00:00");
  Result<Decoded> fraction = DecodeColumn(Plan(Meta("t", "time", "time(3)"), TypeMode::kRds),
                                          Field(MYSQL_TYPE_TIME, false, 3),
                                          {Time(false, 0, 12, 34, 56, 789000), kZeroTemporal, Time(true, 0, 0, 0, 0, 1000)});
  ASSERT_TRUE(fraction.ok());
  EXPECT_EQ(fraction->batch.column(0).StringValue(0), "12:34:56.789");
  EXPECT_EQ(fraction->batch.column(0).StringValue(1), "00:00:00.000");
  EXPECT_EQ(fraction->batch.column(0).StringValue(2), "-00:00:00.001");
}

TEST(MySqlBinaryRowDecoder, StringsOfEveryLengthPrefix) {
  const std::string empty, short_text = "héllo", medium(300, 'm'), large(70000, 'L'), huge(17u << 20, 'H');
  Result<Decoded> text = DecodeColumn(Plan(Meta("s", "longtext", "longtext")), Field(MYSQL_TYPE_BLOB),
                                      {Str(empty), Str(short_text), Str(medium), Str(large), Str(huge)});
  ASSERT_TRUE(text.ok()) << text.status().message();
  const Column& c = text->batch.column(0);
  EXPECT_EQ(c.StringValue(0), empty);
  EXPECT_EQ(c.StringValue(1), short_text);
  EXPECT_EQ(c.StringValue(2), medium);
  EXPECT_EQ(c.StringValue(3), large);
  EXPECT_EQ(c.StringValue(4), huge);
  Result<Decoded> blob = DecodeColumn(Plan(Meta("b", "blob", "blob")), Field(MYSQL_TYPE_BLOB),
                                      {Str(std::string("\x00\xff\x00", 3))});
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(blob->batch.column(0).StringValue(0), std::string("\x00\xff\x00", 3));
}

TEST(MySqlBinaryRowDecoder, RowsOfSeveralColumnsAndTheirWireSize) {
  MySqlBinaryRowDecoder decoder({Plan(Meta("id", "int", "int(11)")), Plan(Meta("s", "varchar", "varchar(10)")),
                                 Plan(Meta("d", "date", "date"))});
  ASSERT_TRUE(decoder.Bind({Field(MYSQL_TYPE_LONG), Field(MYSQL_TYPE_VAR_STRING), Field(MYSQL_TYPE_DATE)}).ok());
  ColumnBatch batch(decoder.schema());
  std::string wire = Le(42, 4) + Str("abc") + kZeroTemporal;
  unsigned char* row = reinterpret_cast<unsigned char*>(wire.data());
  decoder.StartRow(&batch);
  MySqlBinaryRowDecoder::Callback(&decoder, 0, &row);
  MySqlBinaryRowDecoder::Callback(&decoder, 1, &row);
  MySqlBinaryRowDecoder::Callback(&decoder, 2, &row);
  ASSERT_TRUE(decoder.FinishRow().ok());
  EXPECT_EQ(row, reinterpret_cast<unsigned char*>(wire.data()) + wire.size());
  EXPECT_EQ(decoder.row_bytes(), 4 + static_cast<int64_t>(wire.size()));
  EXPECT_EQ(batch.num_rows(), 1);
  EXPECT_EQ(batch.column(0).Value<int32_t>(0), 42);
  EXPECT_EQ(batch.column(1).StringValue(0), "abc");
  EXPECT_TRUE(batch.column(2).IsNull(0));
  EXPECT_EQ(decoder.invalid_dates(), (std::vector<int64_t>{0, 0, 1}));
}

TEST(MySqlBinaryRowDecoder, WireTypesAPlanCannotReadFailBeforeAnyRow) {
  MySqlBinaryRowDecoder date({Plan(Meta("d", "date", "date"))});
  Status status = date.Bind({Field(MYSQL_TYPE_LONG)});
  EXPECT_EQ(status.code(), StatusCode::kNotImplemented);
  EXPECT_NE(status.message().find("column d (MySQL date)"), std::string::npos) << status.message();
  MySqlBinaryRowDecoder time({Plan(Meta("t", "time", "time"))});
  EXPECT_FALSE(time.Bind({Field(MYSQL_TYPE_DATETIME)}).ok());
  MySqlBinaryRowDecoder count({Plan(Meta("i", "int", "int(11)"))});
  EXPECT_FALSE(count.Bind({Field(MYSQL_TYPE_LONG), Field(MYSQL_TYPE_LONG)}).ok());
  MySqlBinaryRowDecoder text_double({Plan(Meta("x", "inet6", "inet6"))});
  EXPECT_FALSE(text_double.Bind({Field(MYSQL_TYPE_DOUBLE)}).ok());  // its text form would not be the server's
  EXPECT_TRUE(text_double.Bind({Field(MYSQL_TYPE_STRING)}).ok());
}

}  // namespace
}  // namespace snaplake::mysql
