// libFuzzer target: any bytes, taken as a Parquet file, are opened and read
// to the end (up to kMaxRows rows: a tiny file may legally claim billions of
// rows of RLE-encoded values). The reader must return an error or batches,
// and every batch must satisfy the Column contract (checked here in depth):
// no crash, no sanitizer report, no hang, no runaway allocation.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "format/column_batch.h"
#include "format/parquet/parquet_reader.h"

namespace {

using snaplake::Column;
using snaplake::ColumnBatch;
using snaplake::Status;
using snaplake::TypeId;

constexpr int64_t kMaxRows = int64_t{1} << 20;

class MemoryFile : public snaplake::RandomAccessFile {
 public:
  MemoryFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  int64_t Size() const override { return static_cast<int64_t>(size_); }
  Status ReadAt(int64_t offset, size_t n, uint8_t* out) const override {
    if (offset < 0 || static_cast<uint64_t>(offset) > size_ || n > size_ - static_cast<size_t>(offset)) {
      return Status::IOError("read past the end of fuzz.parquet");
    }
    if (n > 0) std::memcpy(out, data_ + offset, n);
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

 private:
  const uint8_t* data_;
  size_t size_;
  std::string path_ = "fuzz.parquet";
};

[[noreturn]] void Broken(const char* what) {
  std::fprintf(stderr, "reader produced an inconsistent Column: %s\n", what);
  std::abort();
}

// Checks the layout column_batch.h promises, recursively.
void CheckColumn(const Column& c) {
  const int64_t n = c.length();
  if (n < 0 || c.null_count() < 0 || c.null_count() > n) Broken("length or null count");
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) nulls += c.IsNull(i);
  if (nulls != c.null_count()) Broken("null count differs from validity");
  const int width = c.type().value_width();
  if (width > 0 && c.values().size() != static_cast<size_t>(n) * width) Broken("values size");
  if (width > 0) {
    for (int64_t i = 0; i < n; ++i) {
      if (!c.IsNull(i)) continue;
      for (int b = 0; b < width; ++b) {
        if (c.values().data()[i * width + b] != 0) Broken("a NULL value is not zeroed");
      }
    }
  }
  const TypeId id = c.type().id;
  const bool has_offsets = c.type().is_variable_width() || id == TypeId::kList || id == TypeId::kMap;
  if (has_offsets) {
    const auto& off = c.offsets();
    if (off.size() != static_cast<size_t>(n) + 1 || off[0] != 0) Broken("offsets size");
    for (int64_t i = 0; i < n; ++i) {
      if (off[i + 1] < off[i]) Broken("offsets decrease");
      if (c.IsNull(i) && off[i + 1] != off[i]) Broken("a NULL slot is not empty");
    }
    const int64_t end = off[n];
    if (c.type().is_variable_width() && end != static_cast<int64_t>(c.data().size())) Broken("data size");
    for (size_t k = 0; k < c.num_children(); ++k) {
      if (c.child(k).length() != end) Broken("child length differs from offsets");
      CheckColumn(c.child(k));
    }
  }
  if (id == TypeId::kStruct) {
    for (size_t k = 0; k < c.num_children(); ++k) {
      if (c.child(k).length() != n) Broken("struct member length");
      for (int64_t i = 0; i < n; ++i) {
        if (c.IsNull(i) && c.child(k).IsValid(i)) Broken("a NULL struct has a non-NULL member");
      }
      CheckColumn(c.child(k));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = std::make_shared<MemoryFile>(data, size);
  snaplake::parquet::ReaderOptions options;
  options.batch_rows = 1000;
  options.max_decoded_bytes = int64_t{64} << 20;  // keeps the fuzzer well under its RSS limit
  auto reader = snaplake::parquet::ParquetReader::Open(file, options);
  if (!reader.ok()) return 0;
  ColumnBatch batch;
  int64_t rows = 0;
  while (rows < kMaxRows) {
    auto more = (*reader)->Next(&batch);
    if (!more.ok() || !*more) break;
    std::string why;
    if (!batch.Validate(&why)) Broken(why.c_str());
    for (int c = 0; c < batch.num_columns(); ++c) CheckColumn(batch.column(c));
    rows += batch.num_rows();
  }
  return 0;
}
