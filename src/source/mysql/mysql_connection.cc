#include "source/mysql/mysql_connection.h"

#include <sys/socket.h>

#include <charconv>
#include <cstdlib>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

namespace snaplake::mysql {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view in, std::string_view what) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    int hi = i + 2 < in.size() + 0 ? HexValue(in[i + 1]) : -1;
    int lo = i + 2 < in.size() + 0 ? HexValue(in[i + 2]) : -1;
    if (i + 2 >= in.size() || hi < 0 || lo < 0) {
      std::string msg = "bad percent escape in the ";
      msg.append(what).append(" of the MySQL --source URI; write '%' as %25");
      return Status::InvalidArgument(msg);
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// What to do about a connection error, by server/client error number.
const char* AdviceFor(unsigned int code) {
  switch (code) {
    case ER_ACCESS_DENIED_ERROR:
      return "check the user and password in --source (or in ~/.my.cnf)";
    case ER_BAD_DB_ERROR:
      return "check the database name in --source";
    case ER_DBACCESS_DENIED_ERROR:
      return "grant the user SELECT on that database, or name another one";
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SERVER_LOST:
    case CR_SERVER_GONE_ERROR:
      return "check the host, port or socket in --source and that the server is running";
    default:
      return "check --source";
  }
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

bool IsMySqlUri(std::string_view source) {
  return source.rfind("mysql://", 0) == 0 || source.rfind("mariadb://", 0) == 0;
}

std::string MySqlConnectParams::Describe() const {
  std::string out = user.empty() ? std::string("(default user)") : user;
  out.push_back('@');
  if (!socket.empty()) {
    out.append(socket);
  } else {
    out.append(host.empty() ? "localhost" : host);
    if (port > 0) out.append(":").append(std::to_string(port));
  }
  return out;
}

Result<MySqlConnectParams> ParseMySqlUri(std::string_view uri) {
  MySqlConnectParams params;
  size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos || !IsMySqlUri(uri)) {
    return Status::InvalidArgument("a MySQL --source must start with mysql:// or mariadb://");
  }
  std::string_view rest = uri.substr(scheme_end + 3);
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  // The user information ends at the last '@' (a raw '@' or '/' in a password stays in it).
  std::string_view authority = rest;
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    authority = rest.substr(at + 1);
    size_t colon = userinfo.find(':');
    SL_ASSIGN_OR_RETURN(params.user, PercentDecode(userinfo.substr(0, colon), "user"));
    if (colon != std::string_view::npos) {
      SL_ASSIGN_OR_RETURN(params.password, PercentDecode(userinfo.substr(colon + 1), "password"));
      params.has_password = true;
    }
  }
  if (size_t slash = authority.find('/'); slash != std::string_view::npos) {
    path = authority.substr(slash + 1);
    authority = authority.substr(0, slash);
  }
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {  // [IPv6]:port
    size_t close = host.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("unclosed '[' in the MySQL --source host");
    std::string_view after = host.substr(close + 1);
    params.host = std::string(host.substr(1, close - 1));
    host = after.empty() ? std::string_view() : after;
    if (!host.empty() && host.front() == ':') {
      std::string_view port_text = host.substr(1);
      auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), params.port);
      if (r.ec != std::errc() || r.ptr != port_text.data() + port_text.size() || params.port <= 0 || params.port > 65535) {
        return Status::InvalidArgument("bad port in the MySQL --source URI: '" + std::string(port_text) + "'");
      }
    }
  } else {
    if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
      std::string_view port_text = host.substr(colon + 1);
      auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), params.port);
      if (r.ec != std::errc() || r.ptr != port_text.data() + port_text.size() || params.port <= 0 || params.port > 65535) {
        return Status::InvalidArgument("bad port in the MySQL --source URI: '" + std::string(port_text) +
                                       "'; write mysql://user:password@host:3306/database");
      }
      host = host.substr(0, colon);
    }
    SL_ASSIGN_OR_RETURN(params.host, PercentDecode(host, "host"));
  }
  if (!params.host.empty() && params.host.front() == '/') {
    params.socket = params.host;
    params.host = "localhost";
  }
  SL_ASSIGN_OR_RETURN(params.database, PercentDecode(path, "database"));
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string key(item.substr(0, eq));
    SL_ASSIGN_OR_RETURN(std::string value,
                        PercentDecode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1), key));
    for (char& c : key) {
      if (c == '_') c = '-';
    }
    if (key == "socket") {
      params.socket = value;
    } else if (key == "ssl-mode" || key == "sslmode") {
      for (char& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (value != "DISABLED" && value != "PREFERRED" && value != "REQUIRED" && value != "VERIFY-CA" &&
          value != "VERIFY_CA" && value != "VERIFY_IDENTITY" && value != "VERIFY-IDENTITY") {
        return Status::InvalidArgument("unknown ssl-mode '" + value +
                                       "' in the MySQL --source URI; use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or "
                                       "VERIFY_IDENTITY");
      }
      params.ssl_mode = value;
    } else if (key == "ssl-ca") {
      params.ssl_ca = value;
    } else if (key == "ssl-cert") {
      params.ssl_cert = value;
    } else if (key == "ssl-key") {
      params.ssl_key = value;
    } else if (key == "option-file") {
      params.option_file = value;
    } else if (key == "option-group") {
      params.option_group = value;
    } else if (key == "password") {
      params.password = value;
      params.has_password = true;
    } else if (key == "user") {
      params.user = value;
    } else if (key == "connect-timeout") {
      auto r = std::from_chars(value.data(), value.data() + value.size(), params.connect_timeout_seconds);
      if (r.ec != std::errc() || params.connect_timeout_seconds <= 0) {
        return Status::InvalidArgument("connect-timeout in the MySQL --source URI must be a positive number of seconds");
      }
    } else {
      return Status::InvalidArgument("unknown option '" + key +
                                     "' in the MySQL --source URI; known: socket, ssl-mode, ssl-ca, ssl-cert, "
                                     "ssl-key, option-file, option-group, connect-timeout");
    }
  }
  return params;
}

