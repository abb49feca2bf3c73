#include "export/export_task.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace snaplake::exporting {
namespace {

TEST(ExportStatus, NamesRoundTripAndTerminality) {
  struct Case {
    ExportStatus status;
    const char* name;
    bool terminal;
  };
  const Case cases[] = {
      {ExportStatus::kStarting, "STARTING", false},   {ExportStatus::kInProgress, "IN_PROGRESS", false},
      {ExportStatus::kComplete, "COMPLETE", true},    {ExportStatus::kCanceling, "CANCELING", false},
      {ExportStatus::kCanceled, "CANCELED", true},    {ExportStatus::kFailed, "FAILED", true},
  };
  for (const Case& c : cases) {
    EXPECT_STREQ(ExportStatusName(c.status), c.name);
    EXPECT_EQ(IsTerminal(c.status), c.terminal) << c.name;
    Result<ExportStatus> parsed = ParseExportStatus(c.name);
    ASSERT_TRUE(parsed.ok()) << c.name;
    EXPECT_EQ(*parsed, c.status);
  }
  Result<ExportStatus> lower = ParseExportStatus("in_progress");  // RDS's filter spelling
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(*lower, ExportStatus::kInProgress);
  Result<ExportStatus> bad = ParseExportStatus("DONE");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'DONE'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("IN_PROGRESS"), std::string::npos);
}

TEST(RedactConnectionString, Uris) {
  EXPECT_EQ(RedactConnectionString("postgresql://user:secret@db.example.com:5432/app"),
            "postgresql://user@db.example.com:5432/app");
  EXPECT_EQ(RedactConnectionString("postgres://user@host/db"), "postgres://user@host/db");
  EXPECT_EQ(RedactConnectionString("postgresql://host/db"), "postgresql://host/db");
  EXPECT_EQ(RedactConnectionString("postgresql://:pw@host/db"), "postgresql://@host/db");
  EXPECT_EQ(RedactConnectionString("mysql://root:p%40ss@127.0.0.1:3306/shop"), "mysql://root@127.0.0.1:3306/shop");
  // A raw '@' or '/' in the password is still removed whole.
  EXPECT_EQ(RedactConnectionString("postgresql://u:p@ss/w@rd@host/db"), "postgresql://u@host/db");
  // Multi-host libpq URI.
  EXPECT_EQ(RedactConnectionString("postgresql://u:pw@h1:5432,h2:5433/db?target_session_attrs=any"),
            "postgresql://u@h1:5432,h2:5433/db?target_session_attrs=any");
  // Passwords in the query string.
  EXPECT_EQ(RedactConnectionString("postgresql://host/db?user=u&password=secret&sslmode=require"),
            "postgresql://host/db?user=u&sslmode=require");
  EXPECT_EQ(RedactConnectionString("postgresql://host/db?password=secret"), "postgresql://host/db");
  EXPECT_EQ(RedactConnectionString("postgresql://host/db?PASSWORD=x&sslpassword=y#frag"), "postgresql://host/db#frag");
  EXPECT_EQ(RedactConnectionString("postgresql://u:pw@host/db#x"), "postgresql://u@host/db#x");
}

TEST(RedactConnectionString, KeyValue) {
  EXPECT_EQ(RedactConnectionString("host=localhost port=5432 user=me password=secret dbname=app"),
            "host=localhost port=5432 user=me dbname=app");
  EXPECT_EQ(RedactConnectionString("password=secret host=h"), "host=h");
  EXPECT_EQ(RedactConnectionString("host=h password=secret"), "host=h");
  EXPECT_EQ(RedactConnectionString("host=h password = 'it''s' user=u"), "host=h user=u");
  EXPECT_EQ(RedactConnectionString("host=h password='a b \\' c' user=u"), "host=h user=u");
  EXPECT_EQ(RedactConnectionString("host=h password=a\\ b user=u"), "host=h user=u");
  EXPECT_EQ(RedactConnectionString("host=h sslpassword=k password='' user=u"), "host=h user=u");
  // An unterminated quote: everything after the key goes.
  EXPECT_EQ(RedactConnectionString("host=h password='never closed user=u"), "host=h");
  // Other values that merely contain the word are kept.
  EXPECT_EQ(RedactConnectionString("host=h application_name='password=x' user=u"),
            "host=h application_name='password=x' user=u");
  EXPECT_EQ(RedactConnectionString("dbname=app"), "dbname=app");
  EXPECT_EQ(RedactConnectionString(""), "");
}

