// DELTA_LENGTH_BYTE_ARRAY (6) and DELTA_BYTE_ARRAY (7).
//
//   DELTA_LENGTH_BYTE_ARRAY: <lengths as DELTA_BINARY_PACKED int32> <all bytes concatenated>
//   DELTA_BYTE_ARRAY:        <prefix lengths as DELTA_BINARY_PACKED int32>
//                            <suffixes as DELTA_LENGTH_BYTE_ARRAY>
// where each value is the first <prefix length> bytes of the previous value
// followed by its suffix (the first value's prefix length is 0).
//
// Decoders validate the whole stream in Init (lengths >= 0, lengths fit in
// the data, prefixes no longer than the previous value), so total_bytes() is
// known before anything is decoded: callers can refuse pages that would
// expand beyond their memory budget. Decode appends each value's bytes to
// *data and pushes its END offset (data->size() after the append) to
// *end_offsets; it decodes exactly n values (Corruption if fewer are left).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/buffer.h"
#include "common/status.h"
#include "format/parquet/encoding/delta_binary_packed.h"

namespace snaplake::parquet {

class DeltaLengthByteArrayEncoder {
 public:
  // Values are at most 2^31 - 1 bytes (Parquet lengths are int32).
  void Put(std::string_view v) {
    lengths_.Put(static_cast<int32_t>(v.size()));
    bytes_.Append(v);
  }
  // Appends the encoded page values and resets.
  void FinishInto(ByteBuffer* out);
  int64_t num_values() const { return lengths_.num_values(); }
  size_t EstimatedSize() const { return lengths_.EstimatedSize() + bytes_.size(); }

 private:
  DeltaBinaryPackedEncoder<int32_t> lengths_;
  ByteBuffer bytes_;
};

class DeltaByteArrayEncoder {
 public:
  void Put(std::string_view v);
  // Appends the encoded page values and resets (the next page starts afresh).
  void FinishInto(ByteBuffer* out);
  int64_t num_values() const { return prefixes_.num_values(); }
  size_t EstimatedSize() const { return prefixes_.EstimatedSize() + suffixes_.EstimatedSize(); }

 private:
  DeltaBinaryPackedEncoder<int32_t> prefixes_;
  DeltaLengthByteArrayEncoder suffixes_;
  ByteBuffer last_;  // the previous value
};

class DeltaLengthByteArrayDecoder {
 public:
  Status Init(const uint8_t* data, size_t len);
  int64_t total_values() const { return total_; }
  int64_t values_left() const { return total_ - read_; }
  int64_t total_bytes() const { return total_bytes_; }  // of all values together

  Status Decode(int64_t n, ByteBuffer* data, std::vector<int64_t>* end_offsets);

  // Lower level: writes the next n lengths to `lengths` and points *bytes at
  // their concatenated bytes inside the input (valid as long as it is).
  Status DecodeRaw(int64_t n, int32_t* lengths, const uint8_t** bytes);

 private:
  DeltaBinaryPackedDecoder<int32_t> lengths_;
  const uint8_t* bytes_pos_ = nullptr;
  const uint8_t* bytes_end_ = nullptr;
  int64_t total_ = 0;
  int64_t read_ = 0;
  int64_t total_bytes_ = 0;
  Status status_ = Status::Corruption("DELTA_LENGTH_BYTE_ARRAY decoder used before Init");
};

class DeltaByteArrayDecoder {
 public:
  Status Init(const uint8_t* data, size_t len);
  int64_t total_values() const { return total_; }
  int64_t values_left() const { return total_ - read_; }
  int64_t total_bytes() const { return total_bytes_; }  // of all values, prefixes expanded

  Status Decode(int64_t n, ByteBuffer* data, std::vector<int64_t>* end_offsets);

 private:
  DeltaBinaryPackedDecoder<int32_t> prefixes_;
  DeltaLengthByteArrayDecoder suffixes_;
  ByteBuffer last_;  // the previous value, carried across Decode calls
  int64_t total_ = 0;
  int64_t read_ = 0;
  int64_t total_bytes_ = 0;
  Status status_ = Status::Corruption("DELTA_BYTE_ARRAY decoder used before Init");
};

}  // namespace snaplake::parquet
