#include "source/postgres/pg_copy_decoder.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "source/postgres/pg_numeric.h"

namespace snaplake::postgres {

namespace {

static_assert(std::endian::native == std::endian::little, "the loads below assume a little-endian host");

constexpr uint8_t kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xFF, '\r', '\n', 0};
constexpr size_t kHeaderFixedSize = 11 + 4 + 4;  // signature, flags, extension length
constexpr uint32_t kFlagHasOids = 1u << 16;
constexpr uint32_t kCriticalFlagsMask = 0xFFFF0000u;

// PostgreSQL counts from 2000-01-01, Parquet from 1970-01-01.
constexpr int64_t kEpochShiftDays = 10957;
constexpr int64_t kEpochShiftMicros = kEpochShiftDays * 86400LL * 1000000LL;

constexpr int kMaxArrayDims = 6;

inline uint16_t Load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}
inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline int32_t LoadI32(const uint8_t* p) { return static_cast<int32_t>(Load32(p)); }
inline int64_t LoadI64(const uint8_t* p) { return static_cast<int64_t>(Load64(p)); }

std::string ColumnPrefix(const PgColumnPlan& plan) {
  std::string s = "column ";
  s.append(QuoteIdentifier(plan.column.name));
  s.append(": ");
  return s;
}

Status BadLength(const PgColumnPlan& plan, PgDecodeKind kind, int32_t len) {
  return Status::Corruption(ColumnPrefix(plan) + "a " + PgDecodeKindName(kind) + " value of " + std::to_string(len) +
                            " bytes in the COPY stream (the server sent another type than planned?)");
}

void AppendUuidText(const uint8_t* p, Column* column) {
  static constexpr char kHex[] = "0123456789abcdef";
  char text[36];
  char* out = text;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *out++ = '-';
    *out++ = kHex[p[i] >> 4];
    *out++ = kHex[p[i] & 0xF];
  }
  column->AppendBytes(text, sizeof(text));
}

Status NumericError(const PgColumnPlan& plan, PgNumericResult r, const Type& type) {
  const std::string decimal = type.ToString();
  switch (r) {
    case PgNumericResult::kNaN:
    case PgNumericResult::kPositiveInfinity:
    case PgNumericResult::kNegativeInfinity: {
      const char* what = r == PgNumericResult::kNaN ? "NaN" : r == PgNumericResult::kPositiveInfinity ? "Infinity"
                                                                                                       : "-Infinity";
      return Status::NotImplemented(ColumnPrefix(plan) + "numeric value " + what + " cannot be stored in " + decimal +
                                    "; export with --types rds to keep numerics as text");
    }
    case PgNumericResult::kTooManyFractionDigits:
      return Status::NotImplemented(ColumnPrefix(plan) + "a numeric value has more fraction digits than " + decimal +
                                    " keeps (the table changed after it was planned?); snaplake does not round; "
                                    "export with --types rds to keep numerics as text");
    case PgNumericResult::kOutOfRange:
      return Status::NotImplemented(ColumnPrefix(plan) + "a numeric value does not fit " + decimal +
                                    "; export with --types rds to keep numerics as text");
    default:
      return Status::Corruption(ColumnPrefix(plan) + "malformed numeric value in the COPY stream");
  }
}

Status RangeError(const PgColumnPlan& plan, const char* what) {
  return Status::NotImplemented(ColumnPrefix(plan) + what +
                                " is outside the range Parquet can store; export with --types rds to keep it as text");
}

}  // namespace

PgCopyDecoder::PgCopyDecoder(std::vector<PgColumnPlan> plans) : plans_(std::move(plans)) {}

Schema PgCopyDecoder::schema() const {
  Schema s;
  s.fields.reserve(plans_.size());
  for (const PgColumnPlan& p : plans_) s.fields.push_back(Field{p.column.name, p.column.type, p.column.nullable});
  return s;
}

Status PgCopyDecoder::Finish() const {
  if (state_ == State::kDone) return Status::OK();
  return Status::Corruption("the binary COPY stream ended after " + std::to_string(rows_) +
                            " rows without its end marker (" +
                            (tail_.empty() ? std::string("no partial row") :
                                             std::to_string(tail_.size()) + " bytes of an unfinished row") +
                            ")");
}

