#include "testing/row_compare.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "format/value_json.h"
#include "testing/test_env.h"

namespace snaplake {

namespace {

using nlohmann::json;

// --- numbers -------------------------------------------------------------------

// Normalises the text of a decimal number: no '+', no leading zeros, no
// trailing fraction zeros, "-0" -> "0". nullopt unless `s` is [+-]digits[.digits].
std::optional<std::string> CanonicalDecimalText(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const size_t dot = s.find('.');
  std::string_view int_part = s.substr(0, dot);
  std::string_view frac_part = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (int_part.empty() && frac_part.empty()) return std::nullopt;
  for (std::string_view part : {int_part, frac_part}) {
    for (char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
    }
  }
  if (dot != std::string_view::npos && frac_part.empty() && int_part.empty()) return std::nullopt;
  while (!int_part.empty() && int_part[0] == '0') int_part.remove_prefix(1);
  while (!frac_part.empty() && frac_part.back() == '0') frac_part.remove_suffix(1);
  std::string out;
  if (negative && !(int_part.empty() && frac_part.empty())) out.push_back('-');
  if (int_part.empty()) {
    out.push_back('0');
  } else {
    out.append(int_part);
  }
  if (!frac_part.empty()) out.append(".").append(frac_part);
  return out;
}

// The exact decimal a JSON number or numeric string stands for.
std::optional<std::string> CanonicalNumber(const json& v) {
  if (v.is_number_integer()) {
    return v.is_number_unsigned() ? std::to_string(v.get<uint64_t>()) : std::to_string(v.get<int64_t>());
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d)) return std::nullopt;
    char buf[512];
    auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
    if (r.ec != std::errc()) return std::nullopt;
    return CanonicalDecimalText(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
  }
  if (v.is_string()) return CanonicalDecimalText(v.get_ref<const std::string&>());
  return std::nullopt;
}

bool NumbersEqual(const json& ours, const json& theirs) {
  if (ours.is_number_integer() && theirs.is_number_integer()) {
    return CanonicalNumber(ours) == CanonicalNumber(theirs);
  }
  const double a = ours.get<double>();
  const double b = theirs.get<double>();
  if (a == b) return true;
  // FLOAT: DuckDB prints the float widened to double, we print the shortest float.
  const float bf = static_cast<float>(b);
  return static_cast<double>(bf) == b && static_cast<float>(a) == bf;
}

// --- dates and times -----------------------------------------------------------

struct Temporal {
  bool has_date = false;
  bool has_time = false;
  bool has_offset = false;
  int64_t days = 0;      // since 1970-01-01
  int64_t seconds = 0;   // of the day
  std::string fraction;  // fraction digits without trailing zeros
  bool operator==(const Temporal&) const = default;
};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && (a < 0) ? 1 : 0); }

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

class TemporalParser {
 public:
  explicit TemporalParser(std::string_view s) : s_(s) {}

  std::optional<Temporal> Parse() {
    Temporal t;
    if (LooksLikeTime()) {
      if (!ParseTime(&t)) return std::nullopt;
    } else {
      if (!ParseDate(&t)) return std::nullopt;
      bool bc = Consume(" (BC)");
      if (Consume(" ") || Consume("T")) {
        if (!ParseTime(&t)) return std::nullopt;
      }
      if (!bc) bc = Consume(" (BC)");
      if (bc) {
        if (year_ <= 0) return std::nullopt;
        year_ = 1 - year_;  // DuckDB counts 1 BC, 2 BC, ...; ISO has 0, -1, ...
      }
      t.days = DaysFromCivil(year_, month_, day_);
    }
    if (!ParseOffset(&t)) return std::nullopt;
    if (pos_ != s_.size()) return std::nullopt;
    if (t.has_offset) ApplyOffset(&t);
    return t;
  }

