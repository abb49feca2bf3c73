#include "export/layout.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace snaplake::exporting {
namespace {

// Splits a relative path on '/'.
std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) return parts;
    start = slash + 1;
  }
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

SourceTable Table(std::string db, std::string schema, std::string name) {
  SourceTable t;
  t.database = std::move(db);
  t.schema = std::move(schema);
  t.name = std::move(name);
  return t;
}

TEST(EncodePathComponent, KeepsOrdinaryNamesAsTheyAre) {
  EXPECT_EQ(EncodePathComponent("orders"), "orders");
  EXPECT_EQ(EncodePathComponent("Order Items"), "Order Items");
  EXPECT_EQ(EncodePathComponent("DataInsert_7ADB5D19965123A2"), "DataInsert_7ADB5D19965123A2");
  EXPECT_EQ(EncodePathComponent("a.b"), "a.b");
  EXPECT_EQ(EncodePathComponent("..."), "...");
  EXPECT_EQ(EncodePathComponent(".hidden"), ".hidden");
  EXPECT_EQ(EncodePathComponent("ĉu_ŝi?*:<>|\"'`$"), "ĉu_ŝi?*:<>|\"'`$");
  EXPECT_EQ(EncodePathComponent("表名"), "表名");
  EXPECT_EQ(EncodePathComponent("emoji🙂"), "emoji🙂");
}

TEST(EncodePathComponent, EscapesWhatCouldEscapeOrConfuse) {
  EXPECT_EQ(EncodePathComponent("a/b"), "a%2Fb");
  EXPECT_EQ(EncodePathComponent("a\\b"), "a%5Cb");
  EXPECT_EQ(EncodePathComponent("100%"), "100%25");
  EXPECT_EQ(EncodePathComponent("tab\there"), "tab%09here");
  EXPECT_EQ(EncodePathComponent("nl\n"), "nl%0A");
  EXPECT_EQ(EncodePathComponent(std::string("nul\0x", 5)), "nul%00x");
  EXPECT_EQ(EncodePathComponent("del\x7f"), "del%7F");
  EXPECT_EQ(EncodePathComponent("."), "%2E");
  EXPECT_EQ(EncodePathComponent(".."), "%2E%2E");
  EXPECT_EQ(EncodePathComponent(""), "%00");
  EXPECT_EQ(EncodePathComponent("../../etc/passwd"), "..%2F..%2Fetc%2Fpasswd");
  EXPECT_EQ(EncodePathComponent("/abs"), "%2Fabs");
}

TEST(EncodePathComponent, DecodesBackAndNeverLeavesItsDirectory) {
  const std::vector<std::string> nasty = {
      "", ".", "..", "/", "//", "../x", "x/..", "a\\..\\b", "%2E%2E", "%", "%%", "\x01\x02", "..\n",
      " ", "ü/ß", "🙂..🙂", "C:\\Windows", "-rf", "*", "~", "a b", std::string(1, '\0'), "%00",
  };
  std::set<std::string> encoded;
  for (const std::string& name : nasty) {
    std::string e = EncodePathComponent(name);
    EXPECT_FALSE(e.empty());
    EXPECT_NE(e, ".");
    EXPECT_NE(e, "..");
    EXPECT_EQ(e.find('/'), std::string::npos) << e;
    EXPECT_EQ(e.find('\0'), std::string::npos) << e;
    if (!name.empty()) {
      EXPECT_EQ(PercentDecode(e), name) << e;
    }
    encoded.insert(e);
    // Joined under a root, the path stays under it.
    std::filesystem::path root("/root/task");
    std::filesystem::path joined = (root / e).lexically_normal();
    EXPECT_EQ(joined.parent_path(), root) << e;
  }
  // "" and "\0" share "%00" (a NUL cannot be in a database name); all others are distinct.
  EXPECT_EQ(encoded.size(), nasty.size() - 1);
}

TEST(TableDirectory, RdsLayout) {
  EXPECT_EQ(TableDirectory(Table("shop", "public", "orders")), "shop/public.orders/1");
  EXPECT_EQ(TableDirectory(Table("rdststdb", "rdststdb", "DataInsert_7ADB5D19965123A2")),
            "rdststdb/rdststdb.DataInsert_7ADB5D19965123A2/1");
  EXPECT_EQ(TableDirectory(Table("my db", "Sales Data", "Q1 2024")), "my db/Sales Data.Q1 2024/1");
  EXPECT_EQ(TableDirectory(Table("数据", "模式", "表")), "数据/模式.表/1");
}

TEST(TableDirectory, DotsInTheSchemaCannotCollide) {
  std::string a = TableDirectory(Table("db", "a.b", "c"));
  std::string b = TableDirectory(Table("db", "a", "b.c"));
  EXPECT_EQ(a, "db/a%2Eb.c/1");
  EXPECT_EQ(b, "db/a.b.c/1");
  EXPECT_NE(a, b);
}

