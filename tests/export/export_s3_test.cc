// Exports straight to an S3-compatible store (moto), through the real binary:
// the files arrive whole, with the rows of a local export, also when a
// proxy fails 10 % of the requests; a dead store fails the task cleanly with no
// objects or multipart uploads left; debug logs never show secrets.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "export_cli_test_support.h"
#include "testing/oracle.h"
#include "testing/pg_server.h"
#include "testing/s3_server.h"
#include "testing/test_env.h"

namespace snaplake {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::testing::HasSubstr;
using testing::S3TestServer;
using testing::export_cli::CliResult;
using testing::export_cli::ExportCliTest;
using testing::export_cli::FilesUnder;
using testing::export_cli::OneLineError;

constexpr char kDatabase[] = "s3export";
constexpr int64_t kEventRows = 60000;
constexpr int64_t kAccountRows = 3000;

Status EnsureDatabase(testing::PgServer& pg) {
  static std::once_flag once;
  static Status created;
  std::call_once(once, [&pg] {
    Result<std::string> db = pg.Psql(StrCat("CREATE DATABASE ", kDatabase));
    if (!db.ok()) {
      created = db.status();
      return;
    }
    created = pg.Psql(StrCat("CREATE TABLE public.events (id bigint PRIMARY KEY, at timestamptz, kind text, "
                             "amount numeric(12,2), payload jsonb);"
                             "INSERT INTO public.events SELECT i, timestamptz '2026-01-01 00:00:00+00' + i * "
                             "interval '1 minute', 'kind ' || (i % 7), (i * 3.25)::numeric(12,2), "
                             "jsonb_build_object('i', i, 'md5', md5(i::text)) FROM generate_series(1, ",
                             std::to_string(kEventRows),
                             ") i;"
                             "CREATE SCHEMA \"Odd Schema\";"
                             "CREATE TABLE \"Odd Schema\".\"Accounts.v2\" (id int, name text, born date);"
                             "INSERT INTO \"Odd Schema\".\"Accounts.v2\" SELECT i, 'name ü ' || i, date "
                             "'1990-01-01' + i FROM generate_series(1, ",
                             std::to_string(kAccountRows),
                             ") i;"
                             "CREATE TABLE public.empty (id int);"
                             "ANALYZE;"),
                      kDatabase)
                  .status();
  });
  return created;
}

// Per table folder of an export in `dir`: row count and an order-independent
// hash of every row, as DuckDB reads the Parquet files. (The files' bytes
// differ between exports: their metadata names the task.)
std::map<std::string, std::string> TableContents(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::set<std::string> folders;
  for (const std::string& file : FilesUnder(dir)) {
    if (file.ends_with(".parquet")) folders.insert(fs::path(file).parent_path().string());
  }
  for (const std::string& folder : folders) {
    Result<json> rows = OracleSql(StrCat("SELECT count(*) AS n, sum(hash(t)) AS h FROM read_parquet('", dir, "/",
                                         folder, "/*.parquet') t"));
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    if (rows.ok()) out[folder] = rows->dump();
  }
  return out;
}

class ExportS3Test : public ExportCliTest {
 protected:
  void SetUp() override {
    ExportCliTest::SetUp();
    SL_REQUIRE_SHARED_PG(pg);
    pg_ = pg;
    ASSERT_TRUE(EnsureDatabase(*pg_).ok());
    SL_REQUIRE_SHARED_MOTO(moto);
    moto_ = moto;
    static int counter = 0;
    bucket_ = StrCat("export-", std::to_string(getpid()), "-", std::to_string(counter++));
    ASSERT_TRUE(moto_->CreateBucket(bucket_).ok());
    endpoint_ = moto_->endpoint();
  }

  std::string RunPrefix() const override {
    return StrCat(moto_->ShellEnv(), " AWS_ENDPOINT_URL=", endpoint_, " ", extra_env_, " ");
  }

  std::string S3Target() const { return StrCat("s3://", bucket_, "/nightly/exports"); }

  CliResult StartToS3(const std::string& id, const std::string& extra = "") const {
    return Run(StrCat("export start --id ", id, " --source ", ShellQuote(pg_->Uri(kDatabase)), " --target ",
                      S3Target(), " --wait ", extra));
  }

  // Downloads s3://bucket/nightly/exports/ID with the AWS CLI into a local folder.
  std::string Download(const std::string& id) {
    std::string local = dir_.Path("download-" + id);
    Result<std::string> out =
        moto_->Aws(StrCat("s3 cp --recursive --only-show-errors ", S3Target(), "/", id, " ", ShellQuote(local)));
    EXPECT_TRUE(out.ok()) << out.status().message();
    return local;
  }

