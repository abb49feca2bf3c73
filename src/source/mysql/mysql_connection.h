// MySqlConnection: one libmariadb connection to a MySQL 8 or MariaDB 10.5+
// server, with the session settings every snaplake reader relies on.
//
// Connection strings:
//   mysql://[user[:password]@][host][:port][/database][?key=value&...]
//   mariadb://... (the same)
// user, password and database are percent-decoded. Query keys: socket=PATH
// (a Unix socket; so is a host that starts with '/' after decoding, e.g.
// mysql://root@%2Ftmp%2Fmysql.sock/db), ssl-mode=DISABLED|PREFERRED|REQUIRED|
// VERIFY_CA|VERIFY_IDENTITY, ssl-ca, ssl-cert, ssl-key, option-file=PATH,
// option-group=NAME, connect-timeout=SECONDS. Whatever the URI leaves out
// (user, password, host, port, socket, TLS) comes from the [client] group of
// the usual option files (/etc/mysql/my.cnf, ~/.my.cnf) as libmariadb reads them.
//
// Every connection runs: SET NAMES utf8mb4 (text of any character set arrives
// as UTF-8; binary strings arrive as their bytes), time_zone '+00:00'
// (TIMESTAMP values print in UTC), long net timeouts (a reader may pause while
// the Parquet writer flushes), and sql_mode '' for reads of zero dates.
//
// A connection is used by one thread; Abort() may be called from any thread
// to make a blocked read fail at once (the socket is shut down).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct st_mysql;
struct st_mysql_stmt;

namespace snaplake::mysql {

struct MySqlConnectParams {
  std::string user;        // empty: from option files, else the OS user
  std::string password;
  bool has_password = false;
  std::string host;        // empty: from option files, else localhost
  int port = 0;            // 0: default
  std::string socket;
  std::string database;    // empty: every user database
  std::string ssl_mode;    // upper-case, empty = client default
  std::string ssl_ca, ssl_cert, ssl_key;
  std::string option_file;
  std::string option_group = "client";
  int connect_timeout_seconds = 30;

  // "user@host:port" or "user@socket", no password, for messages.
  std::string Describe() const;
};

// Parses a mysql:// or mariadb:// URI; InvalidArgument names what is wrong.
Result<MySqlConnectParams> ParseMySqlUri(std::string_view uri);
// True for strings ParseMySqlUri is meant for.
bool IsMySqlUri(std::string_view source);

// `name` quoted for MySQL: `a``b`.
std::string QuoteMySqlIdentifier(std::string_view name);
// 'text' with quotes and backslashes escaped (works with and without NO_BACKSLASH_ESCAPES).
std::string QuoteMySqlString(std::string_view text);

// A small result, fully read: rows of nullable text fields.
struct MySqlRows {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<bool>> nulls;
  size_t size() const { return rows.size(); }
};

// One result column as the server describes it (MYSQL_FIELD) in a prepared
// statement's result.
struct MySqlResultField {
  std::string name;
  int type = 0;                // enum_field_types
  bool is_unsigned = false;
  unsigned int decimals = 0;   // fraction digits of TIME/DATETIME/TIMESTAMP
};

class MySqlConnection {
 public:
  // Connects and applies the session settings. Errors are one line:
  // "cannot connect to MySQL at user@host:port: <server message>; <advice>".
  static Result<std::unique_ptr<MySqlConnection>> Connect(const MySqlConnectParams& params);
  ~MySqlConnection();
  MySqlConnection(const MySqlConnection&) = delete;
  MySqlConnection& operator=(const MySqlConnection&) = delete;

  // Runs statements that return no rows (or whose rows are discarded).
  Status Execute(std::string_view sql);
  // Runs a statement and reads all of its rows (for catalog-sized results only).
  Result<MySqlRows> Query(std::string_view sql);

  // Streaming over the binary protocol (a server-side prepared statement, no cursor, rows read
  // as they arrive): StreamPrepared() prepares and executes `sql` and returns
  // its result columns; then FetchPrepared() until it returns false hands each
  // row's values, in column order, to `callback(data, column, &value)` (see
  // MySqlBinaryRowDecoder::Callback); EndStream() closes the statement (a
  // statement with rows left is not drained: the connection is cut first).
  using ValueCallback = void (*)(void* data, unsigned int column, unsigned char** value);
  Result<std::vector<MySqlResultField>> StreamPrepared(std::string_view sql, ValueCallback callback, void* data);
  Result<bool> FetchPrepared();
  void EndStream();

  // Bytes received so far on this connection (approximate: row payloads).
  int64_t bytes_received() const { return bytes_received_; }
  void AddBytesReceived(int64_t bytes) { bytes_received_ += bytes; }

  // From any thread: makes the current and every later call fail quickly.
  void Abort();
  bool aborted() const { return aborted_.load(); }

  bool is_mariadb() const { return is_mariadb_; }
  // e.g. 101119 for 10.11.19.
  unsigned long server_version() const { return server_version_; }
  const MySqlConnectParams& params() const { return params_; }
  // The last server error number (0 if none).
  unsigned int last_errno() const { return last_errno_; }

 private:
  explicit MySqlConnection(MySqlConnectParams params) : params_(std::move(params)) {}
  Status Error(std::string_view what);
  Status StatementError(std::string_view what);

  MySqlConnectParams params_;
  st_mysql* mysql_ = nullptr;
  st_mysql_stmt* statement_ = nullptr;
  bool statement_done_ = false;  // every row fetched (or none to fetch)
  int64_t bytes_received_ = 0;
  std::atomic<bool> aborted_{false};
  bool is_mariadb_ = false;
  unsigned long server_version_ = 0;
  unsigned int last_errno_ = 0;
};

}  // namespace snaplake::mysql