Status PgCopyDecoder::Measure(const uint8_t* p, size_t n, size_t* unit_size, size_t* need) const {
  *unit_size = 0;
  if (state_ == State::kHeader) {
    if (n < kHeaderFixedSize) {
      *need = kHeaderFixedSize;
      return Status::OK();
    }
    // Check the signature before trusting the extension length it precedes.
    if (std::memcmp(p, kSignature, sizeof(kSignature)) != 0) {
      return Status::Corruption("not a binary COPY stream: the PGCOPY signature is missing");
    }
    const int32_t ext = LoadI32(p + 15);
    if (ext < 0) return Status::Corruption("binary COPY header has a negative extension length");
    const size_t total = kHeaderFixedSize + static_cast<size_t>(ext);
    if (n < total) {
      *need = total;
    } else {
      *unit_size = total;
    }
    return Status::OK();
  }
  if (n < 2) {
    *need = 2;
    return Status::OK();
  }
  const int16_t count = static_cast<int16_t>(Load16(p));
  if (count == -1) {
    *unit_size = 2;
    return Status::OK();
  }
  if (count != static_cast<int>(plans_.size())) {
    return Status::Corruption("binary COPY row " + std::to_string(rows_ + 1) + " has " + std::to_string(count) +
                              " fields, the query selected " + std::to_string(plans_.size()));
  }
  size_t pos = 2;
  for (int i = 0; i < count; ++i) {
    if (n < pos + 4) {
      *need = pos + 4;
      return Status::OK();
    }
    const int32_t len = LoadI32(p + pos);
    pos += 4;
    if (len == -1) continue;
    if (len < 0) {
      return Status::Corruption(ColumnPrefix(plans_[i]) + "negative field length " + std::to_string(len) +
                                " in binary COPY row " + std::to_string(rows_ + 1));
    }
    pos += static_cast<size_t>(len);
  }
  if (n < pos) {
    *need = pos;
  } else {
    *unit_size = pos;
  }
  return Status::OK();
}

Status PgCopyDecoder::Feed(ByteView bytes, ColumnBatch* batch) {
  if (batch->num_columns() != static_cast<int>(plans_.size()) && !plans_.empty()) {
    return Status::Internal("PgCopyDecoder::Feed: the batch has " + std::to_string(batch->num_columns()) +
                            " columns, the plan " + std::to_string(plans_.size()));
  }
  const uint8_t* data = bytes.data();
  const size_t size = bytes.size();
  size_t off = 0;

  if (!tail_.empty()) {
    // Complete the cut unit, copying only as many bytes as it is known to need.
    size_t unit = 0;
    size_t need = 0;
    while (true) {
      SL_RETURN_NOT_OK(Measure(tail_.data(), tail_.size(), &unit, &need));
      if (unit > 0) break;
      const size_t take = std::min(need - tail_.size(), size - off);
      if (take == 0) return Status::OK();
      tail_.Append(data + off, take);
      off += take;
    }
    SL_RETURN_NOT_OK(DecodeUnit(tail_.data(), unit, batch));
    tail_.Clear();
  }

  while (off < size) {
    if (state_ == State::kDone) {
      return Status::Corruption(std::to_string(size - off) + " bytes follow the end marker of the binary COPY stream");
    }
    size_t unit = 0;
    size_t need = 0;
    SL_RETURN_NOT_OK(Measure(data + off, size - off, &unit, &need));
    if (unit == 0) {
      tail_.Append(data + off, size - off);
      return Status::OK();
    }
    SL_RETURN_NOT_OK(DecodeUnit(data + off, unit, batch));
    off += unit;
  }
  return Status::OK();
}

Status PgCopyDecoder::DecodeUnit(const uint8_t* p, size_t n, ColumnBatch* batch) {
  if (state_ == State::kHeader) return DecodeHeader(p, n);
  if (n == 2 && static_cast<int16_t>(Load16(p)) == -1) {
    state_ = State::kDone;
    return Status::OK();
  }
  return DecodeTuple(p, n, batch);
}

Status PgCopyDecoder::DecodeHeader(const uint8_t* p, size_t n) {
  (void)n;  // Measure checked the signature and that the extension is there
  const uint32_t flags = Load32(p + 11);
  if (flags & kFlagHasOids) {
    return Status::NotImplemented("binary COPY stream with row OIDs (COPY ... WITH OIDS) is not supported");
  }
  if (flags & kCriticalFlagsMask) {
    char hex[16];
    std::snprintf(hex, sizeof(hex), "0x%08x", flags);
    return Status::Corruption(std::string("binary COPY header sets unknown critical flags ") + hex);
  }
  state_ = State::kTuples;
  return Status::OK();
}

