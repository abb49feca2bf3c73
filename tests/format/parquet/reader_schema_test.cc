// The reader's type mapping (every logical and legacy converted type, and the
// fallbacks for unknown or ill-fitting annotations), its value conversions,
// and schema trees that must be refused.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "format/parquet/reader/schema_converter.h"
#include "format/parquet/reader/value_converter.h"

namespace snaplake::parquet {
namespace {

SchemaElement Prim(PhysicalType p, int32_t type_length = 0) {
  SchemaElement e;
  e.name = "x";
  e.repetition_type = FieldRepetitionType::kOptional;
  e.type = p;
  if (type_length > 0) e.type_length = type_length;
  return e;
}

SchemaElement WithLogical(SchemaElement e, LogicalType::Kind kind) {
  LogicalType lt;
  lt.kind = kind;
  e.logical_type = lt;
  return e;
}

SchemaElement WithConverted(SchemaElement e, ConvertedType ct) {
  e.converted_type = ct;
  return e;
}

Type Mapped(const SchemaElement& e, ValueConversion* conv = nullptr, SchemaOptions options = {}) {
  Type t;
  ValueConversion c;
  MapPrimitiveType(e, &t, &c, options);
  if (conv) *conv = c;
  return t;
}

SchemaElement Integer(PhysicalType p, int bits, bool is_signed) {
  SchemaElement e = WithLogical(Prim(p), LogicalType::Kind::kInteger);
  e.logical_type->bit_width = static_cast<int8_t>(bits);
  e.logical_type->is_signed = is_signed;
  return e;
}

SchemaElement TimeLike(PhysicalType p, LogicalType::Kind kind, LogicalType::TimeUnit unit, bool utc) {
  SchemaElement e = WithLogical(Prim(p), kind);
  e.logical_type->unit = unit;
  e.logical_type->is_adjusted_to_utc = utc;
  return e;
}

SchemaElement Decimal(SchemaElement e, int precision, int scale) {
  e = WithLogical(std::move(e), LogicalType::Kind::kDecimal);
  e.logical_type->decimal_precision = precision;
  e.logical_type->decimal_scale = scale;
  return e;
}

using P = PhysicalType;
using K = LogicalType::Kind;
using U = LogicalType::TimeUnit;

TEST(ReaderTypeMapping, PhysicalTypes) {
  EXPECT_EQ(Mapped(Prim(P::kBoolean)), Type::Boolean());
  EXPECT_EQ(Mapped(Prim(P::kInt32)), Type::Int32());
  EXPECT_EQ(Mapped(Prim(P::kInt64)), Type::Int64());
  EXPECT_EQ(Mapped(Prim(P::kFloat)), Type::Float());
  EXPECT_EQ(Mapped(Prim(P::kDouble)), Type::Double());
  EXPECT_EQ(Mapped(Prim(P::kByteArray)), Type::Binary());
  EXPECT_EQ(Mapped(Prim(P::kFixedLenByteArray, 7)), Type::FixedBinary(7));
  ValueConversion conv;
  EXPECT_EQ(Mapped(Prim(P::kInt96), &conv), Type::Timestamp(TimeUnit::kNanos, false));
  EXPECT_EQ(conv, ValueConversion::kInt96ToNanos);
  SchemaOptions micros;
  micros.int96_unit = TimeUnit::kMicros;
  EXPECT_EQ(Mapped(Prim(P::kInt96), &conv, micros), Type::Timestamp(TimeUnit::kMicros, false));
  EXPECT_EQ(conv, ValueConversion::kInt96ToMicros);
}

TEST(ReaderTypeMapping, LogicalTypes) {
  EXPECT_EQ(Mapped(Integer(P::kInt32, 8, true)), Type::Int8());
  EXPECT_EQ(Mapped(Integer(P::kInt32, 16, true)), Type::Int16());
  EXPECT_EQ(Mapped(Integer(P::kInt32, 32, true)), Type::Int32());
  EXPECT_EQ(Mapped(Integer(P::kInt32, 8, false)), Type::UInt8());
  EXPECT_EQ(Mapped(Integer(P::kInt32, 16, false)), Type::UInt16());
  EXPECT_EQ(Mapped(Integer(P::kInt32, 32, false)), Type::UInt32());
  EXPECT_EQ(Mapped(Integer(P::kInt64, 64, true)), Type::Int64());
  EXPECT_EQ(Mapped(Integer(P::kInt64, 64, false)), Type::UInt64());
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kByteArray), K::kString)), Type::String());
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kByteArray), K::kEnum)), Type::Enum());
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kByteArray), K::kJson)), Type::Json());
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kByteArray), K::kBson)), Type::Binary());
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kByteArray), K::kGeometry)), Type::Binary());
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kByteArray), K::kGeography)), Type::Binary());
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kFixedLenByteArray, 16), K::kUuid)), Type::Uuid());
  ValueConversion conv;
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kFixedLenByteArray, 2), K::kFloat16), &conv), Type::Float());
  EXPECT_EQ(conv, ValueConversion::kFloat16ToFloat);
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kInt32), K::kDate)), Type::Date());
  EXPECT_EQ(Mapped(TimeLike(P::kInt32, K::kTime, U::kMillis, true)), Type::Time(TimeUnit::kMillis, true));
  EXPECT_EQ(Mapped(TimeLike(P::kInt64, K::kTime, U::kMicros, false)), Type::Time(TimeUnit::kMicros, false));
  EXPECT_EQ(Mapped(TimeLike(P::kInt64, K::kTime, U::kNanos, false)), Type::Time(TimeUnit::kNanos, false));
  EXPECT_EQ(Mapped(TimeLike(P::kInt64, K::kTimestamp, U::kMillis, true)), Type::Timestamp(TimeUnit::kMillis, true));
  EXPECT_EQ(Mapped(TimeLike(P::kInt64, K::kTimestamp, U::kMicros, false)),
            Type::Timestamp(TimeUnit::kMicros, false));
  EXPECT_EQ(Mapped(TimeLike(P::kInt64, K::kTimestamp, U::kNanos, true)), Type::Timestamp(TimeUnit::kNanos, true));
}

