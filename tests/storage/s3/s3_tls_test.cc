// TLS: certificates are verified unless the user says otherwise. moto serves
// https with a self-signed certificate made here: refused by default (one-line
// error), trusted with --ca-bundle, accepted blindly with --no-verify-ssl.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/s3/s3_file_system.h"
#include "testing/s3_server.h"
#include "testing/test_env.h"

namespace snaplake::s3 {
namespace {

using ::testing::HasSubstr;

TEST(S3Tls, CertificatesAreVerifiedUnlessAskedNotTo) {
  TempDir dir;
  std::string cert = dir.Path("cert.pem"), key = dir.Path("key.pem");
  ASSERT_EQ(RunCommand(StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 ",
                              "-addext subjectAltName=IP:127.0.0.1 -keyout ", ShellQuote(key), " -out ",
                              ShellQuote(cert), " >/dev/null 2>&1"),
                       nullptr),
            0);
  Result<std::unique_ptr<testing::S3TestServer>> server =
      testing::S3TestServer::StartMoto({.tls_cert = cert, .tls_key = key});
  if (!server.ok() && server.status().message().find("not installed") != std::string::npos) {
    GTEST_SKIP() << server.status().message();
  }
  ASSERT_TRUE(server.ok()) << server.status().message();
  ASSERT_EQ((*server)->endpoint().rfind("https://", 0), 0u);
  auto fs_with = [&](bool verify, const std::string& ca_bundle) {
    S3Options options = (*server)->Options();
    options.verify_ssl = verify;
    options.ca_bundle = ca_bundle;
    Result<std::shared_ptr<S3Client>> client = S3Client::Make(options, testing::TestAwsEnv);
    EXPECT_TRUE(client.ok());
    return std::make_shared<S3FileSystem>(*client);
  };

  Status refused = fs_with(true, "")->CreateDirs("s3://tls-bucket/x");
  EXPECT_EQ(refused.code(), StatusCode::kIOError);
  EXPECT_THAT(refused.message(), HasSubstr("certificate"));
  EXPECT_EQ(refused.message().find('\n'), std::string::npos);

  std::shared_ptr<S3FileSystem> trusted = fs_with(true, cert);
  ASSERT_TRUE((*server)->Aws("s3api create-bucket --bucket tls-bucket --no-verify-ssl").ok());
  ASSERT_TRUE(trusted->PutIfAbsent("s3://tls-bucket/over-tls.txt", AsBytes("sealed")).ok());
  Result<std::string> read = ReadWholeFile(*fs_with(false, ""), "s3://tls-bucket/over-tls.txt");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, "sealed");
}

}  // namespace
}  // namespace snaplake::s3
