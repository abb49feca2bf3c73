// Helpers for the Parquet reader tests: locating test data and the DuckDB
// oracle, reading a whole file, and rendering our values the way DuckDB's
// JSON output spells them, so that the two can be compared value by value.
//
// Rendering (DuckDB's conventions): INT8..INT32 and UINT8..UINT32 as numbers,
// INT64/UINT64 and decimals as strings ("1.00"), FLOAT/DOUBLE as numbers (NaN
// and infinities as "NaN", "Infinity", "-Infinity"), binary as DuckDB's blob
// text ("a\x00", quotes escaped, backslashes not), dates "YYYY-MM-DD", timestamps "YYYY-MM-DD HH:MM:SS[.ffffff]"
// (+ "+00" when UTC; nanoseconds cut to microseconds, as DuckDB reads INT96),
// maps as [{"key": k, "value": v}], lists as arrays, structs as objects.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "format/column_batch.h"
#include "format/parquet/parquet_reader.h"
#include "storage/local_file_system.h"

namespace snaplake::parquet::testing {

using nlohmann::json;

// $SNAPLAKE_TESTDATA, else <source dir>/../shared/testdata; "" when absent.
inline std::string TestDataRoot() {
  const char* env = std::getenv("SNAPLAKE_TESTDATA");
  std::string dir = env && *env ? env : std::string(SNAPLAKE_SOURCE_DIR) + "/../shared/testdata";
  return std::filesystem::is_directory(dir) ? dir : std::string();
}

inline std::string MissingTestDataMessage() {
  std::string msg = "\n*** SKIPPED: Parquet test data not found (set SNAPLAKE_TESTDATA; default ";
  msg.append(SNAPLAKE_SOURCE_DIR).append("/../shared/testdata) ***\n");
  std::fputs(msg.c_str(), stderr);
  return msg;
}

// The oracle script, or "" (with *why set) when it cannot run.
inline std::string OracleScript(std::string* why) {
  const char* env = std::getenv("SNAPLAKE_ORACLE");
  std::string path =
      env && *env ? env : std::string(SNAPLAKE_SOURCE_DIR) + "/../shared/tools/parquet-oracles/oracle";
  if (!std::filesystem::exists(path)) {
    *why = "oracle script not found at " + path + " (set SNAPLAKE_ORACLE)";
    return "";
  }
  if (std::system("command -v node >/dev/null 2>&1") != 0) {
    *why = "node is not installed (the DuckDB oracle needs it)";
    return "";
  }
  return path;
}

inline std::string ShellQuoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out.append("'\\''");
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

// Runs a command and returns its stdout; *exit_code gets its status.
inline std::string RunAndCapture(const std::string& command, int* exit_code) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) {
    *exit_code = -1;
    return out;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return out;
}

inline Result<std::unique_ptr<ParquetReader>> OpenFile(const std::string& path, ReaderOptions options = {}) {
  LocalFileSystem fs(false);
  auto file = fs.OpenRead(path);
  if (!file.ok()) return file.status();
  std::shared_ptr<RandomAccessFile> shared(std::move(file).value());
  return ParquetReader::Open(shared, std::move(options));
}

// "" when the Column keeps column_batch.h's layout contract, else what breaks it.
inline std::string ColumnContractViolation(const Column& c) {
  const int64_t n = c.length();
  if (n < 0 || c.null_count() < 0 || c.null_count() > n) return "length or null count";
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) nulls += c.IsNull(i);
  if (nulls != c.null_count()) return "null count differs from validity";
  const int width = c.type().value_width();
  if (width > 0 && c.values().size() != static_cast<size_t>(n) * width) return "values size";
  const TypeId id = c.type().id;
  if (c.type().is_variable_width() || id == TypeId::kList || id == TypeId::kMap) {
    const auto& off = c.offsets();
    if (off.size() != static_cast<size_t>(n) + 1 || off[0] != 0) return "offsets size";
    for (int64_t i = 0; i < n; ++i) {
      if (off[i + 1] < off[i]) return "offsets decrease";
      if (c.IsNull(i) && off[i + 1] != off[i]) return "a NULL slot is not empty";
    }
    if (c.type().is_variable_width() && off[n] != static_cast<int64_t>(c.data().size())) return "data size";
    for (size_t k = 0; k < c.num_children(); ++k) {
      if (c.child(k).length() != off[n]) return "child length differs from offsets";
      std::string why = ColumnContractViolation(c.child(k));
      if (!why.empty()) return why;
    }
  }
  if (id == TypeId::kStruct) {
    for (size_t k = 0; k < c.num_children(); ++k) {
      if (c.child(k).length() != n) return "struct member length";
      for (int64_t i = 0; i < n; ++i) {
        if (c.IsNull(i) && c.child(k).IsValid(i)) return "a NULL struct has a non-NULL member";
      }
      std::string why = ColumnContractViolation(c.child(k));
      if (!why.empty()) return why;
    }
  }
  if (width > 0) {
    // NULL slots of fixed-width values are zero.
    for (int64_t i = 0; i < n; ++i) {
      if (!c.IsNull(i)) continue;
      for (int b = 0; b < width; ++b) {
        if (c.values().data()[i * width + b] != 0) return "a NULL value is not zeroed";
      }
    }
  }
  return "";
}

