#include "format/parquet/thrift/compact_protocol.h"

#include <bit>
#include <cassert>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace snaplake::parquet::thrift {

static_assert(std::endian::native == std::endian::little,
              "the compact protocol stores doubles little-endian; add a byte swap for big-endian hosts");

const char* CompactTypeName(CompactType t) {
  switch (t) {
    case CompactType::kStop: return "stop";
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse: return "bool";
    case CompactType::kI8: return "i8";
    case CompactType::kI16: return "i16";
    case CompactType::kI32: return "i32";
    case CompactType::kI64: return "i64";
    case CompactType::kDouble: return "double";
    case CompactType::kBinary: return "binary";
    case CompactType::kList: return "list";
    case CompactType::kSet: return "set";
    case CompactType::kMap: return "map";
    case CompactType::kStruct: return "struct";
  }
  return "invalid";
}

// ---------------------------------------------------------------- writer

void CompactWriter::StructBegin() {
  assert(depth_ < kMaxNestingDepth && "metadata nests deeper than the compact writer allows");
  saved_field_ids_[depth_++] = last_field_id_;
  last_field_id_ = 0;
}

void CompactWriter::StructEnd() {
  assert(depth_ > 0);
  out_->PushBack(static_cast<uint8_t>(CompactType::kStop));
  last_field_id_ = saved_field_ids_[--depth_];
}

void CompactWriter::FieldHeader(int16_t id, CompactType type) {
  const int delta = static_cast<int>(id) - static_cast<int>(last_field_id_);
  const uint8_t type_bits = static_cast<uint8_t>(type);
  if (delta > 0 && delta <= 15) {
    out_->PushBack(static_cast<uint8_t>(delta << 4) | type_bits);
  } else {
    // Long form: the type alone, then the absolute id as a zigzag varint.
    out_->PushBack(type_bits);
    WriteI16(id);
  }
  last_field_id_ = id;
}

void CompactWriter::FieldBool(int16_t id, bool v) {
  FieldHeader(id, v ? CompactType::kBoolTrue : CompactType::kBoolFalse);
}

void CompactWriter::ListHeader(CompactType elem_type, uint32_t size) {
  const uint8_t type_bits = static_cast<uint8_t>(elem_type);
  if (size < 15) {
    out_->PushBack(static_cast<uint8_t>(size << 4) | type_bits);
  } else {
    out_->PushBack(0xF0 | type_bits);
    WriteVarint(size);
  }
}

void CompactWriter::MapHeader(CompactType key_type, CompactType value_type, uint32_t size) {
  if (size == 0) {
    out_->PushBack(0);
    return;
  }
  WriteVarint(size);
  out_->PushBack(static_cast<uint8_t>(static_cast<uint8_t>(key_type) << 4) |
                 static_cast<uint8_t>(value_type));
}

void CompactWriter::WriteDouble(double v) { out_->AppendValue(v); }

void CompactWriter::WriteBinary(std::string_view v) {
  WriteVarint(v.size());
  out_->Append(v);
}

void CompactWriter::WriteVarint(uint64_t v) {
  uint8_t buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<uint8_t>(v) | 0x80;
    v >>= 7;
  }
  buf[n++] = static_cast<uint8_t>(v);
  out_->Append(buf, n);
}

// ---------------------------------------------------------------- reader

Status CompactReader::Corrupt(std::string_view detail) const {
  std::string msg(what_);
  msg.append(" is corrupt: ");
  msg.append(detail);
  return Status::Corruption(std::move(msg));
}

Status CompactReader::StructBegin() {
  if (depth_ >= kMaxNestingDepth) {
    return Corrupt(fmt::format("structures nest deeper than {} levels", kMaxNestingDepth));
  }
  saved_field_ids_[depth_++] = last_field_id_;
  last_field_id_ = 0;
  bool_pending_ = false;
  return Status::OK();
}

Status CompactReader::StructEnd() {
  if (depth_ == 0) return Status::Internal("CompactReader::StructEnd without StructBegin");
  last_field_id_ = saved_field_ids_[--depth_];
  bool_pending_ = false;
  return Status::OK();
}

Status CompactReader::DecodeType(uint8_t nibble, bool element, CompactType* type) {
  if (nibble == 0 || nibble > static_cast<uint8_t>(CompactType::kStruct)) {
    return Corrupt(fmt::format("invalid {} type code {} at byte {}", element ? "element" : "field",
                               nibble, pos_ - 1));
  }
  *type = static_cast<CompactType>(nibble);
  if (element && *type == CompactType::kBoolFalse) *type = CompactType::kBoolTrue;
  return Status::OK();
}