Status PgCopyDecoder::DecodeTuple(const uint8_t* p, size_t n, ColumnBatch* batch) {
  (void)n;  // Measure checked the field count and that every field is inside the unit
  const int ncols = static_cast<int>(plans_.size());
  size_t pos = 2;
  for (int i = 0; i < ncols; ++i) {
    const int32_t len = LoadI32(p + pos);
    pos += 4;
    Column* column = &batch->mutable_column(i);
    if (len == -1) {
      column->AppendNull();
      continue;
    }
    const PgColumnPlan& plan = plans_[i];
    if (plan.kind == PgDecodeKind::kArray) {
      SL_RETURN_NOT_OK(DecodeArray(plan, p + pos, len, column));
    } else {
      SL_RETURN_NOT_OK(DecodeValue(plan, plan.kind, p + pos, len, column));
    }
    pos += static_cast<size_t>(len);
  }
  if (ncols == 0) batch->SetNumRows(batch->num_rows() + 1);
  ++rows_;
  return Status::OK();
}

Status PgCopyDecoder::DecodeValue(const PgColumnPlan& plan, PgDecodeKind kind, const uint8_t* p, int32_t len,
                                  Column* column) {
  switch (kind) {
    case PgDecodeKind::kBool:
      if (len != 1) return BadLength(plan, kind, len);
      column->Append<uint8_t>(p[0] != 0 ? 1 : 0);
      return Status::OK();
    case PgDecodeKind::kInt2:
      if (len != 2) return BadLength(plan, kind, len);
      column->Append<int32_t>(static_cast<int16_t>(Load16(p)));
      return Status::OK();
    case PgDecodeKind::kInt4:
      if (len != 4) return BadLength(plan, kind, len);
      column->Append<int32_t>(LoadI32(p));
      return Status::OK();
    case PgDecodeKind::kInt8:
      if (len != 8) return BadLength(plan, kind, len);
      column->Append<int64_t>(LoadI64(p));
      return Status::OK();
    case PgDecodeKind::kFloat4:
      if (len != 4) return BadLength(plan, kind, len);
      column->Append<float>(std::bit_cast<float>(Load32(p)));
      return Status::OK();
    case PgDecodeKind::kFloat8:
      if (len != 8) return BadLength(plan, kind, len);
      column->Append<double>(std::bit_cast<double>(Load64(p)));
      return Status::OK();
    case PgDecodeKind::kNumericDecimal: {
      const Type& type = column->type();
      int128_t unscaled = 0;
      const PgNumericResult r =
          DecodePgNumeric(ByteView(p, static_cast<size_t>(len)), plan.decimal_scale, type.precision, &unscaled);
      if (r != PgNumericResult::kOk) return NumericError(plan, r, type);
      if (type.precision <= 18) {
        column->Append<int64_t>(static_cast<int64_t>(unscaled));
      } else {
        column->Append<int128_t>(unscaled);
      }
      return Status::OK();
    }
    case PgDecodeKind::kText:
    case PgDecodeKind::kBytea:
      column->AppendBytes(p, static_cast<size_t>(len));
      return Status::OK();
    case PgDecodeKind::kJsonb:
      if (len < 1) return BadLength(plan, kind, len);
      if (p[0] != 1) {
        return Status::NotImplemented(ColumnPrefix(plan) + "jsonb binary format version " + std::to_string(p[0]) +
                                      " is not supported (only 1)");
      }
      column->AppendBytes(p + 1, static_cast<size_t>(len) - 1);
      return Status::OK();
    case PgDecodeKind::kDate: {
      if (len != 4) return BadLength(plan, kind, len);
      constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
      const int32_t days = LoadI32(p);
      // +-infinity become DuckDB's date infinities: INT32_MAX and -INT32_MAX.
      if (days == kMax) {
        column->Append<int32_t>(kMax);
      } else if (days == std::numeric_limits<int32_t>::min()) {
        column->Append<int32_t>(-kMax);
      } else {
        const int64_t shifted = static_cast<int64_t>(days) + kEpochShiftDays;
        if (shifted >= kMax || shifted <= -kMax) return RangeError(plan, "a date");
        column->Append<int32_t>(static_cast<int32_t>(shifted));
      }
      return Status::OK();
    }
    case PgDecodeKind::kTimestamp:
    case PgDecodeKind::kTimestampTz: {
      if (len != 8) return BadLength(plan, kind, len);
      constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
      const int64_t micros = LoadI64(p);
      // +-infinity become DuckDB's timestamp infinities: INT64_MAX and -INT64_MAX.
      if (micros == kMax) {
        column->Append<int64_t>(kMax);
      } else if (micros == std::numeric_limits<int64_t>::min()) {
        column->Append<int64_t>(-kMax);
      } else {
        int64_t shifted;
        if (__builtin_add_overflow(micros, kEpochShiftMicros, &shifted) || shifted == kMax || shifted <= -kMax) {
          return RangeError(plan, "a timestamp");
        }
        column->Append<int64_t>(shifted);
      }
      return Status::OK();
    }
    case PgDecodeKind::kTime:
      if (len != 8) return BadLength(plan, kind, len);
      column->Append<int64_t>(LoadI64(p));
      return Status::OK();
    case PgDecodeKind::kUuidString:
      if (len != 16) return BadLength(plan, kind, len);
      AppendUuidText(p, column);
      return Status::OK();
    case PgDecodeKind::kArray:
      break;
  }
  return Status::Internal(ColumnPrefix(plan) + "arrays of arrays are not a PostgreSQL type (bad plan)");
}

