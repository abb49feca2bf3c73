// Walks the pages of one column chunk (already in memory): parses each page
// header, checks every size against the chunk and the byte budget before
// allocating, and decompresses the page body. Index pages and page types it
// does not know are skipped.
//
// Data page v2 keeps its levels uncompressed in front of the values; only the
// values are decompressed, and only when is_compressed says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/buffer.h"
#include "common/status.h"
#include "format/compression/codec.h"
#include "format/parquet/metadata/parquet_types.h"

namespace snaplake::parquet {

struct Page {
  PageType type = PageType::kDataPage;  // kDictionaryPage, kDataPage or kDataPageV2
  int64_t file_offset = 0;              // where the page header starts, for messages
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  // Dictionary page and data page v1: the whole (decompressed) body.
  ByteView body;
  Encoding def_level_encoding = Encoding::kRle;  // v1
  Encoding rep_level_encoding = Encoding::kRle;  // v1
  // Data page v2.
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  ByteView rep_levels;
  ByteView def_levels;
  ByteView values;
};

class PageReader {
 public:
  // A page may not decompress to more than `budget` bytes.
  explicit PageReader(int64_t budget) : budget_(budget) {}

  // Starts on a chunk whose first byte is at `file_offset` in the file;
  // `codec` is null for UNCOMPRESSED.
  void Reset(ByteView chunk, int64_t file_offset, Codec* codec);

  // Reads the next dictionary or data page; *done = true at the end of the
  // chunk. The page's views stay valid until the next call.
  Status Next(Page* page, bool* done);

  // File offset of the page most recently returned (or being parsed).
  int64_t current_page_offset() const { return page_offset_; }

 private:
  Status Decompress(ByteView in, int64_t uncompressed_size, ByteView* out);

  Codec* codec_ = nullptr;
  const int64_t budget_;
  ByteView chunk_;
  size_t pos_ = 0;
  int64_t file_offset_ = 0;
  int64_t page_offset_ = 0;
  ByteBuffer decompressed_;
};

}  // namespace snaplake::parquet
