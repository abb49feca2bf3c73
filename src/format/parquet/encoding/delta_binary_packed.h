// DELTA_BINARY_PACKED (Parquet encoding 5) for INT32 and INT64.
//
//   header: <block size> <miniblocks per block> <total values> <first value>
//           (ULEB128, ULEB128, ULEB128, zigzag ULEB128)
//   block:  <min delta: zigzag ULEB128> <one bit-width byte per miniblock>
//           <miniblocks: deltas - min delta, bit-packed LSB first>
//
// The encoder writes blocks of 128 values in 4 miniblocks of 32. All delta
// arithmetic is done on the unsigned type, so overflow wraps as the spec
// requires (INT_MIN after INT_MAX is fine).
//
// The decoder accepts any block size that is a multiple of 8 (up to 65536)
// with miniblocks of a multiple of 8 values: a superset of the spec's 128/32
// rule that also reads the spec's own examples. It allocates nothing and
// checks every read against the buffer; it never reads bit widths of
// miniblocks it does not need (the spec lets writers leave garbage there).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "common/buffer.h"
#include "common/status.h"

namespace snaplake::parquet {

template <typename T>
class DeltaBinaryPackedEncoder {
  static_assert(std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>);

 public:
  static constexpr int kBlockSize = 128;
  static constexpr int kMiniblocks = 4;
  static constexpr int kMiniblockSize = kBlockSize / kMiniblocks;

  void Put(const T* values, int64_t n);
  void Put(T value) { Put(&value, 1); }

  // Appends header and blocks, then resets. With no values it appends a
  // header that says 0 values.
  void FinishInto(ByteBuffer* out);

  int64_t num_values() const { return total_; }
  size_t EstimatedSize() const;

 private:
  using U = std::make_unsigned_t<T>;
  void FlushBlock();

  int64_t total_ = 0;
  U first_ = 0;
  U last_ = 0;
  int block_count_ = 0;
  U deltas_[kBlockSize];
  ByteBuffer blocks_;
};

template <typename T>
class DeltaBinaryPackedDecoder {
  static_assert(std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>);

 public:
  // Reads and validates the header. Corruption if it is malformed or claims
  // more values than `len` bytes could possibly describe.
  Status Init(const uint8_t* data, size_t len);
  int64_t total_values() const { return total_; }
  int64_t values_left() const { return total_ - read_; }

  // Decodes up to n values; returns how many (fewer only at the end).
  Result<int64_t> Decode(T* out, int64_t n);

  // Decodes (and drops) whatever is left, then returns how many bytes of
  // `data` the whole stream occupies: where DELTA_LENGTH_BYTE_ARRAY's bytes
  // begin.
  Result<size_t> BytesConsumedAfterAll();

 private:
  using U = std::make_unsigned_t<T>;
  Status LoadChunk();
  Status Fail(const char* what);

  const uint8_t* begin_ = nullptr;
  const uint8_t* pos_ = nullptr;
  const uint8_t* end_ = nullptr;
  Status status_ = Status::Corruption("DELTA_BINARY_PACKED decoder used before Init");
  uint32_t miniblocks_ = 0;
  uint32_t miniblock_size_ = 0;
  int chunk_size_ = 32;  // values unpacked at a time: 32, or 8 for small miniblocks
  int64_t total_ = 0;
  int64_t read_ = 0;
  U first_ = 0;
  U last_ = 0;
  // Current block.
  U min_delta_ = 0;
  const uint8_t* bit_widths_ = nullptr;
  uint32_t next_miniblock_ = 0;
  // Current miniblock.
  int width_ = 0;
  const uint8_t* mb_data_ = nullptr;
  size_t mb_bytes_ = 0;   // present bytes (can be short only at the end of data)
  size_t mb_offset_ = 0;
  uint32_t mb_left_ = 0;  // values not yet unpacked
  // Deltas unpacked (min delta already added) but not yet handed out.
  int chunk_pos_ = 0;
  int chunk_count_ = 0;
  U chunk_[32];
};

extern template class DeltaBinaryPackedEncoder<int32_t>;
extern template class DeltaBinaryPackedEncoder<int64_t>;
extern template class DeltaBinaryPackedDecoder<int32_t>;
extern template class DeltaBinaryPackedDecoder<int64_t>;

}  // namespace snaplake::parquet