Status CompactReader::ReadFieldHeader(int16_t* id, CompactType* type) {
  bool_pending_ = false;
  if (pos_ >= size_) return Corrupt(fmt::format("data ends at byte {} inside a struct", pos_));
  const uint8_t b = data_[pos_++];
  if (b == 0) {
    *id = 0;
    *type = CompactType::kStop;
    return Status::OK();
  }
  SL_RETURN_NOT_OK(DecodeType(b & 0x0F, /*element=*/false, type));
  const int delta = b >> 4;
  if (delta != 0) {
    const int next = static_cast<int>(last_field_id_) + delta;
    if (next > std::numeric_limits<int16_t>::max()) {
      return Corrupt(fmt::format("field id {} overflows i16 at byte {}", next, pos_ - 1));
    }
    *id = static_cast<int16_t>(next);
  } else {
    SL_RETURN_NOT_OK(ReadI16(id));
  }
  last_field_id_ = *id;
  if (IsBool(*type)) {
    bool_pending_ = true;
    bool_value_ = *type == CompactType::kBoolTrue;
  }
  return Status::OK();
}

Status CompactReader::ReadBool(bool* v) {
  if (bool_pending_) {
    bool_pending_ = false;
    *v = bool_value_;
    return Status::OK();
  }
  if (pos_ >= size_) return Corrupt(fmt::format("data ends at byte {} inside a bool", pos_));
  // Spec: 1 is true, 2 false; old writers used 0 for false.
  *v = data_[pos_++] == 1;
  return Status::OK();
}

Status CompactReader::ReadI8(int8_t* v) {
  if (pos_ >= size_) return Corrupt(fmt::format("data ends at byte {} inside an i8", pos_));
  *v = static_cast<int8_t>(data_[pos_++]);
  return Status::OK();
}

Status CompactReader::ReadVarint(uint64_t* v) {
  uint64_t result = 0;
  const size_t start = pos_;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= size_) return Corrupt(fmt::format("data ends at byte {} inside a varint", pos_));
    const uint8_t b = data_[pos_++];
    // The 10th byte may only hold the top bit of a 64-bit value.
    if (shift == 63 && b > 1) {
      return Corrupt(fmt::format("varint at byte {} overflows 64 bits", start));
    }
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return Status::OK();
    }
  }
  return Corrupt(fmt::format("varint at byte {} is longer than 10 bytes", start));
}

Status CompactReader::ReadI16(int16_t* v) {
  const size_t start = pos_;
  uint64_t u;
  SL_RETURN_NOT_OK(ReadVarint(&u));
  if (u > std::numeric_limits<uint16_t>::max()) {
    return Corrupt(fmt::format("varint at byte {} does not fit in an i16", start));
  }
  *v = static_cast<int16_t>(ZigZagDecode(u));
  return Status::OK();
}

Status CompactReader::ReadI32(int32_t* v) {
  const size_t start = pos_;
  uint64_t u;
  SL_RETURN_NOT_OK(ReadVarint(&u));
  if (u > std::numeric_limits<uint32_t>::max()) {
    return Corrupt(fmt::format("varint at byte {} does not fit in an i32", start));
  }
  *v = static_cast<int32_t>(ZigZagDecode(u));
  return Status::OK();
}

Status CompactReader::ReadI64(int64_t* v) {
  uint64_t u;
  SL_RETURN_NOT_OK(ReadVarint(&u));
  *v = ZigZagDecode(u);
  return Status::OK();
}

Status CompactReader::ReadDouble(double* v) {
  if (remaining() < sizeof(double)) {
    return Corrupt(fmt::format("data ends at byte {} inside a double", size_));
  }
  std::memcpy(v, data_ + pos_, sizeof(double));
  pos_ += sizeof(double);
  return Status::OK();
}

Status CompactReader::ReadBinaryView(std::string_view* v) {
  const size_t start = pos_;
  uint64_t len;
  SL_RETURN_NOT_OK(ReadVarint(&len));
  if (len > remaining()) {
    return Corrupt(fmt::format("string length {} at byte {} exceeds the {} remaining bytes", len,
                               start, remaining()));
  }
  *v = std::string_view(reinterpret_cast<const char*>(data_ + pos_), len);
  pos_ += len;
  return Status::OK();
}

Status CompactReader::ReadBinary(std::string* v) {
  std::string_view view;
  SL_RETURN_NOT_OK(ReadBinaryView(&view));
  v->assign(view.data(), view.size());
  return Status::OK();
}

// Every element takes at least one byte on the wire (an empty struct is its
// stop byte, a bool element one byte), a double eight; so a declared count is
// plausible only if that many bytes remain. This runs before anyone reserves.
Status CompactReader::CheckElements(CompactType type, uint64_t count, const char* container) {
  const uint64_t min_size = type == CompactType::kDouble ? 8 : 1;
  if (count > std::numeric_limits<int32_t>::max() || count > remaining() / min_size) {
    return Corrupt(fmt::format("{} declares {} {} elements but only {} bytes remain", container,
                               count, CompactTypeName(type), remaining()));
  }
  return Status::OK();
}

