#include "format/parquet/writer/column_writer.h"

#include <libdeflate.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>

#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/delta_binary_packed.h"
#include "format/parquet/encoding/rle_bit_packed.h"
#include "format/parquet/writer/dictionary.h"
#include "format/parquet/writer/statistics.h"

namespace snaplake::parquet {

namespace {

// Values are gathered and encoded in blocks of this many levels: big enough to
// amortise per-block work, small enough to stay in cache.
constexpr int64_t kBlockLevels = 4096;
// Upper bound on levels per page, so all-NULL columns (whose pages are tiny)
// still get several pages and int32 counts never overflow.
constexpr int64_t kMaxLevelsPerPage = int64_t{1} << 20;
// A chunk's first values probe whether a dictionary can pay off: when nearly
// all of this many are distinct, the column goes PLAIN at once instead of
// filling a dictionary to its limit (memory and bytes) in every row group.
constexpr int64_t kDistinctProbeValues = 32768;

// How a leaf's Column stores the values the physical type needs.
enum class Source {
  kInt32,       // int32 slots -> INT32
  kInt64To32,   // int64 slots -> INT32 (DECIMAL p <= 9, TIME millis)
  kInt64,       // int64 slots -> INT64
  kFloat,
  kDouble,
  kBool,        // one byte per slot -> BOOLEAN
  kBytes,       // offsets + data -> BYTE_ARRAY
  kFixed,       // byte_width raw bytes -> FIXED_LEN_BYTE_ARRAY
  kDecimal128,  // __int128 slots -> big-endian FIXED_LEN_BYTE_ARRAY
};

Source SourceFor(const LeafColumn& leaf) {
  const Type& t = leaf.type;
  switch (leaf.physical) {
    case PhysicalType::kBoolean: return Source::kBool;
    case PhysicalType::kInt32:
      return (t.id == TypeId::kDecimal || t.id == TypeId::kTime) ? Source::kInt64To32 : Source::kInt32;
    case PhysicalType::kInt64: return Source::kInt64;
    case PhysicalType::kFloat: return Source::kFloat;
    case PhysicalType::kDouble: return Source::kDouble;
    case PhysicalType::kByteArray: return Source::kBytes;
    case PhysicalType::kFixedLenByteArray:
      return t.id == TypeId::kDecimal ? Source::kDecimal128 : Source::kFixed;
    default: return Source::kInt32;
  }
}

template <typename T>
constexpr bool kIsInteger = std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;

struct NoDelta {};

template <typename T>
using DeltaEncoderFor = std::conditional_t<kIsInteger<T>, DeltaBinaryPackedEncoder<T>, NoDelta>;

template <typename T>
using DictionaryFor = std::conditional_t<std::is_same_v<T, std::string_view>, BytesDictionary, FixedDictionary<T>>;

// Feeds levels to an RLE encoder, turning runs into PutRepeated calls.
template <typename L>
void PutLevels(RleBitPackedEncoder* enc, const L* levels, int64_t n) {
  int64_t i = 0;
  while (i < n) {
    const L v = levels[i];
    int64_t j = i + 1;
    while (j < n && levels[j] == v) ++j;
    if (j - i >= 8) {
      enc->PutRepeated(static_cast<uint32_t>(v), j - i);
    } else {
      for (int64_t k = i; k < j; ++k) enc->Put(static_cast<uint32_t>(v));
    }
    i = j;
  }
}

void AppendU32(ByteBuffer* out, size_t at, uint32_t v) { std::memcpy(out->data() + at, &v, 4); }

// Buffers for assembling one page (levels + values, compressed, header). A
// page is built and copied into a buffer of its own within one call, so every
// column writer on a thread shares one set: a page's worth of scratch per
// thread instead of per column (per column, it outweighed the row group).
struct PageScratch {
  ByteBuffer body;
  ByteBuffer values;
  ByteBuffer compressed;
  ByteBuffer header;
  RleBitPackedEncoder indices{1};
};

PageScratch& ThreadPageScratch() {
  thread_local PageScratch scratch;
  return scratch;
}

// After a page far larger than usual (one huge value), the scratch gives the
// memory back instead of keeping it for the thread's lifetime.
void TrimScratch(PageScratch& scratch, int64_t page_bytes) {
  const size_t keep = static_cast<size_t>(std::max<int64_t>(2 * page_bytes, int64_t{256} << 10));
  for (ByteBuffer* b : {&scratch.body, &scratch.values, &scratch.compressed, &scratch.header}) {
    if (b->capacity() > keep) b->Release();
  }
}

template <typename T>
class TypedColumnWriter final : public ColumnChunkWriter {
 public:
  TypedColumnWriter(const LeafColumn& leaf, const WriterOptions& options, Codec* codec, bool lean)
      : lean_(lean),
        leaf_(leaf),
        options_(options),
        codec_(codec),
        source_(SourceFor(leaf)),
        def_encoder_(BitWidthFor(static_cast<uint64_t>(leaf.max_def))),
        rep_encoder_(BitWidthFor(static_cast<uint64_t>(leaf.max_rep))),
        page_stats_(leaf.sort_order),
        chunk_stats_(leaf.sort_order),
        dictionary_(MakeDictionary(leaf)) {
    dictionary_allowed_ = options.dictionary && !std::is_same_v<T, uint8_t>;
    dictionary_active_ = dictionary_allowed_;
    use_delta_ = kIsInteger<T> && options.delta_integers;
    if (!lean_) {
      scratch_.reserve(kBlockLevels);
      slots_.reserve(kBlockLevels);
    }
  }

