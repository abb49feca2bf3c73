#include "source/postgres/pg_connection.h"

#include "source/postgres/pg_type_mapping.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string>

namespace snaplake::postgres {

namespace {

// Adds advice to libpq's own words for the failures users hit most.
std::string ConnectAdvice(const std::string& message) {
  if (message.find("password authentication failed") != std::string::npos ||
      message.find("no password supplied") != std::string::npos) {
    return "; check the user and password (connection string, PGPASSWORD or ~/.pgpass)";
  }
  if (message.find("does not exist") != std::string::npos) {
    return "; check the database and user names in --source";
  }
  if (message.find("Connection refused") != std::string::npos ||
      message.find("could not translate host name") != std::string::npos ||
      message.find("timeout expired") != std::string::npos ||
      message.find("No such file or directory") != std::string::npos) {
    return "; check the host and port in --source and that the server is running";
  }
  if (message.find("no pg_hba.conf entry") != std::string::npos) {
    return "; the server's pg_hba.conf does not admit this user/host; ask its administrator";
  }
  return "";
}

}  // namespace

std::string OneLine(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  bool pending_separator = false;
  for (char c : message) {
    if (c == '\n' || c == '\r') {
      pending_separator = !out.empty();
      continue;
    }
    if (pending_separator) {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out.append("; ");
      pending_separator = false;
      if (c == '\t' || c == ' ') continue;
    }
    if (c == '\t') c = ' ';
    if (c == ' ' && !out.empty() && (out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  return out;
}

std::string QuoteLiteral(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('\'');
  for (char c : value) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

int64_t PgResult::Int(int row, int column) const {
  if (IsNull(row, column)) return 0;
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

PgConnection::PgConnection(PGconn* conn) : conn_(conn) {}

PgConnection::~PgConnection() {
  FreeCopyBuffer();
  {
    std::lock_guard<std::mutex> lock(cancel_mutex_);
    if (cancel_ != nullptr) PQfreeCancel(cancel_);
    cancel_ = nullptr;
  }
  PQfinish(conn_);
}

namespace {

// libpq's connect_timeout is enforced only by its blocking connect; the
// polling connect below needs the value itself.
int ConnectTimeoutSeconds(PGconn* conn) {
  int seconds = 30;
  PQconninfoOption* options = PQconninfo(conn);
  if (options == nullptr) return seconds;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "connect_timeout" && o->val != nullptr && *o->val != '\0') {
      int value = std::atoi(o->val);
      if (value > 0) seconds = std::max(value, 2);  // libpq treats 1 as 2, too
    }
  }
  PQconninfoFree(options);
  return seconds;
}

// Drives PQconnectPoll until the connection is made or fails, waking every
// 100 ms to honour `interrupt` and the deadline.
Status PollConnect(PGconn* conn, const std::atomic<bool>* interrupt) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(ConnectTimeoutSeconds(conn));
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED) {
    const int fd = PQsocket(conn);
    if (fd < 0) break;
    struct pollfd waiting {};
    waiting.fd = fd;
    waiting.events = state == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    for (;;) {
      if (interrupt != nullptr && interrupt->load()) return Status::Cancelled("interrupted while connecting");
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::IOError("timeout expired (the server accepted the connection but did not answer)");
      }
      int ready = ::poll(&waiting, 1, 100);
      if (ready > 0 || (ready < 0 && errno != EINTR)) break;
    }
    state = PQconnectPoll(conn);
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& conninfo,
                                                            const std::atomic<bool>* interrupt) {
  // expand_dbname lets `conninfo` be a URI or key=value string; keywords after
  // it would override the user's, so only a fallback application name follows.
  const char* keywords[] = {"dbname", "fallback_application_name", nullptr};
  const char* values[] = {conninfo.c_str(), "snaplake", nullptr};
  PGconn* conn = PQconnectStartParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status::IOError("cannot connect to PostgreSQL: out of memory in libpq");
  auto connection = std::unique_ptr<PgConnection>(new PgConnection(conn));
  Status polled = PQstatus(conn) == CONNECTION_BAD ? Status::OK() : PollConnect(conn, interrupt);
  if (polled.code() == StatusCode::kCancelled) return polled;
  if (!polled.ok()) {
    return Status::IOError("cannot connect to PostgreSQL at " + connection->Describe() + ": " + polled.message() +
                           "; check the host and port in --source and that the server is running");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = OneLine(PQerrorMessage(conn));
    std::string text = "cannot connect to PostgreSQL at " + connection->Describe() + ": " + message;
    text.append(ConnectAdvice(message));
    return Status::IOError(std::move(text));
  }
  connection->cancel_ = PQgetCancel(conn);
  // Values must come back exactly: no locale-dependent or lossy text output.
  // The settings the type mapping's ::text casts rely on, and no server-side
  // timeouts that would cut a long export (or its idle leader) short.
  SL_RETURN_NOT_OK(connection->Execute(std::string(RequiredSessionSettingsSql()) +
                                       "; SET statement_timeout = 0; SET lock_timeout = 0; "
                                       "SET idle_in_transaction_session_timeout = 0"));
  return connection;
}

std::string PgConnection::Describe() const {
  std::string out;
  const char* host = PQhost(conn_);
  const char* port = PQport(conn_);
  const char* db = PQdb(conn_);
  out.append(host != nullptr && *host != '\0' ? host : "localhost");
  if (port != nullptr && *port != '\0') out.append(":").append(port);
  out.append("/").append(db != nullptr ? db : "");
  return out;
}

Status PgConnection::ErrorFromResult(const PGresult* result, std::string_view what) const {
  if (PQstatus(conn_) == CONNECTION_BAD) {
    std::string text = "lost the connection to PostgreSQL at " + Describe() + " while " + std::string(what) +
                       ": " + OneLine(PQerrorMessage(conn_)) +
                       "; the server restarted, crashed or the network failed";
    return Status::IOError(std::move(text));
  }
  const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* detail = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string text = "PostgreSQL at " + Describe() + " failed while " + std::string(what) + ": ";
  text.append(primary != nullptr ? primary : OneLine(PQerrorMessage(conn_)));
  if (detail != nullptr) text.append(" (").append(OneLine(detail)).append(")");
  std::string state = sqlstate != nullptr ? sqlstate : "";
  if (state == "42501") text.append("; grant the exporting user SELECT on it, or leave it out with --only");
  if (state == "40001" || state == "40P01" ||
      (primary != nullptr && std::string_view(primary).find("conflict with recovery") != std::string_view::npos)) {
    text.append(
        "; on a hot standby set hot_standby_feedback = on (or raise max_standby_streaming_delay) and retry");
  }
  if (state == "57014") return Status::Cancelled(std::move(text));
  return Status::IOError(std::move(text));
}

Result<PgResult> PgConnection::Query(const std::string& sql) {
  PgResult result(PQexec(conn_, sql.c_str()));
  ExecStatusType status = PQresultStatus(result.raw());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return ErrorFromResult(result.raw(), "running a query");
  }
  return result;
}

Status PgConnection::Execute(const std::string& sql) {
  SL_ASSIGN_OR_RETURN(PgResult result, Query(sql));
  (void)result;
  return Status::OK();
}

Result<std::string> PgConnection::QueryValue(const std::string& sql) {
  SL_ASSIGN_OR_RETURN(PgResult result, Query(sql));
  if (result.rows() < 1 || result.columns() < 1) return Status::Internal("query returned no rows: " + sql);
  return result.Text(0, 0);
}

Status PgConnection::BeginCopyOut(const std::string& copy_sql) {
  PgResult result(PQexec(conn_, copy_sql.c_str()));
  if (PQresultStatus(result.raw()) != PGRES_COPY_OUT) return ErrorFromResult(result.raw(), "starting COPY");
  in_copy_ = true;
  return Status::OK();
}

void PgConnection::FreeCopyBuffer() {
  if (copy_buffer_ != nullptr) PQfreemem(copy_buffer_);
  copy_buffer_ = nullptr;
}

Result<bool> PgConnection::NextCopyMessage(std::string_view* message) {
  FreeCopyBuffer();
  if (!in_copy_) return false;
  int n = PQgetCopyData(conn_, &copy_buffer_, /*async=*/0);
  if (n > 0) {
    *message = std::string_view(copy_buffer_, static_cast<size_t>(n));
    return true;
  }
  in_copy_ = false;
  if (n == -2 && PQstatus(conn_) == CONNECTION_BAD) return ErrorFromResult(nullptr, "reading COPY data");
  SL_RETURN_NOT_OK(FinishCopy());
  return false;
}

Status PgConnection::FinishCopy() {
  Status status;
  for (PGresult* r = PQgetResult(conn_); r != nullptr; r = PQgetResult(conn_)) {
    PgResult result(r);
    if (status.ok() && PQresultStatus(r) != PGRES_COMMAND_OK) status = ErrorFromResult(r, "reading COPY data");
  }
  if (status.ok() && PQstatus(conn_) == CONNECTION_BAD) status = ErrorFromResult(nullptr, "reading COPY data");
  return status;
}

void PgConnection::AbandonCopy() {
  FreeCopyBuffer();
  if (!in_copy_) return;
  Cancel();
  // Drain what the server sent before it saw the cancel, then collect the error.
  char* buffer = nullptr;
  while (PQgetCopyData(conn_, &buffer, 0) > 0) PQfreemem(buffer);
  in_copy_ = false;
  (void)FinishCopy();
}

void PgConnection::Cancel() {
  std::lock_guard<std::mutex> lock(cancel_mutex_);
  if (cancel_ == nullptr) return;
  char error[256];
  (void)PQcancel(cancel_, error, sizeof(error));
}

}  // namespace snaplake::postgres
