// The CLI over apache/parquet-testing's data/ folder (and its subfolders):
// for every file, `snaplake parquet cat FILE` must print DuckDB's rows, and
// `snaplake parquet convert FILE OUT` must give a file the oracles accept
// (one OracleAllOk call for all of them) whose `cat` equals the original's.
//
// Files that cannot meet that are listed below with the reason. The lists are
// checked both ways: a file failing that is not listed fails the test, and a
// listed file that no longer fails fails it too, so the lists stay true.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli_test_support.h"
#include "testing/oracle.h"
#include "testing/row_compare.h"
#include "testing/test_env.h"

namespace snaplake {
namespace {

using cli_test::FailedWithOneLine;
using cli_test::Snaplake;
using cli_test::Succeeded;

// Files the CLI cannot read: cat and convert must fail with one line.
const std::map<std::string, std::string>& CliCannotRead() {
  static const std::map<std::string, std::string> files = {
      {"data/large_string_map.brotli.parquet",
       "its one string decompresses to 1 GiB, past the reader's max_decoded_bytes (1 GiB), which the CLI keeps"},
  };
  return files;
}

// Files DuckDB cannot read: the oracle must fail on them, and our cat of the
// converted file is compared with our cat of the original only.
const std::map<std::string, std::string>& DuckDbCannotRead() {
  static const std::map<std::string, std::string> files = {
      {"data/hadoop_lz4_compressed.parquet", "DuckDB has no Hadoop-framed LZ4 codec"},
      {"data/hadoop_lz4_compressed_larger.parquet", "DuckDB has no Hadoop-framed LZ4 codec"},
      {"data/non_hadoop_lz4_compressed.parquet", "DuckDB has no LZ4 (codec 5) codec"},
      {"data/large_string_map.brotli.parquet", "DuckDB refuses strings longer than 0x1fffffe8 bytes"},
      {"data/map_no_value.parquet", "DuckDB refuses a MAP_KEY_VALUE group without a value column"},
      {"data/byte_stream_split_extended.gzip.parquet",
       "DuckDB reads BYTE_STREAM_SPLIT only for FLOAT and DOUBLE, and this file has it for other types"},
  };
  return files;
}

// Files whose rows DuckDB shows wrongly: the comparison must fail (else drop
// the entry); what the rows should be is checked by a test of its own.
const std::map<std::string, std::string>& DuckDbDisagrees() {
  static const std::map<std::string, std::string> files = {
      {"data/int96_from_spark.parquet",
       "DuckDB overflows the year-290000 timestamp of row 5 (it shows 226414 BC); see Int96FromSparkHasItsDocumentedValues"},
  };
  return files;
}

// Files that need a CLI option; without it, cat must fail (else drop the entry).
struct NeedsOption {
  std::string args;
  std::string reason;
};
const std::map<std::string, NeedsOption>& NeedOptions() {
  static const std::map<std::string, NeedsOption> files = {
      {"data/int96_from_spark.parquet",
       {"--int96 micros", "its INT96 values reach years outside TIMESTAMP(NANOS) (1677..2262)"}},
  };
  return files;
}

std::string ParquetTestingRoot() {
  const std::optional<std::string> dir = TestDataDir();
  return dir ? StrCat(*dir, "/parquet-testing") : std::string();
}

// Relative paths ("data/x.parquet") of every *.parquet file under data/.
std::vector<std::string> DataFiles() {
  std::vector<std::string> files;
  const std::string root = ParquetTestingRoot();
  if (root.empty()) return files;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root + "/data", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".parquet") {
      files.push_back(std::filesystem::relative(it->path(), root).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Q(const std::string& s) { return ShellQuote(s); }

std::string OptionsFor(const std::string& rel) {
  auto it = NeedOptions().find(rel);
  return it == NeedOptions().end() ? std::string() : it->second.args;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param.substr(5)) name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return name;
}

class ConformanceFile : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformanceFile, CatMatchesDuckDbAndConvertKeepsRows) {
  const std::string& rel = GetParam();
  const std::string path = StrCat(ParquetTestingRoot(), "/", rel);
  const std::string options = OptionsFor(rel);
  TempDir dir;
  const std::string out = dir.Path("converted.parquet");
  const auto cat = Snaplake(StrCat("parquet cat ", Q(path), " ", options));
  const auto convert = Snaplake(StrCat("parquet convert ", Q(path), " ", Q(out), " ", options));

  if (auto it = CliCannotRead().find(rel); it != CliCannotRead().end()) {
    EXPECT_TRUE(FailedWithOneLine(cat, path)) << rel << " now reads; remove it from CliCannotRead (" << it->second
                                              << ")";
    EXPECT_TRUE(FailedWithOneLine(convert, path));
    EXPECT_FALSE(std::filesystem::exists(out)) << "a failed convert left its output behind";
    return;
  }
  if (auto it = NeedOptions().find(rel); it != NeedOptions().end()) {
    EXPECT_TRUE(FailedWithOneLine(Snaplake(StrCat("parquet cat ", Q(path))), it->second.args))
        << rel << " now reads without " << it->second.args << "; remove it from NeedOptions ("
        << it->second.reason << ")";
  }
  ASSERT_TRUE(Succeeded(cat)) << rel;
  ASSERT_TRUE(Succeeded(convert)) << rel;
  const auto cat_converted = Snaplake(StrCat("parquet cat ", Q(out)));
  ASSERT_TRUE(Succeeded(cat_converted));
  EXPECT_TRUE(cat_converted.out == cat.out) << rel << ": cat of the converted file differs from the original's";

