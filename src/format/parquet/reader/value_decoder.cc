#include "format/parquet/reader/value_decoder.h"

#include <cstring>
#include <string>

#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/byte_stream_split.h"
#include "format/parquet/reader/value_converter.h"

namespace snaplake::parquet {

namespace {

Status EndsEarly(const char* what) {
  std::string msg = what;
  msg.append(" values end before the page's value count");
  return Status::Corruption(std::move(msg));
}

uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case Encoding::kRle: return "RLE";
    case Encoding::kBitPacked: return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary: return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return nullptr;
}

const char* PhysicalName(PhysicalType p) {
  switch (p) {
    case PhysicalType::kBoolean: return "BOOLEAN";
    case PhysicalType::kInt32: return "INT32";
    case PhysicalType::kInt64: return "INT64";
    case PhysicalType::kInt96: return "INT96";
    case PhysicalType::kFloat: return "FLOAT";
    case PhysicalType::kDouble: return "DOUBLE";
    case PhysicalType::kByteArray: return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

Status Unsupported(Encoding e, PhysicalType p) {
  std::string msg = "encoding ";
  const char* name = EncodingName(e);
  msg.append(name ? name : std::to_string(static_cast<int>(e)));
  msg.append(" is not supported for ");
  msg.append(PhysicalName(p));
  msg.append(" values");
  return Status::NotImplemented(std::move(msg));
}

// Bytes a destination buffer keeps spare past its end for CopyShort.
constexpr size_t kCopySlack = 16;

// Copies len bytes; values of up to 16 bytes move as one fixed 16-byte copy
// when `readable` bytes at src allow it (dst must have kCopySlack spare bytes).
inline void CopyShort(uint8_t* dst, const uint8_t* src, size_t len, int64_t readable) {
  if (len <= 16 && readable >= 16) {
    std::memcpy(dst, src, 16);
  } else if (len > 0) {
    std::memcpy(dst, src, len);
  }
}

// Copies `width`-byte dictionary entries selected by idx into dst.
template <size_t kWidth>
void GatherFixed(const uint8_t* dict, const uint32_t* idx, int64_t n, uint8_t* dst) {
  for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * kWidth, dict + static_cast<size_t>(idx[i]) * kWidth, kWidth);
}

}  // namespace

ValueDecoder::ValueDecoder(const LeafInfo* leaf, int64_t budget)
    : leaf_(leaf), budget_(budget), physical_width_(PhysicalWidth(*leaf)), storage_width_(leaf->type.value_width()) {}

Status ValueDecoder::CheckBudget(const Column& out, int64_t more_values_bytes, int64_t more_data_bytes) const {
  if (static_cast<int64_t>(out.values().size()) + more_values_bytes > budget_ ||
      static_cast<int64_t>(out.data().size()) + more_data_bytes > budget_) {
    return Status::NotImplemented("the values of one batch exceed the reader's limit of " + std::to_string(budget_) +
                                  " bytes per column (ReaderOptions::max_decoded_bytes); read fewer rows per batch");
  }
  return Status::OK();
}

Status ValueDecoder::SetDictionary(ByteView page, int32_t num_values) {
  if (num_values < 0) return Status::Corruption("dictionary page has a negative value count");
  // Every PLAIN value takes at least a bit (BOOLEAN), a byte or 4 bytes (BYTE_ARRAY length).
  const int64_t min_bits = leaf_->physical == PhysicalType::kBoolean ? 1
                           : leaf_->physical == PhysicalType::kByteArray ? 32
                                                                        : int64_t{8} * physical_width_;
  if (static_cast<int64_t>(num_values) * min_bits > static_cast<int64_t>(page.size()) * 8) {
    return Status::Corruption("dictionary page claims " + std::to_string(num_values) + " values in " +
                              std::to_string(page.size()) + " bytes");
  }
  dictionary_ = std::make_unique<Column>(leaf_->type);
  SL_RETURN_NOT_OK(Reset(Encoding::kPlain, page, num_values));
  SL_RETURN_NOT_OK(Decode(num_values, dictionary_.get()));
  dictionary_->SetLength(num_values, 0);
  return Status::OK();
}

Status ValueDecoder::Reset(Encoding encoding, ByteView data, int64_t max_values) {
  encoding_ = encoding;
  pos_ = data.data();
  end_ = data.data() + data.size();
  bit_pos_ = 0;
  values_left_ = max_values;
  const PhysicalType p = leaf_->physical;
  // A page of NULLs may carry no value bytes at all; there is nothing to set up.
  if (data.empty()) {
    bss_data_ = data;
    bss_decoded_ = false;
    if (encoding == Encoding::kPlainDictionary || encoding == Encoding::kRleDictionary ||
        encoding == Encoding::kRle) {
      indices_.Reset(nullptr, 0, 0);
      return Status::OK();
    }
  }
  switch (encoding) {
    case Encoding::kPlain:
      return Status::OK();
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (!dictionary_) return Status::Corruption("a dictionary-encoded page has no dictionary page before it");
      const int bit_width = data[0];
      if (bit_width > 32) {
        return Status::Corruption("dictionary index bit width " + std::to_string(bit_width) + " exceeds 32");
      }
      indices_.Reset(data.data() + 1, data.size() - 1, bit_width);
      return Status::OK();
    }
    case Encoding::kRle: {
      if (p != PhysicalType::kBoolean) return Unsupported(encoding, p);
      if (data.size() < 4) return Status::Corruption("RLE boolean values end before their 4-byte length");
      const uint32_t len = Load32(data.data());
      if (len > data.size() - 4) return Status::Corruption("RLE boolean values claim more bytes than the page has");
      indices_.Reset(data.data() + 4, len, 1);
      return Status::OK();
    }
    case Encoding::kDeltaBinaryPacked:
      if (p == PhysicalType::kInt32) return data.empty() ? Status::OK() : delta32_.Init(data.data(), data.size());
      if (p == PhysicalType::kInt64) return data.empty() ? Status::OK() : delta64_.Init(data.data(), data.size());
      return Unsupported(encoding, p);
    case Encoding::kDeltaLengthByteArray:
      if (p != PhysicalType::kByteArray) return Unsupported(encoding, p);
      if (data.empty()) return Status::OK();
      return delta_length_.Init(data.data(), data.size());
    case Encoding::kDeltaByteArray: {
      if (p != PhysicalType::kByteArray && p != PhysicalType::kFixedLenByteArray) return Unsupported(encoding, p);
      if (data.empty()) return Status::OK();
      SL_RETURN_NOT_OK(delta_bytes_.Init(data.data(), data.size()));
      if (delta_bytes_.total_bytes() > budget_) {
        return Status::NotImplemented("a DELTA_BYTE_ARRAY page expands to " + std::to_string(delta_bytes_.total_bytes()) +
                                      " bytes, beyond the reader's limit of " + std::to_string(budget_));
      }
      return Status::OK();
    }
    case Encoding::kByteStreamSplit:
      if (p == PhysicalType::kBoolean || p == PhysicalType::kByteArray || p == PhysicalType::kInt96) {
        return Unsupported(encoding, p);
      }
      bss_data_ = data;
      bss_decoded_ = false;
      return Status::OK();
    default:
      return Unsupported(encoding, p);
  }
}

