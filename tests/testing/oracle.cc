#include "testing/oracle.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "testing/test_env.h"

namespace snaplake {

namespace {

std::string DefaultOraclePath() {
  return (std::filesystem::path(SNAPLAKE_SOURCE_DIR) / ".." / "shared" / "tools" / "parquet-oracles" / "oracle")
      .lexically_normal()
      .string();
}

std::string ConfiguredOraclePath() {
  const char* v = std::getenv("SNAPLAKE_ORACLE");
  return v != nullptr && v[0] != '\0' ? std::string(v) : DefaultOraclePath();
}

bool NodeOnPath() {
  static const bool found = RunCommand("command -v node >/dev/null 2>&1", nullptr) == 0;
  return found;
}

// "TZ=UTC '<oracle>' <args>".
std::string OracleCommand(const std::string& args) {
  std::string cmd = "TZ=UTC ";
  cmd.append(ShellQuote(*OraclePath())).append(" ").append(args);
  return cmd;
}

Result<nlohmann::json> RunOracleForJson(const std::string& args) {
  if (std::string why = OracleUnavailableReason(); !why.empty()) return Status::NotFound(why);
  std::string out, err;
  const int rc = RunCommandCapture(OracleCommand(args), &out, &err);
  if (rc != 0) {
    return Status::IOError(StrCat("oracle ", args.substr(0, 200), " exited with ", std::to_string(rc), ": ",
                                  err.substr(0, 2000), out.substr(0, 500)));
  }
  nlohmann::json parsed = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Status::Corruption(StrCat("oracle ", args.substr(0, 200), " printed no valid JSON: ", out.substr(0, 500)));
  }
  return parsed;
}

}  // namespace

std::optional<std::string> OraclePath() {
  std::string path = ConfiguredOraclePath();
  if (access(path.c_str(), X_OK) != 0) return std::nullopt;
  return path;
}

std::string OracleUnavailableReason() {
  if (!OraclePath()) {
    return StrCat("Parquet oracle not found: set SNAPLAKE_ORACLE to shared/tools/parquet-oracles/oracle (looked at ",
                  ConfiguredOraclePath(), ")");
  }
  if (!NodeOnPath()) return "Parquet oracle cannot run: `node` is not on PATH (install nodejs and npm)";
  return {};
}

std::string AnnounceMissingOracle(const std::string& reason) {
  std::string msg = StrCat("SKIPPED: ", reason);
  std::fprintf(stderr, "\n**********\n%s\n**********\n", msg.c_str());
  return msg;
}

::testing::AssertionResult OracleAllOk(const std::vector<std::string>& files) {
  if (std::string why = OracleUnavailableReason(); !why.empty()) return ::testing::AssertionFailure() << why;
  if (files.empty()) return ::testing::AssertionFailure() << "OracleAllOk: no files given";
  std::string args = "all";
  for (const std::string& f : files) args.append(" ").append(ShellQuote(f));
  std::string out;
  const int rc = RunCommand(OracleCommand(args), &out, /*merge_stderr=*/true);

  // The exit status alone is not trusted: each file must have its own "ok" line.
  std::set<std::string> ok_files;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("ok ", 0) == 0) ok_files.insert(line.substr(3));
  }
  std::vector<std::string> missing;
  for (const std::string& f : files) {
    if (ok_files.count(f) == 0) missing.push_back(f);
  }
  if (rc == 0 && missing.empty()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << "oracle all exited with " << rc << "; not ok:";
  for (const std::string& f : missing) failure << " " << f;
  failure << "\n--- oracle output ---\n" << out.substr(0, 8000);
  return failure;
}

Result<nlohmann::json> OracleDuckDbRows(const std::string& file, int64_t limit) {
  SL_ASSIGN_OR_RETURN(nlohmann::json j,
                      RunOracleForJson(StrCat("duckdb ", ShellQuote(file), " rows ", std::to_string(limit))));
  if (!j.is_object() || !j.contains("rows") || !j["rows"].is_array()) {
    return Status::Corruption(StrCat("oracle duckdb ", file, ": output has no rows array"));
  }
  return j;
}

Result<nlohmann::json> OracleSql(const std::string& sql) {
  SL_ASSIGN_OR_RETURN(nlohmann::json j, RunOracleForJson(StrCat("sql ", ShellQuote(sql))));
  if (!j.is_array()) return Status::Corruption("oracle sql: output is not a JSON array");
  return j;
}

}  // namespace snaplake
