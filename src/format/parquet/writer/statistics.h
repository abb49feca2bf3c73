// Min/max/null-count statistics of a page or column chunk, in the leaf's
// type-defined sort order (parquet-format's rules): signed or unsigned
// integers, unsigned bytewise for strings and binary, signed big-endian for
// FLBA decimals, NaN never a bound, -0.0/+0.0 widened so both are covered.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "format/parquet/metadata/parquet_types.h"
#include "format/parquet/writer/schema_builder.h"

namespace snaplake::parquet {

int CompareSignedBigEndian(std::string_view a, std::string_view b);

// T is the physical value: uint8_t (boolean), int32_t, int64_t, float, double,
// std::string_view (byte arrays, owned copies kept for bounds).
template <typename T>
class ColumnStatistics {
 public:
  explicit ColumnStatistics(SortOrder order = SortOrder::kSigned) : order_(order) {}

  void AddNulls(int64_t n) { null_count_ += n; }

  void Update(const T* values, int64_t n) {
    if (order_ == SortOrder::kNone) return;
    for (int64_t i = 0; i < n; ++i) Observe(values[i]);
  }

  void Merge(const ColumnStatistics& other) {
    null_count_ += other.null_count_;
    if (other.has_bounds_) {
      Observe(other.min_);
      Observe(other.max_);
    }
  }

  void Reset() {
    null_count_ = 0;
    has_bounds_ = false;
  }

  int64_t null_count() const { return null_count_; }

  // Bounds longer than max_bytes are left out (never truncated).
  Statistics ToThrift(int64_t max_bytes) const {
    Statistics s;
    s.null_count = null_count_;
    if (has_bounds_) {
      std::string lo = Plain(min_, /*is_min=*/true), hi = Plain(max_, /*is_min=*/false);
      if (static_cast<int64_t>(lo.size()) <= max_bytes && static_cast<int64_t>(hi.size()) <= max_bytes) {
        s.min_value = std::move(lo);
        s.max_value = std::move(hi);
        s.is_min_value_exact = true;
        s.is_max_value_exact = true;
      }
    }
    return s;
  }

 private:
  void Observe(const T& v) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) return;
    }
    if (!has_bounds_) {
      Assign(&min_, v);
      Assign(&max_, v);
      has_bounds_ = true;
      return;
    }
    if (Less(v, min_)) Assign(&min_, v);
    if (Less(max_, v)) Assign(&max_, v);
  }

  bool Less(const T& a, const T& b) const {
    if constexpr (std::is_same_v<T, std::string_view>) {
      if (order_ == SortOrder::kSignedBigEndian) return CompareSignedBigEndian(a, b) < 0;
      return a < b;  // char_traits<char> compares as unsigned bytes
    } else if constexpr (std::is_same_v<T, int32_t>) {
      if (order_ == SortOrder::kUnsigned) return static_cast<uint32_t>(a) < static_cast<uint32_t>(b);
      return a < b;
    } else if constexpr (std::is_same_v<T, int64_t>) {
      if (order_ == SortOrder::kUnsigned) return static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
      return a < b;
    } else {
      return a < b;
    }
  }

  void Assign(T* slot, const T& v) {
    if constexpr (std::is_same_v<T, std::string_view>) {
      std::string& owned = slot == &min_ ? min_owned_ : max_owned_;
      owned.assign(v.data(), v.size());
      *slot = owned;
    } else {
      *slot = v;
    }
  }

  std::string Plain(const T& v, bool is_min) const {
    if constexpr (std::is_same_v<T, std::string_view>) {
      return std::string(v);
    } else {
      T x = v;
      if constexpr (std::is_floating_point_v<T>) {
        // A zero bound must cover both zeros: min is -0.0, max is +0.0.
        if (x == 0) x = is_min ? -T(0) : T(0);
      }
      std::string s(sizeof(T), '\0');
      std::memcpy(s.data(), &x, sizeof(T));
      return s;
    }
  }

  SortOrder order_;
  int64_t null_count_ = 0;
  bool has_bounds_ = false;
  T min_{};
  T max_{};
  std::string min_owned_;
  std::string max_owned_;
};

}  // namespace snaplake::parquet
