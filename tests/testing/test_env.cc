#include "testing/test_env.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace snaplake {

namespace fs = std::filesystem;

namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && v[0] != '\0' ? std::string(v) : fallback;
}

std::string DefaultTestDataDir() {
  return (fs::path(SNAPLAKE_SOURCE_DIR) / ".." / "shared" / "testdata").lexically_normal().string();
}

int DecodeWaitStatus(int status) {
  if (status == -1) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

TempDir::TempDir() {
  std::string tmpl = EnvOr("TMPDIR", "/tmp");
  tmpl.append("/snaplake-test-XXXXXX");
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp(" << tmpl << ") failed: " << std::strerror(errno);
    return;
  }
  path_ = buf.data();
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  if (std::getenv("SNAPLAKE_KEEP_TEMP") != nullptr) {
    std::fprintf(stderr, "SNAPLAKE_KEEP_TEMP: keeping %s\n", path_.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
  if (ec) std::fprintf(stderr, "warning: could not remove %s: %s\n", path_.c_str(), ec.message().c_str());
}

std::string TempDir::Path(std::string_view name) const {
  std::string p = path_;
  p.push_back('/');
  p.append(name);
  return p;
}

std::optional<std::string> TestDataDir() {
  std::string dir = EnvOr("SNAPLAKE_TESTDATA", DefaultTestDataDir());
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  return dir;
}

std::string AnnounceMissingTestData() {
  std::string msg = "SKIPPED: test data not found: set SNAPLAKE_TESTDATA to the shared testdata folder (looked in ";
  msg.append(EnvOr("SNAPLAKE_TESTDATA", DefaultTestDataDir()));
  msg.append(")");
  std::fprintf(stderr, "\n**********\n%s\n**********\n", msg.c_str());
  return msg;
}

std::string SnaplakeBinary() { return SNAPLAKE_BINARY; }

std::string ShellQuote(std::string_view s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q.append("'\\''");
    } else {
      q.push_back(c);
    }
  }
  q.push_back('\'');
  return q;
}

int RunCommand(const std::string& command, std::string* stdout_text, bool merge_stderr) {
  // Braces (not a subshell) so that a compound command has all its stderr merged.
  std::string full;
  if (merge_stderr) {
    full.append("{ ").append(command).append("\n} 2>&1");
  } else {
    full = command;
  }
  // The child must not repeat our buffered output. Only our own streams:
  // fflush(NULL) would also wait on another thread's popen stream, locked
  // while that thread reads, and so serialise (or hang) concurrent commands.
  std::fflush(stdout);
  std::fflush(stderr);
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return -1;
  if (stdout_text != nullptr) stdout_text->clear();
  char buf[1 << 14];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) {
    if (stdout_text != nullptr) stdout_text->append(buf, n);
  }
  return DecodeWaitStatus(pclose(pipe));
}

int RunCommandCapture(const std::string& command, std::string* stdout_text, std::string* stderr_text) {
  if (stderr_text == nullptr) return RunCommand(command, stdout_text, false);
  std::string tmpl = EnvOr("TMPDIR", "/tmp");
  tmpl.append("/snaplake-stderr-XXXXXX");
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) return -1;
  close(fd);
  const std::string err_path = buf.data();
  std::string redirected;
  redirected.append("{ ").append(command).append("\n} 2>").append(ShellQuote(err_path));
  int rc = RunCommand(redirected, stdout_text, false);
  Result<std::string> err = ReadFileToString(err_path);
  *stderr_text = err.ok() ? std::move(err).value() : std::string();
  std::remove(err_path.c_str());
  return rc;
}

Result<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(StrCat("cannot open ", path, ": ", std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError(StrCat("cannot read ", path));
  return ss.str();
}

Status WriteStringToFile(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IOError(StrCat("cannot create ", path, ": ", std::strerror(errno)));
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) return Status::IOError(StrCat("cannot write ", path));
  return Status::OK();
}

Result<int> PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::IOError(StrCat("socket: ", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::string err = std::strerror(errno);
    close(fd);
    return Status::IOError(StrCat("cannot find a free TCP port: ", err));
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}


}  // namespace snaplake