  Status WriteFlat(const Column& column) override {
    ClearFinishedChunk();
    const int64_t n = column.length();
    const bool nullable = leaf_.max_def > 0;
    for (int64_t begin = 0; begin < n; begin += kBlockLevels) {
      const int64_t end = std::min(n, begin + kBlockLevels);
      const int64_t count = end - begin;
      int64_t values;
      if (nullable) {
        PutLevels(&def_encoder_, column.validity() + begin, count);
        slots_.clear();
        const uint8_t* valid = column.validity();
        for (int64_t i = begin; i < end; ++i) {
          if (valid[i]) slots_.push_back(i);
        }
        values = static_cast<int64_t>(slots_.size());
        if (values == count) {
          GatherRange(column, begin, count);
        } else {
          GatherSlots(column, slots_.data(), values);
        }
      } else {
        GatherRange(column, begin, count);
        values = count;
      }
      SL_RETURN_NOT_OK(EncodeBlock(count, values, count));
    }
    if (lean_) ReleaseBlockScratch();
    return Status::OK();
  }

  Status WriteShredded(const ShreddedLeaf& leaf) override {
    ClearFinishedChunk();
    const int64_t n = static_cast<int64_t>(leaf.def.size());
    const int16_t* def = leaf.def.data();
    const int16_t* rep = leaf.rep.data();
    const int64_t* value_slots = leaf.value_slots.data();
    int64_t next_value = 0;
    for (int64_t begin = 0; begin < n;) {
      int64_t end = std::min(n, begin + kBlockLevels);
      // A page must not split a row: end the block where a new row starts.
      if (leaf_.max_rep > 0) {
        while (end < n && rep[end] != 0) ++end;
      }
      const int64_t count = end - begin;
      int64_t values = 0, rows = count;
      if (leaf_.max_def > 0) {
        PutLevels(&def_encoder_, def + begin, count);
        for (int64_t i = begin; i < end; ++i) values += def[i] == leaf_.max_def;
      } else {
        values = count;
      }
      if (leaf_.max_rep > 0) {
        PutLevels(&rep_encoder_, rep + begin, count);
        rows = 0;
        for (int64_t i = begin; i < end; ++i) rows += rep[i] == 0;
      }
      if (values > 0) GatherSlots(*leaf.column, value_slots + next_value, values);
      next_value += values;
      SL_RETURN_NOT_OK(EncodeBlock(count, values, rows));
      begin = end;
    }
    if (lean_) ReleaseBlockScratch();
    return Status::OK();
  }

  int64_t BufferedBytes() const override {
    if (finished_) return 0;
    return pages_bytes_ + static_cast<int64_t>(dictionary_.memory_bytes()) + OpenPageMemory();
  }

