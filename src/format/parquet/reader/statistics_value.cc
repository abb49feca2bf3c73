#include "format/parquet/reader/statistics_value.h"

#include <cstring>
#include <string>

#include "format/parquet/reader/value_converter.h"

namespace snaplake::parquet {

namespace {

Status BadLength(const LeafInfo& leaf, size_t expected, size_t found) {
  std::string msg = "a statistics value of ";
  msg.append(leaf.type.ToString()).append(" should be ").append(std::to_string(expected));
  msg.append(" bytes, not ").append(std::to_string(found));
  return Status::Corruption(std::move(msg));
}

}  // namespace

Status DecodeStatisticValue(const LeafInfo& leaf, std::string_view bytes, Column* column) {
  if (leaf.type.is_nested()) return Status::Internal("statistics of a nested type");
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  if (leaf.physical == PhysicalType::kByteArray) {
    SL_RETURN_NOT_OK(AppendBinaryValue(p, bytes.size(), leaf, column));
  } else if (leaf.physical == PhysicalType::kBoolean) {
    if (bytes.size() != 1) return BadLength(leaf, 1, bytes.size());
    column->mutable_values().PushBack(p[0] & 1);
  } else if (leaf.type.id == TypeId::kTime && leaf.physical == PhysicalType::kInt32) {
    // TIME(MILLIS) is INT32 in the file but int64 in a Column.
    if (bytes.size() != 4) return BadLength(leaf, 4, bytes.size());
    int32_t v;
    std::memcpy(&v, p, 4);
    column->mutable_values().AppendValue(static_cast<int64_t>(v));
  } else {
    const int width = PhysicalWidth(leaf);
    if (width <= 0 || bytes.size() != static_cast<size_t>(width)) return BadLength(leaf, width, bytes.size());
    SL_RETURN_NOT_OK(AppendFixedValues(p, 1, leaf, column));
  }
  const int value_width = leaf.type.value_width();
  if (value_width > 0 && column->values().size() != static_cast<size_t>(value_width)) {
    return Status::Corruption("cannot decode a statistics value of " + leaf.type.ToString());
  }
  column->mutable_validity_buffer().PushBack(1);
  column->SetLength(1, 0);
  return Status::OK();
}

}  // namespace snaplake::parquet
