// The delta-io golden tables (../shared/testdata/delta-golden, from the
// delta-io/delta repository's connectors/golden-tables): every table either
// loads, with the same active files and versions as an independent replay of
// its JSON log (tests/lake/delta/replay_delta_log.py) and as our own replay
// without checkpoints, or is refused with the error this file names and
// explains. A table that changes outcome fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lake/delta/actions.h"
#include "lake/delta/log_files.h"
#include "lake/delta/snapshot.h"
#include "lake/delta/table_reader.h"
#include "storage/local_file_system.h"
#include "testing/test_env.h"

namespace snaplake::delta {
namespace {

struct Refusal {
  StatusCode code;
  const char* message_part;  // must occur in the error
  const char* why;           // the explanation, for the reader of this test
};

// Tables our reader refuses, and why that is right.
const std::map<std::string, Refusal>& Refused() {
  static const std::map<std::string, Refusal> refused = {
      {"deltalog-invalid-protocol-version",
       {StatusCode::kNotImplemented, "reader version 99", "minReaderVersion 99 is beyond the protocol we implement"}},
      {"deltalog-state-reconstruction-without-metadata",
       {StatusCode::kCorruption, "no metaData action", "the log has no metaData: the table has no schema"}},
      {"deltalog-state-reconstruction-without-protocol",
       {StatusCode::kCorruption, "no protocol action", "the log has no protocol: readers must refuse"}},
      {"deltalog-state-reconstruction-from-checkpoint-missing-metadata",
       {StatusCode::kCorruption, "no metaData action", "the checkpoint lacks metaData and no commit adds it"}},
      {"deltalog-state-reconstruction-from-checkpoint-missing-protocol",
       {StatusCode::kCorruption, "no protocol action", "the checkpoint lacks protocol and no commit adds it"}},
      {"data-reader-absolute-paths-escaped-chars",
       {StatusCode::kCorruption, "no metaData action", "a path-escaping fixture whose log has no metaData"}},
      {"versions-not-contiguous",
       {StatusCode::kCorruption, "00000000000000000001.json is missing", "version 1 is missing: the log has a gap"}},
      {"dv-partitioned-with-checkpoint",
       {StatusCode::kNotImplemented, "'deletionVectors'", "rows deleted through deletion vectors would reappear"}},
      {"dv-with-columnmapping",
       {StatusCode::kNotImplemented, "'deletionVectors'", "rows deleted through deletion vectors would reappear"}},
      {"log-replay-dv-key-cases",
       {StatusCode::kNotImplemented, "'deletionVectors'", "rows deleted through deletion vectors would reappear"}},
      {"spark-variant-checkpoint",
       {StatusCode::kNotImplemented, "'variantType-preview'", "snaplake has no VARIANT type"}},
      {"type-widening",
       {StatusCode::kNotImplemented, "'typeWidening-preview'", "old files would need widening on read"}},
      {"type-widening-nested",
       {StatusCode::kNotImplemented, "'typeWidening-preview'", "old files would need widening on read"}},
      {"v2-checkpoint-json",
       {StatusCode::kNotImplemented, "'v2Checkpoint'", "V2 checkpoints (UUID-named, sidecars) are not read"}},
      {"v2-checkpoint-parquet",
       {StatusCode::kNotImplemented, "'v2Checkpoint'", "V2 checkpoints (UUID-named, sidecars) are not read"}},
      {"data-reader-date-types-America",
       {StatusCode::kNotFound, "is not a Delta table", "plain Parquet files for time-zone tests, no log"}},
      {"data-reader-date-types-Asia",
       {StatusCode::kNotFound, "is not a Delta table", "plain Parquet files for time-zone tests, no log"}},
      {"data-reader-date-types-Etc",
       {StatusCode::kNotFound, "is not a Delta table", "plain Parquet files for time-zone tests, no log"}},
      {"hive", {StatusCode::kNotFound, "is not a Delta table", "a folder of tables (checked one by one below)"}},
      {"no-delta-log-folder", {StatusCode::kNotFound, "is not a Delta table", "there is no _delta_log/ at all"}},
      {"log-store-read", {StatusCode::kNotFound, "is not a Delta table", "a LogStore test folder, not a table"}},
      {"log-store-listFrom", {StatusCode::kNotFound, "is not a Delta table", "a LogStore test folder, not a table"}},
  };
  return refused;
}

std::vector<std::string> Paths(const std::vector<AddFile>& files) {
  std::vector<std::string> out;
  for (const AddFile& f : files) out.push_back(*DecodeLogPath(f.path));
  std::sort(out.begin(), out.end());
  return out;
}

// Whether the log holds every commit from 0 (the independent replay needs that).
bool CompleteJsonLog(const std::string& table) {
  LocalFileSystem fs(false);
  auto files = ListLogFiles(fs, table);
  if (!files.ok()) return false;
  int64_t next = 0;
  for (const LogFile& f : *files) {
    if (f.kind != LogFile::Kind::kCommit) continue;
    if (f.version != next) return false;
    ++next;
  }
  return next > 0;
}

TEST(GoldenTables, EveryTableLoadsOrIsRefusedForAStatedReason) {
  SL_REQUIRE_TESTDATA(data);
  const std::string root = data + "/delta-golden";
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << AnnounceMissingTestData();
  std::vector<std::string> tables;
  // Tables, and the tables one level down in folders that are not tables
  // themselves (data-reader-date-types-America/Los_Angeles, hive/...).
  for (const auto& e : std::filesystem::directory_iterator(root)) {
    if (!e.is_directory()) continue;
    const std::string name = e.path().filename().string();
    tables.push_back(name);
    if (std::filesystem::exists(e.path() / "_delta_log")) continue;
    for (const auto& sub : std::filesystem::directory_iterator(e.path())) {
      if (sub.is_directory() && std::filesystem::exists(sub.path() / "_delta_log")) {
        tables.push_back(name + "/" + sub.path().filename().string());
      }
    }
  }
  std::sort(tables.begin(), tables.end());
  ASSERT_GE(tables.size(), 50u);

  LocalFileSystem fs(false);
  int loaded = 0, compared = 0, scanned = 0;
  std::vector<std::string> unreadable;
  std::vector<std::string> replay_tables;
  std::map<std::string, std::pair<int64_t, std::vector<std::string>>> ours;  // table -> version, files
  for (const std::string& name : tables) {
    SCOPED_TRACE(name);
    const std::string table = root + "/" + name;
    auto snap = LoadSnapshot(fs, table);
    auto refused = Refused().find(name);
    if (refused != Refused().end()) {
      EXPECT_FALSE(snap.ok()) << "expected a refusal: " << refused->second.why << "; loaded from checkpoint "
                              << snap->checkpoint_version.value_or(-1) << " " << snap->checkpoint_error;
      if (snap.ok()) continue;
      EXPECT_EQ(snap.status().code(), refused->second.code) << snap.status().ToString();
      EXPECT_NE(snap.status().message().find(refused->second.message_part), std::string::npos)
          << snap.status().message();
      EXPECT_EQ(snap.status().message().find('\n'), std::string::npos);
      continue;
    }
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    if (!snap.ok()) continue;
    ++loaded;
    // The data: as many rows as the stats promise (when every file has them and is present).
    const int64_t expected_rows = snap->num_records();
    if (expected_rows >= 0 && !snap->files.empty()) {
      int64_t rows = 0;
      Status scan = ScanJsonRows(fs, *snap, -1, [&](std::string_view) {
        ++rows;
        return Status::OK();
      });
      if (scan.ok()) {
        EXPECT_EQ(rows, expected_rows);
        ++scanned;
      } else {
        unreadable.push_back(name + ": " + scan.message());
      }
    }
    if (!CompleteJsonLog(table)) continue;
    // Our replay without checkpoints agrees with the checkpointed one...
    SnapshotOptions plain;
    plain.use_checkpoints = false;
    auto replayed = LoadSnapshot(fs, table, plain);
    EXPECT_TRUE(replayed.ok()) << replayed.status().ToString();
    if (!replayed.ok()) continue;
    EXPECT_EQ(Paths(snap->files), Paths(replayed->files));
    EXPECT_EQ(snap->metadata.schema_string, replayed->metadata.schema_string);
    EXPECT_EQ(snap->protocol, replayed->protocol);
    replay_tables.push_back(table);
    ours[table] = {snap->version, Paths(snap->files)};
  }
  // ... and with the independent replay of the JSON log: one python process for all tables.
  std::string command = StrCat("python3 ", ShellQuote(StrCat(SNAPLAKE_SOURCE_DIR, "/tests/lake/delta/replay_delta_log.py")));
  for (const std::string& t : replay_tables) command.append(" ").append(ShellQuote(t));
  std::string out;
  ASSERT_EQ(RunCommand(command, &out), 0) << out;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json expected = nlohmann::json::parse(line);
    const std::string table = expected["table"].get<std::string>();
    SCOPED_TRACE(table);
    ASSERT_FALSE(expected.contains("error")) << expected["error"];
    EXPECT_EQ(ours[table].first, expected["version"].get<int64_t>());
    EXPECT_EQ(ours[table].second, expected["files"].get<std::vector<std::string>>());
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(replay_tables.size()));
  for (const std::string& u : unreadable) std::printf("data not read: %s\n", u.c_str());
  std::printf("%d tables loaded, %d compared with the independent replay, %d read row by row\n", loaded, compared,
              scanned);
  EXPECT_GE(loaded, 60);
  EXPECT_GE(compared, 50);
}

// Tables that exercise a particular path of the reader, with what delta-io's
// tests expect of them.
TEST(GoldenTables, CheckpointsAndTimeTravel) {
  SL_REQUIRE_TESTDATA(data);
  const std::string root = data + "/delta-golden/";
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << AnnounceMissingTestData();
  LocalFileSystem fs(false);

  // Two-part checkpoint at version 1.
  auto multi = LoadSnapshot(fs, root + "multi-part-checkpoint");
  ASSERT_TRUE(multi.ok()) << multi.status().message();
  EXPECT_EQ(multi->checkpoint_version, 1);
  EXPECT_EQ(multi->version, 1);

  // _last_checkpoint is garbage: the checkpoint is found by listing.
  auto corrupted = LoadSnapshot(fs, root + "corrupted-last-checkpoint");
  ASSERT_TRUE(corrupted.ok()) << corrupted.status().message();
  EXPECT_EQ(corrupted->checkpoint_version, 10);
  EXPECT_EQ(corrupted->commits_replayed, 0);

  // Checkpoints at 1 and 2; version 1 is read from its own checkpoint.
  SnapshotOptions at1;
  at1.version = 1;
  auto only = LoadSnapshot(fs, root + "only-checkpoint-files", at1);
  ASSERT_TRUE(only.ok()) << only.status().message();
  EXPECT_EQ(only->checkpoint_version, 1);

  // checkpoint: 15 commits, checkpoint at 10, then 4 commits replayed.
  auto cp = LoadSnapshot(fs, root + "checkpoint");
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->checkpoint_version, 10);
  EXPECT_EQ(cp->version, 14);

