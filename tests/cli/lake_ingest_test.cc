// `snaplake ingest` / `delta` / `catalog` through the real binary against a
// real PostgreSQL: rows after ingest equal the source (our reader, and an
// independent replay of the log read by DuckDB), a second ingest after the
// schema changed, name collisions, incomplete exports, two concurrent
// ingests x 20 rounds, and kill -9 during ingest x 20 rounds.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "catalog/catalog.h"
#include "export/export_test_support.h"
#include "lake/delta/actions.h"
#include "lake/delta/log_files.h"
#include "lake/delta/snapshot.h"
#include "storage/local_file_system.h"
#include "testing/pg_server.h"
#include "testing/test_env.h"

namespace snaplake {
namespace {

using export_test::ExportRun;
using export_test::RunExport;
using Json = nlohmann::json;

struct Cli {
  int code = -1;
  std::string out, err;
};

// Source tables: public.items (many types, a column name Spark refuses) and
// a second "items" in schema other (a name collision).
constexpr const char* kSetup = R"sql(
CREATE TABLE public.items (
  id int PRIMARY KEY, big bigint, small smallint, price numeric(12,2), ratio double precision,
  label text, raw bytea, day date, at timestamptz, local_at timestamp, flag boolean, tags int[],
  doc jsonb, "order id" int);
INSERT INTO public.items
SELECT g, g::bigint * 1000000007, (g % 300)::smallint, (g * 1.25)::numeric(12,2), g / 7.0,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'item "' || g || ' é中' END,
       decode(lpad(to_hex(g), 8, '0'), 'hex'), DATE '2020-01-01' + g, TIMESTAMPTZ '2024-02-29 12:00:00+00' + g * interval '1 minute',
       TIMESTAMP '1999-12-31 23:59:59.123456' + g * interval '1 second', g % 2 = 0, ARRAY[g, NULL, -g],
       jsonb_build_object('k', g), g % 11
FROM generate_series(1, 300) g;
CREATE SCHEMA other;
CREATE TABLE other.items (id int PRIMARY KEY, note text);
INSERT INTO other.items VALUES (1, 'x'), (2, 'y');
)sql";

class LakeIngest : public ::testing::Test {
 protected:
  void SetUp() override {
    SL_REQUIRE_SHARED_PG(pg);
    pg_ = pg;
    static int counter = 0;
    db_ = StrCat("lake_", std::to_string(getpid()), "_", std::to_string(++counter));
    ASSERT_TRUE(pg_->Psql(StrCat("CREATE DATABASE ", db_, ";")).ok());
    auto st = pg_->Psql(kSetup, db_);
    ASSERT_TRUE(st.ok()) << st.status().message();
    home_ = tmp_.Path("home");
    warehouse_ = tmp_.Path("warehouse");
  }

  // Exports the database as task `id`; returns TARGET/ID.
  std::string Export(const std::string& id) {
    ExportRun run = RunExport(home_, id, pg_->Uri(db_), tmp_.Path("exports"), "--types native");
    EXPECT_TRUE(export_test::Completed(run));
    return tmp_.Path("exports") + "/" + id;
  }

  Cli Run(const std::string& args) {
    Cli r;
    r.code = RunCommandCapture(StrCat("SNAPLAKE_HOME=", ShellQuote(home_), " ", ShellQuote(SnaplakeBinary()), " ", args),
                               &r.out, &r.err);
    return r;
  }

  std::string IngestArgs(const std::string& export_dir, const std::string& extra = "--tables public.items") {
    return StrCat("ingest --export ", ShellQuote(export_dir), " --catalog Main --schema bronze --warehouse ",
                  ShellQuote(warehouse_), " ", extra);
  }

