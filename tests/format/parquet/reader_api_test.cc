// ParquetReader's API: projection (and that unprojected bytes are never
// read), files without rows, batch reuse, INT96 units, and the wording of
// errors (one line, naming the file, the column and the page).

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <utility>
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

// An in-memory file that records every range read from it.
class RecordingFile : public RandomAccessFile {
 public:
  RecordingFile(std::string bytes, std::string path) : bytes_(std::move(bytes)), path_(std::move(path)) {}
  int64_t Size() const override { return static_cast<int64_t>(bytes_.size()); }
  Status ReadAt(int64_t offset, size_t n, uint8_t* out) const override {
    if (offset < 0 || offset > Size() || static_cast<int64_t>(n) > Size() - offset) {
      return Status::IOError("read past the end of " + path_);
    }
    reads_.push_back({offset, static_cast<int64_t>(n)});
    std::memcpy(out, bytes_.data() + offset, n);
    return Status::OK();
  }
  const std::string& path() const override { return path_; }
  const std::vector<std::pair<int64_t, int64_t>>& reads() const { return reads_; }

 private:
  std::string bytes_;
  std::string path_;
  mutable std::vector<std::pair<int64_t, int64_t>> reads_;
};

// Three columns: a INT32 required, b STRING optional, c LIST<INT32>.
FileBuilder ThreeColumns() {
  FileBuilder b;
  b.num_rows = 3;
  b.schema = {Root(3),
              Leaf("a", kRequired, PhysicalType::kInt32),
              Leaf("b", kOptional, PhysicalType::kByteArray, ConvertedType::kUtf8),
              Group("c", kOptional, 1, ConvertedType::kList),
              Group("list", kRepeated, 1),
              Leaf("element", kRequired, PhysicalType::kInt32)};
  b.columns = {
      {0, 0, {}, {}, PlainInt32s({10, 20, 30})},
      {1, 0, {1, 0, 1}, {}, PlainStrings({"one", "three"})},
      {2, 1, {2, 2, 1, 0}, {0, 1, 0, 0}, PlainInt32s({5, 6})},
  };
  return b;
}

std::vector<json> ReadAllRows(ParquetReader* reader) {
  std::vector<json> rows;
  auto n = testing::ReadAll(reader, [&](const ColumnBatch& batch) {
    for (int64_t r = 0; r < batch.num_rows(); ++r) rows.push_back(testing::RenderRow(batch, r));
  });
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return rows;
}

TEST(ReaderProjection, ReadsOnlyTheAskedColumnsInTheAskedOrder) {
  const std::string bytes = ThreeColumns().Build();
  auto file = std::make_shared<RecordingFile>(bytes, "three.parquet");
  ReaderOptions options;
  options.columns = {"c", "a"};
  auto reader = ParquetReader::Open(file, options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->schema().num_fields(), 3);
  ASSERT_EQ((*reader)->projected_schema().num_fields(), 2);
  EXPECT_EQ((*reader)->projected_schema().fields[0].name, "c");
  EXPECT_EQ((*reader)->projected_schema().fields[1].name, "a");
  std::vector<json> rows = ReadAllRows(reader->get());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], json::parse(R"({"c":[5,6],"a":10})"));
  EXPECT_EQ(rows[1], json::parse(R"({"c":[],"a":20})"));
  EXPECT_EQ(rows[2], json::parse(R"({"c":null,"a":30})"));

  // Column b's chunk is never touched.
  const ColumnMetaData& md = *(*reader)->metadata().row_groups[0].columns[1].meta_data;
  const int64_t b_begin = md.data_page_offset;
  const int64_t b_end = b_begin + md.total_compressed_size;
  for (const auto& [offset, n] : file->reads()) {
    EXPECT_TRUE(offset + n <= b_begin || offset >= b_end)
        << "read [" << offset << ", " << offset + n << ") overlaps column b at [" << b_begin << ", " << b_end << ")";
  }
}

TEST(ReaderProjection, UnknownOrRepeatedNamesAreRefused) {
  const std::string bytes = ThreeColumns().Build();
  ReaderOptions options;
  options.columns = {"a", "zz"};
  auto reader = ParquetReader::Open(std::make_shared<RecordingFile>(bytes, "three.parquet"), options);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reader.status().message(), "three.parquet: no column named 'zz'; the file has: a, b, c");

  options.columns = {"b", "b"};
  reader = ParquetReader::Open(std::make_shared<RecordingFile>(bytes, "three.parquet"), options);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
}

TEST(ReaderEmpty, FileWithoutRowGroups) {
  FileBuilder b = ThreeColumns();
  b.num_rows = 0;
  b.with_row_group = false;
  auto reader = ParquetReader::Open(std::make_shared<RecordingFile>(b.Build(), "empty.parquet"));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->num_rows(), 0);
  EXPECT_EQ((*reader)->num_row_groups(), 0);
  EXPECT_EQ((*reader)->schema().num_fields(), 3);
  ColumnBatch batch;
  auto next = (*reader)->Next(&batch);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(*next);
  EXPECT_EQ(batch.schema(), (*reader)->projected_schema());
  EXPECT_EQ(batch.num_rows(), 0);
}

