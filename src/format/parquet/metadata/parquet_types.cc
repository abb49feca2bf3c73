// Compact-protocol (de)serialization of the parquet.thrift structs.
//
// Reading: one ReadValue() overload per struct walks its fields; ReadField()
// checks the wire type against the C++ type and skips a field whose type does
// not match (as Thrift-generated code does), so only required fields that end
// up absent are errors. Unknown field ids are skipped.
#include "format/parquet/metadata/parquet_types.h"

#include <algorithm>
#include <type_traits>

#include "format/parquet/thrift/compact_protocol.h"

namespace snaplake::parquet {
namespace {

using thrift::CompactReader;
using thrift::CompactType;
using thrift::CompactWriter;

// ================================================================= reading

Status ReadValue(CompactReader& r, Statistics* v);
Status ReadValue(CompactReader& r, LogicalType* v);
Status ReadValue(CompactReader& r, SchemaElement* v);
Status ReadValue(CompactReader& r, DataPageHeader* v);
Status ReadValue(CompactReader& r, IndexPageHeader* v);
Status ReadValue(CompactReader& r, DictionaryPageHeader* v);
Status ReadValue(CompactReader& r, DataPageHeaderV2* v);
Status ReadValue(CompactReader& r, PageHeader* v);
Status ReadValue(CompactReader& r, KeyValue* v);
Status ReadValue(CompactReader& r, SortingColumn* v);
Status ReadValue(CompactReader& r, PageEncodingStats* v);
Status ReadValue(CompactReader& r, ColumnMetaData* v);
Status ReadValue(CompactReader& r, ColumnChunk* v);
Status ReadValue(CompactReader& r, RowGroup* v);
Status ReadValue(CompactReader& r, ColumnOrder* v);
Status ReadValue(CompactReader& r, FileMetaData* v);
Status ReadValue(CompactReader& r, PageLocation* v);
Status ReadValue(CompactReader& r, OffsetIndex* v);
Status ReadValue(CompactReader& r, ColumnIndex* v);

Status ReadValue(CompactReader& r, bool* v) { return r.ReadBool(v); }
Status ReadValue(CompactReader& r, int8_t* v) { return r.ReadI8(v); }
Status ReadValue(CompactReader& r, int16_t* v) { return r.ReadI16(v); }
Status ReadValue(CompactReader& r, int32_t* v) { return r.ReadI32(v); }
Status ReadValue(CompactReader& r, int64_t* v) { return r.ReadI64(v); }
Status ReadValue(CompactReader& r, std::string* v) { return r.ReadBinary(v); }

template <typename E>
  requires std::is_enum_v<E>
Status ReadValue(CompactReader& r, E* v) {
  int32_t raw;
  SL_RETURN_NOT_OK(r.ReadI32(&raw));
  *v = static_cast<E>(raw);
  return Status::OK();
}

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};

// The wire type a C++ value of type T is encoded as.
template <typename T>
constexpr CompactType WireType() {
  if constexpr (std::is_same_v<T, bool>) return CompactType::kBoolTrue;
  else if constexpr (std::is_same_v<T, int8_t>) return CompactType::kI8;
  else if constexpr (std::is_same_v<T, int16_t>) return CompactType::kI16;
  else if constexpr (std::is_same_v<T, int32_t> || std::is_enum_v<T>) return CompactType::kI32;
  else if constexpr (std::is_same_v<T, int64_t>) return CompactType::kI64;
  else if constexpr (std::is_same_v<T, std::string>) return CompactType::kBinary;
  else if constexpr (IsVector<T>::value) return CompactType::kList;
  else return CompactType::kStruct;
}

template <typename T>
bool WireTypeMatches(CompactType t) {
  if constexpr (std::is_same_v<T, bool>) return thrift::IsBool(t);
  else if constexpr (IsVector<T>::value) return t == CompactType::kList || t == CompactType::kSet;
  else return t == WireType<T>();
}

// Reads a list into *v. *matched is false when the list holds elements of
// another type: those are consumed and *v is left empty.
template <typename T>
Status ReadList(CompactReader& r, std::vector<T>* v, bool* matched) {
  CompactType elem_type;
  uint32_t size;
  SL_RETURN_NOT_OK(r.ReadListHeader(&elem_type, &size));
  v->clear();
  *matched = true;
  if (size == 0) return Status::OK();
  if (!WireTypeMatches<T>(elem_type)) {
    *matched = false;
    for (uint32_t i = 0; i < size; ++i) SL_RETURN_NOT_OK(r.Skip(elem_type));
    return Status::OK();
  }
  // `size` is bounded by the remaining bytes. For small elements reserving
  // it all is cheap; large structs grow with what actually parses, so a lying
  // count cannot make us allocate hundreds of bytes per input byte up front.
  constexpr size_t kEagerBytes = 64;
  v->reserve(sizeof(T) <= kEagerBytes ? size : std::min<uint32_t>(size, 1024));
  for (uint32_t i = 0; i < size; ++i) {
    if constexpr (std::is_same_v<T, bool>) {  // vector<bool> hands out no bool&
      bool b;
      SL_RETURN_NOT_OK(r.ReadBool(&b));
      v->push_back(b);
    } else {
      SL_RETURN_NOT_OK(ReadValue(r, &v->emplace_back()));
    }
  }
  return Status::OK();
}

template <typename T>
struct Unoptional {
  using type = T;
};
template <typename T>
struct Unoptional<std::optional<T>> {
  using type = T;
};

// Reads a field of wire type `t` into *v if the type fits T, else skips it
// (as Thrift-generated code does). *seen (if given) records that it was read.
template <typename T>
Status ReadField(CompactReader& r, CompactType t, T* v, bool* seen = nullptr) {
  using Value = typename Unoptional<T>::type;
  if (!WireTypeMatches<Value>(t)) return r.Skip(t);
  Value* dst;
  if constexpr (std::is_same_v<T, Value>) {
    dst = v;
  } else {
    dst = &v->emplace();
  }
  if constexpr (IsVector<Value>::value) {
    bool matched = false;
    SL_RETURN_NOT_OK(ReadList(r, dst, &matched));
    if (!matched) {
      if constexpr (!std::is_same_v<T, Value>) v->reset();
      return Status::OK();
    }
  } else {
    SL_RETURN_NOT_OK(ReadValue(r, dst));
  }
  if (seen != nullptr) *seen = true;
  return Status::OK();
}

Status Require(const CompactReader& r, bool seen, const char* field) {
  if (seen) return Status::OK();
  std::string detail(field);
  detail.append(" is missing");
  return r.Corrupt(detail);
}

// Iterates the fields of one struct: calls on_field(id, type) for each, which
// must consume the value (ReadField / r.Skip).
template <typename OnField>
Status ReadStruct(CompactReader& r, OnField&& on_field) {
  SL_RETURN_NOT_OK(r.StructBegin());
  for (;;) {
    int16_t id;
    CompactType t;
    SL_RETURN_NOT_OK(r.ReadFieldHeader(&id, &t));
    if (t == CompactType::kStop) break;
    SL_RETURN_NOT_OK(on_field(id, t));
  }
  return r.StructEnd();
}

Status ReadValue(CompactReader& r, Statistics* v) {
  return ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->max);
      case 2: return ReadField(r, t, &v->min);
      case 3: return ReadField(r, t, &v->null_count);
      case 4: return ReadField(r, t, &v->distinct_count);
      case 5: return ReadField(r, t, &v->max_value);
      case 6: return ReadField(r, t, &v->min_value);
      case 7: return ReadField(r, t, &v->is_max_value_exact);
      case 8: return ReadField(r, t, &v->is_min_value_exact);
      case 9: return ReadField(r, t, &v->nan_count);
      default: return r.Skip(t);
    }
  });
}

