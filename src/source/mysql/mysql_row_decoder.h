// MySqlRowDecoder: rows of the MySQL text protocol (as mysql_fetch_row gives
// them: one pointer and length per field, NULL = nullptr) -> ColumnBatch, one
// column per plan (mysql_type_mapping.h).
//
// Values are parsed in place and appended with no per-value allocation.
// Zero and invalid dates become NULL and are counted per column
// (invalid_dates()); anything else that does not parse as its planned type is
// Corruption naming the column and the value; a TINYINT(1) holding neither 0
// nor 1 is NotImplemented with advice (--tinyint1-as-int). After an error
// the batch may hold part of the failed row: discard it.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "format/column_batch.h"
#include "source/mysql/mysql_type_mapping.h"

namespace snaplake::mysql {

class MySqlRowDecoder {
 public:
  explicit MySqlRowDecoder(std::vector<MySqlColumnPlan> plans);

  Schema schema() const;
  const std::vector<MySqlColumnPlan>& plans() const { return plans_; }

  // Appends one row to *batch (which has schema()'s columns).
  Status AppendRow(char* const* fields, const unsigned long* lengths, ColumnBatch* batch);

  // Per column: zero or invalid dates exported as NULL so far.
  const std::vector<int64_t>& invalid_dates() const { return invalid_dates_; }

 private:
  Status AppendValue(size_t index, const char* p, size_t n, Column* column);

  std::vector<MySqlColumnPlan> plans_;
  std::vector<int64_t> invalid_dates_;
};

// Exposed for tests. Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
// "YYYY-MM-DD[ hh:mm:ss[.ffffff]]": false if malformed; *valid false for a
// zero or impossible date (month 0, day 31 in April, ...).
bool ParseMySqlDateTime(const char* p, size_t n, bool with_time, int64_t* micros_or_days, bool* valid);

}  // namespace snaplake::mysql
