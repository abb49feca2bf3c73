#include "testing/pg_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "testing/test_env.h"

namespace snaplake::testing {

namespace fs = std::filesystem;

namespace {

constexpr int kStartAttempts = 6;
constexpr char kNotInstalled[] = "PostgreSQL server binaries not found";
constexpr int kLogTailLines = 25;

bool RunningAsRoot() { return geteuid() == 0; }

std::string TempRoot() {
  const char* t = std::getenv("TMPDIR");
  return t != nullptr && t[0] != '\0' ? std::string(t) : std::string("/tmp");
}

bool HasInitdb(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "initdb", ec);
}

// Highest /usr/lib/postgresql/<major>/bin holding initdb, compared numerically.
std::string HighestDebianBinDir() {
  std::error_code ec;
  std::string best;
  long best_version = -1;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    char* end = nullptr;
    long version = std::strtol(name.c_str(), &end, 10);
    if (end == name.c_str() || !HasInitdb(entry.path() / "bin")) continue;
    if (version > best_version) {
      best_version = version;
      best = (entry.path() / "bin").string();
    }
  }
  return best;
}

// Where scripts/fetch_postgresql.sh unpacks older majors (same default).
std::string FetchedRoots() {
  if (const char* env = std::getenv("SNAPLAKE_PG_ROOTS"); env != nullptr && env[0] != '\0') return env;
  if (RunningAsRoot()) return "/var/cache/snaplake/postgresql";
  const char* home = std::getenv("HOME");
  return StrCat(home != nullptr ? home : "", "/.cache/snaplake/postgresql");
}

struct PgInstall {
  std::string bin_dir;
  std::string lib_dir;  // extra LD_LIBRARY_PATH for a fetched major, else ""
};

Result<PgInstall> FindInstall() {
  if (const char* env = std::getenv("SNAPLAKE_PG_BIN"); env != nullptr && env[0] != '\0') {
    if (!HasInitdb(env)) {
      return Status::NotFound(StrCat("SNAPLAKE_PG_BIN=", env, " has no initdb (unset it to search the usual places)"));
    }
    const char* lib = std::getenv("SNAPLAKE_PG_LIB");
    return PgInstall{env, lib != nullptr ? lib : ""};
  }
  // A given major (the PostgreSQL 13 variants of the export tests): Debian's
  // own package if installed, else the copy scripts/fetch_postgresql.sh made.
  if (const char* major = std::getenv("SNAPLAKE_PG_MAJOR"); major != nullptr && major[0] != '\0') {
    const std::string system_bin = StrCat("/usr/lib/postgresql/", major, "/bin");
    if (HasInitdb(system_bin)) return PgInstall{system_bin, ""};
    const std::string root = StrCat(FetchedRoots(), "/", major);
    const std::string fetched_bin = StrCat(root, "/usr/lib/postgresql/", major, "/bin");
    if (HasInitdb(fetched_bin)) return PgInstall{fetched_bin, root + "/usr/lib/x86_64-linux-gnu"};
    return Status::NotFound(StrCat(kNotInstalled, " for PostgreSQL ", major, " (looked in ", system_bin, " and ",
                                   fetched_bin, "); run `make setup` or `scripts/fetch_postgresql.sh ", major, "`"));
  }
  std::string dir = HighestDebianBinDir();
  if (!dir.empty()) return PgInstall{dir, ""};
  std::string out;
  if (RunCommand("pg_config --bindir 2>/dev/null", &out) == 0) {
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (!out.empty() && HasInitdb(out)) return PgInstall{out, ""};
  }
  return Status::NotFound(StrCat(kNotInstalled, "; run `make setup` (apt-get install postgresql)"));
}

// "name=value" -> "name = 'value'" for postgresql.conf; a value already in
// single quotes is kept as it is.
Result<std::string> ConfLine(const std::string& setting) {
  size_t eq = setting.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument(StrCat("server setting '", setting, "' is not name=value"));
  }
  std::string name = setting.substr(0, eq);
  std::string value = setting.substr(eq + 1);
  std::string line = name;
  line.append(" = ");
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
    line.append(value);
  } else {
    line.push_back('\'');
    for (char c : value) {
      if (c == '\'') line.push_back('\'');
      line.push_back(c);
    }
    line.push_back('\'');
  }
  line.push_back('\n');
  return line;
}

