#include "format/parquet/reader/schema_converter.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace snaplake::parquet {

namespace {

using Kind = LogicalType::Kind;

TimeUnit ToTimeUnit(LogicalType::TimeUnit unit) {
  switch (unit) {
    case LogicalType::TimeUnit::kMillis: return TimeUnit::kMillis;
    case LogicalType::TimeUnit::kMicros: return TimeUnit::kMicros;
    case LogicalType::TimeUnit::kNanos: return TimeUnit::kNanos;
  }
  return TimeUnit::kMicros;
}

bool IsFixed(const SchemaElement& el, int32_t width) {
  return *el.type == PhysicalType::kFixedLenByteArray && el.type_length.value_or(0) == width;
}

// Decimal storage for a physical type; false when the pair makes no sense.
bool MapDecimal(const SchemaElement& el, int32_t precision, int32_t scale, Type* type, ValueConversion* conv) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) return false;
  const bool wide = precision > 18;
  switch (*el.type) {
    case PhysicalType::kInt32:
      *conv = wide ? ValueConversion::kInt32ToInt128 : ValueConversion::kInt32ToInt64;
      break;
    case PhysicalType::kInt64:
      *conv = wide ? ValueConversion::kInt64ToInt128 : ValueConversion::kNone;
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      *conv = wide ? ValueConversion::kBytesToDecimal128 : ValueConversion::kBytesToDecimal64;
      break;
    default:
      return false;
  }
  *type = Type::Decimal(precision, scale);
  return true;
}

bool MapLogical(const SchemaElement& el, const LogicalType& lt, Type* type, ValueConversion* conv) {
  const PhysicalType p = *el.type;
  const bool bytes = p == PhysicalType::kByteArray;
  switch (lt.kind) {
    case Kind::kString:
      if (!bytes) return false;
      *type = Type::String();
      return true;
    case Kind::kEnum:
      if (!bytes) return false;
      *type = Type::Enum();
      return true;
    case Kind::kJson:
      if (!bytes) return false;
      *type = Type::Json();
      return true;
    case Kind::kBson:
    case Kind::kGeometry:
    case Kind::kGeography:
      if (!bytes) return false;
      *type = Type::Binary();
      return true;
    case Kind::kUuid:
      if (!IsFixed(el, 16)) return false;
      *type = Type::Uuid();
      return true;
    case Kind::kFloat16:
      if (!IsFixed(el, 2)) return false;
      *type = Type::Float();
      *conv = ValueConversion::kFloat16ToFloat;
      return true;
    case Kind::kDecimal:
      return MapDecimal(el, lt.decimal_precision, lt.decimal_scale, type, conv);
    case Kind::kDate:
      if (p != PhysicalType::kInt32) return false;
      *type = Type::Date();
      return true;
    case Kind::kTime:
      if (lt.unit == LogicalType::TimeUnit::kMillis ? p != PhysicalType::kInt32 : p != PhysicalType::kInt64) {
        return false;
      }
      *type = Type::Time(ToTimeUnit(lt.unit), lt.is_adjusted_to_utc);
      // A Column holds every TIME as int64 (see column_batch.h).
      if (p == PhysicalType::kInt32) *conv = ValueConversion::kInt32ToInt64;
      return true;
    case Kind::kTimestamp:
      if (p != PhysicalType::kInt64) return false;
      *type = Type::Timestamp(ToTimeUnit(lt.unit), lt.is_adjusted_to_utc);
      return true;
    case Kind::kInteger:
      if (p == PhysicalType::kInt64) {
        if (lt.bit_width != 64) return false;
        *type = lt.is_signed ? Type::Int64() : Type::UInt64();
        return true;
      }
      if (p != PhysicalType::kInt32) return false;
      switch (lt.bit_width) {
        case 8: *type = lt.is_signed ? Type::Int8() : Type::UInt8(); return true;
        case 16: *type = lt.is_signed ? Type::Int16() : Type::UInt16(); return true;
        case 32: *type = lt.is_signed ? Type::Int32() : Type::UInt32(); return true;
        default: return false;
      }
    default:
      // kUnknown (always-null columns), kUnrecognized, group-only annotations.
      return false;
  }
}

