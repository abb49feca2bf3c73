#include "export/summary_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace snaplake::exporting {
namespace {

SourceColumn Column(std::string name, Type type, std::string original, std::string exported, int32_t char_len,
                    int32_t num_precision, int32_t dt_precision) {
  SourceColumn c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.original_type = std::move(original);
  c.expected_exported_type = std::move(exported);
  c.original_char_max_length = char_len;
  c.original_num_precision = num_precision;
  c.original_datetime_precision = dt_precision;
  return c;
}

SourceTable OrdersTable() {
  SourceTable t;
  t.database = "shop";
  t.schema = "public";
  t.name = "orders";
  t.kind = "table";
  t.columns = {
      Column("id", Type::Int64(), "bigint", "int64", -1, 64, -1),
      Column("customer", Type::String(), "character varying", "string", 100, -1, -1),
      Column("total", Type::Decimal(12, 2), "numeric", "decimal(12,2)", -1, 12, -1),
      Column("created_at", Type::Timestamp(TimeUnit::kMicros, true), "timestamp with time zone", "timestamp",
             -1, -1, 6),
  };
  return t;
}

SourceTable LogTable() {
  SourceTable t;
  t.database = "shop";
  t.schema = "audit";
  t.name = "log";
  t.columns = {Column("line", Type::String(), "text", "string", -1, -1, -1)};
  return t;
}

ExportTask FinishedTask() {
  ExportTask t;
  t.id = "nightly-1";
  t.status = ExportStatus::kComplete;
  t.source = "postgresql://app@db.internal/shop";
  t.target = "/data/exports";
  t.export_only = {"shop.public", "shop.audit.log"};
  t.snapshot_time_ms = 1583173588163;
  t.task_start_time_ms = 1583175476896;
  t.task_end_time_ms = 1583176231985;
  t.percent_progress = 100;
  t.exported_bytes = 3LL << 28;  // 0.75 GiB
  t.exported_rows = 1000000;
  t.tables_total = 2;
  t.tables_done = 2;
  return t;
}

// The exact text is the contract (field names, order, nesting, value types);
// the same example is shown in docs/export-layout.md.
TEST(ExportInfoJson, MatchesRdsFieldsExactly) {
  const std::string expected = R"json({
  "exportTaskIdentifier": "nightly-1",
  "sourceArn": "postgresql://app@db.internal/shop",
  "exportOnly": [
    "shop.public",
    "shop.audit.log"
  ],
  "snapshotTime": "2020-03-02T18:26:28.163Z",
  "taskStartTime": "2020-03-02T18:57:56.896Z",
  "taskEndTime": "2020-03-02T19:10:31.985Z",
  "exportedFilesPath": "nightly-1",
  "status": "COMPLETE",
  "percentProgress": 100,
  "totalExportedDataInGB": 0.75,
  "snaplake": {
    "exportedRows": 1000000,
    "exportedBytes": 805306368,
    "tablesTotal": 2,
    "tablesDone": 2
  }
})json";
  EXPECT_EQ(ExportInfoJson(FinishedTask()), expected);
}

TEST(ExportInfoJson, S3TargetAndEmptyExportOnly) {
  ExportTask t = FinishedTask();
  t.target = "s3://lake/raw/";
  t.export_only.clear();
  t.exported_bytes = 0;
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(ExportInfoJson(t));
  EXPECT_EQ(j["s3Bucket"], "lake");
  EXPECT_EQ(j["s3Prefix"], "raw");
  EXPECT_EQ(j["exportedFilesPath"], "nightly-1");
  EXPECT_TRUE(j["exportOnly"].is_array());
  EXPECT_TRUE(j["exportOnly"].empty());
  EXPECT_TRUE(j["totalExportedDataInGB"].is_number_float());
  EXPECT_EQ(j["totalExportedDataInGB"].get<double>(), 0.0);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  const std::vector<std::string> order = {"exportTaskIdentifier", "sourceArn", "exportOnly", "snapshotTime",
                                          "taskStartTime", "taskEndTime", "s3Bucket", "s3Prefix",
                                          "exportedFilesPath", "status", "percentProgress",
                                          "totalExportedDataInGB", "snaplake"};
  EXPECT_EQ(keys, order);
}

