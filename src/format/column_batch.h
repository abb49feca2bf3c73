// Column and ColumnBatch: the columnar data every layer passes along.
//
// A Column holds `length` slots of one Type:
//   validity  one byte per slot, 1 = value present, 0 = NULL (always `length` long)
//   values    fixed-width types: `Type::value_width()` bytes per slot, little-endian:
//               BOOLEAN 1 byte (0/1); INT8/16/32, UINT8/16/32, DATE as int32
//               (unsigned ones as their bit pattern); INT64, UINT64, TIME,
//               TIMESTAMP as int64; FLOAT, DOUBLE; DECIMAL as the unscaled
//               integer, int64 for precision <= 18 and __int128 above;
//               FIXED_BINARY/UUID/INTERVAL as byte_width raw bytes.
//   offsets   STRING/BINARY/JSON/ENUM: length+1 offsets into `data`;
//             LIST/MAP: length+1 offsets into the child column(s)
//   data      the bytes of variable-width values
//   children  LIST: [element]; MAP: [key, value]; STRUCT: the members (each `length` long)
// A NULL slot still occupies its place: fixed-width values are zero, a NULL
// string or list is empty (offsets[i] == offsets[i+1]), a NULL struct's
// children hold NULLs at that slot.
//
// Batches are reused: Clear() keeps every buffer's capacity, so steady-state
// appends allocate nothing.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "common/buffer.h"
#include "format/schema.h"

namespace snaplake {

using int128_t = __int128;

class Column {
 public:
  Column() = default;
  explicit Column(Type type);

  const Type& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  bool IsValid(int64_t i) const { return validity_.data()[i] != 0; }
  bool IsNull(int64_t i) const { return validity_.data()[i] == 0; }

  template <typename T>
  T Value(int64_t i) const {
    T v;
    std::memcpy(&v, values_.data() + i * sizeof(T), sizeof(T));
    return v;
  }
  template <typename T>
  const T* ValuesAs() const { return reinterpret_cast<const T*>(values_.data()); }
  template <typename T>
  T* MutableValuesAs() { return reinterpret_cast<T*>(values_.data()); }
  const uint8_t* FixedValue(int64_t i) const { return values_.data() + i * type_.value_width(); }

  std::string_view StringValue(int64_t i) const {
    return std::string_view(reinterpret_cast<const char*>(data_.data()) + offsets_[i],
                            static_cast<size_t>(offsets_[i + 1] - offsets_[i]));
  }
  // LIST/MAP: the slot's range of child indexes [begin, end).
  int64_t ListBegin(int64_t i) const { return offsets_[i]; }
  int64_t ListEnd(int64_t i) const { return offsets_[i + 1]; }

  const uint8_t* validity() const { return validity_.data(); }
  const ByteBuffer& values() const { return values_; }
  const std::vector<int64_t>& offsets() const { return offsets_; }
  const ByteBuffer& data() const { return data_; }
  const Column& child(size_t i) const { return children_[i]; }
  Column& mutable_child(size_t i) { return children_[i]; }
  size_t num_children() const { return children_.size(); }

  // --- building --------------------------------------------------------------
  // Empties the column, keeping capacity (children too).
  void Clear();
  void Reserve(int64_t slots, int64_t data_bytes = 0);

  // Appends a NULL slot (for STRUCT: NULLs in every child; for LIST/MAP: an empty list).
  void AppendNull();
  template <typename T>
  void Append(T v) {
    values_.AppendValue(v);
    MarkValid();
  }
  void AppendBytes(const void* p, size_t n);          // STRING/BINARY/JSON/ENUM
  void AppendString(std::string_view s) { AppendBytes(s.data(), s.size()); }
  void AppendFixed(const void* p);                     // FIXED_BINARY/UUID/INTERVAL
  // LIST/MAP: append child values first, then close the slot with the child count so far.
  void AppendListEnd(int64_t child_length) {
    offsets_.push_back(child_length);
    MarkValid();
  }
  // STRUCT: append a value to every child first, then mark the slot.
  void AppendStructValid() { MarkValid(); }

  // Low-level access for decoders that fill many slots at once: make room for
  // n more slots, write them through the mutable pointers, then Commit(n, nulls).
  uint8_t* MutableValidity() { return validity_.data(); }
  ByteBuffer& mutable_values() { return values_; }
  ByteBuffer& mutable_data() { return data_; }
  std::vector<int64_t>& mutable_offsets() { return offsets_; }
  ByteBuffer& mutable_validity_buffer() { return validity_; }
  // Sets length/null_count after bulk writes into the buffers.
  void SetLength(int64_t length, int64_t null_count) {
    length_ = length;
    null_count_ = null_count;
  }

  // Deep equality of type and every slot's content (NULL slot contents ignored).
  bool Equals(const Column& other) const;

 private:
  void MarkValid() {
    validity_.PushBack(1);
    ++length_;
  }

  Type type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  ByteBuffer validity_;
  ByteBuffer values_;
  std::vector<int64_t> offsets_;
  ByteBuffer data_;
  std::vector<Column> children_;
};

// A set of equal-length columns described by a Schema.
class ColumnBatch {
 public:
  ColumnBatch() = default;
  explicit ColumnBatch(Schema schema);

  const Schema& schema() const { return schema_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  int64_t num_rows() const { return columns_.empty() ? num_rows_ : columns_[0].length(); }
  const Column& column(int i) const { return columns_[i]; }
  Column& mutable_column(int i) { return columns_[i]; }

  void Clear();
  // For a batch with no columns (a projection of nothing): the row count.
  void SetNumRows(int64_t n) { num_rows_ = n; }
  // Checks every column has num_rows() slots and matches its field's type.
  bool Validate(std::string* why = nullptr) const;

 private:
  Schema schema_;
  std::vector<Column> columns_;
  int64_t num_rows_ = 0;
};

}  // namespace snaplake
