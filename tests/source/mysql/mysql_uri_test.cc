// ParseMySqlUri: the parts of mysql:// and mariadb:// connection strings, and
// the one-line errors for malformed ones.
#include <gtest/gtest.h>

#include "source/mysql/mysql_connection.h"

namespace snaplake::mysql {
namespace {

TEST(MySqlUri, FullForm) {
  Result<MySqlConnectParams> p = ParseMySqlUri("mysql://app:s%40cr%2Fet@db.example.com:3307/shop?ssl-mode=required");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->user, "app");
  EXPECT_TRUE(p->has_password);
  EXPECT_EQ(p->password, "s@cr/et");
  EXPECT_EQ(p->host, "db.example.com");
  EXPECT_EQ(p->port, 3307);
  EXPECT_EQ(p->database, "shop");
  EXPECT_EQ(p->ssl_mode, "REQUIRED");
  EXPECT_EQ(p->Describe(), "app@db.example.com:3307");
}

TEST(MySqlUri, RawAtAndSlashInPasswordAndMariaDbScheme) {
  Result<MySqlConnectParams> p = ParseMySqlUri("mariadb://u:p@ss/w@127.0.0.1/");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->user, "u");
  EXPECT_EQ(p->password, "p@ss/w");
  EXPECT_EQ(p->host, "127.0.0.1");
  EXPECT_EQ(p->port, 0);
  EXPECT_EQ(p->database, "");
}

TEST(MySqlUri, DefaultsLeftToOptionFiles) {
  Result<MySqlConnectParams> p = ParseMySqlUri("mysql:///mydb");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(p->user.empty());
  EXPECT_FALSE(p->has_password);
  EXPECT_TRUE(p->host.empty());
  EXPECT_EQ(p->database, "mydb");
  EXPECT_EQ(p->option_group, "client");
}

TEST(MySqlUri, SocketAsHostOrQuery) {
  Result<MySqlConnectParams> a = ParseMySqlUri("mysql://root@%2Ftmp%2Fmy.sock/db");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->socket, "/tmp/my.sock");
  EXPECT_EQ(a->host, "localhost");
  Result<MySqlConnectParams> b = ParseMySqlUri("mysql://root@localhost/db?socket=/run/mysqld/mysqld.sock&option-file=/x.cnf");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(b->option_file, "/x.cnf");
  EXPECT_EQ(b->Describe(), "root@/run/mysqld/mysqld.sock");
}

TEST(MySqlUri, Ipv6Host) {
  Result<MySqlConnectParams> p = ParseMySqlUri("mysql://root@[::1]:3306/db");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->host, "::1");
  EXPECT_EQ(p->port, 3306);
}

TEST(MySqlUri, ErrorsAreOneLineAndSayWhat) {
  struct Case {
    const char* uri;
    const char* expected;
  };
  for (const Case& c : {Case{"mysql://root@host:99999/db", "bad port"}, Case{"mysql://root@host:abc/db", "bad port"},
                        Case{"mysql://root@host/db?sslmode=sometimes", "unknown ssl-mode"},
                        Case{"mysql://root@host/db?colour=red", "unknown option 'colour'"},
                        Case{"mysql://ro%zzot@host/db", "bad percent escape in the user"},
                        Case{"postgresql://x", "must start with mysql://"}}) {
    Result<MySqlConnectParams> p = ParseMySqlUri(c.uri);
    ASSERT_FALSE(p.ok()) << c.uri;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << c.uri;
    EXPECT_NE(p.status().message().find(c.expected), std::string::npos) << c.uri << ": " << p.status().message();
    EXPECT_EQ(p.status().message().find('\n'), std::string::npos);
  }
}

TEST(MySqlUri, Quoting) {
  EXPECT_EQ(QuoteMySqlIdentifier("we`ird"), "`we``ird`");
  EXPECT_EQ(QuoteMySqlString("it's a \\ test"), "'it''s a \\\\ test'");
  EXPECT_TRUE(IsMySqlUri("mariadb://x"));
  EXPECT_FALSE(IsMySqlUri("postgresql://x"));
}

}  // namespace
}  // namespace snaplake::mysql
