// Decodes the values section of data pages into a leaf Column, in the
// Column's storage layout, a few values at a time (as the rows are needed).
//
// Encodings: PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY (gathering from a
// dictionary decoded once per column chunk), RLE (booleans),
// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and
// BYTE_STREAM_SPLIT. Every read is bounds-checked; nothing is allocated that
// the page bytes (or the byte budget) do not justify.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/buffer.h"
#include "common/status.h"
#include "format/column_batch.h"
#include "format/parquet/encoding/delta_binary_packed.h"
#include "format/parquet/encoding/delta_byte_array.h"
#include "format/parquet/encoding/rle_bit_packed.h"
#include "format/parquet/metadata/parquet_types.h"
#include "format/parquet/reader/schema_converter.h"

namespace snaplake::parquet {

class ValueDecoder {
 public:
  // `budget`: most bytes a Column may hold in values or data before Decode
  // refuses to grow it (see ReaderOptions::max_decoded_bytes).
  ValueDecoder(const LeafInfo* leaf, int64_t budget);

  // Decodes a dictionary page (PLAIN values) as this chunk's dictionary.
  Status SetDictionary(ByteView page, int32_t num_values);
  bool has_dictionary() const { return dictionary_ != nullptr; }
  // Forgets the dictionary (a new column chunk starts).
  void ClearDictionary() { dictionary_.reset(); }

  // Starts a data page whose values section is `data` and holds at most
  // `max_values` values.
  Status Reset(Encoding encoding, ByteView data, int64_t max_values);

  // Appends the next n values of the page to out.
  Status Decode(int64_t n, Column* out);

 private:
  Status DecodePlain(int64_t n, Column* out);
  Status DecodePlainBooleans(int64_t n, Column* out);
  Status DecodePlainBinary(int64_t n, Column* out);
  Status DecodeDictionary(int64_t n, Column* out);
  Status DecodeRleBooleans(int64_t n, Column* out);
  Status DecodeDeltaInts(int64_t n, Column* out);
  Status DecodeDeltaBytes(int64_t n, Column* out);
  Status DecodeByteStreamSplit(int64_t n, Column* out);
  Status CheckBudget(const Column& out, int64_t more_values_bytes, int64_t more_data_bytes) const;

  const LeafInfo* leaf_;
  const int64_t budget_;
  const int physical_width_;
  const int storage_width_;  // Column bytes per value (0: offsets + data)

  Encoding encoding_ = Encoding::kPlain;
  const uint8_t* pos_ = nullptr;  // PLAIN
  const uint8_t* end_ = nullptr;
  uint64_t bit_pos_ = 0;          // PLAIN booleans: bits consumed at pos_
  int64_t values_left_ = 0;

  std::unique_ptr<Column> dictionary_;
  RleBitPackedDecoder indices_;  // dictionary indices, RLE booleans
  DeltaBinaryPackedDecoder<int32_t> delta32_;
  DeltaBinaryPackedDecoder<int64_t> delta64_;
  DeltaLengthByteArrayDecoder delta_length_;
  DeltaByteArrayDecoder delta_bytes_;
  ByteView bss_data_;             // BYTE_STREAM_SPLIT: the page's streams
  bool bss_decoded_ = false;

  // Scratch, reused across pages.
  std::vector<uint32_t> index_scratch_;
  ByteBuffer scratch_;
  std::vector<int64_t> offsets_scratch_;
  int64_t scratch_pos_ = 0;
};

}  // namespace snaplake::parquet