Status ValueDecoder::Decode(int64_t n, Column* out) {
  if (n <= 0) return Status::OK();
  if (n > values_left_) return Status::Corruption("a page holds more values than its header counts");
  values_left_ -= n;
  if (pos_ == end_) return EndsEarly("the page's");
  switch (encoding_) {
    case Encoding::kPlain:
      if (leaf_->physical == PhysicalType::kBoolean) return DecodePlainBooleans(n, out);
      if (leaf_->physical == PhysicalType::kByteArray) return DecodePlainBinary(n, out);
      return DecodePlain(n, out);
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary:
      return DecodeDictionary(n, out);
    case Encoding::kRle:
      return DecodeRleBooleans(n, out);
    case Encoding::kDeltaBinaryPacked:
      return DecodeDeltaInts(n, out);
    case Encoding::kDeltaLengthByteArray:
    case Encoding::kDeltaByteArray:
      return DecodeDeltaBytes(n, out);
    case Encoding::kByteStreamSplit:
      return DecodeByteStreamSplit(n, out);
    default:
      return Unsupported(encoding_, leaf_->physical);
  }
}

Status ValueDecoder::DecodePlain(int64_t n, Column* out) {
  const int64_t available = (end_ - pos_) / physical_width_;
  if (n > available) return EndsEarly("PLAIN");
  SL_RETURN_NOT_OK(AppendFixedValues(pos_, n, *leaf_, out));
  pos_ += n * physical_width_;
  return Status::OK();
}