TEST(ReaderTypeMapping, DecimalsOnEveryPhysicalType) {
  ValueConversion conv;
  EXPECT_EQ(Mapped(Decimal(Prim(P::kInt32), 9, 2), &conv), Type::Decimal(9, 2));
  EXPECT_EQ(conv, ValueConversion::kInt32ToInt64);
  EXPECT_EQ(Mapped(Decimal(Prim(P::kInt64), 18, 3), &conv), Type::Decimal(18, 3));
  EXPECT_EQ(conv, ValueConversion::kNone);
  EXPECT_EQ(Mapped(Decimal(Prim(P::kInt64), 20, 3), &conv), Type::Decimal(20, 3));
  EXPECT_EQ(conv, ValueConversion::kInt64ToInt128);
  EXPECT_EQ(Mapped(Decimal(Prim(P::kFixedLenByteArray, 6), 13, 2), &conv), Type::Decimal(13, 2));
  EXPECT_EQ(conv, ValueConversion::kBytesToDecimal64);
  EXPECT_EQ(Mapped(Decimal(Prim(P::kFixedLenByteArray, 16), 38, 10), &conv), Type::Decimal(38, 10));
  EXPECT_EQ(conv, ValueConversion::kBytesToDecimal128);
  EXPECT_EQ(Mapped(Decimal(Prim(P::kByteArray), 4, 2), &conv), Type::Decimal(4, 2));
  EXPECT_EQ(conv, ValueConversion::kBytesToDecimal64);
  // Beyond what a Decimal type holds: the physical type.
  EXPECT_EQ(Mapped(Decimal(Prim(P::kByteArray), 40, 2), &conv), Type::Binary());
  EXPECT_EQ(conv, ValueConversion::kNone);
  EXPECT_EQ(Mapped(Decimal(Prim(P::kInt32), 5, 6)), Type::Int32());  // scale > precision
  EXPECT_EQ(Mapped(Decimal(Prim(P::kDouble), 5, 2)), Type::Double());
}