bool MapConverted(const SchemaElement& el, ConvertedType ct, Type* type, ValueConversion* conv) {
  const PhysicalType p = *el.type;
  const bool bytes = p == PhysicalType::kByteArray;
  const bool i32 = p == PhysicalType::kInt32;
  const bool i64 = p == PhysicalType::kInt64;
  switch (ct) {
    case ConvertedType::kUtf8:
      if (!bytes) return false;
      *type = Type::String();
      return true;
    case ConvertedType::kEnum:
      if (!bytes) return false;
      *type = Type::Enum();
      return true;
    case ConvertedType::kJson:
      if (!bytes) return false;
      *type = Type::Json();
      return true;
    case ConvertedType::kBson:
      if (!bytes) return false;
      *type = Type::Binary();
      return true;
    case ConvertedType::kDecimal:
      if (!el.precision) return false;
      return MapDecimal(el, *el.precision, el.scale.value_or(0), type, conv);
    case ConvertedType::kDate:
      if (!i32) return false;
      *type = Type::Date();
      return true;
    // LogicalTypes.md calls the legacy time annotations UTC-adjusted, but the
    // writers that emit them alone meant wall-clock time, and DuckDB and Arrow
    // read them so; we follow the readers.
    case ConvertedType::kTimeMillis:
      if (!i32) return false;
      *type = Type::Time(TimeUnit::kMillis, false);
      *conv = ValueConversion::kInt32ToInt64;  // TIME is int64 in a Column
      return true;
    case ConvertedType::kTimeMicros:
      if (!i64) return false;
      *type = Type::Time(TimeUnit::kMicros, false);
      return true;
    case ConvertedType::kTimestampMillis:
      if (!i64) return false;
      *type = Type::Timestamp(TimeUnit::kMillis, false);
      return true;
    case ConvertedType::kTimestampMicros:
      if (!i64) return false;
      *type = Type::Timestamp(TimeUnit::kMicros, false);
      return true;
    case ConvertedType::kUint8: if (!i32) return false; *type = Type::UInt8(); return true;
    case ConvertedType::kUint16: if (!i32) return false; *type = Type::UInt16(); return true;
    case ConvertedType::kUint32: if (!i32) return false; *type = Type::UInt32(); return true;
    case ConvertedType::kUint64: if (!i64) return false; *type = Type::UInt64(); return true;
    case ConvertedType::kInt8: if (!i32) return false; *type = Type::Int8(); return true;
    case ConvertedType::kInt16: if (!i32) return false; *type = Type::Int16(); return true;
    case ConvertedType::kInt32: if (!i32) return false; *type = Type::Int32(); return true;
    case ConvertedType::kInt64: if (!i64) return false; *type = Type::Int64(); return true;
    case ConvertedType::kInterval:
      if (!IsFixed(el, 12)) return false;
      *type = Type::Interval();
      return true;
    default:
      return false;
  }
}

void MapPhysical(const SchemaElement& el, Type* type, ValueConversion* conv, const SchemaOptions& options) {
  *conv = ValueConversion::kNone;
  switch (*el.type) {
    case PhysicalType::kBoolean: *type = Type::Boolean(); return;
    case PhysicalType::kInt32: *type = Type::Int32(); return;
    case PhysicalType::kInt64: *type = Type::Int64(); return;
    // Spark's and Impala's timestamps; read as wall-clock nanoseconds, as DuckDB and Arrow do.
    case PhysicalType::kInt96:
      if (options.int96_unit == TimeUnit::kMicros) {
        *type = Type::Timestamp(TimeUnit::kMicros, false);
        *conv = ValueConversion::kInt96ToMicros;
      } else {
        *type = Type::Timestamp(TimeUnit::kNanos, false);
        *conv = ValueConversion::kInt96ToNanos;
      }
      return;
    case PhysicalType::kFloat: *type = Type::Float(); return;
    case PhysicalType::kDouble: *type = Type::Double(); return;
    case PhysicalType::kByteArray: *type = Type::Binary(); return;
    case PhysicalType::kFixedLenByteArray: *type = Type::FixedBinary(el.type_length.value_or(0)); return;
  }
}

