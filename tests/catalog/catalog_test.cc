// The SQLite catalog: names (case, invalid characters), the three levels,
// upserts that keep created/owner and never move an entry back to an older
// version, and several processes opening a fresh catalog at once.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "testing/test_env.h"

namespace snaplake::catalog {
namespace {

TEST(CatalogNames, LowerCasedAndCheckedLikeUnityCatalog) {
  EXPECT_EQ(*NormalizeName("Main", "catalog"), "main");
  EXPECT_EQ(*NormalizeName("Bronze_2024-x", "schema"), "bronze_2024-x");
  EXPECT_EQ(*NormalizeName("caf\xc3\xa9", "table"), "caf\xc3\xa9");  // non-ASCII kept
  for (const char* bad : {"", "a.b", "a b", "a/b", "a\nb"}) {
    auto r = NormalizeName(bad, "table");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
  EXPECT_FALSE(NormalizeName(std::string(256, 'a'), "table").ok());
  auto q = ParseQualifiedName("Main.Bronze.Items", 3, 3);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->ToString(), "main.bronze.items");
  EXPECT_FALSE(ParseQualifiedName("main.bronze", 3, 3).ok());
  EXPECT_NE(ParseQualifiedName("a.b.c.d", 1, 2).status().message().find("catalog to catalog.schema"),
            std::string::npos);
}

TEST(Catalog, ThreeLevelsAndUpserts) {
  TempDir dir;
  auto cat = Catalog::Open(dir.Path("home/catalog.db"));
  ASSERT_TRUE(cat.ok()) << cat.status().message();
  Catalog& c = **cat;
  EXPECT_EQ(c.CreateSchema("main", "bronze").code(), StatusCode::kNotFound);
  ASSERT_TRUE(c.CreateCatalog("main").ok());
  EXPECT_EQ(c.CreateCatalog("main").code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(c.CreateCatalog("main", "", /*if_not_exists=*/true).ok());
  ASSERT_TRUE(c.CreateSchema("main", "bronze").ok());
  EXPECT_EQ(*c.ListCatalogs(), std::vector<std::string>{"main"});
  EXPECT_EQ(*c.ListSchemas("main"), std::vector<std::string>{"bronze"});
  EXPECT_EQ(c.ListSchemas("nope").status().code(), StatusCode::kNotFound);

  TableEntry t;
  t.catalog = "main";
  t.schema = "bronze";
  t.name = "items";
  t.location = "/w/main/bronze/items";
  t.version = 0;
  t.row_count = 10;
  t.table_id = "id-1";
  t.owner = "alice";
  t.updated_ms = 1000;
  ASSERT_TRUE(c.UpsertTable(t).ok());
  t.version = 2;
  t.row_count = 12;
  t.owner = "bob";
  t.updated_ms = 3000;
  ASSERT_TRUE(c.UpsertTable(t).ok());
  // A slower writer of version 1 arrives late: ignored.
  t.version = 1;
  t.row_count = 11;
  t.updated_ms = 2000;
  ASSERT_TRUE(c.UpsertTable(t).ok());
  auto got = c.GetTable("main", "bronze", "items");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->row_count, 12);
  EXPECT_EQ(got->owner, "alice");
  EXPECT_EQ(got->created_ms, 1000);
  EXPECT_EQ(got->updated_ms, 3000);
  EXPECT_EQ(c.GetTable("main", "bronze", "other").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(c.ListTables("main", "bronze")->size(), 1u);
  t.schema = "silver";
  EXPECT_EQ(c.UpsertTable(t).code(), StatusCode::kNotFound);
}

TEST(Catalog, ProcessesOpeningAFreshCatalogAtOnce) {
  TempDir dir;
  const std::string path = dir.Path("catalog.db");
  std::vector<pid_t> children;
  for (int i = 0; i < 4; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto cat = Catalog::Open(path);
      if (!cat.ok()) _exit(1);
      if (!(*cat)->CreateCatalog("main", "", true).ok()) _exit(2);
      if (!(*cat)->CreateSchema("main", "s" + std::to_string(i)).ok()) _exit(3);
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  auto cat = Catalog::Open(path);
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(cat.value()->ListSchemas("main")->size(), 4u);
}

}  // namespace
}  // namespace snaplake::catalog
