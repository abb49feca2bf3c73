// LocalFileSystem behaviours the layers above rely on.
#include "storage/local_file_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <string>

#include "storage/file_system.h"
#include "testing/test_env.h"

namespace snaplake {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Delta's vacuum removes unreferenced files older than its retention by their
// modification time. An ingest links the export's files into the table before
// it commits them, so a linked file must look new, not as old as the export.
TEST(LocalFileSystem, CopyIsNewAsOfTheCopy) {
  TempDir dir;
  LocalFileSystem fs;
  const std::string from = dir.Path("export/part-0.parquet");
  const std::string to = dir.Path("table/part-0.parquet");
  ASSERT_TRUE(fs.CreateDirs(dir.Path("export")).ok());
  ASSERT_TRUE(WriteStringToFile(from, "bytes of a part file").ok());
  const timespec old_times[2] = {{946684800, 0}, {946684800, 0}};  // 2000-01-01
  ASSERT_EQ(::utimensat(AT_FDCWD, from.c_str(), old_times, 0), 0);
  ASSERT_EQ(fs.Stat(from)->mtime_ms, int64_t{946684800} * 1000);

  const int64_t before = NowMs();
  ASSERT_TRUE(fs.Copy(from, to).ok());
  Result<FileInfo> copied = fs.Stat(to);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_GE(copied->mtime_ms, before - 1000) << "the copy kept the source's old modification time";
  EXPECT_EQ(copied->size, 20);
  Result<std::string> bytes = ReadFileToString(to);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "bytes of a part file");
}

TEST(LocalFileSystem, CopyReplacesAnExistingTarget) {
  TempDir dir;
  LocalFileSystem fs;
  ASSERT_TRUE(WriteStringToFile(dir.Path("a"), "new").ok());
  ASSERT_TRUE(WriteStringToFile(dir.Path("b"), "old contents").ok());
  ASSERT_TRUE(fs.Copy(dir.Path("a"), dir.Path("b")).ok());
  EXPECT_EQ(ReadFileToString(dir.Path("b")).ValueOr(""), "new");
}

TEST(LocalFileSystem, CopyOfAMissingFileNamesIt) {
  TempDir dir;
  LocalFileSystem fs;
  Status st = fs.Copy(dir.Path("missing"), dir.Path("to"));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(dir.Path("missing")), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace snaplake
