#include "format/value_json.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

namespace snaplake {

namespace {

// --- integers ----------------------------------------------------------------

template <typename T>
void AppendInteger(T v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

// Writes the decimal digits of `mag` ending at `end`; returns where they start.
char* WriteDigitsBackwards(unsigned __int128 mag, char* end) {
  constexpr uint64_t kChunk = 10'000'000'000'000'000'000ULL;  // 10^19 fits uint64
  char* p = end;
  // Peel 19-digit chunks so that most divisions are 64-bit, not libgcc's 128-bit.
  while (mag >= kChunk) {
    uint64_t chunk = static_cast<uint64_t>(mag % kChunk);
    mag /= kChunk;
    for (int i = 0; i < 19; ++i) {
      *--p = static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
  }
  uint64_t top = static_cast<uint64_t>(mag);
  do {
    *--p = static_cast<char>('0' + top % 10);
    top /= 10;
  } while (top != 0);
  return p;
}

// Appends unscaled * 10^-scale with exactly `scale` fraction digits.
void AppendDecimal(bool negative, unsigned __int128 magnitude, int scale, std::string* out) {
  char buf[48];
  char* end = buf + sizeof(buf);
  char* begin = WriteDigitsBackwards(magnitude, end);
  const int ndigits = static_cast<int>(end - begin);
  if (negative) out->push_back('-');
  if (scale <= 0) {
    out->append(begin, end);
    return;
  }
  if (ndigits <= scale) {
    out->append("0.", 2);
    out->append(static_cast<size_t>(scale - ndigits), '0');
    out->append(begin, end);
    return;
  }
  out->append(begin, end - scale);
  out->push_back('.');
  out->append(end - scale, end);
}

// --- floating point ----------------------------------------------------------

template <typename T>
void AppendFloating(T v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);  // shortest round trip
    out->append(buf, r.ptr);
  }
}

// --- strings -----------------------------------------------------------------

// Length of the well-formed UTF-8 sequence starting at s[0] (which is >= 0x80),
// or 0 when ill-formed; *consumed then says how many bytes form the maximal
// ill-formed subpart (at least 1) that one U+FFFD replaces.
size_t Utf8SequenceLength(const unsigned char* s, size_t n, size_t* consumed) {
  const unsigned char lead = s[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    if (lead == 0xE0) lo = 0xA0;        // no overlong forms
    if (lead == 0xED) hi = 0x9F;        // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    if (lead == 0xF0) lo = 0x90;        // no overlong forms
    if (lead == 0xF4) hi = 0x8F;        // nothing past U+10FFFF
  } else {
    *consumed = 1;
    return 0;
  }
  size_t i = 1;
  for (; i <= need; ++i) {
    if (i >= n) break;
    const unsigned char c = s[i];
    const unsigned char min = i == 1 ? lo : 0x80;
    const unsigned char max = i == 1 ? hi : 0xBF;
    if (c < min || c > max) break;
  }
  if (i == need + 1) return need + 1;
  *consumed = i;
  return 0;
}

constexpr char kHex[] = "0123456789abcdef";

void AppendEscapedBody(std::string_view text, std::string* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t bad = 0;
      size_t len = Utf8SequenceLength(s + i, n - i, &bad);
      if (len > 0) {
        i += len;  // valid: stays in the run
        continue;
      }
      out->append(text.data() + run, i - run);
      out->append("\xEF\xBF\xBD");  // U+FFFD
      i += bad;
      run = i;
      continue;
    }
    out->append(text.data() + run, i - run);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(esc, 6);
      }
    }
    ++i;
    run = i;
  }
  out->append(text.data() + run, n - run);
}

// --- bytes -------------------------------------------------------------------

void AppendBase64(const uint8_t* p, size_t n, std::string* out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const size_t start = out->size();
  out->resize(start + 2 + (n + 2) / 3 * 4);
  char* w = out->data() + start;
  *w++ = '"';
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    *w++ = kAlphabet[v >> 18];
    *w++ = kAlphabet[(v >> 12) & 63];
    *w++ = kAlphabet[(v >> 6) & 63];
    *w++ = kAlphabet[v & 63];
  }
  if (i < n) {
    const bool two = i + 1 < n;
    const uint32_t v = (uint32_t{p[i]} << 16) | (two ? uint32_t{p[i + 1]} << 8 : 0);
    *w++ = kAlphabet[v >> 18];
    *w++ = kAlphabet[(v >> 12) & 63];
    *w++ = two ? kAlphabet[(v >> 6) & 63] : '=';
    *w++ = '=';
  }
  *w = '"';
}

void AppendUuid(const uint8_t* b, std::string* out) {
  char buf[38];
  char* w = buf;
  *w++ = '"';
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *w++ = '-';
    *w++ = kHex[b[i] >> 4];
    *w++ = kHex[b[i] & 15];
  }
  *w++ = '"';
  out->append(buf, w);
}

