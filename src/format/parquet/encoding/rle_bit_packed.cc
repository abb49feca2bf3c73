#include "format/parquet/encoding/rle_bit_packed.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>

#include "format/parquet/encoding/varint.h"

namespace snaplake::parquet {
namespace {

// The spec caps both run kinds at 2^31 - 1 values.
constexpr int64_t kMaxRunLength = (int64_t{1} << 31) - 1;

uint32_t MaskFor(int bit_width) {
  return bit_width >= 32 ? ~uint32_t{0} : (uint32_t{1} << bit_width) - 1;
}

size_t ValueBytes(int bit_width) { return static_cast<size_t>(bit_width + 7) / 8; }

}  // namespace

// ---------------------------------------------------------------- encoder

RleBitPackedEncoder::RleBitPackedEncoder(int bit_width) { Reset(bit_width); }

void RleBitPackedEncoder::Reset(int bit_width) {
  bit_width_ = std::clamp(bit_width, 0, kMaxBitWidth32);
  mask_ = MaskFor(bit_width_);
  num_values_ = 0;
  in_run_ = false;
  run_value_ = 0;
  run_count_ = 0;
  last_ = 0;
  repeats_ = 0;
  num_literals_ = 0;
  out_.Clear();
}

void RleBitPackedEncoder::OnLiteralLimit() {
  if (repeats_ >= kMinRepeat) {
    // The buffer ends in kMinRepeat equal values: take them back out and
    // count the rest of the run instead of storing it.
    num_literals_ -= kMinRepeat;
    in_run_ = true;
    run_value_ = last_;
    run_count_ = kMinRepeat;
    repeats_ = 0;
    return;
  }
  FlushLiterals();  // full: 63 whole groups
  repeats_ = 0;
}

void RleBitPackedEncoder::PutRepeated(uint32_t value, int64_t count) {
  if (count <= 0) return;
  num_values_ += count;
  if (in_run_) {
    if (value == run_value_) {
      run_count_ += count;
      return;
    }
    SettleRun();
  }
  int64_t trailing = value == last_ ? repeats_ : 0;
  if (trailing + count >= kMinRepeat) {
    num_literals_ -= trailing;
    in_run_ = true;
    run_value_ = value;
    run_count_ = trailing + count;
    repeats_ = 0;
    return;
  }
  for (int64_t i = 0; i < count; ++i) PutLiteral(value);
}

void RleBitPackedEncoder::PutBatch(const uint32_t* values, int64_t n) {
  int64_t i = 0;
  while (i < n) {
    if (in_run_) {
      const uint32_t run_value = run_value_;
      int64_t j = i;
      while (j < n && values[j] == run_value) ++j;
      run_count_ += j - i;
      num_values_ += j - i;
      i = j;
      if (i == n) break;
      SettleRun();
    }
    uint32_t last = last_;
    int64_t repeats = repeats_;
    uint32_t* dst = literals_ + num_literals_;
    const int64_t limit = std::min<int64_t>(n - i, kMaxLiterals - num_literals_);
    int64_t j = 0;
    while (j < limit) {
      uint32_t v = values[i + j];
      repeats = v == last ? repeats + 1 : 1;
      last = v;
      dst[j++] = v;
      if (repeats >= kMinRepeat) break;
    }
    last_ = last;
    repeats_ = repeats;
    num_literals_ += j;
    num_values_ += j;
    i += j;
    if (repeats_ >= kMinRepeat || num_literals_ == kMaxLiterals) OnLiteralLimit();
  }
}

void RleBitPackedEncoder::SettleRun() {
  in_run_ = false;
  int64_t count = run_count_;
  run_count_ = 0;
  // A bit-packed run must hold whole groups of 8, so the run first tops up
  // the partial group; what is left becomes an RLE run if still long enough.
  int64_t fill = (8 - num_literals_ % 8) % 8;
  if (count - fill >= kMinRepeat) {
    AppendLiterals(run_value_, fill);
    FlushLiterals();
    EmitRleRun(run_value_, count - fill);
  } else {
    AppendLiterals(run_value_, count);
  }
  last_ = run_value_;
  repeats_ = 0;
}

void RleBitPackedEncoder::AppendLiterals(uint32_t value, int64_t count) {
  while (count > 0) {
    int64_t take = std::min<int64_t>(count, kMaxLiterals - num_literals_);
    std::fill_n(literals_ + num_literals_, take, value);
    num_literals_ += take;
    count -= take;
    if (num_literals_ == kMaxLiterals) FlushLiterals();
  }
}

void RleBitPackedEncoder::FlushLiterals() {
  if (num_literals_ == 0) return;
  int64_t groups = num_literals_ / 8;
  PutUleb128((static_cast<uint64_t>(groups) << 1) | 1, &out_);
  Pack32Fn pack = GetPack32Fn(bit_width_);
  size_t chunk_bytes = static_cast<size_t>(bit_width_) * 4;
  int64_t i = 0;
  for (; i + 32 <= num_literals_; i += 32) pack(literals_ + i, out_.Grow(chunk_bytes));
  if (i < num_literals_) {
    // A tail of 8, 16 or 24 values: its bytes are a prefix of a padded chunk.
    uint32_t padded[32] = {};
    std::copy(literals_ + i, literals_ + num_literals_, padded);
    uint8_t packed[kMaxBitWidth32 * 4];
    pack(padded, packed);
    out_.Append(packed, static_cast<size_t>((num_literals_ - i) / 8 * bit_width_));
  }
  num_literals_ = 0;
}

void RleBitPackedEncoder::EmitRleRun(uint32_t value, int64_t count) {
  value &= mask_;
  uint8_t bytes[4];
  std::memcpy(bytes, &value, 4);  // little-endian host (see bit_pack.cc)
  while (count > 0) {
    int64_t run = std::min(count, kMaxRunLength);
    PutUleb128(static_cast<uint64_t>(run) << 1, &out_);
    out_.Append(bytes, ValueBytes(bit_width_));
    count -= run;
  }
}

void RleBitPackedEncoder::FinishInto(ByteBuffer* out) {
  if (in_run_) SettleRun();
  if (num_literals_ % 8 != 0) {
    // Pad the final group; the page's value count tells readers where to stop.
    int64_t pad = 8 - num_literals_ % 8;
    std::fill_n(literals_ + num_literals_, pad, 0u);
    num_literals_ += pad;
  }
  FlushLiterals();
  out->Append(out_.view());
  Reset(bit_width_);
}

size_t RleBitPackedEncoder::EstimatedSize() const {
  // Mirrors SettleRun + FinishInto without doing them.
  int64_t literals = num_literals_;
  size_t rle_bytes = 0;
  int64_t run = in_run_ ? run_count_ : 0;
  if (run >= kMinRepeat) {
    int fill = (8 - num_literals_ % 8) % 8;
    if (run - fill >= kMinRepeat) {
      literals += fill;
      run -= fill;
      rle_bytes = (static_cast<size_t>(run / kMaxRunLength) + 1) * (5 + ValueBytes(bit_width_));
      run = 0;
    }
  }
  literals += run;
  size_t groups = static_cast<size_t>((literals + 7) / 8);
  size_t headers = (groups + kMaxLiteralGroups - 1) / kMaxLiteralGroups;
  return out_.size() + headers + groups * static_cast<size_t>(bit_width_) + rle_bytes;
}

size_t RleBitPackedEncoder::MaxEncodedSize(int bit_width, int64_t n) {
  if (n <= 0) return 0;
  // Worst case: everything bit-packed (one header byte per 63 groups), plus a
  // header byte wasted for each switch between run kinds, which needs at least
  // 8 values of RLE run.
  size_t groups = static_cast<size_t>((n + 7) / 8);
  size_t packed = groups * static_cast<size_t>(bit_width) + groups / kMaxLiteralGroups + 1;
  size_t switches = static_cast<size_t>(n / kMinRepeat) + 1;
  return packed + switches * (6 + ValueBytes(bit_width));
}

// ---------------------------------------------------------------- decoder

void RleBitPackedDecoder::Reset(const uint8_t* data, size_t len, int bit_width) {
  pos_ = data;
  end_ = data == nullptr ? data : data + len;
  rle_left_ = 0;
  literal_left_ = 0;
  literal_pos_ = nullptr;
  buffered_pos_ = buffered_count_ = 0;
  if (bit_width < 0 || bit_width > kMaxBitWidth32) {
    std::string msg = "RLE/bit-packed data has bit width ";
    msg.append(std::to_string(bit_width)).append("; the maximum is 32");
    status_ = Status::Corruption(std::move(msg));
    bit_width_ = 0;
    unpack_ = nullptr;
    return;
  }
  status_ = Status::OK();
  bit_width_ = bit_width;
  unpack_ = GetUnpack32Fn(bit_width);
}

Status RleBitPackedDecoder::NextRun(bool* found) {
  *found = false;
  if (pos_ == end_) return Status::OK();
  uint64_t header;
  if (!GetUleb128(&pos_, end_, &header) || header > 0xFFFFFFFFu) {
    status_ = Status::Corruption("RLE/bit-packed data has a truncated or oversized run header");
    return status_;
  }
  size_t avail = static_cast<size_t>(end_ - pos_);
  if (header & 1) {
    uint64_t groups = header >> 1;
    uint64_t values = groups * 8;
    uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
    if (bytes > avail) {
      // A short final run: decode what is there; the caller notices the
      // missing values from its count.
      values = static_cast<uint64_t>(avail) * 8 / static_cast<uint64_t>(bit_width_);
      bytes = avail;
    }
    literal_left_ = static_cast<int64_t>(values);
    literal_pos_ = pos_;
    pos_ += bytes;
  } else {
    size_t value_bytes = ValueBytes(bit_width_);
    if (value_bytes > avail) {
      status_ = Status::Corruption("RLE/bit-packed data ends inside an RLE run's value");
      return status_;
    }
    uint32_t value = 0;
    std::memcpy(&value, pos_, value_bytes);  // little-endian host
    pos_ += value_bytes;
    if (bit_width_ < 32 && (value >> bit_width_) != 0) {
      std::string msg = "RLE run value ";
      msg.append(std::to_string(value)).append(" does not fit in bit width ").append(std::to_string(bit_width_));
      status_ = Status::Corruption(std::move(msg));
      return status_;
    }
    rle_value_ = value;
    rle_left_ = static_cast<int64_t>(header >> 1);
  }
  // Zero-length runs are tolerated (skipped): each costs at least a byte, so
  // they cannot loop forever.
  *found = true;
  return Status::OK();
}

template <typename T>
Result<int64_t> RleBitPackedDecoder::GetBatchImpl(T* out, int64_t n) {
  if (!status_.ok()) return status_;
  const size_t chunk_bytes = static_cast<size_t>(bit_width_) * 4;
  int64_t done = 0;
  while (done < n) {
    if (rle_left_ > 0) {
      int64_t k = std::min(rle_left_, n - done);
      std::fill_n(out + done, k, static_cast<T>(rle_value_));
      rle_left_ -= k;
      done += k;
    } else if (buffered_pos_ < buffered_count_) {
      int k = static_cast<int>(std::min<int64_t>(buffered_count_ - buffered_pos_, n - done));
      for (int i = 0; i < k; ++i) out[done + i] = static_cast<T>(buffered_[buffered_pos_ + i]);
      buffered_pos_ += k;
      done += k;
    } else if (literal_left_ > 0) {
      // Whole chunks of 32 go straight to the output.
      while (literal_left_ >= 32 && n - done >= 32) {
        if constexpr (std::is_same_v<T, uint32_t>) {
          unpack_(literal_pos_, out + done);
        } else {
          uint32_t tmp[32];
          unpack_(literal_pos_, tmp);
          for (int i = 0; i < 32; ++i) out[done + i] = static_cast<T>(tmp[i]);
        }
        literal_pos_ += chunk_bytes;
        literal_left_ -= 32;
        done += 32;
      }
      if (literal_left_ > 0 && done < n) {
        int k = static_cast<int>(std::min<int64_t>(literal_left_, 32));
        size_t bytes = (static_cast<size_t>(k) * bit_width_ + 7) / 8;  // NextRun made sure these exist
        Unpack32Partial(literal_pos_, bytes, bit_width_, buffered_);
        literal_pos_ += bytes;
        literal_left_ -= k;
        buffered_pos_ = 0;
        buffered_count_ = k;
      }
    } else {
      bool found;
      SL_RETURN_NOT_OK(NextRun(&found));
      if (!found) break;
    }
  }
  return done;
}

Result<int64_t> RleBitPackedDecoder::GetBatch(uint32_t* out, int64_t n) { return GetBatchImpl(out, n); }
Result<int64_t> RleBitPackedDecoder::GetBatch(int16_t* out, int64_t n) { return GetBatchImpl(out, n); }

}  // namespace snaplake::parquet
