#include "format/parquet/reader/column_chunk_reader.h"

#include <algorithm>
#include <string>
#include <utility>

namespace snaplake::parquet {

namespace {

// Level entries decoded ahead at a time for repeated columns (to find record ends).
constexpr int64_t kLevelChunk = 4096;

int64_t CountEqual(const int16_t* levels, int64_t n, int16_t value) {
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) count += levels[i] == value;
  return count;
}

}  // namespace

int16_t* LevelBatch::def_tail(int64_t n) {
  def_.Resize(static_cast<size_t>(size_ + n) * sizeof(int16_t));
  return reinterpret_cast<int16_t*>(def_.data()) + size_;
}

int16_t* LevelBatch::rep_tail(int64_t n) {
  rep_.Resize(static_cast<size_t>(size_ + n) * sizeof(int16_t));
  return reinterpret_cast<int16_t*>(rep_.data()) + size_;
}

ColumnChunkReader::ColumnChunkReader(const LeafInfo* leaf, std::string context, int64_t budget)
    : leaf_(leaf), context_(std::move(context)), budget_(budget), pages_(std::make_unique<PageReader>(budget)),
      values_(leaf, budget) {}

Status ColumnChunkReader::Open(ByteBuffer bytes, int64_t file_offset, CompressionCodec codec, int64_t num_values) {
  chunk_ = std::move(bytes);
  if (codec == CompressionCodec::kUncompressed) {
    codec_.reset();
  } else if (!codec_ || codec_kind_ != codec) {
    auto made = MakeCodec(codec);
    if (!made.ok()) return made.status().WithContext(context_);
    codec_ = std::move(made).value();
  }
  codec_kind_ = codec;
  pages_->Reset(chunk_.view(), file_offset, codec_.get());
  values_.ClearDictionary();
  chunk_values_ = num_values;
  values_in_pages_ = 0;
  seen_data_page_ = false;
  started_ = false;
  page_left_ = 0;
  page_offset_ = file_offset;
  pending_pos_ = pending_size_ = 0;
  return Status::OK();
}

Status ColumnChunkReader::PageError(const Status& st) const {
  std::string msg = context_;
  msg.append(" page at offset ").append(std::to_string(page_offset_)).append(": ").append(st.message());
  return Status(st.code(), std::move(msg));
}

Status ColumnChunkReader::CheckLevelBudget(const LevelBatch& levels, int64_t more) const {
  // Two int16 levels per entry, plus a validity byte and more downstream: 8 bytes is a fair bound.
  if ((levels.size() + more) * 8 > budget_) {
    return Status::NotImplemented(context_ + ": one batch of rows holds more than " + std::to_string(budget_ / 8) +
                                  " values of this column, beyond the reader's limit (ReaderOptions::max_decoded_bytes);"
                                  " read fewer rows per batch");
  }
  return Status::OK();
}

Status ColumnChunkReader::NextDataPage(bool* found) {
  while (true) {
    if (seen_data_page_ && values_in_pages_ >= chunk_values_) {
      *found = false;
      return Status::OK();
    }
    Page page;
    bool done = false;
    Status st = pages_->Next(&page, &done);
    page_offset_ = pages_->current_page_offset();
    if (!st.ok()) return PageError(st);
    if (done) {
      *found = false;
      return Status::OK();
    }
    if (page.type == PageType::kDictionaryPage) {
      if (seen_data_page_ || values_.has_dictionary()) {
        return PageError(Status::Corruption("a second dictionary page, or one after data pages"));
      }
      if (page.encoding != Encoding::kPlain && page.encoding != Encoding::kPlainDictionary) {
        return PageError(Status::NotImplemented("dictionary page encoding " +
                                                std::to_string(static_cast<int>(page.encoding)) +
                                                " is not supported (only PLAIN)"));
      }
      st = values_.SetDictionary(page.body, page.num_values);
      if (!st.ok()) return PageError(st);
      continue;
    }
    seen_data_page_ = true;
    values_in_pages_ += page.num_values;
    if (page.num_values == 0) continue;
    const int64_t n = page.num_values;
    if (page.type == PageType::kDataPage) {
      ByteView body = page.body;
      size_t used = 0;
      if (leaf_->max_rep > 0) {
        st = rep_decoder_.InitV1(page.rep_level_encoding, leaf_->max_rep, n, body, &used);
        if (!st.ok()) return PageError(st);
        body = body.subspan(used);
      }
      if (leaf_->max_def > 0) {
        st = def_decoder_.InitV1(page.def_level_encoding, leaf_->max_def, n, body, &used);
        if (!st.ok()) return PageError(st);
        body = body.subspan(used);
      }
      st = values_.Reset(page.encoding, body, n);
    } else {
      if (leaf_->max_rep > 0) SL_RETURN_NOT_OK(rep_decoder_.InitV2(leaf_->max_rep, page.rep_levels));
      if (leaf_->max_def > 0) SL_RETURN_NOT_OK(def_decoder_.InitV2(leaf_->max_def, page.def_levels));
      st = values_.Reset(page.encoding, page.values, n - page.num_nulls);
    }
    if (!st.ok()) return PageError(st);
    page_left_ = n;
    *found = true;
    return Status::OK();
  }
}

