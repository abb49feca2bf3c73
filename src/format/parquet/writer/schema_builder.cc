#include "format/parquet/writer/schema_builder.h"

namespace snaplake::parquet {

int32_t DecimalByteWidth(int32_t precision) {
  // Smallest n with 2^(8n-1) > 10^precision - 1, i.e. 8n-1 >= precision*log2(10).
  const double bits = precision * 3.321928094887362 + 1;
  int32_t n = static_cast<int32_t>((bits + 7) / 8);
  return n < 1 ? 1 : n;
}

namespace {

LogicalType Logical(LogicalType::Kind kind) {
  LogicalType t{};
  t.kind = kind;
  return t;
}

LogicalType IntLogical(int8_t bits, bool is_signed) {
  LogicalType t = Logical(LogicalType::Kind::kInteger);
  t.bit_width = bits;
  t.is_signed = is_signed;
  return t;
}

LogicalType::TimeUnit ToParquetUnit(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis: return LogicalType::TimeUnit::kMillis;
    case TimeUnit::kMicros: return LogicalType::TimeUnit::kMicros;
    case TimeUnit::kNanos: return LogicalType::TimeUnit::kNanos;
  }
  return LogicalType::TimeUnit::kMicros;
}

FieldRepetitionType RepetitionOf(const Field& f) {
  return f.nullable ? FieldRepetitionType::kOptional : FieldRepetitionType::kRequired;
}

class Builder {
 public:
  explicit Builder(ParquetSchema* out) : out_(out) {}

  Status AddField(const Field& field, FieldRepetitionType repetition, int16_t def, int16_t rep, int top) {
    path_.push_back(field.name);
    if (repetition != FieldRepetitionType::kRequired) ++def;
    if (repetition == FieldRepetitionType::kRepeated) ++rep;
    Status st = field.type.is_nested() ? AddGroup(field, repetition, def, rep, top)
                                       : AddLeaf(field, repetition, def, rep, top);
    path_.pop_back();
    return st;
  }

 private:
  Status AddGroup(const Field& field, FieldRepetitionType repetition, int16_t def, int16_t rep, int top) {
    const Type& type = field.type;
    SchemaElement group;
    group.name = field.name;
    group.repetition_type = repetition;
    switch (type.id) {
      case TypeId::kStruct: {
        if (type.children.empty()) {
          return Status::InvalidArgument("struct column '" + JoinedPath() + "' has no members; Parquet needs at least one");
        }
        group.num_children = static_cast<int32_t>(type.children.size());
        out_->elements.push_back(group);
        for (const Field& child : type.children) {
          SL_RETURN_NOT_OK(AddField(child, RepetitionOf(child), def, rep, top));
        }
        return Status::OK();
      }
      case TypeId::kList: {
        group.num_children = 1;
        group.converted_type = ConvertedType::kList;
        group.logical_type = Logical(LogicalType::Kind::kList);
        out_->elements.push_back(group);
        SchemaElement repeated;
        repeated.name = "list";
        repeated.repetition_type = FieldRepetitionType::kRepeated;
        repeated.num_children = 1;
        out_->elements.push_back(repeated);
        path_.push_back("list");
        Field element = type.children[0];
        element.name = "element";
        Status st = AddField(element, RepetitionOf(element), def + 1, rep + 1, top);
        path_.pop_back();
        return st;
      }
      case TypeId::kMap: {
        if (type.children[0].nullable) {
          return Status::InvalidArgument("map column '" + JoinedPath() + "' has nullable keys; Parquet map keys are required");
        }
        group.num_children = 1;
        group.converted_type = ConvertedType::kMap;
        group.logical_type = Logical(LogicalType::Kind::kMap);
        out_->elements.push_back(group);
        SchemaElement key_value;
        key_value.name = "key_value";
        key_value.repetition_type = FieldRepetitionType::kRepeated;
        key_value.num_children = 2;
        out_->elements.push_back(key_value);
        path_.push_back("key_value");
        Field key = type.children[0];
        key.name = "key";
        Field value = type.children[1];
        value.name = "value";
        Status st = AddField(key, FieldRepetitionType::kRequired, def + 1, rep + 1, top);
        if (st.ok()) st = AddField(value, RepetitionOf(value), def + 1, rep + 1, top);
        path_.pop_back();
        return st;
      }
      default:
        return Status::Internal("not a nested type");
    }
  }