// TimeUnit union: sets *known to false for a unit we do not know.
Status ReadTimeUnit(CompactReader& r, LogicalType::TimeUnit* unit, bool* known) {
  *known = false;
  return ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    if (t == CompactType::kStruct && id >= 1 && id <= 3) {
      *unit = id == 1 ? LogicalType::TimeUnit::kMillis
              : id == 2 ? LogicalType::TimeUnit::kMicros
                        : LogicalType::TimeUnit::kNanos;
      *known = true;
    } else {
      *known = false;
    }
    return r.Skip(t);  // the members are empty structs (or unknown)
  });
}

// TimeType and TimestampType share their layout.
Status ReadTimeLike(CompactReader& r, const char* name, LogicalType* v) {
  bool has_utc = false, has_unit = false, unit_known = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->is_adjusted_to_utc, &has_utc);
      case 2:
        if (t != CompactType::kStruct) return r.Skip(t);
        has_unit = true;
        return ReadTimeUnit(r, &v->unit, &unit_known);
      default: return r.Skip(t);
    }
  }));
  std::string field(name);
  SL_RETURN_NOT_OK(Require(r, has_utc, field.append(".isAdjustedToUTC").c_str()));
  field.assign(name);
  SL_RETURN_NOT_OK(Require(r, has_unit, field.append(".unit").c_str()));
  if (!unit_known) v->kind = LogicalType::Kind::kUnrecognized;
  return Status::OK();
}