Status ColumnChunkReader::ReadRecords(int64_t n, LevelBatch* levels, Column* out, int64_t* records_read) {
  *records_read = 0;
  if (n <= 0) return Status::OK();
  return leaf_->max_rep == 0 ? ReadFlat(n, levels, out, records_read) : ReadRepeated(n, levels, out, records_read);
}

Status ColumnChunkReader::ReadFlat(int64_t n, LevelBatch* levels, Column* out, int64_t* records_read) {
  int64_t remaining = n;
  while (remaining > 0) {
    if (page_left_ == 0) {
      bool found = false;
      SL_RETURN_NOT_OK(NextDataPage(&found));
      if (!found) break;
    }
    const int64_t k = std::min(remaining, page_left_);
    SL_RETURN_NOT_OK(CheckLevelBudget(*levels, k));
    int64_t present = k;
    if (leaf_->max_def > 0) {
      int16_t* def = levels->def_tail(k);
      Status st = def_decoder_.Decode(def, k);
      if (!st.ok()) return PageError(st);
      present = CountEqual(def, k, leaf_->max_def);
    }
    levels->Commit(k);
    Status st = values_.Decode(present, out);
    if (!st.ok()) return PageError(st);
    page_left_ -= k;
    remaining -= k;
  }
  *records_read = n - remaining;
  return Status::OK();
}

Status ColumnChunkReader::FillPending() {
  const int64_t k = std::min(page_left_, kLevelChunk);
  pending_def_.Resize(static_cast<size_t>(k) * sizeof(int16_t));
  pending_rep_.Resize(static_cast<size_t>(k) * sizeof(int16_t));
  Status st = rep_decoder_.Decode(reinterpret_cast<int16_t*>(pending_rep_.data()), k);
  if (st.ok()) st = def_decoder_.Decode(reinterpret_cast<int16_t*>(pending_def_.data()), k);
  if (!st.ok()) return PageError(st);
  page_left_ -= k;
  pending_pos_ = 0;
  pending_size_ = k;
  return Status::OK();
}

Status ColumnChunkReader::ReadRepeated(int64_t n, LevelBatch* levels, Column* out, int64_t* records_read) {
  int64_t records = 0;
  while (true) {
    if (pending_pos_ == pending_size_) {
      if (page_left_ == 0) {
        bool found = false;
        SL_RETURN_NOT_OK(NextDataPage(&found));
        if (!found) break;
      }
      SL_RETURN_NOT_OK(FillPending());
    }
    const int16_t* rep = reinterpret_cast<const int16_t*>(pending_rep_.data());
    const int16_t* def = reinterpret_cast<const int16_t*>(pending_def_.data());
    if (!started_) {
      if (rep[pending_pos_] != 0) {
        return PageError(Status::Corruption("the column chunk's first repetition level is not 0"));
      }
      started_ = true;
    }
    // Take entries up to (not including) the start of record n + 1.
    int64_t end = pending_pos_;
    bool boundary = false;
    for (; end < pending_size_; ++end) {
      if (rep[end] == 0) {
        if (records == n) {
          boundary = true;
          break;
        }
        ++records;
      }
    }
    const int64_t k = end - pending_pos_;
    if (k > 0) {
      SL_RETURN_NOT_OK(CheckLevelBudget(*levels, k));
      std::copy_n(rep + pending_pos_, k, levels->rep_tail(k));
      std::copy_n(def + pending_pos_, k, levels->def_tail(k));
      levels->Commit(k);
      Status st = values_.Decode(CountEqual(def + pending_pos_, k, leaf_->max_def), out);
      if (!st.ok()) return PageError(st);
      pending_pos_ = end;
    }
    if (boundary) break;
  }
  *records_read = records;
  return Status::OK();
}

}  // namespace snaplake::parquet
