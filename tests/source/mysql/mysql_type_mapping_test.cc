// PlanMySqlColumn: MySQL/MariaDB column types into Parquet types and the
// SELECT expressions that read them, for --types native and rds.
#include <gtest/gtest.h>

#include "source/mysql/mysql_type_mapping.h"
#include "source/mysql/mysql_column_meta.h"

namespace snaplake::mysql {
namespace {

using test_support::Meta;

MySqlColumnPlan Plan(const MySqlColumnMeta& meta, TypeMode mode = TypeMode::kNative, bool tinyint1_as_int = false,
                     bool time_in_range = true) {
  MySqlMappingOptions options;
  options.mode = mode;
  options.tinyint1_as_int = tinyint1_as_int;
  Result<MySqlColumnPlan> plan = PlanMySqlColumn(meta, options, time_in_range, nullptr);
  EXPECT_TRUE(plan.ok());
  return *plan;
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
  EXPECT_EQ(Plan(Meta("f", "float", "float")).select_expr, "`f`");  // the binary protocol sends FLOAT exactly
  EXPECT_EQ(Plan(Meta("f", "float", "float")).column.type, Type::Float());
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

}  // namespace
}  // namespace snaplake::mysql
