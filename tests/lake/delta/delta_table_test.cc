// The Delta writer and reader together on local disk: overwrite commits,
// schema changes, time travel, checkpoints (and the fallbacks when
// _last_checkpoint or a checkpoint is bad), concurrent writers, and the
// schemas Delta cannot hold.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "format/parquet/parquet_writer.h"
#include "lake/delta/actions.h"
#include "lake/delta/log_files.h"
#include "lake/delta/snapshot.h"
#include "lake/delta/table_writer.h"
#include "storage/local_file_system.h"
#include "testing/oracle.h"
#include "testing/test_env.h"

namespace snaplake::delta {
namespace {

// Writes `rows` rows (id = first..first+rows-1, name = "n<id>") to path.
void WriteFile(const std::string& path, int64_t first, int64_t rows, bool with_extra = false,
               const std::string& id_name = "id") {
  Schema schema;
  schema.fields.push_back(Field{id_name, Type::Int64(), false});
  schema.fields.push_back(Field{"name", Type::String(), true});
  if (with_extra) schema.fields.push_back(Field{"ts", Type::Timestamp(TimeUnit::kMicros, false), true});
  LocalFileSystem fs(false);
  auto sink = fs.OpenWrite(path);
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  auto writer = parquet::ParquetWriter::Open(std::move(*sink), schema);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  ColumnBatch batch(schema);
  for (int64_t i = 0; i < rows; ++i) {
    batch.mutable_column(0).Append<int64_t>(first + i);
    if (i % 3 == 2) batch.mutable_column(1).AppendNull();
    else batch.mutable_column(1).AppendString("n" + std::to_string(first + i));
    if (with_extra) batch.mutable_column(2).Append<int64_t>((first + i) * 1000001);
  }
  ASSERT_TRUE((*writer)->Write(batch).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
}

Result<OverwriteResult> Overwrite(const std::string& root, std::vector<std::string> files, int64_t now_ms = 0) {
  LocalFileSystem fs(false);
  OverwriteRequest req;
  req.table_root = root;
  req.data_files = std::move(files);
  req.now_ms = now_ms;
  return OverwriteTable(fs, req);
}

TEST(DeltaTable, CreateThenOverwriteKeepsIdAndOldVersion) {
  TempDir dir;
  WriteFile(dir.Path("a.gz.parquet"), 0, 10);
  WriteFile(dir.Path("b.parquet"), 10, 5);
  const std::string root = dir.Path("t");
  auto v0 = Overwrite(root, {dir.Path("a.gz.parquet"), dir.Path("b.parquet")});
  ASSERT_TRUE(v0.ok()) << v0.status().message();
  EXPECT_EQ(v0->version, 0);
  EXPECT_TRUE(v0->created);
  EXPECT_EQ(v0->rows, 15);

  LocalFileSystem fs(false);
  auto s0 = LoadSnapshot(fs, root);
  ASSERT_TRUE(s0.ok()) << s0.status().message();
  EXPECT_EQ(s0->protocol.min_reader_version, 1);
  EXPECT_EQ(s0->protocol.min_writer_version, 2);
  EXPECT_FALSE(s0->protocol.reader_features.has_value());
  ASSERT_EQ(s0->files.size(), 2u);
  EXPECT_EQ(s0->num_records(), 15);
  EXPECT_NE(s0->files[0].path.find(".gz.parquet"), std::string::npos);
  nlohmann::json stats = nlohmann::json::parse(*s0->files[0].stats);
  EXPECT_EQ(stats["numRecords"], 10);
  EXPECT_EQ(stats["minValues"]["id"], 0);
  EXPECT_EQ(stats["maxValues"]["id"], 9);
  EXPECT_EQ(stats["nullCount"]["name"], 3);
  EXPECT_EQ(stats["minValues"]["name"], "n0");
  ASSERT_EQ(s0->schema.num_fields(), 2);
  EXPECT_EQ(s0->schema.fields[0].type.id, TypeId::kInt64);
  EXPECT_FALSE(s0->schema.fields[0].nullable);

  // Second overwrite: new column (timestamp_ntz needs a table feature).
  WriteFile(dir.Path("c.parquet"), 100, 7, /*with_extra=*/true);
  auto v1 = Overwrite(root, {dir.Path("c.parquet")});
  ASSERT_TRUE(v1.ok()) << v1.status().message();
  EXPECT_EQ(v1->version, 1);
  EXPECT_TRUE(v1->schema_changed);
  EXPECT_EQ(v1->table_id, v0->table_id);
  auto s1 = LoadSnapshot(fs, root);
  ASSERT_TRUE(s1.ok()) << s1.status().message();
  EXPECT_EQ(s1->protocol.min_reader_version, 3);
  EXPECT_EQ(s1->protocol.min_writer_version, 7);
  EXPECT_EQ(*s1->protocol.reader_features, std::vector<std::string>{"timestampNtz"});
  ASSERT_EQ(s1->files.size(), 1u);
  EXPECT_EQ(s1->tombstones.size(), 2u);
  EXPECT_EQ(s1->schema.num_fields(), 3);
  EXPECT_EQ(s1->metadata.id, s0->metadata.id);
  stats = nlohmann::json::parse(*s1->files[0].stats);
  EXPECT_EQ(stats["minValues"]["ts"], "1970-01-01T00:01:40.000");  // 100 * 1000001 us, floored to ms
  EXPECT_EQ(stats["maxValues"]["ts"], "1970-01-01T00:01:46.001");  // 106000106 us, ceiled

  // The commit file removes exactly the two old files.
  auto text = ReadFileToString(root + "/_delta_log/00000000000000000001.json");
  ASSERT_TRUE(text.ok());
  auto actions = ParseCommit(*text);
  ASSERT_TRUE(actions.ok()) << actions.status().message();
  EXPECT_EQ(actions->removes.size(), 2u);
  EXPECT_EQ(actions->adds.size(), 1u);
  EXPECT_TRUE(actions->metadata.has_value());
  ASSERT_TRUE(actions->commit_info.has_value());
  EXPECT_NE(actions->commit_info->find("\"Overwrite\""), std::string::npos);

  // Time travel: version 0 still reads, with its files present.
  SnapshotOptions at0;
  at0.version = 0;
  auto old = LoadSnapshot(fs, root, at0);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->files.size(), 2u);
  EXPECT_EQ(old->schema.num_fields(), 2);
  for (const AddFile& a : old->files) EXPECT_TRUE(std::filesystem::exists(root + "/" + a.path)) << a.path;

  // The export files may go away: the table keeps its own links.
  std::filesystem::remove(dir.Path("a.gz.parquet"));
  for (const AddFile& a : old->files) EXPECT_TRUE(std::filesystem::exists(root + "/" + a.path)) << a.path;

  SnapshotOptions at9;
  at9.version = 9;
  EXPECT_EQ(LoadSnapshot(fs, root, at9).status().code(), StatusCode::kNotFound);
}

TEST(DeltaTable, CheckpointEveryTenCommitsAndFallbacks) {
  TempDir dir;
  WriteFile(dir.Path("a.parquet"), 0, 3);
  const std::string root = dir.Path("t");
  for (int i = 0; i < 12; ++i) {
    auto r = Overwrite(root, {dir.Path("a.parquet")});
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->checkpoint_written, i == 10) << i << " " << r->checkpoint_error;
  }
  EXPECT_TRUE(std::filesystem::exists(root + "/_delta_log/00000000000000000010.checkpoint.parquet"));
  LocalFileSystem fs(false);
  auto last = ReadLastCheckpoint(fs, root);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->version, 10);

