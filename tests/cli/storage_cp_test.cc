// `snaplake cp` through the real binary: a folder to S3, S3 to S3
// (server-side), back to disk, byte for byte; errors are one line.
#include <gtest/gtest.h>

#include "testing/s3_server.h"
#include "testing/test_env.h"

namespace snaplake {
namespace {

int Snaplake(const testing::S3TestServer& server, const std::string& args, std::string* out, std::string* err) {
  return RunCommandCapture(StrCat(server.ShellEnv(), " ", ShellQuote(SnaplakeBinary()), " ", args), out, err);
}

TEST(StorageCp, FolderRoundTripThroughS3IsByteExact) {
  SL_REQUIRE_SHARED_MOTO(moto);
  ASSERT_TRUE(moto->CreateBucket("cp-test").ok());
  TempDir dir;
  std::string source = dir.Path("source");
  ASSERT_EQ(RunCommand(StrCat("mkdir -p ", ShellQuote(source + "/db/public.t/1"), " && head -c 12000000 /dev/urandom > ",
                              ShellQuote(source + "/db/public.t/1/part-1.parquet"), " && echo done > ",
                              ShellQuote(source + "/_SUCCESS")),
                       nullptr),
            0);
  std::string out, err;
  ASSERT_EQ(Snaplake(*moto, "cp -r " + ShellQuote(source) + " s3://cp-test/in", &out, &err), 0) << err;
  EXPECT_EQ(out, "copied 2 files, 12000005 bytes\n");
  ASSERT_EQ(Snaplake(*moto, "cp --recursive s3://cp-test/in s3://cp-test/moved", &out, &err), 0) << err;
  ASSERT_EQ(Snaplake(*moto, "cp -r s3://cp-test/moved " + ShellQuote(dir.Path("back")), &out, &err), 0) << err;
  EXPECT_EQ(RunCommand(StrCat("diff -r ", ShellQuote(source), " ", ShellQuote(dir.Path("back"))), nullptr), 0);
  Result<std::string> listed = moto->Aws("s3 ls --recursive s3://cp-test/moved/");
  ASSERT_TRUE(listed.ok());
  EXPECT_NE(listed->find("moved/db/public.t/1/part-1.parquet"), std::string::npos) << *listed;

  EXPECT_EQ(Snaplake(*moto, "cp -r s3://cp-test/none " + ShellQuote(dir.Path("x")), &out, &err), 1);
  EXPECT_EQ(err, "snaplake: s3://cp-test/none does not exist\n");
  EXPECT_EQ(Snaplake(*moto, "cp s3://cp-test/in " + ShellQuote(dir.Path("x")), &out, &err), 1);
  EXPECT_EQ(err, "snaplake: 's3://cp-test/in' is a folder: copy it with --recursive\n");
}

}  // namespace
}  // namespace snaplake
