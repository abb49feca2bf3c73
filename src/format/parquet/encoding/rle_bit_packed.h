// The RLE / bit-packed hybrid (Parquet encoding RLE = 3): repetition and
// definition levels, dictionary indices and RLE booleans.
//
// Stream: a sequence of runs, each headed by a ULEB128 varint h.
//   h & 1 == 0: an RLE run of h >> 1 copies of one value stored in
//               ceil(bit_width / 8) little-endian bytes;
//   h & 1 == 1: a bit-packed run of (h >> 1) groups of 8 values, bit_width
//               bytes per group, packed LSB first.
// These classes handle the runs only; the optional 4-byte length prefix
// (data page v1 levels, RLE booleans) is the caller's business.
//
// The encoder turns 8 or more equal consecutive values into an RLE run and
// packs everything else in groups of 8; the last group is zero-padded, so a
// reader must know the value count from elsewhere (the page header).
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/buffer.h"
#include "common/status.h"
#include "format/parquet/encoding/bit_pack.h"

namespace snaplake::parquet {

class RleBitPackedEncoder {
 public:
  // bit_width is 0..32; every value Put must fit in it (extra bits are dropped).
  explicit RleBitPackedEncoder(int bit_width);

  void Put(uint32_t value) {
    ++num_values_;
    if (in_run_) {
      if (value == run_value_) {
        ++run_count_;
        return;
      }
      SettleRun();
    }
    PutLiteral(value);
  }
  // Same as calling Put(value) `count` times, in O(1) for the run itself.
  void PutRepeated(uint32_t value, int64_t count);
  // Same as Put for each value, but keeps the state in registers: the fast
  // path for dictionary indices and levels that are already in an array.
  void PutBatch(const uint32_t* values, int64_t n);

  // Appends the encoded runs (no length prefix) and resets for reuse with the
  // same bit width. Appends nothing when no value was Put.
  void FinishInto(ByteBuffer* out);

  int64_t num_values() const { return num_values_; }  // values Put since the last Finish
  // Bytes FinishInto would append: an upper bound, exact but for varint header
  // sizes; O(1), so it can be asked after every value.
  size_t EstimatedSize() const;
  int bit_width() const { return bit_width_; }
  void Reset(int bit_width);

  // Upper bound of the encoded size of n values at bit_width, for reserving.
  static size_t MaxEncodedSize(int bit_width, int64_t n);

 private:
  // Literal runs are capped at 63 groups so their header is a single byte.
  static constexpr int kMaxLiteralGroups = 63;
  static constexpr int kMaxLiterals = kMaxLiteralGroups * 8;
  // A run of this many equal values becomes an RLE run.
  static constexpr int64_t kMinRepeat = 8;

  // Buffers a value; notices a run of kMinRepeat equal values at the end of
  // the buffer and a full buffer, both off the common path.
  void PutLiteral(uint32_t value) {
    repeats_ = value == last_ ? repeats_ + 1 : 1;
    last_ = value;
    literals_[num_literals_++] = value;
    if (repeats_ >= kMinRepeat || num_literals_ == kMaxLiterals) [[unlikely]] OnLiteralLimit();
  }
  void OnLiteralLimit();
  void SettleRun();                     // ends the current run: RLE run or literals
  void AppendLiterals(uint32_t value, int64_t count);
  void FlushLiterals();                 // needs num_literals_ % 8 == 0
  void EmitRleRun(uint32_t value, int64_t count);

  int bit_width_ = 0;
  uint32_t mask_ = 0;
  int64_t num_values_ = 0;
  // A run of at least kMinRepeat equal values being counted (not buffered).
  bool in_run_ = false;
  uint32_t run_value_ = 0;
  int64_t run_count_ = 0;
  // Values of the bit-packed run being built (a partial group at the end);
  // the last repeats_ of them equal last_.
  uint32_t last_ = 0;
  int64_t repeats_ = 0;
  int64_t num_literals_ = 0;
  uint32_t literals_[kMaxLiterals];
  ByteBuffer out_;  // finished runs
};

class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder() = default;
  RleBitPackedDecoder(const uint8_t* data, size_t len, int bit_width) { Reset(data, len, bit_width); }

  // A bit_width outside 0..32 makes every later GetBatch return Corruption.
  void Reset(const uint8_t* data, size_t len, int bit_width);

  // Decodes up to n values; returns how many were decoded (fewer only when the
  // data ends), or Corruption for a malformed run.
  Result<int64_t> GetBatch(uint32_t* out, int64_t n);
  Result<int64_t> GetBatch(int16_t* out, int64_t n);  // for levels (bit_width <= 16)

 private:
  template <typename T>
  Result<int64_t> GetBatchImpl(T* out, int64_t n);
  Status NextRun(bool* found);

  const uint8_t* pos_ = nullptr;
  const uint8_t* end_ = nullptr;
  int bit_width_ = 0;
  Unpack32Fn unpack_ = nullptr;
  Status status_;
  // Current RLE run.
  int64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  // Current bit-packed run: values not yet unpacked, starting at literal_pos_.
  int64_t literal_left_ = 0;
  const uint8_t* literal_pos_ = nullptr;
  // Values unpacked but not yet handed out (when a caller asks for < 32).
  int buffered_pos_ = 0;
  int buffered_count_ = 0;
  uint32_t buffered_[32];
};

}  // namespace snaplake::parquet
