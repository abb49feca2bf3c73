// MySqlBinaryRowDecoder: rows of the MySQL binary protocol (the result of a
// server-side prepared statement) -> ColumnBatch, one column per plan
// (mysql_type_mapping.h).
//
// libmariadb hands each value of a fetched row to a result callback
// (STMT_ATTR_CB_RESULT) as a pointer into its network buffer; Callback()
// reads the value there and appends it, so nothing is copied twice and no
// value, however long, needs a bind buffer. Bind() first checks that every
// result column arrives in a wire form its plan can read (an INT as 4 bytes, a
// DECIMAL as its digits, a DATE as packed fields, ...) and fails before any
// row otherwise.
//
// Values: integers and floats are copied; DECIMAL digits are parsed exactly;
// packed dates and times are converted (or, for STRING plans such as DATE and
// TIME under --types rds, printed as the server prints them in the text
// protocol); strings (UTF-8, converted by the server) and bytes are copied.
// Zero and invalid dates become NULL and are counted per column
// (invalid_dates()). A value that does not fit its plan is Corruption naming
// the column; a TINYINT(1) holding neither 0 nor 1 is NotImplemented with
// advice (--tinyint1-as-int). The callback cannot return an error and must not
// throw (it runs inside libmariadb's C code): the first error of a row, an
// allocation failure included, is kept and FinishRow() returns it; the batch
// then holds part of that row: discard it. FinishRow() also fails unless the
// row brought exactly one callback per column, so a library that skipped the
// callback can never turn into rows silently missing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/column_batch.h"
#include "source/mysql/mysql_connection.h"
#include "source/mysql/mysql_type_mapping.h"

namespace snaplake::mysql {

class MySqlBinaryRowDecoder {
 public:
  explicit MySqlBinaryRowDecoder(std::vector<MySqlColumnPlan> plans);

  Schema schema() const;
  const std::vector<MySqlColumnPlan>& plans() const { return plans_; }

  // Matches the statement's result columns to the plans.
  Status Bind(const std::vector<MySqlResultField>& fields);

  // Row protocol: StartRow, then one Callback per column (in order), then FinishRow.
  void StartRow(ColumnBatch* batch) {
    batch_ = batch;
    row_bytes_ = 4;  // the packet header
    values_seen_ = 0;
  }
  // libmariadb's result callback (data = this decoder). *row points at the
  // value's binary encoding and is advanced past it; row == nullptr is NULL.
  static void Callback(void* decoder, unsigned int column, unsigned char** row) noexcept;
  // The first error of the row, if any; Internal when the row did not bring
  // one value per column.
  Status FinishRow() {
    if (failed_) return TakeError();
    if (values_seen_ != slots_.size()) return MissingValues();
    return Status::OK();
  }
  // Wire bytes of the last row (approximate: values, length prefixes and header).
  int64_t row_bytes() const { return row_bytes_; }

  // Per column: zero or invalid dates exported as NULL so far.
  const std::vector<int64_t>& invalid_dates() const { return invalid_dates_; }

  // How a value travels in the binary protocol.
  enum class Wire : uint8_t { kInt1, kInt2, kInt4, kInt8, kFloat, kDouble, kTemporal, kBytes, kNull };
  // The common wire -> plan pairs, appended without leaving OnValue.
  enum class Fast : uint8_t { kNone, kInt32FromInt1, kInt32FromUInt1, kInt32FromInt2, kInt32FromUInt2, kInt32FromInt4,
                              kInt64FromInt4, kInt64FromUInt4, kInt64FromInt8, kCopyBytes };

 private:
  struct Packed {  // DATE/DATETIME/TIMESTAMP/TIME fields as sent
    bool negative = false;
    uint32_t days = 0;  // TIME only
    uint32_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
  };
  struct Slot {
    Fast fast = Fast::kNone;
    Wire wire = Wire::kBytes;
    bool is_unsigned = false;
    bool is_time = false;   // TIME (days + hours), not a date
    uint8_t decimals = 0;
    int type = 0;           // enum_field_types
  };

  void OnValue(size_t index, unsigned char** row);
  void OnValueSlow(size_t index, unsigned char** row, Column* column);
  Status TakeError();
  Status MissingValues() const;
  void BadLength(size_t index);
  Status AppendInteger(size_t index, int128_t v, Column* column);
  Status AppendFloat(size_t index, double v, Column* column);
  Status AppendTemporal(size_t index, const Packed& t, Column* column);
  Status AppendBytes(size_t index, const char* p, size_t n, Column* column);
  Status Bad(size_t index, std::string_view value, const char* what) const;

  std::vector<MySqlColumnPlan> plans_;
  std::vector<Slot> slots_;
  std::vector<int64_t> invalid_dates_;
  ColumnBatch* batch_ = nullptr;
  int64_t row_bytes_ = 0;
  size_t values_seen_ = 0;  // callbacks since StartRow
  bool failed_ = false;
  Status error_;
};

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

}  // namespace snaplake::mysql