// --- time --------------------------------------------------------------------

// Floor division and its non-negative remainder, for values before 1970.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}
inline int64_t FloorMod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r < 0 ? r + b : r;
}

// Writes v as exactly `width` digits (v < 10^width) at w; returns the end.
inline char* WritePadded(uint64_t v, int width, char* w) {
  for (int i = width - 1; i >= 0; --i) {
    w[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return w + width;
}

// Writes "YYYY-MM-DD" (see the header for years outside 0000..9999); returns the end.
char* WriteIsoDate(int64_t days, char* w) {
  // Proleptic Gregorian civil-from-days: count from 0000-03-01 so that the
  // leap day ends each year, then split into 400-year eras of 146097 days.
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;                                      // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                    // March = 0
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);

  uint64_t abs_year = year < 0 ? static_cast<uint64_t>(-year) : static_cast<uint64_t>(year);
  if (year < 0) *w++ = '-';
  if (abs_year <= 9999) {
    w = WritePadded(abs_year, 4, w);
  } else {
    w = std::to_chars(w, w + 20, abs_year).ptr;
  }
  *w++ = '-';
  w = WritePadded(static_cast<uint64_t>(month), 2, w);
  *w++ = '-';
  return WritePadded(static_cast<uint64_t>(day), 2, w);
}

int64_t UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis: return 1000;
    case TimeUnit::kMicros: return 1000000;
    case TimeUnit::kNanos: return 1000000000;
  }
  return 1000000;
}

int FractionDigits(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis: return 3;
    case TimeUnit::kMicros: return 6;
    case TimeUnit::kNanos: return 9;
  }
  return 6;
}

// Writes "HH:MM:SS[.f]" for a non-negative time of day in `unit`; hours are not
// wrapped, so 24:00:00 (which TIME allows) shows as such. Returns the end.
char* WriteTimeOfDay(uint64_t v, TimeUnit unit, char* w) {
  const uint64_t ups = static_cast<uint64_t>(UnitsPerSecond(unit));
  const uint64_t fraction = v % ups;
  const uint64_t seconds = v / ups;
  const uint64_t hours = seconds / 3600;
  if (hours < 100) {
    w = WritePadded(hours, 2, w);
  } else {
    w = std::to_chars(w, w + 20, hours).ptr;
  }
  *w++ = ':';
  w = WritePadded(seconds / 60 % 60, 2, w);
  *w++ = ':';
  w = WritePadded(seconds % 60, 2, w);
  if (fraction != 0) {
    *w++ = '.';
    char* digits = w;
    w = WritePadded(fraction, FractionDigits(unit), w);
    while (w > digits && w[-1] == '0') --w;  // DuckDB trims trailing zeros
  }
  return w;
}

void AppendTime(int64_t v, const Type& type, std::string* out) {
  char buf[48];
  char* w = buf;
  *w++ = '"';
  uint64_t magnitude = static_cast<uint64_t>(v);
  if (v < 0) {  // not a valid time of day; shown rather than hidden
    *w++ = '-';
    magnitude = 0 - magnitude;
  }
  w = WriteTimeOfDay(magnitude, type.unit, w);
  if (type.utc) *w++ = 'Z';
  *w++ = '"';
  out->append(buf, w);
}

void AppendTimestamp(int64_t v, const Type& type, std::string* out) {
  const int64_t units_per_day = UnitsPerSecond(type.unit) * 86400;
  char buf[64];
  char* w = buf;
  *w++ = '"';
  w = WriteIsoDate(FloorDiv(v, units_per_day), w);
  *w++ = 'T';
  w = WriteTimeOfDay(static_cast<uint64_t>(FloorMod(v, units_per_day)), type.unit, w);
  if (type.utc) *w++ = 'Z';
  *w++ = '"';
  out->append(buf, w);
}

void AppendInterval(const uint8_t* p, std::string* out) {
  uint32_t parts[3];
  std::memcpy(parts, p, 12);  // little-endian host, as Column stores them
  out->append("{\"months\":");
  AppendInteger(parts[0], out);
  out->append(",\"days\":");
  AppendInteger(parts[1], out);
  out->append(",\"millis\":");
  AppendInteger(parts[2], out);
  out->push_back('}');
}

// --- nesting -----------------------------------------------------------------

void AppendList(const Column& column, int64_t row, std::string* out) {
  const Column& element = column.child(0);
  out->push_back('[');
  for (int64_t i = column.ListBegin(row); i < column.ListEnd(row); ++i) {
    if (i != column.ListBegin(row)) out->push_back(',');
    AppendJsonValue(element, i, out);
  }
  out->push_back(']');
}

