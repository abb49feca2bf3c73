// The logical schema every layer shares: a Schema is a list of Fields, a Field
// is a name, a Type and nullability. Types nest (LIST, MAP, STRUCT) to any
// depth. Sources produce it, the Parquet writer maps it to Parquet's schema,
// the reader maps Parquet's schema back to it, Delta maps it to Spark's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace snaplake {

enum class TypeId : uint8_t {
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat,
  kDouble,
  kDecimal,      // precision 1..38, scale 0..precision
  kString,       // UTF-8
  kBinary,
  kFixedBinary,  // byte_width bytes
  kJson,         // UTF-8 text of a JSON document
  kEnum,         // UTF-8 label
  kUuid,         // 16 bytes, big-endian as in RFC 4122
  kDate,         // days since 1970-01-01
  kTime,         // time of day in `unit` since midnight
  kTimestamp,    // `unit` since the epoch; utc = instant, else local (wall clock)
  kInterval,     // Parquet's legacy INTERVAL: 12 bytes (months, days, millis), little-endian
  kList,         // children[0] is the element
  kMap,          // children[0] is the key (never null), children[1] the value
  kStruct,       // children are the members
};

enum class TimeUnit : uint8_t { kMillis, kMicros, kNanos };

struct Field;

struct Type {
  Type() = default;
  // Defined below, once Field is complete (std::vector<Field> needs it).
  explicit Type(TypeId type_id);

  TypeId id = TypeId::kInt32;
  int32_t precision = 0;  // kDecimal
  int32_t scale = 0;      // kDecimal
  int32_t byte_width = 0; // kFixedBinary (kUuid: 16, kInterval: 12)
  TimeUnit unit = TimeUnit::kMicros;  // kTime, kTimestamp
  bool utc = false;                   // kTime, kTimestamp: isAdjustedToUTC
  std::vector<Field> children;        // kList, kMap, kStruct

  static Type Boolean();
  static Type Int8();
  static Type Int16();
  static Type Int32();
  static Type Int64();
  static Type UInt8();
  static Type UInt16();
  static Type UInt32();
  static Type UInt64();
  static Type Float();
  static Type Double();
  static Type Decimal(int32_t precision, int32_t scale);
  static Type String();
  static Type Binary();
  static Type FixedBinary(int32_t width);
  static Type Json();
  static Type Enum();
  static Type Uuid();
  static Type Date();
  static Type Time(TimeUnit unit = TimeUnit::kMicros, bool utc = false);
  static Type Timestamp(TimeUnit unit, bool utc);
  static Type Interval();
  static Type List(Field element);
  static Type Map(Field key, Field value);
  static Type Struct(std::vector<Field> members);

  bool is_nested() const { return id == TypeId::kList || id == TypeId::kMap || id == TypeId::kStruct; }
  // Strings and binaries: stored as offsets + bytes in a Column.
  bool is_variable_width() const;
  // Bytes per value in Column::values for fixed-width types (0 for variable/nested).
  int value_width() const;

  // Human-readable, e.g. "DECIMAL(12,2)", "LIST<STRING>", "TIMESTAMP(MICROS,UTC)".
  std::string ToString() const;
  bool operator==(const Type& other) const;
};

struct Field {
  std::string name;
  Type type;
  bool nullable = true;

  bool operator==(const Field& other) const = default;
};

inline Type::Type(TypeId type_id) : id(type_id) {}
inline Type Type::Boolean() { return Type{TypeId::kBoolean}; }
inline Type Type::Int8() { return Type{TypeId::kInt8}; }
inline Type Type::Int16() { return Type{TypeId::kInt16}; }
inline Type Type::Int32() { return Type{TypeId::kInt32}; }
inline Type Type::Int64() { return Type{TypeId::kInt64}; }
inline Type Type::UInt8() { return Type{TypeId::kUInt8}; }
inline Type Type::UInt16() { return Type{TypeId::kUInt16}; }
inline Type Type::UInt32() { return Type{TypeId::kUInt32}; }
inline Type Type::UInt64() { return Type{TypeId::kUInt64}; }
inline Type Type::Float() { return Type{TypeId::kFloat}; }
inline Type Type::Double() { return Type{TypeId::kDouble}; }
inline Type Type::String() { return Type{TypeId::kString}; }
inline Type Type::Binary() { return Type{TypeId::kBinary}; }
inline Type Type::Json() { return Type{TypeId::kJson}; }
inline Type Type::Enum() { return Type{TypeId::kEnum}; }
inline Type Type::Date() { return Type{TypeId::kDate}; }

struct Schema {
  std::vector<Field> fields;

  int num_fields() const { return static_cast<int>(fields.size()); }
  // Index of the top-level field named `name`, or -1.
  int FieldIndex(const std::string& name) const;
  std::string ToString() const;
  bool operator==(const Schema& other) const = default;
};

const char* TypeIdName(TypeId id);
const char* TimeUnitName(TimeUnit unit);

}  // namespace snaplake