  Status FinishChunk(int64_t chunk_offset, ColumnChunk* chunk, std::vector<ByteView>* bytes) override {
    ClearFinishedChunk();
    SL_RETURN_NOT_OK(FlushPage());
    dictionary_page_.Release();
    const bool has_dictionary = dictionary_pages_written_ > 0;
    if (has_dictionary) SL_RETURN_NOT_OK(BuildDictionaryPage());

    ColumnMetaData md;
    md.type = leaf_.physical;
    md.path_in_schema = leaf_.path;
    md.codec = static_cast<int32_t>(codec_ ? codec_->kind() : CompressionCodec::kUncompressed);
    md.num_values = chunk_levels_;
    md.total_uncompressed_size = chunk_uncompressed_;
    md.total_compressed_size = chunk_compressed_;
    md.data_page_offset = chunk_offset + static_cast<int64_t>(dictionary_page_.size());
    if (has_dictionary) md.dictionary_page_offset = chunk_offset;
    std::set<Encoding> encodings;
    std::vector<PageEncodingStats> stats;
    if (has_dictionary) {
      encodings.insert(Encoding::kPlain);
      stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
    }
    if (leaf_.max_def > 0 || leaf_.max_rep > 0) encodings.insert(Encoding::kRle);
    const PageType data_page_type = options_.data_page_version == 2 ? PageType::kDataPageV2 : PageType::kDataPage;
    for (const auto& [encoding, count] : {std::pair{Encoding::kRleDictionary, dictionary_pages_written_},
                                          std::pair{Encoding::kPlain, plain_pages_written_},
                                          std::pair{Encoding::kDeltaBinaryPacked, delta_pages_written_}}) {
      if (count == 0) continue;
      encodings.insert(encoding);
      stats.push_back({data_page_type, encoding, static_cast<int32_t>(count)});
    }
    md.encodings.assign(encodings.begin(), encodings.end());
    md.encoding_stats = std::move(stats);
    if (options_.write_statistics) md.statistics = chunk_stats_.ToThrift(options_.max_statistics_bytes);

    chunk->file_offset = 0;
    chunk->meta_data = std::move(md);
    bytes->clear();
    if (!dictionary_page_.empty()) bytes->push_back(dictionary_page_.view());
    for (const ByteBuffer& page : pages_) bytes->push_back(page.view());

    // The bytes stay valid until the next call; reset everything else now.
    finished_ = true;
    chunk_levels_ = chunk_uncompressed_ = chunk_compressed_ = 0;
    dictionary_pages_written_ = plain_pages_written_ = delta_pages_written_ = 0;
    chunk_stats_.Reset();
    dictionary_.Clear();
    dictionary_active_ = dictionary_allowed_;
    first_page_ = true;
    // The open page's buffers regrow in the next row group; between row
    // groups they would only pin memory.
    page_plain_.Release();
    std::vector<uint32_t>().swap(page_indices_);
    return Status::OK();
  }

 private:
  static DictionaryFor<T> MakeDictionary(const LeafColumn& leaf) {
    if constexpr (std::is_same_v<T, std::string_view>) {
      return BytesDictionary(leaf.physical == PhysicalType::kFixedLenByteArray ? leaf.type_length : 0);
    } else {
      return FixedDictionary<T>();
    }
  }

  void ClearFinishedChunk() {
    if (!finished_) return;
    pages_.clear();
    pages_bytes_ = 0;
    dictionary_page_.Release();
    finished_ = false;
  }

  // --- gathering values into scratch_ (physical representation) -------------

  void GatherRange(const Column& column, int64_t begin, int64_t count) {
    if constexpr (std::is_same_v<T, std::string_view>) {
      scratch_.resize(count);
      for (int64_t k = 0; k < count; ++k) scratch_[k] = BytesAt(column, begin + k, k);
    } else if constexpr (std::is_same_v<T, int32_t>) {
      scratch_.resize(count);
      if (source_ == Source::kInt64To32) {
        const int64_t* v = column.ValuesAs<int64_t>() + begin;
        for (int64_t k = 0; k < count; ++k) scratch_[k] = static_cast<int32_t>(v[k]);
      } else {
        std::memcpy(scratch_.data(), column.ValuesAs<int32_t>() + begin, count * sizeof(T));
      }
    } else {
      scratch_.resize(count);
      std::memcpy(scratch_.data(), column.ValuesAs<T>() + begin, count * sizeof(T));
    }
  }

