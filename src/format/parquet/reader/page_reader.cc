#include "format/parquet/reader/page_reader.h"

#include <string>

namespace snaplake::parquet {

void PageReader::Reset(ByteView chunk, int64_t file_offset, Codec* codec) {
  chunk_ = chunk;
  codec_ = codec;
  pos_ = 0;
  file_offset_ = file_offset;
  page_offset_ = file_offset;
}

Status PageReader::Decompress(ByteView in, int64_t uncompressed_size, ByteView* out) {
  if (codec_ == nullptr) {
    // UNCOMPRESSED: the bytes are the page; a differing uncompressed size in the header is ignored.
    *out = in;
    return Status::OK();
  }
  if (uncompressed_size > budget_) {
    return Status::NotImplemented("page decompresses to " + std::to_string(uncompressed_size) +
                                  " bytes, beyond the reader's limit of " + std::to_string(budget_));
  }
  decompressed_.Resize(static_cast<size_t>(uncompressed_size));
  SL_RETURN_NOT_OK(codec_->Decompress(in, decompressed_.data(), static_cast<size_t>(uncompressed_size)));
  *out = ByteView(decompressed_.data(), static_cast<size_t>(uncompressed_size));
  return Status::OK();
}

Status PageReader::Next(Page* page, bool* done) {
  while (true) {
    page_offset_ = file_offset_ + static_cast<int64_t>(pos_);
    if (pos_ >= chunk_.size()) {
      *done = true;
      return Status::OK();
    }
    PageHeader h;
    size_t header_size = 0;
    SL_RETURN_NOT_OK(DeserializePageHeader(chunk_.subspan(pos_), &h, &header_size));
    const size_t left = chunk_.size() - pos_ - header_size;
    if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0) {
      return Status::Corruption("page header has a negative size");
    }
    if (static_cast<uint64_t>(h.compressed_page_size) > left) {
      return Status::Corruption("compressed size " + std::to_string(h.compressed_page_size) +
                                " exceeds the column chunk (" + std::to_string(left) + " bytes left)");
    }
    ByteView raw = chunk_.subspan(pos_ + header_size, static_cast<size_t>(h.compressed_page_size));
    pos_ += header_size + static_cast<size_t>(h.compressed_page_size);
    *page = Page();
    page->type = h.type;
    page->file_offset = page_offset_;
    switch (h.type) {
      case PageType::kDictionaryPage: {
        if (!h.dictionary_page_header) return Status::Corruption("dictionary page without its header");
        const DictionaryPageHeader& d = *h.dictionary_page_header;
        if (d.num_values < 0) return Status::Corruption("dictionary page has a negative value count");
        page->num_values = d.num_values;
        page->encoding = d.encoding;
        return Decompress(raw, h.uncompressed_page_size, &page->body);
      }
      case PageType::kDataPage: {
        if (!h.data_page_header) return Status::Corruption("data page without its header");
        const DataPageHeader& d = *h.data_page_header;
        if (d.num_values < 0) return Status::Corruption("data page has a negative value count");
        page->num_values = d.num_values;
        page->encoding = d.encoding;
        page->def_level_encoding = d.definition_level_encoding;
        page->rep_level_encoding = d.repetition_level_encoding;
        return Decompress(raw, h.uncompressed_page_size, &page->body);
      }
      case PageType::kDataPageV2: {
        if (!h.data_page_header_v2) return Status::Corruption("data page v2 without its header");
        const DataPageHeaderV2& d = *h.data_page_header_v2;
        if (d.num_values < 0 || d.num_nulls < 0 || d.num_rows < 0 || d.num_nulls > d.num_values) {
          return Status::Corruption("data page v2 has inconsistent counts (values " + std::to_string(d.num_values) +
                                    ", nulls " + std::to_string(d.num_nulls) + ", rows " +
                                    std::to_string(d.num_rows) + ")");
        }
        const int64_t levels = int64_t{d.repetition_levels_byte_length} + d.definition_levels_byte_length;
        if (d.repetition_levels_byte_length < 0 || d.definition_levels_byte_length < 0 ||
            levels > h.compressed_page_size || levels > h.uncompressed_page_size) {
          return Status::Corruption("data page v2 level lengths (" +
                                    std::to_string(d.repetition_levels_byte_length) + " + " +
                                    std::to_string(d.definition_levels_byte_length) + ") exceed the page size");
        }
        page->num_values = d.num_values;
        page->num_nulls = d.num_nulls;
        page->num_rows = d.num_rows;
        page->encoding = d.encoding;
        page->rep_levels = raw.subspan(0, static_cast<size_t>(d.repetition_levels_byte_length));
        page->def_levels = raw.subspan(static_cast<size_t>(d.repetition_levels_byte_length),
                                       static_cast<size_t>(d.definition_levels_byte_length));
        ByteView compressed_values = raw.subspan(static_cast<size_t>(levels));
        const int64_t values_size = h.uncompressed_page_size - levels;
        if (!d.is_compressed.value_or(true) || codec_ == nullptr) {
          page->values = compressed_values;
          return Status::OK();
        }
        return Decompress(compressed_values, values_size, &page->values);
      }
      default:
        continue;  // index pages and newer page types carry nothing we read
    }
  }
}

}  // namespace snaplake::parquet
