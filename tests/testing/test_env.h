// Test environment helpers shared by every snaplake test: temporary
// directories, where the shared test data lives, and running commands.
//
// Tests that need data from ../shared (see shared/README.md) must skip loudly,
// never pass silently, when it is absent:
//   TEST(Foo, Bar) { SL_REQUIRE_TESTDATA(data); ... data + "/parquet-testing/data/x.parquet" ... }
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace snaplake {

// A fresh directory under $TMPDIR (default /tmp), removed with everything in it
// when the object goes away, unless SNAPLAKE_KEEP_TEMP is set in the
// environment (then its path is printed so that it can be inspected).
// Creation failure is reported as a test failure and leaves path() empty.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name; nothing is created.
  std::string Path(std::string_view name) const;

 private:
  std::string path_;
};

// The shared test data folder: $SNAPLAKE_TESTDATA if set, else
// <source dir>/../shared/testdata; nullopt when that folder does not exist.
std::optional<std::string> TestDataDir();

// Prints a banner on stderr saying the test data is missing and where it was
// looked for, and returns that message (for GTEST_SKIP).
std::string AnnounceMissingTestData();

// Path of the snaplake CLI built alongside the tests.
std::string SnaplakeBinary();

// Wraps `s` in single quotes for /bin/sh, escaping any single quotes inside.
std::string ShellQuote(std::string_view s);

// Runs `command` with /bin/sh (popen) and stores its stdout in *stdout_text
// (may be null). stderr goes to the test's stderr, or into *stdout_text too
// when merge_stderr is set. Returns the exit status (0..255), 128 + signal if
// it was killed, or -1 if it could not be started.
int RunCommand(const std::string& command, std::string* stdout_text, bool merge_stderr = false);

// As RunCommand, capturing stdout and stderr separately (either may be null).
int RunCommandCapture(const std::string& command, std::string* stdout_text, std::string* stderr_text);

// Concatenates strings, string_views and C strings. (Also sidesteps GCC 12's
// false -Wrestrict on `"literal" + std::string`.)
template <typename... Parts>
std::string StrCat(const Parts&... parts) {
  std::string s;
  (s.append(parts), ...);
  return s;
}

// A TCP port on 127.0.0.1 that nobody listens on right now. Another process
// may take it before a server binds it: servers started on it retry.
Result<int> PickFreePort();

// Whole-file helpers for test fixtures.
Result<std::string> ReadFileToString(const std::string& path);
Status WriteStringToFile(const std::string& path, std::string_view contents);

}  // namespace snaplake

// Binds `const std::string& var` to the test data folder, or skips the test
// with a loud message. Only for functions returning void (TEST bodies, SetUp).
#define SL_REQUIRE_TESTDATA(var)                                                     \
  const std::optional<std::string> SL_CONCAT(sl_testdata_, __LINE__) =               \
      ::snaplake::TestDataDir();                                                     \
  if (!SL_CONCAT(sl_testdata_, __LINE__)) GTEST_SKIP() << ::snaplake::AnnounceMissingTestData(); \
  const std::string& var = *SL_CONCAT(sl_testdata_, __LINE__)