// Reads every batch, checking each against the Column contract and calling
// `on_batch` for it; returns the rows read.
inline Result<int64_t> ReadAll(ParquetReader* reader, const std::function<void(const ColumnBatch&)>& on_batch = {}) {
  ColumnBatch batch;
  int64_t rows = 0;
  while (true) {
    auto more = reader->Next(&batch);
    if (!more.ok()) return more.status();
    if (!*more) break;
    std::string why;
    if (!batch.Validate(&why)) return Status::Internal("batch does not validate: " + why);
    for (int c = 0; c < batch.num_columns(); ++c) {
      why = ColumnContractViolation(batch.column(c));
      if (!why.empty()) return Status::Internal("column " + batch.schema().fields[c].name + " breaks the contract: " + why);
    }
    rows += batch.num_rows();
    if (on_batch) on_batch(batch);
  }
  return rows;
}

// --- rendering ----------------------------------------------------------------

inline void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  // Howard Hinnant's days_from_civil inverse (public domain algorithm).
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

inline std::string DateText(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

// "HH:MM:SS[.ffffff]" for microseconds of a day.
inline std::string TimeOfDayText(int64_t micros) {
  char buf[64];
  const int64_t secs = micros / 1000000;
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string s = buf;
  int64_t frac = micros % 1000000;
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  return s;
}

inline int64_t ToMicros(int64_t v, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis: return v * 1000;
    case TimeUnit::kMicros: return v;
    case TimeUnit::kNanos: return v >= 0 ? v / 1000 : -((-v + 999) / 1000);
  }
  return v;
}

inline std::string BlobText(std::string_view bytes) {
  std::string s;
  char buf[8];
  for (unsigned char c : bytes) {
    if (c >= 32 && c <= 126 && c != '\'' && c != '"') {
      s.push_back(static_cast<char>(c));
    } else {
      std::snprintf(buf, sizeof(buf), "\\x%02X", c);
      s += buf;
    }
  }
  return s;
}

inline std::string Int128Text(int128_t v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (neg) s.push_back('-');
  return std::string(s.rbegin(), s.rend());
}

inline std::string DecimalText(int128_t unscaled, int scale) {
  std::string digits = Int128Text(unscaled);
  if (unscaled < 0) digits.erase(0, 1);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
    digits.insert(digits.size() - scale, ".");
  }
  return unscaled < 0 ? "-" + digits : digits;
}