  std::string ObjectsUnder(const std::string& prefix) const {
    Result<std::string> out = moto_->Aws(StrCat("s3api list-objects-v2 --bucket ", bucket_, " --prefix ", prefix,
                                                " --query 'Contents[].Key' --output text"));
    return out.ok() ? *out : "(listing failed: " + out.status().message() + ")";
  }

  testing::PgServer* pg_ = nullptr;
  S3TestServer* moto_ = nullptr;
  std::string bucket_;
  std::string endpoint_;
  std::string extra_env_;
};

TEST_F(ExportS3Test, ExportLandsInTheBucketWholeAndTheSameRowsAsALocalExport) {
  SL_REQUIRE_ORACLE(oracle);
  CliResult start = StartToS3("to-s3", "--parallel 2");
  ASSERT_EQ(start.exit_code, 0) << start.err;
  json task = Describe("to-s3");
  EXPECT_EQ(task["Status"], "COMPLETE");
  EXPECT_EQ(task["S3Bucket"], bucket_);
  EXPECT_EQ(task["S3Prefix"], "nightly/exports");
  EXPECT_EQ(task["ExportedRows"], kEventRows + kAccountRows);
  EXPECT_EQ(task["ExportedFilesPath"], S3Target() + "/to-s3");

  std::string local = Download("to-s3");
  std::vector<std::string> files = FilesUnder(local);
  EXPECT_THAT(files, ::testing::Contains("_SUCCESS"));
  EXPECT_THAT(files, ::testing::Contains("export_info_to-s3.json"));
  EXPECT_THAT(files, ::testing::Contains(HasSubstr("s3export/Odd Schema.Accounts.v2/1/part-")));
  std::vector<std::string> parquet;
  for (const std::string& f : files) {
    if (f.ends_with(".parquet")) parquet.push_back(local + "/" + f);
  }
  ASSERT_FALSE(parquet.empty());
  {
    EXPECT_TRUE(OracleAllOk(parquet));
    Result<json> counts = OracleSql(StrCat("SELECT count(*) AS n, sum(amount) AS total FROM read_parquet('", local,
                                           "/s3export/public.events/1/*.parquet')"));
    ASSERT_TRUE(counts.ok()) << counts.status().message();
    EXPECT_EQ((*counts)[0]["n"].dump(), StrCat("\"", std::to_string(kEventRows), "\"")) << counts->dump();
  }

  // The same export to a local folder gives the same bytes.
  CliResult local_run = Run(StrCat("export start --id to-disk --source ", ShellQuote(pg_->Uri(kDatabase)),
                                   " --target ", ShellQuote(target_), " --wait --parallel 2"));
  ASSERT_EQ(local_run.exit_code, 0) << local_run.err;
  EXPECT_EQ(TableContents(local), TableContents(TaskDir("to-disk")));
  Result<std::string> uploads = moto_->ListUploads(bucket_);
  ASSERT_TRUE(uploads.ok());
  EXPECT_EQ(*uploads, "None\n");
}

// The whole nightly path on S3: PostgreSQL -> export on s3:// -> Delta tables
// in an s3:// warehouse (server-side copies) -> rows read back through the log.
TEST_F(ExportS3Test, ExportThenIngestIntoDeltaOnS3ReadsBackEveryRow) {
  ASSERT_EQ(StartToS3("nightly", "--parallel 2").exit_code, 0);
  CliResult ingest = Run(StrCat("ingest --export ", S3Target(), "/nightly --catalog main --schema bronze ",
                                "--warehouse s3://", bucket_, "/warehouse --tables events,empty"));
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  CliResult cat = Run("delta cat main.bronze.events");
  ASSERT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_EQ(static_cast<int64_t>(std::count(cat.out.begin(), cat.out.end(), '\n')), kEventRows);
  EXPECT_THAT(cat.out, HasSubstr("\"kind\":\"kind 3\""));
  CliResult described = Run("catalog describe main.bronze.events --output json");
  ASSERT_EQ(described.exit_code, 0) << described.err;
  json table = json::parse(described.out, nullptr, false);
  EXPECT_EQ(table["rows"], kEventRows) << described.out;
  EXPECT_THAT(table.dump(), HasSubstr(StrCat("s3://", bucket_, "/warehouse/main/bronze/events")));
  CliResult empty = Run("delta cat main.bronze.empty");
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.out, "");
  Result<std::string> log = moto_->Aws(StrCat("s3 ls --recursive s3://", bucket_, "/warehouse/main/bronze/events/"));
  ASSERT_TRUE(log.ok());
  EXPECT_THAT(*log, HasSubstr("_delta_log/00000000000000000000.json"));
  EXPECT_THAT(*log, HasSubstr(".parquet"));
}

