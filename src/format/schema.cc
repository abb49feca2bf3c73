#include "format/schema.h"

#include <utility>

namespace snaplake {

Type Type::Decimal(int32_t precision, int32_t scale) {
  Type t{TypeId::kDecimal};
  t.precision = precision;
  t.scale = scale;
  return t;
}

Type Type::FixedBinary(int32_t width) {
  Type t{TypeId::kFixedBinary};
  t.byte_width = width;
  return t;
}

Type Type::Uuid() {
  Type t{TypeId::kUuid};
  t.byte_width = 16;
  return t;
}

Type Type::Interval() {
  Type t{TypeId::kInterval};
  t.byte_width = 12;
  return t;
}

Type Type::Time(TimeUnit unit, bool utc) {
  Type t{TypeId::kTime};
  t.unit = unit;
  t.utc = utc;
  return t;
}

Type Type::Timestamp(TimeUnit unit, bool utc) {
  Type t{TypeId::kTimestamp};
  t.unit = unit;
  t.utc = utc;
  return t;
}

Type Type::List(Field element) {
  Type t{TypeId::kList};
  t.children.push_back(std::move(element));
  return t;
}

Type Type::Map(Field key, Field value) {
  Type t{TypeId::kMap};
  key.nullable = false;
  t.children.push_back(std::move(key));
  t.children.push_back(std::move(value));
  return t;
}

Type Type::Struct(std::vector<Field> members) {
  Type t{TypeId::kStruct};
  t.children = std::move(members);
  return t;
}

bool Type::is_variable_width() const {
  switch (id) {
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kJson:
    case TypeId::kEnum:
      return true;
    default:
      return false;
  }
}

int Type::value_width() const {
  switch (id) {
    case TypeId::kBoolean: return 1;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
      return 8;
    case TypeId::kFloat: return 4;
    case TypeId::kDouble: return 8;
    case TypeId::kDecimal: return precision <= 18 ? 8 : 16;
    case TypeId::kFixedBinary:
    case TypeId::kUuid:
    case TypeId::kInterval:
      return byte_width;
    default:
      return 0;
  }
}

bool Type::operator==(const Type& o) const {
  if (id != o.id) return false;
  switch (id) {
    case TypeId::kDecimal: return precision == o.precision && scale == o.scale;
    case TypeId::kFixedBinary: return byte_width == o.byte_width;
    case TypeId::kTime:
    case TypeId::kTimestamp:
      return unit == o.unit && utc == o.utc;
    case TypeId::kList:
    case TypeId::kMap:
    case TypeId::kStruct:
      return children == o.children;
    default:
      return true;
  }
}

const char* TypeIdName(TypeId id) {
  switch (id) {
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kInt8: return "INT8";
    case TypeId::kInt16: return "INT16";
    case TypeId::kInt32: return "INT32";
    case TypeId::kInt64: return "INT64";
    case TypeId::kUInt8: return "UINT8";
    case TypeId::kUInt16: return "UINT16";
    case TypeId::kUInt32: return "UINT32";
    case TypeId::kUInt64: return "UINT64";
    case TypeId::kFloat: return "FLOAT";
    case TypeId::kDouble: return "DOUBLE";
    case TypeId::kDecimal: return "DECIMAL";
    case TypeId::kString: return "STRING";
    case TypeId::kBinary: return "BINARY";
    case TypeId::kFixedBinary: return "FIXED_BINARY";
    case TypeId::kJson: return "JSON";
    case TypeId::kEnum: return "ENUM";
    case TypeId::kUuid: return "UUID";
    case TypeId::kDate: return "DATE";
    case TypeId::kTime: return "TIME";
    case TypeId::kTimestamp: return "TIMESTAMP";
    case TypeId::kInterval: return "INTERVAL";
    case TypeId::kList: return "LIST";
    case TypeId::kMap: return "MAP";
    case TypeId::kStruct: return "STRUCT";
  }
  return "UNKNOWN";
}

const char* TimeUnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis: return "MILLIS";
    case TimeUnit::kMicros: return "MICROS";
    case TimeUnit::kNanos: return "NANOS";
  }
  return "UNKNOWN";
}

std::string Type::ToString() const {
  std::string s = TypeIdName(id);
  switch (id) {
    case TypeId::kDecimal:
      return s + "(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case TypeId::kFixedBinary:
      return s + "(" + std::to_string(byte_width) + ")";
    case TypeId::kTime:
    case TypeId::kTimestamp:
      return s + "(" + TimeUnitName(unit) + (utc ? ",UTC" : "") + ")";
    case TypeId::kList:
      return s + "<" + children[0].type.ToString() + ">";
    case TypeId::kMap:
      return s + "<" + children[0].type.ToString() + "," + children[1].type.ToString() + ">";
    case TypeId::kStruct: {
      s += "<";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i) s += ",";
        s += children[i].name + ":" + children[i].type.ToString();
      }
      return s + ">";
    }
    default:
      return s;
  }
}

int Schema::FieldIndex(const std::string& name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string s;
  for (const Field& f : fields) {
    s += f.name + ": " + f.type.ToString() + (f.nullable ? "" : " NOT NULL") + "\n";
  }
  return s;
}

}  // namespace snaplake
