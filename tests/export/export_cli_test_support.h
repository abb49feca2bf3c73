// What the export tests that drive the real `snaplake` binary share: the
// result of one CLI run, the one-line error contract, listing the files an
// export left, and a fixture with a per-test SNAPLAKE_HOME and target that
// runs the CLI, describes a task and kills any worker a failed test left
// behind. Header-only: tests/CMakeLists.txt builds only *_test.cc files and
// tests/testing/ into executables.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "testing/test_env.h"

namespace snaplake::testing::export_cli {

inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  double seconds = 0;
};

inline size_t CountLines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

// The error contract: an exit status in `codes`, exactly one line on stderr
// starting with "snaplake: " and holding every one of `parts`.
inline ::testing::AssertionResult OneLineError(const CliResult& r, const std::vector<int>& codes,
                                               const std::vector<std::string>& parts) {
  auto failure = [&]() {
    return ::testing::AssertionFailure() << "exit " << r.exit_code << ", stderr: [" << r.err << "]";
  };
  if (std::find(codes.begin(), codes.end(), r.exit_code) == codes.end()) {
    ::testing::AssertionResult wrong_code = failure();
    wrong_code << " (expected exit status ";
    for (size_t i = 0; i < codes.size(); ++i) wrong_code << (i == 0 ? "" : " or ") << codes[i];
    return wrong_code << ")";
  }
  if (CountLines(r.err) != 1 || r.err.back() != '\n') return failure() << " (expected exactly one line)";
  if (r.err.rfind("snaplake: ", 0) != 0) return failure() << " (expected it to start with 'snaplake: ')";
  for (const std::string& part : parts) {
    if (r.err.find(part) == std::string::npos) return failure() << " (expected it to contain '" << part << "')";
  }
  return ::testing::AssertionSuccess();
}

// The same with a single expected exit status.
inline ::testing::AssertionResult OneLineError(const CliResult& r, int code, const std::vector<std::string>& parts) {
  return OneLineError(r, std::vector<int>{code}, parts);
}

// Regular files under `dir`, relative to it, sorted; empty if it does not exist.
inline std::vector<std::string> FilesUnder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) out.push_back(fs::relative(it->path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every test gets its own SNAPLAKE_HOME (dir_/home) and target (dir_/out).
// The source server is the subclass's business.
class ExportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = dir_.Path("home");
    target_ = dir_.Path("out");
  }

  // A worker that a failed test left running must not outlive it: it would
  // keep writing into the removed TempDir and hold server connections.
  void TearDown() override {
    CliResult all = Run("export describe");
    if (all.exit_code != 0) return;
    nlohmann::json parsed = nlohmann::json::parse(all.out, nullptr, false);
    if (!parsed.is_object() || !parsed["ExportTasks"].is_array()) return;
    for (const nlohmann::json& task : parsed["ExportTasks"]) {
      if (task.contains("WorkerPid")) ::kill(static_cast<pid_t>(task["WorkerPid"].get<int64_t>()), SIGKILL);
    }
  }

  // Shell words put before SNAPLAKE_HOME=... on every Run command line, each
  // followed by a space (e.g. to change the environment further).
  virtual std::string RunPrefix() const { return ""; }

  std::string TaskDir(const std::string& id) const { return target_ + "/" + id; }

  // `snaplake <args>` with this test's SNAPLAKE_HOME; `args` goes to the
  // shell as it is.
  CliResult Run(const std::string& args) const {
    CliResult r;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    r.exit_code = RunCommandCapture(
        StrCat(RunPrefix(), "SNAPLAKE_HOME=", ShellQuote(home_), " ", ShellQuote(SnaplakeBinary()), " ", args),
        &r.out, &r.err);
    r.seconds = SecondsSince(start);
    return r;
  }

  std::string StartArgs(const std::string& id, const std::string& source, const std::string& extra = "") const {
    return StrCat("export start --id ", ShellQuote(id), " --source ", ShellQuote(source), " --target ",
                  ShellQuote(target_), " ", extra);
  }

  // The element of `describe --id` for `id`, or null with *error set.
  nlohmann::json TryDescribe(const std::string& id, std::string* error) const {
    CliResult r = Run(StrCat("export describe --id ", ShellQuote(id)));
    if (r.exit_code != 0) {
      *error = StrCat("describe --id ", id, ": exit ", std::to_string(r.exit_code), ": ", r.err);
      return nullptr;
    }
    nlohmann::json parsed = nlohmann::json::parse(r.out, nullptr, false);
    if (!parsed.is_object() || !parsed["ExportTasks"].is_array() || parsed["ExportTasks"].size() != 1) {
      *error = StrCat("describe --id ", id, " printed: ", r.out);
      return nullptr;
    }
    return parsed["ExportTasks"][0];
  }

  // As TryDescribe, failing the test when describe fails.
  nlohmann::json Describe(const std::string& id) const {
    std::string error;
    nlohmann::json task = TryDescribe(id, &error);
    if (task.is_null()) ADD_FAILURE() << error;
    return task;
  }

  TempDir dir_;
  std::string home_;
  std::string target_;
};

}  // namespace snaplake::testing::export_cli