Status ValueDecoder::DecodePlainBooleans(int64_t n, Column* out) {
  const uint64_t available_bits = static_cast<uint64_t>(end_ - pos_) * 8 - bit_pos_;
  if (static_cast<uint64_t>(n) > available_bits) return EndsEarly("PLAIN boolean");
  uint8_t* dst = out->mutable_values().Grow(static_cast<size_t>(n));
  int64_t i = 0;
  // Bits up to the next byte boundary one at a time, then whole bytes.
  while (i < n && (bit_pos_ & 7) != 0) {
    dst[i++] = (pos_[bit_pos_ >> 3] >> (bit_pos_ & 7)) & 1;
    ++bit_pos_;
  }
  if (i < n) {
    const uint8_t* from = pos_ + (bit_pos_ >> 3);
    SL_RETURN_NOT_OK(UnpackBooleans(ByteView(from, static_cast<size_t>(end_ - from)), n - i, dst + i));
    bit_pos_ += static_cast<uint64_t>(n - i);
  }
  return Status::OK();
}

Status ValueDecoder::DecodePlainBinary(int64_t n, Column* out) {
  // Each value needs its 4-byte length at least.
  if (n > (end_ - pos_) / 4) return EndsEarly("PLAIN BYTE_ARRAY");
  if (leaf_->conversion != ValueConversion::kNone) {
    for (int64_t i = 0; i < n; ++i) {
      if (end_ - pos_ < 4) return EndsEarly("PLAIN BYTE_ARRAY");
      const uint32_t len = Load32(pos_);
      pos_ += 4;
      if (len > static_cast<uint64_t>(end_ - pos_)) return EndsEarly("PLAIN BYTE_ARRAY");
      SL_RETURN_NOT_OK(AppendBinaryValue(pos_, len, *leaf_, out));
      pos_ += len;
    }
    return Status::OK();
  }
  // Validate and size first, then copy into one block.
  const uint8_t* p = pos_;
  uint64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (end_ - p < 4) return EndsEarly("PLAIN BYTE_ARRAY");
    const uint32_t len = Load32(p);
    p += 4;
    if (len > static_cast<uint64_t>(end_ - p)) return EndsEarly("PLAIN BYTE_ARRAY");
    p += len;
    total += len;
  }
  ByteBuffer& data = out->mutable_data();
  std::vector<int64_t>& offsets = out->mutable_offsets();
  int64_t offset = static_cast<int64_t>(data.size());
  // kCopySlack spare bytes let short values move as one 16-byte copy.
  data.Reserve(data.size() + static_cast<size_t>(total) + kCopySlack);
  uint8_t* dst = data.Grow(static_cast<size_t>(total));
  offsets.reserve(offsets.size() + static_cast<size_t>(n));
  p = pos_;
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t len = Load32(p);
    CopyShort(dst, p + 4, len, end_ - (p + 4));
    dst += len;
    p += 4 + static_cast<size_t>(len);
    offset += len;
    offsets.push_back(offset);
  }
  pos_ = p;
  return Status::OK();
}