void AppendMap(const Column& column, int64_t row, std::string* out) {
  const Column& keys = column.child(0);
  const Column& values = column.child(1);
  const TypeId key_type = keys.type().id;
  const bool as_object = key_type == TypeId::kString || key_type == TypeId::kEnum;
  out->push_back(as_object ? '{' : '[');
  for (int64_t i = column.ListBegin(row); i < column.ListEnd(row); ++i) {
    if (i != column.ListBegin(row)) out->push_back(',');
    if (as_object) {
      // Keys are never NULL; a NULL slot's empty string is what we would show.
      AppendJsonString(keys.StringValue(i), out);
      out->push_back(':');
      AppendJsonValue(values, i, out);
    } else {
      out->append("{\"key\":");
      AppendJsonValue(keys, i, out);
      out->append(",\"value\":");
      AppendJsonValue(values, i, out);
      out->push_back('}');
    }
  }
  out->push_back(as_object ? '}' : ']');
}

void AppendStruct(const Column& column, int64_t row, std::string* out) {
  const std::vector<Field>& members = column.type().children;
  out->push_back('{');
  for (size_t m = 0; m < members.size(); ++m) {
    if (m != 0) out->push_back(',');
    AppendJsonString(members[m].name, out);
    out->push_back(':');
    AppendJsonValue(column.child(m), row, out);
  }
  out->push_back('}');
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  AppendEscapedBody(text, out);
  out->push_back('"');
}

void AppendIsoDate(int64_t days, std::string* out) {
  char buf[32];
  out->append(buf, WriteIsoDate(days, buf));
}

void AppendJsonValue(const Column& column, int64_t row, std::string* out) {
  if (column.IsNull(row)) {
    out->append("null");
    return;
  }
  const Type& type = column.type();
  switch (type.id) {
    case TypeId::kBoolean:
      out->append(column.Value<uint8_t>(row) ? "true" : "false");
      return;
    case TypeId::kInt8: AppendInteger(column.Value<int32_t>(row), out); return;
    case TypeId::kInt16: AppendInteger(column.Value<int32_t>(row), out); return;
    case TypeId::kInt32: AppendInteger(column.Value<int32_t>(row), out); return;
    case TypeId::kInt64: AppendInteger(column.Value<int64_t>(row), out); return;
    case TypeId::kUInt8: AppendInteger(column.Value<uint32_t>(row), out); return;
    case TypeId::kUInt16: AppendInteger(column.Value<uint32_t>(row), out); return;
    case TypeId::kUInt32: AppendInteger(column.Value<uint32_t>(row), out); return;
    case TypeId::kUInt64: AppendInteger(column.Value<uint64_t>(row), out); return;
    case TypeId::kFloat: AppendFloating(column.Value<float>(row), out); return;
    case TypeId::kDouble: AppendFloating(column.Value<double>(row), out); return;
    case TypeId::kDecimal: {
      __int128 v = type.precision <= 18 ? __int128{column.Value<int64_t>(row)} : column.Value<__int128>(row);
      unsigned __int128 magnitude = static_cast<unsigned __int128>(v);
      if (v < 0) magnitude = 0 - magnitude;  // also right for the most negative value
      out->push_back('"');
      AppendDecimal(v < 0, magnitude, type.scale, out);
      out->push_back('"');
      return;
    }
    case TypeId::kString:
    case TypeId::kJson:
    case TypeId::kEnum:
      AppendJsonString(column.StringValue(row), out);
      return;
    case TypeId::kBinary: {
      std::string_view bytes = column.StringValue(row);
      AppendBase64(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), out);
      return;
    }
    case TypeId::kFixedBinary:
      AppendBase64(column.FixedValue(row), static_cast<size_t>(type.byte_width), out);
      return;
    case TypeId::kUuid: AppendUuid(column.FixedValue(row), out); return;
    case TypeId::kDate: {
      char buf[32];
      char* w = buf;
      *w++ = '"';
      w = WriteIsoDate(column.Value<int32_t>(row), w);
      *w++ = '"';
      out->append(buf, w);
      return;
    }
    case TypeId::kTime: AppendTime(column.Value<int64_t>(row), type, out); return;
    case TypeId::kTimestamp: AppendTimestamp(column.Value<int64_t>(row), type, out); return;
    case TypeId::kInterval: AppendInterval(column.FixedValue(row), out); return;
    case TypeId::kList: AppendList(column, row, out); return;
    case TypeId::kMap: AppendMap(column, row, out); return;
    case TypeId::kStruct: AppendStruct(column, row, out); return;
  }
  out->append("null");  // unreachable for a valid TypeId
}

void AppendJsonRow(const ColumnBatch& batch, int64_t row, std::string* out) {
  const std::vector<Field>& fields = batch.schema().fields;
  out->push_back('{');
  for (int c = 0; c < batch.num_columns(); ++c) {
    if (c != 0) out->push_back(',');
    AppendJsonString(fields[c].name, out);
    out->push_back(':');
    AppendJsonValue(batch.column(c), row, out);
  }
  out->push_back('}');
}

}  // namespace snaplake
