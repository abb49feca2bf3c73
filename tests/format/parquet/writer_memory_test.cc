// Parquet writer memory: what an open writer holds stays within its
// row_group_bytes (plus one page of scratch), whatever the data looks like.
//
// Heap in use is read from glibc (mallinfo2: bytes in allocated chunks, mmap'd
// ones included), so the figures are the allocator's, not the writer's own
// bookkeeping. Under a sanitizer's allocator mallinfo2 reports nothing; the
// tests then skip.
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <memory>
#include <string>

#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_writer.h"
#include "storage/local_file_system.h"
#include "testing/test_env.h"

namespace snaplake::parquet {
namespace {

int64_t HeapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<int64_t>(info.uordblks + info.hblkhd);
}

// True when mallinfo2 sees allocations (not under ASan and the like).
bool HeapIsMeasurable() {
  const int64_t before = HeapInUse();
  auto block = std::make_unique<char[]>(size_t{8} << 20);
  block[0] = 1;
  const int64_t during = HeapInUse();
  return during - before >= (int64_t{8} << 20);
}

constexpr int64_t kMiB = int64_t{1} << 20;

// Reads the file back, calling visit(batch, first_row) for every batch.
template <typename Visit>
int64_t ReadBack(FileSystem& fs, const std::string& path, Visit visit) {
  auto file = fs.OpenRead(path);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return -1;
  auto reader = ParquetReader::Open(std::shared_ptr<RandomAccessFile>(std::move(*file)));
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return -1;
  ColumnBatch batch;
  int64_t rows = 0;
  for (;;) {
    auto more = (*reader)->Next(&batch);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    visit(batch, rows);
    rows += batch.num_rows();
  }
  return rows;
}
// Outside row_group_bytes an open writer keeps one page of assembly scratch
// per thread (levels + values, compressed) and its compressor's state.
constexpr int64_t kScratchAllowance = 6 * kMiB;

// Few distinct values per column: dictionary indices of 2 bits, so a page's
// encoded bytes are tiny next to the indices it buffers until it closes.
Schema LowCardinalitySchema(int columns) {
  Schema s;
  for (int c = 0; c < columns; ++c) s.fields.push_back({"c" + std::to_string(c), Type::Int32(), true});
  return s;
}

void FillLowCardinality(int64_t first_row, int64_t rows, ColumnBatch* batch) {
  batch->Clear();
  for (int c = 0; c < batch->num_columns(); ++c) {
    Column& column = batch->mutable_column(c);
    for (int64_t r = first_row; r < first_row + rows; ++r) {
      if ((r + c) % 97 == 0) {
        column.AppendNull();
      } else {
        column.Append<int32_t>(static_cast<int32_t>((r / (c + 1)) % 4));
      }
    }
  }
}

TEST(ParquetWriterMemory, LowCardinalityColumnsStayWithinTheRowGroupBudget) {
  if (!HeapIsMeasurable()) GTEST_SKIP() << "mallinfo2 does not see this allocator (sanitizer build?)";
  TempDir dir;
  LocalFileSystem fs(false);
  ColumnBatch batch(LowCardinalitySchema(12));
  FillLowCardinality(0, 8192, &batch);  // the batch's own buffers exist before the baseline
  WriterOptions options;
  options.compression = CompressionCodec::kGzip;
  options.row_group_bytes = 16 * kMiB;  // 12 columns x 1 MiB pages fit: not the lean mode
  const int64_t baseline = HeapInUse();
  auto writer = ParquetWriter::Open(*fs.OpenWrite(dir.Path("low.parquet")), batch.schema(), options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  int64_t peak = 0;
  const int64_t rows = 3'000'000;
  for (int64_t first = 0; first < rows; first += 8192) {
    FillLowCardinality(first, std::min<int64_t>(8192, rows - first), &batch);
    ASSERT_TRUE((*writer)->Write(batch).ok());
    peak = std::max(peak, HeapInUse() - baseline);
  }
  ASSERT_TRUE((*writer)->Finish().ok());
  // Buffered as 4-byte indices, a page of 2-bit indices held 16x its encoded
  // size: 12 columns held about 50 MiB while their output was under 1 MiB.
  EXPECT_LE(peak, options.row_group_bytes + kScratchAllowance) << "peak heap " << peak / kMiB << " MiB";

  int64_t mismatches = 0;
  const int64_t read = ReadBack(fs, dir.Path("low.parquet"), [&](const ColumnBatch& b, int64_t first) {
    for (int c = 0; c < b.num_columns(); ++c) {
      for (int64_t i = 0; i < b.num_rows(); ++i) {
        const int64_t r = first + i;
        const bool null = (r + c) % 97 == 0;
        if (b.column(c).IsNull(i) != null ||
            (!null && b.column(c).Value<int32_t>(i) != static_cast<int32_t>((r / (c + 1)) % 4))) {
          ++mismatches;
        }
      }
    }
  });
  EXPECT_EQ(read, rows);
  EXPECT_EQ(mismatches, 0);
}

TEST(ParquetWriterMemory, AHugeValueDoesNotPinItsMemory) {
  if (!HeapIsMeasurable()) GTEST_SKIP() << "mallinfo2 does not see this allocator (sanitizer build?)";
  TempDir dir;
  LocalFileSystem fs(false);
  Schema schema;
  schema.fields = {{"id", Type::Int64(), false}, {"a", Type::String(), true}, {"b", Type::String(), true}};
  ColumnBatch batch(schema);
  auto fill = [&](int64_t first, int64_t huge_bytes) {
    batch.Clear();
    for (int64_t r = first; r < first + 4096; ++r) {
      batch.mutable_column(0).Append<int64_t>(r);
      std::string text = "row " + std::to_string(r * 7919 % 100003);
      if (r == first && huge_bytes > 0) text.assign(static_cast<size_t>(huge_bytes), 'x');
      batch.mutable_column(1).AppendString(text);
      batch.mutable_column(2).AppendString(text);
    }
  };
  WriterOptions options;
  options.compression = CompressionCodec::kGzip;
  options.row_group_bytes = 8 * kMiB;
  const int64_t huge = 48 * kMiB;
  fill(0, 0);
  auto writer = ParquetWriter::Open(*fs.OpenWrite(dir.Path("huge.parquet")), schema, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Write(batch).ok());
  fill(4096, huge);
  ASSERT_TRUE((*writer)->Write(batch).ok());
  // The batch lets go of the huge value before the baseline.
  batch.mutable_column(1).mutable_data().Release();
  batch.mutable_column(2).mutable_data().Release();
  fill(8192, 0);
  const int64_t baseline = HeapInUse();
  int64_t after = 0;
  for (int64_t first = 8192; first < 8192 + 40 * 4096; first += 4096) {
    fill(first, 0);
    ASSERT_TRUE((*writer)->Write(batch).ok());
    after = std::max(after, HeapInUse() - baseline);
  }
  // The row group that held the value is long written; kept scratch of its
  // size (page buffers, dictionary, compressor output) would show as 100+ MiB.
  EXPECT_LE(after, options.row_group_bytes + kScratchAllowance) << "heap held " << after / kMiB << " MiB";
  ASSERT_TRUE((*writer)->Finish().ok());

  int64_t huge_values = 0, mismatches = 0;
  const int64_t read = ReadBack(fs, dir.Path("huge.parquet"), [&](const ColumnBatch& b, int64_t first) {
    for (int64_t i = 0; i < b.num_rows(); ++i) {
      const int64_t r = first + i;
      if (b.column(0).Value<int64_t>(i) != r) ++mismatches;
      const std::string_view a = b.column(1).StringValue(i);
      if (r == 4096) {
        huge_values += a.size() == static_cast<size_t>(huge) && a.find_first_not_of('x') == std::string_view::npos;
      } else if (a != "row " + std::to_string(r * 7919 % 100003)) {
        ++mismatches;
      }
    }
  });
  EXPECT_EQ(read, 8192 + 40 * 4096);
  EXPECT_EQ(huge_values, 1);
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace snaplake::parquet