std::string QuoteMySqlIdentifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('`');
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  out.push_back('`');
  return out;
}

std::string QuoteMySqlString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('\'');
  for (char c : text) {
    if (c == '\'') {
      out.append("''");
    } else if (c == '\\') {
      // Doubled is right without NO_BACKSLASH_ESCAPES; the session sets sql_mode '' so it applies.
      out.append("\\\\");
    } else if (c == '\0') {
      out.append("\\0");
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

Result<std::unique_ptr<MySqlConnection>> MySqlConnection::Connect(const MySqlConnectParams& params) {
  auto connection = std::unique_ptr<MySqlConnection>(new MySqlConnection(params));
  MYSQL* mysql = mysql_init(nullptr);
  if (mysql == nullptr) return Status::IOError("cannot start a MySQL client connection: out of memory");
  connection->mysql_ = mysql;
  unsigned int timeout = static_cast<unsigned int>(params.connect_timeout_seconds);
  mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  if (!params.option_file.empty()) mysql_optionsv(mysql, MYSQL_READ_DEFAULT_FILE, params.option_file.c_str());
  mysql_optionsv(mysql, MYSQL_READ_DEFAULT_GROUP, params.option_group.c_str());
  mysql_optionsv(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!params.ssl_ca.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, params.ssl_ca.c_str());
  if (!params.ssl_cert.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CERT, params.ssl_cert.c_str());
  if (!params.ssl_key.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_KEY, params.ssl_key.c_str());
  if (!params.ssl_mode.empty() && params.ssl_mode != "DISABLED" && params.ssl_mode != "PREFERRED") {
    my_bool yes = 1;
    mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &yes);
    my_bool verify = params.ssl_mode.rfind("VERIFY", 0) == 0 ? 1 : 0;
    mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  }
  const char* user = params.user.empty() ? nullptr : params.user.c_str();
  const char* password = params.has_password ? params.password.c_str() : nullptr;
  const char* host = params.host.empty() ? nullptr : params.host.c_str();
  const char* socket = params.socket.empty() ? nullptr : params.socket.c_str();
  const char* database = params.database.empty() ? nullptr : params.database.c_str();
  if (mysql_real_connect(mysql, host, user, password, database, static_cast<unsigned int>(params.port), socket,
                         CLIENT_MULTI_STATEMENTS) == nullptr) {
    unsigned int code = mysql_errno(mysql);
    std::string msg = "cannot connect to MySQL at " + params.Describe() + ": " + OneLine(mysql_error(mysql)) + "; ";
    msg.append(AdviceFor(code));
    if (code == ER_ACCESS_DENIED_ERROR || code == ER_BAD_DB_ERROR || code == ER_DBACCESS_DENIED_ERROR) {
      return Status::InvalidArgument(msg);
    }
    return Status::IOError(msg);
  }
  // libmariadb's MYSQL_OPT_SSL_ENFORCE does not refuse a server that offers no
  // TLS: it goes on in clear. A mode that asks for TLS must never end up there.
  const bool tls_required = !params.ssl_mode.empty() && params.ssl_mode != "DISABLED" && params.ssl_mode != "PREFERRED";
  if (tls_required && mysql_get_ssl_cipher(mysql) == nullptr) {
    return Status::IOError("cannot connect to MySQL at " + params.Describe() + ": ssl-mode=" + params.ssl_mode +
                           " but the server did not start SSL/TLS (it has no certificate configured); enable TLS on "
                           "the server (ssl_cert, ssl_key) or use ssl-mode=PREFERRED");
  }
  const char* info = mysql_get_server_info(mysql);
  connection->is_mariadb_ = info != nullptr && std::string_view(info).find("MariaDB") != std::string_view::npos;
  connection->server_version_ = mysql_get_server_version(mysql);
  Status settings = connection->Execute(
      "SET NAMES utf8mb4, time_zone = '+00:00', sql_mode = '', net_write_timeout = 86400, "
      "net_read_timeout = 86400, wait_timeout = 86400");
  if (!settings.ok()) return settings;
  return connection;
}

MySqlConnection::~MySqlConnection() {
  if (mysql_ == nullptr) return;
  if (statement_ != nullptr) {
    // Closing a statement with rows left would drain them: cut the connection first.
    if (!statement_done_) Abort();
    mysql_stmt_close(statement_);
  }
  mysql_close(mysql_);
}

void MySqlConnection::Abort() {
  if (aborted_.exchange(true)) return;
  if (mysql_ != nullptr) {
    my_socket fd = mysql_get_socket(mysql_);
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }
}

Status MySqlConnection::Error(std::string_view what) {
  last_errno_ = mysql_errno(mysql_);
  if (aborted_.load()) return Status::Cancelled("the export was cancelled");
  std::string msg(what);
  msg.append(" failed on MySQL at ").append(params_.Describe()).append(": ").append(OneLine(mysql_error(mysql_)));
  if (last_errno_ == CR_SERVER_LOST || last_errno_ == CR_SERVER_GONE_ERROR) {
    msg.append("; the connection dropped: check the server and its net_write_timeout / max_execution_time");
  }
  return Status::IOError(msg);
}

Status MySqlConnection::Execute(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error(sql.substr(0, 60));
  // Discard any results (multi-statements included).
  for (;;) {
    MYSQL_RES* res = mysql_store_result(mysql_);
    if (res != nullptr) mysql_free_result(res);
    int more = mysql_next_result(mysql_);
    if (more > 0) return Error(sql.substr(0, 60));
    if (more < 0) break;
  }
  last_errno_ = 0;
  return Status::OK();
}

Result<MySqlRows> MySqlConnection::Query(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error(sql.substr(0, 60));
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (res == nullptr) {
    if (mysql_errno(mysql_) != 0) return Error(sql.substr(0, 60));
    return MySqlRows{};
  }
  MySqlRows out;
  unsigned int n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  for (unsigned int i = 0; i < n; ++i) out.names.emplace_back(fields[i].name);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    std::vector<std::string> values(n);
    std::vector<bool> nulls(n, false);
    for (unsigned int i = 0; i < n; ++i) {
      if (row[i] == nullptr) {
        nulls[i] = true;
      } else {
        values[i].assign(row[i], lengths[i]);
      }
    }
    out.rows.push_back(std::move(values));
    out.nulls.push_back(std::move(nulls));
  }
  mysql_free_result(res);
  while (mysql_next_result(mysql_) == 0) {
    MYSQL_RES* extra = mysql_store_result(mysql_);
    if (extra != nullptr) mysql_free_result(extra);
  }
  last_errno_ = 0;
  return out;
}