Status CompactReader::ReadListHeader(CompactType* elem_type, uint32_t* size) {
  bool_pending_ = false;
  if (pos_ >= size_) return Corrupt(fmt::format("data ends at byte {} inside a list header", pos_));
  const uint8_t b = data_[pos_++];
  uint64_t count = b >> 4;
  if (count == 15) SL_RETURN_NOT_OK(ReadVarint(&count));
  const uint8_t nibble = b & 0x0F;
  if (count == 0 && (nibble == 0 || nibble > static_cast<uint8_t>(CompactType::kStruct))) {
    // Some writers put no meaningful element type on an empty list.
    *elem_type = CompactType::kStop;
  } else {
    SL_RETURN_NOT_OK(DecodeType(nibble, /*element=*/true, elem_type));
  }
  SL_RETURN_NOT_OK(CheckElements(*elem_type, count, "list"));
  *size = static_cast<uint32_t>(count);
  return Status::OK();
}

Status CompactReader::ReadMapHeader(CompactType* key_type, CompactType* value_type, uint32_t* size) {
  bool_pending_ = false;
  uint64_t count;
  SL_RETURN_NOT_OK(ReadVarint(&count));
  if (count == 0) {
    *key_type = *value_type = CompactType::kStop;
    *size = 0;
    return Status::OK();
  }
  if (pos_ >= size_) return Corrupt(fmt::format("data ends at byte {} inside a map header", pos_));
  const uint8_t b = data_[pos_++];
  SL_RETURN_NOT_OK(DecodeType(b >> 4, /*element=*/true, key_type));
  SL_RETURN_NOT_OK(DecodeType(b & 0x0F, /*element=*/true, value_type));
  const uint64_t min_entry = (*key_type == CompactType::kDouble ? 8 : 1) +
                             (*value_type == CompactType::kDouble ? 8 : 1);
  if (count > std::numeric_limits<int32_t>::max() || count > remaining() / min_entry) {
    return Corrupt(fmt::format("map declares {} entries but only {} bytes remain", count,
                               remaining()));
  }
  *size = static_cast<uint32_t>(count);
  return Status::OK();
}

Status CompactReader::Skip(CompactType type) { return SkipValue(type, /*in_field=*/true, 0); }

Status CompactReader::SkipValue(CompactType type, bool in_field, int depth) {
  switch (type) {
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse: {
      if (in_field && bool_pending_) {  // the value was in the field header
        bool_pending_ = false;
        return Status::OK();
      }
      bool ignored;
      return ReadBool(&ignored);
    }
    case CompactType::kI8: {
      int8_t ignored;
      return ReadI8(&ignored);
    }
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64: {
      uint64_t ignored;
      return ReadVarint(&ignored);
    }
    case CompactType::kDouble: {
      double ignored;
      return ReadDouble(&ignored);
    }
    case CompactType::kBinary: {
      std::string_view ignored;
      return ReadBinaryView(&ignored);
    }
    case CompactType::kList:
    case CompactType::kSet:
    case CompactType::kMap:
    case CompactType::kStruct:
      break;
    case CompactType::kStop:
      return Corrupt(fmt::format("unexpected stop type at byte {}", pos_));
  }
  bool_pending_ = false;
  if (depth_ + depth >= kMaxNestingDepth) {
    return Corrupt(fmt::format("structures nest deeper than {} levels", kMaxNestingDepth));
  }
  if (type == CompactType::kStruct) {
    for (;;) {
      if (pos_ >= size_) return Corrupt(fmt::format("data ends at byte {} inside a struct", pos_));
      const uint8_t b = data_[pos_++];
      if (b == 0) return Status::OK();
      CompactType field_type;
      SL_RETURN_NOT_OK(DecodeType(b & 0x0F, /*element=*/false, &field_type));
      if ((b >> 4) == 0) {
        int16_t ignored_id;
        SL_RETURN_NOT_OK(ReadI16(&ignored_id));
      }
      if (IsBool(field_type)) continue;  // value lives in the header
      SL_RETURN_NOT_OK(SkipValue(field_type, /*in_field=*/false, depth + 1));
    }
  }
  if (type == CompactType::kMap) {
    CompactType key_type, value_type;
    uint32_t size;
    SL_RETURN_NOT_OK(ReadMapHeader(&key_type, &value_type, &size));
    for (uint32_t i = 0; i < size; ++i) {
      SL_RETURN_NOT_OK(SkipValue(key_type, /*in_field=*/false, depth + 1));
      SL_RETURN_NOT_OK(SkipValue(value_type, /*in_field=*/false, depth + 1));
    }
    return Status::OK();
  }
  CompactType elem_type;
  uint32_t size;
  SL_RETURN_NOT_OK(ReadListHeader(&elem_type, &size));
  for (uint32_t i = 0; i < size; ++i) {
    SL_RETURN_NOT_OK(SkipValue(elem_type, /*in_field=*/false, depth + 1));
  }
  return Status::OK();
}

}  // namespace snaplake::parquet::thrift