TEST(TableDirectory, NastyNamesStayInside) {
  std::string dir = TableDirectory(Table("..", "..", ".."));
  EXPECT_EQ(dir, "%2E%2E/%2E%2E.%2E%2E/1");
  dir = TableDirectory(Table("../../etc", "x/y", "z\\w"));
  EXPECT_EQ(dir, "..%2F..%2Fetc/x%2Fy.z%5Cw/1");
  dir = TableDirectory(Table("", "", ""));
  EXPECT_EQ(dir, "%00/%00.%00/1");
  for (const std::string& d : {TableDirectory(Table("..", "..", "..")), TableDirectory(Table("/", "/", "/"))}) {
    std::vector<std::string> parts = Components(d);
    ASSERT_EQ(parts.size(), 3u) << d;
    for (const std::string& p : parts) {
      EXPECT_NE(p, "..");
      EXPECT_NE(p, ".");
      EXPECT_FALSE(p.empty());
    }
  }
}

TEST(TableDirectory, OverlongComponentsAreShortenedUniquely) {
  std::string long_schema(200, 's');
  std::string long_table(200, 't');
  std::string d1 = TableDirectory(Table("db", long_schema, long_table));
  std::string d2 = TableDirectory(Table("db", long_schema, long_table + "x"));
  std::vector<std::string> p1 = Components(d1);
  std::vector<std::string> p2 = Components(d2);
  ASSERT_EQ(p1.size(), 3u);
  EXPECT_LE(p1[1].size(), 255u);
  EXPECT_LE(p2[1].size(), 255u);
  EXPECT_NE(p1[1], p2[1]);
  EXPECT_EQ(p1[1][p1[1].size() - 17], '~');
  EXPECT_EQ(p1[1].substr(0, 201), long_schema + ".");
  // Deterministic.
  EXPECT_EQ(d1, TableDirectory(Table("db", long_schema, long_table)));

  // Multi-byte characters and escapes are not cut in half.
  std::string wide;
  for (int i = 0; i < 100; ++i) wide += "é/";  // 3 bytes each once encoded ("é" 2 + "%2F" 3 = 5)
  std::string d3 = TableDirectory(Table(wide, "s", "t"));
  std::string db = Components(d3)[0];
  EXPECT_LE(db.size(), 255u);
  std::string kept = db.substr(0, db.size() - 17);
  ASSERT_FALSE(kept.empty());
  EXPECT_NE(kept.back(), '%');
  EXPECT_NE(kept[kept.size() - 2], '%');
  EXPECT_NE(static_cast<unsigned char>(kept.back()), 0xC3);  // the lead byte of "é"
  // A name of exactly 255 bytes is kept as is.
  std::string exact(255, 'e');
  EXPECT_EQ(Components(TableDirectory(Table(exact, "s", "t")))[0], exact);
}

TEST(PartFileName, ExtensionsByCodec) {
  const std::string uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
  EXPECT_EQ(PartFileName(0, uuid, CompressionCodec::kGzip), "part-00000-" + uuid + "-c000.gz.parquet");
  EXPECT_EQ(PartFileName(7, uuid, CompressionCodec::kSnappy), "part-00007-" + uuid + "-c000.snappy.parquet");
  EXPECT_EQ(PartFileName(12345, uuid, CompressionCodec::kZstd), "part-12345-" + uuid + "-c000.zstd.parquet");
  EXPECT_EQ(PartFileName(3, uuid, CompressionCodec::kUncompressed), "part-00003-" + uuid + "-c000.parquet");
  EXPECT_EQ(PartFileName(3, uuid, CompressionCodec::kLz4Raw), "part-00003-" + uuid + "-c000.parquet");
  EXPECT_EQ(PartFileName(3, uuid, CompressionCodec::kBrotli), "part-00003-" + uuid + "-c000.parquet");
  EXPECT_EQ(PartFileName(123456, uuid, CompressionCodec::kGzip), "part-123456-" + uuid + "-c000.gz.parquet");
}

TEST(NewUuid, Version4Format) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u = NewUuid();
    ASSERT_EQ(u.size(), 36u) << u;
    for (size_t k = 0; k < u.size(); ++k) {
      if (k == 8 || k == 13 || k == 18 || k == 23) {
        EXPECT_EQ(u[k], '-') << u;
      } else {
        EXPECT_TRUE((u[k] >= '0' && u[k] <= '9') || (u[k] >= 'a' && u[k] <= 'f')) << u;
      }
    }
    EXPECT_EQ(u[14], '4') << u;
    EXPECT_TRUE(u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b') << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(SummaryFileNames, AsRdsNamesThem) {
  EXPECT_EQ(ExportInfoFileName("my-export"), "export_info_my-export.json");
  EXPECT_EQ(TablesInfoFileName("my-export", 1, 96), "export_tables_info_my-export_from_1_to_96.json");
  EXPECT_EQ(TaskDirectoryName("my-export"), "my-export");
  EXPECT_EQ(TaskDirectoryName(".."), "%2E%2E");
  EXPECT_EQ(ExportInfoFileName("a/b"), "export_info_a%2Fb.json");
  EXPECT_STREQ(kSuccessFileName, "_SUCCESS");
}

TEST(ParseS3Target, BucketAndPrefix) {
  EXPECT_FALSE(ParseS3Target("/local/dir").has_value());
  EXPECT_FALSE(ParseS3Target("file:///x").has_value());
  std::optional<S3Location> a = ParseS3Target("s3://bucket/a/b/");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->bucket, "bucket");
  EXPECT_EQ(a->prefix, "a/b");
  std::optional<S3Location> b = ParseS3Target("s3://bucket");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->bucket, "bucket");
  EXPECT_EQ(b->prefix, "");
}

}  // namespace
}  // namespace snaplake::exporting
