// A store that ignores If-None-Match (npm s3rver) must not be trusted with
// Delta commits: the per-bucket probe finds out and PutIfAbsent refuses with
// a clear error, unless the user opts in to single-writer mode.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/s3/s3_file_system.h"
#include "testing/s3_server.h"
#include "testing/test_env.h"

namespace snaplake::s3 {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<S3FileSystem> FileSystemFor(const testing::S3TestServer& server, bool single_writer) {
  S3Options options = server.Options();
  options.single_writer = single_writer;
  EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "AWS_ACCESS_KEY_ID" || name == "AWS_SECRET_ACCESS_KEY") return std::string("S3RVER");
    return std::nullopt;
  };
  Result<std::shared_ptr<S3Client>> client = S3Client::Make(options, env);
  EXPECT_TRUE(client.ok());
  return std::make_shared<S3FileSystem>(*client);
}

TEST(ConditionalWriteProbe, StoreIgnoringIfNoneMatchIsRefusedUnlessSingleWriter) {
  Result<std::unique_ptr<testing::S3TestServer>> server = testing::S3TestServer::StartS3rver("lake");
  if (!server.ok() && server.status().message().find("not installed") != std::string::npos) {
    std::fprintf(stderr, "\n**********\nSKIPPED: %s\n**********\n", server.status().message().c_str());
    GTEST_SKIP() << server.status().message();
  }
  ASSERT_TRUE(server.ok()) << server.status().message();

  std::shared_ptr<S3FileSystem> strict = FileSystemFor(**server, false);
  Result<bool> honoured = strict->ConditionalWritesHonoured("lake");
  ASSERT_TRUE(honoured.ok()) << honoured.status().message();
  EXPECT_FALSE(*honoured);
  Status refused = strict->PutIfAbsent("s3://lake/t/_delta_log/00000000000000000000.json", AsBytes("{}"));
  EXPECT_EQ(refused.code(), StatusCode::kNotImplemented);
  EXPECT_THAT(refused.message(), HasSubstr("ignores conditional writes"));
  EXPECT_THAT(refused.message(), HasSubstr("--s3-single-writer"));
  EXPECT_EQ(refused.message().find('\n'), std::string::npos);

  std::shared_ptr<S3FileSystem> trusting = FileSystemFor(**server, true);
  ASSERT_TRUE(trusting->PutIfAbsent("s3://lake/t/_delta_log/00000000000000000000.json", AsBytes("{}")).ok());
  EXPECT_EQ(trusting->PutIfAbsent("s3://lake/t/_delta_log/00000000000000000000.json", AsBytes("{}")).code(),
            StatusCode::kAlreadyExists);
  Result<std::string> read = ReadWholeFile(*trusting, "s3://lake/t/_delta_log/00000000000000000000.json");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, "{}");
}

}  // namespace
}  // namespace snaplake::s3