TEST(ReaderTypeMapping, LegacyConvertedTypes) {
  using C = ConvertedType;
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kByteArray), C::kUtf8)), Type::String());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kByteArray), C::kEnum)), Type::Enum());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kByteArray), C::kJson)), Type::Json());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kByteArray), C::kBson)), Type::Binary());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt32), C::kDate)), Type::Date());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt32), C::kTimeMillis)), Type::Time(TimeUnit::kMillis, false));
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt64), C::kTimeMicros)), Type::Time(TimeUnit::kMicros, false));
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt64), C::kTimestampMillis)), Type::Timestamp(TimeUnit::kMillis, false));
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt64), C::kTimestampMicros)), Type::Timestamp(TimeUnit::kMicros, false));
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt32), C::kUint8)), Type::UInt8());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt32), C::kUint16)), Type::UInt16());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt32), C::kUint32)), Type::UInt32());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt64), C::kUint64)), Type::UInt64());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt32), C::kInt8)), Type::Int8());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt32), C::kInt16)), Type::Int16());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt32), C::kInt32)), Type::Int32());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kInt64), C::kInt64)), Type::Int64());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kFixedLenByteArray, 12), C::kInterval)), Type::Interval());
  SchemaElement dec = WithConverted(Prim(P::kInt64), C::kDecimal);
  dec.precision = 12;
  dec.scale = 2;
  EXPECT_EQ(Mapped(dec), Type::Decimal(12, 2));
  dec.precision.reset();  // a DECIMAL without precision: the physical type
  EXPECT_EQ(Mapped(dec), Type::Int64());
}

TEST(ReaderTypeMapping, UnknownAndIllFittingAnnotationsFallBack) {
  // A logical type we do not know: the converted type, else the physical type.
  SchemaElement unknown = WithLogical(Prim(P::kByteArray), K::kUnrecognized);
  EXPECT_EQ(Mapped(unknown), Type::Binary());
  EXPECT_EQ(Mapped(WithConverted(unknown, ConvertedType::kUtf8)), Type::String());
  // NullType (always-null column) keeps its physical type.
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kInt32), K::kUnknown)), Type::Int32());
  // Annotations on the wrong physical type.
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kInt32), K::kString)), Type::Int32());
  EXPECT_EQ(Mapped(WithLogical(Prim(P::kFixedLenByteArray, 8), K::kUuid)), Type::FixedBinary(8));
  EXPECT_EQ(Mapped(Integer(P::kInt64, 32, true)), Type::Int64());
  EXPECT_EQ(Mapped(TimeLike(P::kInt32, K::kTimestamp, U::kMillis, false)), Type::Int32());
  EXPECT_EQ(Mapped(WithConverted(Prim(P::kByteArray), ConvertedType::kDate)), Type::Binary());
}

TEST(ReaderSchema, MalformedTreesAreCorruption) {
  SchemaElement root;
  root.name = "schema";
  root.num_children = 2;
  SchemaElement leaf = Prim(P::kInt32);
  EXPECT_EQ(ConvertSchema({root, leaf}).status().code(), StatusCode::kCorruption);  // a child missing
  root.num_children = 1;
  EXPECT_EQ(ConvertSchema({root, leaf, leaf}).status().code(), StatusCode::kCorruption);  // one too many
  SchemaElement group;
  group.name = "g";
  group.num_children = 0;
  EXPECT_EQ(ConvertSchema({root, group}).status().code(), StatusCode::kCorruption);  // a group without children
  SchemaElement flba = Prim(P::kFixedLenByteArray);
  EXPECT_EQ(ConvertSchema({root, flba}).status().code(), StatusCode::kCorruption);  // no type_length
  EXPECT_EQ(ConvertSchema({}).status().code(), StatusCode::kCorruption);
  // Nesting deeper than kMaxSchemaDepth.
  std::vector<SchemaElement> deep = {root};
  for (int i = 0; i < kMaxSchemaDepth + 5; ++i) {
    SchemaElement g;
    g.name = "g";
    g.repetition_type = FieldRepetitionType::kOptional;
    g.num_children = 1;
    deep.push_back(g);
  }
  deep.push_back(leaf);
  auto st = ConvertSchema(deep).status();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("deeper than"), std::string::npos) << st.message();
}