Status ReadLogicalMember(CompactReader& r, int16_t id, LogicalType* v) {
  using Kind = LogicalType::Kind;
  switch (id) {
    case 1: v->kind = Kind::kString; break;
    case 2: v->kind = Kind::kMap; break;
    case 3: v->kind = Kind::kList; break;
    case 4: v->kind = Kind::kEnum; break;
    case 5: {
      v->kind = Kind::kDecimal;
      bool has_scale = false, has_precision = false;
      SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t fid, CompactType t) -> Status {
        switch (fid) {
          case 1: return ReadField(r, t, &v->decimal_scale, &has_scale);
          case 2: return ReadField(r, t, &v->decimal_precision, &has_precision);
          default: return r.Skip(t);
        }
      }));
      SL_RETURN_NOT_OK(Require(r, has_scale, "DecimalType.scale"));
      return Require(r, has_precision, "DecimalType.precision");
    }
    case 6: v->kind = Kind::kDate; break;
    case 7:
      v->kind = Kind::kTime;
      SL_RETURN_NOT_OK(ReadTimeLike(r, "TimeType", v));
      if (v->kind == Kind::kUnrecognized) v->unrecognized_field_id = id;
      return Status::OK();
    case 8:
      v->kind = Kind::kTimestamp;
      SL_RETURN_NOT_OK(ReadTimeLike(r, "TimestampType", v));
      if (v->kind == Kind::kUnrecognized) v->unrecognized_field_id = id;
      return Status::OK();
    case 10: {
      v->kind = Kind::kInteger;
      bool has_width = false, has_signed = false;
      SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t fid, CompactType t) -> Status {
        switch (fid) {
          case 1: return ReadField(r, t, &v->bit_width, &has_width);
          case 2: return ReadField(r, t, &v->is_signed, &has_signed);
          default: return r.Skip(t);
        }
      }));
      SL_RETURN_NOT_OK(Require(r, has_width, "IntType.bitWidth"));
      return Require(r, has_signed, "IntType.isSigned");
    }
    case 11: v->kind = Kind::kUnknown; break;
    case 12: v->kind = Kind::kJson; break;
    case 13: v->kind = Kind::kBson; break;
    case 14: v->kind = Kind::kUuid; break;
    case 15: v->kind = Kind::kFloat16; break;
    case 16:
      v->kind = Kind::kVariant;
      return ReadStruct(r, [&](int16_t fid, CompactType t) -> Status {
        if (fid == 1) return ReadField(r, t, &v->variant_specification_version);
        return r.Skip(t);
      });
    case 17:
      v->kind = Kind::kGeometry;
      return ReadStruct(r, [&](int16_t fid, CompactType t) -> Status {
        if (fid == 1) return ReadField(r, t, &v->crs);
        return r.Skip(t);
      });
    case 18:
      v->kind = Kind::kGeography;
      return ReadStruct(r, [&](int16_t fid, CompactType t) -> Status {
        if (fid == 1) return ReadField(r, t, &v->crs);
        if (fid == 2) return ReadField(r, t, &v->geography_algorithm);
        return r.Skip(t);
      });
    default:
      v->kind = Kind::kUnrecognized;
      v->unrecognized_field_id = id;
      break;
  }
  // Empty-struct members (and unknown ones): whatever fields a newer writer
  // put inside are skipped.
  return r.Skip(CompactType::kStruct);
}

Status ReadValue(CompactReader& r, LogicalType* v) {
  *v = LogicalType();
  return ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    if (t != CompactType::kStruct) {  // every union member is a struct
      v->kind = LogicalType::Kind::kUnrecognized;
      v->unrecognized_field_id = id;
      return r.Skip(t);
    }
    *v = LogicalType();  // a union holds one member; the last one wins
    return ReadLogicalMember(r, id, v);
  });
}

Status ReadValue(CompactReader& r, SchemaElement* v) {
  bool has_name = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->type);
      case 2: return ReadField(r, t, &v->type_length);
      case 3: return ReadField(r, t, &v->repetition_type);
      case 4: return ReadField(r, t, &v->name, &has_name);
      case 5: return ReadField(r, t, &v->num_children);
      case 6: return ReadField(r, t, &v->converted_type);
      case 7: return ReadField(r, t, &v->scale);
      case 8: return ReadField(r, t, &v->precision);
      case 9: return ReadField(r, t, &v->field_id);
      case 10: return ReadField(r, t, &v->logical_type);
      case 11: return ReadField(r, t, &v->vector_length);
      default: return r.Skip(t);
    }
  }));
  return Require(r, has_name, "SchemaElement.name");
}

Status ReadValue(CompactReader& r, DataPageHeader* v) {
  bool has_num_values = false, has_encoding = false, has_def = false, has_rep = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->num_values, &has_num_values);
      case 2: return ReadField(r, t, &v->encoding, &has_encoding);
      case 3: return ReadField(r, t, &v->definition_level_encoding, &has_def);
      case 4: return ReadField(r, t, &v->repetition_level_encoding, &has_rep);
      case 5: return ReadField(r, t, &v->statistics);
      default: return r.Skip(t);
    }
  }));
  SL_RETURN_NOT_OK(Require(r, has_num_values, "DataPageHeader.num_values"));
  SL_RETURN_NOT_OK(Require(r, has_encoding, "DataPageHeader.encoding"));
  SL_RETURN_NOT_OK(Require(r, has_def, "DataPageHeader.definition_level_encoding"));
  return Require(r, has_rep, "DataPageHeader.repetition_level_encoding");
}

Status ReadValue(CompactReader& r, IndexPageHeader*) {
  return ReadStruct(r, [&](int16_t, CompactType t) { return r.Skip(t); });
}

Status ReadValue(CompactReader& r, DictionaryPageHeader* v) {
  bool has_num_values = false, has_encoding = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->num_values, &has_num_values);
      case 2: return ReadField(r, t, &v->encoding, &has_encoding);
      case 3: return ReadField(r, t, &v->is_sorted);
      default: return r.Skip(t);
    }
  }));
  SL_RETURN_NOT_OK(Require(r, has_num_values, "DictionaryPageHeader.num_values"));
  return Require(r, has_encoding, "DictionaryPageHeader.encoding");
}

