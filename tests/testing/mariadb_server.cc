#include "testing/mariadb_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "testing/test_env.h"

namespace snaplake::testing {

namespace {

constexpr char kNotInstalled[] = "MariaDB server binaries (mariadbd, mariadb-install-db) not found";
constexpr int kStartAttempts = 4;

std::string TempRoot() {
  const char* t = std::getenv("TMPDIR");
  return t != nullptr && t[0] != '\0' ? std::string(t) : std::string("/tmp");
}

bool OnPath(const std::string& program) {
  return RunCommand(StrCat("command -v ", program, " >/dev/null 2>&1"), nullptr) == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& text, size_t max_bytes) {
  return text.size() <= max_bytes ? text : text.substr(text.size() - max_bytes);
}

}  // namespace

std::string UriEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

bool MariaDbNotInstalled(const std::string& why) { return why.find(kNotInstalled) != std::string::npos; }

Result<std::unique_ptr<MariaDbServer>> MariaDbServer::Start(const MariaDbServerOptions& options) {
  if (!OnPath("mariadbd") && !OnPath("/usr/sbin/mariadbd")) {
    return Status::NotFound(StrCat(kNotInstalled, "; run `make setup` (apt-get install mariadb-server mariadb-client)"));
  }
  std::unique_ptr<MariaDbServer> server(new MariaDbServer());
  server->extra_args_ = options.args;
  std::string tmpl = TempRoot() + "/snaplake-mariadb-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return Status::IOError(StrCat("mkdtemp(", tmpl, "): ", std::strerror(errno)));
  server->root_dir_ = buf.data();
  server->data_dir_ = server->root_dir_ + "/data";
  server->socket_path_ = server->root_dir_ + "/sock";
  server->pid_path_ = server->root_dir_ + "/mariadbd.pid";
  server->log_path_ = server->root_dir_ + "/mariadbd.log";
  server->StartWatchdog();
  std::string out, err;
  // Its own temporary directory: servers bootstrapping at once in a shared
  // /tmp have failed on each other's temporary tables (ERROR 1051 in CI).
  if (RunCommand(StrCat("mkdir -p ", ShellQuote(server->root_dir_ + "/tmp")), nullptr) != 0) {
    return Status::IOError("cannot create " + server->root_dir_ + "/tmp");
  }
  int rc = RunCommandCapture(StrCat("mariadb-install-db --no-defaults --user=root --datadir=",
                                    ShellQuote(server->data_dir_), " --tmpdir=", ShellQuote(server->root_dir_ + "/tmp"),
                                    " --auth-root-authentication-method=normal --skip-test-db"),
                             &out, &err);
  if (rc != 0) {
    return Status::IOError(StrCat("mariadb-install-db into ", server->data_dir_, " failed with exit code ",
                                  std::to_string(rc), ": ", Tail(err + out, 2000)));
  }
  Status last;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    SL_ASSIGN_OR_RETURN(server->port_, PickFreePort());
    last = server->Launch();
    if (last.ok()) return server;
    if (ReadFile(server->log_path_).find("Address already in use") == std::string::npos) return last;
  }
  return last;
}