TEST(TablesInfoJson, MatchesRdsFieldsExactly) {
  SourceTable orders = OrdersTable();
  TableExportResult r;
  r.table = &orders;
  r.status = "COMPLETE";
  r.bytes = 1LL << 28;  // 0.25 GiB
  r.rows = 999000;
  r.partitions = 4;
  r.start_ms = 1583175477000;
  r.end_ms = 1583175500123;
  const std::string expected = R"json({
  "perTableStatus": [
    {
      "tableStatistics": {
        "extractionStartTime": "2020-03-02T18:57:57.000Z",
        "extractionEndTime": "2020-03-02T18:58:20.123Z",
        "partitioningInfo": {
          "numberOfPartitions": 4,
          "numberOfCompletedPartitions": 4
        }
      },
      "schemaMetadata": {
        "originalTypeMappings": [
          {
            "columnName": "id",
            "originalType": "bigint",
            "expectedExportedType": "int64",
            "originalCharMaxLength": 0,
            "originalNumPrecision": 64,
            "originalDateTimePrecision": 0
          },
          {
            "columnName": "customer",
            "originalType": "character varying",
            "expectedExportedType": "string",
            "originalCharMaxLength": 100,
            "originalNumPrecision": 0,
            "originalDateTimePrecision": 0
          },
          {
            "columnName": "total",
            "originalType": "numeric",
            "expectedExportedType": "decimal(12,2)",
            "originalCharMaxLength": 0,
            "originalNumPrecision": 12,
            "originalDateTimePrecision": 0
          },
          {
            "columnName": "created_at",
            "originalType": "timestamp with time zone",
            "expectedExportedType": "timestamp",
            "originalCharMaxLength": 0,
            "originalNumPrecision": 0,
            "originalDateTimePrecision": 6
          }
        ]
      },
      "status": "COMPLETE",
      "sizeGB": 0.25,
      "target": "shop.public.orders",
      "snaplake": {
        "rows": 999000,
        "bytes": 268435456
      }
    }
  ]
})json";
  EXPECT_EQ(TablesInfoJson({r}), expected);
}

TEST(TablesInfoJson, WarningsFailuresAndSkips) {
  SourceTable orders = OrdersTable();
  SourceTable log = LogTable();
  TableExportResult ok;
  ok.table = &orders;
  ok.partitions = 1;
  ok.warning = "numeric column total exported as STRING";
  TableExportResult failed;
  failed.table = &orders;
  failed.status = "FAILED";
  failed.partitions = 3;
  failed.warning = "permission denied for table orders";
  TableExportResult failed_partly = failed;
  failed_partly.partitions_completed = 2;
  TableExportResult skipped;
  skipped.table = &log;
  skipped.status = "SKIPPED";
  skipped.warning = "unlogged table";

  nlohmann::json j = nlohmann::json::parse(TablesInfoJson({ok, failed, failed_partly, skipped}));
  const auto& list = j["perTableStatus"];
  ASSERT_EQ(list.size(), 4u);

  // A COMPLETE table's note is ours, not RDS's "warningMessage": RDS readers
  // skip entries that carry warningMessage, and this table has data.
  EXPECT_FALSE(list[0].contains("warningMessage"));
  EXPECT_EQ(list[0]["snaplake"]["warning"], "numeric column total exported as STRING");
  EXPECT_FALSE(list[0]["tableStatistics"].contains("extractionStartTime"));  // unknown times are left out
  EXPECT_EQ(list[0]["tableStatistics"]["partitioningInfo"]["numberOfCompletedPartitions"], 1);
  EXPECT_TRUE(list[0]["sizeGB"].is_number_float());

  EXPECT_EQ(list[1]["status"], "FAILED");
  EXPECT_EQ(list[1]["warningMessage"], "permission denied for table orders");
  EXPECT_EQ(list[1]["tableStatistics"]["partitioningInfo"]["numberOfPartitions"], 3);
  EXPECT_EQ(list[1]["tableStatistics"]["partitioningInfo"]["numberOfCompletedPartitions"], 0);
  EXPECT_EQ(list[2]["tableStatistics"]["partitioningInfo"]["numberOfCompletedPartitions"], 2);

  EXPECT_EQ(list[3]["status"], "SKIPPED");
  EXPECT_EQ(list[3]["target"], "shop.audit.log");
  EXPECT_EQ(list[3]["warningMessage"], "unlogged table");
  EXPECT_FALSE(list[3].contains("tableStatistics"));
}

TEST(TablesInfoJson, InvalidUtf8IsReplacedNotThrown) {
  SourceTable t = LogTable();
  t.name = std::string("bad\xff\xfename");
  TableExportResult r;
  r.table = &t;
  std::string text = TablesInfoJson({r});
  EXPECT_TRUE(nlohmann::json::accept(text));
  EXPECT_NE(text.find("shop.audit.bad"), std::string::npos);
}

TEST(TablesInfoFiles, SplitsIntoNumberedFiles) {
  SourceTable orders = OrdersTable();
  std::vector<TableExportResult> results(5);
  for (auto& r : results) r.table = &orders;
  auto files = TablesInfoFiles("t1", results, 2);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].first, "export_tables_info_t1_from_1_to_2.json");
  EXPECT_EQ(files[1].first, "export_tables_info_t1_from_3_to_4.json");
  EXPECT_EQ(files[2].first, "export_tables_info_t1_from_5_to_5.json");
  EXPECT_EQ(nlohmann::json::parse(files[0].second)["perTableStatus"].size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(files[2].second)["perTableStatus"].size(), 1u);

  auto one = TablesInfoFiles("t1", results);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].first, "export_tables_info_t1_from_1_to_5.json");

  auto none = TablesInfoFiles("t1", {});
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].first, "export_tables_info_t1_from_1_to_0.json");
  EXPECT_EQ(none[0].second, "{\n  \"perTableStatus\": []\n}");
}

}  // namespace
}  // namespace snaplake::exporting
