// TLS to MySQL/MariaDB through the snaplake binary: a MariaDB 10.11 serving a
// certificate from a test CA made here with openssl. The URI's ssl-mode,
// ssl-ca, ssl-cert and ssl-key must do what MySQL's own client does with them:
// REQUIRED encrypts without checking the certificate, VERIFY_IDENTITY checks it
// against ssl-ca (a certificate from another CA is refused in one line), a
// client certificate satisfies REQUIRE X509, and REQUIRED against a server
// without TLS fails rather than quietly sending the data in clear.
#include <filesystem>
#include <memory>
#include <string>

#include "export/mysql_export_test_support.h"

namespace snaplake::testing::mysql_export {
namespace {

// Runs a shell command; false (with the output in *log) if it failed.
bool Shell(const std::string& command, std::string* log) {
  std::string out, err;
  if (RunCommandCapture(command + " 2>&1", &out, &err) == 0) return true;
  log->append(command).append(": ").append(out).append(err).append("\n");
  return false;
}

// A CA, a server certificate for 127.0.0.1 and a client certificate signed by
// it, and a second CA that signed nothing the server has.
struct Certificates {
  std::string dir, ca, server_cert, server_key, client_cert, client_key, other_ca;

  static std::unique_ptr<Certificates> Make(const std::string& dir, std::string* log) {
    auto c = std::make_unique<Certificates>();
    c->dir = dir;
    c->ca = dir + "/ca.pem";
    c->server_cert = dir + "/server.pem";
    c->server_key = dir + "/server.key";
    c->client_cert = dir + "/client.pem";
    c->client_key = dir + "/client.key";
    c->other_ca = dir + "/other-ca.pem";
    const std::string d = ShellQuote(dir);
    if (!WriteStringToFile(dir + "/server.ext", "subjectAltName=IP:127.0.0.1\n").ok()) return nullptr;
    const std::string days = " -days 2";
    const bool ok =
        Shell(StrCat("openssl req -x509 -newkey rsa:2048 -nodes -keyout ", d, "/ca.key -out ", d, "/ca.pem", days,
                     " -subj '/CN=snaplake test CA'"),
              log) &&
        Shell(StrCat("openssl req -x509 -newkey rsa:2048 -nodes -keyout ", d, "/other-ca.key -out ", d,
                     "/other-ca.pem", days, " -subj '/CN=some other CA'"),
              log) &&
        Shell(StrCat("openssl req -newkey rsa:2048 -nodes -keyout ", d, "/server.key -out ", d,
                     "/server.csr -subj '/CN=127.0.0.1'"),
              log) &&
        Shell(StrCat("openssl x509 -req -in ", d, "/server.csr -CA ", d, "/ca.pem -CAkey ", d,
                     "/ca.key -CAcreateserial -out ", d, "/server.pem", days, " -extfile ", d, "/server.ext"),
              log) &&
        Shell(StrCat("openssl req -newkey rsa:2048 -nodes -keyout ", d, "/client.key -out ", d,
                     "/client.csr -subj '/CN=snaplake client'"),
              log) &&
        Shell(StrCat("openssl x509 -req -in ", d, "/client.csr -CA ", d, "/ca.pem -CAkey ", d,
                     "/ca.key -CAcreateserial -out ", d, "/client.pem", days),
              log);
    return ok ? std::move(c) : nullptr;
  }
};

// One TLS server for the whole file: certificates, server, users and a table.
struct TlsServer {
  TempDir dir;
  std::unique_ptr<Certificates> certs;
  std::unique_ptr<MariaDbServer> server;
  std::string error;  // why it could not start; "" when it runs
  bool not_installed = false;
};

// Stopped and removed at process exit (the harness's watchdog covers a crash).
TlsServer* SharedTlsServer() {
  static const std::unique_ptr<TlsServer> shared = [] {
    auto s = std::make_unique<TlsServer>();
    if (RunCommand("command -v openssl >/dev/null 2>&1", nullptr) != 0) {
      s->error = "openssl is not installed (apt-get install openssl)";
      s->not_installed = true;
      return s;
    }
    s->certs = Certificates::Make(s->dir.path(), &s->error);
    if (s->certs == nullptr) {
      s->error = "cannot make test certificates: " + s->error;
      return s;
    }
    MariaDbServerOptions options;
    options.args = {"--ssl-ca=" + s->certs->ca, "--ssl-cert=" + s->certs->server_cert,
                    "--ssl-key=" + s->certs->server_key};
    Result<std::unique_ptr<MariaDbServer>> started = MariaDbServer::Start(options);
    if (!started.ok()) {
      s->error = started.status().ToString();
      s->not_installed = MariaDbNotInstalled(s->error);
      return s;
    }
    s->server = std::move(*started);
    Result<std::string> setup = s->server->Sql(R"sql(
CREATE DATABASE sec;
CREATE TABLE sec.t (id INT PRIMARY KEY, v VARCHAR(20));
INSERT INTO sec.t SELECT seq, CONCAT('secret ', seq) FROM sec.seq_1_to_1000;
CREATE USER 'tls'@'127.0.0.1' IDENTIFIED BY 'tls-pw' REQUIRE SSL;
GRANT SELECT ON sec.* TO 'tls'@'127.0.0.1';
CREATE USER 'x509'@'127.0.0.1' IDENTIFIED BY 'x509-pw' REQUIRE X509;
GRANT SELECT ON sec.* TO 'x509'@'127.0.0.1';
)sql");
    if (!setup.ok()) s->error = setup.status().ToString();
    return s;
  }();
  return shared.get();
}

class MySqlTlsTest : public MySqlExportTest {
 protected:
  void SetUp() override {
    MySqlExportTest::SetUp();
    tls_ = SharedTlsServer();
    if (tls_->not_installed) GTEST_SKIP() << "\n*** SKIPPED: " << tls_->error << " ***\n";
    ASSERT_EQ(tls_->error, "") << "the TLS MariaDB did not start";
  }

