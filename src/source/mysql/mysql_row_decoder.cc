#include "source/mysql/mysql_row_decoder.h"

#include <charconv>
#include <string>

namespace snaplake::mysql {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `count` decimal digits.
bool Digits(const char* p, size_t count, int64_t* out) {
  int64_t v = 0;
  for (size_t i = 0; i < count; ++i) {
    if (p[i] < '0' || p[i] > '9') return false;
    v = v * 10 + (p[i] - '0');
  }
  *out = v;
  return true;
}

// Fraction ".ffffff" (1..6 digits) -> micros; the rest must be empty.
bool Fraction(const char* p, size_t n, int64_t* micros) {
  *micros = 0;
  if (n == 0) return true;
  if (p[0] != '.' || n > 7 || n < 2) return false;
  int64_t v = 0;
  if (!Digits(p + 1, n - 1, &v)) return false;
  for (size_t i = n - 1; i < 6; ++i) v *= 10;
  *micros = v;
  return true;
}

std::string Shown(const char* p, size_t n) {
  std::string s(p, n < 40 ? n : 40);
  if (n > 40) s.append("...");
  return s;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Shift the year to start in March so the leap day is last; count 400-year eras.
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

bool ParseMySqlDateTime(const char* p, size_t n, bool with_time, int64_t* out, bool* valid) {
  int64_t year = 0, month = 0, day = 0;
  if (n < 10 || p[4] != '-' || p[7] != '-') return false;
  if (!Digits(p, 4, &year) || !Digits(p + 5, 2, &month) || !Digits(p + 8, 2, &day)) return false;
  int64_t time_micros = 0;
  if (with_time) {
    if (n < 19 || p[10] != ' ' || p[13] != ':' || p[16] != ':') return false;
    int64_t h = 0, mi = 0, s = 0, f = 0;
    if (!Digits(p + 11, 2, &h) || !Digits(p + 14, 2, &mi) || !Digits(p + 17, 2, &s)) return false;
    if (!Fraction(p + 19, n - 19, &f)) return false;
    if (h > 23 || mi > 59 || s > 59) {
      *valid = false;
      return true;
    }
    time_micros = ((h * 60 + mi) * 60 + s) * kMicrosPerSecond + f;
  } else if (n != 10) {
    return false;
  }
  *valid = year >= 1 && month >= 1 && month <= 12 && day >= 1 &&
           day <= static_cast<int64_t>(DaysInMonth(year, static_cast<unsigned>(month)));
  if (!*valid) return true;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  *out = with_time ? days * kMicrosPerDay + time_micros : days;
  return true;
}

MySqlRowDecoder::MySqlRowDecoder(std::vector<MySqlColumnPlan> plans)
    : plans_(std::move(plans)), invalid_dates_(plans_.size(), 0) {}

Schema MySqlRowDecoder::schema() const {
  Schema schema;
  for (const MySqlColumnPlan& plan : plans_) {
    schema.fields.push_back(Field{plan.column.name, plan.column.type, plan.column.nullable});
  }
  return schema;
}

Status MySqlRowDecoder::AppendRow(char* const* fields, const unsigned long* lengths, ColumnBatch* batch) {
  for (size_t i = 0; i < plans_.size(); ++i) {
    Column& column = batch->mutable_column(static_cast<int>(i));
    if (fields[i] == nullptr) {
      column.AppendNull();
      continue;
    }
    SL_RETURN_NOT_OK(AppendValue(i, fields[i], lengths[i], &column));
  }
  return Status::OK();
}

Status MySqlRowDecoder::AppendValue(size_t index, const char* p, size_t n, Column* column) {
  const MySqlColumnPlan& plan = plans_[index];
  auto bad = [&](const char* what) {
    std::string msg = "column ";
    msg.append(plan.column.name).append(": cannot read '").append(Shown(p, n)).append("' as ").append(what);
    msg.append(" (MySQL ").append(plan.column.original_type).append("); please report this value");
    return Status::Corruption(msg);
  };
  switch (plan.kind) {
    case MySqlDecodeKind::kBool: {
      if (n == 1 && (p[0] == '0' || p[0] == '1')) {
        column->Append<uint8_t>(static_cast<uint8_t>(p[0] - '0'));
        return Status::OK();
      }
      std::string msg = "column ";
      msg.append(plan.column.name).append(" is TINYINT(1), exported as BOOLEAN, but holds ").append(Shown(p, n));
      msg.append("; rerun with --tinyint1-as-int to export it as an integer");
      return Status::NotImplemented(msg);
    }
    case MySqlDecodeKind::kInt32: {
      int32_t v = 0;
      auto r = std::from_chars(p, p + n, v);
      if (r.ec != std::errc() || r.ptr != p + n) return bad("a 32-bit integer");
      column->Append<int32_t>(v);
      return Status::OK();
    }
    case MySqlDecodeKind::kInt64: {
      int64_t v = 0;
      auto r = std::from_chars(p, p + n, v);
      if (r.ec != std::errc() || r.ptr != p + n) return bad("a 64-bit integer");
      column->Append<int64_t>(v);
      return Status::OK();
    }
    case MySqlDecodeKind::kDecimal: {
      const int32_t scale = plan.column.type.scale;
      size_t i = 0;
      bool negative = false;
      if (i < n && (p[i] == '-' || p[i] == '+')) negative = p[i++] == '-';
      int128_t v = 0;
      int digits = 0;
      int fraction = -1;
      for (; i < n; ++i) {
        char c = p[i];
        if (c == '.' && fraction < 0) {
          fraction = 0;
          continue;
        }
        if (c < '0' || c > '9') return bad("a decimal");
        v = v * 10 + (c - '0');
        if (v != 0) ++digits;
        if (fraction >= 0) ++fraction;
        if (digits > 38) return bad("a decimal of at most 38 digits");
      }
      if (fraction < 0) fraction = 0;
      if (fraction > scale) return bad("a decimal of the column's scale");
      for (int k = fraction; k < scale; ++k) v *= 10;
      if (negative) v = -v;
      if (plan.column.type.precision <= 18) {
        column->Append<int64_t>(static_cast<int64_t>(v));
      } else {
        column->Append<int128_t>(v);
      }
      return Status::OK();
    }
    case MySqlDecodeKind::kFloat:
    case MySqlDecodeKind::kDouble: {
      double v = 0;
      auto r = std::from_chars(p, p + n, v);
      if (r.ec != std::errc() || r.ptr != p + n) return bad("a floating-point number");
      if (plan.kind == MySqlDecodeKind::kFloat) {
        column->Append<float>(static_cast<float>(v));
      } else {
        column->Append<double>(v);
      }
      return Status::OK();
    }
    case MySqlDecodeKind::kBitInt64: {
      if (n > 8) return bad("BIT(1..63)");
      uint64_t v = 0;
      for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
      column->Append<int64_t>(static_cast<int64_t>(v));
      return Status::OK();
    }
    case MySqlDecodeKind::kDate:
    case MySqlDecodeKind::kDateTime: {
      const bool with_time = plan.kind == MySqlDecodeKind::kDateTime;
      int64_t v = 0;
      bool valid = false;
      if (!ParseMySqlDateTime(p, n, with_time, &v, &valid)) return bad(with_time ? "a date and time" : "a date");
      if (!valid) {
        ++invalid_dates_[index];
        column->AppendNull();
      } else if (with_time) {
        column->Append<int64_t>(v);
      } else {
        column->Append<int32_t>(static_cast<int32_t>(v));
      }
      return Status::OK();
    }
    case MySqlDecodeKind::kTime: {
      // "hh:mm:ss[.f]" with 2 or 3 hour digits; negative or >= 24 h cannot be a time of day.
      size_t colon = 0;
      while (colon < n && p[colon] != ':') ++colon;
      int64_t h = 0, mi = 0, s = 0, f = 0;
      if (colon < 2 || colon > 3 || n < colon + 6 || p[colon + 3] != ':' || !Digits(p, colon, &h) ||
          !Digits(p + colon + 1, 2, &mi) || !Digits(p + colon + 4, 2, &s) ||
          !Fraction(p + colon + 6, n - colon - 6, &f)) {
        return bad("a time of day between 00:00:00 and 24:00:00");
      }
      if (h >= 24) return bad("a time of day between 00:00:00 and 24:00:00");
      column->Append<int64_t>(((h * 60 + mi) * 60 + s) * kMicrosPerSecond + f);
      return Status::OK();
    }
    case MySqlDecodeKind::kText:
    case MySqlDecodeKind::kBinary:
      column->AppendBytes(p, n);
      return Status::OK();
  }
  return Status::Internal("unknown MySQL decode kind");
}

}  // namespace snaplake::mysql