Status PgCopyDecoder::DecodeArray(const PgColumnPlan& plan, const uint8_t* p, int32_t len, Column* column) {
  const size_t n = static_cast<size_t>(len);
  if (n < 12) return BadLength(plan, PgDecodeKind::kArray, len);
  const int32_t ndim = LoadI32(p);
  const int32_t flags = LoadI32(p + 4);
  if (ndim < 0 || ndim > kMaxArrayDims || (flags != 0 && flags != 1)) {
    return Status::Corruption(ColumnPrefix(plan) + "malformed array header in the COPY stream");
  }
  if (ndim != 0 && ndim != plan.array_dims) {
    return Status::NotImplemented(
        ColumnPrefix(plan) + "an array value has " + std::to_string(ndim) + " dimension(s) but the column is declared with " +
        std::to_string(plan.array_dims) +
        " (PostgreSQL does not enforce declared array dimensions); export with --types rds to keep arrays as text");
  }
  size_t pos = 12 + 8 * static_cast<size_t>(ndim);
  if (n < pos) return BadLength(plan, PgDecodeKind::kArray, len);

  // Every element takes at least its 4-byte length word, which bounds the count.
  const uint64_t max_elements = (n - pos) / 4;
  int64_t dims[kMaxArrayDims];
  uint64_t total = ndim > 0 ? 1 : 0;
  for (int d = 0; d < ndim; ++d) {
    const int32_t dim = LoadI32(p + 12 + 8 * d);
    if (dim < 0) return Status::Corruption(ColumnPrefix(plan) + "negative array dimension in the COPY stream");
    dims[d] = dim;
    total *= static_cast<uint64_t>(dim);
    if (total > max_elements) {
      return Status::Corruption(ColumnPrefix(plan) + "array dimensions larger than the value in the COPY stream");
    }
  }

  // levels[0] is the column itself, levels[k+1] the element list of levels[k];
  // levels[array_dims] holds the leaf values.
  Column* levels[kMaxArrayDims + 1];
  int64_t base[kMaxArrayDims + 1];
  levels[0] = column;
  for (int k = 0; k < plan.array_dims; ++k) levels[k + 1] = &levels[k]->mutable_child(0);
  for (int k = 0; k <= plan.array_dims; ++k) base[k] = levels[k]->length();

  Column* leaf = levels[plan.array_dims];
  for (uint64_t i = 0; i < total; ++i) {
    if (n < pos + 4) return BadLength(plan, PgDecodeKind::kArray, len);
    const int32_t elen = LoadI32(p + pos);
    pos += 4;
    if (elen == -1) {
      leaf->AppendNull();
      continue;
    }
    if (elen < 0 || n - pos < static_cast<size_t>(elen)) return BadLength(plan, PgDecodeKind::kArray, len);
    SL_RETURN_NOT_OK(DecodeValue(plan, plan.element_kind, p + pos, elen, leaf));
    pos += static_cast<size_t>(elen);
  }
  if (pos != n) return BadLength(plan, PgDecodeKind::kArray, len);

  if (ndim == 0) {
    column->AppendListEnd(base[1]);  // '{}': an empty list at the top level
    return Status::OK();
  }
  // Level k has prod(dims[0..k-1]) slots of dims[k] children each.
  int64_t slots = 1;
  for (int k = 0; k < ndim; ++k) {
    Column* level = levels[k];
    for (int64_t s = 0; s < slots; ++s) level->AppendListEnd(base[k + 1] + (s + 1) * dims[k]);
    slots *= dims[k];
  }
  return Status::OK();
}

}  // namespace snaplake::postgres