  auto with = LoadSnapshot(fs, root);
  ASSERT_TRUE(with.ok()) << with.status().message();
  EXPECT_EQ(with->checkpoint_version, 10);
  EXPECT_EQ(with->commits_replayed, 1);
  SnapshotOptions replay_all;
  replay_all.use_checkpoints = false;
  auto without = LoadSnapshot(fs, root, replay_all);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->commits_replayed, 12);
  ASSERT_EQ(with->files.size(), 1u);
  EXPECT_EQ(with->files[0].path, without->files[0].path);
  EXPECT_EQ(with->metadata.schema_string, without->metadata.schema_string);
  EXPECT_EQ(with->protocol, without->protocol);
  EXPECT_EQ(with->tombstones.size(), without->tombstones.size());

  // Independent Parquet readers accept the checkpoint, and DuckDB sees its actions.
  const std::string checkpoint = root + "/_delta_log/00000000000000000010.checkpoint.parquet";
  if (OracleUnavailableReason().empty()) {
    EXPECT_TRUE(OracleAllOk({checkpoint}));
    auto rows = OracleSql("SELECT count(add)::INTEGER AS adds, count(remove)::INTEGER AS removes, count(metaData)::INTEGER AS meta, "
                          "count(protocol)::INTEGER AS proto, max(protocol.minReaderVersion) AS reader "
                          "FROM read_parquet('" + checkpoint + "')");
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    EXPECT_EQ((*rows)[0]["adds"], 1);
    EXPECT_EQ((*rows)[0]["removes"], 10);  // every earlier version's file, none expired
    EXPECT_EQ((*rows)[0]["meta"], 1);
    EXPECT_EQ((*rows)[0]["proto"], 1);
    EXPECT_EQ((*rows)[0]["reader"], 1);
  } else {
    std::fprintf(stderr, "%s\n", AnnounceMissingOracle(OracleUnavailableReason()).c_str());
  }

  // A corrupt _last_checkpoint: found by listing instead.
  ASSERT_TRUE(WriteStringToFile(root + "/_delta_log/_last_checkpoint", "{not json").ok());
  auto listed = LoadSnapshot(fs, root);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->checkpoint_version, 10);
  // A corrupt checkpoint: replay from version 0.
  ASSERT_TRUE(WriteStringToFile(root + "/_delta_log/00000000000000000010.checkpoint.parquet", "PAR1 junk").ok());
  auto replayed = LoadSnapshot(fs, root);
  ASSERT_TRUE(replayed.ok()) << replayed.status().message();
  EXPECT_FALSE(replayed->checkpoint_version.has_value());
  EXPECT_EQ(replayed->files[0].path, without->files[0].path);
}

