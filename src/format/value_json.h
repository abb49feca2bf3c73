// JSON rendering of Column values, for `snaplake parquet cat` / `delta cat` and
// for tests that compare our rows with another engine's.
//
// The output follows the way DuckDB shows values, with ISO-8601 for time:
//   NULL                 null (at any depth)
//   BOOLEAN              true / false
//   INT8..INT64, UINT*   JSON numbers with every digit (INT64_MIN, UINT64_MAX exact;
//                        consumers that read numbers as doubles lose precision, not us)
//   FLOAT, DOUBLE        shortest text that reads back to the same value (std::to_chars),
//                        e.g. 0.1, 1e+300, -0; NaN and infinities as the strings "NaN",
//                        "Infinity", "-Infinity" (JSON has no such numbers)
//   DECIMAL(p,s)         a JSON string with exactly s fraction digits: "-12.30", "0.05", "7"
//                        (s = 0: no point); exact for int64 and __int128 storage
//   STRING, ENUM, JSON   a JSON string; JSON text is NOT re-parsed, it is shown as a string.
//                        Escapes: \" \\ \b \f \n \r \t, other bytes < 0x20 as \u00XX; every
//                        other character is copied as UTF-8. Invalid UTF-8 is replaced by
//                        U+FFFD, one per maximal ill-formed subsequence (Unicode 3.9 / WHATWG).
//   BINARY, FIXED_BINARY base64 (RFC 4648, standard alphabet, '=' padding)
//   UUID                 "00112233-4455-6677-8899-aabbccddeeff" (lowercase)
//   DATE                 "YYYY-MM-DD", proleptic Gregorian, ISO-8601 astronomical years:
//                        year 0 is 1 BC, negative years get a '-' ("-0044-03-15" is DuckDB's
//                        "0045-03-15 (BC)"), years past 9999 get more digits ("5881580-07-11")
//   TIME                 "HH:MM:SS[.f]" where the fraction has trailing zeros trimmed and is
//                        left out when zero, as DuckDB does: "01:02:03", "01:02:03.5",
//                        "00:00:00.000000001" (NANOS); "Z" appended when utc (isAdjustedToUTC)
//   TIMESTAMP            "YYYY-MM-DDTHH:MM:SS[.f]" (date and fraction as above, values before
//                        1970 floor correctly: -1 us is "1969-12-31T23:59:59.999999"),
//                        followed by "Z" when utc and by nothing when local (wall clock)
//   INTERVAL             {"months":m,"days":d,"millis":ms} (each an unsigned 32-bit number,
//                        as the Parquet spec defines them)
//   LIST                 [v, ...]
//   MAP                  {"k": v, ...} when the key type is STRING or ENUM (entries in stored
//                        order, duplicates kept), else [{"key":k,"value":v}, ...]
//   STRUCT               {"member": v, ...} in member order
// Rendering appends to *out and allocates nothing else.
#pragma once

#include <cstdint>
#include <string>

#include "format/column_batch.h"

namespace snaplake {

// Appends the JSON for slot `row` of `column` (recursing into LIST/MAP/STRUCT) to *out.
void AppendJsonValue(const Column& column, int64_t row, std::string* out);

// Appends one JSON object {"name": value, ...} for row `row` of `batch`, fields in
// schema order, with no trailing newline.
void AppendJsonRow(const ColumnBatch& batch, int64_t row, std::string* out);

// Building blocks, exposed for other renderers (e.g. Delta partition values) and tests.
// Appends `text` as a quoted JSON string with the escaping rules above.
void AppendJsonString(std::string_view text, std::string* out);
// Appends "YYYY-MM-DD" for `days` since 1970-01-01 (unquoted).
void AppendIsoDate(int64_t days, std::string* out);

}  // namespace snaplake
