#include "lake/delta/file_stats.h"

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "format/column_batch.h"
#include "format/parquet/reader/schema_converter.h"
#include "format/parquet/reader/statistics_value.h"
#include "format/value_json.h"

namespace snaplake::delta {

namespace {

// Bounds of one column, widened to what a comparison needs.
struct Bound {
  enum Kind { kInt, kInt128, kDouble, kString } kind = kInt;
  int64_t i = 0;
  int128_t i128 = 0;
  double d = 0;
  std::string s;
};

bool StatsSupported(const Type& t) {
  switch (t.id) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64:
    case TypeId::kFloat: case TypeId::kDouble: case TypeId::kDecimal:
    case TypeId::kString: case TypeId::kJson: case TypeId::kEnum:
    case TypeId::kDate:
      return true;
    case TypeId::kTimestamp:
      return t.unit != TimeUnit::kNanos;
    default:
      return false;
  }
}

// Decodes one PLAIN statistics value into a Bound; nullopt if unusable.
std::optional<Bound> Decode(const parquet::LeafInfo& leaf, const std::string& bytes) {
  Column column(leaf.type);
  if (!parquet::DecodeStatisticValue(leaf, bytes, &column).ok()) return std::nullopt;
  Bound b;
  const Type& t = leaf.type;
  const ByteBuffer& v = column.values();
  switch (t.id) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kDate: {
      if (v.size() != 4) return std::nullopt;
      int32_t x;
      std::memcpy(&x, v.data(), 4);
      b.i = x;
      return b;
    }
    case TypeId::kInt64: case TypeId::kTimestamp: {
      if (v.size() != 8) return std::nullopt;
      std::memcpy(&b.i, v.data(), 8);
      return b;
    }
    case TypeId::kDecimal:
      if (v.size() == 8) {
        std::memcpy(&b.i, v.data(), 8);
        return b;
      }
      if (v.size() != 16) return std::nullopt;
      b.kind = Bound::kInt128;
      std::memcpy(&b.i128, v.data(), 16);
      return b;
    case TypeId::kFloat: {
      if (v.size() != 4) return std::nullopt;
      float f;
      std::memcpy(&f, v.data(), 4);
      if (!std::isfinite(f)) return std::nullopt;
      b.kind = Bound::kDouble;
      b.d = f;
      return b;
    }
    case TypeId::kDouble: {
      if (v.size() != 8) return std::nullopt;
      std::memcpy(&b.d, v.data(), 8);
      if (!std::isfinite(b.d)) return std::nullopt;
      b.kind = Bound::kDouble;
      return b;
    }
    default:
      b.kind = Bound::kString;
      b.s = bytes;
      return b;
  }
}

int Compare(const Bound& a, const Bound& b) {
  switch (a.kind) {
    case Bound::kInt: return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    case Bound::kInt128: return a.i128 < b.i128 ? -1 : a.i128 > b.i128 ? 1 : 0;
    case Bound::kDouble: return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
    case Bound::kString: return a.s.compare(b.s);  // byte order = UTF-8 code point order
  }
  return 0;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// "YYYY-MM-DDTHH:MM:SS.mmm" (+ "Z" when utc) of milliseconds since the epoch.
std::string TimestampText(int64_t ms, bool utc) {
  const int64_t days = FloorDiv(ms, 86400000);
  int64_t rest = ms - days * 86400000;
  std::string out;
  AppendIsoDate(days, &out);
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d.%03d", static_cast<int>(rest / 3600000),
                static_cast<int>(rest / 60000 % 60), static_cast<int>(rest / 1000 % 60), static_cast<int>(rest % 1000));
  out.append(buf);
  if (utc) out.push_back('Z');
  return out;
}

