// S3FileSystem against a real S3-compatible server (moto): what snaplake
// writes is checked with the AWS CLI, an independent client.
#include "storage/s3/s3_file_system.h"

#include <atomic>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "storage/s3/s3_output_stream.h"
#include "testing/s3_server.h"
#include "testing/test_env.h"

namespace snaplake::s3 {
namespace {

using testing::S3TestServer;

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    std::memcpy(out.data() + i, &v, std::min<size_t>(8, n - i));
  }
  return out;
}

ByteView View(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

class S3FileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SL_REQUIRE_SHARED_MOTO(server);
    server_ = server;
    static std::atomic<int> counter{0};
    bucket_ = "fs-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    ASSERT_TRUE(server_->CreateBucket(bucket_).ok());
    fs_ = MakeFs(server_->Options());
  }

  static std::shared_ptr<S3FileSystem> MakeFs(S3Options options) {
    options.min_part_bytes = int64_t{5} << 20;  // S3's smallest part
    Result<std::shared_ptr<S3Client>> client = S3Client::Make(options, testing::TestAwsEnv);
    EXPECT_TRUE(client.ok()) << client.status().message();
    return std::make_shared<S3FileSystem>(*client);
  }

  std::string Uri(const std::string& key) const { return "s3://" + bucket_ + "/" + key; }

  Status WriteFile(const std::string& key, const std::string& data, size_t chunk = 1 << 20) {
    SL_ASSIGN_OR_RETURN(auto out, fs_->OpenWrite(Uri(key)));
    for (size_t i = 0; i < data.size(); i += chunk) {
      SL_RETURN_NOT_OK(out->Write(View(data).subspan(i, std::min(chunk, data.size() - i))));
    }
    return out->Close();
  }

  std::string Download(const std::string& key) {
    TempDir dir;
    std::string local = dir.Path("download");
    Result<std::string> out = server_->Aws("s3 cp " + ShellQuote(Uri(key)) + " " + local);
    EXPECT_TRUE(out.ok()) << out.status().message();
    Result<std::string> data = ReadFileToString(local);
    return data.ok() ? *data : "";
  }

  S3TestServer* server_ = nullptr;
  std::string bucket_;
  std::shared_ptr<S3FileSystem> fs_;
};