  std::vector<Json> Rows(const std::string& table_args) {
    Cli r = Run(StrCat("delta cat ", table_args));
    EXPECT_EQ(r.code, 0) << r.err;
    std::vector<Json> rows;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) rows.push_back(Json::parse(line));
    std::sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) { return a["id"] < b["id"]; });
    return rows;
  }

  testing::PgServer* pg_ = nullptr;
  TempDir tmp_;
  std::string db_, home_, warehouse_;
};

TEST_F(LakeIngest, RowsEqualTheSourceOurReaderAndAnIndependentReplay) {
  const std::string exp = Export("e1");
  Cli ingest = Run(IngestArgs(exp));
  ASSERT_EQ(ingest.code, 0) << ingest.out << ingest.err;
  EXPECT_NE(ingest.out.find("main.bronze.items  version 0"), std::string::npos) << ingest.out;
  const std::string table = warehouse_ + "/main/bronze/items";

  // Our reader vs PostgreSQL, column by column where the JSON forms agree.
  std::vector<Json> ours = Rows("main.bronze.items");
  auto pg_rows = export_test::PgRows(*pg_, db_, "id, big, small, label, flag, tags, \"order id\"", "public.items");
  ASSERT_TRUE(pg_rows.ok()) << pg_rows.status().message();
  ASSERT_EQ(ours.size(), 300u);
  ASSERT_EQ(pg_rows->size(), 300u);
  for (size_t i = 0; i < ours.size(); ++i) {
    for (const char* col : {"id", "big", "small", "label", "flag", "tags", "order id"}) {
      EXPECT_EQ(ours[i][col], (*pg_rows)[i][col]) << "row " << i << " column " << col;
    }
  }
  // Decimal, date and timestamps as PostgreSQL prints them (UTC session).
  auto texts = export_test::PgRows(
      *pg_, db_,
      "id, price::text AS price, to_char(day, 'YYYY-MM-DD') AS day, "
      "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS at",
      "public.items");
  ASSERT_TRUE(texts.ok());
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours[i]["price"], (*texts)[i]["price"]) << i;
    EXPECT_EQ(ours[i]["day"], (*texts)[i]["day"]) << i;
    EXPECT_EQ(ours[i]["at"], (*texts)[i]["at"]) << i;
  }

  // Every row as `parquet cat` reads the exported file (validated against PostgreSQL by the export tests).
  std::vector<std::string> parts = export_test::ParquetFilesUnder(exp);
  std::vector<Json> exported;
  for (const std::string& part : parts) {
    if (part.find("public.items") == std::string::npos) continue;
    Cli cat = Run(StrCat("parquet cat ", ShellQuote(part)));
    ASSERT_EQ(cat.code, 0);
    std::istringstream in(cat.out);
    for (std::string line; std::getline(in, line);) exported.push_back(Json::parse(line));
  }
  std::sort(exported.begin(), exported.end(), [](const Json& a, const Json& b) { return a["id"] < b["id"]; });
  EXPECT_EQ(ours, exported);

  // Independent: replay the JSON log per the spec, read the files with DuckDB.
  const std::string why = OracleUnavailableReason();
  if (!why.empty()) GTEST_SKIP() << AnnounceMissingOracle(why);
  std::string out;
  ASSERT_EQ(RunCommand(StrCat("python3 ", ShellQuote(StrCat(SNAPLAKE_SOURCE_DIR, "/tests/lake/delta/replay_delta_log.py")),
                              " ", ShellQuote(table), " --rows"),
                       &out),
            0)
      << out;
  Json replay = Json::parse(out);
  EXPECT_EQ(replay["version"], 0);
  EXPECT_EQ(replay["numRecords"], 300);
  ASSERT_EQ(replay["rows"].size(), 300u);
  std::vector<std::string> names;
  for (const auto& f : replay["schema"]) names.push_back(f[0].get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"id", "big", "small", "price", "ratio", "label", "raw", "day", "at",
                                             "local_at", "flag", "tags", "doc", "order id"}));
  EXPECT_EQ(replay["protocol"]["readerFeatures"], Json({"columnMapping", "timestampNtz"}));
  for (size_t i = 0; i < ours.size(); ++i) {
    const Json& duck = replay["rows"][i];
    EXPECT_EQ(duck["id"], ours[i]["id"]);
    EXPECT_EQ(duck["label"], ours[i]["label"]);
    // DuckDB prints BIGINT as a JSON string (its oracle keeps every digit).
    EXPECT_EQ(duck["big"].is_string() ? duck["big"].get<std::string>() : duck["big"].dump(), ours[i]["big"].dump());
    EXPECT_EQ(duck["tags"], ours[i]["tags"]);
    EXPECT_EQ(duck["order id"], ours[i]["order id"]);
  }

  // The catalog says the same as the log.
  Cli describe = Run("catalog describe main.bronze.items --output json");
  ASSERT_EQ(describe.code, 0) << describe.err;
  Json d = Json::parse(describe.out);
  EXPECT_EQ(d["version"], 0);
  EXPECT_EQ(d["rows"], 300);
  EXPECT_EQ(d["location"], table);
  EXPECT_EQ(d["columns"].size(), 14u);
  Cli files = Run(StrCat("delta files ", ShellQuote(table)));
  EXPECT_EQ(files.code, 0);
  EXPECT_EQ(export_test::BaseName(files.out).find("part-00000-"), 0u) << files.out;
}