  // snapshot-data0..3 are the versions of one table in delta-io's tests:
  // version 0 has 10 rows, and every version is readable.
  for (int v = 0; v <= 3; ++v) {
    SnapshotOptions at;
    at.version = v;
    auto s = LoadSnapshot(fs, root + "snapshot-data3", at);
    ASSERT_TRUE(s.ok()) << v;
    EXPECT_EQ(s->version, v);
  }
  SnapshotOptions beyond;
  beyond.version = 4;
  EXPECT_EQ(LoadSnapshot(fs, root + "snapshot-data3", beyond).status().code(), StatusCode::kNotFound);

  // Column mapping (name mode): logical names differ from the physical ones in the files.
  auto mapped = LoadSnapshot(fs, root + "table-with-columnmapping-mode-name");
  ASSERT_TRUE(mapped.ok()) << mapped.status().message();
  ASSERT_FALSE(mapped->physical_names.empty());
  EXPECT_NE(mapped->physical_names[0], mapped->schema.fields[0].name);
  int64_t rows = 0;
  std::string first;
  ASSERT_TRUE(ScanJsonRows(fs, *mapped, -1, [&](std::string_view row) {
                if (rows++ == 0) first = row;
                return Status::OK();
              }).ok());
  EXPECT_GT(rows, 0);
  EXPECT_EQ(first.find("null,\"") == std::string::npos && first.find(":null,") == std::string::npos, true)
      << "columns read through their physical names should not all be null: " << first;
}

}  // namespace
}  // namespace snaplake::delta