  std::string Uri(const std::string& user, const std::string& password, const std::string& query) const {
    return tls_->server->Uri("sec", user, password) + "?" + query;
  }

  // The export completed and holds all 1,000 rows.
  void ExpectWholeTable(const std::string& id) {
    nlohmann::json task = Describe(id);
    EXPECT_EQ(task.value("Status", ""), "COMPLETE") << task.dump();
    EXPECT_EQ(task.value("ExportedRows", int64_t{-1}), 1000) << task.dump();
  }

  TlsServer* tls_ = nullptr;
};

TEST_F(MySqlTlsTest, RequiredEncryptsForAUserWhoMustUseTls) {
  // The account accepts encrypted sessions only, so COMPLETE proves TLS was on.
  CliResult r = Run(StartArgs("required", Uri("tls", "tls-pw", "ssl-mode=REQUIRED"), "--wait"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectWholeTable("required");
  // Without ssl-mode the client stays in clear and the server refuses it.
  CliResult plain = Run(StartArgs("plain", Uri("tls", "tls-pw", "ssl-mode=DISABLED"), "--wait"));
  EXPECT_TRUE(export_cli::OneLineError(plain, 1, {"FAILED", "Access denied", "tls@127.0.0.1"}));
}

TEST_F(MySqlTlsTest, VerifyIdentityAcceptsTheServerOfItsCa) {
  CliResult r = Run(StartArgs(
      "verified", Uri("tls", "tls-pw", "ssl-mode=VERIFY_IDENTITY&ssl-ca=" + UriEncode(tls_->certs->ca)), "--wait"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectWholeTable("verified");
}

TEST_F(MySqlTlsTest, VerifyRefusesAServerOfAnotherCaInOneLine) {
  for (const char* mode : {"VERIFY_CA", "VERIFY_IDENTITY"}) {
    SCOPED_TRACE(mode);
    const std::string id = StrCat("wrong-ca-", mode);
    CliResult r = Run(StartArgs(
        id, Uri("tls", "tls-pw", StrCat("ssl-mode=", mode, "&ssl-ca=", UriEncode(tls_->certs->other_ca))), "--wait"));
    EXPECT_TRUE(export_cli::OneLineError(r, 1, {"FAILED", "cannot connect to MySQL", "tls@127.0.0.1"}));
    EXPECT_NE(r.err.find("certificate"), std::string::npos) << r.err;
    EXPECT_TRUE(FilesUnder(TaskDir(id)).empty()) << "a refused connection wrote files";
  }
}

TEST_F(MySqlTlsTest, ClientCertificateSatisfiesRequireX509) {
  CliResult r = Run(StartArgs("x509",
                              Uri("x509", "x509-pw",
                                  StrCat("ssl-mode=VERIFY_IDENTITY&ssl-ca=", UriEncode(tls_->certs->ca),
                                         "&ssl-cert=", UriEncode(tls_->certs->client_cert),
                                         "&ssl-key=", UriEncode(tls_->certs->client_key))),
                              "--wait"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectWholeTable("x509");
  // The same account without a certificate is refused.
  CliResult no_cert = Run(StartArgs("no-cert", Uri("x509", "x509-pw", "ssl-mode=REQUIRED"), "--wait"));
  EXPECT_TRUE(export_cli::OneLineError(no_cert, 1, {"FAILED", "Access denied", "x509@127.0.0.1"}));
}

TEST_F(MySqlTlsTest, RequiredAgainstAServerWithoutTlsFails) {
  SL_REQUIRE_SHARED_MARIADB(plain);  // the shared test server has no certificate
  CliResult r = Run(StartArgs("no-tls", plain->Uri("", "root") + "?ssl-mode=REQUIRED", "--wait"));
  EXPECT_TRUE(export_cli::OneLineError(r, 1, {"FAILED", "cannot connect to MySQL"}));
  EXPECT_NE(r.err.find("SSL"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace snaplake::testing::mysql_export