  void GatherSlots(const Column& column, const int64_t* slots, int64_t count) {
    scratch_.resize(count);
    if constexpr (std::is_same_v<T, std::string_view>) {
      for (int64_t k = 0; k < count; ++k) scratch_[k] = BytesAt(column, slots[k], k);
    } else if constexpr (std::is_same_v<T, int32_t>) {
      if (source_ == Source::kInt64To32) {
        const int64_t* v = column.ValuesAs<int64_t>();
        for (int64_t k = 0; k < count; ++k) scratch_[k] = static_cast<int32_t>(v[slots[k]]);
      } else {
        const int32_t* v = column.ValuesAs<int32_t>();
        for (int64_t k = 0; k < count; ++k) scratch_[k] = v[slots[k]];
      }
    } else {
      const T* v = column.ValuesAs<T>();
      for (int64_t k = 0; k < count; ++k) scratch_[k] = v[slots[k]];
    }
  }

  // The k-th gathered byte value of a block, from slot `slot`.
  std::string_view BytesAt(const Column& column, int64_t slot, int64_t k) {
    switch (source_) {
      case Source::kBytes:
        return column.StringValue(slot);
      case Source::kFixed:
        return std::string_view(reinterpret_cast<const char*>(column.FixedValue(slot)), leaf_.type_length);
      case Source::kDecimal128: {
        const size_t width = static_cast<size_t>(leaf_.type_length);
        if (k == 0) decimal_bytes_.Resize(kBlockLevels * width);
        uint8_t* out = decimal_bytes_.data() + k * width;
        __int128 v = column.Value<__int128>(slot);
        for (size_t b = width; b-- > 0;) {
          out[b] = static_cast<uint8_t>(v & 0xff);
          v >>= 8;
        }
        return std::string_view(reinterpret_cast<const char*>(out), width);
      }
      default:
        return {};
    }
  }

  // --- encoding ---------------------------------------------------------------

  Status EncodeBlock(int64_t levels, int64_t values, int64_t rows) {
    const T* v = scratch_.data();
    if (dictionary_active_) {
      for (int64_t k = 0; k < values; ++k) page_indices_.push_back(dictionary_.IndexOf(v[k]));
    } else if constexpr (kIsInteger<T>) {
      if (use_delta_) {
        delta_encoder_.Put(v, values);
      } else {
        page_plain_.Append(v, values * sizeof(T));
      }
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      const bool fixed = leaf_.physical == PhysicalType::kFixedLenByteArray;
      for (int64_t k = 0; k < values; ++k) {
        if (!fixed) page_plain_.AppendValue(static_cast<uint32_t>(v[k].size()));
        page_plain_.Append(v[k]);
      }
    } else {
      page_plain_.Append(v, values * sizeof(T));
    }
    if (options_.write_statistics) {
      page_stats_.Update(v, values);
      page_stats_.AddNulls(levels - values);
    }
    page_levels_ += levels;
    page_values_ += values;
    page_rows_ += rows;

    if (dictionary_active_ && static_cast<int64_t>(dictionary_.plain_bytes()) > options_.dictionary_page_bytes) {
      // The dictionary stays as it is (earlier pages refer to it); the rest of
      // the chunk is written without it.
      SL_RETURN_NOT_OK(FlushPage());
      StopDictionary();
    } else if (dictionary_active_ && first_page_ && page_values_ >= kDistinctProbeValues &&
               static_cast<int64_t>(dictionary_.size()) * 10 > page_values_ * 9) {
      SL_RETURN_NOT_OK(FlushPage());
      StopDictionary();
    } else if (OpenPageBytes() >= options_.page_bytes || page_levels_ >= kMaxLevelsPerPage) {
      SL_RETURN_NOT_OK(FlushPage());
    }
    return Status::OK();
  }

  // The open page's size as the page limit sees it: its encoded bytes, except
  // that dictionary indices count as the 4 bytes each they occupy until the
  // page closes (bit-packed, a page of small indices would otherwise hold
  // up to 32 times page_bytes).
  int64_t OpenPageBytes() const {
    int64_t values_bytes;
    if (dictionary_active_) {
      values_bytes = static_cast<int64_t>(page_indices_.size() * sizeof(uint32_t));
    } else if constexpr (kIsInteger<T>) {
      values_bytes = use_delta_ ? static_cast<int64_t>(delta_encoder_.EstimatedSize())
                                : static_cast<int64_t>(page_plain_.size());
    } else if constexpr (std::is_same_v<T, uint8_t>) {
      values_bytes = static_cast<int64_t>(page_plain_.size()) / 8;
    } else {
      values_bytes = static_cast<int64_t>(page_plain_.size());
    }
    return values_bytes + static_cast<int64_t>(def_encoder_.EstimatedSize() + rep_encoder_.EstimatedSize());
  }