TEST_F(LakeIngest, SecondIngestAfterTheSchemaChangedKeepsTheOldVersion) {
  const std::string e1 = Export("e1");
  ASSERT_EQ(Run(IngestArgs(e1)).code, 0);
  std::vector<Json> v0 = Rows("main.bronze.items");
  ASSERT_TRUE(pg_->Psql("ALTER TABLE public.items ADD COLUMN extra text DEFAULT 'new'; "
                        "ALTER TABLE public.items DROP COLUMN doc; ALTER TABLE public.items ALTER COLUMN small TYPE bigint; "
                        "DELETE FROM public.items WHERE id > 250; UPDATE public.items SET label = 'changed' WHERE id = 1;",
                        db_)
                  .ok());
  const std::string e2 = Export("e2");
  Cli second = Run(IngestArgs(e2));
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.out.find("version 1"), std::string::npos) << second.out;

  std::vector<Json> v1 = Rows("main.bronze.items");
  ASSERT_EQ(v1.size(), 250u);
  EXPECT_EQ(v1[0]["label"], "changed");
  EXPECT_EQ(v1[0]["extra"], "new");
  EXPECT_FALSE(v1[0].contains("doc"));
  Cli schema = Run("delta schema main.bronze.items");
  EXPECT_NE(schema.out.find("small  long"), std::string::npos) << schema.out;
  EXPECT_NE(schema.out.find("extra  string"), std::string::npos);
  EXPECT_EQ(schema.out.find("doc"), std::string::npos);

  // Version 0 still reads, as it was.
  EXPECT_EQ(Rows("main.bronze.items --version 0"), v0);
  Cli old_schema = Run("delta schema main.bronze.items --version 0");
  EXPECT_NE(old_schema.out.find("small  short"), std::string::npos) << old_schema.out;

  // The commit removed exactly version 0's file.
  LocalFileSystem fs(false);
  const std::string table = warehouse_ + "/main/bronze/items";
  auto text = ReadFileToString(table + "/_delta_log/00000000000000000001.json");
  ASSERT_TRUE(text.ok());
  auto actions = delta::ParseCommit(*text);
  ASSERT_TRUE(actions.ok());
  delta::SnapshotOptions at0;
  at0.version = 0;
  auto s0 = delta::LoadSnapshot(fs, table, at0);
  ASSERT_TRUE(s0.ok());
  ASSERT_EQ(actions->removes.size(), s0->files.size());
  EXPECT_EQ(actions->removes[0].path, s0->files[0].path);
  EXPECT_TRUE(actions->metadata.has_value());
  EXPECT_EQ(actions->metadata->id, s0->metadata.id);

  // The exports may go: the table stands on its own.
  std::filesystem::remove_all(tmp_.Path("exports"));
  EXPECT_EQ(Rows("main.bronze.items").size(), 250u);
  EXPECT_EQ(Rows("main.bronze.items --version 0").size(), 300u);
}