TEST(RedactConnectionString, NeverLeaksThePassword) {
  const std::vector<std::string> inputs = {
      "postgresql://u:TOPSECRET@h/db",       "postgresql://u@h/db?password=TOPSECRET",
      "password=TOPSECRET",                  "host=h password='TOP SECRET'",
      "host=h\tpassword=TOPSECRET\tuser=u",  "mysql://u:TOPSECRET@h:3306/db",
      "postgresql://u:TOP@SECRET@h/db",      "host=h PASSWORD=TOPSECRET",
  };
  for (const std::string& in : inputs) {
    std::string out = RedactConnectionString(in);
    EXPECT_EQ(out.find("TOP"), std::string::npos) << in << " -> " << out;
  }
}

TEST(FormatIsoTimeMs, LikeAws) {
  EXPECT_EQ(FormatIsoTimeMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoTimeMs(1583173588163), "2020-03-02T18:26:28.163Z");
  EXPECT_EQ(FormatIsoTimeMs(-1), "1969-12-31T23:59:59.999Z");
}

ExportTask SampleTask() {
  ExportTask t;
  t.id = "nightly-1";
  t.status = ExportStatus::kComplete;
  t.source = "postgresql://app@db.internal/shop";
  t.target = "/data/exports";
  t.export_only = {"shop.public"};
  t.snapshot_time_ms = 1583173588163;
  t.task_start_time_ms = 1583175476896;
  t.task_end_time_ms = 1583176231985;
  t.created_ms = 1583175476000;
  t.percent_progress = 100;
  t.total_bytes_estimate = 3LL << 30;
  t.exported_bytes = (2LL << 30) + 12345;
  t.exported_rows = 1234567;
  t.tables_total = 12;
  t.tables_done = 12;
  t.worker_pid = 4242;
  return t;
}

TEST(ToDescribeJson, RdsFieldsInRdsOrderThenOurs) {
  nlohmann::ordered_json j = ToDescribeJson(SampleTask());
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  const std::vector<std::string> expected = {
      "ExportTaskIdentifier", "SourceArn",      "ExportOnly",    "SnapshotTime",       "TaskStartTime",
      "TaskEndTime",          "Status",         "PercentProgress", "TotalExtractedDataInGB", "SourceType",
      "ExportedFilesPath",    "ExportedRows",   "ExportedBytes", "TotalBytesEstimate", "TablesTotal",
      "TablesDone"};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(j["ExportTaskIdentifier"], "nightly-1");
  EXPECT_EQ(j["SourceArn"], "postgresql://app@db.internal/shop");
  EXPECT_EQ(j["ExportOnly"], nlohmann::ordered_json::array({"shop.public"}));
  EXPECT_EQ(j["SnapshotTime"], "2020-03-02T18:26:28.163Z");
  EXPECT_EQ(j["TaskStartTime"], "2020-03-02T18:57:56.896Z");
  EXPECT_EQ(j["TaskEndTime"], "2020-03-02T19:10:31.985Z");
  EXPECT_EQ(j["Status"], "COMPLETE");
  EXPECT_EQ(j["PercentProgress"], 100);
  EXPECT_EQ(j["TotalExtractedDataInGB"], 2);  // whole GiB, an integer as in RDS
  EXPECT_TRUE(j["TotalExtractedDataInGB"].is_number_integer());
  EXPECT_EQ(j["SourceType"], "SNAPSHOT");
  EXPECT_EQ(j["ExportedFilesPath"], "/data/exports/nightly-1");
  EXPECT_EQ(j["ExportedRows"], 1234567);
  EXPECT_EQ(j["TablesDone"], 12);
  EXPECT_FALSE(j.contains("WorkerPid"));  // terminal
  EXPECT_FALSE(j.contains("FailureCause"));
  EXPECT_FALSE(j.contains("S3Bucket"));
}

