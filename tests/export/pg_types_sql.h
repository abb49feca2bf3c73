// The "torture types" PostgreSQL database: every type snaplake maps, with
// NULLs, extremes, unicode and the values no Parquet type can hold. The export
// tests compare its export with PostgreSQL value by value; the lake tests
// ingest the same export into Delta. Runs on PostgreSQL 13 and later.
#pragma once

namespace snaplake::export_test {

inline constexpr char kTypesSql[] = R"sql(
CREATE EXTENSION citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy 😀');
CREATE DOMAIN amount12 AS numeric(12,2);
CREATE DOMAIN short_text AS text CHECK (length(VALUE) < 100);
CREATE TYPE pair AS (a int, b text);
CREATE TABLE all_types (
  id int PRIMARY KEY,
  c_smallint smallint, c_int integer, c_bigint bigint,
  c_num10_2 numeric(10,2), c_num38_10 numeric(38,10), c_num50_5 numeric(50,5),
  c_real real, c_double double precision, c_bool boolean,
  c_text text, c_varchar varchar(20), c_char char(5), c_citext citext, c_name name,
  c_bytea bytea, c_date date, c_ts timestamp, c_tstz timestamptz, c_time time, c_timetz timetz,
  c_interval interval, c_uuid uuid, c_json json, c_jsonb jsonb,
  c_int_arr int[], c_text_arr text[], c_int_2d int[][],
  c_enum mood, c_dom_num amount12, c_dom_text short_text,
  c_inet inet, c_money money, c_range int4range, c_pair pair, c_bit bit(8), c_xml xml);
INSERT INTO all_types VALUES
 -- ordinary values; escapes in text; an upper-case uuid literal
 (1, 1, 42, 1234567890123, 12345678.91, 123456789012345678901234567.0123456789,
  '123456789012345678901234567890123456789012345.12345', 3.14, 2.718281828459045, true,
  E'line1\nline2\ttab "quote" \\ back', 'varchar', 'ab', 'MiXeD', 'a_name',
  '\x000102ff'::bytea, '2024-02-29', '2024-02-29 13:45:00.123456', '2024-02-29 13:45:00.123456+02',
  '13:45:00.5', '13:45:00+05:30', '1 year 2 mons 3 days 04:05:06.789', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  '{"b": 1, "a": [1, 2.50, null]}', '{"b": 1, "a": [1, 2.50, null]}',
  '{1,NULL,3}', '{"a","b c",NULL,"","quo\"te","comma,x","NULL"}', '{{1,2},{3,NULL}}',
  'happy 😀', 1234.56, 'plain text', '192.168.0.1/24', 1234.56, '[1,10)', ROW(1, 'x, y'), B'10101010',
  '<a>x &amp; y</a>'),
 -- minimums, empty strings/arrays/bytea, the earliest dates and timestamps
 (2, -32768, -2147483648, -9223372036854775808, -99999999.99, -9999999999999999999999999999.9999999999,
  '-99999999999999999999999999999999999999999999.99999', -3.4028235e+38, -1.7976931348623157e+308, false,
  '', '', '', '', '', '\x'::bytea, '4713-01-01 BC', '4713-01-01 00:00:00 BC', '4713-01-01 00:00:00+00 BC',
  '00:00:00', '00:00:00+15:59', '-178000000 years', '00000000-0000-0000-0000-000000000000', '[]', '{}',
  '{}', '{}', '{}', 'sad', -9999999999.99, '', '::', -92233720368547758.08, 'empty', ROW(NULL, NULL),
  B'00000000', ''),
 -- maximums, the latest timestamp that fits INT64 micros, 24:00:00 (extreme dates: table dates)
 (3, 32767, 2147483647, 9223372036854775807, 99999999.99, 9999999999999999999999999999.9999999999,
  '99999999999999999999999999999999999999999999.99999', 3.4028235e+38, 1.7976931348623157e+308, true,
  repeat('x', 5000), 'twenty chars exactly', 'abcde', repeat('Z', 300), repeat('n', 63),
  decode(repeat('ff', 1000), 'hex'), '99999-12-31', '294247-01-01 00:00:00', '294247-01-01 00:00:00+00',
  '24:00:00', '24:00:00-15:59', '178000000 years', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '{"deep": {"deeper": [[[]]], "s": "x\"y"}}', '{"deep": {"deeper": [[[]]], "s": "x\"y"}}',
  '{2147483647,-2147483648}', '{"{}","\\\\"}', '{{1},{2},{3}}', 'ok', 9999999999.99, repeat('d', 99),
  '::ffff:1.2.3.4', 92233720368547758.07, '(,)', ROW(-1, ''), B'11111111', '<?xml version="1.0"?><r/>'),
 -- NaN and infinities; arrays holding only NULL
 (4, 0, 0, 0, 0, 0, 0, 'NaN', 'Infinity', NULL, 'x', 'x', 'x', 'x', 'x', '\x00'::bytea,
  '2000-02-29', 'infinity', 'infinity', '23:59:59.999999', '23:59:59.999999+00', '0 seconds',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'null', 'null', '{NULL}', '{NULL}', '{{NULL}}', NULL, 0, NULL,
  '2001:db8::1', 0, 'empty', ROW(0, NULL), B'00000001', NULL),
 -- -infinity; Unicode: emoji, CJK, a combining mark, a flag, an Arabic ligature
 (5, NULL, NULL, NULL, -0.01, 0.0000000001, 0.00001, '-Infinity', 'NaN', NULL,
  '😀 emoji 中文字符 é (e+U+0301) 🇯🇵 ﷽', '日本語テキスト', '中文', 'ÄÖÜ straße', 'naïve',
  convert_to('ü😀', 'UTF8'), '1999-12-31', '-infinity', '-infinity', '00:00:00.000001', '12:00:00-01',
  '-1 mons +2 days -00:00:00.000001', NULL, '{"ключ": "значение 😀", "e": "\u00e9"}',
  '{"ключ": "значение 😀", "e": "\u00e9"}', '{}', '{"😀","中文","é"}', NULL, 'happy 😀', -0.5, 'ünïcödé',
  NULL, -1, '[-5,5]', ROW(2, '中文'), B'01000000', '<t>中文 😀</t>'),
 -- NULL in every column
 (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL),
 -- negative zero, blanks, year 0 (1 BC), unnormalized json
 (7, 7, 7, 7, 0.5, 0.5, 0.5, '-0', '-0', false, ' leading and trailing ', ' ', '  x', ' ', ' ', '\x20'::bytea,
  '0001-12-31 BC', '0001-12-31 23:59:59.999999 BC', '0001-01-01 00:00:00+00', '12:34:56.789012',
  '00:00:00-00:00:01', '-1 days', '12345678-1234-5678-1234-567812345678', '  {"spaces" :  1 }  ',
  '  {"spaces" :  1 }  ', '{-1}', '{" "}', '{{-1,-2,-3}}', 'ok', 0.01, ' ', '10.0.0.0/8', 0.01, 'empty',
  ROW(NULL, 'only b'), B'10000000', '<![CDATA[x]]>'),
 -- denormals; the microsecond before the epoch
 (8, NULL, NULL, NULL, NULL, NULL, NULL, 1e-45, 5e-324, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  '1970-01-01', '1969-12-31 23:59:59.999999', '1969-12-31 23:59:59.999999+00', NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- Dates at and beyond the ends of the calendar.
CREATE TABLE dates (id int PRIMARY KEY, d date, ds date[]);
INSERT INTO dates VALUES
 (1, 'infinity', '{infinity,-infinity}'), (2, '-infinity', NULL), (3, '5874897-12-31', '{5874897-12-31}'),
 (4, '4714-11-24 BC', '{4714-11-24 BC,NULL}'), (5, '4713-01-01 BC', '{}'), (6, '0001-01-01', '{0001-12-31 BC}'),
 (7, NULL, '{NULL}'), (8, '2024-02-29', '{2024-02-29,1970-01-01}');

-- Arrays of every element kind the decoder has (and text elements for the rest).
CREATE TABLE arrays (
  id int PRIMARY KEY,
  a_bool boolean[], a_int2 smallint[], a_int8 bigint[], a_float4 real[], a_float8 double precision[],
  a_num numeric(10,2)[], a_text text[], a_varchar varchar(5)[], a_char char(3)[], a_bytea bytea[],
  a_ts timestamp[], a_tstz timestamptz[], a_time time[], a_uuid uuid[], a_json json[], a_jsonb jsonb[],
  a_enum mood[], a_interval interval[], a_inet inet[], a_int3d int[][][], a_lower int[]);
INSERT INTO arrays VALUES
 (1, '{true,false,NULL}', '{-32768,32767}', '{-9223372036854775808,9223372036854775807,NULL}',
  '{1.5,-0.25,NULL}', '{1e300,-2.5}', '{1.50,-99999999.99,NULL}', '{"a b","",NULL}', '{"x","abcde"}',
  '{"a","abc",NULL}', '{"\\x00ff",NULL,"\\x"}', '{"2024-02-29 13:45:00.5","1969-12-31 23:59:59.999999"}',
  '{"2024-02-29 13:45:00+02",NULL}', '{"24:00:00","00:00:00.000001"}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}',
  ARRAY['{"b": 1,  "a": 2}'::json, NULL], ARRAY['{"b": 1,  "a": 2}'::jsonb, 'null'], '{sad,"happy 😀",NULL}',
  '{"1 day","-00:00:01"}', '{10.0.0.1,::1}', '{{{1,2},{3,4}},{{5,6},{7,NULL}}}', '[0:1]={5,6}'),
 (2, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}',
  '{}', '[-3:-3]={-3}'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL);

-- Unconstrained numeric whose values fit DECIMAL(38,3) (35 integer digits + 3).
CREATE TABLE numeric_fits (id int PRIMARY KEY, amount numeric, amounts numeric[]);
INSERT INTO numeric_fits VALUES
 (1, 1.5, '{1.5,NULL,2.25}'), (2, -2.125, '{}'), (3, 12345678901234567890.1, '{-0.001}'),
 (4, 0, NULL), (5, NULL, '{NULL}'), (6, 0.001, '{12345678901234567890123456789012345.123}'),
 (7, -99999999999999999999999999999999999.999, '{0}');
-- Unconstrained numeric that does not fit DECIMAL(38).
CREATE TABLE numeric_too_wide (id int PRIMARY KEY, amount numeric);
INSERT INTO numeric_too_wide VALUES (1, 1e40), (2, 0.5), (3, NULL), (4, -12345678901234567890123456789012345678.9);
-- Unconstrained numeric holding NaN and infinities.
CREATE TABLE numeric_special (id int PRIMARY KEY, amount numeric);
INSERT INTO numeric_special VALUES (1, 'NaN'), (2, 1.25), (5, NULL);
-- numeric infinities arrived in PostgreSQL 14 (the tests also run on 13).
DO $$ BEGIN
  IF current_setting('server_version_num')::int >= 140000 THEN
    INSERT INTO numeric_special VALUES (3, 'Infinity'), (4, '-Infinity');
  END IF;
END $$;
)sql";

}  // namespace snaplake::export_test