TEST_F(LakeIngest, CollisionsAndIncompleteExportsAreRefusedWithAdvice) {
  const std::string exp = Export("e1");
  Cli clash = Run(IngestArgs(exp, ""));
  EXPECT_EQ(clash.code, 1);
  EXPECT_NE(clash.err.find("--name-template '{schema}_{table}'"), std::string::npos) << clash.err;
  EXPECT_EQ(export_test::EntriesOf(warehouse_).size(), 0u);  // nothing written

  Cli templated = Run(IngestArgs(exp, "--name-template '{schema}_{table}'"));
  EXPECT_EQ(templated.code, 0) << templated.err;
  Cli list = Run("catalog list main.bronze");
  EXPECT_NE(list.out.find("main.bronze.public_items"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("main.bronze.other_items"), std::string::npos);

  // By task id (the task store must say COMPLETE); a bare table name matches both source tables here.
  Cli ambiguous = Run(StrCat("ingest --id e1 --catalog main --schema silver --warehouse ", ShellQuote(warehouse_),
                             " --tables items"));
  EXPECT_EQ(ambiguous.code, 1);
  EXPECT_NE(ambiguous.err.find("would both become main.silver.items"), std::string::npos) << ambiguous.err;
  Cli by_id = Run(StrCat("ingest --id e1 --catalog main --schema silver --warehouse ", ShellQuote(warehouse_),
                         " --tables other.items -o json"));
  ASSERT_EQ(by_id.code, 0) << by_id.err;
  EXPECT_EQ(Json::parse(by_id.out)["tables"][0]["rows"], 2);
  Cli missing = Run("ingest --id nope --catalog main --schema silver");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("'nope' does not exist"), std::string::npos) << missing.err;

  std::filesystem::remove(exp + "/_SUCCESS");
  Cli incomplete = Run(IngestArgs(exp));
  EXPECT_EQ(incomplete.code, 1);
  EXPECT_NE(incomplete.err.find("is not COMPLETE"), std::string::npos) << incomplete.err;
  EXPECT_EQ(std::count(incomplete.err.begin(), incomplete.err.end(), '\n'), 1);

  Cli bad = Run(StrCat("ingest --export ", ShellQuote(exp), " --catalog main --schema 'a.b'"));
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("invalid schema name 'a.b'"), std::string::npos) << bad.err;


}

// Reads the table's log: every commit parses, versions are contiguous.
void ExpectValidLog(const std::string& table, int64_t expected_last) {
  LocalFileSystem fs(false);
  auto files = delta::ListLogFiles(fs, table);
  ASSERT_TRUE(files.ok());
  int64_t next = 0;
  for (const auto& f : *files) {
    if (f.kind != delta::LogFile::Kind::kCommit) continue;
    EXPECT_EQ(f.version, next);
    ++next;
    auto text = ReadFileToString(f.path);
    ASSERT_TRUE(text.ok());
    auto actions = delta::ParseCommit(*text);
    ASSERT_TRUE(actions.ok()) << f.path;
    EXPECT_EQ(actions->adds.size(), 1u) << f.path;
  }
  EXPECT_EQ(next - 1, expected_last);
}