  // What the open page holds in memory: its buffers' capacity, levels included.
  int64_t OpenPageMemory() const {
    return static_cast<int64_t>(page_indices_.capacity() * sizeof(uint32_t) + page_plain_.capacity() +
                                def_encoder_.EstimatedSize() + rep_encoder_.EstimatedSize()) +
           DeltaMemory() +
           static_cast<int64_t>(scratch_.capacity() * sizeof(T) + slots_.capacity() * sizeof(int64_t) +
                                decimal_bytes_.capacity());
  }

  int64_t DeltaMemory() const {
    if constexpr (kIsInteger<T>) {
      if (use_delta_ && !dictionary_active_) return static_cast<int64_t>(delta_encoder_.EstimatedSize());
    }
    return 0;
  }

  // A dictionary given up for this chunk keeps its entries for the dictionary
  // page, but not its lookup table.
  void StopDictionary() {
    dictionary_active_ = false;
    dictionary_.DropIndex();
    std::vector<uint32_t>().swap(page_indices_);
  }

  // Appends the open page's encoded values to *out; returns their encoding.
  Encoding AppendValues(ByteBuffer* out, RleBitPackedEncoder* index_encoder) {
    if (dictionary_active_) {
      const int width = std::max(1, BitWidthFor(dictionary_.size() > 0 ? dictionary_.size() - 1 : 0));
      out->PushBack(static_cast<uint8_t>(width));
      index_encoder->Reset(width);
      index_encoder->PutBatch(page_indices_.data(), static_cast<int64_t>(page_indices_.size()));
      index_encoder->FinishInto(out);
      return Encoding::kRleDictionary;
    }
    if constexpr (kIsInteger<T>) {
      if (use_delta_) {
        delta_encoder_.FinishInto(out);
        return Encoding::kDeltaBinaryPacked;
      }
    }
    if constexpr (std::is_same_v<T, uint8_t>) {
      PackBooleans(page_plain_.data(), static_cast<int64_t>(page_plain_.size()), out);
    } else {
      out->Append(page_plain_.view());
    }
    return Encoding::kPlain;
  }

  Status FlushPage() {
    if (page_levels_ == 0) return Status::OK();
    if (page_levels_ > INT32_MAX || page_values_ > INT32_MAX) {
      return Status::Internal("page of column '" + leaf_.path.back() + "' holds too many values");
    }
    if (first_page_ && dictionary_active_ && page_values_ >= 1024 &&
        static_cast<int64_t>(dictionary_.size()) * 2 > page_values_) {
      // Mostly distinct values: a dictionary would cost more than it saves.
      // This page still uses it; later pages do not.
      SL_RETURN_NOT_OK(WritePage());
      StopDictionary();
      return Status::OK();
    }
    return WritePage();
  }