void MySqlConnection::EndStream() {
  if (statement_ != nullptr) {
    if (!statement_done_) Abort();
    mysql_stmt_close(statement_);
    statement_ = nullptr;
  }
}

Status MySqlConnection::StatementError(std::string_view what) {
  // libmariadb keeps a statement's own errors (prepare, execute) on the
  // statement and network errors while fetching on the connection.
  if (statement_ != nullptr && mysql_stmt_errno(statement_) != 0 && mysql_errno(mysql_) == 0) {
    last_errno_ = mysql_stmt_errno(statement_);
    if (aborted_.load()) return Status::Cancelled("the export was cancelled");
    std::string msg(what);
    msg.append(" failed on MySQL at ").append(params_.Describe()).append(": ");
    msg.append(OneLine(mysql_stmt_error(statement_)));
    return Status::IOError(msg);
  }
  if (mysql_errno(mysql_) == 0 && !aborted_.load()) {
    return Status::IOError(std::string(what) + " failed on MySQL at " + params_.Describe() +
                           ": the client library gave no reason; the connection may have dropped");
  }
  return Error(what);
}

Result<std::vector<MySqlResultField>> MySqlConnection::StreamPrepared(std::string_view sql, ValueCallback callback,
                                                                       void* data) {
  if (statement_ != nullptr) {
    return Status::Internal("MySqlConnection::StreamPrepared while another stream is open");
  }
  statement_ = mysql_stmt_init(mysql_);
  if (statement_ == nullptr) return Error("preparing the SELECT");
  statement_done_ = false;
  if (mysql_stmt_prepare(statement_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    statement_done_ = true;  // nothing to drain
    return StatementError("preparing the SELECT");
  }
  // Every value reaches the decoder through this callback: without it rows
  // would fetch with nothing appended, so a refusal fails the read.
  if (mysql_stmt_attr_set(statement_, STMT_ATTR_CB_USER_DATA, data) != 0 ||
      mysql_stmt_attr_set(statement_, STMT_ATTR_CB_RESULT, reinterpret_cast<const void*>(callback)) != 0) {
    statement_done_ = true;
    return Status::NotImplemented("this libmariadb does not take a result callback (STMT_ATTR_CB_RESULT); "
                                  "snaplake needs libmariadb 3.3 or later");
  }
  if (mysql_stmt_execute(statement_) != 0) {
    statement_done_ = true;
    return StatementError("SELECT");
  }
  MYSQL_RES* metadata = mysql_stmt_result_metadata(statement_);
  if (metadata == nullptr) return StatementError("SELECT");
  std::vector<MySqlResultField> fields;
  const unsigned int n = mysql_num_fields(metadata);
  const MYSQL_FIELD* described = mysql_fetch_fields(metadata);
  for (unsigned int i = 0; i < n; ++i) {
    MySqlResultField field;
    field.name = described[i].name;
    field.type = static_cast<int>(described[i].type);
    field.is_unsigned = (described[i].flags & UNSIGNED_FLAG) != 0;
    field.decimals = described[i].decimals;
    fields.push_back(std::move(field));
  }
  mysql_free_result(metadata);
  return fields;
}

Result<bool> MySqlConnection::FetchPrepared() {
  if (statement_ == nullptr || statement_done_) return false;
  const int rc = mysql_stmt_fetch(statement_);
  if (rc == 0 || rc == MYSQL_DATA_TRUNCATED) return true;  // values went to the callback; nothing is bound
  statement_done_ = true;
  if (rc == MYSQL_NO_DATA) return false;
  return StatementError("reading rows");
}

}  // namespace snaplake::mysql