TEST_F(LakeIngest, TwoConcurrentIngestsTwentyRounds) {
  const std::string exp = Export("e1");
  const std::string args = IngestArgs(exp);
  const std::string table = warehouse_ + "/main/bronze/items";
  for (int round = 0; round < 20; ++round) {
    const std::string both = StrCat("SNAPLAKE_HOME=", ShellQuote(home_), " ", ShellQuote(SnaplakeBinary()), " ", args,
                                    " >/dev/null & SNAPLAKE_HOME=", ShellQuote(home_), " ",
                                    ShellQuote(SnaplakeBinary()), " ", args, " >/dev/null; a=$?; wait $!; b=$?; exit $((a+b))");
    std::string out;
    ASSERT_EQ(RunCommand(both, &out, true), 0) << "round " << round << ": " << out;
  }
  ExpectValidLog(table, 39);
  LocalFileSystem fs(false);
  auto snap = delta::LoadSnapshot(fs, table);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->num_records(), 300);
  EXPECT_EQ(snap->files.size(), 1u);
  EXPECT_EQ(snap->checkpoint_version, 30);
  EXPECT_EQ(Rows("main.bronze.items").size(), 300u);
  auto cat = catalog::Catalog::Open(home_ + "/catalog.db");
  ASSERT_TRUE(cat.ok());
  auto entry = (*cat)->GetTable("main", "bronze", "items");
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->version, 39);
}

TEST_F(LakeIngest, KillDashNineDuringIngestTwentyRounds) {
  // Two exports of different sizes: every version reads as one of them, whole.
  const std::string big = Export("big");
  ASSERT_TRUE(pg_->Psql("DELETE FROM public.items WHERE id > 100;", db_).ok());
  const std::string small = Export("small");
  const std::string table = warehouse_ + "/main/bronze/items";
  ASSERT_EQ(Run(IngestArgs(big)).code, 0);
  std::mt19937 rng(42);
  LocalFileSystem fs(false);
  int64_t version = 0;
  int killed = 0;
  for (int round = 0; round < 20; ++round) {
    const std::string& exp = round % 2 == 0 ? small : big;
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      setenv("SNAPLAKE_HOME", home_.c_str(), 1);
      execl(SnaplakeBinary().c_str(), "snaplake", "ingest", "--export", exp.c_str(), "--catalog", "main", "--schema",
            "bronze", "--warehouse", warehouse_.c_str(), "--tables", "public.items", "-o", "json",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    usleep(std::uniform_int_distribution<int>(0, 40000)(rng));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    killed += WIFSIGNALED(status) ? 1 : 0;

    auto snap = delta::LoadSnapshot(fs, table);
    ASSERT_TRUE(snap.ok()) << "round " << round << ": " << snap.status().message();
    ASSERT_TRUE(snap->version == version || snap->version == version + 1) << round;
    const int64_t rows = snap->num_records();
    if (snap->version == version + 1) {
      EXPECT_EQ(rows, round % 2 == 0 ? 100 : 300) << "the new version must be the new export, whole";
    }
    EXPECT_TRUE(rows == 100 || rows == 300) << rows;
    // The catalog is never ahead of the log (it is written after the commit).
    {
      auto cat = catalog::Catalog::Open(home_ + "/catalog.db");
      ASSERT_TRUE(cat.ok());
      auto entry = (*cat)->GetTable("main", "bronze", "items");
      ASSERT_TRUE(entry.ok());
      EXPECT_LE(entry->version, snap->version) << round;
    }
    // Our reader reads exactly what the log says.
    EXPECT_EQ(static_cast<int64_t>(Rows(table).size()), rows) << round;
    version = snap->version;
  }
  std::printf("killed %d of 20 ingests before they finished; the table reached version %lld\n", killed,
              static_cast<long long>(version));
  ExpectValidLog(table, version);
  // A clean ingest afterwards heals the catalog if a kill fell between commit and catalog update.
  ASSERT_EQ(Run(IngestArgs(small)).code, 0);
  auto cat = catalog::Catalog::Open(home_ + "/catalog.db");
  ASSERT_TRUE(cat.ok());
  auto entry = (*cat)->GetTable("main", "bronze", "items");
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->version, version + 1);
  EXPECT_EQ(entry->row_count, 100);
}

}  // namespace
}  // namespace snaplake
