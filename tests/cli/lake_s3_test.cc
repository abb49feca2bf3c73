// Delta tables on S3 (moto) through the real binary: a local export ingested
// into an s3:// warehouse (bytes streamed across stores), an export on S3
// ingested into S3 (server-side copies), exclusive commits by conditional
// PUT under two concurrent ingests, and the log checked with the AWS CLI.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/s3_server.h"
#include "testing/test_env.h"

namespace snaplake {
namespace {

struct CliRun {
  int code = -1;
  std::string out, err;
};

class LakeS3 : public ::testing::Test {
 protected:
  CliRun Snaplake(const std::string& args) {
    CliRun r;
    r.code = RunCommandCapture(StrCat(moto_->ShellEnv(), " SNAPLAKE_HOME=", ShellQuote(tmp_.Path("home")), " ",
                                      ShellQuote(SnaplakeBinary()), " ", args),
                               &r.out, &r.err);
    return r;
  }

  // A minimal COMPLETE export (RDS layout) of one table with `rows` rows.
  std::string MakeExport(const std::string& id, int rows) {
    const std::string dir = tmp_.Path("exports/" + id);
    const std::string part = dir + "/db/s.t/1/part-00000-00000000-0000-4000-8000-000000000000-c000.snappy.parquet";
    EXPECT_EQ(RunCommand(StrCat("mkdir -p ", ShellQuote(dir + "/db/s.t/1")), nullptr), 0);
    EXPECT_EQ(Snaplake(StrCat("parquet generate ", ShellQuote(part), " --rows ", std::to_string(rows))).code, 0);
    EXPECT_TRUE(WriteStringToFile(dir + "/export_tables_info_" + id + "_from_1_to_1.json",
                                  R"({"perTableStatus": [{"target": "db.s.t", "status": "COMPLETE"}]})")
                    .ok());
    EXPECT_TRUE(WriteStringToFile(dir + "/_SUCCESS", "").ok());
    return dir;
  }

  TempDir tmp_;
  testing::S3TestServer* moto_ = nullptr;
};

int64_t CountLines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

TEST_F(LakeS3, IngestIntoAnS3WarehouseFromDiskAndFromS3) {
  SL_REQUIRE_SHARED_MOTO(moto);
  moto_ = moto;
  ASSERT_TRUE(moto_->CreateBucket("lake").ok());
  const std::string local = MakeExport("e1", 500);

  CliRun first = Snaplake(StrCat("ingest --export ", ShellQuote(local),
                              " --catalog main --schema bronze --warehouse s3://lake/wh"));
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("main.bronze.t  version 0  1 files  500 rows  s3://lake/wh/main/bronze/t"),
            std::string::npos)
      << first.out;

  // The export on S3 too: files are copied server-side.
  ASSERT_EQ(Snaplake(StrCat("cp -r ", ShellQuote(MakeExport("e2", 700)), " s3://lake/exports/e2")).code, 0);
  CliRun second = Snaplake("ingest --export s3://lake/exports/e2 --catalog main --schema bronze");
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.out.find("version 1  1 files  700 rows  s3://lake/wh/main/bronze/t"), std::string::npos)
      << second.out;

  CliRun cat = Snaplake("delta cat main.bronze.t");
  ASSERT_EQ(cat.code, 0) << cat.err;
  EXPECT_EQ(CountLines(cat.out), 700);
  CliRun old = Snaplake("delta cat s3://lake/wh/main/bronze/t --version 0");
  ASSERT_EQ(old.code, 0) << old.err;
  EXPECT_EQ(CountLines(old.out), 500);
  // The same rows as the local file gives.
  CliRun local_cat = Snaplake(StrCat(
      "parquet cat ", ShellQuote(local + "/db/s.t/1/part-00000-00000000-0000-4000-8000-000000000000-c000.snappy.parquet")));
  EXPECT_EQ(old.out, local_cat.out);

  CliRun describe = Snaplake("catalog describe main.bronze.t --output json");
  ASSERT_EQ(describe.code, 0) << describe.err;
  auto d = nlohmann::json::parse(describe.out);
  EXPECT_EQ(d["version"], 1);
  EXPECT_EQ(d["rows"], 700);

  // An independent client sees the log.
  auto listed = moto_->Aws("s3 ls --recursive s3://lake/wh/main/bronze/t/_delta_log/");
  ASSERT_TRUE(listed.ok());
  EXPECT_NE(listed->find("00000000000000000000.json"), std::string::npos) << *listed;
  EXPECT_NE(listed->find("00000000000000000001.json"), std::string::npos) << *listed;
}

TEST_F(LakeS3, ConcurrentIngestsCommitEveryVersionOnce) {
  SL_REQUIRE_SHARED_MOTO(moto);
  moto_ = moto;
  ASSERT_TRUE(moto_->CreateBucket("race").ok());
  const std::string exp = MakeExport("e1", 50);
  const std::string ingest =
      StrCat(moto_->ShellEnv(), " SNAPLAKE_HOME=", ShellQuote(tmp_.Path("home")), " ", ShellQuote(SnaplakeBinary()),
             " ingest --export ", ShellQuote(exp), " --catalog main --schema bronze --warehouse s3://race/wh >/dev/null");
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    std::string out;
    ASSERT_EQ(RunCommand(StrCat(ingest, " & ", ingest, "; a=$?; wait $!; b=$?; exit $((a+b))"), &out, true), 0)
        << out;
  }
  CliRun history = Snaplake("delta history s3://race/wh/main/bronze/t --output json");
  ASSERT_EQ(history.code, 0) << history.err;
  auto h = nlohmann::json::parse(history.out);
  ASSERT_EQ(h.size(), 2u * kRounds);
  for (size_t i = 0; i < h.size(); ++i) {
    EXPECT_EQ(h[i]["version"], static_cast<int>(h.size() - 1 - i));
    EXPECT_EQ(h[i]["adds"], 1);
    EXPECT_EQ(h[i]["removes"], i + 1 == h.size() ? 0 : 1);
  }
  CliRun files = Snaplake("delta files main.bronze.t");
  EXPECT_EQ(CountLines(files.out), 1);
}

}  // namespace
}  // namespace snaplake
