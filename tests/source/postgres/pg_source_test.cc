// PgSource's chunk plan against a real server: ctid block ranges that cover
// the whole heap with no gap and no overlap, and, when asked, a count that is
// a multiple of the workers so that none of them idles on a table's tail. On
// PostgreSQL 13 (no TID range scans) every table is one chunk.
#include "source/postgres/pg_source.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/pg_server.h"
#include "testing/test_env.h"

namespace snaplake::postgres {
namespace {

int64_t Blocks(testing::PgServer* pg, const std::string& table) {
  Result<std::string> out = pg->Psql(StrCat("SELECT pg_relation_size('", table, "') / 8192"), "pgsource");
  return out.ok() ? std::stoll(*out) : -1;
}

TEST(PgSourcePlan, ChunkCountsFollowTheWorkers) {
  SL_REQUIRE_SHARED_PG(pg);
  ASSERT_TRUE(pg->Psql("DROP DATABASE IF EXISTS pgsource; CREATE DATABASE pgsource;").ok());
  ASSERT_TRUE(pg->Psql("CREATE TABLE t (id int, pad text);"
                       "INSERT INTO t SELECT g, repeat('x', 60) FROM generate_series(1, 100000) g; ANALYZE t;",
                       "pgsource")
                  .ok());
  const int64_t blocks = Blocks(pg, "t");
  ASSERT_GT(blocks, 300) << "the table should span several 256 KiB chunks";
  PgSourceOptions options;
  options.conninfo = pg->Uri("pgsource");
  Result<std::unique_ptr<PgSource>> source = PgSource::Open(options);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  ASSERT_EQ((*source)->tables().size(), 1u);
  const bool splits = pg->VersionNum() >= 140000;

  const int64_t target = 256 * 1024;  // 32 blocks
  const int64_t plain = (blocks + 31) / 32;
  for (int workers : {1, 2, 3, 4, 7}) {
    SCOPED_TRACE(StrCat("workers ", std::to_string(workers)));
    Result<std::vector<Chunk>> chunks = (*source)->PlanChunks(0, target, workers);
    ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
    if (!splits) {
      ASSERT_EQ(chunks->size(), 1u);
      EXPECT_EQ((*chunks)[0].count, 1);
      continue;
    }
    const int64_t expected = (plain + workers - 1) / workers * workers;
    ASSERT_EQ(static_cast<int64_t>(chunks->size()), expected);
    // Contiguous ranges from block 0, the last one open; sizes within a block of each other.
    int64_t min_size = blocks, max_size = 0;
    for (size_t i = 0; i < chunks->size(); ++i) {
      const Chunk& c = (*chunks)[i];
      EXPECT_EQ(c.ordinal, static_cast<int>(i));
      EXPECT_EQ(c.count, static_cast<int>(expected));
      EXPECT_EQ(c.begin, i == 0 ? 0 : (*chunks)[i - 1].end);
      if (i + 1 == chunks->size()) {
        EXPECT_EQ(c.end, -1);
      } else {
        min_size = std::min(min_size, c.end - c.begin);
        max_size = std::max(max_size, c.end - c.begin);
      }
    }
    EXPECT_LE(max_size - min_size, 1);
    EXPECT_LE((*chunks).back().begin, blocks);
  }
}

}  // namespace
}  // namespace snaplake::postgres