Status ValueDecoder::DecodeDictionary(int64_t n, Column* out) {
  if (index_scratch_.size() < static_cast<size_t>(n)) index_scratch_.resize(static_cast<size_t>(n));
  uint32_t* idx = index_scratch_.data();
  SL_ASSIGN_OR_RETURN(int64_t got, indices_.GetBatch(idx, n));
  if (got != n) return EndsEarly("dictionary index");
  uint32_t highest = 0;
  for (int64_t i = 0; i < n; ++i) highest = idx[i] > highest ? idx[i] : highest;
  const int64_t dict_size = dictionary_->length();
  if (highest >= static_cast<uint64_t>(dict_size)) {
    return Status::Corruption("dictionary index " + std::to_string(highest) + " is out of range (the dictionary has " +
                              std::to_string(dict_size) + " values)");
  }
  if (storage_width_ > 0) {
    const int64_t bytes = n * storage_width_;
    SL_RETURN_NOT_OK(CheckBudget(*out, bytes, 0));
    uint8_t* dst = out->mutable_values().Grow(static_cast<size_t>(bytes));
    const uint8_t* dict = dictionary_->values().data();
    switch (storage_width_) {
      case 1: GatherFixed<1>(dict, idx, n, dst); break;
      case 4: GatherFixed<4>(dict, idx, n, dst); break;
      case 8: GatherFixed<8>(dict, idx, n, dst); break;
      case 16: GatherFixed<16>(dict, idx, n, dst); break;
      default:
        for (int64_t i = 0; i < n; ++i) {
          std::memcpy(dst + i * storage_width_, dict + static_cast<size_t>(idx[i]) * storage_width_, storage_width_);
        }
    }
    return Status::OK();
  }
  const std::vector<int64_t>& dict_offsets = dictionary_->offsets();
  const uint8_t* dict_data = dictionary_->data().data();
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) total += dict_offsets[idx[i] + 1] - dict_offsets[idx[i]];
  SL_RETURN_NOT_OK(CheckBudget(*out, 0, total));
  ByteBuffer& data = out->mutable_data();
  std::vector<int64_t>& offsets = out->mutable_offsets();
  int64_t offset = static_cast<int64_t>(data.size());
  data.Reserve(data.size() + static_cast<size_t>(total) + kCopySlack);
  uint8_t* dst = data.Grow(static_cast<size_t>(total));
  offsets.reserve(offsets.size() + static_cast<size_t>(n));
  const int64_t dict_bytes = static_cast<int64_t>(dictionary_->data().size());
  for (int64_t i = 0; i < n; ++i) {
    const int64_t begin = dict_offsets[idx[i]];
    const int64_t len = dict_offsets[idx[i] + 1] - begin;
    CopyShort(dst, dict_data + begin, static_cast<size_t>(len), dict_bytes - begin);
    dst += len;
    offset += len;
    offsets.push_back(offset);
  }
  return Status::OK();
}

