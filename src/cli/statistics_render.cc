#include "cli/statistics_render.h"

#include <cstring>

#include "format/column_batch.h"
#include "format/parquet/reader/value_converter.h"
#include "format/value_json.h"

namespace snaplake::cli {

namespace {

Status BadLength(const parquet::LeafInfo& leaf, size_t expected, size_t found) {
  std::string msg = "a statistics value of ";
  msg.append(leaf.type.ToString()).append(" should be ").append(std::to_string(expected));
  msg.append(" bytes, not ").append(std::to_string(found));
  return Status::Corruption(std::move(msg));
}

// Fills `column` (empty, of leaf.type) with the one value in `bytes`.
Status DecodeOne(const parquet::LeafInfo& leaf, std::string_view bytes, Column* column) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  if (leaf.physical == parquet::PhysicalType::kByteArray) {
    SL_RETURN_NOT_OK(parquet::AppendBinaryValue(p, bytes.size(), leaf, column));
  } else if (leaf.physical == parquet::PhysicalType::kBoolean) {
    if (bytes.size() != 1) return BadLength(leaf, 1, bytes.size());
    column->mutable_values().PushBack(p[0] & 1);
  } else if (leaf.type.id == TypeId::kTime && leaf.physical == parquet::PhysicalType::kInt32) {
    // TIME(MILLIS) is INT32 in the file but int64 in a Column.
    if (bytes.size() != 4) return BadLength(leaf, 4, bytes.size());
    int32_t v;
    std::memcpy(&v, p, 4);
    column->mutable_values().AppendValue(static_cast<int64_t>(v));
  } else {
    const int width = parquet::PhysicalWidth(leaf);
    if (width <= 0 || bytes.size() != static_cast<size_t>(width)) return BadLength(leaf, width, bytes.size());
    SL_RETURN_NOT_OK(parquet::AppendFixedValues(p, 1, leaf, column));
  }
  const int value_width = leaf.type.value_width();
  if (value_width > 0 && column->values().size() != static_cast<size_t>(value_width)) {
    return Status::Corruption("cannot decode a statistics value of " + leaf.type.ToString());
  }
  column->mutable_validity_buffer().PushBack(1);
  column->SetLength(1, 0);
  return Status::OK();
}

}  // namespace

Status AppendStatisticJson(const parquet::LeafInfo& leaf, std::string_view bytes, std::string* out) {
  if (leaf.type.is_nested()) return Status::Internal("statistics of a nested type");
  Column column(leaf.type);
  SL_RETURN_NOT_OK(DecodeOne(leaf, bytes, &column));
  AppendJsonValue(column, 0, out);
  return Status::OK();
}

}  // namespace snaplake::cli
