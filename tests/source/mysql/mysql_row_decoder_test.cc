// MySqlRowDecoder and PlanMySqlColumn: text-protocol values into typed
// columns, the zero-date rule, and the errors for values a plan cannot hold.
#include <gtest/gtest.h>

#include <cstring>

#include "source/mysql/mysql_row_decoder.h"

namespace snaplake::mysql {
namespace {

MySqlColumnMeta Meta(const std::string& name, const std::string& data_type, const std::string& column_type,
                     int32_t precision = -1, int32_t scale = -1) {
  MySqlColumnMeta m;
  m.name = name;
  m.data_type = data_type;
  m.column_type = column_type;
  m.numeric_precision = precision;
  m.numeric_scale = scale;
  return m;
}

MySqlColumnPlan Plan(const MySqlColumnMeta& meta, TypeMode mode = TypeMode::kNative, bool tinyint1_as_int = false,
                     bool time_in_range = true) {
  MySqlMappingOptions options;
  options.mode = mode;
  options.tinyint1_as_int = tinyint1_as_int;
  Result<MySqlColumnPlan> plan = PlanMySqlColumn(meta, options, time_in_range, nullptr);
  EXPECT_TRUE(plan.ok());
  return *plan;
}

// Decodes `values` (nullptr = NULL) as one column, one row each.
Result<ColumnBatch> DecodeColumn(const MySqlColumnPlan& plan, const std::vector<const char*>& values,
                                 std::vector<int64_t>* invalid = nullptr) {
  MySqlRowDecoder decoder({plan});
  ColumnBatch batch(decoder.schema());
  for (const char* v : values) {
    char* fields[1] = {const_cast<char*>(v)};
    unsigned long lengths[1] = {v == nullptr ? 0UL : static_cast<unsigned long>(std::strlen(v))};
    SL_RETURN_NOT_OK(decoder.AppendRow(fields, lengths, &batch));
  }
  if (invalid != nullptr) *invalid = decoder.invalid_dates();
  return batch;
}

TEST(MySqlTypeMapping, NativeTypes) {
  EXPECT_EQ(Plan(Meta("b", "tinyint", "tinyint(1)")).column.type, Type::Boolean());
  EXPECT_EQ(Plan(Meta("b", "tinyint", "tinyint(1)"), TypeMode::kNative, true).column.type, Type::Int8());
  EXPECT_EQ(Plan(Meta("t", "tinyint", "tinyint(4)")).column.type, Type::Int8());
  EXPECT_EQ(Plan(Meta("t", "tinyint", "tinyint(3) unsigned")).column.type, Type::Int16());
  EXPECT_EQ(Plan(Meta("s", "smallint", "smallint(5) unsigned")).column.type, Type::Int32());
  EXPECT_EQ(Plan(Meta("i", "int", "int(10) unsigned")).column.type, Type::Int64());
  EXPECT_EQ(Plan(Meta("u", "bigint", "bigint(20) unsigned")).column.type, Type::Decimal(20, 0));
  EXPECT_EQ(Plan(Meta("d", "decimal", "decimal(12,2)", 12, 2)).column.type, Type::Decimal(12, 2));
  EXPECT_EQ(Plan(Meta("d", "decimal", "decimal(65,30)", 65, 30)).column.type, Type::String());
  EXPECT_EQ(Plan(Meta("f", "float", "float")).select_expr, "`f`+0e0");
  EXPECT_EQ(Plan(Meta("x", "bit", "bit(5)", 5)).column.type, Type::Int64());
  EXPECT_EQ(Plan(Meta("x", "bit", "bit(64)", 64)).column.type, Type::Binary());
  EXPECT_EQ(Plan(Meta("dt", "datetime", "datetime(6)")).column.type, Type::Timestamp(TimeUnit::kMicros, false));
  EXPECT_EQ(Plan(Meta("ts", "timestamp", "timestamp")).column.type, Type::Timestamp(TimeUnit::kMicros, true));
  EXPECT_EQ(Plan(Meta("tm", "time", "time")).column.type, Type::Time(TimeUnit::kMicros, false));
  EXPECT_EQ(Plan(Meta("tm", "time", "time"), TypeMode::kNative, false, false).column.type, Type::String());
  EXPECT_EQ(Plan(Meta("g", "point", "point")).select_expr, "ST_AsBinary(`g`)");
  EXPECT_EQ(Plan(Meta("g", "point", "point")).column.type, Type::Binary());
  EXPECT_EQ(Plan(Meta("e", "enum", "enum('a','b')")).column.type, Type::String());
  EXPECT_EQ(Plan(Meta("v", "varbinary", "varbinary(10)")).column.type, Type::Binary());
  // A zero date in a NOT NULL column still needs a NULL.
  MySqlColumnMeta d = Meta("d", "date", "date");
  d.nullable = false;
  EXPECT_TRUE(Plan(d).column.nullable);
}

TEST(MySqlTypeMapping, RdsTypes) {
  EXPECT_EQ(Plan(Meta("b", "tinyint", "tinyint(1)"), TypeMode::kRds).column.type, Type::Int32());
  EXPECT_EQ(Plan(Meta("s", "smallint", "smallint(6)"), TypeMode::kRds).column.type, Type::Int32());
  EXPECT_EQ(Plan(Meta("m", "mediumint", "mediumint(8) unsigned"), TypeMode::kRds).column.type, Type::Int64());
  EXPECT_EQ(Plan(Meta("f", "float", "float"), TypeMode::kRds).column.type, Type::Double());
  EXPECT_EQ(Plan(Meta("x", "bit", "bit(5)", 5), TypeMode::kRds).column.type, Type::Binary());
  EXPECT_EQ(Plan(Meta("d", "date", "date"), TypeMode::kRds).column.type, Type::String());
  EXPECT_EQ(Plan(Meta("t", "time", "time"), TypeMode::kRds).column.type, Type::String());
  EXPECT_EQ(Plan(Meta("u", "bigint", "bigint(20) unsigned"), TypeMode::kRds).column.type, Type::Decimal(20, 0));
}

TEST(MySqlRowDecoder, CivilDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(1, 1, 1), -719162);
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
}

TEST(MySqlRowDecoder, DatesZeroAndInvalidBecomeNullAndAreCounted) {
  std::vector<int64_t> invalid;
  Result<ColumnBatch> batch = DecodeColumn(Plan(Meta("d", "date", "date")),
                                           {"2024-02-29", "0000-00-00", "2023-02-29", "2024-04-31", "1000-01-01",
                                            nullptr, "2024-00-10"},
                                           &invalid);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  const Column& c = batch->column(0);
  ASSERT_EQ(c.length(), 7);
  EXPECT_EQ(c.Value<int32_t>(0), DaysFromCivil(2024, 2, 29));
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_TRUE(c.IsNull(2));
  EXPECT_TRUE(c.IsNull(3));
  EXPECT_EQ(c.Value<int32_t>(4), DaysFromCivil(1000, 1, 1));
  EXPECT_TRUE(c.IsNull(5));
  EXPECT_TRUE(c.IsNull(6));
  EXPECT_EQ(invalid, std::vector<int64_t>{4});  // NULL itself is not counted
}

TEST(MySqlRowDecoder, DateTimesWithFractions) {
  Result<ColumnBatch> batch = DecodeColumn(Plan(Meta("dt", "datetime", "datetime(6)")),
                                           {"1970-01-01 00:00:01.5", "1969-12-31 23:59:59.999999",
                                            "9999-12-31 23:59:59", "0000-00-00 00:00:00"});
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  const Column& c = batch->column(0);
  EXPECT_EQ(c.Value<int64_t>(0), 1500000);
  EXPECT_EQ(c.Value<int64_t>(1), -1);
  EXPECT_EQ(c.Value<int64_t>(2), (int64_t{2932896} * 86400 + 86399) * 1000000);
  EXPECT_TRUE(c.IsNull(3));
}

TEST(MySqlRowDecoder, DecimalsExact) {
  Result<ColumnBatch> small = DecodeColumn(Plan(Meta("d", "decimal", "decimal(12,2)", 12, 2)),
                                           {"-1234567890.12", "0.05", "7.00"});
  ASSERT_TRUE(small.ok()) << small.status().message();
  EXPECT_EQ(small->column(0).Value<int64_t>(0), -123456789012);
  EXPECT_EQ(small->column(0).Value<int64_t>(1), 5);
  EXPECT_EQ(small->column(0).Value<int64_t>(2), 700);
  Result<ColumnBatch> big = DecodeColumn(Plan(Meta("u", "bigint", "bigint(20) unsigned")),
                                         {"18446744073709551615", "0"});
  ASSERT_TRUE(big.ok()) << big.status().message();
  EXPECT_TRUE(big->column(0).Value<int128_t>(0) == static_cast<int128_t>(UINT64_MAX));
  Result<ColumnBatch> wide = DecodeColumn(Plan(Meta("w", "decimal", "decimal(38,10)", 38, 10)),
                                          {"-9999999999999999999999999999.9999999999"});
  ASSERT_TRUE(wide.ok()) << wide.status().message();
  int128_t expected = 0;
  for (int i = 0; i < 38; ++i) expected = expected * 10 + 9;
  EXPECT_TRUE(wide->column(0).Value<int128_t>(0) == -expected);
}

TEST(MySqlRowDecoder, IntegersBitsFloatsTimes) {
  Result<ColumnBatch> ints = DecodeColumn(Plan(Meta("t", "tinyint", "tinyint(4)")), {"-128", "127"});
  ASSERT_TRUE(ints.ok());
  EXPECT_EQ(ints->column(0).Value<int32_t>(0), -128);
  Result<ColumnBatch> bits = DecodeColumn(Plan(Meta("x", "bit", "bit(16)", 16)), {"\x01\x02"});
  ASSERT_TRUE(bits.ok());
  EXPECT_EQ(bits->column(0).Value<int64_t>(0), 258);
  Result<ColumnBatch> floats = DecodeColumn(Plan(Meta("f", "float", "float")), {"1.2345677614212036", "-3.4028234663852886e38"});
  ASSERT_TRUE(floats.ok());
  EXPECT_EQ(floats->column(0).Value<float>(0), 1.2345678f);
  EXPECT_EQ(floats->column(0).Value<float>(1), -3.40282347e38f);
  Result<ColumnBatch> times = DecodeColumn(Plan(Meta("t", "time", "time(6)")), {"23:59:59.999999", "00:00:00"});
  ASSERT_TRUE(times.ok());
  EXPECT_EQ(times->column(0).Value<int64_t>(0), int64_t{86399999999});
  Result<ColumnBatch> outside = DecodeColumn(Plan(Meta("t", "time", "time")), {"-01:00:00"});
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.status().code(), StatusCode::kCorruption);
}

TEST(MySqlRowDecoder, BooleanOtherThanZeroOrOneFailsWithAdvice) {
  Result<ColumnBatch> ok = DecodeColumn(Plan(Meta("b", "tinyint", "tinyint(1)")), {"0", "1", nullptr});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->column(0).Value<uint8_t>(1), 1);
  EXPECT_TRUE(ok->column(0).IsNull(2));
  Result<ColumnBatch> bad = DecodeColumn(Plan(Meta("b", "tinyint", "tinyint(1)")), {"2"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--tinyint1-as-int"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace snaplake::mysql
