// Parquet writer tests: every file written here is checked by the independent
// readers (`oracle all`: DuckDB, hyparquet, arrow-rs, strict validator) and
// its rows as DuckDB reads them are compared value by value with ours.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_writer.h"
#include "format/value_json.h"
#include "format/sample_data.h"
#include "storage/local_file_system.h"
#include "testing/oracle.h"
#include "testing/row_compare.h"
#include "testing/test_env.h"

namespace snaplake::parquet {
namespace {

Schema AllTypesSchema() {
  Schema s;
  s.fields = {
      {"id", Type::Int64(), false},
      {"b", Type::Boolean(), true},
      {"i8", Type::Int8(), true},
      {"i16", Type::Int16(), true},
      {"i32", Type::Int32(), true},
      {"i64", Type::Int64(), true},
      {"u8", Type::UInt8(), true},
      {"u16", Type::UInt16(), true},
      {"u32", Type::UInt32(), true},
      {"u64", Type::UInt64(), true},
      {"f32", Type::Float(), true},
      {"f64", Type::Double(), true},
      {"d5_2", Type::Decimal(5, 2), true},
      {"d18_4", Type::Decimal(18, 4), true},
      {"d38_10", Type::Decimal(38, 10), true},
      {"d20_0", Type::Decimal(20, 0), false},
      {"s", Type::String(), true},
      {"s_req", Type::String(), false},
      {"bin", Type::Binary(), true},
      {"fixed3", Type::FixedBinary(3), true},
      {"js", Type::Json(), true},
      {"en", Type::Enum(), true},
      {"uid", Type::Uuid(), true},
      {"dt", Type::Date(), true},
      {"t_us", Type::Time(TimeUnit::kMicros, false), true},
      {"t_ms", Type::Time(TimeUnit::kMillis, false), true},
      {"ts_ms", Type::Timestamp(TimeUnit::kMillis, false), true},
      {"ts_us_utc", Type::Timestamp(TimeUnit::kMicros, true), true},
      {"ts_ns", Type::Timestamp(TimeUnit::kNanos, false), true},
  };
  return s;
}

// Deterministic rows with NULLs (about 1 in 7), extremes in the first rows and
// a small set of repeated values so dictionaries get used.
void FillAllTypes(int64_t rows, ColumnBatch* batch) {
  batch->Clear();
  std::mt19937_64 rng(7);
  auto col = [&](int i) -> Column& { return batch->mutable_column(i); };
  const char* words[] = {"", "a", "héllo wörld", "日本語", "emoji 😀", "tab\tnew\nline", "quote\"back\\slash"};
  for (int64_t r = 0; r < rows; ++r) {
    auto null = [&]() { return rng() % 7 == 0; };
    const uint64_t x = rng();
    col(0).Append<int64_t>(r);
    if (null()) col(1).AppendNull(); else col(1).Append<uint8_t>(x & 1);
    // Extremes for the first few rows, random values after.
    const bool lo = r == 0, hi = r == 1;
    if (null()) col(2).AppendNull(); else col(2).Append<int32_t>(lo ? INT8_MIN : hi ? INT8_MAX : static_cast<int8_t>(x));
    if (null()) col(3).AppendNull(); else col(3).Append<int32_t>(lo ? INT16_MIN : hi ? INT16_MAX : static_cast<int16_t>(x >> 8));
    if (null()) col(4).AppendNull(); else col(4).Append<int32_t>(lo ? INT32_MIN : hi ? INT32_MAX : static_cast<int32_t>(x % 1000) - 500);
    if (null()) col(5).AppendNull(); else col(5).Append<int64_t>(lo ? INT64_MIN : hi ? INT64_MAX : static_cast<int64_t>(x));
    if (null()) col(6).AppendNull(); else col(6).Append<int32_t>(hi ? UINT8_MAX : static_cast<uint8_t>(x >> 3));
    if (null()) col(7).AppendNull(); else col(7).Append<int32_t>(hi ? UINT16_MAX : static_cast<uint16_t>(x >> 5));
    if (null()) col(8).AppendNull(); else col(8).Append<int32_t>(static_cast<int32_t>(hi ? UINT32_MAX : static_cast<uint32_t>(x >> 7)));
    if (null()) col(9).AppendNull(); else col(9).Append<int64_t>(static_cast<int64_t>(hi ? UINT64_MAX : x >> 1));
    if (null()) {
      col(10).AppendNull();
    } else {
      const float specials[] = {-0.0f, 0.0f, std::numeric_limits<float>::infinity(),
                                -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::max(),
                                std::numeric_limits<float>::denorm_min()};
      col(10).Append<float>(r < 6 ? specials[r] : static_cast<float>(static_cast<int32_t>(x % 100000)) / 64.0f);
    }
    if (null()) {
      col(11).AppendNull();
    } else {
      const double specials[] = {-0.0, 0.0, std::numeric_limits<double>::lowest(),
                                 std::numeric_limits<double>::max(), 1e-300, 0.1};
      col(11).Append<double>(r < 6 ? specials[r] : static_cast<double>(static_cast<int64_t>(x)) / 1e6);
    }
    if (null()) col(12).AppendNull(); else col(12).Append<int64_t>(lo ? -99999 : hi ? 99999 : static_cast<int64_t>(x % 199999) - 99999);
    if (null()) {
      col(13).AppendNull();
    } else {
      const int64_t max18 = 999999999999999999LL;
      col(13).Append<int64_t>(lo ? -max18 : hi ? max18 : static_cast<int64_t>(x % (2 * max18)) - max18);
    }
    if (null()) {
      col(14).AppendNull();
    } else {
      __int128 max38 = 1;
      for (int i = 0; i < 38; ++i) max38 *= 10;
      max38 -= 1;
      __int128 v = static_cast<__int128>(x) * static_cast<__int128>(rng() >> 1);
      if (x & 2) v = -v;
      col(14).Append<__int128>(lo ? -max38 : hi ? max38 : v);
    }
    {
      __int128 max20 = 1;
      for (int i = 0; i < 20; ++i) max20 *= 10;
      col(15).Append<__int128>(lo ? -(max20 - 1) : hi ? max20 - 1 : static_cast<__int128>(x) - (1LL << 62));
    }
    const std::string word = std::string(words[x % 7]) + (r % 3 == 0 ? "" : std::to_string(x % 50));
    if (null()) col(16).AppendNull(); else col(16).AppendString(word);
    col(17).AppendString(r % 5 == 0 ? std::string() : word);
    if (null()) {
      col(18).AppendNull();
    } else {
      const uint8_t bytes[] = {0, 0xff, static_cast<uint8_t>(x), 0x80, '\\', '"'};
      col(18).AppendBytes(bytes, r % 6);
    }
    if (null()) {
      col(19).AppendNull();
    } else {
      const uint8_t bytes[3] = {static_cast<uint8_t>(x), static_cast<uint8_t>(x >> 8), 0};
      col(19).AppendFixed(bytes);
    }
    if (null()) col(20).AppendNull(); else col(20).AppendString("{\"k\": [" + std::to_string(x % 10) + ", null, \"v\"]}");
    if (null()) col(21).AppendNull(); else col(21).AppendString(x % 2 ? "red" : "green");
    if (null()) {
      col(22).AppendNull();
    } else {
      uint8_t uuid[16];
      for (int i = 0; i < 16; ++i) uuid[i] = static_cast<uint8_t>(rng());
      col(22).AppendFixed(uuid);
    }
    // Dates from 0001-01-01 to 9999-12-31.
    if (null()) col(23).AppendNull(); else col(23).Append<int32_t>(lo ? -719162 : hi ? 2932896 : static_cast<int32_t>(x % 40000) - 20000);
    if (null()) col(24).AppendNull(); else col(24).Append<int64_t>(hi ? 86399999999LL : static_cast<int64_t>(x % 86400000000ULL));
    if (null()) col(25).AppendNull(); else col(25).Append<int64_t>(static_cast<int64_t>(x % 86400000ULL));
    const int64_t micros = static_cast<int64_t>(x % 4000000000000000ULL) - 1000000000000000LL;
    if (null()) col(26).AppendNull(); else col(26).Append<int64_t>(micros / 1000);
    if (null()) col(27).AppendNull(); else col(27).Append<int64_t>(micros);
    if (null()) col(28).AppendNull(); else col(28).Append<int64_t>(micros / 4 * 1000 + static_cast<int64_t>(x % 1000));
  }
}

struct Written {
  std::string path;
  std::string label;
  bool duckdb_readable = true;
};

Status WriteBatches(const std::string& path, const Schema& schema, const std::vector<const ColumnBatch*>& batches,
                    const WriterOptions& options) {
  LocalFileSystem fs(false);
  SL_ASSIGN_OR_RETURN(auto sink, fs.OpenWrite(path));
  SL_ASSIGN_OR_RETURN(auto writer, ParquetWriter::Open(std::move(sink), schema, options));
  for (const ColumnBatch* b : batches) SL_RETURN_NOT_OK(writer->Write(*b));
  return writer->Finish();
}

// Our own reader gives back exactly the schema and rows that were written
// (rows compared through their JSON rendering, which is exact for every type).
::testing::AssertionResult ReadsBackIdentically(const std::string& path, const ColumnBatch& expected) {
  LocalFileSystem fs(false);
  auto file = fs.OpenRead(path);
  if (!file.ok()) return ::testing::AssertionFailure() << file.status().ToString();
  auto reader = ParquetReader::Open(std::shared_ptr<RandomAccessFile>(std::move(*file)));
  if (!reader.ok()) return ::testing::AssertionFailure() << reader.status().ToString();
  if (!((*reader)->schema() == expected.schema())) {
    return ::testing::AssertionFailure() << "schema read back:\n"
                                         << (*reader)->schema().ToString() << "written:\n"
                                         << expected.schema().ToString();
  }
  ColumnBatch batch;
  int64_t row = 0;
  std::string ours, theirs;
  while (true) {
    auto more = (*reader)->Next(&batch);
    if (!more.ok()) return ::testing::AssertionFailure() << more.status().ToString();
    if (!*more) break;
    for (int64_t i = 0; i < batch.num_rows(); ++i, ++row) {
      if (row >= expected.num_rows()) return ::testing::AssertionFailure() << "more rows read than written";
      ours.clear();
      theirs.clear();
      AppendJsonRow(batch, i, &ours);
      AppendJsonRow(expected, row, &theirs);
      if (ours != theirs) {
        return ::testing::AssertionFailure() << "row " << row << " differs:\n read    " << ours << "\n written " << theirs;
      }
    }
  }
  if (row != expected.num_rows()) {
    return ::testing::AssertionFailure() << row << " rows read, " << expected.num_rows() << " written";
  }
  return ::testing::AssertionSuccess();
}

TEST(ParquetWriter, AllTypesAcrossEncodingsAndCodecsReadByEveryOracle) {
  SL_REQUIRE_ORACLE(oracle);
  TempDir dir;
  ColumnBatch batch(AllTypesSchema());
  FillAllTypes(3000, &batch);
  ASSERT_TRUE(batch.Validate());

  std::vector<Written> files;
  auto add = [&](const std::string& label, WriterOptions o, bool duckdb_readable = true) {
    o.page_bytes = 2048;           // many pages
    o.row_group_bytes = 96 << 10;  // several row groups
    const std::string path = dir.Path(label + ".parquet");
    ASSERT_TRUE(WriteBatches(path, batch.schema(), {&batch}, o).ok()) << label;
    EXPECT_TRUE(ReadsBackIdentically(path, batch)) << label;
    files.push_back({path, label, duckdb_readable});
  };
  for (CompressionCodec c : {CompressionCodec::kUncompressed, CompressionCodec::kSnappy, CompressionCodec::kGzip,
                             CompressionCodec::kZstd, CompressionCodec::kLz4Raw, CompressionCodec::kBrotli}) {
    for (int version : {1, 2}) {
      WriterOptions o;
      o.compression = c;
      o.data_page_version = version;
      add(std::string(CompressionName(c)) + "_v" + std::to_string(version), o,
          c != CompressionCodec::kBrotli);
    }
  }
  for (int version : {1, 2}) {
    WriterOptions plain;
    plain.dictionary = false;
    plain.data_page_version = version;
    add("plain_v" + std::to_string(version), plain);
    WriterOptions delta = plain;
    delta.delta_integers = true;
    add("delta_v" + std::to_string(version), delta);
    WriterOptions fallback;  // dictionaries overflow after a few entries
    fallback.dictionary_page_bytes = 64;
    fallback.data_page_version = version;
    add("fallback_v" + std::to_string(version), fallback);
  }
  WriterOptions no_stats;
  no_stats.write_statistics = false;
  no_stats.page_checksums = false;
  add("no_stats", no_stats);

  std::vector<std::string> paths;
  for (const Written& w : files) paths.push_back(w.path);
  EXPECT_TRUE(OracleAllOk(paths));

  for (const Written& w : files) {
    if (!w.duckdb_readable) continue;
    auto rows = OracleDuckDbRows(w.path, 100000);
    ASSERT_TRUE(rows.ok()) << w.label << ": " << rows.status().ToString();
    EXPECT_TRUE(RowsMatchDuckDb(batch, *rows)) << w.label;
  }
}

TEST(ParquetWriter, TypesAreAnnotatedAsDuckDbExpects) {
  SL_REQUIRE_ORACLE(oracle);
  TempDir dir;
  ColumnBatch batch(AllTypesSchema());
  FillAllTypes(10, &batch);
  const std::string path = dir.Path("types.parquet");
  ASSERT_TRUE(WriteBatches(path, batch.schema(), {&batch}, {}).ok());
  auto rows = OracleDuckDbRows(path, 1);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::map<std::string, std::string> types;
  for (const auto& t : (*rows)["duckdb_types"]) types[t["column_name"]] = t["column_type"];
  EXPECT_EQ(types["i8"], "TINYINT");
  EXPECT_EQ(types["i16"], "SMALLINT");
  EXPECT_EQ(types["u8"], "UTINYINT");
  EXPECT_EQ(types["u64"], "UBIGINT");
  EXPECT_EQ(types["d5_2"], "DECIMAL(5,2)");
  EXPECT_EQ(types["d38_10"], "DECIMAL(38,10)");
  EXPECT_EQ(types["s"], "VARCHAR");
  EXPECT_EQ(types["bin"], "BLOB");
  EXPECT_EQ(types["js"], "JSON");
  EXPECT_EQ(types["uid"], "UUID");
  EXPECT_EQ(types["dt"], "DATE");
  EXPECT_EQ(types["t_us"], "TIME");
  EXPECT_EQ(types["ts_us_utc"], "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(types["ts_ms"], "TIMESTAMP");  // DuckDB widens millisecond timestamps to micros
  EXPECT_EQ(types["ts_ns"], "TIMESTAMP_NS");
}

Schema NestedSchema() {
  Schema s;
  s.fields.push_back({"id", Type::Int32(), false});
  s.fields.push_back({"tags", Type::List({"element", Type::String(), true}), true});
  s.fields.push_back({"req_list", Type::List({"element", Type::Int64(), false}), false});
  s.fields.push_back({"m", Type::Map({"key", Type::String(), false}, {"value", Type::Int64(), true}), true});
  s.fields.push_back({"st", Type::Struct({{"a", Type::Int32(), true},
                                          {"b", Type::List({"element", Type::List({"element", Type::Double(), true}), true}), true}}),
                      true});
  s.fields.push_back({"req_in_opt", Type::Struct({{"x", Type::Int32(), false}}), true});
  s.fields.push_back({"list_of_struct",
                      Type::List({"element", Type::Struct({{"k", Type::String(), false}, {"v", Type::Decimal(10, 3), true}}), true}),
                      true});
  return s;
}

// Nulls and empties at every level: NULL list, empty list, NULL element, NULL
// struct, NULL member, NULL inner list, empty inner list.
void FillNested(int rows, ColumnBatch* b) {
  b->Clear();
  for (int r = 0; r < rows; ++r) {
    b->mutable_column(0).Append<int32_t>(r);
    Column& tags = b->mutable_column(1);
    if (r % 5 == 1) {
      tags.AppendNull();
    } else {
      for (int k = 0; k < r % 4; ++k) {
        if (k == 1) tags.mutable_child(0).AppendNull();
        else tags.mutable_child(0).AppendString("t" + std::to_string(r) + "_" + std::to_string(k));
      }
      tags.AppendListEnd(tags.child(0).length());
    }
    Column& req = b->mutable_column(2);
    for (int k = 0; k < r % 3; ++k) req.mutable_child(0).Append<int64_t>(int64_t{r} * 1000 + k);
    req.AppendListEnd(req.child(0).length());
    Column& m = b->mutable_column(3);
    if (r % 7 == 3) {
      m.AppendNull();
    } else {
      for (int k = 0; k < r % 3; ++k) {
        m.mutable_child(0).AppendString("k" + std::to_string(k));
        if (k == 1) m.mutable_child(1).AppendNull(); else m.mutable_child(1).Append<int64_t>(r * 100 + k);
      }
      m.AppendListEnd(m.child(0).length());
    }
    Column& st = b->mutable_column(4);
    if (r % 6 == 5) {
      st.AppendNull();
    } else {
      if (r % 2) st.mutable_child(0).AppendNull(); else st.mutable_child(0).Append<int32_t>(r);
      Column& outer = st.mutable_child(1);
      if (r % 4 == 2) {
        outer.AppendNull();
      } else {
        Column& inner = outer.mutable_child(0);
        for (int i = 0; i < r % 3; ++i) {
          if (i == 1 && r % 2) {
            inner.AppendNull();
            continue;
          }
          for (int j = 0; j < i + (r % 5 == 0 ? 0 : 1); ++j) {
            if (j == 1) inner.mutable_child(0).AppendNull(); else inner.mutable_child(0).Append<double>(r + j * 0.5);
          }
          inner.AppendListEnd(inner.child(0).length());
        }
        outer.AppendListEnd(inner.length());
      }
      st.AppendStructValid();
    }
    Column& opt = b->mutable_column(5);
    if (r % 3 == 0) {
      opt.AppendNull();
    } else {
      opt.mutable_child(0).Append<int32_t>(-r);
      opt.AppendStructValid();
    }
    Column& los = b->mutable_column(6);
    if (r % 9 == 4) {
      los.AppendNull();
    } else {
      Column& elem = los.mutable_child(0);
      for (int k = 0; k < r % 4; ++k) {
        if (k == 2) {
          elem.AppendNull();
          continue;
        }
        elem.mutable_child(0).AppendString("key" + std::to_string(k));
        if (k == 1) elem.mutable_child(1).AppendNull(); else elem.mutable_child(1).Append<int64_t>(r * 1001 + k);
        elem.AppendStructValid();
      }
      los.AppendListEnd(elem.length());
    }
  }
}

TEST(ParquetWriter, NestedNullsAtEveryLevel) {
  SL_REQUIRE_ORACLE(oracle);
  TempDir dir;
  ColumnBatch batch(NestedSchema());
  FillNested(400, &batch);
  std::string why;
  ASSERT_TRUE(batch.Validate(&why)) << why;
  std::vector<std::string> paths;
  for (int version : {1, 2}) {
    for (bool dictionary : {true, false}) {
      WriterOptions o;
      o.data_page_version = version;
      o.dictionary = dictionary;
      o.page_bytes = 256;  // pages must still start at row boundaries
      paths.push_back(dir.Path("nested_v" + std::to_string(version) + (dictionary ? "_dict" : "_plain") + ".parquet"));
      ASSERT_TRUE(WriteBatches(paths.back(), batch.schema(), {&batch}, o).ok());
      EXPECT_TRUE(ReadsBackIdentically(paths.back(), batch)) << paths.back();
    }
  }
  EXPECT_TRUE(OracleAllOk(paths));
  for (const std::string& p : paths) {
    auto rows = OracleDuckDbRows(p, 100000);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_TRUE(RowsMatchDuckDb(batch, *rows)) << p;
  }
}

TEST(ParquetWriter, EdgeCases) {
  SL_REQUIRE_ORACLE(oracle);
  TempDir dir;
  std::vector<std::string> paths;

  // An empty file: schema, no row groups.
  Schema mixed = MixedSchema();
  paths.push_back(dir.Path("empty.parquet"));
  ASSERT_TRUE(WriteBatches(paths.back(), mixed, {}, {}).ok());

  // All-NULL columns, empty strings next to NULLs, very long strings (past
  // the 4 KiB statistics limit, and one of 3 MiB).
  Schema s;
  s.fields = {{"all_null", Type::Int64(), true},
              {"all_null_s", Type::String(), true},
              {"s", Type::String(), true},
              {"long", Type::String(), true}};
  ColumnBatch b(s);
  int64_t long_values = 0;
  for (int r = 0; r < 500; ++r) {
    long_values += (r % 100 == 7 || r % 3 != 0);
    b.mutable_column(0).AppendNull();
    b.mutable_column(1).AppendNull();
    if (r % 2) b.mutable_column(2).AppendNull(); else b.mutable_column(2).AppendString("");
    if (r % 100 == 7) b.mutable_column(3).AppendString(std::string(3 << 20, static_cast<char>('a' + r % 26)));
    else if (r % 3 == 0) b.mutable_column(3).AppendNull();
    else b.mutable_column(3).AppendString(std::string(5000 + r, 'x'));
  }
  paths.push_back(dir.Path("edges.parquet"));
  ASSERT_TRUE(WriteBatches(paths.back(), s, {&b}, {}).ok());
  EXPECT_TRUE(ReadsBackIdentically(paths.back(), b));
  EXPECT_TRUE(ReadsBackIdentically(paths[0], ColumnBatch(mixed)));
  EXPECT_TRUE(OracleAllOk(paths));

  auto empty = OracleDuckDbRows(paths[0], 10);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)["rows"].size(), 0u);
  EXPECT_EQ((*empty)["duckdb_types"].size(), mixed.fields.size());

