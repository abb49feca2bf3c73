#include "format/parquet/parquet_reader.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "format/parquet/reader/column_chunk_reader.h"
#include "format/parquet/reader/footer.h"
#include "format/parquet/reader/record_assembler.h"
#include "format/parquet/reader/schema_converter.h"

namespace snaplake::parquet {

namespace {

// parquet-mr before 1.2.9 left the dictionary page header out of a chunk's
// total_compressed_size (PARQUET-816, IMPALA-694); such chunks are read with
// up to this many extra bytes.
constexpr int64_t kDictionaryHeaderPadding = 100;

bool WriterOmitsDictionaryHeaderSize(const std::optional<std::string>& created_by) {
  if (!created_by || created_by->rfind("parquet-mr", 0) != 0) return false;
  int major = 0, minor = 0, patch = 0;
  const size_t at = created_by->find(" version ");
  if (at == std::string::npos ||
      std::sscanf(created_by->c_str() + at + 9, "%d.%d.%d", &major, &minor, &patch) < 2) {
    return true;  // no version: an old one
  }
  if (major != 1) return major < 1;
  if (minor != 2) return minor < 2;
  return patch < 9;
}

}  // namespace

class ParquetFileReader {
 public:
  ParquetFileReader(std::shared_ptr<RandomAccessFile> file, ReaderOptions options)
      : file_(std::move(file)), options_(std::move(options)) {}

  Status Open();
  // After an error the reader stays failed: a half-read batch leaves the
  // column readers between records.
  Result<bool> Next(ColumnBatch* batch) {
    if (!failed_.ok()) return failed_;
    Result<bool> more = NextBatch(batch);
    if (!more.ok()) failed_ = more.status();
    return more;
  }

  const FileMetaData& metadata() const { return metadata_; }
  int64_t num_rows() const { return num_rows_; }
  const Schema& schema() const { return file_schema_.schema; }
  const Schema& projected_schema() const { return projected_; }

 private:
  Result<bool> NextBatch(ColumnBatch* batch);
  Status Project();
  Status EnterRowGroup(int index);
  void FindLeafColumns(const ReadNode& node, Column* column);
  Status Fail(StatusCode code, const std::string& what) const {
    std::string msg = file_->path();
    msg.append(": ").append(what);
    return Status(code, std::move(msg));
  }
  std::string ColumnContext(int leaf) const {
    std::string s = file_->path();
    s.append(": column '").append(file_schema_.leaves[leaf].dotted_path).append("'");
    return s;
  }