TEST_F(ExportS3Test, TenPercentFailedRequestsStillGiveTheSameRows) {
  SL_REQUIRE_ORACLE(oracle);
  ASSERT_EQ(StartToS3("clean").exit_code, 0);
  Result<std::unique_ptr<S3TestServer>> proxy = S3TestServer::StartFaultProxy(*moto_, 10, 7);
  ASSERT_TRUE(proxy.ok()) << proxy.status().message();
  endpoint_ = (*proxy)->endpoint();
  CliResult flaky = StartToS3("flaky", "--parallel 2");
  ASSERT_EQ(flaky.exit_code, 0) << flaky.err;
  EXPECT_EQ(Describe("flaky")["Status"], "COMPLETE");
  std::string proxy_log;
  (void)RunCommand("cat " + ShellQuote((*proxy)->log_path()), &proxy_log);
  endpoint_ = moto_->endpoint();
  EXPECT_EQ(TableContents(Download("flaky")), TableContents(Download("clean")));
  Result<std::string> uploads = moto_->ListUploads(bucket_);
  ASSERT_TRUE(uploads.ok());
  EXPECT_EQ(*uploads, "None\n");
  // The proxy logs one "fault ..." line per failed request: there were some.
  size_t faults = 0;
  for (size_t at = proxy_log.find("fault "); at != std::string::npos; at = proxy_log.find("fault ", at + 1)) ++faults;
  EXPECT_GE(faults, 3u) << proxy_log;
  std::fprintf(stderr, "[faults] %zu requests failed by the proxy, export still COMPLETE\n", faults);
}

TEST_F(ExportS3Test, DeadStoreFailsTheTaskCleanly) {
  Result<std::unique_ptr<S3TestServer>> proxy = S3TestServer::StartFaultProxy(*moto_, 100, 3);
  ASSERT_TRUE(proxy.ok()) << proxy.status().message();
  endpoint_ = (*proxy)->endpoint();
  extra_env_ = "AWS_MAX_ATTEMPTS=3";
  CliResult dead = StartToS3("dead");
  EXPECT_TRUE(OneLineError(dead, 1, {"S3", bucket_}));
  EXPECT_LT(dead.seconds, 60);
  endpoint_ = moto_->endpoint();
  json task = Describe("dead");
  EXPECT_EQ(task["Status"], "FAILED");
  EXPECT_THAT(task.value("FailureCause", ""), HasSubstr("attempts"));
  EXPECT_EQ(ObjectsUnder("nightly/"), "None\n");
  Result<std::string> uploads = moto_->ListUploads(bucket_);
  ASSERT_TRUE(uploads.ok());
  EXPECT_EQ(*uploads, "None\n");
}

TEST_F(ExportS3Test, MissingBucketIsAOneLineError) {
  CliResult r = Run(StrCat("export start --id nobucket --source ", ShellQuote(pg_->Uri(kDatabase)),
                           " --target s3://no-such-bucket-here/x --wait"));
  EXPECT_TRUE(OneLineError(r, 1, {"bucket 'no-such-bucket-here' does not exist"}));
}

TEST_F(ExportS3Test, DebugLogsNeverShowCredentialsOrSignatures) {
  extra_env_ = "SNAPLAKE_LOG_LEVEL=debug AWS_SESSION_TOKEN=session-token-must-not-leak";
  CliResult r = StartToS3("logged", "--only s3export.public.empty");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string logs = r.err;
  for (const std::string& f : FilesUnder(home_ + "/logs")) {
    Result<std::string> text = ReadFileToString(home_ + "/logs/" + f);
    if (text.ok()) logs += *text;
  }
  EXPECT_THAT(logs, HasSubstr("snaplake debug: s3 PUT s3://" + bucket_)) << "debug logging is on";
  for (const char* secret : {testing::kTestSecretKey, "session-token-must-not-leak", "Signature=",
                             "X-Amz-Signature", "Authorization", "AWS4-HMAC-SHA256"}) {
    EXPECT_THAT(logs, ::testing::Not(HasSubstr(secret))) << secret;
  }
}

}  // namespace
}  // namespace snaplake