  Status WritePage() {
    const bool v2 = options_.data_page_version == 2;
    PageScratch& scratch = ThreadPageScratch();
    ByteBuffer& body = scratch.body;
    ByteBuffer& value_bytes = scratch.values;
    ByteBuffer& compressed = scratch.compressed;
    ByteBuffer& header_bytes = scratch.header;
    body.Clear();
    size_t rep_bytes = 0, def_bytes = 0, uncompressed_values = 0;
    Encoding encoding;
    const ByteBuffer* payload = &body;
    int64_t uncompressed_size;
    if (!v2) {
      if (leaf_.max_rep > 0) {
        const size_t at = body.size();
        body.Grow(4);
        rep_encoder_.FinishInto(&body);
        AppendU32(&body, at, static_cast<uint32_t>(body.size() - at - 4));
      }
      if (leaf_.max_def > 0) {
        const size_t at = body.size();
        body.Grow(4);
        def_encoder_.FinishInto(&body);
        AppendU32(&body, at, static_cast<uint32_t>(body.size() - at - 4));
      }
      encoding = AppendValues(&body, &scratch.indices);
      uncompressed_size = static_cast<int64_t>(body.size());
      if (codec_ != nullptr && codec_->kind() != CompressionCodec::kUncompressed) {
        compressed.Clear();
        SL_RETURN_NOT_OK(codec_->Compress(body.view(), &compressed));
        payload = &compressed;
      }
    } else {
      if (leaf_.max_rep > 0) rep_encoder_.FinishInto(&body);
      rep_bytes = body.size();
      if (leaf_.max_def > 0) def_encoder_.FinishInto(&body);
      def_bytes = body.size() - rep_bytes;
      value_bytes.Clear();
      encoding = AppendValues(&value_bytes, &scratch.indices);
      uncompressed_values = value_bytes.size();
      if (codec_ != nullptr && codec_->kind() != CompressionCodec::kUncompressed) {
        SL_RETURN_NOT_OK(codec_->Compress(value_bytes.view(), &body));
      } else {
        body.Append(value_bytes.view());
      }
      uncompressed_size = static_cast<int64_t>(rep_bytes + def_bytes + uncompressed_values);
    }
    if (uncompressed_size > INT32_MAX || static_cast<int64_t>(payload->size()) > INT32_MAX) {
      return Status::InvalidArgument("a page of column '" + leaf_.path.back() +
                                     "' exceeds 2 GiB; lower the page size");
    }

    PageHeader header;
    header.uncompressed_page_size = static_cast<int32_t>(uncompressed_size);
    header.compressed_page_size = static_cast<int32_t>(payload->size());
    if (options_.page_checksums) {
      header.crc = static_cast<int32_t>(libdeflate_crc32(0, payload->data(), payload->size()));
    }
    std::optional<Statistics> stats;
    if (options_.write_statistics) stats = page_stats_.ToThrift(options_.max_statistics_bytes);
    if (!v2) {
      header.type = PageType::kDataPage;
      DataPageHeader dp;
      dp.num_values = static_cast<int32_t>(page_levels_);
      dp.encoding = encoding;
      dp.definition_level_encoding = Encoding::kRle;
      dp.repetition_level_encoding = Encoding::kRle;
      dp.statistics = std::move(stats);
      header.data_page_header = std::move(dp);
    } else {
      header.type = PageType::kDataPageV2;
      DataPageHeaderV2 dp;
      dp.num_values = static_cast<int32_t>(page_levels_);
      dp.num_nulls = static_cast<int32_t>(page_levels_ - page_values_);
      dp.num_rows = static_cast<int32_t>(page_rows_);
      dp.encoding = encoding;
      dp.definition_levels_byte_length = static_cast<int32_t>(def_bytes);
      dp.repetition_levels_byte_length = static_cast<int32_t>(rep_bytes);
      dp.is_compressed = codec_ != nullptr && codec_->kind() != CompressionCodec::kUncompressed;
      dp.statistics = std::move(stats);
      header.data_page_header_v2 = std::move(dp);
    }
    // Each closed page gets a buffer of its exact size: one growing chunk
    // buffer would keep up to half its size as slack, and copy itself while
    // growing, which is what drives peak memory past the row group size.
    header_bytes.Clear();
    SerializePageHeader(header, &header_bytes);
    const int64_t header_size = static_cast<int64_t>(header_bytes.size());
    ByteBuffer page(header_bytes.size() + payload->size());
    page.Append(header_bytes.view());
    page.Append(payload->view());
    pages_bytes_ += static_cast<int64_t>(page.size());
    pages_.push_back(std::move(page));

    chunk_levels_ += page_levels_;
    chunk_uncompressed_ += header_size + uncompressed_size;
    chunk_compressed_ += header_size + static_cast<int64_t>(payload->size());
    switch (encoding) {
      case Encoding::kRleDictionary: ++dictionary_pages_written_; break;
      case Encoding::kDeltaBinaryPacked: ++delta_pages_written_; break;
      default: ++plain_pages_written_; break;
    }
    chunk_stats_.Merge(page_stats_);
    page_stats_.Reset();
    page_levels_ = page_values_ = page_rows_ = 0;
    page_plain_.Clear();
    page_indices_.clear();
    first_page_ = false;
    TrimScratch(scratch, options_.page_bytes);
    if (lean_) {
      // Wide schemas: thousands of columns each keeping a page's worth of
      // buffers would dwarf the row group itself.
      decimal_bytes_.Release();
      page_plain_.Release();
      std::vector<uint32_t>().swap(page_indices_);
    }
    return Status::OK();
  }

  void ReleaseBlockScratch() {
    std::vector<T>().swap(scratch_);
    std::vector<int64_t>().swap(slots_);
  }