  auto agg = OracleSql("SELECT count(*) AS n, count(all_null) AS c0, count(all_null_s) AS c1, "
                       "count(s) AS cs, sum(length(s)) AS ls, count(long) AS cl, max(length(long)) AS ml FROM read_parquet('" +
                       paths[1] + "')");
  ASSERT_TRUE(agg.ok()) << agg.status().ToString();
  const auto& row = (*agg)[0];
  EXPECT_EQ(row["n"].dump(), "\"500\"");
  EXPECT_EQ(row["c0"].dump(), "\"0\"");
  EXPECT_EQ(row["c1"].dump(), "\"0\"");
  EXPECT_EQ(row["cs"].dump(), "\"250\"");
  EXPECT_EQ(row["cl"].dump(), "\"" + std::to_string(long_values) + "\"");
  EXPECT_EQ(row["ml"].dump(), "\"" + std::to_string(3 << 20) + "\"");
}

TEST(ParquetWriter, FileAppearsOnlyWhenFinished) {
  TempDir dir;
  const std::string path = dir.Path("out.parquet");
  LocalFileSystem fs(false);
  ColumnBatch batch(MixedSchema());
  FillMixedBatch(0, 1000, 1, &batch);
  {
    auto writer = ParquetWriter::Open(*fs.OpenWrite(path), batch.schema());
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(batch).ok());
    EXPECT_FALSE(std::filesystem::exists(path));
    (*writer)->Abandon();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  {
    auto writer = ParquetWriter::Open(*fs.OpenWrite(path), batch.schema());
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(batch).ok());
    // Destroyed without Finish(): nothing is published.
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  // No temporary files are left behind either.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  auto writer = ParquetWriter::Open(*fs.OpenWrite(path), batch.schema());
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(batch).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ((*writer)->metadata().num_rows, 1000);
  EXPECT_EQ((*writer)->rows_written(), 1000);
}

TEST(ParquetWriter, RowGroupsAreCutByBytes) {
  TempDir dir;
  ColumnBatch batch(MixedSchema());
  LocalFileSystem fs(false);
  WriterOptions o;
  o.row_group_bytes = 256 << 10;
  auto writer = ParquetWriter::Open(*fs.OpenWrite(dir.Path("rg.parquet")), batch.schema(), o);
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < 20; ++i) {
    FillMixedBatch(i * 10000, 10000, 3, &batch);
    ASSERT_TRUE((*writer)->Write(batch).ok());
  }
  ASSERT_TRUE((*writer)->Finish().ok());
  const FileMetaData& md = (*writer)->metadata();
  EXPECT_EQ(md.num_rows, 200000);
  ASSERT_GT(md.row_groups.size(), 3u);
  int64_t rows = 0;
  for (size_t i = 0; i < md.row_groups.size(); ++i) {
    const RowGroup& rg = md.row_groups[i];
    rows += rg.num_rows;
    EXPECT_EQ(rg.ordinal.value_or(-1), static_cast<int16_t>(i));
    // A row group closes at the first batch boundary past the limit.
    if (i + 1 < md.row_groups.size()) {
      EXPECT_GE(*rg.total_compressed_size, o.row_group_bytes * 9 / 10);
    }
    EXPECT_LT(*rg.total_compressed_size, o.row_group_bytes * 3);
  }
  EXPECT_EQ(rows, 200000);
  // Statistics of the id column are exact: ids are 1..200000 in order.
  const auto& first = md.row_groups.front().columns[0].meta_data->statistics;
  ASSERT_TRUE(first.has_value() && first->min_value.has_value());
  int64_t min_id;
  std::memcpy(&min_id, first->min_value->data(), 8);
  EXPECT_EQ(min_id, 1);
  const auto& last = md.row_groups.back().columns[0].meta_data->statistics;
  int64_t max_id;
  std::memcpy(&max_id, last->max_value->data(), 8);
  EXPECT_EQ(max_id, 200000);
}

