// Throwaway PostgreSQL servers for tests.
//
// PgServer::Start() runs initdb into a fresh temporary directory and starts a
// server on 127.0.0.1 and a free port (plus a Unix socket in that directory),
// tuned for tests: fsync=off, wal_level=logical, replication allowed,
// TimeZone=UTC, trust authentication for the `postgres` superuser. The
// destructor stops it (immediate mode) and removes the directory, unless
// SNAPLAKE_KEEP_TEMP is set. A watchdog process stops the server and removes
// the directory if the test process dies without running the destructor.
//
// Binaries come from $SNAPLAKE_PG_BIN (plus $SNAPLAKE_PG_LIB for its shared
// libraries), else with $SNAPLAKE_PG_MAJOR=N from /usr/lib/postgresql/N/bin or
// the copy scripts/fetch_postgresql.sh N unpacked (the PostgreSQL 13 runs of
// the export tests), else the highest /usr/lib/postgresql/<version>/bin with
// initdb, else `pg_config --bindir`.
// When running as root, server-side programs run as the `postgres` user
// (initdb refuses root) through `runuser -u postgres --`.
//
// Tests that need just some server use SL_REQUIRE_SHARED_PG inside the test
// body: it skips loudly when PostgreSQL is not installed and fails the test
// when it is installed but does not start.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace snaplake::testing {

struct PgServerOptions {
  // Extra "name=value" server settings; they override the harness defaults.
  std::vector<std::string> settings;
};

class PgServer {
 public:
  static Result<std::unique_ptr<PgServer>> Start(const PgServerOptions& options = {});

  // A streaming replica of this server (pg_basebackup -R -X stream) in its own
  // directory, started on its own port with hot_standby=on. It must be
  // destroyed before this server is, or it keeps retrying to connect.
  Result<std::unique_ptr<PgServer>> StartReplica(const PgServerOptions& options = {});

  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  int port() const { return port_; }
  const std::string& socket_dir() const { return root_dir_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& log_path() const { return log_path_; }
  bool running() const { return running_; }

  // "postgresql://USER@127.0.0.1:PORT/DB"
  std::string Uri(const std::string& db = "postgres", const std::string& user = "postgres") const;

  // Runs `sql` (any number of statements) with
  // `psql -X -q -At -v ON_ERROR_STOP=1 -f <file>` over TCP as role postgres and
  // returns its stdout. On failure the message holds psql's stderr.
  Result<std::string> Psql(const std::string& sql, const std::string& db = "postgres") const;

  // server_version_num (150018 for 15.18), or 0 when it cannot be read.
  int VersionNum() const;

  // Stops the server (pg_ctl stop -m immediate, or -m fast) and keeps its data.
  Status Stop(bool immediate = true);
  // Starts a stopped server again on the same port and data directory.
  Status StartAgain();

  // For a replica: waits until it has replayed all WAL the primary had written
  // when this was called (pg_current_wal_lsn on the primary).
  Status WaitForCatchUp(const PgServer& primary, int timeout_ms = 30000) const;

 private:
  PgServer() = default;

  // Creates root_dir_ (owned by postgres when we are root) and finds binaries.
  Status Prepare();
  // Appends "name = 'value'" lines to postgresql.conf (later lines win).
  Status AppendSettings(const std::vector<std::string>& settings) const;
  // Picks a free port and starts; retries on another port if the chosen one
  // was taken by a concurrent process in the meantime.
  Status StartOnFreePort();
  // pg_ctl start on port_; *address_in_use tells a port race apart.
  Status PgCtlStart(bool* address_in_use);
  void StartWatchdog() const;
  std::string LogTail(size_t from_offset, int max_lines) const;

  // `command` with the fetched major's libraries on LD_LIBRARY_PATH, if any.
  std::string WithLibraries(const std::string& command) const;
  // `command` as the server's user (runuser when we are root).
  std::string AsServerUser(const std::string& command) const;

  std::string bin_dir_;
  std::string lib_dir_;  // LD_LIBRARY_PATH addition for a fetched older major
  std::string root_dir_;  // also the Unix socket directory
  std::string data_dir_;
  std::string log_path_;
  int port_ = 0;
  bool running_ = false;
};

// One server per test process, started on the first call and stopped at
// process exit. Call it from test bodies, not during static initialisation.
// Returns nullptr and stores the reason in *why if it cannot start (then
// every later call fails the same way without trying again).
PgServer* SharedPgServer(std::string* why = nullptr);

// True when `why` (from Start or SharedPgServer) means PostgreSQL is not
// installed, as opposed to installed but broken.
bool PgNotInstalled(const std::string& why);

}  // namespace snaplake::testing

// Binds `snaplake::testing::PgServer* var` to the shared server, or skips (not
// installed, with a banner on stderr) or fails (installed but cannot start)
// the test. Only for functions returning void (TEST bodies, SetUp).
#define SL_REQUIRE_SHARED_PG(var)                                                        \
  std::string SL_CONCAT(sl_pg_why_, __LINE__);                                           \
  ::snaplake::testing::PgServer* var =                                                   \
      ::snaplake::testing::SharedPgServer(&SL_CONCAT(sl_pg_why_, __LINE__));             \
  if (var == nullptr) {                                                                  \
    if (::snaplake::testing::PgNotInstalled(SL_CONCAT(sl_pg_why_, __LINE__))) {          \
      std::fprintf(stderr, "\n**********\nSKIPPED: %s\n**********\n",                   \
                   SL_CONCAT(sl_pg_why_, __LINE__).c_str());                             \
      GTEST_SKIP() << SL_CONCAT(sl_pg_why_, __LINE__);                                   \
    }                                                                                    \
    FAIL() << "cannot start the shared PostgreSQL server: " << SL_CONCAT(sl_pg_why_, __LINE__); \
  }                                                                                      \
  static_assert(true, "")