Status ReadValue(CompactReader& r, DataPageHeaderV2* v) {
  bool seen[6] = {};
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->num_values, &seen[0]);
      case 2: return ReadField(r, t, &v->num_nulls, &seen[1]);
      case 3: return ReadField(r, t, &v->num_rows, &seen[2]);
      case 4: return ReadField(r, t, &v->encoding, &seen[3]);
      case 5: return ReadField(r, t, &v->definition_levels_byte_length, &seen[4]);
      case 6: return ReadField(r, t, &v->repetition_levels_byte_length, &seen[5]);
      case 7: return ReadField(r, t, &v->is_compressed);
      case 8: return ReadField(r, t, &v->statistics);
      default: return r.Skip(t);
    }
  }));
  SL_RETURN_NOT_OK(Require(r, seen[0], "DataPageHeaderV2.num_values"));
  SL_RETURN_NOT_OK(Require(r, seen[1], "DataPageHeaderV2.num_nulls"));
  SL_RETURN_NOT_OK(Require(r, seen[2], "DataPageHeaderV2.num_rows"));
  SL_RETURN_NOT_OK(Require(r, seen[3], "DataPageHeaderV2.encoding"));
  SL_RETURN_NOT_OK(Require(r, seen[4], "DataPageHeaderV2.definition_levels_byte_length"));
  return Require(r, seen[5], "DataPageHeaderV2.repetition_levels_byte_length");
}

Status ReadValue(CompactReader& r, PageHeader* v) {
  bool has_type = false, has_uncompressed = false, has_compressed = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->type, &has_type);
      case 2: return ReadField(r, t, &v->uncompressed_page_size, &has_uncompressed);
      case 3: return ReadField(r, t, &v->compressed_page_size, &has_compressed);
      case 4: return ReadField(r, t, &v->crc);
      case 5: return ReadField(r, t, &v->data_page_header);
      case 6: return ReadField(r, t, &v->index_page_header);
      case 7: return ReadField(r, t, &v->dictionary_page_header);
      case 8: return ReadField(r, t, &v->data_page_header_v2);
      default: return r.Skip(t);
    }
  }));
  SL_RETURN_NOT_OK(Require(r, has_type, "PageHeader.type"));
  SL_RETURN_NOT_OK(Require(r, has_uncompressed, "PageHeader.uncompressed_page_size"));
  return Require(r, has_compressed, "PageHeader.compressed_page_size");
}

Status ReadValue(CompactReader& r, KeyValue* v) {
  bool has_key = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->key, &has_key);
      case 2: return ReadField(r, t, &v->value);
      default: return r.Skip(t);
    }
  }));
  return Require(r, has_key, "KeyValue.key");
}

Status ReadValue(CompactReader& r, SortingColumn* v) {
  bool has_idx = false, has_desc = false, has_nulls = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->column_idx, &has_idx);
      case 2: return ReadField(r, t, &v->descending, &has_desc);
      case 3: return ReadField(r, t, &v->nulls_first, &has_nulls);
      default: return r.Skip(t);
    }
  }));
  SL_RETURN_NOT_OK(Require(r, has_idx, "SortingColumn.column_idx"));
  SL_RETURN_NOT_OK(Require(r, has_desc, "SortingColumn.descending"));
  return Require(r, has_nulls, "SortingColumn.nulls_first");
}

Status ReadValue(CompactReader& r, PageEncodingStats* v) {
  bool has_type = false, has_encoding = false, has_count = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->page_type, &has_type);
      case 2: return ReadField(r, t, &v->encoding, &has_encoding);
      case 3: return ReadField(r, t, &v->count, &has_count);
      default: return r.Skip(t);
    }
  }));
  SL_RETURN_NOT_OK(Require(r, has_type, "PageEncodingStats.page_type"));
  SL_RETURN_NOT_OK(Require(r, has_encoding, "PageEncodingStats.encoding"));
  return Require(r, has_count, "PageEncodingStats.count");
}

Status ReadValue(CompactReader& r, ColumnMetaData* v) {
  bool seen[8] = {};
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->type, &seen[0]);
      case 2: return ReadField(r, t, &v->encodings, &seen[1]);
      case 3: return ReadField(r, t, &v->path_in_schema, &seen[2]);
      case 4: return ReadField(r, t, &v->codec, &seen[3]);
      case 5: return ReadField(r, t, &v->num_values, &seen[4]);
      case 6: return ReadField(r, t, &v->total_uncompressed_size, &seen[5]);
      case 7: return ReadField(r, t, &v->total_compressed_size, &seen[6]);
      case 8: return ReadField(r, t, &v->key_value_metadata);
      case 9: return ReadField(r, t, &v->data_page_offset, &seen[7]);
      case 10: return ReadField(r, t, &v->index_page_offset);
      case 11: return ReadField(r, t, &v->dictionary_page_offset);
      case 12: return ReadField(r, t, &v->statistics);
      case 13: return ReadField(r, t, &v->encoding_stats);
      case 14: return ReadField(r, t, &v->bloom_filter_offset);
      case 15: return ReadField(r, t, &v->bloom_filter_length);
      default: return r.Skip(t);  // 16 size_statistics, 17 geospatial_statistics, newer
    }
  }));
  SL_RETURN_NOT_OK(Require(r, seen[0], "ColumnMetaData.type"));
  SL_RETURN_NOT_OK(Require(r, seen[1], "ColumnMetaData.encodings"));
  SL_RETURN_NOT_OK(Require(r, seen[2], "ColumnMetaData.path_in_schema"));
  SL_RETURN_NOT_OK(Require(r, seen[3], "ColumnMetaData.codec"));
  SL_RETURN_NOT_OK(Require(r, seen[4], "ColumnMetaData.num_values"));
  SL_RETURN_NOT_OK(Require(r, seen[5], "ColumnMetaData.total_uncompressed_size"));
  SL_RETURN_NOT_OK(Require(r, seen[6], "ColumnMetaData.total_compressed_size"));
  return Require(r, seen[7], "ColumnMetaData.data_page_offset");
}