// The Parquet schema as a tree (the file stores it flattened, depth first).
struct PNode {
  const SchemaElement* el = nullptr;
  std::vector<PNode> children;
  bool group = false;
  bool is_group() const { return group; }
  bool repeated() const { return el->repetition_type == FieldRepetitionType::kRepeated; }
  bool optional() const { return el->repetition_type == FieldRepetitionType::kOptional; }
  bool annotated(Kind logical, ConvertedType converted) const {
    if (el->logical_type && el->logical_type->kind == logical) return true;
    return el->converted_type == converted;
  }
};

class TreeBuilder {
 public:
  explicit TreeBuilder(const std::vector<SchemaElement>& elements) : elements_(elements) {}

  Status Build(PNode* root) {
    if (elements_.empty()) return Status::Corruption("the schema has no elements");
    SL_RETURN_NOT_OK(BuildNode(root, 0));
    if (next_ != elements_.size()) {
      return Status::Corruption("the schema has " + std::to_string(elements_.size()) +
                                " elements but its tree uses only " + std::to_string(next_));
    }
    return Status::OK();
  }

 private:
  Status BuildNode(PNode* node, int depth) {
    if (depth > kMaxSchemaDepth) {
      return Status::Corruption("the schema nests deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
    }
    const SchemaElement& el = elements_[next_++];
    node->el = &el;
    const int32_t n = el.num_children.value_or(0);
    if (n < 0) return Status::Corruption("schema element '" + PrintableName(el.name) + "' has a negative child count");
    // The root is a group even without children (a file without columns); elsewhere
    // children make a group, and a type set alongside them is ignored.
    if (depth == 0 || n > 0) {
      node->group = true;
      node->children.reserve(std::min<size_t>(static_cast<size_t>(n), elements_.size() - next_));
      for (int32_t i = 0; i < n; ++i) SL_RETURN_NOT_OK(BuildChild(node, depth));
      return Status::OK();
    }
    if (!el.type) return Status::Corruption("schema group '" + PrintableName(el.name) + "' has no children");
    const int32_t p = static_cast<int32_t>(*el.type);
    if (p < 0 || p > static_cast<int32_t>(PhysicalType::kFixedLenByteArray)) {
      return Status::Corruption("schema element '" + PrintableName(el.name) + "' has unknown physical type " +
                                std::to_string(p));
    }
    if (*el.type == PhysicalType::kFixedLenByteArray && el.type_length.value_or(0) <= 0) {
      return Status::Corruption("FIXED_LEN_BYTE_ARRAY column '" + PrintableName(el.name) + "' has no valid type_length");
    }
    return Status::OK();
  }

  Status BuildChild(PNode* parent, int depth) {
    if (next_ >= elements_.size()) {
      return Status::Corruption("schema group '" + PrintableName(parent->el->name) +
                                "' claims more children than the schema holds");
    }
    parent->children.emplace_back();
    return BuildNode(&parent->children.back(), depth + 1);
  }

  const std::vector<SchemaElement>& elements_;
  size_t next_ = 0;
};

class Converter {
 public:
  Converter(FileSchema* out, const SchemaOptions& options) : out_(out), options_(options) {}

