// The Thrift compact protocol, hand-written for Parquet's metadata.
//
// CompactWriter appends to a ByteBuffer. CompactReader decodes a ByteView and
// is built for hostile input: it never reads out of bounds, checks every
// declared string/list/map length against the bytes that remain BEFORE anyone
// allocates for it, bounds nesting depth, and reports any malformed input as
// Status::Corruption("<what> is corrupt: <detail>"), where <what> is given at
// construction ("Parquet footer", "Parquet page header"). Skip() consumes a
// value of any type, so unknown fields from newer writers can be ignored.
//
// Booleans: a bool struct field carries its value in the field header's type
// nibble (1 = true, 2 = false) and has no value byte; a bool inside a list,
// set or map is one byte (1 = true, 2 = false; anything but 1 reads as false).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/buffer.h"
#include "common/status.h"

namespace snaplake::parquet::thrift {

// The compact protocol's 4-bit type codes.
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,  // also "bool" as a list element type
  kBoolFalse = 2, // also accepted as a list element type
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

inline bool IsBool(CompactType t) { return t == CompactType::kBoolTrue || t == CompactType::kBoolFalse; }
const char* CompactTypeName(CompactType t);

// Deepest struct/list/map nesting either side handles. Parquet's own metadata
// nests at most 6 deep; the rest is headroom for unknown fields.
inline constexpr int kMaxNestingDepth = 64;

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

class CompactWriter {
 public:
  explicit CompactWriter(ByteBuffer* out) : out_(out) {}

  // Structs: Begin, fields in increasing id order, End (which writes the stop).
  void StructBegin();
  void StructEnd();

  // Field header for a non-bool field; `type` must not be a bool code.
  void FieldHeader(int16_t id, CompactType type);
  // A complete bool field (its value lives in the header).
  void FieldBool(int16_t id, bool v);
  void FieldI8(int16_t id, int8_t v) { FieldHeader(id, CompactType::kI8); WriteI8(v); }
  void FieldI16(int16_t id, int16_t v) { FieldHeader(id, CompactType::kI16); WriteI16(v); }
  void FieldI32(int16_t id, int32_t v) { FieldHeader(id, CompactType::kI32); WriteI32(v); }
  void FieldI64(int16_t id, int64_t v) { FieldHeader(id, CompactType::kI64); WriteI64(v); }
  void FieldDouble(int16_t id, double v) { FieldHeader(id, CompactType::kDouble); WriteDouble(v); }
  void FieldBinary(int16_t id, std::string_view v) { FieldHeader(id, CompactType::kBinary); WriteBinary(v); }

  // Container headers; the elements follow as bare values (Write*, or a
  // StructBegin/End per struct element). Use kBoolTrue as the bool element type.
  void ListHeader(CompactType elem_type, uint32_t size);
  void SetHeader(CompactType elem_type, uint32_t size) { ListHeader(elem_type, size); }
  void MapHeader(CompactType key_type, CompactType value_type, uint32_t size);

  // Bare values (list elements, or after FieldHeader).
  void WriteBool(bool v) { out_->PushBack(v ? 1 : 2); }
  void WriteI8(int8_t v) { out_->PushBack(static_cast<uint8_t>(v)); }
  void WriteI16(int16_t v) { WriteVarint(ZigZagEncode(v)); }
  void WriteI32(int32_t v) { WriteVarint(ZigZagEncode(v)); }
  void WriteI64(int64_t v) { WriteVarint(ZigZagEncode(v)); }
  void WriteDouble(double v);
  void WriteBinary(std::string_view v);
  void WriteVarint(uint64_t v);

  int depth() const { return depth_; }

 private:
  ByteBuffer* out_;
  int16_t last_field_id_ = 0;
  int depth_ = 0;
  int16_t saved_field_ids_[kMaxNestingDepth];
};

class CompactReader {
 public:
  // `what` names the thing being decoded in error messages; it must outlive
  // the reader (a string literal).
  explicit CompactReader(ByteView bytes, const char* what = "Parquet footer")
      : data_(bytes.data()), size_(bytes.size()), what_(what) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }

  Status StructBegin();
  // Call after ReadFieldHeader returned kStop.
  Status StructEnd();

  // Reads the next field header of the current struct. At the end of the
  // struct *type is kStop and *id is 0. For a bool field the value has been
  // captured too: read it with ReadBool() (or skip it with Skip()).
  Status ReadFieldHeader(int16_t* id, CompactType* type);

  // A bool field's value (right after its header), else a one-byte element.
  Status ReadBool(bool* v);
  Status ReadI8(int8_t* v);
  Status ReadI16(int16_t* v);
  Status ReadI32(int32_t* v);
  Status ReadI64(int64_t* v);
  Status ReadDouble(double* v);
  Status ReadBinary(std::string* v);
  // Zero-copy: *v points into the input.
  Status ReadBinaryView(std::string_view* v);
  Status ReadVarint(uint64_t* v);

  // *size has been checked against the remaining bytes (every element needs
  // at least one byte, a double eight), so it is safe to reserve *size.
  // Bool element types come back as kBoolTrue whichever code was written.
  Status ReadListHeader(CompactType* elem_type, uint32_t* size);
  Status ReadSetHeader(CompactType* elem_type, uint32_t* size) { return ReadListHeader(elem_type, size); }
  Status ReadMapHeader(CompactType* key_type, CompactType* value_type, uint32_t* size);

  // Consumes one value of `type`, however deeply nested. For a bool struct
  // field (type from ReadFieldHeader) this consumes nothing.
  Status Skip(CompactType type);

  // Builds "<what> is corrupt: <detail>".
  Status Corrupt(std::string_view detail) const;

 private:
  Status SkipValue(CompactType type, bool in_field, int depth);
  Status CheckElements(CompactType type, uint64_t count, const char* container);
  Status DecodeType(uint8_t nibble, bool element, CompactType* type);

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  const char* what_;
  int16_t last_field_id_ = 0;
  int depth_ = 0;
  bool bool_pending_ = false;
  bool bool_value_ = false;
  int16_t saved_field_ids_[kMaxNestingDepth];
};

}  // namespace snaplake::parquet::thrift