// Settings every test server gets; a caller's settings come later and win.
const std::vector<std::string>& DefaultSettings() {
  static const std::vector<std::string> kDefaults = {
      "fsync=off",
      "full_page_writes=off",
      "wal_level=logical",
      "max_wal_senders=10",
      "max_replication_slots=10",
      "hot_standby=on",
      "hot_standby_feedback=on",
      "wal_receiver_status_interval=1s",
      "TimeZone=UTC",
      "log_timezone=UTC",
      "lc_messages=C",
      "log_min_messages=warning",
      "log_checkpoints=off",
  };
  return kDefaults;
}

size_t FileSize(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<size_t>(size);
}

}  // namespace

std::string PgServer::WithLibraries(const std::string& command) const {
  if (lib_dir_.empty()) return command;
  std::string env_path = lib_dir_;
  if (const char* old = std::getenv("LD_LIBRARY_PATH"); old != nullptr && old[0] != '\0') {
    env_path.append(":").append(old);
  }
  return StrCat("env LD_LIBRARY_PATH=", ShellQuote(env_path), " ", command);
}

std::string PgServer::AsServerUser(const std::string& command) const {
  if (!RunningAsRoot()) return WithLibraries(command);
  return StrCat("runuser -u postgres -- ", WithLibraries(command));
}

int PgServer::VersionNum() const {
  Result<std::string> version = Psql("SHOW server_version_num");
  return version.ok() ? std::atoi(version->c_str()) : 0;
}

Status PgServer::Prepare() {
  SL_ASSIGN_OR_RETURN(PgInstall install, FindInstall());
  bin_dir_ = install.bin_dir;
  lib_dir_ = install.lib_dir;
  std::string tmpl = TempRoot();
  tmpl.append("/snaplake-pg-XXXXXX");
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    return Status::IOError(StrCat("mkdtemp(", tmpl, "): ", std::strerror(errno)));
  }
  root_dir_ = buf.data();
  data_dir_ = root_dir_ + "/data";
  log_path_ = root_dir_ + "/server.log";
  // The server user must reach and write the directory (socket, log, data).
  if (chmod(root_dir_.c_str(), 0755) != 0) {
    return Status::IOError(StrCat("chmod ", root_dir_, ": ", std::strerror(errno)));
  }
  if (RunningAsRoot()) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
      return Status::NotFound(
          "running as root but there is no `postgres` user to run the server as; run `make setup`");
    }
    if (chown(root_dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return Status::IOError(StrCat("chown postgres ", root_dir_, ": ", std::strerror(errno)));
    }
  }
  StartWatchdog();
  return Status::OK();
}

Status PgServer::AppendSettings(const std::vector<std::string>& settings) const {
  std::string text = "\n# snaplake test harness\n";
  for (const std::string& s : settings) {
    SL_ASSIGN_OR_RETURN(std::string line, ConfLine(s));
    text.append(line);
  }
  const std::string conf = data_dir_ + "/postgresql.conf";
  std::ofstream out(conf, std::ios::app);
  out << text;
  out.close();
  if (!out) return Status::IOError(StrCat("cannot append to ", conf));
  return Status::OK();
}

std::string PgServer::LogTail(size_t from_offset, int max_lines) const {
  Result<std::string> log = ReadFileToString(log_path_);
  if (!log.ok()) return "(no server log)";
  std::string text = log->substr(std::min(from_offset, log->size()));
  size_t pos = text.size();
  for (int lines = 0; pos > 0 && lines <= max_lines;) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) {
      pos = 0;
      break;
    }
    ++lines;
  }
  return text.substr(pos);
}

Status PgServer::PgCtlStart(bool* address_in_use) {
  *address_in_use = false;
  const size_t log_start = FileSize(log_path_);
  std::string opts = StrCat("-p ", std::to_string(port_), " -k ", root_dir_,
                            " -c listen_addresses=127.0.0.1");
  std::string cmd = AsServerUser(StrCat(ShellQuote(bin_dir_ + "/pg_ctl"), " -D ", ShellQuote(data_dir_),
                                        " -l ", ShellQuote(log_path_), " -w -t 60 -o ", ShellQuote(opts),
                                        " start"));
  std::string out, err;
  int rc = RunCommandCapture(cmd, &out, &err);
  if (rc == 0) {
    running_ = true;
    return Status::OK();
  }
  std::string tail = LogTail(log_start, kLogTailLines);
  *address_in_use = tail.find("Address already in use") != std::string::npos ||
                    tail.find("could not bind") != std::string::npos;
  return Status::IOError(StrCat("pg_ctl start (port ", std::to_string(port_), ", data ", data_dir_,
                                ") failed with exit code ", std::to_string(rc), ": ", err,
                                "\nlast lines of ", log_path_, ":\n", tail));
}

