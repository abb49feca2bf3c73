// Reads every file of apache/parquet-testing's data/ folder (and its
// subfolders): every row must come out, as many as the row groups hold, a
// second read in batches of 7 rows must give the same values, and the values
// must equal DuckDB's reading of the same file (via the oracle tool).

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "reader_test_support.h"

namespace snaplake::parquet {
namespace {

using testing::json;

// Files we cannot read, and why. The test fails if one of them starts reading.
const std::map<std::string, std::string>& ExpectedFailures() {
  static const std::map<std::string, std::string> files = {
      {"data/large_string_map.brotli.parquet",
       "its single 1 GiB string exceeds ReaderOptions::max_decoded_bytes (1 GiB by default)"},
  };
  return files;
}

// Files DuckDB cannot read (so there is nothing to compare with), and why.
const std::map<std::string, std::string>& DuckDbCannotRead() {
  static const std::map<std::string, std::string> files = {
      {"data/hadoop_lz4_compressed.parquet", "DuckDB has no Hadoop-framed LZ4 codec"},
      {"data/hadoop_lz4_compressed_larger.parquet", "DuckDB has no Hadoop-framed LZ4 codec"},
      {"data/non_hadoop_lz4_compressed.parquet", "DuckDB has no (non-Hadoop) LZ4 codec"},
      {"data/large_string_map.brotli.parquet", "DuckDB refuses strings longer than 0x1fffffe8 bytes"},
      {"data/map_no_value.parquet", "DuckDB refuses MAP without a value column"},
      {"data/byte_stream_split_extended.gzip.parquet", "DuckDB reads BYTE_STREAM_SPLIT only for FLOAT and DOUBLE"},
  };
  return files;
}

// Reader options for files that need other than the defaults.
ReaderOptions OptionsFor(const std::string& rel, int64_t batch_rows) {
  ReaderOptions options;
  options.batch_rows = batch_rows;
  // Spark's INT96 values reach year 9999 and beyond, past TIMESTAMP(NANOS).
  if (rel == "data/int96_from_spark.parquet") options.int96_unit = TimeUnit::kMicros;
  return options;
}

// Rows where DuckDB's own reading is wrong, and why; not compared.
bool DuckDbIsWrong(const std::string& rel, size_t row) {
  // Year 290000 fits INT64 microseconds, but DuckDB's rendering wraps it to 226414 BC.
  return rel == "data/int96_from_spark.parquet" && row == 5;
}

std::vector<std::string> DataFiles() {
  std::vector<std::string> files;
  const std::string root = testing::TestDataRoot();
  if (root.empty()) return files;
  const std::filesystem::path base = std::filesystem::path(root) / "parquet-testing";
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(base / "data", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".parquet") {
      files.push_back(std::filesystem::relative(it->path(), base).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param.substr(5)) name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return name;
}

class ParquetTestingFile : public ::testing::TestWithParam<std::string> {};

Result<std::vector<json>> ReadRows(const std::string& path, const ReaderOptions& options, int64_t* expected_rows) {
  SL_ASSIGN_OR_RETURN(auto reader, testing::OpenFile(path, options));
  *expected_rows = reader->num_rows();
  std::vector<json> rows;
  SL_ASSIGN_OR_RETURN(int64_t n, testing::ReadAll(reader.get(), [&](const ColumnBatch& batch) {
                        for (int64_t r = 0; r < batch.num_rows(); ++r) rows.push_back(testing::RenderRow(batch, r));
                      }));
  if (n != static_cast<int64_t>(rows.size())) return Status::Internal("row count mismatch");
  return rows;
}

TEST_P(ParquetTestingFile, ReadsAllRowsLikeDuckDb) {
  const std::string& rel = GetParam();
  const std::string path = testing::TestDataRoot() + "/parquet-testing/" + rel;
  int64_t expected_rows = -1;
  auto rows = ReadRows(path, OptionsFor(rel, 64 * 1024), &expected_rows);
  auto expected_failure = ExpectedFailures().find(rel);
  if (expected_failure != ExpectedFailures().end()) {
    ASSERT_FALSE(rows.ok()) << rel << " now reads; remove it from ExpectedFailures (" << expected_failure->second
                            << ")";
    EXPECT_NE(rows.status().message().find(path), std::string::npos) << rows.status().message();
    return;
  }
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(static_cast<int64_t>(rows->size()), expected_rows);

  // Batches that cut through pages and records must not change a value.
  int64_t again_rows = -1;
  auto small = ReadRows(path, OptionsFor(rel, 7), &again_rows);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  ASSERT_EQ(small->size(), rows->size());
  for (size_t r = 0; r < rows->size(); ++r) {
    ASSERT_EQ((*small)[r], (*rows)[r]) << "row " << r << " differs when read 7 rows at a time";
  }

  std::string why;
  const std::string oracle = testing::OracleScript(&why);
  if (oracle.empty()) {
    GTEST_SKIP() << "\n*** SKIPPED the DuckDB comparison: " << why << " ***\n";
  }
  int exit_code = 0;
  const std::string out = testing::RunAndCapture(
      "TZ=UTC " + oracle + " duckdb " + testing::ShellQuoted(path) + " rows 1000000 2>/dev/null", &exit_code);
  auto cannot = DuckDbCannotRead().find(rel);
  if (cannot != DuckDbCannotRead().end()) {
    EXPECT_NE(exit_code, 0) << "DuckDB now reads " << rel << "; compare it (remove it from DuckDbCannotRead)";
    return;
  }
  ASSERT_EQ(exit_code, 0) << "the DuckDB oracle failed on " << rel;
  const json duck = json::parse(out, nullptr, false);
  ASSERT_FALSE(duck.is_discarded()) << "the DuckDB oracle printed no JSON for " << rel;
  ASSERT_EQ(std::stoll(duck["num_rows"].is_string() ? duck["num_rows"].get<std::string>()
                                                   : std::to_string(duck["num_rows"].get<int64_t>())),
            expected_rows);
  const json& duck_rows = duck["rows"];
  ASSERT_EQ(duck_rows.size(), rows->size());
  for (size_t r = 0; r < rows->size(); ++r) {
    if (DuckDbIsWrong(rel, r)) continue;
    std::string where;
    ASSERT_TRUE(testing::JsonMatch((*rows)[r], duck_rows[r], "row " + std::to_string(r), &where)) << where;
  }
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ParquetTestingFile);
INSTANTIATE_TEST_SUITE_P(Data, ParquetTestingFile, ::testing::ValuesIn(DataFiles()), TestName);

TEST(ParquetTestingData, IsPresent) {
  if (testing::TestDataRoot().empty()) GTEST_SKIP() << testing::MissingTestDataMessage();
  EXPECT_GT(DataFiles().size(), 50u);
}

// The encrypted files (*.parquet.encrypted) are refused with a clear message.
TEST(ParquetTestingData, EncryptedFilesAreRefused) {
  const std::string root = testing::TestDataRoot();
  if (root.empty()) GTEST_SKIP() << testing::MissingTestDataMessage();
  int seen = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root + "/parquet-testing/data")) {
    if (entry.path().extension() != ".encrypted") continue;
    ++seen;
    auto reader = testing::OpenFile(entry.path().string());
    ASSERT_FALSE(reader.ok()) << entry.path();
    EXPECT_EQ(reader.status().code(), StatusCode::kNotImplemented) << reader.status().ToString();
    EXPECT_EQ(reader.status().message(),
              entry.path().string() + " is encrypted; encrypted Parquet files are not supported");
  }
  EXPECT_GT(seen, 5);
}

}  // namespace
}  // namespace snaplake::parquet