 private:
  bool LooksLikeTime() const { return s_.size() >= 3 && IsDigit(0) && IsDigit(1) && s_[2] == ':'; }
  bool IsDigit(size_t i) const { return i < s_.size() && s_[i] >= '0' && s_[i] <= '9'; }
  bool Consume(std::string_view token) {
    if (s_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  // Reads between min and max digits.
  bool Digits(size_t min, size_t max, int64_t* value, std::string* text = nullptr) {
    size_t n = 0;
    int64_t v = 0;
    while (n < max && IsDigit(pos_)) {
      v = v * 10 + (s_[pos_] - '0');
      if (text != nullptr) text->push_back(s_[pos_]);
      ++pos_;
      ++n;
    }
    *value = v;
    return n >= min;
  }

  bool ParseDate(Temporal* t) {
    const bool negative = Consume("-");
    if (!Digits(4, 9, &year_) || !Consume("-") || !Digits(2, 2, &month_) || !Consume("-") ||
        !Digits(2, 2, &day_)) {
      return false;
    }
    if (month_ < 1 || month_ > 12 || day_ < 1 || day_ > 31) return false;
    if (negative) year_ = -year_;
    t->has_date = true;
    return true;
  }

  bool ParseTime(Temporal* t) {
    int64_t h, m, s;
    if (!Digits(2, 2, &h) || !Consume(":") || !Digits(2, 2, &m) || !Consume(":") || !Digits(2, 2, &s)) {
      return false;
    }
    if (Consume(".")) {
      int64_t ignored;
      if (!Digits(1, 12, &ignored, &t->fraction)) return false;
      while (!t->fraction.empty() && t->fraction.back() == '0') t->fraction.pop_back();
    }
    t->has_time = true;
    t->seconds = h * 3600 + m * 60 + s;
    return true;
  }

  bool ParseOffset(Temporal* t) {
    if (Consume("Z")) {
      t->has_offset = true;
      return true;
    }
    if (pos_ >= s_.size() || !t->has_time || (s_[pos_] != '+' && s_[pos_] != '-')) return true;
    const int64_t sign = s_[pos_] == '-' ? -1 : 1;
    ++pos_;
    int64_t h = 0, m = 0, sec = 0;
    if (!Digits(2, 2, &h)) return false;
    Consume(":");
    if (IsDigit(pos_) && !Digits(2, 2, &m)) return false;
    Consume(":");
    if (IsDigit(pos_) && !Digits(2, 2, &sec)) return false;
    t->has_offset = true;
    offset_seconds_ = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  void ApplyOffset(Temporal* t) const {
    const int64_t total = t->days * 86400 + t->seconds - offset_seconds_;
    if (t->has_date) t->days = FloorDiv(total, 86400);
    t->seconds = total - FloorDiv(total, 86400) * 86400;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int64_t year_ = 0, month_ = 0, day_ = 0;
  int64_t offset_seconds_ = 0;
};

bool TemporalsEqual(const std::string& ours, const std::string& theirs) {
  std::optional<Temporal> a = TemporalParser(ours).Parse();
  if (!a) return false;
  std::optional<Temporal> b = TemporalParser(theirs).Parse();
  return b && *a == *b;
}

// --- binary --------------------------------------------------------------------

std::optional<std::string> DecodeBase64(std::string_view s) {
  if (s.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); i += 4) {
    const bool last = i + 4 == s.size();
    const int pad = last ? (s[i + 3] == '=' ? (s[i + 2] == '=' ? 2 : 1) : 0) : 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      int d = k >= 4 - pad ? 0 : value(s[i + k]);
      if (d < 0) return std::nullopt;
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out.push_back(static_cast<char>(v >> 16));
    if (pad < 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(v & 0xFF));
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// DuckDB's BLOB text: "\xHH" is one byte, any other character stands for itself.
std::string UnescapeDuckDbBlob(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && HexValue(s[i + 2]) >= 0 &&
        HexValue(s[i + 3]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 2]) * 16 + HexValue(s[i + 3])));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// How the Node API shows a BLOB: printable ASCII but ' and " as is, the rest \xHH.
std::string EscapeLikeDuckDb(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\'') {
      out.push_back(ch);
    } else {
      out.append("\\x").push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

bool BinariesEqual(const std::string& ours_base64, const std::string& theirs) {
  std::optional<std::string> bytes = DecodeBase64(ours_base64);
  if (!bytes) return false;
  return *bytes == UnescapeDuckDbBlob(theirs) || EscapeLikeDuckDb(*bytes) == theirs;
}

// --- values --------------------------------------------------------------------

std::string Show(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 300) {
    s.resize(300);
    s.append("...");
  }
  return s;
}

bool StringsEqual(const std::string& ours, const std::string& theirs) {
  return ours == theirs || TemporalsEqual(ours, theirs) || BinariesEqual(ours, theirs);
}

bool IsOurInterval(const json& v) {
  return v.is_object() && v.size() == 3 && v.contains("months") && v.contains("days") && v.contains("millis");
}

// Appends to *where the path below the current value at which they differ.
bool Equal(const json& ours, const json& theirs, std::string* where);

bool IntervalsEqual(const json& ours, const json& theirs, std::string* where) {
  if (!theirs.is_object() || !theirs.contains("micros")) return false;
  for (const char* key : {"months", "days"}) {
    if (!theirs.contains(key) || !Equal(ours[key], theirs[key], where)) {
      where->insert(0, StrCat(".", key));
      return false;
    }
  }
  if (!ours["millis"].is_number_integer()) return false;
  const json micros = ours["millis"].get<int64_t>() * 1000;
  if (!Equal(micros, theirs["micros"], where)) {
    where->insert(0, ".millis");
    return false;
  }
  return true;
}

// Ours {"k": v} against DuckDB's [{"key": "k", "value": v}, ...].
bool MapsEqual(const json& ours, const json& theirs, std::string* where) {
  if (ours.size() != theirs.size()) {
    *where = StrCat(" (map sizes ", std::to_string(ours.size()), " vs ", std::to_string(theirs.size()), ")");
    return false;
  }
  for (size_t i = 0; i < theirs.size(); ++i) {
    const json& entry = theirs[i];
    if (!entry.is_object() || !entry.contains("key") || !entry.contains("value") || !entry["key"].is_string()) {
      *where = StrCat("[", std::to_string(i), "] (DuckDB entry is not {key: string, value})");
      return false;
    }
    const std::string& key = entry["key"].get_ref<const std::string&>();
    auto it = ours.find(key);
    if (it == ours.end()) {
      *where = StrCat("[\"", key, "\"] (key missing in ours)");
      return false;
    }
    if (!Equal(*it, entry["value"], where)) {
      where->insert(0, StrCat("[\"", key, "\"]"));
      return false;
    }
  }
  return true;
}

bool ObjectsEqual(const json& ours, const json& theirs, std::string* where) {
  for (auto it = ours.begin(); it != ours.end(); ++it) {
    if (!theirs.contains(it.key())) {
      *where = StrCat(".", it.key(), " (missing in DuckDB's)");
      return false;
    }
    if (!Equal(it.value(), theirs[it.key()], where)) {
      where->insert(0, StrCat(".", it.key()));
      return false;
    }
  }
  for (auto it = theirs.begin(); it != theirs.end(); ++it) {
    if (!ours.contains(it.key())) {
      *where = StrCat(".", it.key(), " (missing in ours)");
      return false;
    }
  }
  return true;
}

bool Equal(const json& ours, const json& theirs, std::string* where) {
  if (ours.is_null() || theirs.is_null()) return ours.is_null() && theirs.is_null();
  if (ours.is_boolean() || theirs.is_boolean()) return ours == theirs;
  if (ours.is_object()) {
    if (IsOurInterval(ours) && theirs.is_object() && theirs.contains("micros")) {
      return IntervalsEqual(ours, theirs, where);
    }
    if (theirs.is_array()) return MapsEqual(ours, theirs, where);
    return theirs.is_object() && ObjectsEqual(ours, theirs, where);
  }
  if (ours.is_array()) {
    if (!theirs.is_array()) return false;
    if (ours.size() != theirs.size()) {
      *where = StrCat(" (lengths ", std::to_string(ours.size()), " vs ", std::to_string(theirs.size()), ")");
      return false;
    }
    for (size_t i = 0; i < ours.size(); ++i) {
      if (!Equal(ours[i], theirs[i], where)) {
        where->insert(0, StrCat("[", std::to_string(i), "]"));
        return false;
      }
    }
    return true;
  }
  if (ours.is_number() && theirs.is_number()) return NumbersEqual(ours, theirs);
  if (ours.is_string() && theirs.is_string()) {
    return StringsEqual(ours.get_ref<const std::string&>(), theirs.get_ref<const std::string&>());
  }
  if ((ours.is_number() && theirs.is_string()) || (ours.is_string() && theirs.is_number())) {
    std::optional<std::string> a = CanonicalNumber(ours);
    return a.has_value() && a == CanonicalNumber(theirs);
  }
  return false;
}

const json& RowsOf(const json& duckdb_rows) {
  if (duckdb_rows.is_object() && duckdb_rows.contains("rows")) return duckdb_rows["rows"];
  return duckdb_rows;
}

// Compares ours (row objects, in their own key order given by `our_columns`) with DuckDB's.
::testing::AssertionResult CompareRows(const std::vector<json>& ours,
                                       const std::vector<std::vector<std::string>>& our_columns,
                                       const json& duckdb_rows, const RowCompareOptions& options) {
  const json& theirs = RowsOf(duckdb_rows);
  if (!theirs.is_array()) return ::testing::AssertionFailure() << "DuckDB's rows are not a JSON array";
  const size_t n = std::min(ours.size(), theirs.size());
  std::string count_problem;
  if (ours.size() < theirs.size() || (ours.size() > theirs.size() && !options.ours_may_have_more_rows)) {
    count_problem = StrCat("row counts differ: ours ", std::to_string(ours.size()), ", DuckDB ", std::to_string(theirs.size()));
  }
  for (size_t r = 0; r < n; ++r) {
    const json& theirs_row = theirs[r];
    if (!theirs_row.is_object()) return ::testing::AssertionFailure() << "DuckDB row " << r << " is not an object";
    for (const std::string& name : our_columns[r]) {
      if (!theirs_row.contains(name)) {
        return ::testing::AssertionFailure() << "row " << r << ": column '" << name << "' is missing in DuckDB's row "
                                             << Show(theirs_row);
      }
      std::string where;
      if (!Equal(ours[r][name], theirs_row[name], &where)) {
        auto failure = ::testing::AssertionFailure();
        failure << "row " << r << ", column '" << name << "'";
        if (!where.empty()) failure << " at " << where;
        failure << ": ours " << Show(ours[r][name]) << " vs DuckDB " << Show(theirs_row[name]);
        if (!count_problem.empty()) failure << "; also " << count_problem;
        return failure;
      }
    }
    for (auto it = theirs_row.begin(); it != theirs_row.end(); ++it) {
      if (!ours[r].contains(it.key())) {
        return ::testing::AssertionFailure() << "row " << r << ": DuckDB has column '" << it.key()
                                             << "' that ours lacks";
      }
    }
  }
  if (!count_problem.empty()) return ::testing::AssertionFailure() << count_problem << " (the first " << n << " match)";
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult JsonValuesMatch(const json& ours, const json& duckdb_value) {
  std::string where;
  if (Equal(ours, duckdb_value, &where)) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << "values differ";
  if (!where.empty()) failure << " at " << where;
  failure << ": ours " << Show(ours) << " vs DuckDB " << Show(duckdb_value);
  return failure;
}

::testing::AssertionResult RowsMatchDuckDb(const ColumnBatch& ours, const json& duckdb_rows,
                                           const RowCompareOptions& options) {
  std::vector<std::string> names;
  for (const Field& f : ours.schema().fields) names.push_back(f.name);
  std::vector<json> rows;
  std::string text;
  for (int64_t r = 0; r < ours.num_rows(); ++r) {
    json row = json::object();
    for (int c = 0; c < ours.num_columns(); ++c) {
      text.clear();
      AppendJsonValue(ours.column(c), r, &text);
      json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (value.is_discarded()) {
        return ::testing::AssertionFailure() << "row " << r << ", column '" << names[c]
                                             << "': AppendJsonValue produced invalid JSON: " << text;
      }
      row[names[c]] = std::move(value);
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::vector<std::string>> columns(rows.size(), names);
  return CompareRows(rows, columns, duckdb_rows, options);
}

::testing::AssertionResult JsonLinesMatchDuckDb(std::string_view json_lines, const json& duckdb_rows,
                                                const RowCompareOptions& options) {
  std::vector<json> rows;
  std::vector<std::vector<std::string>> columns;
  size_t line_no = 0;
  while (!json_lines.empty()) {
    const size_t eol = json_lines.find('\n');
    std::string_view line = json_lines.substr(0, eol);
    json_lines.remove_prefix(eol == std::string_view::npos ? json_lines.size() : eol + 1);
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    // ordered_json keeps the columns in printed order for "the first differing column".
    nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(line, nullptr, false);
    if (ordered.is_discarded() || !ordered.is_object()) {
      return ::testing::AssertionFailure() << "line " << line_no << " of ours is not a JSON object: "
                                           << std::string(line.substr(0, 300));
    }
    std::vector<std::string> names;
    for (auto it = ordered.begin(); it != ordered.end(); ++it) names.push_back(it.key());
    columns.push_back(std::move(names));
    rows.push_back(json::parse(line));
  }
  return CompareRows(rows, columns, duckdb_rows, options);
}

}  // namespace snaplake
