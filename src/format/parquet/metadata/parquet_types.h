// Parquet's file and page metadata (parquet-format's parquet.thrift) as plain
// C++ structs, and their Thrift compact-protocol (de)serialization.
//
// Names follow parquet.thrift: types keep their Thrift names, fields are the
// Thrift field names in snake_case. Optional Thrift fields are std::optional,
// lists are std::vector, binary/string fields are std::string.
//
// Reading is defensive: any malformed input yields Status::Corruption ("Parquet
// footer is corrupt: ..." / "Parquet page header is corrupt: ..."), never a
// crash or an out-of-bounds read; fields and union members this code does not
// know are skipped, so files from newer writers still read. Enum values are
// NOT range-checked (a newer writer may use values we do not know): callers
// must validate before indexing tables or switching exhaustively.
//
// Writing emits fields in increasing id order. Things recorded only as
// presence flags (encryption metadata) are not written back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "common/status.h"

namespace snaplake::parquet {

// Thrift `Type`: the physical storage type of a leaf column.
enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

// Deprecated annotations, still written next to LogicalType for old readers.
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class FieldRepetitionType : int32_t {
  kRequired = 0,
  kOptional = 1,
  kRepeated = 2,
  kVector = 3,  // proposed fixed-size vector group; we do not support it
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

enum class BoundaryOrder : int32_t {
  kUnordered = 0,
  kAscending = 1,
  kDescending = 2,
};

struct Statistics {
  std::optional<std::string> max;  // deprecated: signed-order max
  std::optional<std::string> min;  // deprecated: signed-order min
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
  std::optional<int64_t> nan_count;  // field 9

  bool operator==(const Statistics&) const = default;
};

// The Thrift union LogicalType, flattened: `kind` says which member is set and
// only the fields that member has are meaningful.
struct LogicalType {
  enum class Kind {
    kString,      // 1
    kMap,         // 2
    kList,        // 3
    kEnum,        // 4
    kDecimal,     // 5: decimal_scale, decimal_precision
    kDate,        // 6
    kTime,        // 7: is_adjusted_to_utc, unit
    kTimestamp,   // 8: is_adjusted_to_utc, unit
    kInteger,     // 10: bit_width, is_signed
    kUnknown,     // 11: thrift NullType (always-null column)
    kJson,        // 12
    kBson,        // 13
    kUuid,        // 14
    kFloat16,     // 15
    kVariant,     // 16: variant_specification_version
    kGeometry,    // 17: crs
    kGeography,   // 18: crs, geography_algorithm
    kUnrecognized,  // a member we do not know (or a TimeUnit we do not know)
  };
  enum class TimeUnit { kMillis, kMicros, kNanos };

  Kind kind = Kind::kUnrecognized;
  int32_t decimal_scale = 0;
  int32_t decimal_precision = 0;
  bool is_adjusted_to_utc = false;
  TimeUnit unit = TimeUnit::kMillis;
  int8_t bit_width = 0;
  bool is_signed = false;
  std::optional<int8_t> variant_specification_version;
  std::optional<std::string> crs;                   // GEOMETRY / GEOGRAPHY
  std::optional<int32_t> geography_algorithm;       // EdgeInterpolationAlgorithm
  // For kUnrecognized read from a file: the union field id we saw (0 if the
  // union was empty). Writing a kUnrecognized type emits an empty struct under
  // this id if it is not a member we know (9 or >= 19), else omits the type.
  int16_t unrecognized_field_id = 0;

  bool operator==(const LogicalType&) const = default;
};

struct SchemaElement {
  std::optional<PhysicalType> type;  // set for leaves only
  std::optional<int32_t> type_length;
  std::optional<FieldRepetitionType> repetition_type;  // unset on the root
  std::string name;
  std::optional<int32_t> num_children;  // set for groups only
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;  // thrift `logicalType`
  std::optional<int32_t> vector_length;     // field 11

  bool operator==(const SchemaElement&) const = default;
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;

  bool operator==(const DataPageHeader&) const = default;
};

struct IndexPageHeader {  // empty in parquet.thrift
  bool operator==(const IndexPageHeader&) const = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;

  bool operator==(const DictionaryPageHeader&) const = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  std::optional<bool> is_compressed;  // absent means true
  std::optional<Statistics> statistics;

  bool operator==(const DataPageHeaderV2&) const = default;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;  // CRC-32 of the page bytes after the header
  std::optional<DataPageHeader> data_page_header;
  std::optional<IndexPageHeader> index_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;

  bool operator==(const PageHeader&) const = default;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const KeyValue&) const = default;
};

struct SortingColumn {
  int32_t column_idx = 0;
  bool descending = false;
  bool nulls_first = false;

