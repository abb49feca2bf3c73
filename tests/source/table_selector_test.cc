#include "source/table_selector.h"

#include <gtest/gtest.h>

namespace snaplake {
namespace {

std::vector<TableSelector> Parse(std::string_view text) {
  Result<std::vector<TableSelector>> parsed = ParseTableSelectors(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? *parsed : std::vector<TableSelector>{};
}

TEST(TableSelector, DatabaseSchemaAndTableLevels) {
  auto s = Parse("shop, shop.sales ,shop.public.orders");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].database, "shop");
  EXPECT_EQ(s[0].schema, "");
  EXPECT_EQ(s[1].schema, "sales");
  EXPECT_EQ(s[1].table, "");
  EXPECT_EQ(s[2].table, "orders");
  EXPECT_EQ(s[1].text, "shop.sales");
  EXPECT_TRUE(s[0].Matches("shop", "any", "thing"));
  EXPECT_FALSE(s[0].Matches("other", "any", "thing"));
  EXPECT_TRUE(s[1].Matches("shop", "sales", "x"));
  EXPECT_FALSE(s[1].Matches("shop", "Sales", "x"));  // case-sensitive
  EXPECT_TRUE(s[2].Matches("shop", "public", "orders"));
  EXPECT_FALSE(s[2].Matches("shop", "public", "orders2"));
}

TEST(TableSelector, QuotedNamesHoldDotsCommasQuotesAndSpaces) {
  auto s = Parse(R"(shop."Sales.EU"."Order, ""Lines""",shop.public." padded ")");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].schema, "Sales.EU");
  EXPECT_EQ(s[0].table, "Order, \"Lines\"");
  EXPECT_EQ(s[1].table, " padded ");
  EXPECT_TRUE(SelectorsMatch(s, "shop", "Sales.EU", "Order, \"Lines\""));
  EXPECT_FALSE(SelectorsMatch(s, "shop", "Sales", "EU"));
}

TEST(TableSelector, UnicodeAndEmptyList) {
  auto s = Parse("db.схема.表");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].schema, "схема");
  EXPECT_EQ(s[0].table, "表");
  EXPECT_TRUE(Parse("").empty());
  EXPECT_TRUE(SelectorsMatch({}, "a", "b", "c"));
}

TEST(TableSelector, MalformedListsAreClearErrors) {
  for (const char* bad : {"db.\"unterminated", "db..t", "a.b.c.d", "db.\"x\"y", "db,,other", ".t", "db.sch.", "db.x\"y"}) {
    Result<std::vector<TableSelector>> parsed = ParseTableSelectors(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(parsed.status().message().find("--only"), std::string::npos) << parsed.status().message();
    EXPECT_NE(parsed.status().message().find("double-quoting"), std::string::npos) << parsed.status().message();
  }
}

}  // namespace
}  // namespace snaplake