Status ReadValue(CompactReader& r, ColumnChunk* v) {
  bool has_file_offset = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->file_path);
      case 2: return ReadField(r, t, &v->file_offset, &has_file_offset);
      case 3: return ReadField(r, t, &v->meta_data);
      case 4: return ReadField(r, t, &v->offset_index_offset);
      case 5: return ReadField(r, t, &v->offset_index_length);
      case 6: return ReadField(r, t, &v->column_index_offset);
      case 7: return ReadField(r, t, &v->column_index_length);
      case 8: v->has_crypto_metadata = true; return r.Skip(t);
      case 9: v->has_encrypted_column_metadata = true; return r.Skip(t);
      default: return r.Skip(t);
    }
  }));
  return Require(r, has_file_offset, "ColumnChunk.file_offset");
}

Status ReadValue(CompactReader& r, RowGroup* v) {
  bool has_columns = false, has_size = false, has_rows = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->columns, &has_columns);
      case 2: return ReadField(r, t, &v->total_byte_size, &has_size);
      case 3: return ReadField(r, t, &v->num_rows, &has_rows);
      case 4: return ReadField(r, t, &v->sorting_columns);
      case 5: return ReadField(r, t, &v->file_offset);
      case 6: return ReadField(r, t, &v->total_compressed_size);
      case 7: return ReadField(r, t, &v->ordinal);
      default: return r.Skip(t);
    }
  }));
  SL_RETURN_NOT_OK(Require(r, has_columns, "RowGroup.columns"));
  SL_RETURN_NOT_OK(Require(r, has_size, "RowGroup.total_byte_size"));
  return Require(r, has_rows, "RowGroup.num_rows");
}

Status ReadValue(CompactReader& r, ColumnOrder* v) {
  v->kind = ColumnOrder::Kind::kUnrecognized;
  return ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    if (t == CompactType::kStruct && id >= 1 && id <= 3) {
      v->kind = id == 1   ? ColumnOrder::Kind::kTypeOrder
                : id == 2 ? ColumnOrder::Kind::kIeee754TotalOrder
                          : ColumnOrder::Kind::kInt96TimestampOrder;
    } else {
      v->kind = ColumnOrder::Kind::kUnrecognized;
    }
    return r.Skip(t);  // members are empty structs (or unknown)
  });
}

Status ReadValue(CompactReader& r, FileMetaData* v) {
  bool has_version = false, has_schema = false, has_rows = false, has_groups = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->version, &has_version);
      case 2: return ReadField(r, t, &v->schema, &has_schema);
      case 3: return ReadField(r, t, &v->num_rows, &has_rows);
      case 4: return ReadField(r, t, &v->row_groups, &has_groups);
      case 5: return ReadField(r, t, &v->key_value_metadata);
      case 6: return ReadField(r, t, &v->created_by);
      case 7: return ReadField(r, t, &v->column_orders);
      case 8: v->has_encryption_algorithm = true; return r.Skip(t);
      case 9: v->has_footer_signing_key_metadata = true; return r.Skip(t);
      default: return r.Skip(t);
    }
  }));
  SL_RETURN_NOT_OK(Require(r, has_version, "FileMetaData.version"));
  SL_RETURN_NOT_OK(Require(r, has_schema, "FileMetaData.schema"));
  SL_RETURN_NOT_OK(Require(r, has_rows, "FileMetaData.num_rows"));
  return Require(r, has_groups, "FileMetaData.row_groups");
}

Status ReadValue(CompactReader& r, PageLocation* v) {
  bool has_offset = false, has_size = false, has_first_row = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->offset, &has_offset);
      case 2: return ReadField(r, t, &v->compressed_page_size, &has_size);
      case 3: return ReadField(r, t, &v->first_row_index, &has_first_row);
      default: return r.Skip(t);
    }
  }));
  SL_RETURN_NOT_OK(Require(r, has_offset, "PageLocation.offset"));
  SL_RETURN_NOT_OK(Require(r, has_size, "PageLocation.compressed_page_size"));
  return Require(r, has_first_row, "PageLocation.first_row_index");
}

Status ReadValue(CompactReader& r, OffsetIndex* v) {
  bool has_locations = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->page_locations, &has_locations);
      case 2: return ReadField(r, t, &v->unencoded_byte_array_data_bytes);
      default: return r.Skip(t);
    }
  }));
  return Require(r, has_locations, "OffsetIndex.page_locations");
}