TEST(ToDescribeJson, UnsetFieldsAreLeftOutAsRdsDoes) {
  ExportTask t;
  t.id = "fresh";
  t.target = "/x/";
  t.worker_pid = 77;
  nlohmann::ordered_json j = ToDescribeJson(t);
  EXPECT_EQ(j["Status"], "STARTING");
  EXPECT_EQ(j["PercentProgress"], 0);
  EXPECT_EQ(j["TotalExtractedDataInGB"], 0);
  for (const char* absent : {"SourceArn", "ExportOnly", "SnapshotTime", "TaskStartTime", "TaskEndTime",
                             "FailureCause", "WarningMessage"}) {
    EXPECT_FALSE(j.contains(absent)) << absent;
  }
  EXPECT_EQ(j["ExportedFilesPath"], "/x/fresh");
  EXPECT_EQ(j["WorkerPid"], 77);
}

TEST(ToDescribeJson, FailureWarningAndS3Target) {
  ExportTask t = SampleTask();
  t.status = ExportStatus::kFailed;
  t.failure_cause = "the export worker (pid 9) stopped without finishing";
  t.warning_message = "numeric column x exported as STRING";
  t.target = "s3://my-bucket/exports/daily/";
  nlohmann::ordered_json j = ToDescribeJson(t);
  EXPECT_EQ(j["FailureCause"], t.failure_cause);
  EXPECT_EQ(j["WarningMessage"], t.warning_message);
  EXPECT_EQ(j["S3Bucket"], "my-bucket");
  EXPECT_EQ(j["S3Prefix"], "exports/daily");
  EXPECT_EQ(j["ExportedFilesPath"], "s3://my-bucket/exports/daily/nightly-1");
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  // S3Bucket/S3Prefix sit where RDS puts them: after the times, before Status.
  auto pos = [&](const std::string& k) { return std::find(keys.begin(), keys.end(), k) - keys.begin(); };
  EXPECT_LT(pos("TaskEndTime"), pos("S3Bucket"));
  EXPECT_LT(pos("S3Prefix"), pos("Status"));
  EXPECT_LT(pos("TotalExtractedDataInGB"), pos("FailureCause"));
  EXPECT_LT(pos("FailureCause"), pos("WarningMessage"));

  ExportTask bucket_only = t;
  bucket_only.target = "s3://b";
  nlohmann::ordered_json k = ToDescribeJson(bucket_only);
  EXPECT_EQ(k["S3Bucket"], "b");
  EXPECT_EQ(k["S3Prefix"], "");
}

TEST(RenderTaskTable, AlignedColumnsOneLinePerTask) {
  ExportTask a = SampleTask();
  ExportTask b;
  b.id = "b";
  b.status = ExportStatus::kFailed;
  b.percent_progress = 37;
  b.tables_total = 3;
  b.tables_done = 1;
  b.exported_bytes = 1536;
  b.task_start_time_ms = 1583175476896;
  b.failure_cause = "worker died\nsecond line";
  std::string text = RenderTaskTable({a, b});
  const std::string expected =
      "IDENTIFIER  STATUS    PROGRESS  TABLES  ROWS     DATA     STARTED                   ENDED                     "
      "MESSAGE\n"
      "nightly-1   COMPLETE  100%      12/12   1234567  2.0 GiB  2020-03-02T18:57:56.896Z  2020-03-02T19:10:31.985Z\n"
      "b           FAILED    37%       1/3     0        1.5 KiB  2020-03-02T18:57:56.896Z  -                         "
      "worker died second line\n";
  EXPECT_EQ(text, expected);
  EXPECT_EQ(RenderTaskTable({}), "IDENTIFIER  STATUS  PROGRESS  TABLES  ROWS  DATA  STARTED  ENDED  MESSAGE\n");
}

}  // namespace
}  // namespace snaplake::exporting