Status PgServer::StartOnFreePort() {
  Status last;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    SL_ASSIGN_OR_RETURN(port_, PickFreePort());
    bool address_in_use = false;
    last = PgCtlStart(&address_in_use);
    if (last.ok()) return last;
    if (!address_in_use) return last;
  }
  return last.WithContext(StrCat("no free port after ", std::to_string(kStartAttempts), " attempts"));
}

// If the test process dies (crash, ctest timeout) the destructor never runs;
// this detached shell then stops the server and removes its directory, so
// that no orphaned postmaster outlives the test run. It exits on its own
// once the destructor has removed the directory.
void PgServer::StartWatchdog() const {
  const std::string dir = ShellQuote(root_dir_);
  const std::string pidfile = ShellQuote(data_dir_ + "/postmaster.pid");
  std::string script = StrCat(
      "while kill -0 ", std::to_string(getpid()), " 2>/dev/null && [ -d ", dir, " ]; do sleep 1; done; ",
      "if [ -f ", pidfile, " ]; then ",
      AsServerUser(StrCat(ShellQuote(bin_dir_ + "/pg_ctl"), " -D ", ShellQuote(data_dir_),
                          " -m immediate -w stop")),
      "; fi; ", std::getenv("SNAPLAKE_KEEP_TEMP") != nullptr ? std::string("true") : StrCat("rm -rf ", dir));
  std::string cmd = StrCat("setsid sh -c ", ShellQuote(script), " </dev/null >/dev/null 2>&1 &");
  RunCommand(cmd, nullptr);
}

Result<std::unique_ptr<PgServer>> PgServer::Start(const PgServerOptions& options) {
  for (const std::string& s : options.settings) SL_RETURN_NOT_OK(ConfLine(s).status());
  std::unique_ptr<PgServer> server(new PgServer());
  SL_RETURN_NOT_OK(server->Prepare());
  std::string cmd = server->AsServerUser(StrCat(ShellQuote(server->bin_dir_ + "/initdb"), " -D ",
                                        ShellQuote(server->data_dir_),
                                        " -A trust --no-sync -E UTF8 --locale=C.UTF-8 -U postgres"));
  std::string out, err;
  int rc = RunCommandCapture(cmd, &out, &err);
  if (rc != 0) {
    return Status::IOError(StrCat("initdb into ", server->data_dir_, " failed with exit code ",
                                  std::to_string(rc), ": ", err, out));
  }
  SL_RETURN_NOT_OK(server->AppendSettings(DefaultSettings()));
  SL_RETURN_NOT_OK(server->AppendSettings(options.settings));
  SL_RETURN_NOT_OK(server->StartOnFreePort());
  return server;
}

Result<std::unique_ptr<PgServer>> PgServer::StartReplica(const PgServerOptions& options) {
  if (!running_) return Status::InvalidArgument("StartReplica: the primary is not running");
  for (const std::string& s : options.settings) SL_RETURN_NOT_OK(ConfLine(s).status());
  std::unique_ptr<PgServer> replica(new PgServer());
  SL_RETURN_NOT_OK(replica->Prepare());
  // --checkpoint=fast: the default spread checkpoint would take minutes.
  std::string cmd = replica->AsServerUser(StrCat(ShellQuote(replica->bin_dir_ + "/pg_basebackup"), " -D ",
                                        ShellQuote(replica->data_dir_), " -R -X stream --checkpoint=fast",
                                        " --no-sync -d ", ShellQuote(Uri())));
  std::string out, err;
  int rc = RunCommandCapture(cmd, &out, &err);
  if (rc != 0) {
    return Status::IOError(StrCat("pg_basebackup from port ", std::to_string(port_), " failed with exit code ",
                                  std::to_string(rc), ": ", err, out));
  }
  // The copied postgresql.conf already holds the primary's settings.
  std::vector<std::string> settings = {"hot_standby=on"};
  settings.insert(settings.end(), options.settings.begin(), options.settings.end());
  SL_RETURN_NOT_OK(replica->AppendSettings(settings));
  SL_RETURN_NOT_OK(replica->StartOnFreePort());
  return replica;
}

