#include "format/parquet/parquet_writer.h"

#include "common/version.h"
#include "format/parquet/writer/column_writer.h"
#include "format/parquet/writer/level_shredder.h"
#include "format/parquet/writer/schema_builder.h"

namespace snaplake::parquet {

namespace {
constexpr char kMagic[4] = {'P', 'A', 'R', '1'};

// A NULL where the schema says NOT NULL, found anywhere in the column's tree
// (a required field under a NULL parent does not count: it is absent there).
bool FindForbiddenNull(const Field& field, const Column& column, int64_t begin, int64_t end, std::string* path) {
  for (int64_t i = begin; i < end; ++i) {
    if (!field.nullable && column.IsNull(i)) {
      *path = field.name;
      return true;
    }
  }
  if (!field.type.is_nested() || column.null_count() == column.length()) return false;
  for (size_t c = 0; c < field.type.children.size(); ++c) {
    const Field& child = field.type.children[c];
    const Column& child_column = column.child(c);
    bool found = false;
    if (field.type.id == TypeId::kStruct) {
      for (int64_t i = begin; i < end && !found; ++i) {
        if (column.IsValid(i)) found = FindForbiddenNull(child, child_column, i, i + 1, path);
      }
    } else {
      for (int64_t i = begin; i < end && !found; ++i) {
        if (column.IsValid(i)) found = FindForbiddenNull(child, child_column, column.ListBegin(i), column.ListEnd(i), path);
      }
    }
    if (found) {
      *path = field.name + "." + *path;
      return true;
    }
  }
  return false;
}

bool HasRequiredInside(const Type& type) {
  for (const Field& f : type.children) {
    if (!f.nullable || HasRequiredInside(f.type)) return true;
  }
  return false;
}

}  // namespace

class ParquetFileWriter {
 public:
  ParquetFileWriter(std::unique_ptr<OutputStream> sink, Schema schema, const WriterOptions& options)
      : sink_(std::move(sink)), schema_(std::move(schema)), options_(options) {}

  ~ParquetFileWriter() { Abandon(); }

  Status Init() {
    if (options_.data_page_version != 1 && options_.data_page_version != 2) {
      return Status::InvalidArgument("data page version must be 1 or 2, not " +
                                     std::to_string(options_.data_page_version));
    }
    if (options_.row_group_bytes < 1 || options_.page_bytes < 1) {
      return Status::InvalidArgument("row group and page sizes must be positive");
    }
    SL_ASSIGN_OR_RETURN(parquet_schema_, BuildParquetSchema(schema_));
    SL_ASSIGN_OR_RETURN(codec_, MakeCodec(options_.compression, options_.compression_level));
    // Open pages count toward the row group, but each column also keeps a
    // page's worth of buffers. When the columns' pages together could exceed
    // the row group, pages shrink to share it and scratch is not kept, so
    // memory follows row_group_bytes however wide the table is.
    column_options_ = options_;
    const int64_t leaves = static_cast<int64_t>(parquet_schema_.leaves.size());
    const bool lean = leaves * options_.page_bytes > options_.row_group_bytes;
    if (lean) {
      const int64_t share = std::max<int64_t>(int64_t{16} << 10, options_.row_group_bytes / leaves / 2);
      column_options_.page_bytes = std::min(options_.page_bytes, share);
      column_options_.dictionary_page_bytes = std::min(options_.dictionary_page_bytes, share);
    }
    for (const LeafColumn& leaf : parquet_schema_.leaves) {
      SL_ASSIGN_OR_RETURN(auto writer, ColumnChunkWriter::Make(leaf, column_options_, codec_.get(), lean));
      columns_.push_back(std::move(writer));
    }
    first_leaf_.resize(schema_.fields.size(), -1);
    for (size_t l = parquet_schema_.leaves.size(); l-- > 0;) {
      first_leaf_[parquet_schema_.leaves[l].top_level_field] = static_cast<int>(l);
    }
    shredded_.resize(parquet_schema_.leaves.size());
    return Write(ByteView(reinterpret_cast<const uint8_t*>(kMagic), 4));
  }

  Status WriteBatch(const ColumnBatch& batch) {
    if (finished_) return Status::InvalidArgument("write to a Parquet file that is already finished");
    if (!(batch.schema() == schema_)) {
      return Status::InvalidArgument("batch schema differs from the Parquet writer's schema");
    }
    std::string why;
    if (!batch.Validate(&why)) return Status::InvalidArgument("invalid batch: " + why);
    const int64_t rows = batch.num_rows();
    if (rows == 0) return Status::OK();
    for (int f = 0; f < batch.num_columns(); ++f) {
      const Field& field = schema_.fields[f];
      const Column& column = batch.column(f);
      std::string null_path;
      if ((!field.nullable && column.null_count() > 0) || (HasRequiredInside(field.type) &&
          FindForbiddenNull(field, column, 0, column.length(), &null_path))) {
        if (null_path.empty()) null_path = field.name;
        return Status::InvalidArgument("column '" + null_path + "' is NOT NULL but the data has NULLs");
      }
      const int leaf = first_leaf_[f];
      if (!field.type.is_nested()) {
        SL_RETURN_NOT_OK(columns_[leaf]->WriteFlat(column));
        continue;
      }
      ShredColumn(field, column, parquet_schema_.leaves, leaf, &shredded_);
      for (int l = leaf; l < static_cast<int>(columns_.size()) && parquet_schema_.leaves[l].top_level_field == f; ++l) {
        SL_RETURN_NOT_OK(columns_[l]->WriteShredded(shredded_[l]));
      }
    }
    rows_in_group_ += rows;
    rows_written_ += rows;
    if (BufferedBytes() >= options_.row_group_bytes) SL_RETURN_NOT_OK(FlushRowGroup());
    return Status::OK();
  }