TEST(ReaderSchema, LevelsOfANestedLeaf) {
  // optional group a { repeated group b { optional int32 c; } }
  std::vector<SchemaElement> s(4);
  s[0].name = "schema";
  s[0].num_children = 1;
  s[1].name = "a";
  s[1].repetition_type = FieldRepetitionType::kOptional;
  s[1].num_children = 1;
  s[2].name = "b";
  s[2].repetition_type = FieldRepetitionType::kRepeated;
  s[2].num_children = 1;
  s[3] = Prim(P::kInt32);
  s[3].name = "c";
  auto fs = ConvertSchema(s);
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  ASSERT_EQ(fs->leaves.size(), 1u);
  EXPECT_EQ(fs->leaves[0].dotted_path, "a.b.c");
  EXPECT_EQ(fs->leaves[0].max_def, 3);
  EXPECT_EQ(fs->leaves[0].max_rep, 1);
  // a: STRUCT<b: LIST<STRUCT<c>> NOT NULL> (a repeated group outside a LIST is a required list).
  const Field& a = fs->schema.fields[0];
  ASSERT_EQ(a.type.id, TypeId::kStruct);
  const Field& b = a.type.children[0];
  EXPECT_FALSE(b.nullable);
  ASSERT_EQ(b.type.id, TypeId::kList);
  EXPECT_EQ(b.type.children[0].type, Type::Struct({Field{"c", Type::Int32(), true}}));
  const ReadNode& list = fs->nodes[0].children[0];
  EXPECT_EQ(list.kind, ReadNode::Kind::kList);
  EXPECT_EQ(list.def_level, 1);
  EXPECT_EQ(list.child_def, 2);
  EXPECT_EQ(list.child_rep, 1);
}

TEST(ReaderValueConversion, HalfFloats) {
  EXPECT_EQ(HalfToFloat(0x3C00), 1.0f);
  EXPECT_EQ(HalfToFloat(0xC000), -2.0f);
  EXPECT_EQ(HalfToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(HalfToFloat(0x03FF), std::ldexp(1023.0f, -24));
  EXPECT_EQ(HalfToFloat(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7E00)));
  EXPECT_TRUE(std::signbit(HalfToFloat(0x8000)));
}

TEST(ReaderValueConversion, BigEndianDecimals) {
  int64_t v64;
  const uint8_t minus_two[9] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE};
  ASSERT_TRUE(BigEndianToInt64(minus_two, 9, &v64));
  EXPECT_EQ(v64, -2);
  const uint8_t too_big[9] = {0x01, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(BigEndianToInt64(too_big, 9, &v64));
  const uint8_t three_bytes[3] = {0x80, 0x00, 0x01};
  ASSERT_TRUE(BigEndianToInt64(three_bytes, 3, &v64));
  EXPECT_EQ(v64, -8388607);
  ASSERT_TRUE(BigEndianToInt64(three_bytes, 0, &v64));
  EXPECT_EQ(v64, 0);
  int128_t v128;
  uint8_t wide[17] = {0};
  wide[16] = 7;
  ASSERT_TRUE(BigEndianToInt128(wide, 17, &v128));
  EXPECT_TRUE(v128 == 7);
  wide[0] = 1;
  EXPECT_FALSE(BigEndianToInt128(wide, 17, &v128));
}

TEST(ReaderValueConversion, Int96) {
  uint8_t v[12];
  const int64_t nanos = 1234567;
  const int32_t julian = 2440588 + 1;  // 1970-01-02
  std::memcpy(v, &nanos, 8);
  std::memcpy(v + 8, &julian, 4);
  int64_t out;
  ASSERT_TRUE(Int96ToNanos(v, &out));
  EXPECT_EQ(out, int64_t{86400} * 1000000000 + nanos);
  EXPECT_EQ(Int96ToMicros(v), int64_t{86400} * 1000000 + nanos / 1000);
  const int32_t far = 2440588 + 3000000;  // about year 10183: beyond int64 nanoseconds
  std::memcpy(v + 8, &far, 4);
  EXPECT_FALSE(Int96ToNanos(v, &out));
  EXPECT_EQ(Int96ToMicros(v), int64_t{3000000} * 86400000000 + nanos / 1000);
}

}  // namespace
}  // namespace snaplake::parquet