// The JSON text of a bound (is_max: round timestamps up).
std::optional<std::string> Render(const Type& t, const Bound& b, bool is_max) {
  std::string out;
  if (t.id == TypeId::kTimestamp) {
    int64_t ms = b.i;
    if (t.unit == TimeUnit::kMicros) ms = is_max ? -FloorDiv(-b.i, 1000) : FloorDiv(b.i, 1000);
    out.push_back('"');
    out.append(TimestampText(ms, t.utc));
    out.push_back('"');
    return out;
  }
  if (b.kind == Bound::kString) {
    if (b.s.size() > 32) return std::nullopt;
    AppendJsonString(b.s, &out);
    return out;
  }
  // Everything else renders as value_json does; decimals lose their quotes.
  Column column(t);
  if (b.kind == Bound::kInt128) column.Append(b.i128);
  else if (t.id == TypeId::kInt64 || t.id == TypeId::kDecimal) column.Append(b.i);
  else if (t.id == TypeId::kFloat) column.Append(static_cast<float>(b.d));
  else if (t.id == TypeId::kDouble) column.Append(b.d);
  else column.Append(static_cast<int32_t>(b.i));
  AppendJsonValue(column, 0, &out);
  if (t.id == TypeId::kDecimal && out.size() >= 2 && out.front() == '"') out = out.substr(1, out.size() - 2);
  return out;
}

}  // namespace

Result<std::string> StatsFromFooter(const parquet::FileMetaData& footer) {
  SL_ASSIGN_OR_RETURN(parquet::FileSchema fs, parquet::ConvertSchema(footer.schema));
  std::string mins, maxs, nulls;
  for (int f = 0; f < fs.schema.num_fields(); ++f) {
    const Field& field = fs.schema.fields[f];
    if (field.type.is_nested() || fs.first_leaf[f + 1] - fs.first_leaf[f] != 1) continue;
    const int leaf_index = fs.first_leaf[f];
    const parquet::LeafInfo& leaf = fs.leaves[leaf_index];
    bool null_known = true, bounds_known = StatsSupported(field.type);
    int64_t null_count = 0;
    std::optional<Bound> lo, hi;
    for (const parquet::RowGroup& rg : footer.row_groups) {
      if (static_cast<size_t>(leaf_index) >= rg.columns.size() || !rg.columns[leaf_index].meta_data ||
          !rg.columns[leaf_index].meta_data->statistics) {
        null_known = bounds_known = false;
        break;
      }
      const parquet::Statistics& s = *rg.columns[leaf_index].meta_data->statistics;
      if (s.null_count) null_count += *s.null_count;
      else null_known = false;
      if (!bounds_known) continue;
      const int64_t values = rg.num_rows - s.null_count.value_or(0);
      if (values == 0 && s.null_count) continue;  // an all-null row group has no bounds
      if (!s.min_value || !s.max_value) {
        bounds_known = false;
        continue;
      }
      auto a = Decode(leaf, *s.min_value), b = Decode(leaf, *s.max_value);
      if (!a || !b) {
        bounds_known = false;
        continue;
      }
      if (!lo || Compare(*a, *lo) < 0) lo = std::move(a);
      if (!hi || Compare(*b, *hi) > 0) hi = std::move(b);
    }
    std::string key;
    AppendJsonString(field.name, &key);
    if (null_known) {
      nulls.append(nulls.empty() ? "" : ",").append(key).append(":").append(std::to_string(null_count));
    }
    if (bounds_known && lo && hi) {
      auto lo_text = Render(field.type, *lo, false), hi_text = Render(field.type, *hi, true);
      if (lo_text) mins.append(mins.empty() ? "" : ",").append(key).append(":").append(*lo_text);
      if (hi_text) maxs.append(maxs.empty() ? "" : ",").append(key).append(":").append(*hi_text);
    }
  }
  std::string out = "{\"numRecords\":";
  out.append(std::to_string(footer.num_rows));
  out.append(",\"minValues\":{").append(mins).append("}");
  out.append(",\"maxValues\":{").append(maxs).append("}");
  out.append(",\"nullCount\":{").append(nulls).append("}}");
  return out;
}

}  // namespace snaplake::delta