  Status AddLeaf(const Field& field, FieldRepetitionType repetition, int16_t def, int16_t rep, int top) {
    const Type& type = field.type;
    SchemaElement el;
    el.name = field.name;
    el.repetition_type = repetition;
    LeafColumn leaf;
    leaf.path = path_;
    leaf.max_def = def;
    leaf.max_rep = rep;
    leaf.type = type;
    leaf.top_level_field = top;
    leaf.sort_order = SortOrder::kSigned;
    PhysicalType physical = PhysicalType::kInt32;
    switch (type.id) {
      case TypeId::kBoolean:
        physical = PhysicalType::kBoolean;
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kInt8:
        el.logical_type = IntLogical(8, true);
        el.converted_type = ConvertedType::kInt8;
        break;
      case TypeId::kInt16:
        el.logical_type = IntLogical(16, true);
        el.converted_type = ConvertedType::kInt16;
        break;
      case TypeId::kInt32:
        el.logical_type = IntLogical(32, true);
        el.converted_type = ConvertedType::kInt32;
        break;
      case TypeId::kInt64:
        physical = PhysicalType::kInt64;
        el.logical_type = IntLogical(64, true);
        el.converted_type = ConvertedType::kInt64;
        break;
      case TypeId::kUInt8:
        el.logical_type = IntLogical(8, false);
        el.converted_type = ConvertedType::kUint8;
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kUInt16:
        el.logical_type = IntLogical(16, false);
        el.converted_type = ConvertedType::kUint16;
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kUInt32:
        el.logical_type = IntLogical(32, false);
        el.converted_type = ConvertedType::kUint32;
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kUInt64:
        physical = PhysicalType::kInt64;
        el.logical_type = IntLogical(64, false);
        el.converted_type = ConvertedType::kUint64;
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kFloat:
        physical = PhysicalType::kFloat;
        break;
      case TypeId::kDouble:
        physical = PhysicalType::kDouble;
        break;
      case TypeId::kDecimal: {
        if (type.precision < 1 || type.precision > 38 || type.scale < 0 || type.scale > type.precision) {
          return Status::InvalidArgument("column '" + JoinedPath() + "' has " + type.ToString() +
                                         "; Parquet decimals need 1 <= precision <= 38 and 0 <= scale <= precision");
        }
        LogicalType lt = Logical(LogicalType::Kind::kDecimal);
        lt.decimal_precision = type.precision;
        lt.decimal_scale = type.scale;
        el.logical_type = lt;
        el.converted_type = ConvertedType::kDecimal;
        el.precision = type.precision;
        el.scale = type.scale;
        if (type.precision <= 9) {
          physical = PhysicalType::kInt32;
        } else if (type.precision <= 18) {
          physical = PhysicalType::kInt64;
        } else {
          physical = PhysicalType::kFixedLenByteArray;
          leaf.type_length = DecimalByteWidth(type.precision);
          leaf.sort_order = SortOrder::kSignedBigEndian;
        }
        break;
      }
      case TypeId::kString:
        physical = PhysicalType::kByteArray;
        el.logical_type = Logical(LogicalType::Kind::kString);
        el.converted_type = ConvertedType::kUtf8;
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kEnum:
        physical = PhysicalType::kByteArray;
        el.logical_type = Logical(LogicalType::Kind::kEnum);
        el.converted_type = ConvertedType::kEnum;
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kJson:
        physical = PhysicalType::kByteArray;
        el.logical_type = Logical(LogicalType::Kind::kJson);
        el.converted_type = ConvertedType::kJson;
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kBinary:
        physical = PhysicalType::kByteArray;
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kFixedBinary:
        if (type.byte_width < 1) {
          return Status::InvalidArgument("column '" + JoinedPath() + "' has a fixed-size binary of width " +
                                         std::to_string(type.byte_width) + "; the width must be at least 1");
        }
        physical = PhysicalType::kFixedLenByteArray;
        leaf.type_length = type.byte_width;
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kUuid:
        physical = PhysicalType::kFixedLenByteArray;
        leaf.type_length = 16;
        el.logical_type = Logical(LogicalType::Kind::kUuid);
        leaf.sort_order = SortOrder::kUnsigned;
        break;
      case TypeId::kInterval:
        physical = PhysicalType::kFixedLenByteArray;
        leaf.type_length = 12;
        el.converted_type = ConvertedType::kInterval;
        leaf.sort_order = SortOrder::kNone;  // the spec leaves INTERVAL's order undefined
        break;
      case TypeId::kDate:
        el.logical_type = Logical(LogicalType::Kind::kDate);
        el.converted_type = ConvertedType::kDate;
        break;
      case TypeId::kTime: {
        LogicalType lt = Logical(LogicalType::Kind::kTime);
        lt.is_adjusted_to_utc = type.utc;
        lt.unit = ToParquetUnit(type.unit);
        el.logical_type = lt;
        if (type.unit == TimeUnit::kMillis) {
          el.converted_type = ConvertedType::kTimeMillis;
        } else {
          physical = PhysicalType::kInt64;
          if (type.unit == TimeUnit::kMicros) el.converted_type = ConvertedType::kTimeMicros;
        }
        break;
      }
      case TypeId::kTimestamp: {
        physical = PhysicalType::kInt64;
        LogicalType lt = Logical(LogicalType::Kind::kTimestamp);
        lt.is_adjusted_to_utc = type.utc;
        lt.unit = ToParquetUnit(type.unit);
        el.logical_type = lt;
        // The spec asks for the legacy annotation for local timestamps too, so
        // that readers without LogicalType support still see a timestamp.
        if (type.unit == TimeUnit::kMillis) el.converted_type = ConvertedType::kTimestampMillis;
        if (type.unit == TimeUnit::kMicros) el.converted_type = ConvertedType::kTimestampMicros;
        break;
      }
      default:
        return Status::InvalidArgument("column '" + JoinedPath() + "' has type " + type.ToString() +
                                       ", which cannot be a Parquet leaf");
    }
    el.type = physical;
    if (physical == PhysicalType::kFixedLenByteArray) el.type_length = leaf.type_length;
    leaf.physical = physical;
    out_->elements.push_back(el);
    out_->leaves.push_back(std::move(leaf));
    return Status::OK();
  }

  std::string JoinedPath() const {
    std::string s;
    for (const std::string& p : path_) {
      if (!s.empty()) s += '.';
      s += p;
    }
    return s;
  }

  ParquetSchema* out_;
  std::vector<std::string> path_;
};

}  // namespace

Result<ParquetSchema> BuildParquetSchema(const Schema& schema) {
  ParquetSchema out;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema.fields.size());
  out.elements.push_back(root);
  Builder builder(&out);
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const Field& f = schema.fields[i];
    SL_RETURN_NOT_OK(builder.AddField(f, RepetitionOf(f), 0, 0, static_cast<int>(i)));
  }
  return out;
}

}  // namespace snaplake::parquet
