// Inputs the fuzzer (tests/fuzz/parquet_reader_fuzz.cc) once crashed on, kept
// in tests/fuzz/regressions/: each must now read or fail cleanly. Run under
// `make sanitize` to catch the undefined behaviour they used to trigger.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "reader_test_support.h"

namespace snaplake::parquet {
namespace {

TEST(ReaderFuzzRegressions, ReadOrFailCleanly) {
  const std::string dir = std::string(SNAPLAKE_SOURCE_DIR) + "/tests/fuzz/regressions";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++seen;
    ReaderOptions options;
    options.batch_rows = 1000;
    options.max_decoded_bytes = int64_t{64} << 20;
    auto reader = testing::OpenFile(entry.path().string(), options);
    if (!reader.ok()) {
      EXPECT_NE(reader.status().code(), StatusCode::kInternal) << reader.status().ToString();
      continue;
    }
    auto rows = testing::ReadAll(reader->get());
    if (!rows.ok()) {
      EXPECT_NE(rows.status().code(), StatusCode::kInternal) << entry.path() << ": " << rows.status().ToString();
    }
  }
  EXPECT_GT(seen, 0);
}

}  // namespace
}  // namespace snaplake::parquet
