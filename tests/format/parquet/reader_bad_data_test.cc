// The files of apache/parquet-testing's bad_data/ folder: each must give a
// clean, one-line error naming the file (or read, if it is readable after
// all), never a crash, a hang or an unbounded allocation.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "reader_test_support.h"

namespace snaplake::parquet {
namespace {

// Files that must be refused (they cannot be read correctly), and why.
const std::map<std::string, std::string>& MustFail() {
  static const std::map<std::string, std::string> files = {
      {"PARQUET-1481.parquet", "a schema element's physical type is corrupted"},
      {"ARROW-RS-GH-6229-DICTHEADER.parquet", "a dictionary page header claims a negative value count"},
      {"ARROW-GH-41321.parquet", "pages hold fewer levels than their headers say"},
      {"ARROW-GH-41317.parquet", "its columns hold different numbers of rows"},
      {"ARROW-GH-45185.parquet", "the repetition levels start with 1 instead of 0"},
  };
  return files;
}

std::vector<std::string> BadFiles() {
  std::vector<std::string> files;
  const std::string root = testing::TestDataRoot();
  if (root.empty()) return files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root + "/parquet-testing/bad_data", ec)) {
    if (entry.path().extension() == ".parquet") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param) name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return name;
}

class BadDataFile : public ::testing::TestWithParam<std::string> {};

Status ReadWhole(const std::string& path, int64_t batch_rows, int64_t* rows) {
  ReaderOptions options;
  options.batch_rows = batch_rows;
  SL_ASSIGN_OR_RETURN(auto reader, testing::OpenFile(path, options));
  SL_ASSIGN_OR_RETURN(*rows, testing::ReadAll(reader.get()));
  return Status::OK();
}

TEST_P(BadDataFile, FailsCleanlyOrReads) {
  const std::string path = testing::TestDataRoot() + "/parquet-testing/bad_data/" + GetParam();
  for (int64_t batch_rows : {int64_t{64} * 1024, int64_t{3}}) {
    int64_t rows = -1;
    Status st = ReadWhole(path, batch_rows, &rows);
    auto must_fail = MustFail().find(GetParam());
    if (st.ok()) {
      EXPECT_EQ(must_fail, MustFail().end()) << GetParam() << " read " << rows << " rows, but " << must_fail->second;
      continue;
    }
    std::fprintf(stderr, "%s: %s\n", GetParam().c_str(), st.ToString().c_str());
    EXPECT_NE(st.code(), StatusCode::kInternal) << st.ToString();
    EXPECT_EQ(st.message().rfind(path, 0), 0u) << "the message should start with the file: " << st.message();
    EXPECT_EQ(st.message().find('\n'), std::string::npos) << "the message should be one line: " << st.message();
  }
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BadDataFile);
INSTANTIATE_TEST_SUITE_P(BadData, BadDataFile, ::testing::ValuesIn(BadFiles()), TestName);

TEST(BadData, IsPresent) {
  if (testing::TestDataRoot().empty()) GTEST_SKIP() << testing::MissingTestDataMessage();
  EXPECT_GE(BadFiles().size(), 8u);
}

}  // namespace
}  // namespace snaplake::parquet