  bool operator==(const SortingColumn&) const = default;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;

  bool operator==(const PageEncodingStats&) const = default;
};

// size_statistics (16) and geospatial_statistics (17) are skipped on read.
struct ColumnMetaData {
  PhysicalType type = PhysicalType::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  int32_t codec = 0;  // values equal snaplake::CompressionCodec / thrift CompressionCodec
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  std::optional<std::vector<KeyValue>> key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::optional<std::vector<PageEncodingStats>> encoding_stats;
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;

  bool operator==(const ColumnMetaData&) const = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;  // deprecated; write 0
  std::optional<ColumnMetaData> meta_data;
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
  // Encryption is not supported: we only record that it is there so that the
  // reader can refuse the file with a clear message. Never written.
  bool has_crypto_metadata = false;             // field 8
  bool has_encrypted_column_metadata = false;   // field 9

  bool operator==(const ColumnChunk&) const = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<std::vector<SortingColumn>> sorting_columns;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;

  bool operator==(const RowGroup&) const = default;
};

// The Thrift union ColumnOrder.
struct ColumnOrder {
  enum class Kind {
    kTypeOrder,            // 1: TYPE_ORDER (TypeDefinedOrder)
    kIeee754TotalOrder,    // 2: IEEE_754_TOTAL_ORDER
    kInt96TimestampOrder,  // 3: INT96_TIMESTAMP_ORDER
    kUnrecognized,         // readers must then ignore min/max statistics
  };
  Kind kind = Kind::kTypeOrder;

  bool operator==(const ColumnOrder&) const = default;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;  // depth-first; schema[0] is the root
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::optional<std::vector<KeyValue>> key_value_metadata;
  std::optional<std::string> created_by;
  std::optional<std::vector<ColumnOrder>> column_orders;
  // Plaintext-footer encryption; presence only (see ColumnChunk). Never written.
  bool has_encryption_algorithm = false;          // field 8
  bool has_footer_signing_key_metadata = false;   // field 9

  bool operator==(const FileMetaData&) const = default;
};

// The page index (stored between the row groups and the footer; located by
// ColumnChunk.{column,offset}_index_{offset,length}).
struct PageLocation {
  int64_t offset = 0;                // of the page (its header) in the file
  int32_t compressed_page_size = 0;  // including the page header
  int64_t first_row_index = 0;       // within the row group

  bool operator==(const PageLocation&) const = default;
};

struct OffsetIndex {
  std::vector<PageLocation> page_locations;
  std::optional<std::vector<int64_t>> unencoded_byte_array_data_bytes;

  bool operator==(const OffsetIndex&) const = default;
};

struct ColumnIndex {
  std::vector<bool> null_pages;  // a list<bool> on the wire: one byte each
  std::vector<std::string> min_values;
  std::vector<std::string> max_values;
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;
  std::optional<std::vector<int64_t>> null_counts;
  std::optional<std::vector<int64_t>> repetition_level_histograms;
  std::optional<std::vector<int64_t>> definition_level_histograms;
  std::optional<std::vector<int64_t>> nan_counts;

  bool operator==(const ColumnIndex&) const = default;
};

// Parses a whole footer (the Thrift bytes between the data and the 8-byte
// trailer). Trailing bytes after the struct are ignored.
Status DeserializeFileMetaData(ByteView bytes, FileMetaData* out);
// Appends the compact-protocol encoding of `md` to `out`.
void SerializeFileMetaData(const FileMetaData& md, ByteBuffer* out);

// Reads one PageHeader from the front of bytes; *consumed = its encoded length.
Status DeserializePageHeader(ByteView bytes, PageHeader* out, size_t* consumed);
// Appends the compact-protocol encoding of `h` to `out`.
void SerializePageHeader(const PageHeader& h, ByteBuffer* out);

// Page index structures ("Parquet page index is corrupt: ..." on bad input).
Status DeserializeColumnIndex(ByteView bytes, ColumnIndex* out);
void SerializeColumnIndex(const ColumnIndex& index, ByteBuffer* out);
Status DeserializeOffsetIndex(ByteView bytes, OffsetIndex* out);
void SerializeOffsetIndex(const OffsetIndex& index, ByteBuffer* out);

}  // namespace snaplake::parquet