PgServer::~PgServer() {
  if (running_) {
    Status s = Stop(true);
    if (!s.ok()) std::fprintf(stderr, "warning: %s\n", s.ToString().c_str());
  }
  if (root_dir_.empty()) return;
  if (std::getenv("SNAPLAKE_KEEP_TEMP") != nullptr) {
    std::fprintf(stderr, "SNAPLAKE_KEEP_TEMP: keeping %s\n", root_dir_.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(root_dir_, ec);
  if (ec) std::fprintf(stderr, "warning: could not remove %s: %s\n", root_dir_.c_str(), ec.message().c_str());
}

std::string PgServer::Uri(const std::string& db, const std::string& user) const {
  return StrCat("postgresql://", user, "@127.0.0.1:", std::to_string(port_), "/", db);
}

Result<std::string> PgServer::Psql(const std::string& sql, const std::string& db) const {
  // A file rather than -c: any length, and statements run one by one (-c
  // would send them as one implicit transaction).
  std::string tmpl = TempRoot();
  tmpl.append("/snaplake-psql-XXXXXX");
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) return Status::IOError(StrCat("mkstemp(", tmpl, "): ", std::strerror(errno)));
  close(fd);
  const std::string sql_path = buf.data();
  Status written = WriteStringToFile(sql_path, sql);
  if (!written.ok()) {
    std::remove(sql_path.c_str());
    return written;
  }
  std::string cmd = StrCat(WithLibraries(ShellQuote(bin_dir_ + "/psql")), " -X -q -At -v ON_ERROR_STOP=1 -d ",
                           ShellQuote(Uri(db)), " -f ", ShellQuote(sql_path));
  std::string out, err;
  int rc = RunCommandCapture(cmd, &out, &err);
  std::remove(sql_path.c_str());
  if (rc != 0) {
    return Status::IOError(StrCat("psql on port ", std::to_string(port_), " db ", db, " exited with ",
                                  std::to_string(rc), ": ", err));
  }
  return out;
}

Status PgServer::Stop(bool immediate) {
  if (!running_) return Status::OK();
  std::string cmd = AsServerUser(StrCat(ShellQuote(bin_dir_ + "/pg_ctl"), " -D ", ShellQuote(data_dir_),
                                        " -m ", immediate ? "immediate" : "fast", " -w -t 60 stop"));
  std::string out, err;
  int rc = RunCommandCapture(cmd, &out, &err);
  if (rc != 0) {
    return Status::IOError(StrCat("pg_ctl stop (port ", std::to_string(port_), ") failed with exit code ",
                                  std::to_string(rc), ": ", err));
  }
  running_ = false;
  return Status::OK();
}

Status PgServer::StartAgain() {
  if (running_) return Status::OK();
  bool address_in_use = false;
  return PgCtlStart(&address_in_use);
}

Status PgServer::WaitForCatchUp(const PgServer& primary, int timeout_ms) const {
  SL_ASSIGN_OR_RETURN(std::string target, primary.Psql("SELECT pg_current_wal_lsn()"));
  while (!target.empty() && target.back() == '\n') target.pop_back();
  const std::string probe = StrCat("SELECT coalesce(pg_last_wal_replay_lsn() >= '", target, "'::pg_lsn, false)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string last;
  for (;;) {
    Result<std::string> r = Psql(probe);
    if (r.ok() && r->rfind("t", 0) == 0) return Status::OK();
    last = r.ok() ? *r : r.status().message();
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Result<std::string> replayed = Psql("SELECT pg_last_wal_replay_lsn()");
  return Status::IOError(StrCat("replica on port ", std::to_string(port_), " did not replay up to ", target,
                                " within ", std::to_string(timeout_ms), " ms (replayed: ",
                                replayed.ok() ? *replayed : replayed.status().message(), "; last probe: ", last,
                                ")\nlast lines of ", log_path_, ":\n", LogTail(0, kLogTailLines)));
}

bool PgNotInstalled(const std::string& why) { return why.find(kNotInstalled) != std::string::npos; }

PgServer* SharedPgServer(std::string* why) {
  struct Shared {
    std::once_flag once;
    std::unique_ptr<PgServer> server;  // stopped by its destructor at exit
    std::string error;
  };
  static Shared shared;
  std::call_once(shared.once, [] {
    Result<std::unique_ptr<PgServer>> started = PgServer::Start();
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