TEST_F(S3FileSystemTest, SmallFileIsOnePutAndReadsBackByRanges) {
  std::string data = RandomBytes(100'000, 1);
  ASSERT_TRUE(WriteFile("dir/small.bin", data, 7'000).ok());
  EXPECT_EQ(Download("dir/small.bin"), data);
  Result<std::unique_ptr<RandomAccessFile>> file = fs_->OpenRead(Uri("dir/small.bin"));
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ((*file)->Size(), 100'000);
  std::string middle(5000, '\0');
  ASSERT_TRUE((*file)->ReadAt(12345, middle.size(), reinterpret_cast<uint8_t*>(middle.data())).ok());
  EXPECT_EQ(middle, data.substr(12345, 5000));
  std::string tail(10, '\0');
  EXPECT_FALSE((*file)->ReadAt(99'995, 10, reinterpret_cast<uint8_t*>(tail.data())).ok());
  Result<FileInfo> info = fs_->Stat(Uri("dir/small.bin"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->size, 100'000);
  EXPECT_FALSE(info->is_dir);
  Result<FileInfo> dir = fs_->Stat(Uri("dir"));
  ASSERT_TRUE(dir.ok());
  EXPECT_TRUE(dir->is_dir);
  EXPECT_EQ(fs_->Stat(Uri("nothing")).status().code(), StatusCode::kNotFound);
}

TEST_F(S3FileSystemTest, LargeFileStreamsAsMultipartAndLeavesNoUploads) {
  std::string data = RandomBytes((size_t{5} << 20) * 3 + 12345, 2);  // four parts
  ASSERT_TRUE(WriteFile("big/file.bin", data, 3 << 20).ok());
  EXPECT_EQ(Download("big/file.bin"), data);
  Result<std::string> etag = server_->Aws("s3api head-object --bucket " + bucket_ +
                                          " --key big/file.bin --query ETag --output text");
  ASSERT_TRUE(etag.ok());
  EXPECT_NE(etag->find("-4"), std::string::npos) << *etag;
  Result<std::string> uploads = server_->ListUploads(bucket_);
  ASSERT_TRUE(uploads.ok());
  EXPECT_EQ(*uploads, "None\n");
}

TEST_F(S3FileSystemTest, AbortAndDestructionWithoutCloseLeaveNothing) {
  std::string data = RandomBytes((size_t{5} << 20) * 2 + 1, 3);
  {
    Result<std::unique_ptr<OutputStream>> out = fs_->OpenWrite(Uri("aborted.bin"));
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Write(View(data)).ok());
    (*out)->Abort();
  }
  {
    Result<std::unique_ptr<OutputStream>> out = fs_->OpenWrite(Uri("dropped.bin"));
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Write(View(data)).ok());
  }
  EXPECT_EQ(fs_->Stat(Uri("aborted.bin")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fs_->Stat(Uri("dropped.bin")).status().code(), StatusCode::kNotFound);
  Result<std::string> uploads = server_->ListUploads(bucket_);
  ASSERT_TRUE(uploads.ok());
  EXPECT_EQ(*uploads, "None\n");
}

TEST_F(S3FileSystemTest, ListingPagesThroughMoreThanAThousandKeys) {
  const int kKeys = 1100;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kKeys; i += 4) {
        char name[64];
        std::snprintf(name, sizeof name, "many/k%05d", i);
        if (!fs_->PutIfAbsent(Uri(name), View(std::to_string(i))).ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_TRUE(fs_->PutIfAbsent(Uri("many-not-under/x"), View(std::string("x"))).ok());
  Result<std::vector<FileInfo>> files = fs_->List(Uri("many"));
  ASSERT_TRUE(files.ok()) << files.status().message();
  ASSERT_EQ(files->size(), static_cast<size_t>(kKeys));
  EXPECT_EQ(files->front().path, Uri("many/k00000"));
  EXPECT_EQ(files->back().path, Uri("many/k01099"));
  EXPECT_EQ(files->at(500).size, 3);
  ASSERT_TRUE(fs_->DeleteTree(Uri("many")).ok());
  Result<std::vector<FileInfo>> after = fs_->List(Uri("many"));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
  EXPECT_TRUE(fs_->Stat(Uri("many-not-under/x")).ok()) << "DeleteTree stays inside its prefix";
}

TEST_F(S3FileSystemTest, PutIfAbsentHasExactlyOneWinnerAmongRacingWriters) {
  Result<bool> honoured = fs_->ConditionalWritesHonoured(bucket_);
  ASSERT_TRUE(honoured.ok()) << honoured.status().message();
  EXPECT_TRUE(*honoured);
  for (int round = 0; round < 5; ++round) {
    std::string key = "_delta_log/" + std::to_string(round) + ".json";
    std::atomic<int> winners{0}, losers{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < 8; ++w) {
      threads.emplace_back([&, w] {
        Status st = fs_->PutIfAbsent(Uri(key), View("writer " + std::to_string(w)));
        if (st.ok()) winners++;
        if (st.code() == StatusCode::kAlreadyExists) losers++;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1);
    EXPECT_EQ(losers.load(), 7);
  }
}

TEST_F(S3FileSystemTest, CopyRenameAndDeleteAreServerSide) {
  std::string data = RandomBytes(300'000, 4);
  ASSERT_TRUE(WriteFile("a/source.parquet", data).ok());
  ASSERT_TRUE(fs_->Copy(Uri("a/source.parquet"), Uri("b/copy name with spaces+ü.parquet")).ok());
  EXPECT_EQ(Download("b/copy name with spaces+ü.parquet"), data);
  ASSERT_TRUE(fs_->Rename(Uri("a/source.parquet"), Uri("c/renamed.parquet")).ok());
  EXPECT_EQ(fs_->Stat(Uri("a/source.parquet")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Download("c/renamed.parquet"), data);
  ASSERT_TRUE(fs_->Delete(Uri("c/renamed.parquet")).ok());
  EXPECT_EQ(fs_->Stat(Uri("c/renamed.parquet")).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(fs_->Delete(Uri("c/renamed.parquet")).ok()) << "deleting a missing key is not an error";
  Result<std::vector<FileInfo>> listed = fs_->List(Uri("b"));
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().path, Uri("b/copy name with spaces+ü.parquet"));
}

TEST_F(S3FileSystemTest, KmsEncryptionIsRequestedOnEveryWrite) {
  S3Options options = server_->Options();
  options.kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/test-key";
  std::shared_ptr<S3FileSystem> fs = MakeFs(options);
  ASSERT_TRUE(fs->PutIfAbsent(Uri("kms/small"), View(std::string("secret rows"))).ok());
  Result<std::unique_ptr<OutputStream>> out = fs->OpenWrite(Uri("kms/big"));
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->Write(View(RandomBytes((size_t{5} << 20) + 10, 5))).ok());
  ASSERT_TRUE((*out)->Close().ok());
  for (const char* key : {"kms/small", "kms/big"}) {
    Result<std::string> head = server_->Aws(std::string("s3api head-object --bucket ") + bucket_ + " --key " + key +
                                            " --query '[ServerSideEncryption,SSEKMSKeyId]' --output text");
    ASSERT_TRUE(head.ok()) << head.status().message();
    EXPECT_NE(head->find("aws:kms"), std::string::npos) << key << ": " << *head;
    EXPECT_NE(head->find("test-key"), std::string::npos) << key << ": " << *head;
  }
}

TEST_F(S3FileSystemTest, PresignedUrlDownloadsWithPlainCurl) {
  ASSERT_TRUE(WriteFile("shared/report.txt", "hello presigned").ok());
  std::string url = fs_->client().PresignGet({bucket_, "shared/report.txt"}, 600);
  EXPECT_NE(url.find("X-Amz-Signature="), std::string::npos);
  std::string out;
  ASSERT_EQ(RunCommand("curl -sf " + ShellQuote(url), &out), 0);
  EXPECT_EQ(out, "hello presigned");
}

TEST_F(S3FileSystemTest, BadInputGivesOneLineErrors) {
  Status missing = fs_->CreateDirs("s3://no-such-bucket-snaplake/x");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("bucket 'no-such-bucket-snaplake' does not exist"), std::string::npos)
      << missing.message();
  EXPECT_EQ(fs_->OpenWrite("s3://Bad_Bucket!/x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(fs_->OpenWrite(Uri("dir/")).status().code(), StatusCode::kInvalidArgument);

  S3Options unreachable = server_->Options();
  unreachable.endpoint = "http://127.0.0.1:1";
  auto start = std::chrono::steady_clock::now();
  Status down = MakeFs(unreachable)->CreateDirs(Uri("x"));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(down.code(), StatusCode::kIOError);
  EXPECT_NE(down.message().find("cannot reach http://127.0.0.1:1"), std::string::npos) << down.message();
  EXPECT_LT(seconds, 10) << "a refused connection must not be retried for long";
  for (const Status& st : {missing, down}) EXPECT_EQ(st.message().find('\n'), std::string::npos);
}

// moto accepts any region, so a store's refusals are replayed by a proxy that
// answers every request as AWS does for them.
TEST_F(S3FileSystemTest, RefusalsAreExplained) {
  struct Case {
    int status;
    const char* code;
    const char* header;
    const char* expected;
  } cases[] = {
      {301, "PermanentRedirect", "x-amz-bucket-region:eu-west-1",
       "bucket 'refused' is in region eu-west-1, not us-east-1: set AWS_REGION=eu-west-1"},
      {400, "AuthorizationHeaderMalformed", "x-amz-bucket-region:ap-south-1", "set AWS_REGION=ap-south-1"},
      {403, "AccessDenied", "", "access denied: S3 conditional PUT of s3://refused/k"},
      {400, "ExpiredToken", "", "session token from environment is expired"},
      {503, "SlowDown", "", "after 2 attempts: SlowDown"},
  };
  for (const Case& c : cases) {
    Result<std::unique_ptr<S3TestServer>> proxy = S3TestServer::StartFixedAnswer(*server_, c.status, c.code, c.header);
    ASSERT_TRUE(proxy.ok()) << proxy.status().message();
    S3Options options = (*proxy)->Options();
    options.max_attempts = 2;
    Result<std::shared_ptr<S3Client>> client = S3Client::Make(options, testing::TestAwsEnv);
    ASSERT_TRUE(client.ok());
    Status st = (*client)->PutObject({"refused", "k"}, View(std::string("x")), /*if_none_match=*/true);
    EXPECT_NE(st.message().find(c.expected), std::string::npos) << c.code << ": " << st.message();
    EXPECT_EQ(st.message().find('\n'), std::string::npos);
  }
}

TEST(S3OutputStreamParts, PartSizesCoverFiveTebibytesWithinTenThousandParts) {
  const int64_t min = int64_t{8} << 20;
  EXPECT_EQ(S3OutputStream::PartSize(min, 1), min);
  EXPECT_EQ(S3OutputStream::PartSize(min, 1000), min);
  EXPECT_EQ(S3OutputStream::PartSize(min, 1001), 2 * min);
  int64_t total = 0;
  for (int part = 1; part <= 10'000; ++part) total += S3OutputStream::PartSize(min, part);
  EXPECT_GE(total, int64_t{5} << 40);
}

}  // namespace
}  // namespace snaplake::s3