  std::shared_ptr<RandomAccessFile> file_;
  ReaderOptions options_;
  FileMetaData metadata_;
  FileSchema file_schema_;
  Schema projected_;
  std::vector<int> fields_;  // projected top-level field indexes, in projection order
  std::vector<int> leaves_;  // leaf indexes those fields cover
  // Indexed by leaf index; set for projected leaves only.
  std::vector<std::unique_ptr<ColumnChunkReader>> readers_;
  std::vector<LevelBatch> levels_;
  std::vector<const LevelBatch*> level_ptrs_;
  std::vector<Column*> leaf_columns_;
  int64_t num_rows_ = 0;
  bool pad_chunks_ = false;
  Status failed_;
  int row_group_ = -1;
  int64_t rows_left_ = 0;
};

Status ParquetFileReader::Open() {
  if (options_.batch_rows <= 0) return Status::InvalidArgument("batch_rows must be positive");
  if (options_.max_decoded_bytes <= 0) return Status::InvalidArgument("max_decoded_bytes must be positive");
  SL_RETURN_NOT_OK(ReadFooter(*file_, &metadata_));
  if (options_.int96_unit != TimeUnit::kNanos && options_.int96_unit != TimeUnit::kMicros) {
    return Status::InvalidArgument("int96_unit must be NANOS or MICROS");
  }
  SchemaOptions schema_options;
  schema_options.int96_unit = options_.int96_unit;
  auto converted = ConvertSchema(metadata_.schema, schema_options);
  if (!converted.ok()) return converted.status().WithContext(file_->path());
  file_schema_ = std::move(converted).value();

  // The row groups' counts are what we read; some writers leave the footer's total at 0.
  int64_t total = 0;
  for (size_t i = 0; i < metadata_.row_groups.size(); ++i) {
    const RowGroup& rg = metadata_.row_groups[i];
    if (rg.num_rows < 0 || rg.num_rows > INT64_MAX - total) {
      return Fail(StatusCode::kCorruption,
                  "row group " + std::to_string(i) + " claims an impossible row count " + std::to_string(rg.num_rows));
    }
    total += rg.num_rows;
    if (rg.columns.size() != file_schema_.leaves.size()) {
      return Fail(StatusCode::kCorruption, "row group " + std::to_string(i) + " has " +
                                               std::to_string(rg.columns.size()) + " column chunks but the schema has " +
                                               std::to_string(file_schema_.leaves.size()) + " columns");
    }
  }
  num_rows_ = total;
  pad_chunks_ = WriterOmitsDictionaryHeaderSize(metadata_.created_by);
  return Project();
}

Status ParquetFileReader::Project() {
  const Schema& all = file_schema_.schema;
  if (options_.columns.empty()) {
    for (int i = 0; i < all.num_fields(); ++i) fields_.push_back(i);
  } else {
    for (const std::string& name : options_.columns) {
      const int index = all.FieldIndex(name);
      if (index < 0) {
        std::string names;
        for (const Field& f : all.fields) {
          if (!names.empty()) names.append(", ");
          names.append(PrintableName(f.name));
        }
        return Fail(StatusCode::kInvalidArgument, "no column named '" + PrintableName(name) + "'; the file has: " + names);
      }
      if (std::find(fields_.begin(), fields_.end(), index) != fields_.end()) {
        return Fail(StatusCode::kInvalidArgument, "column '" + PrintableName(name) + "' is asked for twice");
      }
      fields_.push_back(index);
    }
  }
  const size_t num_leaves = file_schema_.leaves.size();
  readers_.resize(num_leaves);
  levels_.resize(num_leaves);
  level_ptrs_.resize(num_leaves);
  leaf_columns_.assign(num_leaves, nullptr);
  for (size_t i = 0; i < num_leaves; ++i) level_ptrs_[i] = &levels_[i];
  for (int f : fields_) {
    projected_.fields.push_back(all.fields[f]);
    for (int leaf = file_schema_.first_leaf[f]; leaf < file_schema_.first_leaf[f + 1]; ++leaf) {
      leaves_.push_back(leaf);
      readers_[leaf] = std::make_unique<ColumnChunkReader>(&file_schema_.leaves[leaf], ColumnContext(leaf),
                                                           options_.max_decoded_bytes);
    }
  }
  return Status::OK();
}

Status ParquetFileReader::EnterRowGroup(int index) {
  const RowGroup& rg = metadata_.row_groups[index];
  const int64_t file_size = file_->Size();
  for (int leaf : leaves_) {
    const ColumnChunk& cc = rg.columns[leaf];
    const LeafInfo& info = file_schema_.leaves[leaf];
    const std::string where = ColumnContext(leaf) + " in row group " + std::to_string(index);
    if (cc.file_path) {
      return Status::NotImplemented(where + " is stored in another file ('" + PrintableName(*cc.file_path) +
                                    "'); external column chunks are not supported");
    }
    if (!cc.meta_data) return Status::Corruption(where + " has no column metadata");
    const ColumnMetaData& md = *cc.meta_data;
    if (md.type != info.physical) {
      return Status::Corruption(where + " has physical type " + std::to_string(static_cast<int>(md.type)) +
                                " but the schema says " + std::to_string(static_cast<int>(info.physical)));
    }
    // The chunk starts at its dictionary page when there is one; writers that
    // have none write 0 or leave the field out.
    int64_t start = md.data_page_offset;
    if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 && *md.dictionary_page_offset < start) {
      start = *md.dictionary_page_offset;
    }
    int64_t len = md.total_compressed_size;
    if (start < 0 || len < 0 || start > file_size || len > file_size - start) {
      return Status::Corruption(where + " claims bytes [" + std::to_string(start) + ", +" + std::to_string(len) +
                                ") outside the file (" + std::to_string(file_size) + " bytes)");
    }
    if (pad_chunks_) len += std::min(kDictionaryHeaderPadding, file_size - start - len);
    if (md.num_values < 0) return Status::Corruption(where + " has a negative value count");
    ByteBuffer buffer = readers_[leaf]->TakeBuffer();
    buffer.Resize(static_cast<size_t>(len));
    if (len > 0) {
      Status st = file_->ReadAt(start, static_cast<size_t>(len), buffer.data());
      if (!st.ok()) return st.WithContext(where);
    }
    SL_RETURN_NOT_OK(
        readers_[leaf]->Open(std::move(buffer), start, static_cast<CompressionCodec>(md.codec), md.num_values));
  }
  return Status::OK();
}