Status ReadValue(CompactReader& r, ColumnIndex* v) {
  bool has_null_pages = false, has_min = false, has_max = false, has_order = false;
  SL_RETURN_NOT_OK(ReadStruct(r, [&](int16_t id, CompactType t) -> Status {
    switch (id) {
      case 1: return ReadField(r, t, &v->null_pages, &has_null_pages);
      case 2: return ReadField(r, t, &v->min_values, &has_min);
      case 3: return ReadField(r, t, &v->max_values, &has_max);
      case 4: return ReadField(r, t, &v->boundary_order, &has_order);
      case 5: return ReadField(r, t, &v->null_counts);
      case 6: return ReadField(r, t, &v->repetition_level_histograms);
      case 7: return ReadField(r, t, &v->definition_level_histograms);
      case 8: return ReadField(r, t, &v->nan_counts);
      default: return r.Skip(t);
    }
  }));
  SL_RETURN_NOT_OK(Require(r, has_null_pages, "ColumnIndex.null_pages"));
  SL_RETURN_NOT_OK(Require(r, has_min, "ColumnIndex.min_values"));
  SL_RETURN_NOT_OK(Require(r, has_max, "ColumnIndex.max_values"));
  return Require(r, has_order, "ColumnIndex.boundary_order");
}

// ================================================================= writing

void WriteValue(CompactWriter& w, const Statistics& v);
void WriteValue(CompactWriter& w, const LogicalType& v);
void WriteValue(CompactWriter& w, const SchemaElement& v);
void WriteValue(CompactWriter& w, const DataPageHeader& v);
void WriteValue(CompactWriter& w, const IndexPageHeader& v);
void WriteValue(CompactWriter& w, const DictionaryPageHeader& v);
void WriteValue(CompactWriter& w, const DataPageHeaderV2& v);
void WriteValue(CompactWriter& w, const KeyValue& v);
void WriteValue(CompactWriter& w, const SortingColumn& v);
void WriteValue(CompactWriter& w, const PageEncodingStats& v);
void WriteValue(CompactWriter& w, const ColumnMetaData& v);
void WriteValue(CompactWriter& w, const ColumnChunk& v);
void WriteValue(CompactWriter& w, const RowGroup& v);
void WriteValue(CompactWriter& w, const ColumnOrder& v);

void WriteValue(CompactWriter& w, const PageLocation& v);

void WriteValue(CompactWriter& w, const std::string& v) { w.WriteBinary(v); }
void WriteValue(CompactWriter& w, bool v) { w.WriteBool(v); }
void WriteValue(CompactWriter& w, int64_t v) { w.WriteI64(v); }
template <typename E>
  requires std::is_enum_v<E>
void WriteValue(CompactWriter& w, E v) {
  w.WriteI32(static_cast<int32_t>(v));
}

template <typename T>
void WriteListField(CompactWriter& w, int16_t id, const std::vector<T>& v) {
  w.FieldHeader(id, CompactType::kList);
  w.ListHeader(WireType<T>(), static_cast<uint32_t>(v.size()));
  for (const T& e : v) WriteValue(w, e);
}
template <typename T>
void WriteListField(CompactWriter& w, int16_t id, const std::optional<std::vector<T>>& v) {
  if (v) WriteListField(w, id, *v);
}

template <typename T>
void WriteStructField(CompactWriter& w, int16_t id, const std::optional<T>& v) {
  if (!v) return;
  w.FieldHeader(id, CompactType::kStruct);
  WriteValue(w, *v);
}

template <typename E>
  requires std::is_enum_v<E>
void WriteEnumField(CompactWriter& w, int16_t id, E v) {
  w.FieldI32(id, static_cast<int32_t>(v));
}

void WriteOptional(CompactWriter& w, int16_t id, const std::optional<std::string>& v) {
  if (v) w.FieldBinary(id, *v);
}
void WriteOptional(CompactWriter& w, int16_t id, const std::optional<bool>& v) {
  if (v) w.FieldBool(id, *v);
}
void WriteOptional(CompactWriter& w, int16_t id, const std::optional<int8_t>& v) {
  if (v) w.FieldI8(id, *v);
}
void WriteOptional(CompactWriter& w, int16_t id, const std::optional<int16_t>& v) {
  if (v) w.FieldI16(id, *v);
}
void WriteOptional(CompactWriter& w, int16_t id, const std::optional<int32_t>& v) {
  if (v) w.FieldI32(id, *v);
}
void WriteOptional(CompactWriter& w, int16_t id, const std::optional<int64_t>& v) {
  if (v) w.FieldI64(id, *v);
}
template <typename E>
  requires std::is_enum_v<E>
void WriteOptional(CompactWriter& w, int16_t id, const std::optional<E>& v) {
  if (v) WriteEnumField(w, id, *v);
}

// A union member (or any field) whose value is an empty struct.
void WriteEmptyStructField(CompactWriter& w, int16_t id) {
  w.FieldHeader(id, CompactType::kStruct);
  w.StructBegin();
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const Statistics& v) {
  w.StructBegin();
  WriteOptional(w, 1, v.max);
  WriteOptional(w, 2, v.min);
  WriteOptional(w, 3, v.null_count);
  WriteOptional(w, 4, v.distinct_count);
  WriteOptional(w, 5, v.max_value);
  WriteOptional(w, 6, v.min_value);
  WriteOptional(w, 7, v.is_max_value_exact);
  WriteOptional(w, 8, v.is_min_value_exact);
  WriteOptional(w, 9, v.nan_count);
  w.StructEnd();
}