TEST(ReaderEmpty, RowGroupOfZeroRows) {
  FileBuilder b = ThreeColumns();
  b.num_rows = 0;
  b.columns = {{0, 0, {}, {}, ""}, {1, 0, {}, {}, ""}, {2, 1, {}, {}, ""}};
  auto reader = ParquetReader::Open(std::make_shared<RecordingFile>(b.Build(), "zero.parquet"));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->num_row_groups(), 1);
  EXPECT_TRUE(ReadAllRows(reader->get()).empty());
}

TEST(ReaderBatches, ReuseTheBatchAndReinitialiseAForeignOne) {
  ReaderOptions options;
  options.batch_rows = 2;
  auto reader = ParquetReader::Open(std::make_shared<RecordingFile>(ThreeColumns().Build(), "t.parquet"), options);
  ASSERT_TRUE(reader.ok());
  ColumnBatch batch(Schema{{Field{"other", Type::Double(), true}}});
  ASSERT_TRUE((*reader)->Next(&batch).ValueOr(false));
  EXPECT_EQ(batch.schema(), (*reader)->projected_schema());
  EXPECT_EQ(batch.num_rows(), 2);
  ASSERT_TRUE((*reader)->Next(&batch).ValueOr(false));
  EXPECT_EQ(batch.num_rows(), 1);
  EXPECT_TRUE(batch.Validate());
  EXPECT_EQ(batch.column(0).Value<int32_t>(0), 30);
  EXPECT_FALSE((*reader)->Next(&batch).ValueOr(true));
}

TEST(ReaderErrors, NameTheFileColumnAndPage) {
  FileBuilder b = ThreeColumns();
  b.columns[1].compressed_size_delta = 1000;
  const std::string bytes = b.Build();
  auto reader = ParquetReader::Open(std::make_shared<RecordingFile>(bytes, "data.parquet"));
  ASSERT_TRUE(reader.ok());
  const ColumnMetaData& md = *(*reader)->metadata().row_groups[0].columns[1].meta_data;
  ColumnBatch batch;
  auto next = (*reader)->Next(&batch);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kCorruption);
  const std::string& msg = next.status().message();
  const std::string expected_prefix = "data.parquet: column 'b' page at offset " + std::to_string(md.data_page_offset) +
                                      ": compressed size ";
  EXPECT_EQ(msg.rfind(expected_prefix, 0), 0u) << msg;
  EXPECT_NE(msg.find("exceeds the column chunk"), std::string::npos) << msg;
  // The reader stays failed rather than reading on from a broken state.
  EXPECT_FALSE((*reader)->Next(&batch).ok());
}

TEST(ReaderErrors, NotParquetTruncatedEncrypted) {
  auto open = [](std::string bytes) {
    return ParquetReader::Open(std::make_shared<RecordingFile>(std::move(bytes), "x.parquet")).status();
  };
  Status st = open("PAR1");
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message(), "x.parquet: is 4 bytes, too small to be a Parquet file");

  st = open("hello, this is not a parquet file");
  EXPECT_EQ(st.message(), "x.parquet: not a Parquet file (it does not end with PAR1)");

  std::string good = ThreeColumns().Build();
  std::string truncated = good.substr(0, 4) + good.substr(good.size() - 8);  // a footer length pointing before the file
  st = open(truncated);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("x.parquet: footer length"), std::string::npos) << st.message();

  FileBuilder b = ThreeColumns();
  b.magic = "PARE";
  st = open(b.Build());
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented);
  EXPECT_EQ(st.message(), "x.parquet is encrypted; encrypted Parquet files are not supported");

  // A footer that is not Thrift.
  std::string garbage = good;
  const size_t footer_start = garbage.size() - 8 - 20;
  for (size_t i = footer_start; i < garbage.size() - 8; ++i) garbage[i] = '\xff';
  st = open(garbage);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message().rfind("x.parquet: ", 0), 0u) << st.message();
}

TEST(ReaderInt96, NanosByDefaultMicrosOnRequest) {
  const std::string root = testing::TestDataRoot();
  if (root.empty()) GTEST_SKIP() << testing::MissingTestDataMessage();
  const std::string path = root + "/parquet-testing/data/int96_from_spark.parquet";

  // The file's values as microseconds (from its .md), the fifth is NULL.
  const std::vector<int64_t> micros = {1704141296123456, 1704070800000000, 253402225200000000, 1735599600000000, 0,
                                       9089380393200000000};
  ReaderOptions options;
  options.int96_unit = TimeUnit::kMicros;
  auto reader = testing::OpenFile(path, options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->schema().fields[0].type, Type::Timestamp(TimeUnit::kMicros, false));
  ColumnBatch batch;
  ASSERT_TRUE((*reader)->Next(&batch).ValueOr(false));
  const Column& a = batch.column(0);
  ASSERT_EQ(a.length(), 6);
  for (int64_t i = 0; i < 6; ++i) {
    if (i == 4) {
      EXPECT_TRUE(a.IsNull(i));
    } else {
      EXPECT_EQ(a.Value<int64_t>(i), micros[i]) << "row " << i;
    }
  }

  // As nanoseconds, year 9999 does not fit: a clear error, not a wrapped value.
  reader = testing::OpenFile(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->schema().fields[0].type, Type::Timestamp(TimeUnit::kNanos, false));
  auto next = (*reader)->Next(&batch);
  ASSERT_FALSE(next.ok());
  EXPECT_NE(next.status().message().find("does not fit TIMESTAMP(NANOS); read with ReaderOptions::int96_unit"),
            std::string::npos)
      << next.status().message();
}

}  // namespace
}  // namespace snaplake::parquet
