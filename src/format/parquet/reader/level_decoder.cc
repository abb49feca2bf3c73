#include "format/parquet/reader/level_decoder.h"

#include <cstring>
#include <string>

#include "format/parquet/encoding/bit_util.h"

namespace snaplake::parquet {

Status LevelDecoder::InitV1(Encoding encoding, int16_t max_level, int64_t num_values, ByteView data,
                            size_t* consumed) {
  max_level_ = max_level;
  bit_width_ = BitWidthFor(static_cast<uint64_t>(max_level));
  if (encoding == Encoding::kRle) {
    bit_packed_ = false;
    if (data.size() < 4) return Status::Corruption("levels end before their 4-byte length");
    uint32_t len;
    std::memcpy(&len, data.data(), 4);
    if (len > data.size() - 4) {
      return Status::Corruption("levels claim " + std::to_string(len) + " bytes but the page has " +
                                std::to_string(data.size() - 4) + " left");
    }
    rle_.Reset(data.data() + 4, len, bit_width_);
    *consumed = 4 + static_cast<size_t>(len);
    return Status::OK();
  }
  if (encoding == Encoding::kBitPacked) {
    bit_packed_ = true;
    const uint64_t bits = static_cast<uint64_t>(num_values) * static_cast<uint64_t>(bit_width_);
    const uint64_t bytes = (bits + 7) / 8;
    if (bytes > data.size()) {
      return Status::Corruption("BIT_PACKED levels need " + std::to_string(bytes) + " bytes but the page has " +
                                std::to_string(data.size()));
    }
    bp_data_ = data.data();
    bp_len_ = static_cast<size_t>(bytes);
    bp_bit_pos_ = 0;
    *consumed = bp_len_;
    return Status::OK();
  }
  return Status::NotImplemented("level encoding " + std::to_string(static_cast<int>(encoding)) +
                                " is not supported (only RLE and BIT_PACKED are)");
}

Status LevelDecoder::InitV2(int16_t max_level, ByteView data) {
  max_level_ = max_level;
  bit_width_ = BitWidthFor(static_cast<uint64_t>(max_level));
  bit_packed_ = false;
  rle_.Reset(data.data(), data.size(), bit_width_);
  return Status::OK();
}

Status LevelDecoder::Decode(int16_t* out, int64_t n) {
  if (n <= 0) return Status::OK();
  if (bit_packed_) {
    SL_RETURN_NOT_OK(DecodeBitPacked(out, n));
  } else {
    SL_ASSIGN_OR_RETURN(int64_t got, rle_.GetBatch(out, n));
    if (got != n) {
      return Status::Corruption("levels end after " + std::to_string(got) + " of " + std::to_string(n) + " values");
    }
  }
  // Every value of the bit width is a valid level when max_level fills it.
  if (max_level_ != (1 << bit_width_) - 1) return CheckMax(out, n);
  return Status::OK();
}

Status LevelDecoder::CheckMax(const int16_t* levels, int64_t n) const {
  // Branch-free scan (vectorises); levels are never negative, so unsigned max works.
  uint16_t highest = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint16_t v = static_cast<uint16_t>(levels[i]);
    highest = v > highest ? v : highest;
  }
  if (highest > static_cast<uint16_t>(max_level_)) {
    return Status::Corruption("level " + std::to_string(highest) + " exceeds the column's maximum " +
                              std::to_string(max_level_));
  }
  return Status::OK();
}

Status LevelDecoder::DecodeBitPacked(int16_t* out, int64_t n) {
  const uint64_t need = bp_bit_pos_ + static_cast<uint64_t>(n) * bit_width_;
  if (need > static_cast<uint64_t>(bp_len_) * 8) return Status::Corruption("BIT_PACKED levels end early");
  for (int64_t i = 0; i < n; ++i) {
    uint32_t v = 0;
    for (int b = 0; b < bit_width_; ++b) {
      const uint64_t pos = bp_bit_pos_++;
      const uint32_t bit = (bp_data_[pos >> 3] >> (7 - (pos & 7))) & 1;
      v = (v << 1) | bit;
    }
    out[i] = static_cast<int16_t>(v);
  }
  return Status::OK();
}

}  // namespace snaplake::parquet