int16_t LogicalTypeFieldId(const LogicalType& v) {
  using Kind = LogicalType::Kind;
  switch (v.kind) {
    case Kind::kString: return 1;
    case Kind::kMap: return 2;
    case Kind::kList: return 3;
    case Kind::kEnum: return 4;
    case Kind::kDecimal: return 5;
    case Kind::kDate: return 6;
    case Kind::kTime: return 7;
    case Kind::kTimestamp: return 8;
    case Kind::kInteger: return 10;
    case Kind::kUnknown: return 11;
    case Kind::kJson: return 12;
    case Kind::kBson: return 13;
    case Kind::kUuid: return 14;
    case Kind::kFloat16: return 15;
    case Kind::kVariant: return 16;
    case Kind::kGeometry: return 17;
    case Kind::kGeography: return 18;
    case Kind::kUnrecognized:
      // An empty struct under a member id we know would not parse back
      // (e.g. TIME without its fields); such a type is left out instead.
      if (v.unrecognized_field_id == 9 || v.unrecognized_field_id >= 19) {
        return v.unrecognized_field_id;
      }
      return 0;
  }
  return 0;
}

void WriteValue(CompactWriter& w, const LogicalType& v) {
  using Kind = LogicalType::Kind;
  const int16_t id = LogicalTypeFieldId(v);
  w.StructBegin();
  w.FieldHeader(id, CompactType::kStruct);
  w.StructBegin();
  switch (v.kind) {
    case Kind::kDecimal:
      w.FieldI32(1, v.decimal_scale);
      w.FieldI32(2, v.decimal_precision);
      break;
    case Kind::kTime:
    case Kind::kTimestamp:
      w.FieldBool(1, v.is_adjusted_to_utc);
      w.FieldHeader(2, CompactType::kStruct);
      w.StructBegin();  // TimeUnit union
      WriteEmptyStructField(w, v.unit == LogicalType::TimeUnit::kMillis   ? 1
                               : v.unit == LogicalType::TimeUnit::kMicros ? 2
                                                                         : 3);
      w.StructEnd();
      break;
    case Kind::kInteger:
      w.FieldI8(1, v.bit_width);
      w.FieldBool(2, v.is_signed);
      break;
    case Kind::kVariant:
      WriteOptional(w, 1, v.variant_specification_version);
      break;
    case Kind::kGeometry:
      WriteOptional(w, 1, v.crs);
      break;
    case Kind::kGeography:
      WriteOptional(w, 1, v.crs);
      WriteOptional(w, 2, v.geography_algorithm);
      break;
    default:
      break;  // empty member struct
  }
  w.StructEnd();
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const SchemaElement& v) {
  w.StructBegin();
  WriteOptional(w, 1, v.type);
  WriteOptional(w, 2, v.type_length);
  WriteOptional(w, 3, v.repetition_type);
  w.FieldBinary(4, v.name);
  WriteOptional(w, 5, v.num_children);
  WriteOptional(w, 6, v.converted_type);
  WriteOptional(w, 7, v.scale);
  WriteOptional(w, 8, v.precision);
  WriteOptional(w, 9, v.field_id);
  // An unrecognized type without a known id cannot be written; leave it out.
  if (v.logical_type && LogicalTypeFieldId(*v.logical_type) > 0) {
    WriteStructField(w, 10, v.logical_type);
  }
  WriteOptional(w, 11, v.vector_length);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const DataPageHeader& v) {
  w.StructBegin();
  w.FieldI32(1, v.num_values);
  WriteEnumField(w, 2, v.encoding);
  WriteEnumField(w, 3, v.definition_level_encoding);
  WriteEnumField(w, 4, v.repetition_level_encoding);
  WriteStructField(w, 5, v.statistics);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const IndexPageHeader&) {
  w.StructBegin();
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const DictionaryPageHeader& v) {
  w.StructBegin();
  w.FieldI32(1, v.num_values);
  WriteEnumField(w, 2, v.encoding);
  WriteOptional(w, 3, v.is_sorted);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const DataPageHeaderV2& v) {
  w.StructBegin();
  w.FieldI32(1, v.num_values);
  w.FieldI32(2, v.num_nulls);
  w.FieldI32(3, v.num_rows);
  WriteEnumField(w, 4, v.encoding);
  w.FieldI32(5, v.definition_levels_byte_length);
  w.FieldI32(6, v.repetition_levels_byte_length);
  WriteOptional(w, 7, v.is_compressed);
  WriteStructField(w, 8, v.statistics);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const PageHeader& v) {
  w.StructBegin();
  WriteEnumField(w, 1, v.type);
  w.FieldI32(2, v.uncompressed_page_size);
  w.FieldI32(3, v.compressed_page_size);
  WriteOptional(w, 4, v.crc);
  WriteStructField(w, 5, v.data_page_header);
  WriteStructField(w, 6, v.index_page_header);
  WriteStructField(w, 7, v.dictionary_page_header);
  WriteStructField(w, 8, v.data_page_header_v2);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const KeyValue& v) {
  w.StructBegin();
  w.FieldBinary(1, v.key);
  WriteOptional(w, 2, v.value);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const SortingColumn& v) {
  w.StructBegin();
  w.FieldI32(1, v.column_idx);
  w.FieldBool(2, v.descending);
  w.FieldBool(3, v.nulls_first);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const PageEncodingStats& v) {
  w.StructBegin();
  WriteEnumField(w, 1, v.page_type);
  WriteEnumField(w, 2, v.encoding);
  w.FieldI32(3, v.count);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const ColumnMetaData& v) {
  w.StructBegin();
  WriteEnumField(w, 1, v.type);
  WriteListField(w, 2, v.encodings);
  WriteListField(w, 3, v.path_in_schema);
  w.FieldI32(4, v.codec);
  w.FieldI64(5, v.num_values);
  w.FieldI64(6, v.total_uncompressed_size);
  w.FieldI64(7, v.total_compressed_size);
  WriteListField(w, 8, v.key_value_metadata);
  w.FieldI64(9, v.data_page_offset);
  WriteOptional(w, 10, v.index_page_offset);
  WriteOptional(w, 11, v.dictionary_page_offset);
  WriteStructField(w, 12, v.statistics);
  WriteListField(w, 13, v.encoding_stats);
  WriteOptional(w, 14, v.bloom_filter_offset);
  WriteOptional(w, 15, v.bloom_filter_length);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const ColumnChunk& v) {
  w.StructBegin();
  WriteOptional(w, 1, v.file_path);
  w.FieldI64(2, v.file_offset);
  WriteStructField(w, 3, v.meta_data);
  WriteOptional(w, 4, v.offset_index_offset);
  WriteOptional(w, 5, v.offset_index_length);
  WriteOptional(w, 6, v.column_index_offset);
  WriteOptional(w, 7, v.column_index_length);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const RowGroup& v) {
  w.StructBegin();
  WriteListField(w, 1, v.columns);
  w.FieldI64(2, v.total_byte_size);
  w.FieldI64(3, v.num_rows);
  WriteListField(w, 4, v.sorting_columns);
  WriteOptional(w, 5, v.file_offset);
  WriteOptional(w, 6, v.total_compressed_size);
  WriteOptional(w, 7, v.ordinal);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const ColumnOrder& v) {
  w.StructBegin();
  switch (v.kind) {
    case ColumnOrder::Kind::kTypeOrder: WriteEmptyStructField(w, 1); break;
    case ColumnOrder::Kind::kIeee754TotalOrder: WriteEmptyStructField(w, 2); break;
    case ColumnOrder::Kind::kInt96TimestampOrder: WriteEmptyStructField(w, 3); break;
    case ColumnOrder::Kind::kUnrecognized: break;  // an empty union: readers ignore stats
  }
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const FileMetaData& v) {
  w.StructBegin();
  w.FieldI32(1, v.version);
  WriteListField(w, 2, v.schema);
  w.FieldI64(3, v.num_rows);
  WriteListField(w, 4, v.row_groups);
  WriteListField(w, 5, v.key_value_metadata);
  WriteOptional(w, 6, v.created_by);
  WriteListField(w, 7, v.column_orders);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const PageLocation& v) {
  w.StructBegin();
  w.FieldI64(1, v.offset);
  w.FieldI32(2, v.compressed_page_size);
  w.FieldI64(3, v.first_row_index);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const OffsetIndex& v) {
  w.StructBegin();
  WriteListField(w, 1, v.page_locations);
  WriteListField(w, 2, v.unencoded_byte_array_data_bytes);
  w.StructEnd();
}