Status MariaDbServer::Launch() {
  std::string extra;
  for (const std::string& arg : extra_args_) extra.append(" ").append(ShellQuote(arg));
  std::string cmd = StrCat(
      "setsid mariadbd --no-defaults --user=root --datadir=", ShellQuote(data_dir_), " --tmpdir=",
      ShellQuote(root_dir_ + "/tmp"), " --socket=",
      ShellQuote(socket_path_), " --port=", std::to_string(port_),
      " --bind-address=127.0.0.1 --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=0",
      " --innodb-log-file-size=64M --log-bin=", ShellQuote(root_dir_ + "/binlog"), " --server-id=1",
      " --max-connections=200 --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci",
      " --pid-file=", ShellQuote(pid_path_), " --log-error=", ShellQuote(log_path_), extra,
      " </dev/null >/dev/null 2>&1 &");
  if (RunCommand(cmd, nullptr) != 0) return Status::IOError("cannot launch mariadbd");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string out;
    int rc = RunCommandCapture(StrCat("mariadb --no-defaults -S ", ShellQuote(socket_path_),
                                      " -uroot -N -B -e 'SELECT 1' 2>/dev/null"),
                               &out, nullptr);
    if (rc == 0) {
      running_ = true;
      return Status::OK();
    }
    std::string log = ReadFile(log_path_);
    if (log.find("Address already in use") != std::string::npos || log.find("Aborting") != std::string::npos) {
      return Status::IOError(StrCat("mariadbd on port ", std::to_string(port_), " did not start: ", Tail(log, 1500)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return Status::IOError(StrCat("mariadbd on port ", std::to_string(port_), " did not answer within 90 s: ",
                                Tail(ReadFile(log_path_), 1500)));
}

// If the test process dies without running the destructor, this detached
// shell stops the server and removes its directory.
void MariaDbServer::StartWatchdog() const {
  const std::string dir = ShellQuote(root_dir_);
  const std::string pidfile = ShellQuote(pid_path_);
  std::string script = StrCat(
      "while kill -0 ", std::to_string(getpid()), " 2>/dev/null && [ -d ", dir, " ]; do sleep 1; done; ",
      "if [ -f ", pidfile, " ]; then kill -9 $(cat ", pidfile, ") 2>/dev/null; fi; ",
      std::getenv("SNAPLAKE_KEEP_TEMP") != nullptr ? std::string("true") : StrCat("rm -rf ", dir));
  RunCommand(StrCat("setsid sh -c ", ShellQuote(script), " </dev/null >/dev/null 2>&1 &"), nullptr);
}

MariaDbServer::~MariaDbServer() {
  std::string pid_text = ReadFile(pid_path_);
  pid_t pid = static_cast<pid_t>(std::atol(pid_text.c_str()));
  if (pid > 0) {
    ::kill(pid, SIGKILL);
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (std::getenv("SNAPLAKE_KEEP_TEMP") != nullptr) {
    std::fprintf(stderr, "SNAPLAKE_KEEP_TEMP: keeping %s\n", root_dir_.c_str());
    return;
  }
  RunCommand(StrCat("rm -rf ", ShellQuote(root_dir_)), nullptr);
}

std::string MariaDbServer::Uri(const std::string& db, const std::string& user, const std::string& password) const {
  std::string uri = "mysql://" + UriEncode(user);
  if (!password.empty()) uri.append(":").append(UriEncode(password));
  uri.append("@127.0.0.1:").append(std::to_string(port_)).append("/").append(UriEncode(db));
  return uri;
}

Result<std::string> MariaDbServer::Sql(const std::string& sql, const std::string& db) const {
  std::string tmpl = TempRoot() + "/snaplake-sql-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) return Status::IOError(StrCat("mkstemp(", tmpl, "): ", std::strerror(errno)));
  close(fd);
  const std::string path = buf.data();
  {
    std::ofstream out(path, std::ios::binary);
    out << sql;
  }
  std::string cmd = StrCat("mariadb --no-defaults -S ", ShellQuote(socket_path_),
                           " -uroot --default-character-set=utf8mb4 -N -B ",
                           db.empty() ? std::string() : ShellQuote(db), " < ", ShellQuote(path));
  std::string out, err;
  int rc = RunCommandCapture(cmd, &out, &err);
  std::remove(path.c_str());
  if (rc != 0) return Status::IOError(StrCat("mariadb client exited with ", std::to_string(rc), ": ", err));
  return out;
}

MariaDbServer* SharedMariaDbServer(std::string* why) {
  struct Shared {
    std::once_flag once;
    std::unique_ptr<MariaDbServer> server;
    std::string error;
  };
  static Shared shared;
  std::call_once(shared.once, [] {
    Result<std::unique_ptr<MariaDbServer>> started = MariaDbServer::Start();
    if (started.ok()) {
      shared.server = std::move(started).value();
    } else {
      shared.error = started.status().message();
    }
  });
  if (shared.server == nullptr && why != nullptr) *why = shared.error;
  return shared.server.get();
}

}  // namespace snaplake::testing