  Status Finish() {
    if (finished_) return Status::InvalidArgument("Parquet file finished twice");
    SL_RETURN_NOT_OK(FlushRowGroup());
    metadata_.version = 1;
    metadata_.schema = parquet_schema_.elements;
    metadata_.num_rows = rows_written_;
    metadata_.created_by = kCreatedBy;
    if (!options_.key_value_metadata.empty()) {
      std::vector<KeyValue> kvs;
      for (const auto& [k, v] : options_.key_value_metadata) kvs.push_back(KeyValue{k, v});
      metadata_.key_value_metadata = std::move(kvs);
    }
    metadata_.column_orders = std::vector<ColumnOrder>(parquet_schema_.leaves.size(), ColumnOrder{});
    ByteBuffer footer;
    SerializeFileMetaData(metadata_, &footer);
    const uint32_t footer_len = static_cast<uint32_t>(footer.size());
    footer.AppendValue(footer_len);
    footer.Append(kMagic, 4);
    SL_RETURN_NOT_OK(Write(footer.view()));
    finished_ = true;
    Status st = sink_->Close();
    sink_.reset();
    return st;
  }

  void Abandon() {
    if (sink_) {
      sink_->Abort();
      sink_.reset();
    }
    finished_ = true;
  }

  const Schema& schema() const { return schema_; }
  int64_t rows_written() const { return rows_written_; }
  int64_t bytes_written() const { return position_ + BufferedBytes(); }
  const FileMetaData& metadata() const { return metadata_; }

 private:
  Status Write(ByteView bytes) {
    if (!sink_) return Status::InvalidArgument("write to an abandoned Parquet file");
    Status st = sink_->Write(bytes);
    if (!st.ok()) {
      Abandon();
      return st;
    }
    position_ += static_cast<int64_t>(bytes.size());
    return Status::OK();
  }

  int64_t BufferedBytes() const {
    int64_t total = 0;
    for (const auto& c : columns_) total += c->BufferedBytes();
    return total;
  }

  Status FlushRowGroup() {
    if (rows_in_group_ == 0) return Status::OK();
    RowGroup group;
    group.num_rows = rows_in_group_;
    group.file_offset = position_;
    const int64_t start = position_;
    std::vector<ByteView> pieces;
    for (auto& column : columns_) {
      ColumnChunk chunk;
      SL_RETURN_NOT_OK(column->FinishChunk(position_, &chunk, &pieces));
      for (ByteView piece : pieces) SL_RETURN_NOT_OK(Write(piece));
      group.total_byte_size += chunk.meta_data->total_uncompressed_size;
      group.columns.push_back(std::move(chunk));
    }
    group.total_compressed_size = position_ - start;
    if (metadata_.row_groups.size() <= INT16_MAX) group.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
    metadata_.row_groups.push_back(std::move(group));
    rows_in_group_ = 0;
    return Status::OK();
  }

  std::unique_ptr<OutputStream> sink_;
  Schema schema_;
  WriterOptions options_;
  WriterOptions column_options_;  // what the column writers see (pages may be smaller)
  ParquetSchema parquet_schema_;
  std::unique_ptr<Codec> codec_;
  std::vector<std::unique_ptr<ColumnChunkWriter>> columns_;
  std::vector<int> first_leaf_;  // per top-level field
  std::vector<ShreddedLeaf> shredded_;
  FileMetaData metadata_;
  int64_t position_ = 0;
  int64_t rows_in_group_ = 0;
  int64_t rows_written_ = 0;
  bool finished_ = false;
};

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(std::unique_ptr<OutputStream> sink, const Schema& schema,
                                                           const WriterOptions& options) {
  if (!sink) return Status::InvalidArgument("Parquet writer needs an output stream");
  auto impl = std::make_unique<ParquetFileWriter>(std::move(sink), schema, options);
  SL_RETURN_NOT_OK(impl->Init());
  return std::unique_ptr<ParquetWriter>(new ParquetWriter(std::move(impl)));
}

ParquetWriter::ParquetWriter(std::unique_ptr<ParquetFileWriter> impl) : impl_(std::move(impl)) {}
ParquetWriter::~ParquetWriter() = default;

Status ParquetWriter::Write(const ColumnBatch& batch) {
  Status st = impl_->WriteBatch(batch);
  if (!st.ok()) impl_->Abandon();
  return st;
}
Status ParquetWriter::Finish() {
  Status st = impl_->Finish();
  if (!st.ok()) impl_->Abandon();
  return st;
}
void ParquetWriter::Abandon() { impl_->Abandon(); }
const Schema& ParquetWriter::schema() const { return impl_->schema(); }
int64_t ParquetWriter::rows_written() const { return impl_->rows_written(); }
int64_t ParquetWriter::bytes_written() const { return impl_->bytes_written(); }
const FileMetaData& ParquetWriter::metadata() const { return impl_->metadata(); }

}  // namespace snaplake::parquet