void WriteValue(CompactWriter& w, const ColumnIndex& v) {
  w.StructBegin();
  WriteListField(w, 1, v.null_pages);
  WriteListField(w, 2, v.min_values);
  WriteListField(w, 3, v.max_values);
  WriteEnumField(w, 4, v.boundary_order);
  WriteListField(w, 5, v.null_counts);
  WriteListField(w, 6, v.repetition_level_histograms);
  WriteListField(w, 7, v.definition_level_histograms);
  WriteListField(w, 8, v.nan_counts);
  w.StructEnd();
}

}  // namespace

Status DeserializeFileMetaData(ByteView bytes, FileMetaData* out) {
  *out = FileMetaData();
  CompactReader r(bytes, "Parquet footer");
  return ReadValue(r, out);
}

void SerializeFileMetaData(const FileMetaData& md, ByteBuffer* out) {
  CompactWriter w(out);
  WriteValue(w, md);
}

Status DeserializePageHeader(ByteView bytes, PageHeader* out, size_t* consumed) {
  *out = PageHeader();
  *consumed = 0;
  CompactReader r(bytes, "Parquet page header");
  SL_RETURN_NOT_OK(ReadValue(r, out));
  *consumed = r.position();
  return Status::OK();
}

void SerializePageHeader(const PageHeader& h, ByteBuffer* out) {
  CompactWriter w(out);
  WriteValue(w, h);
}

Status DeserializeColumnIndex(ByteView bytes, ColumnIndex* out) {
  *out = ColumnIndex();
  CompactReader r(bytes, "Parquet page index");
  return ReadValue(r, out);
}

void SerializeColumnIndex(const ColumnIndex& index, ByteBuffer* out) {
  CompactWriter w(out);
  WriteValue(w, index);
}

Status DeserializeOffsetIndex(ByteView bytes, OffsetIndex* out) {
  *out = OffsetIndex();
  CompactReader r(bytes, "Parquet page index");
  return ReadValue(r, out);
}

void SerializeOffsetIndex(const OffsetIndex& index, ByteBuffer* out) {
  CompactWriter w(out);
  WriteValue(w, index);
}

}  // namespace snaplake::parquet
