// Throwaway S3-compatible servers for tests: moto (python3 -m moto.server) on
// 127.0.0.1 and a free port, optionally behind a fault-injecting proxy
// (tests/testing/s3_fault_proxy.py). Every server runs in its own process
// group, killed by the destructor, or by a watchdog if the test process dies.
//
// Independent clients: Aws() runs the AWS CLI against the server, so tests
// check what snaplake wrote with a client that is not snaplake.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/s3/s3_options.h"
#include "testing/test_env.h"

namespace snaplake::testing {

inline constexpr char kTestAccessKey[] = "snaplake-test-key";
inline constexpr char kTestSecretKey[] = "snaplake-test-secret/0123456789+abcdef";

struct S3ServerOptions {
  // moto checks signatures and IAM after this many unauthenticated calls (-1: never).
  int auth_after_actions = -1;
  // Serve https with this certificate and key (PEM) instead of http.
  std::string tls_cert{};
  std::string tls_key{};
};

class S3TestServer {
 public:
  static Result<std::unique_ptr<S3TestServer>> StartMoto(const S3ServerOptions& options = {});
  // npm s3rver 3.7 with one bucket: a store that ignores If-None-Match (and
  // accepts any secret for the key id S3RVER).
  static Result<std::unique_ptr<S3TestServer>> StartS3rver(const std::string& bucket);
  // A proxy in front of `upstream` failing `fault_percent` % of requests
  // (503 SlowDown, 500 InternalError, 429, a cut connection before or after
  // forwarding). The proxy's own endpoint is the one to give snaplake.
  static Result<std::unique_ptr<S3TestServer>> StartFaultProxy(const S3TestServer& upstream, int fault_percent,
                                                               uint64_t seed = 1);
  // A server answering every request with `status` and the S3 error `code`,
  // plus "name:value" headers: to see how snaplake explains such refusals.
  static Result<std::unique_ptr<S3TestServer>> StartFixedAnswer(const S3TestServer& upstream, int status,
                                                                const std::string& code,
                                                                const std::string& header = "");
  ~S3TestServer();
  S3TestServer(const S3TestServer&) = delete;
  S3TestServer& operator=(const S3TestServer&) = delete;

  std::string endpoint() const { return scheme_ + "://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  const std::string& log_path() const { return log_path_; }

  // "AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=..." for a shell.
  std::string ShellEnv() const;
  // Options for an in-process S3Client against this server (test credentials via env lookup).
  s3::S3Options Options() const;

  // Runs `aws <args> --endpoint-url <endpoint>` and returns its stdout.
  Result<std::string> Aws(const std::string& args) const;
  Status CreateBucket(const std::string& bucket) const;
  // Keys of unfinished multipart uploads in `bucket` (ListMultipartUploads via the AWS CLI).
  Result<std::string> ListUploads(const std::string& bucket) const;

 private:
  S3TestServer() = default;
  static Result<std::unique_ptr<S3TestServer>> Launch(const std::string& command_prefix, const std::string& name);

  int port_ = 0;
  int pgid_ = 0;
  std::string scheme_ = "http";
  std::string dir_;
  std::string log_path_;
  std::vector<std::string> extra_dirs_;
};

// One moto server for the whole test binary, started on first use.
S3TestServer* SharedMoto(std::string* why = nullptr);

// An EnvLookup giving the test credentials and region (nothing else).
std::optional<std::string> TestAwsEnv(const std::string& name);

}  // namespace snaplake::testing

// Binds `snaplake::testing::S3TestServer* var` to the shared moto server, or
// skips loudly when moto is not installed, or fails when it does not start.
#define SL_REQUIRE_SHARED_MOTO(var)                                                          \
  std::string SL_CONCAT(sl_moto_why_, __LINE__);                                             \
  ::snaplake::testing::S3TestServer* var = ::snaplake::testing::SharedMoto(&SL_CONCAT(sl_moto_why_, __LINE__)); \
  if (var == nullptr) {                                                                      \
    if (SL_CONCAT(sl_moto_why_, __LINE__).find("not installed") != std::string::npos) {     \
      std::fprintf(stderr, "\n**********\nSKIPPED: %s\n**********\n",                       \
                   SL_CONCAT(sl_moto_why_, __LINE__).c_str());                               \
      GTEST_SKIP() << SL_CONCAT(sl_moto_why_, __LINE__);                                     \
    }                                                                                        \
    FAIL() << "cannot start the moto S3 server: " << SL_CONCAT(sl_moto_why_, __LINE__);      \
  }                                                                                          \
  static_assert(true, "")
