// Record assembly from hand-built files: every legacy list layout of
// LogicalTypes.md's backward-compatibility rules, and NULLs at every level of
// nesting (struct, list, element, member, map, map value), read whole and in
// batches that cut through records.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reader_file_builder.h"
#include "reader_test_support.h"

namespace snaplake::parquet {
namespace {

using testing::FileBuilder;
using testing::Group;
using testing::json;
using testing::kOptional;
using testing::kRepeated;
using testing::kRequired;
using testing::Leaf;
using testing::PlainInt32s;
using testing::PlainStrings;
using testing::Root;

class InMemoryFile : public RandomAccessFile {
 public:
  InMemoryFile(std::string bytes, std::string path) : bytes_(std::move(bytes)), path_(std::move(path)) {}
  int64_t Size() const override { return static_cast<int64_t>(bytes_.size()); }
  Status ReadAt(int64_t offset, size_t n, uint8_t* out) const override {
    if (offset < 0 || offset > Size() || static_cast<int64_t>(n) > Size() - offset) {
      return Status::IOError("read past the end");
    }
    std::memcpy(out, bytes_.data() + offset, n);
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string bytes_;
  std::string path_;
};

// Reads every row of `bytes` as rendered JSON, batch_rows at a time.
std::vector<json> ReadRows(const std::string& bytes, int64_t batch_rows, Schema* schema = nullptr) {
  ReaderOptions options;
  options.batch_rows = batch_rows;
  auto reader = ParquetReader::Open(std::make_shared<InMemoryFile>(bytes, "test.parquet"), options);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  if (schema) *schema = (*reader)->schema();
  std::vector<json> rows;
  auto n = testing::ReadAll(reader->get(), [&](const ColumnBatch& batch) {
    for (int64_t r = 0; r < batch.num_rows(); ++r) rows.push_back(testing::RenderRow(batch, r));
  });
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return rows;
}

void ExpectRows(const std::string& bytes, const std::vector<std::string>& expected) {
  for (int64_t batch_rows : {1, 2, 3, 1000}) {
    std::vector<json> rows = ReadRows(bytes, batch_rows);
    ASSERT_EQ(rows.size(), expected.size()) << "batch_rows " << batch_rows;
    for (size_t r = 0; r < rows.size(); ++r) {
      EXPECT_EQ(rows[r], json::parse(expected[r])) << "row " << r << " with batch_rows " << batch_rows;
    }
  }
}

TEST(ReaderLegacyLists, EveryBackwardCompatibilityRule) {
  FileBuilder b;
  b.num_rows = 4;
  b.schema = {
      Root(7),
      // Rule 1: the repeated field is a primitive: it is the (required) element.
      Group("a", kOptional, 1, ConvertedType::kList),
      Leaf("element", kRepeated, PhysicalType::kInt32),
      // Rule 4: a one-field group named "array" is the element.
      Group("b", kOptional, 1, ConvertedType::kList),
      Group("array", kRepeated, 1),
      Leaf("str", kRequired, PhysicalType::kByteArray, ConvertedType::kUtf8),
      // Rule 4: a one-field group named "<list>_tuple" is the element.
      Group("c", kOptional, 1, ConvertedType::kList),
      Group("c_tuple", kRepeated, 1),
      Leaf("x", kRequired, PhysicalType::kInt32),
      // Rule 2: a group of several fields is the element.
      Group("d", kOptional, 1, ConvertedType::kList),
      Group("element", kRepeated, 2),
      Leaf("x", kRequired, PhysicalType::kInt32),
      Leaf("y", kRequired, PhysicalType::kInt32),
      // Rule 5: the standard 3-level list, nullable elements.
      Group("e", kOptional, 1, ConvertedType::kList),
      Group("list", kRepeated, 1),
      Leaf("element", kOptional, PhysicalType::kInt32),
      // Rule 3: the repeated group's single field is repeated: a list of lists.
      Group("f", kOptional, 1, ConvertedType::kList),
      Group("array", kRepeated, 1, ConvertedType::kList),
      Leaf("array", kRepeated, PhysicalType::kInt32),
      // A repeated field outside any LIST: a required list of required elements.
      Leaf("r", kRepeated, PhysicalType::kInt32),
  };
  b.columns = {
      {2, 1, {2, 2, 0, 1, 2}, {0, 1, 0, 0, 0}, PlainInt32s({1, 2, 3})},
      {2, 1, {2, 2, 1, 0, 2}, {0, 1, 0, 0, 0}, PlainStrings({"x", "y", "z"})},
      {2, 1, {2, 0, 2, 2, 1}, {0, 0, 0, 1, 0}, PlainInt32s({1, 2, 3})},
      {2, 1, {2, 1, 2, 2, 0}, {0, 0, 0, 1, 0}, PlainInt32s({1, 2, 3})},
      {2, 1, {2, 1, 2, 2, 0}, {0, 0, 0, 1, 0}, PlainInt32s({10, 20, 30})},
      {3, 1, {3, 2, 0, 1, 2}, {0, 1, 0, 0, 0}, PlainInt32s({1})},
      {3, 2, {3, 3, 3, 2, 0, 1}, {0, 2, 1, 0, 0, 0}, PlainInt32s({1, 2, 3})},
      {1, 1, {1, 1, 0, 1, 0}, {0, 1, 0, 0, 0}, PlainInt32s({1, 2, 3})},
  };
  const std::string bytes = b.Build();

  Schema schema;
  ReadRows(bytes, 10, &schema);
  ASSERT_EQ(schema.num_fields(), 7);
  const Type int_list = Type::List(Field{"element", Type::Int32(), false});
  EXPECT_EQ(schema.fields[0], (Field{"a", int_list, true}));
  EXPECT_EQ(schema.fields[1].type,
            Type::List(Field{"element", Type::Struct({Field{"str", Type::String(), false}}), false}));
  EXPECT_EQ(schema.fields[2].type, Type::List(Field{"element", Type::Struct({Field{"x", Type::Int32(), false}}), false}));
  EXPECT_EQ(schema.fields[3].type,
            Type::List(Field{"element",
                             Type::Struct({Field{"x", Type::Int32(), false}, Field{"y", Type::Int32(), false}}), false}));
  EXPECT_EQ(schema.fields[4].type, Type::List(Field{"element", Type::Int32(), true}));
  EXPECT_EQ(schema.fields[5].type, Type::List(Field{"element", int_list, false}));
  EXPECT_EQ(schema.fields[6], (Field{"r", int_list, false}));

  ExpectRows(bytes, {
      R"({"a":[1,2],"b":[{"str":"x"},{"str":"y"}],"c":[{"x":1}],"d":[{"x":1,"y":10}],"e":[1,null],"f":[[1,2],[3]],"r":[1,2]})",
      R"({"a":null,"b":[],"c":null,"d":[],"e":null,"f":[[]],"r":[]})",
      R"({"a":[],"b":null,"c":[{"x":2},{"x":3}],"d":[{"x":2,"y":20},{"x":3,"y":30}],"e":[],"f":null,"r":[3]})",
      R"({"a":[3],"b":[{"str":"z"}],"c":[],"d":null,"e":[null],"f":[],"r":[]})",
  });
}

TEST(ReaderNulls, AtEveryNestingLevel) {
  FileBuilder b;
  b.num_rows = 6;
  b.schema = {
      Root(2),
      Group("s", kOptional, 1),
      Group("l", kOptional, 1, ConvertedType::kList),
      Group("list", kRepeated, 1),
      Group("element", kOptional, 1),
      Leaf("v", kOptional, PhysicalType::kInt32),
      Group("m", kOptional, 1, ConvertedType::kMap),
      Group("key_value", kRepeated, 2),
      Leaf("key", kRequired, PhysicalType::kByteArray, ConvertedType::kUtf8),
      Leaf("value", kOptional, PhysicalType::kInt32),
  };
  b.columns = {
      // s.l.list.element.v: s null, l null, l empty, element null, v null, then values.
      {5, 1, {0, 1, 2, 3, 4, 5, 3, 5}, {0, 0, 0, 0, 0, 0, 1, 1}, PlainInt32s({7, 8})},
      // m: null, {}, {a: null}, {b: 1, c: 2}, null, {}
      {2, 1, {0, 1, 2, 2, 2, 0, 1}, {0, 0, 0, 0, 1, 0, 0}, PlainStrings({"a", "b", "c"})},
      {3, 1, {0, 1, 2, 3, 3, 0, 1}, {0, 0, 0, 0, 1, 0, 0}, PlainInt32s({1, 2})},
  };
  const std::string bytes = b.Build();
  ExpectRows(bytes, {
      R"({"s":null,"m":null})",
      R"({"s":{"l":null},"m":[]})",
      R"({"s":{"l":[]},"m":[{"key":"a","value":null}]})",
      R"({"s":{"l":[null]},"m":[{"key":"b","value":1},{"key":"c","value":2}]})",
      R"({"s":{"l":[{"v":null}]},"m":null})",
      R"({"s":{"l":[{"v":7},null,{"v":8}]},"m":[]})",
  });

  // The Column layout contract: a NULL struct's members are NULL at its slot,
  // NULL and empty lists occupy no child slots, NULL values are zeroed.
  auto reader = ParquetReader::Open(std::make_shared<InMemoryFile>(bytes, "t.parquet"));
  ASSERT_TRUE(reader.ok());
  ColumnBatch batch;
  ASSERT_TRUE((*reader)->Next(&batch).ValueOr(false));
  const Column& s = batch.column(0);
  ASSERT_EQ(s.length(), 6);
  EXPECT_EQ(s.null_count(), 1);
  EXPECT_TRUE(s.IsNull(0));
  const Column& l = s.child(0);
  EXPECT_TRUE(l.IsNull(0));
  EXPECT_TRUE(l.IsNull(1));
  EXPECT_EQ(l.offsets(), (std::vector<int64_t>{0, 0, 0, 0, 1, 2, 5}));
  const Column& element = l.child(0);
  ASSERT_EQ(element.length(), 5);
  EXPECT_EQ(element.null_count(), 2);
  const Column& v = element.child(0);
  EXPECT_EQ(v.length(), 5);
  EXPECT_EQ(v.null_count(), 3);
  EXPECT_EQ(v.Value<int32_t>(0), 0);
  EXPECT_EQ(v.Value<int32_t>(2), 7);
  EXPECT_EQ(v.Value<int32_t>(3), 0);
  EXPECT_EQ(v.Value<int32_t>(4), 8);
  const Column& m = batch.column(1);
  EXPECT_EQ(m.type(), Type::Map(Field{"key", Type::String(), false}, Field{"value", Type::Int32(), true}));
  EXPECT_EQ(m.offsets(), (std::vector<int64_t>{0, 0, 0, 1, 3, 3, 3}));
  EXPECT_EQ(m.child(0).StringValue(2), "c");
}

// Levels that contradict the schema or each other are Corruption, not UB.
TEST(ReaderNulls, ContradictoryLevelsAreCorruption) {
  FileBuilder b;
  b.num_rows = 2;
  b.schema = {Root(1), Group("e", kOptional, 1, ConvertedType::kList), Group("list", kRepeated, 1),
              Leaf("element", kOptional, PhysicalType::kInt32)};
  // Row 0 is an empty list (def 1), yet the next entry (rep 1) adds an element to it.
  b.columns = {{3, 1, {1, 3, 3}, {0, 1, 0}, PlainInt32s({1, 2})}};
  auto reader = ParquetReader::Open(std::make_shared<InMemoryFile>(b.Build(), "bad.parquet"));
  ASSERT_TRUE(reader.ok());
  ColumnBatch batch;
  auto next = (*reader)->Next(&batch);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(next.status().message(),
            "bad.parquet: column 'e.list.element': levels put an element into a NULL or empty list");
}

}  // namespace
}  // namespace snaplake::parquet
