// Files of parquet-testing that DuckDB cannot read, checked another way:
// against a sibling file with the same data in a form DuckDB does read (the
// LZ4 variants), against their own duplicate columns (BYTE_STREAM_SPLIT vs
// PLAIN), or against the values their .md documents (map_no_value).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reader_test_support.h"

namespace snaplake::parquet {
namespace {

using testing::json;

// Every row of a file as rendered JSON; fails the test on an error.
std::vector<json> Rows(const std::string& path) {
  std::vector<json> rows;
  auto reader = testing::OpenFile(path);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return rows;
  auto n = testing::ReadAll(reader->get(), [&](const ColumnBatch& batch) {
    for (int64_t r = 0; r < batch.num_rows(); ++r) rows.push_back(testing::RenderRow(batch, r));
  });
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return rows;
}

class SpecialFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::TestDataRoot();
    if (root_.empty()) GTEST_SKIP() << testing::MissingTestDataMessage();
    root_ += "/parquet-testing/data/";
  }
  std::string root_;
};

// Hadoop-framed and bare LZ4 pages hold the same data as the LZ4_RAW files
// (which the conformance test compares with DuckDB).
TEST_F(SpecialFiles, Lz4VariantsEqualTheirLz4RawTwins) {
  const std::vector<json> small = Rows(root_ + "lz4_raw_compressed.parquet");
  ASSERT_EQ(small.size(), 4u);
  EXPECT_EQ(Rows(root_ + "hadoop_lz4_compressed.parquet"), small);
  EXPECT_EQ(Rows(root_ + "non_hadoop_lz4_compressed.parquet"), small);
  const std::vector<json> larger = Rows(root_ + "lz4_raw_compressed_larger.parquet");
  ASSERT_EQ(larger.size(), 10000u);
  EXPECT_EQ(Rows(root_ + "hadoop_lz4_compressed_larger.parquet"), larger);
}

// Each BYTE_STREAM_SPLIT column has a PLAIN twin with the same values, for
// FLOAT16, FLOAT, DOUBLE, INT32, INT64, FIXED_LEN_BYTE_ARRAY and a decimal.
TEST_F(SpecialFiles, ByteStreamSplitEqualsPlain) {
  auto reader = testing::OpenFile(root_ + "byte_stream_split_extended.gzip.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const Schema& schema = (*reader)->schema();
  ASSERT_EQ(schema.num_fields(), 14);
  EXPECT_EQ(schema.fields[0].type, Type::Float());  // FLOAT16 widened
  EXPECT_EQ(schema.fields[12].type.id, TypeId::kDecimal);
  const std::vector<json> rows = Rows(root_ + "byte_stream_split_extended.gzip.parquet");
  ASSERT_EQ(rows.size(), 200u);
  int compared = 0;
  for (const json& row : rows) {
    for (int f = 0; f < schema.num_fields(); f += 2) {
      const std::string plain = schema.fields[f].name;
      ASSERT_EQ(plain.substr(plain.size() - 6), "_plain");
      const std::string split = plain.substr(0, plain.size() - 6) + "_byte_stream_split";
      ASSERT_EQ(schema.fields[f + 1].name, split);
      EXPECT_EQ(row[plain], row[split]) << plain;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 200 * 7);
  // The first row, as arrow-rs reads it (FLOAT16 18727 is 10.3046875).
  EXPECT_EQ(rows[0]["float16_plain"], 10.3046875);
  EXPECT_EQ(rows[0]["int64_plain"], "293650000000");
  EXPECT_EQ(rows[0]["flba5_plain"], "03795");
  EXPECT_EQ(rows[0]["decimal_plain"], "1003.858");
}

// map_no_value.md: a MAP whose key_value group has no value column reads as a
// list of its keys, like the equivalent LIST column beside it.
TEST_F(SpecialFiles, MapWithoutValuesIsAListOfKeys) {
  auto reader = testing::OpenFile(root_ + "map_no_value.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const Schema& schema = (*reader)->schema();
  ASSERT_EQ(schema.num_fields(), 3);
  EXPECT_EQ(schema.fields[0].type, Type::Map(Field{"key", Type::Int32(), false}, Field{"value", Type::Int32(), true}));
  EXPECT_EQ(schema.fields[1].type, Type::List(Field{"element", Type::Int32(), false}));
  EXPECT_EQ(schema.fields[1].type, schema.fields[2].type);
  const std::vector<json> rows = Rows(root_ + "map_no_value.parquet");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], json::parse(R"({"my_map":[{"key":1,"value":null},{"key":2,"value":null},{"key":3,"value":null}],
                                     "my_map_no_v":[1,2,3],"my_list":[1,2,3]})"));
  EXPECT_EQ(rows[2]["my_map_no_v"], json::parse("[7,8,9]"));
  for (const json& row : rows) EXPECT_EQ(row["my_map_no_v"], row["my_list"]);
}

}  // namespace
}  // namespace snaplake::parquet
