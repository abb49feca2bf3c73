// Throwaway MariaDB servers for tests.
//
// MariaDbServer::Start() runs mariadb-install-db into a fresh temporary
// directory and starts `mariadbd --no-defaults --user=root` on 127.0.0.1 and a
// free port, with its Unix socket in that directory, the binary log on
// (--log-bin, server-id 1) and test-friendly durability
// (innodb_flush_log_at_trx_commit=0). root has no password, over the socket
// and over TCP (root@127.0.0.1). The destructor stops the server and removes
// the directory unless SNAPLAKE_KEEP_TEMP is set; a watchdog process does the
// same if the test process dies first.
//
// Tests that need just some server use SL_REQUIRE_SHARED_MARIADB inside the
// test body: it skips loudly when MariaDB is not installed and fails the test
// when it is installed but does not start.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace snaplake::testing {

struct MariaDbServerOptions {
  // Extra mariadbd options ("--ssl-cert=/path"), after the harness's own.
  std::vector<std::string> args;
};

class MariaDbServer {
 public:
  static Result<std::unique_ptr<MariaDbServer>> Start(const MariaDbServerOptions& options = {});
  ~MariaDbServer();
  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;

  int port() const { return port_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::string& root_dir() const { return root_dir_; }

  // "mysql://USER[:PASSWORD]@127.0.0.1:PORT/DB" (user, password and db percent-encoded).
  std::string Uri(const std::string& db = "", const std::string& user = "root",
                  const std::string& password = "") const;

  // Runs `sql` (any number of statements) through the `mariadb` client as root
  // over the socket, with utf8mb4, in batch mode without column names (-N -B),
  // and returns its stdout. On failure the message holds the client's stderr.
  Result<std::string> Sql(const std::string& sql, const std::string& db = "") const;

 private:
  MariaDbServer() = default;
  Status Launch();
  void StartWatchdog() const;

  std::vector<std::string> extra_args_;
  std::string root_dir_;
  std::string data_dir_;
  std::string socket_path_;
  std::string pid_path_;
  std::string log_path_;
  int port_ = 0;
  bool running_ = false;
};

// One server per test process, started on the first call and stopped at exit.
// Returns nullptr with the reason in *why if it cannot start.
MariaDbServer* SharedMariaDbServer(std::string* why = nullptr);

// True when `why` means MariaDB is not installed (as opposed to broken).
bool MariaDbNotInstalled(const std::string& why);

// Percent-encodes everything but unreserved URI characters.
std::string UriEncode(const std::string& text);

}  // namespace snaplake::testing

#define SL_REQUIRE_SHARED_MARIADB(var)                                                       \
  std::string SL_CONCAT(sl_my_why_, __LINE__);                                               \
  ::snaplake::testing::MariaDbServer* var =                                                  \
      ::snaplake::testing::SharedMariaDbServer(&SL_CONCAT(sl_my_why_, __LINE__));            \
  if (var == nullptr) {                                                                      \
    if (::snaplake::testing::MariaDbNotInstalled(SL_CONCAT(sl_my_why_, __LINE__))) {         \
      std::fprintf(stderr, "\n**********\nSKIPPED: %s\n**********\n",                       \
                   SL_CONCAT(sl_my_why_, __LINE__).c_str());                                 \
      GTEST_SKIP() << SL_CONCAT(sl_my_why_, __LINE__);                                       \
    }                                                                                        \
    FAIL() << "cannot start the shared MariaDB server: " << SL_CONCAT(sl_my_why_, __LINE__); \
  }                                                                                          \
  static_assert(true, "")
