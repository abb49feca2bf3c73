// snaplake types -> Delta schemaString and back, the names that need column
// mapping, and the types refused because Spark cannot read such Parquet columns.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lake/delta/actions.h"
#include "lake/delta/spark_schema.h"

namespace snaplake::delta {
namespace {

TEST(SparkSchema, EveryMappedTypeRoundTrips) {
  Schema s;
  s.fields = {
      {"b", Type::Boolean(), true},
      {"i8", Type::Int8(), true},
      {"i16", Type::Int16(), false},
      {"i32", Type::Int32(), true},
      {"i64", Type::Int64(), true},
      {"f", Type::Float(), true},
      {"d", Type::Double(), true},
      {"dec", Type::Decimal(38, 10), true},
      {"s", Type::String(), true},
      {"bin", Type::Binary(), true},
      {"day", Type::Date(), true},
      {"ts", Type::Timestamp(TimeUnit::kMicros, true), true},
      {"ntz", Type::Timestamp(TimeUnit::kMicros, false), true},
      {"arr", Type::List(Field{"element", Type::Int32(), false}), true},
      {"m", Type::Map(Field{"key", Type::String(), false}, Field{"value", Type::Double(), true}), true},
      {"st", Type::Struct({Field{"x", Type::Int64(), true}, Field{"y", Type::String(), false}}), true},
  };
  auto json = ToSparkSchemaJson(s);
  ASSERT_TRUE(json.ok()) << json.status().message();
  nlohmann::json j = nlohmann::json::parse(*json);
  EXPECT_EQ(j["type"], "struct");
  EXPECT_EQ(j["fields"][7]["type"], "decimal(38,10)");
  EXPECT_EQ(j["fields"][12]["type"], "timestamp_ntz");
  EXPECT_EQ(j["fields"][13]["type"]["containsNull"], false);
  EXPECT_EQ(j["fields"][2]["nullable"], false);
  auto back = ParseSparkSchema(*json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, s);
  EXPECT_TRUE(UsesTimestampNtz(s));
  EXPECT_FALSE(NeedsColumnMapping(s));
  EXPECT_EQ(SparkTypeName(s.fields[15].type), "struct<x:long,y:string>");
}

TEST(SparkSchema, WideningsAndStringLikeTypes) {
  Schema s;
  s.fields = {{"u8", Type::UInt8(), true},  {"u16", Type::UInt16(), true}, {"u32", Type::UInt32(), true},
              {"u64", Type::UInt64(), true}, {"j", Type::Json(), true},    {"e", Type::Enum(), true},
              {"fb", Type::FixedBinary(4), true}, {"ms", Type::Timestamp(TimeUnit::kMillis, true), true}};
  nlohmann::json j = nlohmann::json::parse(*ToSparkSchemaJson(s));
  std::vector<std::string> types;
  for (const auto& f : j["fields"]) types.push_back(f["type"].get<std::string>());
  EXPECT_EQ(types, (std::vector<std::string>{"short", "integer", "long", "decimal(20,0)", "string", "string",
                                             "binary", "timestamp"}));
}

TEST(SparkSchema, TypesSparkCannotReadAreRefusedNamingTheColumn) {
  for (const Type& t : {Type::Time(), Type::Interval(), Type::Uuid(), Type::Timestamp(TimeUnit::kNanos, true)}) {
    Schema s;
    s.fields = {{"ok", Type::Int32(), true},
                {"outer", Type::Struct({Field{"inner", t, true}}), true}};
    auto r = ToSparkSchemaJson(s);
    ASSERT_FALSE(r.ok()) << t.ToString();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("column 'outer.inner'"), std::string::npos) << r.status().message();
  }
}

TEST(SparkSchema, ColumnMappingGivesIdsAndPhysicalNames) {
  Schema s;
  s.fields = {{"a b", Type::Int32(), true}, {"n", Type::Struct({Field{"x;y", Type::String(), true}}), true}};
  EXPECT_TRUE(NeedsColumnMapping(s));
  EXPECT_FALSE(IsPlainColumnName("a=b"));
  EXPECT_TRUE(IsPlainColumnName("caf\xc3\xa9_1"));
  SparkSchemaOptions options;
  options.column_mapping = true;
  auto json = ToSparkSchemaJson(s, options);
  ASSERT_TRUE(json.ok());
  nlohmann::json j = nlohmann::json::parse(*json);
  EXPECT_EQ(j["fields"][0]["metadata"]["delta.columnMapping.id"], 1);
  EXPECT_EQ(j["fields"][0]["metadata"]["delta.columnMapping.physicalName"], "a b");
  // Ids are unique across nesting levels (members are numbered before their struct).
  EXPECT_EQ(j["fields"][1]["type"]["fields"][0]["metadata"]["delta.columnMapping.id"], 2);
  EXPECT_EQ(j["fields"][1]["metadata"]["delta.columnMapping.id"], 3);
  std::vector<std::string> physical;
  auto back = ParseSparkSchema(*json, &physical);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(physical, (std::vector<std::string>{"a b", "n"}));
}

TEST(SparkSchema, MalformedAndUnsupported) {
  EXPECT_EQ(ParseSparkSchema("{").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseSparkSchema(R"({"type":"struct","fields":[{"name":"v","type":"variant","nullable":true}]})")
                .status()
                .code(),
            StatusCode::kNotImplemented);
  EXPECT_EQ(ParseSparkSchema(R"({"type":"struct","fields":[{"name":"v"}]})").status().code(),
            StatusCode::kCorruption);
}

TEST(LogActions, ParseAndWriteAgree) {
  AddFile a;
  a.path = EncodeLogPath("part 1%.parquet");
  EXPECT_EQ(a.path, "part%201%25.parquet");
  a.size = 10;
  a.modification_time = 5;
  a.stats = R"({"numRecords":3})";
  a.partition_values["p"] = std::nullopt;
  RemoveFile r;
  r.path = "old.parquet";
  r.deletion_timestamp = 7;
  r.size = 3;
  Protocol p;
  p.min_reader_version = 3;
  p.min_writer_version = 7;
  p.reader_features = std::vector<std::string>{"timestampNtz"};
  p.writer_features = std::vector<std::string>{"timestampNtz"};
  const std::string text = ProtocolLine(p) + "\n" + AddLine(a) + "\n\n" + RemoveLine(r) + "\n" +
                           CommitInfoLine(R"({"timestamp":1,"inCommitTimestamp":2})");
  auto parsed = ParseCommit(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed->protocol, p);
  ASSERT_EQ(parsed->adds.size(), 1u);
  EXPECT_EQ(*DecodeLogPath(parsed->adds[0].path), "part 1%.parquet");
  EXPECT_EQ(parsed->adds[0].stats, a.stats);
  EXPECT_FALSE(parsed->adds[0].partition_values.at("p").has_value());
  EXPECT_EQ(parsed->removes[0].deletion_timestamp, 7);
  EXPECT_EQ(parsed->in_commit_timestamp, 2);

  auto bad = ParseCommit("{\"add\":{\"path\":\"x\"}}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "line 1: add.size is missing");
  EXPECT_EQ(ParseCommit("nope\n").status().message(), "line 1 is not a JSON object");
  EXPECT_EQ(*DecodeLogPath("file:///tmp/a%20b"), "/tmp/a b");
  EXPECT_FALSE(DecodeLogPath("a%2").ok());
}

}  // namespace
}  // namespace snaplake::delta