TEST(DeltaTable, ConcurrentWritersNeverLoseOrDoubleACommit) {
  TempDir dir;
  WriteFile(dir.Path("a.parquet"), 0, 4);
  const std::string root = dir.Path("t");
  constexpr int kThreads = 4, kEach = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (!Overwrite(root, {dir.Path("a.parquet")}).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  LocalFileSystem fs(false);
  auto files = ListLogFiles(fs, root);
  ASSERT_TRUE(files.ok());
  int commits = 0;
  for (const LogFile& f : *files) {
    if (f.kind != LogFile::Kind::kCommit) continue;
    EXPECT_EQ(f.version, commits);
    ++commits;
    auto text = ReadFileToString(f.path);
    ASSERT_TRUE(text.ok());
    auto actions = ParseCommit(*text);
    ASSERT_TRUE(actions.ok()) << f.path << ": " << actions.status().message();
    EXPECT_EQ(actions->adds.size(), 1u);
    EXPECT_EQ(actions->removes.size(), f.version == 0 ? 0u : 1u) << f.path;
  }
  EXPECT_EQ(commits, kThreads * kEach);
  auto snap = LoadSnapshot(fs, root);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->files.size(), 1u);
  EXPECT_EQ(snap->num_records(), 4);
}

TEST(DeltaTable, ColumnNamesSparkRefusesUseColumnMapping) {
  TempDir dir;
  WriteFile(dir.Path("a.parquet"), 0, 2, false, "order id");
  const std::string root = dir.Path("t");
  ASSERT_TRUE(Overwrite(root, {dir.Path("a.parquet")}).ok());
  LocalFileSystem fs(false);
  auto snap = LoadSnapshot(fs, root);
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  EXPECT_EQ(*snap->protocol.reader_features, std::vector<std::string>{"columnMapping"});
  EXPECT_EQ(snap->metadata.configuration["delta.columnMapping.mode"], "name");
  EXPECT_EQ(snap->metadata.configuration["delta.columnMapping.maxColumnId"], "2");
  EXPECT_EQ(snap->physical_names[0], "order id");
}

TEST(DeltaTable, TypesWithoutASparkTypeAreRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  Schema schema;
  schema.fields.push_back(Field{"at", Type::Time(), true});
  LocalFileSystem fs(false);
  auto sink = fs.OpenWrite(dir.Path("a.parquet"));
  ASSERT_TRUE(sink.ok());
  auto writer = parquet::ParquetWriter::Open(std::move(*sink), schema);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  auto r = Overwrite(dir.Path("t"), {dir.Path("a.parquet")});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("column 'at'"), std::string::npos) << r.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir.Path("t")));
}

}  // namespace
}  // namespace snaplake::delta
