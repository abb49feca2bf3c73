// delta vacuum: files of versions older than the retention go; active files,
// recently removed ones, recent untracked ones (an ingest in flight) and the
// log stay; older versions whose files were vacuumed are what time travel loses.
#include <gtest/gtest.h>

#include <filesystem>

#include "format/parquet/parquet_writer.h"
#include "lake/delta/snapshot.h"
#include "lake/delta/table_reader.h"
#include "lake/delta/table_writer.h"
#include "lake/delta/vacuum.h"
#include "storage/local_file_system.h"
#include "testing/test_env.h"

namespace snaplake::delta {
namespace {

void WriteFile(const std::string& path, int64_t rows) {
  Schema schema;
  schema.fields.push_back(Field{"id", Type::Int64(), false});
  LocalFileSystem fs(false);
  auto writer = parquet::ParquetWriter::Open(std::move(*fs.OpenWrite(path)), schema);
  ASSERT_TRUE(writer.ok());
  ColumnBatch batch(schema);
  for (int64_t i = 0; i < rows; ++i) batch.mutable_column(0).Append<int64_t>(i);
  ASSERT_TRUE((*writer)->Write(batch).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
}

TEST(Vacuum, DeletesOnlyFilesNoRetainedVersionNeeds) {
  TempDir dir;
  WriteFile(dir.Path("a.parquet"), 3);
  LocalFileSystem fs(false);
  const std::string root = dir.Path("t");
  const int64_t hour = 3600000, t0 = int64_t{1700000000000};
  for (int i = 0; i < 3; ++i) {  // versions 0, 1, 2 at t0, t0+1h, t0+2h
    OverwriteRequest req;
    req.table_root = root;
    req.data_files = {dir.Path("a.parquet")};
    req.now_ms = t0 + i * hour;
    ASSERT_TRUE(OverwriteTable(fs, req).ok());
  }
  ASSERT_TRUE(WriteStringToFile(root + "/stray.parquet", "x").ok());  // untracked, new
  auto before = LoadSnapshot(fs, root);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->tombstones.size(), 2u);

  VacuumOptions options;
  options.retain_hours = 1.5;
  options.now_ms = t0 + 3 * hour;  // cutoff t0 + 1.5h: v0's file (removed at t0+1h) goes, v1's (removed at t0+2h) stays
  options.dry_run = true;
  auto dry = Vacuum(fs, root, options);
  ASSERT_TRUE(dry.ok()) << dry.status().message();
  ASSERT_EQ(dry->deleted.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(root + "/" + dry->deleted[0]));

  options.dry_run = false;
  auto done = Vacuum(fs, root, options);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->deleted, dry->deleted);
  EXPECT_FALSE(std::filesystem::exists(root + "/" + done->deleted[0]));
  EXPECT_TRUE(std::filesystem::exists(root + "/stray.parquet"));  // may be an ingest in flight
  EXPECT_TRUE(std::filesystem::exists(root + "/_delta_log/00000000000000000000.json"));

  // The latest version and version 1 still read; version 0 lost its file.
  auto count = [&](int64_t version) -> Result<int64_t> {
    SnapshotOptions at;
    at.version = version;
    SL_ASSIGN_OR_RETURN(Snapshot s, LoadSnapshot(fs, root, at));
    int64_t n = 0;
    SL_RETURN_NOT_OK(ScanJsonRows(fs, s, -1, [&](std::string_view) { return ++n, Status::OK(); }));
    return n;
  };
  EXPECT_EQ(*count(2), 3);
  EXPECT_EQ(*count(1), 3);
  EXPECT_FALSE(count(0).ok());

  options.retain_hours = -1;
  EXPECT_EQ(Vacuum(fs, root, options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace snaplake::delta