void ParquetFileReader::FindLeafColumns(const ReadNode& node, Column* column) {
  if (node.kind == ReadNode::Kind::kLeaf) {
    leaf_columns_[node.leaf] = column;
    return;
  }
  for (size_t i = 0; i < node.children.size(); ++i) FindLeafColumns(node.children[i], &column->mutable_child(i));
}

Result<bool> ParquetFileReader::NextBatch(ColumnBatch* batch) {
  if (!(batch->schema() == projected_)) *batch = ColumnBatch(projected_);
  batch->Clear();
  while (rows_left_ == 0) {
    if (row_group_ + 1 >= static_cast<int>(metadata_.row_groups.size())) return false;
    ++row_group_;
    rows_left_ = metadata_.row_groups[row_group_].num_rows;
    if (rows_left_ > 0) SL_RETURN_NOT_OK(EnterRowGroup(row_group_));
  }
  const int64_t n = std::min(options_.batch_rows, rows_left_);
  for (size_t k = 0; k < fields_.size(); ++k) {
    FindLeafColumns(file_schema_.nodes[fields_[k]], &batch->mutable_column(static_cast<int>(k)));
  }
  for (int leaf : leaves_) {
    levels_[leaf].Clear();
    int64_t got = 0;
    SL_RETURN_NOT_OK(readers_[leaf]->ReadRecords(n, &levels_[leaf], leaf_columns_[leaf], &got));
    if (got != n) {
      const RowGroup& rg = metadata_.row_groups[row_group_];
      return Status::Corruption(ColumnContext(leaf) + " ends after " + std::to_string(rg.num_rows - rows_left_ + got) +
                                " rows of row group " + std::to_string(row_group_) + ", which claims " +
                                std::to_string(rg.num_rows));
    }
  }
  AssemblyInput in;
  in.leaves = &file_schema_.leaves;
  in.levels = &level_ptrs_;
  in.budget = options_.max_decoded_bytes;
  in.context = file_->path();
  for (size_t k = 0; k < fields_.size(); ++k) {
    SL_RETURN_NOT_OK(AssembleField(file_schema_.nodes[fields_[k]], in, &batch->mutable_column(static_cast<int>(k))));
  }
  if (fields_.empty()) batch->SetNumRows(n);
  rows_left_ -= n;
  return true;
}

ParquetReader::ParquetReader(std::unique_ptr<ParquetFileReader> impl) : impl_(std::move(impl)) {}
ParquetReader::~ParquetReader() = default;

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(std::shared_ptr<RandomAccessFile> file,
                                                           ReaderOptions options) {
  if (!file) return Status::InvalidArgument("ParquetReader::Open needs a file");
  auto impl = std::make_unique<ParquetFileReader>(std::move(file), std::move(options));
  SL_RETURN_NOT_OK(impl->Open());
  return std::unique_ptr<ParquetReader>(new ParquetReader(std::move(impl)));
}

const FileMetaData& ParquetReader::metadata() const { return impl_->metadata(); }
const Schema& ParquetReader::schema() const { return impl_->schema(); }
const Schema& ParquetReader::projected_schema() const { return impl_->projected_schema(); }
int64_t ParquetReader::num_rows() const { return impl_->num_rows(); }
int ParquetReader::num_row_groups() const { return static_cast<int>(impl_->metadata().row_groups.size()); }
Result<bool> ParquetReader::Next(ColumnBatch* batch) { return impl_->Next(batch); }

}  // namespace snaplake::parquet
