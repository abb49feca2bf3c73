#include "cli/parquet_names.h"

#include "format/compression/codec.h"

namespace snaplake::cli {

namespace {

std::string Unknown(int32_t value) {
  std::string s = "UNKNOWN(";
  s.append(std::to_string(value)).append(")");
  return s;
}

const char* TimeUnitText(parquet::LogicalType::TimeUnit unit) {
  switch (unit) {
    case parquet::LogicalType::TimeUnit::kMillis: return "MILLIS";
    case parquet::LogicalType::TimeUnit::kMicros: return "MICROS";
    case parquet::LogicalType::TimeUnit::kNanos: return "NANOS";
  }
  return "UNKNOWN";
}

}  // namespace

std::string PhysicalTypeName(parquet::PhysicalType type) {
  using parquet::PhysicalType;
  switch (type) {
    case PhysicalType::kBoolean: return "BOOLEAN";
    case PhysicalType::kInt32: return "INT32";
    case PhysicalType::kInt64: return "INT64";
    case PhysicalType::kInt96: return "INT96";
    case PhysicalType::kFloat: return "FLOAT";
    case PhysicalType::kDouble: return "DOUBLE";
    case PhysicalType::kByteArray: return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return Unknown(static_cast<int32_t>(type));
}

std::string RepetitionName(parquet::FieldRepetitionType repetition) {
  using parquet::FieldRepetitionType;
  switch (repetition) {
    case FieldRepetitionType::kRequired: return "REQUIRED";
    case FieldRepetitionType::kOptional: return "OPTIONAL";
    case FieldRepetitionType::kRepeated: return "REPEATED";
    case FieldRepetitionType::kVector: return "VECTOR";
  }
  return Unknown(static_cast<int32_t>(repetition));
}

std::string EncodingName(parquet::Encoding encoding) {
  using parquet::Encoding;
  switch (encoding) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case Encoding::kRle: return "RLE";
    case Encoding::kBitPacked: return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary: return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return Unknown(static_cast<int32_t>(encoding));
}

std::string PageTypeName(parquet::PageType type) {
  using parquet::PageType;
  switch (type) {
    case PageType::kDataPage: return "DATA_PAGE";
    case PageType::kIndexPage: return "INDEX_PAGE";
    case PageType::kDictionaryPage: return "DICTIONARY_PAGE";
    case PageType::kDataPageV2: return "DATA_PAGE_V2";
  }
  return Unknown(static_cast<int32_t>(type));
}

std::string ConvertedTypeName(parquet::ConvertedType type) {
  using parquet::ConvertedType;
  switch (type) {
    case ConvertedType::kUtf8: return "UTF8";
    case ConvertedType::kMap: return "MAP";
    case ConvertedType::kMapKeyValue: return "MAP_KEY_VALUE";
    case ConvertedType::kList: return "LIST";
    case ConvertedType::kEnum: return "ENUM";
    case ConvertedType::kDecimal: return "DECIMAL";
    case ConvertedType::kDate: return "DATE";
    case ConvertedType::kTimeMillis: return "TIME_MILLIS";
    case ConvertedType::kTimeMicros: return "TIME_MICROS";
    case ConvertedType::kTimestampMillis: return "TIMESTAMP_MILLIS";
    case ConvertedType::kTimestampMicros: return "TIMESTAMP_MICROS";
    case ConvertedType::kUint8: return "UINT_8";
    case ConvertedType::kUint16: return "UINT_16";
    case ConvertedType::kUint32: return "UINT_32";
    case ConvertedType::kUint64: return "UINT_64";
    case ConvertedType::kInt8: return "INT_8";
    case ConvertedType::kInt16: return "INT_16";
    case ConvertedType::kInt32: return "INT_32";
    case ConvertedType::kInt64: return "INT_64";
    case ConvertedType::kJson: return "JSON";
    case ConvertedType::kBson: return "BSON";
    case ConvertedType::kInterval: return "INTERVAL";
  }
  return Unknown(static_cast<int32_t>(type));
}

std::string CodecName(int32_t codec) {
  if (codec < 0 || codec > static_cast<int32_t>(CompressionCodec::kLz4Raw)) return Unknown(codec);
  return CompressionName(static_cast<CompressionCodec>(codec));
}

std::string LogicalTypeName(const parquet::LogicalType& type) {
  using Kind = parquet::LogicalType::Kind;
  std::string s;
  switch (type.kind) {
    case Kind::kString: return "STRING";
    case Kind::kMap: return "MAP";
    case Kind::kList: return "LIST";
    case Kind::kEnum: return "ENUM";
    case Kind::kDecimal:
      s = "DECIMAL(";
      s.append(std::to_string(type.decimal_precision)).append(",").append(std::to_string(type.decimal_scale));
      return s.append(")");
    case Kind::kDate: return "DATE";
    case Kind::kTime:
    case Kind::kTimestamp:
      s = type.kind == Kind::kTime ? "TIME(" : "TIMESTAMP(";
      s.append(TimeUnitText(type.unit)).append(type.is_adjusted_to_utc ? ",true)" : ",false)");
      return s;
    case Kind::kInteger:
      s = "INTEGER(";
      s.append(std::to_string(type.bit_width)).append(type.is_signed ? ",true)" : ",false)");
      return s;
    case Kind::kUnknown: return "UNKNOWN";
    case Kind::kJson: return "JSON";
    case Kind::kBson: return "BSON";
    case Kind::kUuid: return "UUID";
    case Kind::kFloat16: return "FLOAT16";
    case Kind::kVariant:
      s = "VARIANT";
      if (type.variant_specification_version) {
        s.append("(").append(std::to_string(*type.variant_specification_version)).append(")");
      }
      return s;
    case Kind::kGeometry:
    case Kind::kGeography:
      s = type.kind == Kind::kGeometry ? "GEOMETRY" : "GEOGRAPHY";
      if (type.crs) s.append("(").append(*type.crs).append(")");
      return s;
    case Kind::kUnrecognized:
      s = "UNRECOGNIZED(field ";
      s.append(std::to_string(type.unrecognized_field_id)).append(")");
      return s;
  }
  return "UNRECOGNIZED";
}

std::string AnnotationName(const parquet::SchemaElement& element) {
  if (element.logical_type) return LogicalTypeName(*element.logical_type);
  if (!element.converted_type) return {};
  std::string s = ConvertedTypeName(*element.converted_type);
  if (*element.converted_type == parquet::ConvertedType::kDecimal && element.precision) {
    s.append("(").append(std::to_string(*element.precision)).append(",");
    s.append(std::to_string(element.scale.value_or(0))).append(")");
  }
  return s;
}

}  // namespace snaplake::cli