  const std::string why = OracleUnavailableReason();
  if (!why.empty()) GTEST_SKIP() << AnnounceMissingOracle(why);
  auto duck = OracleDuckDbRows(path, 100000000);
  if (auto it = DuckDbCannotRead().find(rel); it != DuckDbCannotRead().end()) {
    EXPECT_FALSE(duck.ok()) << "DuckDB now reads " << rel << "; remove it from DuckDbCannotRead (" << it->second
                            << ")";
    return;
  }
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  const nlohmann::json& n = (*duck)["num_rows"];
  const int64_t duck_rows = n.is_string() ? std::stoll(n.get<std::string>()) : n.get<int64_t>();
  EXPECT_EQ(static_cast<int64_t>(cli_test::CountLines(cat.out)), duck_rows);
  if (auto it = DuckDbDisagrees().find(rel); it != DuckDbDisagrees().end()) {
    EXPECT_FALSE(JsonLinesMatchDuckDb(cat.out, *duck))
        << "DuckDB now agrees on " << rel << "; remove it from DuckDbDisagrees (" << it->second << ")";
    return;
  }
  EXPECT_TRUE(JsonLinesMatchDuckDb(cat.out, *duck)) << rel;
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ConformanceFile);
INSTANTIATE_TEST_SUITE_P(ParquetTesting, ConformanceFile, ::testing::ValuesIn(DataFiles()), TestName);

// Every file the CLI reads converts to a file all the oracles accept, checked
// in one oracle call.
TEST(ParquetConformance, ConvertedFilesPassOracles) {
  if (ParquetTestingRoot().empty()) GTEST_SKIP() << AnnounceMissingTestData();
  SL_REQUIRE_ORACLE(oracle);
  TempDir dir;
  std::vector<std::string> outputs;
  for (const std::string& rel : DataFiles()) {
    if (CliCannotRead().count(rel)) continue;
    std::string name = rel;
    std::replace(name.begin(), name.end(), '/', '_');
    const std::string out = dir.Path(name);
    const auto r = Snaplake(StrCat("parquet convert ", Q(ParquetTestingRoot() + "/" + rel), " ", Q(out), " ",
                                   OptionsFor(rel)));
    EXPECT_TRUE(Succeeded(r)) << rel;
    if (r.exit_code == 0) outputs.push_back(out);
  }
  ASSERT_GT(outputs.size(), 50u);
  EXPECT_TRUE(OracleAllOk(outputs));
}

// The values data/int96_from_spark.md gives (microseconds since the epoch,
// shown as wall-clock time); the last is past year 9999, the reason for --int96 micros.
TEST(ParquetConformance, Int96FromSparkHasItsDocumentedValues) {
  const std::string root = ParquetTestingRoot();
  if (root.empty()) GTEST_SKIP() << AnnounceMissingTestData();
  const auto cat = Snaplake(StrCat("parquet cat --int96 micros ", Q(root + "/data/int96_from_spark.parquet")));
  ASSERT_TRUE(Succeeded(cat));
  EXPECT_EQ(cat.out,
            "{\"a\":\"2024-01-01T20:34:56.123456\"}\n"
            "{\"a\":\"2024-01-01T01:00:00\"}\n"
            "{\"a\":\"9999-12-31T03:00:00\"}\n"
            "{\"a\":\"2024-12-30T23:00:00\"}\n"
            "{\"a\":null}\n"
            "{\"a\":\"290000-12-30T23:00:00\"}\n");
}

TEST(ParquetConformance, EncryptedFilesGiveOneLineErrors) {
  const std::string root = ParquetTestingRoot();
  if (root.empty()) GTEST_SKIP() << AnnounceMissingTestData();
  int seen = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root + "/data")) {
    if (entry.path().extension() != ".encrypted") continue;
    ++seen;
    const std::string path = entry.path().string();
    EXPECT_TRUE(FailedWithOneLine(Snaplake(StrCat("parquet cat ", Q(path))), StrCat("snaplake: ", path, " is encrypted")));
    EXPECT_TRUE(FailedWithOneLine(Snaplake(StrCat("parquet inspect ", Q(path))), "encrypted"));
  }
  EXPECT_GT(seen, 5);
}

TEST(ParquetConformance, ListedFilesExist) {
  const std::string root = ParquetTestingRoot();
  if (root.empty()) GTEST_SKIP() << AnnounceMissingTestData();
  EXPECT_GT(DataFiles().size(), 50u);
  for (const auto* list : {&CliCannotRead(), &DuckDbCannotRead(), &DuckDbDisagrees()}) {
    for (const auto& [rel, reason] : *list) EXPECT_TRUE(std::filesystem::exists(root + "/" + rel)) << rel;
  }
  for (const auto& [rel, option] : NeedOptions()) EXPECT_TRUE(std::filesystem::exists(root + "/" + rel)) << rel;
}

}  // namespace
}  // namespace snaplake