TEST(ParquetWriter, RejectsBadInputWithClearErrors) {
  TempDir dir;
  LocalFileSystem fs(false);
  Schema s;
  s.fields = {{"x", Type::Int32(), false}};
  ColumnBatch b(s);
  b.mutable_column(0).Append<int32_t>(1);
  b.mutable_column(0).AppendNull();
  auto writer = ParquetWriter::Open(*fs.OpenWrite(dir.Path("a.parquet")), s);
  ASSERT_TRUE(writer.ok());
  Status st = (*writer)->Write(b);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'x' is NOT NULL"), std::string::npos) << st.message();

  Schema nested;
  nested.fields = {{"s", Type::Struct({{"y", Type::Int32(), false}}), true}};
  ColumnBatch nb(nested);
  nb.mutable_column(0).mutable_child(0).AppendNull();
  nb.mutable_column(0).AppendStructValid();
  auto w2 = ParquetWriter::Open(*fs.OpenWrite(dir.Path("b.parquet")), nested);
  ASSERT_TRUE(w2.ok());
  st = (*w2)->Write(nb);
  EXPECT_NE(st.message().find("'s.y' is NOT NULL"), std::string::npos) << st.message();

  Schema wide;
  wide.fields = {{"d", Type::Decimal(39, 2), true}};
  auto w3 = ParquetWriter::Open(*fs.OpenWrite(dir.Path("c.parquet")), wide);
  ASSERT_FALSE(w3.ok());
  EXPECT_NE(w3.status().message().find("precision <= 38"), std::string::npos) << w3.status().message();

  ColumnBatch other(MixedSchema());
  auto w4 = ParquetWriter::Open(*fs.OpenWrite(dir.Path("d.parquet")), s);
  ASSERT_TRUE(w4.ok());
  st = (*w4)->Write(other);
  EXPECT_NE(st.message().find("schema differs"), std::string::npos) << st.message();

  WriterOptions bad;
  bad.data_page_version = 3;
  auto w5 = ParquetWriter::Open(*fs.OpenWrite(dir.Path("e.parquet")), s, bad);
  ASSERT_FALSE(w5.ok());
  EXPECT_NE(w5.status().message().find("version must be 1 or 2"), std::string::npos);
  // Nothing was published by any failed writer.
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    EXPECT_FALSE(std::filesystem::exists(dir.Path(std::string(name) + ".parquet"))) << name;
  }
}

}  // namespace
}  // namespace snaplake::parquet
