#include "format/parquet/encoding/delta_binary_packed.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "format/parquet/encoding/bit_pack.h"
#include "format/parquet/encoding/varint.h"

namespace snaplake::parquet {
namespace {

// Larger blocks would be legal but no writer uses them, and the cap keeps a
// forged header from claiming billions of values in a few bytes.
constexpr uint64_t kMaxBlockSize = 65536;

template <typename U>
U ZigZagToUnsigned(uint64_t z) {
  // Truncation is the wrap-around the spec asks for: an INT32 stream whose
  // writer computed a delta in 64 bits still lands on the right value.
  return static_cast<U>(static_cast<uint64_t>(ZigZagDecode64(z)));
}

}  // namespace

// ---------------------------------------------------------------- encoder

template <typename T>
void DeltaBinaryPackedEncoder<T>::Put(const T* values, int64_t n) {
  if (n <= 0) return;
  int64_t i = 0;
  if (total_ == 0) {
    first_ = last_ = static_cast<U>(values[0]);
    i = 1;
  }
  total_ += n;
  // Locals, not members, in the loop: stores to deltas_ could otherwise
  // alias them and force reloads on every value.
  U last = last_;
  while (i < n) {
    int64_t k = std::min<int64_t>(n - i, kBlockSize - block_count_);
    U* dst = deltas_ + block_count_;
    const T* src = values + i;
    dst[0] = static_cast<U>(src[0]) - last;
    for (int64_t j = 1; j < k; ++j) dst[j] = static_cast<U>(src[j]) - static_cast<U>(src[j - 1]);
    last = static_cast<U>(src[k - 1]);
    block_count_ += static_cast<int>(k);
    i += k;
    if (block_count_ == kBlockSize) FlushBlock();
  }
  last_ = last;
}

template <typename T>
void DeltaBinaryPackedEncoder<T>::FlushBlock() {
  const int n = block_count_;
  if (n == 0) return;
  // The frame of reference is the minimum delta read as signed.
  T min_delta = static_cast<T>(deltas_[0]);
  for (int i = 1; i < n; ++i) {
    T d = static_cast<T>(deltas_[i]);
    min_delta = d < min_delta ? d : min_delta;
  }
  const U min_u = static_cast<U>(min_delta);
  const int used = (n + kMiniblockSize - 1) / kMiniblockSize;
  const int padded = used * kMiniblockSize;
  for (int i = 0; i < n; ++i) deltas_[i] -= min_u;
  for (int i = n; i < padded; ++i) deltas_[i] = 0;

  // One append for the whole block: header, widths, miniblocks.
  uint8_t widths[kMiniblocks] = {};
  size_t data_bytes = 0;
  for (int m = 0; m < used; ++m) {
    U bits = 0;
    const U* mb = deltas_ + m * kMiniblockSize;
    for (int i = 0; i < kMiniblockSize; ++i) bits |= mb[i];
    widths[m] = static_cast<uint8_t>(std::bit_width(bits));
    data_bytes += static_cast<size_t>(widths[m]) * kMiniblockSize / 8;
  }
  PutUleb128(ZigZagEncode64(static_cast<int64_t>(min_delta)), &blocks_);
  uint8_t* dst = blocks_.Grow(kMiniblocks + data_bytes);
  std::memcpy(dst, widths, kMiniblocks);
  dst += kMiniblocks;
  for (int m = 0; m < used; ++m) {
    if constexpr (sizeof(T) == 4) {
      Pack32(deltas_ + m * kMiniblockSize, widths[m], dst);
    } else {
      Pack32x64(deltas_ + m * kMiniblockSize, widths[m], dst);
    }
    dst += static_cast<size_t>(widths[m]) * kMiniblockSize / 8;
  }
  block_count_ = 0;
}

template <typename T>
void DeltaBinaryPackedEncoder<T>::FinishInto(ByteBuffer* out) {
  FlushBlock();
  PutUleb128(kBlockSize, out);
  PutUleb128(kMiniblocks, out);
  PutUleb128(static_cast<uint64_t>(total_), out);
  PutUleb128(ZigZagEncode64(static_cast<int64_t>(static_cast<T>(first_))), out);
  out->Append(blocks_.view());
  blocks_.Clear();
  total_ = 0;
  first_ = last_ = 0;
}

template <typename T>
size_t DeltaBinaryPackedEncoder<T>::EstimatedSize() const {
  // Header, the finished blocks, and an upper bound for the pending block:
  // its used miniblocks padded to 32 values at full width.
  size_t pending = 0;
  if (block_count_ > 0) {
    size_t miniblocks = static_cast<size_t>((block_count_ + kMiniblockSize - 1) / kMiniblockSize);
    pending = 10 + kMiniblocks + miniblocks * kMiniblockSize * sizeof(T);
  }
  return 2 + 1 + 10 + 10 + blocks_.size() + pending;
}

// ---------------------------------------------------------------- decoder

template <typename T>
Status DeltaBinaryPackedDecoder<T>::Fail(const char* what) {
  std::string msg = "DELTA_BINARY_PACKED data ";
  msg.append(what);
  status_ = Status::Corruption(std::move(msg));
  return status_;
}

template <typename T>
Status DeltaBinaryPackedDecoder<T>::Init(const uint8_t* data, size_t len) {
  begin_ = pos_ = data;
  end_ = data == nullptr ? data : data + len;
  total_ = read_ = 0;
  first_ = last_ = min_delta_ = 0;
  bit_widths_ = nullptr;
  next_miniblock_ = miniblocks_ = 0;
  mb_data_ = nullptr;
  mb_bytes_ = mb_offset_ = 0;
  mb_left_ = 0;
  chunk_pos_ = chunk_count_ = 0;
  status_ = Status::OK();

  uint64_t block_size, miniblocks, total, first;
  if (!GetUleb128(&pos_, end_, &block_size) || !GetUleb128(&pos_, end_, &miniblocks) ||
      !GetUleb128(&pos_, end_, &total) || !GetUleb128(&pos_, end_, &first)) {
    return Fail("has a truncated or malformed header");
  }
  if (block_size == 0 || block_size % 8 != 0 || block_size > kMaxBlockSize) {
    std::string msg = "has block size ";
    msg.append(std::to_string(block_size)).append(" (must be a multiple of 128, at most 65536)");
    return Fail(msg.c_str());
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 8 != 0) {
    std::string msg = "has ";
    msg.append(std::to_string(miniblocks)).append(" miniblocks per block of ").append(std::to_string(block_size));
    msg.append(" values (each miniblock must hold a multiple of 32 values)");
    return Fail(msg.c_str());
  }
  // Every block, even a mostly empty last one, spends at least one byte on
  // its min delta plus one per miniblock bit width: that bounds the count.
  if (total > 1) {
    uint64_t blocks = (total - 1 + block_size - 1) / block_size;
    uint64_t avail = static_cast<uint64_t>(end_ - pos_);
    if (blocks > avail / (1 + miniblocks)) {
      std::string msg = "claims ";
      msg.append(std::to_string(total)).append(" values but holds only ").append(std::to_string(avail));
      msg.append(" bytes of blocks");
      return Fail(msg.c_str());
    }
  }
  miniblocks_ = static_cast<uint32_t>(miniblocks);
  next_miniblock_ = miniblocks_;  // the first delta starts a block
  miniblock_size_ = static_cast<uint32_t>(block_size / miniblocks);
  chunk_size_ = miniblock_size_ % 32 == 0 ? 32 : 8;
  total_ = static_cast<int64_t>(total);
  first_ = ZigZagToUnsigned<U>(first);
  return Status::OK();
}

template <typename T>
Status DeltaBinaryPackedDecoder<T>::LoadChunk() {
  if (mb_left_ == 0) {
    if (next_miniblock_ == miniblocks_) {
      uint64_t min_delta;
      if (!GetUleb128(&pos_, end_, &min_delta)) return Fail("ends inside a block header");
      if (static_cast<size_t>(end_ - pos_) < miniblocks_) return Fail("ends inside a block's bit widths");
      min_delta_ = ZigZagToUnsigned<U>(min_delta);
      bit_widths_ = pos_;
      pos_ += miniblocks_;
      next_miniblock_ = 0;
    }
    width_ = bit_widths_[next_miniblock_++];
    if (width_ > static_cast<int>(sizeof(T) * 8)) {
      std::string msg = "has a miniblock bit width of ";
      msg.append(std::to_string(width_)).append(" for ").append(std::to_string(sizeof(T) * 8));
      msg.append("-bit values");
      return Fail(msg.c_str());
    }
    // The miniblock is padded to full size, except that data may end early
    // after the last value (checked per chunk below).
    size_t full = static_cast<size_t>(miniblock_size_) * static_cast<size_t>(width_) / 8;
    mb_data_ = pos_;
    mb_bytes_ = std::min(full, static_cast<size_t>(end_ - pos_));
    pos_ += mb_bytes_;
    mb_offset_ = 0;
    mb_left_ = miniblock_size_;
  }
  const int k = static_cast<int>(std::min<int64_t>(chunk_size_, total_ - read_));
  const size_t needed = (static_cast<size_t>(k) * width_ + 7) / 8;
  if (mb_offset_ + needed > mb_bytes_) return Fail("ends inside a miniblock");
  const size_t present = mb_bytes_ - mb_offset_;
  if constexpr (sizeof(T) == 4) {
    Unpack32Partial(mb_data_ + mb_offset_, present, width_, chunk_);
  } else {
    Unpack32x64Partial(mb_data_ + mb_offset_, present, width_, chunk_);
  }
  for (int i = 0; i < k; ++i) chunk_[i] += min_delta_;
  mb_offset_ += static_cast<size_t>(chunk_size_) * width_ / 8;
  mb_left_ -= static_cast<uint32_t>(chunk_size_);
  chunk_pos_ = 0;
  chunk_count_ = k;
  return Status::OK();
}

template <typename T>
Result<int64_t> DeltaBinaryPackedDecoder<T>::Decode(T* out, int64_t n) {
  if (!status_.ok()) return status_;
  int64_t done = 0;
  if (n <= 0 || read_ >= total_) return done;
  if (read_ == 0) {
    out[done++] = static_cast<T>(first_);
    last_ = first_;
    read_ = 1;
  }
  while (done < n && read_ < total_) {
    if (chunk_pos_ == chunk_count_) SL_RETURN_NOT_OK(LoadChunk());
    int k = static_cast<int>(std::min<int64_t>(chunk_count_ - chunk_pos_, n - done));
    U v = last_;
    for (int i = 0; i < k; ++i) {
      v += chunk_[chunk_pos_ + i];
      out[done + i] = static_cast<T>(v);
    }
    last_ = v;
    chunk_pos_ += k;
    read_ += k;
    done += k;
  }
  return done;
}

template <typename T>
Result<size_t> DeltaBinaryPackedDecoder<T>::BytesConsumedAfterAll() {
  if (!status_.ok()) return status_;
  T scratch[256];
  while (read_ < total_) {
    SL_ASSIGN_OR_RETURN(int64_t got, Decode(scratch, 256));
    if (got == 0) return Fail("stopped before its last value");
  }
  return static_cast<size_t>(pos_ - begin_);
}

template class DeltaBinaryPackedEncoder<int32_t>;
template class DeltaBinaryPackedEncoder<int64_t>;
template class DeltaBinaryPackedDecoder<int32_t>;
template class DeltaBinaryPackedDecoder<int64_t>;

}  // namespace snaplake::parquet