inline json FloatJson(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

inline json RenderValue(const Column& c, int64_t i) {
  if (c.IsNull(i)) return nullptr;
  const Type& t = c.type();
  switch (t.id) {
    case TypeId::kBoolean: return c.Value<uint8_t>(i) != 0;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32: return c.Value<int32_t>(i);
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32: return c.Value<uint32_t>(i);
    case TypeId::kInt64: return std::to_string(c.Value<int64_t>(i));
    case TypeId::kUInt64: return std::to_string(c.Value<uint64_t>(i));
    case TypeId::kFloat: return FloatJson(c.Value<float>(i));
    case TypeId::kDouble: return FloatJson(c.Value<double>(i));
    case TypeId::kDecimal:
      if (t.precision <= 18) return DecimalText(c.Value<int64_t>(i), t.scale);
      return DecimalText(c.Value<int128_t>(i), t.scale);
    case TypeId::kString:
    case TypeId::kJson:
    case TypeId::kEnum: return std::string(c.StringValue(i));
    case TypeId::kBinary: return BlobText(c.StringValue(i));
    case TypeId::kFixedBinary:
    case TypeId::kInterval:
      return BlobText(std::string_view(reinterpret_cast<const char*>(c.FixedValue(i)), t.byte_width));
    case TypeId::kUuid: {
      const uint8_t* p = c.FixedValue(i);
      std::string s;
      char buf[4];
      for (int k = 0; k < 16; ++k) {
        if (k == 4 || k == 6 || k == 8 || k == 10) s.push_back('-');
        std::snprintf(buf, sizeof(buf), "%02x", p[k]);
        s += buf;
      }
      return s;
    }
    case TypeId::kDate: return DateText(c.Value<int32_t>(i));
    case TypeId::kTime: {
      const int64_t v = t.unit == TimeUnit::kMillis ? c.Value<int32_t>(i) : c.Value<int64_t>(i);
      return TimeOfDayText(ToMicros(v, t.unit)) + (t.utc ? "+00" : "");
    }
    case TypeId::kTimestamp: {
      const int64_t micros = ToMicros(c.Value<int64_t>(i), t.unit);
      int64_t days = micros / 86400000000LL;
      int64_t rem = micros % 86400000000LL;
      if (rem < 0) {
        rem += 86400000000LL;
        --days;
      }
      return DateText(days) + " " + TimeOfDayText(rem) + (t.utc ? "+00" : "");
    }
    case TypeId::kList: {
      json arr = json::array();
      for (int64_t k = c.ListBegin(i); k < c.ListEnd(i); ++k) arr.push_back(RenderValue(c.child(0), k));
      return arr;
    }
    case TypeId::kMap: {
      json arr = json::array();
      for (int64_t k = c.ListBegin(i); k < c.ListEnd(i); ++k) {
        arr.push_back(json{{"key", RenderValue(c.child(0), k)}, {"value", RenderValue(c.child(1), k)}});
      }
      return arr;
    }
    case TypeId::kStruct: {
      json obj = json::object();
      for (size_t k = 0; k < c.num_children(); ++k) obj[t.children[k].name] = RenderValue(c.child(k), i);
      return obj;
    }
  }
  return "?";
}

inline json RenderRow(const ColumnBatch& batch, int64_t row) {
  json obj = json::object();
  for (int c = 0; c < batch.num_columns(); ++c) obj[batch.schema().fields[c].name] = RenderValue(batch.column(c), row);
  return obj;
}

// --- comparison ---------------------------------------------------------------

inline bool ParseDouble(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// Equal under the conventions above; on a difference *where names the path.
inline bool JsonMatch(const json& ours, const json& duck, const std::string& path, std::string* where) {
  auto fail = [&] {
    *where = path + ": ours " + ours.dump() + " vs DuckDB " + duck.dump();
    return false;
  };
  if (ours.is_null() || duck.is_null()) return ours.is_null() && duck.is_null() ? true : fail();
  if (ours.is_number() && duck.is_number()) return ours.get<double>() == duck.get<double>() ? true : fail();
  if (ours.is_number() && duck.is_string()) {
    double d;
    return ParseDouble(duck.get<std::string>(), &d) && d == ours.get<double>() ? true : fail();
  }
  if (ours.is_string() && duck.is_number()) {
    double d;
    return ParseDouble(ours.get<std::string>(), &d) && d == duck.get<double>() ? true : fail();
  }
  if (ours.is_string() && duck.is_string()) return ours == duck ? true : fail();
  if (ours.is_boolean() && duck.is_boolean()) return ours == duck ? true : fail();
  if (ours.is_array() && duck.is_array()) {
    if (ours.size() != duck.size()) return fail();
    for (size_t k = 0; k < ours.size(); ++k) {
      if (!JsonMatch(ours[k], duck[k], path + "[" + std::to_string(k) + "]", where)) return false;
    }
    return true;
  }
  if (ours.is_object() && duck.is_object()) {
    if (ours.size() != duck.size()) return fail();
    for (auto it = ours.begin(); it != ours.end(); ++it) {
      if (!duck.contains(it.key())) return fail();
      if (!JsonMatch(it.value(), duck[it.key()], path + "." + it.key(), where)) return false;
    }
    return true;
  }
  return fail();
}

}  // namespace snaplake::parquet::testing