  // Converts `node` as a member of a struct (or the root), whose slots it shares.
  // parent_def/parent_rep: the levels at which the parent is non-null.
  Status ConvertField(const PNode& node, int16_t parent_def, int16_t parent_rep, int16_t slot_rep,
                      int16_t slot_def, Field* field, ReadNode* rn) {
    field->name = node.el->name;
    path_.push_back(node.el->name);
    Status st;
    if (node.repeated()) {
      // A repeated field outside a LIST/MAP: a required list of required elements.
      rn->kind = ReadNode::Kind::kList;
      rn->def_level = parent_def;
      rn->slot_rep = slot_rep;
      rn->slot_def = slot_def;
      rn->child_def = static_cast<int16_t>(parent_def + 1);
      rn->child_rep = static_cast<int16_t>(parent_rep + 1);
      rn->leaf = static_cast<int>(out_->leaves.size());
      rn->children.resize(1);
      Field element;
      st = ConvertType(node, rn->child_def, rn->child_rep, rn->child_rep, rn->child_def, &element.type,
                       &rn->children[0]);
      element.name = "element";
      element.nullable = false;
      field->type = Type::List(std::move(element));
      field->nullable = false;
    } else {
      const int16_t def = static_cast<int16_t>(parent_def + (node.optional() ? 1 : 0));
      st = ConvertType(node, def, parent_rep, slot_rep, slot_def, &field->type, rn);
      field->nullable = node.optional();
    }
    path_.pop_back();
    return st;
  }

  // Converts the type of `node`, whose own repetition is already counted in def/rep.
  Status ConvertType(const PNode& node, int16_t def, int16_t rep, int16_t slot_rep, int16_t slot_def, Type* type,
                     ReadNode* rn) {
    rn->def_level = def;
    rn->slot_rep = slot_rep;
    rn->slot_def = slot_def;
    rn->leaf = static_cast<int>(out_->leaves.size());
    if (!node.is_group()) return AddLeaf(node, def, rep, type, rn);
    if (node.annotated(Kind::kList, ConvertedType::kList) && IsListShaped(node)) {
      return ConvertList(node, def, rep, type, rn);
    }
    if ((node.annotated(Kind::kMap, ConvertedType::kMap) ||
         node.annotated(Kind::kMap, ConvertedType::kMapKeyValue)) &&
        IsMapShaped(node)) {
      return ConvertMap(node, def, rep, type, rn);
    }
    // A plain group (or an annotation whose shape we cannot honour): a struct.
    rn->kind = ReadNode::Kind::kStruct;
    std::vector<Field> members(node.children.size());
    rn->children.resize(node.children.size());
    for (size_t i = 0; i < node.children.size(); ++i) {
      SL_RETURN_NOT_OK(ConvertField(node.children[i], def, rep, slot_rep, slot_def, &members[i], &rn->children[i]));
    }
    *type = Type::Struct(std::move(members));
    return Status::OK();
  }

 private:
  static bool IsListShaped(const PNode& node) {
    return node.children.size() == 1 && node.children[0].repeated();
  }
  static bool IsMapShaped(const PNode& node) {
    if (node.children.size() != 1) return false;
    const PNode& kv = node.children[0];
    return kv.repeated() && kv.is_group() && (kv.children.size() == 1 || kv.children.size() == 2);
  }

  Status ConvertList(const PNode& node, int16_t def, int16_t rep, Type* type, ReadNode* rn) {
    const PNode& repeated = node.children[0];
    rn->kind = ReadNode::Kind::kList;
    rn->child_def = static_cast<int16_t>(def + 1);
    rn->child_rep = static_cast<int16_t>(rep + 1);
    rn->children.resize(1);
    Field element;
    path_.push_back(repeated.el->name);
    Status st;
    // LogicalTypes.md, backward-compatibility rules 1-4: the repeated field itself is the (required) element.
    bool repeated_is_element = !repeated.is_group() || repeated.children.size() > 1 ||
                               (repeated.children.size() == 1 && repeated.children[0].repeated()) ||
                               repeated.el->name == "array" || repeated.el->name == node.el->name + "_tuple";
    if (repeated_is_element) {
      st = ConvertType(repeated, rn->child_def, rn->child_rep, rn->child_rep, rn->child_def, &element.type,
                       &rn->children[0]);
      element.nullable = false;
    } else {
      // Rule 5, the standard 3-level list: the repeated group's only field is the element.
      st = ConvertField(repeated.children[0], rn->child_def, rn->child_rep, rn->child_rep, rn->child_def, &element,
                        &rn->children[0]);
    }
    path_.pop_back();
    SL_RETURN_NOT_OK(st);
    element.name = "element";
    *type = Type::List(std::move(element));
    return Status::OK();
  }

