// Running the snaplake binary from CLI tests, and checking its error contract:
// a failed command prints exactly one line, "snaplake: ...", on stderr and
// exits with status 1.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "testing/test_env.h"

namespace snaplake::cli_test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `snaplake <args>`; args are passed to /bin/sh as they are (quote paths with ShellQuote).
inline CommandResult Snaplake(const std::string& args) {
  CommandResult r;
  r.exit_code = RunCommandCapture(StrCat(ShellQuote(SnaplakeBinary()), " ", args), &r.out, &r.err);
  return r;
}

inline size_t CountLines(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

inline ::testing::AssertionResult Succeeded(const CommandResult& r) {
  if (r.exit_code == 0 && r.err.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "exit " << r.exit_code << ", stderr: " << r.err.substr(0, 2000);
}

// Exit status 1 and exactly one line on stderr, "snaplake: " + what follows,
// containing `must_contain`.
inline ::testing::AssertionResult FailedWithOneLine(const CommandResult& r, std::string_view must_contain = {}) {
  auto failure = [&]() {
    return ::testing::AssertionFailure() << "exit " << r.exit_code << ", stderr: [" << r.err.substr(0, 2000) << "]";
  };
  if (r.exit_code != 1) return failure() << " (expected exit status 1)";
  if (CountLines(r.err) != 1 || r.err.back() != '\n') return failure() << " (expected exactly one line)";
  if (r.err.rfind("snaplake: ", 0) != 0) return failure() << " (expected it to start with 'snaplake: ')";
  if (!must_contain.empty() && r.err.find(must_contain) == std::string::npos) {
    return failure() << " (expected it to contain '" << must_contain << "')";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace snaplake::cli_test