Status ValueDecoder::DecodeRleBooleans(int64_t n, Column* out) {
  if (index_scratch_.size() < static_cast<size_t>(n)) index_scratch_.resize(static_cast<size_t>(n));
  SL_ASSIGN_OR_RETURN(int64_t got, indices_.GetBatch(index_scratch_.data(), n));
  if (got != n) return EndsEarly("RLE boolean");
  uint8_t* dst = out->mutable_values().Grow(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(index_scratch_[i] & 1);
  return Status::OK();
}

Status ValueDecoder::DecodeDeltaInts(int64_t n, Column* out) {
  const bool is32 = leaf_->physical == PhysicalType::kInt32;
  const size_t bytes = static_cast<size_t>(n) * (is32 ? 4 : 8);
  const bool direct = leaf_->conversion == ValueConversion::kNone;
  uint8_t* dst;
  if (direct) {
    dst = out->mutable_values().Grow(bytes);
  } else {
    scratch_.Resize(bytes);
    dst = scratch_.data();
  }
  int64_t got;
  if (is32) {
    SL_ASSIGN_OR_RETURN(got, delta32_.Decode(reinterpret_cast<int32_t*>(dst), n));
  } else {
    SL_ASSIGN_OR_RETURN(got, delta64_.Decode(reinterpret_cast<int64_t*>(dst), n));
  }
  if (got != n) return EndsEarly("DELTA_BINARY_PACKED");
  if (!direct) return AppendFixedValues(scratch_.data(), n, *leaf_, out);
  return Status::OK();
}

Status ValueDecoder::DecodeDeltaBytes(int64_t n, Column* out) {
  const bool length_only = encoding_ == Encoding::kDeltaLengthByteArray;
  if (leaf_->physical == PhysicalType::kByteArray && leaf_->conversion == ValueConversion::kNone) {
    if (length_only) {
      SL_RETURN_NOT_OK(delta_length_.Decode(n, &out->mutable_data(), &out->mutable_offsets()));
    } else {
      SL_RETURN_NOT_OK(delta_bytes_.Decode(n, &out->mutable_data(), &out->mutable_offsets()));
    }
    return CheckBudget(*out, 0, 0);
  }
  // Decimals and FIXED_LEN_BYTE_ARRAY: decode aside, then convert value by value.
  scratch_.Clear();
  offsets_scratch_.clear();
  if (length_only) {
    SL_RETURN_NOT_OK(delta_length_.Decode(n, &scratch_, &offsets_scratch_));
  } else {
    SL_RETURN_NOT_OK(delta_bytes_.Decode(n, &scratch_, &offsets_scratch_));
  }
  if (offsets_scratch_.size() != static_cast<size_t>(n)) return EndsEarly("DELTA byte array");
  int64_t begin = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t end = offsets_scratch_[i];
    const uint8_t* p = scratch_.data() + begin;
    const size_t len = static_cast<size_t>(end - begin);
    if (leaf_->physical == PhysicalType::kFixedLenByteArray) {
      if (len != static_cast<size_t>(leaf_->type_length)) {
        return Status::Corruption("a DELTA_BYTE_ARRAY value has " + std::to_string(len) + " bytes, not the column's " +
                                  std::to_string(leaf_->type_length));
      }
      SL_RETURN_NOT_OK(AppendFixedValues(p, 1, *leaf_, out));
    } else {
      SL_RETURN_NOT_OK(AppendBinaryValue(p, len, *leaf_, out));
    }
    begin = end;
  }
  return CheckBudget(*out, 0, 0);
}

Status ValueDecoder::DecodeByteStreamSplit(int64_t n, Column* out) {
  const int w = physical_width_;
  const int64_t total = static_cast<int64_t>(bss_data_.size()) / w;
  if (!bss_decoded_) {
    // The decoder has no start offset, so the whole page is decoded once and served from scratch.
    if (static_cast<int64_t>(bss_data_.size()) % w != 0) {
      return Status::Corruption("BYTE_STREAM_SPLIT values are " + std::to_string(bss_data_.size()) +
                                " bytes, not a multiple of the value width " + std::to_string(w));
    }
    scratch_.Resize(bss_data_.size());
    SL_RETURN_NOT_OK(ByteStreamSplitDecode(bss_data_, w, total, scratch_.data()));
    scratch_pos_ = 0;
    bss_decoded_ = true;
  }
  if (n > total - scratch_pos_) return EndsEarly("BYTE_STREAM_SPLIT");
  SL_RETURN_NOT_OK(AppendFixedValues(scratch_.data() + scratch_pos_ * w, n, *leaf_, out));
  scratch_pos_ += n;
  return Status::OK();
}

}  // namespace snaplake::parquet