  Status ConvertMap(const PNode& node, int16_t def, int16_t rep, Type* type, ReadNode* rn) {
    const PNode& kv = node.children[0];
    rn->child_def = static_cast<int16_t>(def + 1);
    rn->child_rep = static_cast<int16_t>(rep + 1);
    path_.push_back(kv.el->name);
    Field key;
    Field value;
    Status st;
    if (kv.children.size() == 1) {
      // A map without values: a list of its keys (the spec allows reading it as a set).
      rn->kind = ReadNode::Kind::kList;
      rn->children.resize(1);
      st = ConvertField(kv.children[0], rn->child_def, rn->child_rep, rn->child_rep, rn->child_def, &key,
                        &rn->children[0]);
      path_.pop_back();
      SL_RETURN_NOT_OK(st);
      key.name = "element";
      *type = Type::List(std::move(key));
      return Status::OK();
    }
    rn->kind = ReadNode::Kind::kMap;
    rn->children.resize(2);
    st = ConvertField(kv.children[0], rn->child_def, rn->child_rep, rn->child_rep, rn->child_def, &key,
                      &rn->children[0]);
    if (st.ok()) {
      st = ConvertField(kv.children[1], rn->child_def, rn->child_rep, rn->child_rep, rn->child_def, &value,
                        &rn->children[1]);
    }
    path_.pop_back();
    SL_RETURN_NOT_OK(st);
    key.name = "key";
    value.name = "value";
    *type = Type::Map(std::move(key), std::move(value));
    return Status::OK();
  }

  Status AddLeaf(const PNode& node, int16_t def, int16_t rep, Type* type, ReadNode* rn) {
    rn->kind = ReadNode::Kind::kLeaf;
    LeafInfo leaf;
    leaf.path = path_;
    for (const std::string& p : path_) {
      if (!leaf.dotted_path.empty()) leaf.dotted_path += '.';
      leaf.dotted_path += p;
    }
    leaf.dotted_path = PrintableName(leaf.dotted_path);
    leaf.physical = *node.el->type;
    leaf.type_length = node.el->type_length.value_or(0);
    MapPrimitiveType(*node.el, &leaf.type, &leaf.conversion, options_);
    leaf.max_def = def;
    leaf.max_rep = rep;
    *type = leaf.type;
    out_->leaves.push_back(std::move(leaf));
    return Status::OK();
  }

  FileSchema* out_;
  const SchemaOptions& options_;
  std::vector<std::string> path_;
};

}  // namespace

std::string PrintableName(std::string_view name) {
  constexpr size_t kMaxBytes = 200;
  std::string out;
  char buf[8];
  for (size_t i = 0; i < name.size() && i < kMaxBytes; ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) {
      std::snprintf(buf, sizeof(buf), "\\x%02X", c);
      out.append(buf);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (name.size() > kMaxBytes) out.append("...");
  return out;
}

void MapPrimitiveType(const SchemaElement& el, Type* type, ValueConversion* conversion,
                      const SchemaOptions& options) {
  *conversion = ValueConversion::kNone;
  if (el.logical_type && MapLogical(el, *el.logical_type, type, conversion)) return;
  *conversion = ValueConversion::kNone;
  if (el.converted_type && MapConverted(el, *el.converted_type, type, conversion)) return;
  MapPhysical(el, type, conversion, options);
}

Result<FileSchema> ConvertSchema(const std::vector<SchemaElement>& elements, const SchemaOptions& options) {
  PNode root;
  SL_RETURN_NOT_OK(TreeBuilder(elements).Build(&root));
  FileSchema out;
  Converter converter(&out, options);
  out.schema.fields.resize(root.children.size());
  out.nodes.resize(root.children.size());
  for (size_t i = 0; i < root.children.size(); ++i) {
    out.first_leaf.push_back(static_cast<int>(out.leaves.size()));
    SL_RETURN_NOT_OK(converter.ConvertField(root.children[i], 0, 0, 0, 0, &out.schema.fields[i], &out.nodes[i]));
  }
  out.first_leaf.push_back(static_cast<int>(out.leaves.size()));
  return out;
}

}  // namespace snaplake::parquet
