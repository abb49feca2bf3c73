// PgConnection: one libpq connection, with errors turned into one-line Statuses.
//
// Connection strings are anything libpq accepts (URI or key=value); PG*
// environment variables, .pgpass and sslmode work as in psql because libpq
// applies them. Not thread-safe, except Cancel(), which any thread may call.
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace snaplake::postgres {

// A finished query's rows, as text.
class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  int columns() const { return PQnfields(result_.get()); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view Value(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<size_t>(PQgetlength(result_.get(), row, column))};
  }
  std::string Text(int row, int column) const { return std::string(Value(row, column)); }
  int64_t Int(int row, int column) const;  // 0 for NULL
  bool Bool(int row, int column) const { return Value(row, column) == "t"; }
  const PGresult* raw() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

class PgConnection {
 public:
  // Connects; the error names the server (host:port/db) and says what to check.
  // `interrupt`, when set, is polled while connecting (a server that accepts
  // but never answers must not hold a cancel or a signal hostage); so is the
  // connection's connect_timeout (PGCONNECT_TIMEOUT), 30 s if none is given.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& conninfo,
                                                        const std::atomic<bool>* interrupt = nullptr);
  ~PgConnection();

  // Runs one statement that returns rows (or none); errors carry the server's message.
  Result<PgResult> Query(const std::string& sql);
  Status Execute(const std::string& sql);
  // The first column of the first row.
  Result<std::string> QueryValue(const std::string& sql);

  // Reads `COPY ... TO STDOUT` a message at a time: BeginCopyOut, then
  // NextCopyMessage until it returns false (the copy ended and succeeded).
  // A message stays valid until the next call. AbandonCopy stops a copy early.
  Status BeginCopyOut(const std::string& copy_sql);
  Result<bool> NextCopyMessage(std::string_view* message);
  void AbandonCopy();

  // Asks the server to cancel whatever this connection runs now. Thread-safe.
  void Cancel();

  int server_version() const { return PQserverVersion(conn_); }
  // "host:port/db" for messages.
  std::string Describe() const;
  PGconn* raw() { return conn_; }

 private:
  explicit PgConnection(PGconn* conn);
  Status FinishCopy();
  void FreeCopyBuffer();
  Status ErrorFromResult(const PGresult* result, std::string_view what) const;

  PGconn* conn_;
  std::mutex cancel_mutex_;
  PGcancel* cancel_ = nullptr;
  char* copy_buffer_ = nullptr;
  bool in_copy_ = false;
};

// Single-quotes a string literal ('it''s'); standard_conforming_strings is assumed on.
std::string QuoteLiteral(std::string_view value);
// libpq's message (which may span lines) as one line.
std::string OneLine(std::string_view message);

}  // namespace snaplake::postgres