  Status BuildDictionaryPage() {
    PageScratch& scratch = ThreadPageScratch();
    ByteBuffer& body = scratch.body;
    ByteBuffer& compressed = scratch.compressed;
    body.Clear();
    dictionary_.AppendPlain(&body);
    const ByteBuffer* payload = &body;
    if (codec_ != nullptr && codec_->kind() != CompressionCodec::kUncompressed) {
      compressed.Clear();
      SL_RETURN_NOT_OK(codec_->Compress(body.view(), &compressed));
      payload = &compressed;
    }
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.uncompressed_page_size = static_cast<int32_t>(body.size());
    header.compressed_page_size = static_cast<int32_t>(payload->size());
    if (options_.page_checksums) {
      header.crc = static_cast<int32_t>(libdeflate_crc32(0, payload->data(), payload->size()));
    }
    DictionaryPageHeader dict;
    dict.num_values = static_cast<int32_t>(dictionary_.size());
    dict.encoding = Encoding::kPlain;
    header.dictionary_page_header = dict;
    SerializePageHeader(header, &dictionary_page_);
    const int64_t header_size = static_cast<int64_t>(dictionary_page_.size());
    dictionary_page_.Append(payload->view());
    chunk_uncompressed_ += header_size + static_cast<int64_t>(body.size());
    chunk_compressed_ += header_size + static_cast<int64_t>(payload->size());
    TrimScratch(scratch, options_.dictionary_page_bytes);
    return Status::OK();
  }

  const bool lean_;
  const LeafColumn leaf_;
  const WriterOptions& options_;  // owned by the file writer, which outlives us
  Codec* codec_;
  const Source source_;

  RleBitPackedEncoder def_encoder_;
  RleBitPackedEncoder rep_encoder_;
  DeltaEncoderFor<T> delta_encoder_;
  ColumnStatistics<T> page_stats_;
  ColumnStatistics<T> chunk_stats_;
  DictionaryFor<T> dictionary_;
  bool dictionary_allowed_ = false;
  bool dictionary_active_ = false;
  bool use_delta_ = false;
  bool first_page_ = true;
  bool finished_ = false;

  // The open page.
  int64_t page_levels_ = 0;
  int64_t page_values_ = 0;
  int64_t page_rows_ = 0;
  std::vector<uint32_t> page_indices_;
  ByteBuffer page_plain_;

  // The chunk so far: closed data pages, each header + body.
  std::vector<ByteBuffer> pages_;
  int64_t pages_bytes_ = 0;
  ByteBuffer dictionary_page_;
  int64_t chunk_levels_ = 0;
  int64_t chunk_uncompressed_ = 0;
  int64_t chunk_compressed_ = 0;
  int64_t dictionary_pages_written_ = 0;
  int64_t plain_pages_written_ = 0;
  int64_t delta_pages_written_ = 0;

  // Per-block scratch, reused (page scratch is per thread: PageScratch).
  std::vector<T> scratch_;
  std::vector<int64_t> slots_;
  ByteBuffer decimal_bytes_;
};

}  // namespace

Result<std::unique_ptr<ColumnChunkWriter>> ColumnChunkWriter::Make(const LeafColumn& leaf,
                                                                   const WriterOptions& options, Codec* codec,
                                                                   bool lean) {
  switch (leaf.physical) {
    case PhysicalType::kBoolean:
      return std::unique_ptr<ColumnChunkWriter>(new TypedColumnWriter<uint8_t>(leaf, options, codec, lean));
    case PhysicalType::kInt32:
      return std::unique_ptr<ColumnChunkWriter>(new TypedColumnWriter<int32_t>(leaf, options, codec, lean));
    case PhysicalType::kInt64:
      return std::unique_ptr<ColumnChunkWriter>(new TypedColumnWriter<int64_t>(leaf, options, codec, lean));
    case PhysicalType::kFloat:
      return std::unique_ptr<ColumnChunkWriter>(new TypedColumnWriter<float>(leaf, options, codec, lean));
    case PhysicalType::kDouble:
      return std::unique_ptr<ColumnChunkWriter>(new TypedColumnWriter<double>(leaf, options, codec, lean));
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return std::unique_ptr<ColumnChunkWriter>(new TypedColumnWriter<std::string_view>(leaf, options, codec, lean));
    default:
      return Status::NotImplemented("writing physical type " + std::to_string(static_cast<int>(leaf.physical)));
  }
}

}  // namespace snaplake::parquet
