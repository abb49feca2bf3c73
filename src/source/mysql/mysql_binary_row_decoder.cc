#include "source/mysql/mysql_binary_row_decoder.h"

#include <charconv>
#include <cstring>
#include <exception>
#include <new>
#include <limits>

#include <mysql.h>

namespace snaplake::mysql {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

uint16_t Le16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t Le32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t Le64(const unsigned char* p) { return Le32(p) | (static_cast<uint64_t>(Le32(p + 4)) << 32); }

// A length-encoded integer (the prefix of every string value) into *n;
// advances *p. False for what no value can carry: the NULL and error markers
// (0xFB, 0xFF) or a length of 4 GiB or more (a LONGBLOB's limit), which only
// a corrupt packet holds.
bool LengthPrefix(const unsigned char** p, uint64_t* n) {
  const unsigned char* q = *p;
  switch (q[0]) {
    case 251: case 255: return false;
    case 252: *p += 3; *n = Le16(q + 1); return true;
    case 253: *p += 4; *n = static_cast<uint64_t>(q[1]) | (static_cast<uint64_t>(q[2]) << 8) |
                           (static_cast<uint64_t>(q[3]) << 16); return true;
    case 254: *p += 9; *n = Le64(q + 1); return *n < (uint64_t{1} << 32);
    default: *p += 1; *n = q[0]; return true;
  }
}

MySqlBinaryRowDecoder::Wire WireOf(int type) {
  using W = MySqlBinaryRowDecoder::Wire;
  switch (type) {
    case MYSQL_TYPE_TINY: return W::kInt1;
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR: return W::kInt2;
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24: return W::kInt4;
    case MYSQL_TYPE_LONGLONG: return W::kInt8;
    case MYSQL_TYPE_FLOAT: return W::kFloat;
    case MYSQL_TYPE_DOUBLE: return W::kDouble;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIME: return W::kTemporal;
    case MYSQL_TYPE_NULL: return W::kNull;
    default: return W::kBytes;  // lengths-prefixed: strings, blobs, DECIMAL digits, BIT, JSON, ENUM, SET, ...
  }
}

bool IsInteger(MySqlBinaryRowDecoder::Wire w) {
  using W = MySqlBinaryRowDecoder::Wire;
  return w == W::kInt1 || w == W::kInt2 || w == W::kInt4 || w == W::kInt8;
}

// Which wire forms each plan reads. kNull (an expression that is always NULL) fits all.
bool Accepts(MySqlDecodeKind kind, MySqlBinaryRowDecoder::Wire w, bool is_time) {
  using W = MySqlBinaryRowDecoder::Wire;
  if (w == W::kNull) return true;
  switch (kind) {
    case MySqlDecodeKind::kBool:
    case MySqlDecodeKind::kInt32:
    case MySqlDecodeKind::kInt64: return IsInteger(w);
    case MySqlDecodeKind::kDecimal: return IsInteger(w) || w == W::kBytes;
    case MySqlDecodeKind::kFloat:
    case MySqlDecodeKind::kDouble: return w == W::kFloat || w == W::kDouble;
    case MySqlDecodeKind::kBitInt64: return w == W::kBytes;
    case MySqlDecodeKind::kDate:
    case MySqlDecodeKind::kDateTime: return w == W::kTemporal && !is_time;
    case MySqlDecodeKind::kTime: return w == W::kTemporal && is_time;
    case MySqlDecodeKind::kText: return w == W::kBytes || w == W::kTemporal || IsInteger(w);
    case MySqlDecodeKind::kBinary: return w == W::kBytes;
  }
  return false;
}

MySqlBinaryRowDecoder::Fast FastPath(MySqlDecodeKind kind, MySqlBinaryRowDecoder::Wire w, bool is_unsigned) {
  using F = MySqlBinaryRowDecoder::Fast;
  using W = MySqlBinaryRowDecoder::Wire;
  if (kind == MySqlDecodeKind::kInt32) {
    if (w == W::kInt1) return is_unsigned ? F::kInt32FromUInt1 : F::kInt32FromInt1;
    if (w == W::kInt2) return is_unsigned ? F::kInt32FromUInt2 : F::kInt32FromInt2;
    if (w == W::kInt4 && !is_unsigned) return F::kInt32FromInt4;
  } else if (kind == MySqlDecodeKind::kInt64) {
    if (w == W::kInt4) return is_unsigned ? F::kInt64FromUInt4 : F::kInt64FromInt4;
    if (w == W::kInt8 && !is_unsigned) return F::kInt64FromInt8;
  } else if ((kind == MySqlDecodeKind::kText || kind == MySqlDecodeKind::kBinary) && w == W::kBytes) {
    return F::kCopyBytes;
  }
  return F::kNone;  // range checks, conversions, dates: OnValueSlow
}

// Writes `v` as exactly `width` digits.
char* PutDigits(char* out, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out + width;
}

// Unscaled integer of decimal text at `scale`; false if malformed or wider than 38 digits.
bool ParseDecimal(const char* p, size_t n, int32_t scale, int128_t* out, const char** why) {
  size_t i = 0;
  bool negative = false;
  if (i < n && (p[i] == '-' || p[i] == '+')) negative = p[i++] == '-';
  int128_t v = 0;
  int digits = 0;
  int fraction = -1;
  *why = "a decimal";
  if (i == n) return false;
  for (; i < n; ++i) {
    char c = p[i];
    if (c == '.' && fraction < 0) {
      fraction = 0;
      continue;
    }
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
    if (v != 0) ++digits;
    if (fraction >= 0) ++fraction;
    if (digits > 38) {
      *why = "a decimal of at most 38 digits";
      return false;
    }
  }
  if (fraction < 0) fraction = 0;
  if (fraction > scale) {
    *why = "a decimal of the column's scale";
    return false;
  }
  for (int k = fraction; k < scale; ++k) v *= 10;
  *out = negative ? -v : v;
  return true;
}

// A date or time as the server prints it in the text protocol: YYYY-MM-DD,
// YYYY-MM-DD hh:mm:ss or [-]hh:mm:ss (hours may take 3 digits), then exactly
// `decimals` fraction digits. `out` holds at least 40 bytes; returns the length.
size_t FormatTemporal(bool negative, uint64_t hours, uint32_t year, uint32_t month, uint32_t day, uint32_t minute,
                      uint32_t second, uint32_t micros, int kind, int decimals, char* out) {
  char* p = out;
  if (kind == MYSQL_TYPE_TIME) {
    if (negative) *p++ = '-';
    int width = 2;
    for (uint64_t h = hours; h >= 100; h /= 10) ++width;
    p = PutDigits(p, hours, width);
  } else {
    p = PutDigits(p, year, 4);
    *p++ = '-';
    p = PutDigits(p, month, 2);
    *p++ = '-';
    p = PutDigits(p, day, 2);
    if (kind == MYSQL_TYPE_DATE) return static_cast<size_t>(p - out);
    *p++ = ' ';
    p = PutDigits(p, hours, 2);
  }
  *p++ = ':';
  p = PutDigits(p, minute, 2);
  *p++ = ':';
  p = PutDigits(p, second, 2);
  if (decimals > 0) {
    *p++ = '.';
    uint32_t f = micros;
    for (int k = decimals; k < 6; ++k) f /= 10;
    p = PutDigits(p, f, decimals);
  }
  return static_cast<size_t>(p - out);
}

std::string Shown(std::string_view s) {
  std::string out(s.substr(0, 40));
  if (s.size() > 40) out.append("...");
  return out;
}

// `v` in decimal, written at the end of `buf`.
std::string_view FormatInt(int128_t v, char (&buf)[48]) {
  char* end = buf + sizeof(buf);
  char* p = end;
  const bool negative = v < 0;
  unsigned __int128 u = negative ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  do {
    *--p = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  } while (u != 0);
  if (negative) *--p = '-';
  return std::string_view(p, static_cast<size_t>(end - p));
}

std::string IntText(int128_t v) {
  char buf[48];
  return std::string(FormatInt(v, buf));
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

MySqlBinaryRowDecoder::MySqlBinaryRowDecoder(std::vector<MySqlColumnPlan> plans)
    : plans_(std::move(plans)), invalid_dates_(plans_.size(), 0) {}

Schema MySqlBinaryRowDecoder::schema() const {
  Schema schema;
  for (const MySqlColumnPlan& plan : plans_) {
    schema.fields.push_back(Field{plan.column.name, plan.column.type, plan.column.nullable});
  }
  return schema;
}

Status MySqlBinaryRowDecoder::Bind(const std::vector<MySqlResultField>& fields) {
  if (fields.size() != plans_.size()) {
    return Status::Internal("the MySQL statement returned " + std::to_string(fields.size()) + " columns for " +
                            std::to_string(plans_.size()) + " planned");
  }
  slots_.assign(fields.size(), Slot{});
  for (size_t i = 0; i < fields.size(); ++i) {
    Slot& slot = slots_[i];
    slot.wire = WireOf(fields[i].type);
    slot.is_unsigned = fields[i].is_unsigned;
    slot.is_time = fields[i].type == MYSQL_TYPE_TIME;
    slot.type = fields[i].type;
    slot.decimals = static_cast<uint8_t>(fields[i].decimals <= 6 ? fields[i].decimals : 0);
    const MySqlColumnPlan& plan = plans_[i];
    slot.fast = FastPath(plan.kind, slot.wire, slot.is_unsigned);
    if (!Accepts(plan.kind, slot.wire, slot.is_time)) {
      std::string msg = "column ";
      msg.append(plan.column.name).append(" (MySQL ").append(plan.column.original_type);
      msg.append("): the server sends it as wire type ").append(std::to_string(fields[i].type));
      msg.append(", which snaplake cannot read as ").append(MySqlDecodeKindName(plan.kind));
      msg.append("; please report this");
      return Status::NotImplemented(msg);
    }
  }
  return Status::OK();
}

void MySqlBinaryRowDecoder::Callback(void* decoder, unsigned int column, unsigned char** row) noexcept {
  auto* self = static_cast<MySqlBinaryRowDecoder*>(decoder);
  ++self->values_seen_;
  try {
    self->OnValue(column, row);
  } catch (const std::bad_alloc&) {
    if (!self->failed_) self->error_ = Status::Internal("out of memory appending a MySQL value");
    self->failed_ = true;
  } catch (const std::exception& e) {
    if (!self->failed_) self->error_ = Status::Internal(std::string("appending a MySQL value: ") + e.what());
    self->failed_ = true;
  }
}

void MySqlBinaryRowDecoder::BadLength(size_t index) {
  if (!failed_) {
    error_ = Status::Corruption("column " + plans_[index].column.name +
                                ": the MySQL row holds an impossible value length (a corrupt packet)");
  }
  failed_ = true;
}

Status MySqlBinaryRowDecoder::MissingValues() const {
  return Status::Internal("libmariadb delivered " + std::to_string(values_seen_) + " of " +
                          std::to_string(slots_.size()) +
                          " values of a row through the result callback; this client library is not supported "
                          "(snaplake needs libmariadb 3.3 or later)");
}

Status MySqlBinaryRowDecoder::TakeError() {
  failed_ = false;
  Status error = std::move(error_);
  error_ = Status::OK();
  return error;
}

void MySqlBinaryRowDecoder::OnValue(size_t index, unsigned char** row) {
  if (index >= slots_.size() || batch_ == nullptr) {
    if (!failed_) error_ = Status::Internal("a MySQL row has more columns than bound");
    failed_ = true;
    return;  // libmariadb only calls back for bound statements; nothing to advance safely
  }
  Column& column = batch_->mutable_column(static_cast<int>(index));
  if (row == nullptr) {
    column.AppendNull();
    return;
  }
  // After a bad length the position in the row is unknown: read nothing more.
  if (failed_) return;
  const unsigned char* p = *row;
  switch (slots_[index].fast) {
    case Fast::kInt32FromInt1:
      column.Append<int32_t>(static_cast<int8_t>(p[0]));
      *row += 1;
      break;
    case Fast::kInt32FromUInt1:
      column.Append<int32_t>(p[0]);
      *row += 1;
      break;
    case Fast::kInt32FromInt2:
      column.Append<int32_t>(static_cast<int16_t>(Le16(p)));
      *row += 2;
      break;
    case Fast::kInt32FromUInt2:
      column.Append<int32_t>(Le16(p));
      *row += 2;
      break;
    case Fast::kInt32FromInt4:
      column.Append<int32_t>(static_cast<int32_t>(Le32(p)));
      *row += 4;
      break;
    case Fast::kInt64FromInt4:
      column.Append<int64_t>(static_cast<int32_t>(Le32(p)));
      *row += 4;
      break;
    case Fast::kInt64FromUInt4:
      column.Append<int64_t>(Le32(p));
      *row += 4;
      break;
    case Fast::kInt64FromInt8:
      column.Append<int64_t>(static_cast<int64_t>(Le64(p)));
      *row += 8;
      break;
    case Fast::kCopyBytes: {
      const unsigned char* q = p;
      uint64_t n = 0;
      if (!LengthPrefix(&q, &n)) return BadLength(index);
      column.AppendBytes(q, static_cast<size_t>(n));
      *row = const_cast<unsigned char*>(q) + n;
      break;
    }
    case Fast::kNone:
      OnValueSlow(index, row, &column);
      return;
  }
  row_bytes_ += *row - p;
}

void MySqlBinaryRowDecoder::OnValueSlow(size_t index, unsigned char** row, Column* out) {
  Column& column = *out;
  const unsigned char* p = *row;
  const Slot& slot = slots_[index];
  Status status;
  switch (slot.wire) {
    case Wire::kInt1: {
      *row += 1;
      status = AppendInteger(index, slot.is_unsigned ? int128_t{p[0]} : int128_t{static_cast<int8_t>(p[0])}, &column);
      break;
    }
    case Wire::kInt2: {
      *row += 2;
      uint16_t v = Le16(p);
      status = AppendInteger(index, slot.is_unsigned ? int128_t{v} : int128_t{static_cast<int16_t>(v)}, &column);
      break;
    }
    case Wire::kInt4: {
      *row += 4;
      uint32_t v = Le32(p);
      status = AppendInteger(index, slot.is_unsigned ? int128_t{v} : int128_t{static_cast<int32_t>(v)}, &column);
      break;
    }
    case Wire::kInt8: {
      *row += 8;
      uint64_t v = Le64(p);
      status = AppendInteger(index, slot.is_unsigned ? int128_t{v} : int128_t{static_cast<int64_t>(v)}, &column);
      break;
    }
    case Wire::kFloat: {
      *row += 4;
      uint32_t bits = Le32(p);
      float f;
      std::memcpy(&f, &bits, sizeof(f));
      status = AppendFloat(index, f, &column);
      break;
    }
    case Wire::kDouble: {
      *row += 8;
      uint64_t bits = Le64(p);
      double d;
      std::memcpy(&d, &bits, sizeof(d));
      status = AppendFloat(index, d, &column);
      break;
    }
    case Wire::kTemporal: {
      const unsigned n = p[0];
      const unsigned char* q = p + 1;
      *row += 1 + n;
      Packed t;
      if (slot.is_time) {  // [negative, days(4), hour, minute, second, [micros(4)]]
        if (n >= 8) {
          t.negative = q[0] != 0;
          t.days = Le32(q + 1);
          t.hour = q[5];
          t.minute = q[6];
          t.second = q[7];
        }
        if (n >= 12) t.micros = Le32(q + 8);
      } else {  // [year(2), month, day, [hour, minute, second, [micros(4)]]]
        if (n >= 4) {
          t.year = Le16(q);
          t.month = q[2];
          t.day = q[3];
        }
        if (n >= 7) {
          t.hour = q[4];
          t.minute = q[5];
          t.second = q[6];
        }
        if (n >= 11) t.micros = Le32(q + 7);
      }
      status = AppendTemporal(index, t, &column);
      break;
    }
    case Wire::kBytes: {
      const unsigned char* q = p;
      uint64_t n = 0;
      if (!LengthPrefix(&q, &n)) return BadLength(index);
      *row = const_cast<unsigned char*>(q) + n;
      status = AppendBytes(index, reinterpret_cast<const char*>(q), static_cast<size_t>(n), &column);
      break;
    }
    case Wire::kNull:
      column.AppendNull();
      break;
  }
  row_bytes_ += *row - p;
  if (!status.ok() && !failed_) {
    error_ = std::move(status);
    failed_ = true;
  }
}

Status MySqlBinaryRowDecoder::Bad(size_t index, std::string_view value, const char* what) const {
  const MySqlColumnPlan& plan = plans_[index];
  std::string msg = "column ";
  msg.append(plan.column.name).append(": cannot read '").append(Shown(value)).append("' as ").append(what);
  msg.append(" (MySQL ").append(plan.column.original_type).append("); please report this value");
  return Status::Corruption(msg);
}

Status MySqlBinaryRowDecoder::AppendInteger(size_t index, int128_t v, Column* column) {
  const MySqlColumnPlan& plan = plans_[index];
  switch (plan.kind) {
    case MySqlDecodeKind::kBool:
      if (v == 0 || v == 1) {
        column->Append<uint8_t>(static_cast<uint8_t>(v));
        return Status::OK();
      } else {
        std::string msg = "column ";
        msg.append(plan.column.name).append(" is TINYINT(1), exported as BOOLEAN, but holds ").append(IntText(v));
        msg.append("; rerun with --tinyint1-as-int to export it as an integer");
        return Status::NotImplemented(msg);
      }
    case MySqlDecodeKind::kInt32:
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return Bad(index, IntText(v), "a 32-bit integer");
      }
      column->Append<int32_t>(static_cast<int32_t>(v));
      return Status::OK();
    case MySqlDecodeKind::kInt64:
      if (v < std::numeric_limits<int64_t>::min() || v > std::numeric_limits<int64_t>::max()) {
        return Bad(index, IntText(v), "a 64-bit integer");
      }
      column->Append<int64_t>(static_cast<int64_t>(v));
      return Status::OK();
    case MySqlDecodeKind::kDecimal: {
      // Integers (BIGINT UNSIGNED) have at most 20 digits: scaled they still fit the column's precision.
      for (int32_t k = 0; k < plan.column.type.scale; ++k) v *= 10;
      if (plan.column.type.precision <= 18) {
        column->Append<int64_t>(static_cast<int64_t>(v));
      } else {
        column->Append<int128_t>(v);
      }
      return Status::OK();
    }
    case MySqlDecodeKind::kText: {
      char buf[48];
      std::string_view text = FormatInt(v, buf);
      column->AppendBytes(text.data(), text.size());
      return Status::OK();
    }
    default:
      return Status::Internal("integer for a non-integer MySQL plan");
  }
}

Status MySqlBinaryRowDecoder::AppendFloat(size_t index, double v, Column* column) {
  if (plans_[index].kind == MySqlDecodeKind::kFloat) {
    column->Append<float>(static_cast<float>(v));
  } else {
    column->Append<double>(v);
  }
  return Status::OK();
}

Status MySqlBinaryRowDecoder::AppendTemporal(size_t index, const Packed& t, Column* column) {
  const MySqlColumnPlan& plan = plans_[index];
  const Slot& slot = slots_[index];
  switch (plan.kind) {
    case MySqlDecodeKind::kDate:
    case MySqlDecodeKind::kDateTime: {
      const bool valid = t.year >= 1 && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
                         t.day <= DaysInMonth(t.year, t.month) && t.hour <= 23 && t.minute <= 59 && t.second <= 59 &&
                         t.micros < kMicrosPerSecond;
      if (!valid) {
        ++invalid_dates_[index];
        column->AppendNull();
        return Status::OK();
      }
      const int64_t days = DaysFromCivil(t.year, t.month, t.day);
      if (plan.kind == MySqlDecodeKind::kDate) {
        column->Append<int32_t>(static_cast<int32_t>(days));
      } else {
        column->Append<int64_t>(days * kMicrosPerDay +
                                ((int64_t{t.hour} * 60 + t.minute) * 60 + t.second) * kMicrosPerSecond + t.micros);
      }
      return Status::OK();
    }
    case MySqlDecodeKind::kTime: {
      const uint64_t hours = uint64_t{t.days} * 24 + t.hour;
      if (t.negative || hours >= 24 || t.minute > 59 || t.second > 59 || t.micros >= kMicrosPerSecond) {
        char text[48];
        size_t n = FormatTemporal(t.negative, hours, 0, 0, 0, t.minute, t.second, t.micros, slot.type, slot.decimals,
                                  text);
        return Bad(index, std::string_view(text, n), "a time of day between 00:00:00 and 24:00:00");
      }
      column->Append<int64_t>(((static_cast<int64_t>(hours) * 60 + t.minute) * 60 + t.second) * kMicrosPerSecond +
                              t.micros);
      return Status::OK();
    }
    case MySqlDecodeKind::kText: {
      char text[48];
      const uint64_t hours = slot.is_time ? uint64_t{t.days} * 24 + t.hour : t.hour;
      size_t n = FormatTemporal(t.negative, hours, t.year, t.month, t.day, t.minute, t.second, t.micros, slot.type,
                                slot.decimals, text);
      column->AppendBytes(text, n);
      return Status::OK();
    }
    default:
      return Status::Internal("date or time for a MySQL plan that reads neither");
  }
}

Status MySqlBinaryRowDecoder::AppendBytes(size_t index, const char* p, size_t n, Column* column) {
  const MySqlColumnPlan& plan = plans_[index];
  switch (plan.kind) {
    case MySqlDecodeKind::kText:
    case MySqlDecodeKind::kBinary:
      column->AppendBytes(p, n);
      return Status::OK();
    case MySqlDecodeKind::kDecimal: {
      int128_t v = 0;
      const char* why = nullptr;
      if (!ParseDecimal(p, n, plan.column.type.scale, &v, &why)) return Bad(index, std::string_view(p, n), why);
      if (plan.column.type.precision <= 18) {
        column->Append<int64_t>(static_cast<int64_t>(v));
      } else {
        column->Append<int128_t>(v);
      }
      return Status::OK();
    }
    case MySqlDecodeKind::kBitInt64: {
      if (n > 8) return Bad(index, std::string_view(p, n), "BIT(1..63)");
      uint64_t v = 0;
      for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
      column->Append<int64_t>(static_cast<int64_t>(v));
      return Status::OK();
    }
    default:
      return Status::Internal("bytes for a MySQL plan that does not read bytes");
  }
}

}  // namespace snaplake::mysql
