// `snaplake parquet schema|inspect|cat|convert|generate`, run as the real
// binary: outputs on generated files and on a nested file written here,
// DuckDB's reading of the same files, conversions checked by the oracles, and
// the one-line error contract for bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/parquet_cli.h"
#include "cli_test_support.h"
#include "format/parquet/parquet_writer.h"
#include "storage/local_file_system.h"
#include "testing/oracle.h"
#include "testing/row_compare.h"
#include "testing/test_env.h"

namespace snaplake {
namespace {

using cli_test::FailedWithOneLine;
using cli_test::Snaplake;
using cli_test::Succeeded;
using nlohmann::json;

std::string Q(const std::string& s) { return ShellQuote(s); }

// Generates the mixed table; fails the test if that does not work.
void Generate(const std::string& path, int64_t rows, const std::string& extra = "") {
  auto r = Snaplake(StrCat("parquet generate ", Q(path), " --rows ", std::to_string(rows), " ", extra));
  ASSERT_TRUE(Succeeded(r)) << path;
  ASSERT_TRUE(std::filesystem::exists(path));
}

json InspectJson(const std::string& path) {
  auto r = Snaplake(StrCat("parquet inspect --output json ", Q(path)));
  EXPECT_TRUE(Succeeded(r));
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out.substr(0, 500);
  return j;
}

std::string Cat(const std::string& path, const std::string& extra = "") {
  auto r = Snaplake(StrCat("parquet cat ", Q(path), " ", extra));
  EXPECT_TRUE(Succeeded(r)) << path;
  return r.out;
}

std::vector<std::string> DirectoryEntries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// --- the nested file -----------------------------------------------------------

Schema NestedSchema() {
  Schema s;
  s.fields.push_back({"id", Type::Int64(), false});
  s.fields.push_back({"tags", Type::List({"element", Type::String(), true}), true});
  s.fields.push_back({"attrs", Type::Map({"key", Type::String(), false}, {"value", Type::Int32(), true}), true});
  s.fields.push_back({"ids_by_num", Type::Map({"key", Type::Int32(), false}, {"value", Type::Int64(), true}), true});
  s.fields.push_back({"point",
                      Type::Struct({{"x", Type::Double(), true},
                                    {"y", Type::Double(), false},
                                    {"label", Type::String(), true}}),
                      true});
  s.fields.push_back({"items",
                      Type::List({"element",
                                  Type::Struct({{"a", Type::Int32(), true},
                                                {"b", Type::List({"element", Type::Int64(), true}), true}}),
                                  true}),
                      true});
  s.fields.push_back({"price", Type::Decimal(20, 4), true});
  s.fields.push_back({"at", Type::Timestamp(TimeUnit::kMillis, true), true});
  s.fields.push_back({"blob", Type::Binary(), true});
  s.fields.push_back({"tod", Type::Time(TimeUnit::kMillis, false), true});
  return s;
}

// Row r exercises a different NULL/empty case at each level as r cycles.
void FillNested(int64_t first, int64_t rows, ColumnBatch* batch) {
  batch->Clear();
  Column& id = batch->mutable_column(0);
  Column& tags = batch->mutable_column(1);
  Column& attrs = batch->mutable_column(2);
  Column& ids = batch->mutable_column(3);
  Column& point = batch->mutable_column(4);
  Column& items = batch->mutable_column(5);
  Column& price = batch->mutable_column(6);
  Column& at = batch->mutable_column(7);
  Column& blob = batch->mutable_column(8);
  Column& tod = batch->mutable_column(9);
  for (int64_t r = first; r < first + rows; ++r) {
    id.Append<int64_t>(r);
    // tags: NULL list, empty list, list with a NULL element, plain list.
    switch (r % 4) {
      case 0: tags.AppendNull(); break;
      case 1: tags.AppendListEnd(tags.child(0).length()); break;
      case 2:
        tags.mutable_child(0).AppendString("t" + std::to_string(r));
        tags.mutable_child(0).AppendNull();
        tags.mutable_child(0).AppendString("\"quoted\" \\ \xc3\xa9");
        tags.AppendListEnd(tags.child(0).length());
        break;
      default:
        tags.mutable_child(0).AppendString("only");
        tags.AppendListEnd(tags.child(0).length());
    }
    // attrs: NULL map, empty map, entry with a NULL value, two entries.
    switch (r % 4) {
      case 1: attrs.AppendNull(); break;
      case 2: attrs.AppendListEnd(attrs.child(0).length()); break;
      case 3:
        attrs.mutable_child(0).AppendString("k" + std::to_string(r));
        attrs.mutable_child(1).AppendNull();
        attrs.AppendListEnd(attrs.child(0).length());
        break;
      default:
        attrs.mutable_child(0).AppendString("a");
        attrs.mutable_child(1).Append<int32_t>(static_cast<int32_t>(r));
        attrs.mutable_child(0).AppendString("b");
        attrs.mutable_child(1).Append<int32_t>(-static_cast<int32_t>(r));
        attrs.AppendListEnd(attrs.child(0).length());
    }
    // ids_by_num: a map with non-string keys.
    if (r % 5 == 0) {
      ids.AppendNull();
    } else {
      for (int k = 0; k < r % 3; ++k) {
        ids.mutable_child(0).Append<int32_t>(k);
        ids.mutable_child(1).Append<int64_t>(r * 10 + k);
      }
      ids.AppendListEnd(ids.child(0).length());
    }
    // point: NULL struct, struct with NULL members, full struct.
    if (r % 3 == 0) {
      point.AppendNull();
    } else {
      if (r % 3 == 1) point.mutable_child(0).AppendNull(); else point.mutable_child(0).Append<double>(r * 0.25);
      point.mutable_child(1).Append<double>(-1.5 * static_cast<double>(r));
      if (r % 3 == 1) point.mutable_child(2).AppendNull(); else point.mutable_child(2).AppendString("p");
      point.AppendStructValid();
    }
    // items: list of structs holding a list; NULLs at every level.
    if (r % 6 == 0) {
      items.AppendNull();
    } else {
      Column& elem = items.mutable_child(0);
      for (int k = 0; k < static_cast<int>(r % 6); ++k) {
        if (k == 1) {
          elem.AppendNull();
          continue;
        }
        if (k == 2) elem.mutable_child(0).AppendNull(); else elem.mutable_child(0).Append<int32_t>(k);
        Column& b = elem.mutable_child(1);
        if (k == 3) {
          b.AppendNull();
        } else {
          for (int j = 0; j < k; ++j) {
            if (j == 1) b.mutable_child(0).AppendNull(); else b.mutable_child(0).Append<int64_t>(r * 100 + j);
          }
          b.AppendListEnd(b.child(0).length());
        }
        elem.AppendStructValid();
      }
      items.AppendListEnd(elem.length());
    }
    if (r % 7 == 0) price.AppendNull(); else price.Append<__int128>((static_cast<__int128>(r) * 1000003 - 5000) * 10007);
    if (r % 8 == 0) at.AppendNull(); else at.Append<int64_t>(1700000000000LL + r * 3600 * 1000 - 86400000LL * 365 * 60);
    if (r % 9 == 0) {
      blob.AppendNull();
    } else {
      const char bytes[] = {'a', '\0', static_cast<char>(0xff), '\n'};
      blob.AppendBytes(bytes, static_cast<size_t>(r % 5));
    }
    if (r % 10 == 0) tod.AppendNull(); else tod.Append<int64_t>((r * 7919LL) % 86400000);
  }
}

void WriteNestedFile(const std::string& path, int64_t rows) {
  LocalFileSystem fs(false);
  auto sink = fs.OpenWrite(path);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  parquet::WriterOptions options;
  options.page_bytes = 2048;  // several pages per chunk
  auto writer = parquet::ParquetWriter::Open(std::move(sink).value(), NestedSchema(), options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ColumnBatch batch(NestedSchema());
  for (int64_t first = 0; first < rows; first += 250) {
    FillNested(first, std::min<int64_t>(250, rows - first), &batch);
    ASSERT_TRUE((*writer)->Write(batch).ok());
  }
  ASSERT_TRUE((*writer)->Finish().ok());
}

// --- generate / schema / inspect -------------------------------------------------

TEST(ParquetCli, GenerateIsDeterministicAndInspectShowsStatistics) {
  TempDir dir;
  const std::string a = dir.Path("a.parquet"), b = dir.Path("b.parquet"), c = dir.Path("c.parquet");
  Generate(a, 5000, "--seed 7");
  Generate(b, 5000, "--seed 7 --compression zstd");
  Generate(c, 5000, "--seed 8");
  const std::string cat_a = Cat(a);
  EXPECT_EQ(cli_test::CountLines(cat_a), 5000u);
  EXPECT_EQ(cat_a, Cat(b)) << "same seed, other compression: same rows";
  EXPECT_NE(cat_a, Cat(c)) << "another seed: other rows";

  const json ja = InspectJson(a), jb = InspectJson(b);
  EXPECT_EQ(ja["num_rows"], 5000);
  EXPECT_EQ(ja["file"], a);
  EXPECT_EQ(ja["num_row_groups"], 1);
  EXPECT_EQ(ja["num_leaf_columns"], 11);
  ASSERT_EQ(ja["row_groups"].size(), 1u);
  const json& cols = ja["row_groups"][0]["columns"];
  ASSERT_EQ(cols.size(), 11u);
  for (const json& col : cols) EXPECT_EQ(col["codec"], "SNAPPY") << col["path"];
  for (const json& col : jb["row_groups"][0]["columns"]) EXPECT_EQ(col["codec"], "ZSTD") << col["path"];

  auto column = [&](const std::string& name) -> const json& {
    for (const json& col : cols) {
      if (col["path"] == name) return col;
    }
    ADD_FAILURE() << "no column " << name;
    return cols[0];
  };
  const json& id = column("id");
  EXPECT_EQ(id["physical_type"], "INT64");
  EXPECT_EQ(id["type"], "INT64");
  EXPECT_EQ(id["num_values"], 5000);
  EXPECT_EQ(id["statistics"]["min"], 1);
  EXPECT_EQ(id["statistics"]["max"], 5000);
  EXPECT_EQ(id["statistics"]["null_count"], 0);
  EXPECT_TRUE(id["statistics"]["decode_error"].is_null());
  EXPECT_GT(id["total_compressed_size"].get<int64_t>(), 0);

  // Decimals exact (strings), timestamps ISO with Z for UTC, dates, strings, booleans.
  const json& price = column("price")["statistics"];
  EXPECT_EQ(column("price")["type"], "DECIMAL(12,2)");
  ASSERT_TRUE(price["min"].is_string()) << price;
  EXPECT_EQ(price["min"].get<std::string>().find('.'), price["min"].get<std::string>().size() - 3) << price;
  EXPECT_GT(price["null_count"].get<int64_t>(), 100);  // about 10 % NULLs
  const json& amount = column("amount")["statistics"];
  EXPECT_EQ(column("amount")["physical_type"], "FIXED_LEN_BYTE_ARRAY");
  ASSERT_TRUE(amount["min"].is_string());
  EXPECT_EQ(amount["min"].get<std::string>()[0], '-') << amount;
  const json& created = column("created")["statistics"];
  ASSERT_TRUE(created["min"].is_string());
  EXPECT_EQ(created["min"].get<std::string>().substr(0, 11), "2020-01-01T");
  EXPECT_EQ(created["min"].get<std::string>().back(), 'Z');
  const json& updated = column("updated")["statistics"];
  EXPECT_NE(updated["max"].get<std::string>().back(), 'Z') << "local timestamps carry no zone";
  const json& day = column("day")["statistics"];
  EXPECT_EQ(day["min"].get<std::string>().size(), 10u);
  EXPECT_EQ(column("name")["statistics"]["min"].get<std::string>().find("-") != std::string::npos, true);
  EXPECT_EQ(column("category")["statistics"]["min"], "cat-0");
  EXPECT_EQ(column("active")["statistics"]["min"], false);
  EXPECT_EQ(column("active")["statistics"]["max"], true);
  EXPECT_TRUE(column("ratio")["statistics"]["min"].is_number());

  // Encodings and page statistics are spelled as parquet.thrift does.
  bool dictionary_page = false;
  for (const json& es : id["encoding_stats"]) dictionary_page |= es["page_type"] == "DICTIONARY_PAGE";
  EXPECT_TRUE(dictionary_page) << id["encoding_stats"];
  EXPECT_NE(std::find(id["encodings"].begin(), id["encodings"].end(), "RLE_DICTIONARY"), id["encodings"].end());

  // The text form shows the same facts.
  auto text = Snaplake(StrCat("parquet inspect ", Q(a)));
  ASSERT_TRUE(Succeeded(text));
  EXPECT_NE(text.out.find("num_rows:    5000\n"), std::string::npos) << text.out.substr(0, 800);
  EXPECT_NE(text.out.find("column id: INT64 as INT64, SNAPPY"), std::string::npos);
  EXPECT_NE(text.out.find("statistics: nulls 0, min 1, max 5000"), std::string::npos);
  EXPECT_NE(text.out.find("min \"cat-0\""), std::string::npos);
}

TEST(ParquetCli, RowGroupsFollowRowGroupSize) {
  TempDir dir;
  const std::string path = dir.Path("groups.parquet");
  Generate(path, 20000, "--row-group-size 64k --page-size 8k");
  const json j = InspectJson(path);
  ASSERT_GT(j["num_row_groups"].get<int>(), 2);
  int64_t rows = 0;
  int64_t expected_min = 1;
  for (const json& rg : j["row_groups"]) {
    rows += rg["num_rows"].get<int64_t>();
    const json& id = rg["columns"][0];
    ASSERT_EQ(id["path"], "id");
    EXPECT_EQ(id["statistics"]["min"], expected_min);  // ids run on across the groups
    expected_min = id["statistics"]["max"].get<int64_t>() + 1;
  }
  EXPECT_EQ(rows, 20000);
  EXPECT_EQ(expected_min, 20001);
}

TEST(ParquetCli, SchemaTextAndJson) {
  TempDir dir;
  const std::string mixed = dir.Path("m.parquet"), nested = dir.Path("n.parquet");
  Generate(mixed, 10);
  WriteNestedFile(nested, 20);

  auto text = Snaplake(StrCat("parquet schema ", Q(mixed)));
  ASSERT_TRUE(Succeeded(text));
  EXPECT_NE(text.out.find("message schema {\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  required int64 id (INTEGER(64,true));\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  optional fixed_len_byte_array(12) amount (DECIMAL(28,6));\n"), std::string::npos);
  EXPECT_NE(text.out.find("  optional int64 created (TIMESTAMP(MICROS,true));\n"), std::string::npos);
  EXPECT_NE(text.out.find("  optional binary name (STRING);\n"), std::string::npos);
  EXPECT_NE(text.out.find("  optional boolean active;\n"), std::string::npos);
  EXPECT_NE(text.out.find("  id        INT64 NOT NULL\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  created   TIMESTAMP(MICROS,UTC)\n"), std::string::npos) << text.out;

  auto nested_text = Snaplake(StrCat("parquet schema ", Q(nested)));
  ASSERT_TRUE(Succeeded(nested_text));
  EXPECT_NE(nested_text.out.find("  optional group tags (LIST) {\n"
                                 "    repeated group list {\n"
                                 "      optional binary element (STRING);\n"
                                 "    }\n"
                                 "  }\n"),
            std::string::npos)
      << nested_text.out;
  EXPECT_NE(nested_text.out.find("  optional group attrs (MAP) {\n"
                                 "    repeated group key_value {\n"
                                 "      required binary key (STRING);\n"),
            std::string::npos)
      << nested_text.out;
  EXPECT_NE(nested_text.out.find("LIST<STRUCT<a:INT32,b:LIST<INT64>>>"), std::string::npos) << nested_text.out;

  auto js = Snaplake(StrCat("parquet schema --output json ", Q(nested)));
  ASSERT_TRUE(Succeeded(js));
  const json j = json::parse(js.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  const json& root = j["parquet_schema"];
  EXPECT_EQ(root["name"], "schema");
  EXPECT_TRUE(root["repetition"].is_null());
  ASSERT_EQ(root["children"].size(), NestedSchema().fields.size());
  const json& id = root["children"][0];
  EXPECT_EQ(id["name"], "id");
  EXPECT_EQ(id["repetition"], "REQUIRED");
  EXPECT_EQ(id["physical_type"], "INT64");
  EXPECT_EQ(id["logical_type"], "INTEGER(64,true)");
  EXPECT_EQ(id["converted_type"], "INT_64");
  EXPECT_TRUE(id["children"].is_null());
  const json& tags = root["children"][1];
  EXPECT_EQ(tags["logical_type"], "LIST");
  EXPECT_TRUE(tags["physical_type"].is_null());
  ASSERT_EQ(tags["children"].size(), 1u);
  EXPECT_EQ(tags["children"][0]["repetition"], "REPEATED");
  EXPECT_EQ(tags["children"][0]["children"][0]["name"], "element");
  const json& price = root["children"][6];
  EXPECT_EQ(price["logical_type"], "DECIMAL(20,4)");
  EXPECT_EQ(price["precision"], 20);
  EXPECT_EQ(price["scale"], 4);
  EXPECT_EQ(price["type_length"], 9);
  ASSERT_EQ(j["columns"].size(), NestedSchema().fields.size());
  EXPECT_EQ(j["columns"][0], json({{"name", "id"}, {"type", "INT64"}, {"nullable", false}}));
  EXPECT_EQ(j["columns"][2]["type"], "MAP<STRING,INT32>");
}

// --- cat ---------------------------------------------------------------------------

TEST(ParquetCli, CatLimitAndColumns) {
  TempDir dir;
  const std::string path = dir.Path("m.parquet");
  Generate(path, 3000, "--row-group-size 32k");
  const std::string all = Cat(path);
  ASSERT_EQ(cli_test::CountLines(all), 3000u);
  EXPECT_EQ(Cat(path, "--limit 5"), all.substr(0, all.find('\n', all.find("\"id\":5,")) + 1));
  EXPECT_EQ(Cat(path, "--limit 0"), "");
  EXPECT_EQ(Cat(path, "-n 100000"), all);

  const std::string projected = Cat(path, "--limit 3 --columns price,id");
  std::istringstream lines(projected);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const json row = json::parse(line);
    ASSERT_EQ(row.size(), 2u) << line;
    EXPECT_EQ(row.begin().key(), "id");  // nlohmann sorts keys; check the text for the order
    EXPECT_EQ(line.rfind("{\"price\":", 0), 0u) << "columns come in the order asked for: " << line;
    EXPECT_EQ(row["id"], n + 1);
  }
  EXPECT_EQ(n, 3);
  EXPECT_EQ(Cat(path, "--columns id --columns name --limit 1").rfind("{\"id\":1,\"name\":", 0), 0u);
  EXPECT_EQ(Cat(StrCat("file://", path), "--limit 3"), all.substr(0, all.find("\"id\":4,") - 1));
}

TEST(ParquetCli, CatMatchesDuckDbOnGeneratedAndNestedFiles) {
  SL_REQUIRE_ORACLE(oracle);
  TempDir dir;
  const std::string mixed = dir.Path("m.parquet"), nested = dir.Path("n.parquet");
  Generate(mixed, 2500, "--row-group-size 48k --seed 3");
  WriteNestedFile(nested, 1000);
  for (const std::string& path : {mixed, nested}) {
    SCOPED_TRACE(path);
    const std::string ours = Cat(path);
    auto duck = OracleDuckDbRows(path, 1000000);
    ASSERT_TRUE(duck.ok()) << duck.status().ToString();
    EXPECT_EQ((*duck)["rows"].size(), cli_test::CountLines(ours));
    EXPECT_TRUE(JsonLinesMatchDuckDb(ours, *duck));
  }
  // A projection reads the same values.
  auto duck = OracleSql(StrCat("SELECT items, id FROM read_parquet('", nested, "')"));
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  EXPECT_TRUE(JsonLinesMatchDuckDb(Cat(nested, "--columns items,id"), *duck));
}

// Reading stops at --limit: a broken last row group does not matter then; a
// full read prints the good rows, then fails with one line.
TEST(ParquetCli, CatStreamsAndStopsAtLimit) {
  TempDir dir;
  const std::string path = dir.Path("broken.parquet");
  Generate(path, 20000, "--row-group-size 64k");
  const json j = InspectJson(path);
  const int groups = j["num_row_groups"].get<int>();
  ASSERT_GE(groups, 3);
  const json& last = j["row_groups"][groups - 1];
  const int64_t rows_before_last = 20000 - last["num_rows"].get<int64_t>();
  int64_t first_page = last["columns"][0]["data_page_offset"].get<int64_t>();
  if (!last["columns"][0]["dictionary_page_offset"].is_null()) {
    first_page = std::min(first_page, last["columns"][0]["dictionary_page_offset"].get<int64_t>());
  }
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(first_page);
    const std::string garbage(24, '\xff');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    ASSERT_TRUE(f.good());
  }
  EXPECT_EQ(cli_test::CountLines(Cat(path, "--limit 5")), 5u);
  auto full = Snaplake(StrCat("parquet cat ", Q(path)));
  EXPECT_TRUE(FailedWithOneLine(full, StrCat("snaplake: ", path, ": column 'id'")));
  EXPECT_GE(static_cast<int64_t>(cli_test::CountLines(full.out)), rows_before_last);
  EXPECT_LT(static_cast<int64_t>(cli_test::CountLines(full.out)), 20000);

  // convert fails too, and leaves nothing behind: no output, no temporary file.
  const std::string out = dir.Path("out.parquet");
  EXPECT_TRUE(FailedWithOneLine(Snaplake(StrCat("parquet convert ", Q(path), " ", Q(out))), path));
  EXPECT_EQ(DirectoryEntries(dir.path()), std::vector<std::string>{"broken.parquet"});
}

// --- convert -------------------------------------------------------------------

TEST(ParquetCli, ConvertSettingsPassOraclesAndKeepRows) {
  SL_REQUIRE_ORACLE(oracle);
  TempDir dir;
  const std::string mixed = dir.Path("m.parquet"), nested = dir.Path("n.parquet");
  Generate(mixed, 3000, "--seed 11");
  WriteNestedFile(nested, 600);
  const std::string mixed_rows = Cat(mixed), nested_rows = Cat(nested);
  ASSERT_EQ(cli_test::CountLines(mixed_rows), 3000u);

  struct Setting {
    std::string compression;
    int page_version;
    bool dictionary;
    bool delta;
  };
  const std::vector<Setting> settings = {
      {"none", 1, true, false},   {"none", 2, false, true},   {"snappy", 1, false, false},
      {"snappy", 2, true, false}, {"gzip", 1, true, true},    {"gzip", 2, false, false},
      {"zstd", 1, false, true},   {"zstd", 2, true, false},   {"lz4_raw", 1, true, false},
      {"lz4_raw", 2, false, true}, {"brotli", 1, false, false}, {"brotli", 2, true, true},
  };
  std::vector<std::string> outputs;
  for (size_t i = 0; i < settings.size(); ++i) {
    const Setting& s = settings[i];
    const bool use_nested = i % 3 == 2;
    const std::string& in = use_nested ? nested : mixed;
    const std::string out = dir.Path(StrCat("out", std::to_string(i), "_", s.compression, ".parquet"));
    std::string args = StrCat("parquet convert ", Q(in), " ", Q(out), " --compression ", s.compression,
                              " --page-version ", std::to_string(s.page_version), " --page-size 16KiB",
                              " --row-group-size 256k");
    if (!s.dictionary) args.append(" --no-dictionary");
    if (s.delta) args.append(" --delta");
    SCOPED_TRACE(args);
    ASSERT_TRUE(Succeeded(Snaplake(args)));
    outputs.push_back(out);
    EXPECT_EQ(Cat(out), use_nested ? nested_rows : mixed_rows) << "rows changed in " << out;

    // The footer says what was asked for.
    const json j = InspectJson(out);
    std::string codec = s.compression == "none" ? "UNCOMPRESSED" : s.compression;
    for (char& c : codec) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool saw_dictionary = false, saw_delta = false, saw_v1 = false, saw_v2 = false;
    for (const json& rg : j["row_groups"]) {
      for (const json& col : rg["columns"]) {
        EXPECT_EQ(col["codec"], codec);
        for (const json& es : col["encoding_stats"]) {
          saw_dictionary |= es["page_type"] == "DICTIONARY_PAGE";
          saw_delta |= es["encoding"] == "DELTA_BINARY_PACKED";
          saw_v1 |= es["page_type"] == "DATA_PAGE";
          saw_v2 |= es["page_type"] == "DATA_PAGE_V2";
        }
      }
    }
    EXPECT_EQ(saw_dictionary, s.dictionary);
    EXPECT_EQ(saw_v1, s.page_version == 1);
    EXPECT_EQ(saw_v2, s.page_version == 2);
    if (s.delta && !s.dictionary) {
      EXPECT_TRUE(saw_delta);
    }
    if (!s.delta) {
      EXPECT_FALSE(saw_delta);
    }
  }
  EXPECT_TRUE(OracleAllOk(outputs));
}

TEST(ParquetCli, ConvertReplacesAnExistingOutputAndAcceptsUris) {
  TempDir dir;
  const std::string in = dir.Path("in.parquet"), out = dir.Path("sub/dir/out.parquet");
  Generate(in, 100);
  ASSERT_TRUE(Succeeded(Snaplake(StrCat("parquet convert ", Q(StrCat("file://", in)), " ", Q(out)))));
  ASSERT_TRUE(Succeeded(Snaplake(StrCat("parquet convert ", Q(in), " ", Q(StrCat("file://", out)), " -c gzip"))));
  EXPECT_EQ(InspectJson(out)["row_groups"][0]["columns"][0]["codec"], "GZIP");
  EXPECT_EQ(Cat(out), Cat(in));
  EXPECT_EQ(DirectoryEntries(dir.Path("sub/dir")), std::vector<std::string>{"out.parquet"});
}

// --- errors --------------------------------------------------------------------

TEST(ParquetCli, BadInputGivesOneLineErrors) {
  TempDir dir;
  const std::string good = dir.Path("good.parquet");
  Generate(good, 1000);
  const std::string text_file = dir.Path("notes.txt");
  ASSERT_TRUE(WriteStringToFile(text_file, "this is not parquet, just some text that is long enough\n").ok());
  auto bytes = ReadFileToString(good);
  ASSERT_TRUE(bytes.ok());
  const std::string truncated = dir.Path("truncated.parquet");
  ASSERT_TRUE(WriteStringToFile(truncated, bytes->substr(0, bytes->size() / 2)).ok());
  const std::string tiny = dir.Path("tiny.parquet");
  ASSERT_TRUE(WriteStringToFile(tiny, "PAR1").ok());
  const std::string missing = dir.Path("missing.parquet");

  for (const char* command : {"schema", "inspect", "cat"}) {
    SCOPED_TRACE(command);
    const std::string c = StrCat("parquet ", command, " ");
    EXPECT_TRUE(FailedWithOneLine(Snaplake(c + Q(missing)),
                                  StrCat("snaplake: ", missing, ": cannot open: No such file or directory")));
    EXPECT_TRUE(FailedWithOneLine(Snaplake(c + Q(dir.path())), StrCat("snaplake: ", dir.path(), ": ")));
    EXPECT_TRUE(FailedWithOneLine(Snaplake(c + Q(text_file)), StrCat("snaplake: ", text_file, ": not a Parquet file")));
    EXPECT_TRUE(FailedWithOneLine(Snaplake(c + Q(truncated)), StrCat("snaplake: ", truncated, ": ")));
    EXPECT_TRUE(FailedWithOneLine(Snaplake(c + Q(tiny)), StrCat("snaplake: ", tiny, ": ")));
  }
  auto unknown = Snaplake(StrCat("parquet cat ", Q(good), " --columns id,nope"));
  EXPECT_TRUE(FailedWithOneLine(unknown, "no column named 'nope'"));
  EXPECT_NE(unknown.err.find("id, quantity, price, amount, name, category, created, updated, day, ratio, active"),
            std::string::npos)
      << "the error lists the available columns: " << unknown.err;
  EXPECT_TRUE(unknown.out.empty());

  const std::string out = dir.Path("out.parquet");
  const std::string convert = StrCat("parquet convert ", Q(good), " ", Q(out), " ");
  EXPECT_TRUE(FailedWithOneLine(Snaplake(convert + "--compression zip"),
                                StrCat("snaplake: ", out, ": unknown compression 'zip'")));
  EXPECT_TRUE(FailedWithOneLine(Snaplake(convert + "--compression lz4"), "lz4_raw"));
  EXPECT_TRUE(FailedWithOneLine(Snaplake(convert + "--page-size 12q"), "--page-size: '12q' has an unknown unit"));
  EXPECT_TRUE(FailedWithOneLine(Snaplake(convert + "--row-group-size 1.5M"), "--row-group-size"));
  EXPECT_TRUE(FailedWithOneLine(Snaplake(convert + "--row-group-size 0"), "is zero"));
  EXPECT_TRUE(FailedWithOneLine(Snaplake(convert + "--page-size 4GiB"), "1GiB"));
  EXPECT_TRUE(FailedWithOneLine(Snaplake(convert + "--page-version 3"), "--page-version must be 1 or 2"));
  EXPECT_TRUE(FailedWithOneLine(Snaplake(StrCat("parquet generate ", Q(out), " --compression bogus")),
                                "unknown compression 'bogus'"));
  EXPECT_TRUE(FailedWithOneLine(Snaplake(StrCat("parquet convert ", Q(missing), " ", Q(out))), missing));
  // Root ignores permissions, so make the directory impossible instead: its parent is a regular file.
  const std::string unwritable = StrCat(good, "/x/out.parquet");
  EXPECT_TRUE(FailedWithOneLine(Snaplake(StrCat("parquet convert ", Q(good), " ", Q(unwritable))),
                                StrCat("snaplake: ", unwritable, ": ")));
  EXPECT_TRUE(FailedWithOneLine(Snaplake(StrCat("parquet generate /etc/passwd/x.parquet --rows 10")),
                                "snaplake: /etc/passwd/x.parquet: "));
  EXPECT_TRUE(FailedWithOneLine(Snaplake(StrCat("parquet cat ", Q(good), " --limit -1")), "--limit"));
  // Nothing was written by any of the failures above.
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(DirectoryEntries(dir.path()),
            (std::vector<std::string>{"good.parquet", "notes.txt", "tiny.parquet", "truncated.parquet"}));
}

TEST(ParquetCli, UsageErrorsExitWithStatus2) {
  // Bad command lines: CLI11's message, and the one documented status 2.
  for (const char* args : {"parquet", "parquet cat", "parquet inspect x --output xml", "parquet frobnicate",
                           "parquet cat x --limit many"}) {
    auto r = Snaplake(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_FALSE(r.err.empty()) << args;
  }
  auto help = Snaplake("parquet --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"schema", "inspect", "cat", "convert", "generate"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command;
  }
}

// --- helpers, in-process -------------------------------------------------------------

TEST(ParquetCliHelpers, ParseByteSize) {
  struct Case {
    const char* text;
    int64_t bytes;
  };
  for (const Case& c : std::vector<Case>{{"4096", 4096},
                                         {"10B", 10},
                                         {"512k", 512 * 1024},
                                         {"512K", 512 * 1024},
                                         {"1M", 1 << 20},
                                         {"64MiB", int64_t{64} << 20},
                                         {"64mib", int64_t{64} << 20},
                                         {"1kb", 1000},
                                         {"2GB", 2000000000},
                                         {"3g", int64_t{3} << 30},
                                         {"1TiB", int64_t{1} << 40}}) {
    auto r = cli::ParseByteSize(c.text, "--size");
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.bytes) << c.text;
  }
  for (const char* bad : {"", "k", "0", "0M", "-1", "1.5M", "12q", "1 M", "1MiBs", "99999999999999999999",
                          "4194305T"}) {
    auto r = cli::ParseByteSize(bad, "--size");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind("--size: '", 0), 0u) << r.status().message();
  }
}

TEST(ParquetCliHelpers, FileErrorPutsThePathFirstOnce) {
  EXPECT_EQ(cli::FileError("a.parquet", Status::NotFound("cannot open 'a.parquet': No such file or directory"))
                .message(),
            "a.parquet: cannot open: No such file or directory");
  EXPECT_EQ(cli::FileError("/d", Status::InvalidArgument("'/d' is a directory, not a file")).message(),
            "/d: is a directory, not a file");
  EXPECT_EQ(cli::FileError("a.parquet", Status::Corruption("a.parquet: not a Parquet file")).message(),
            "a.parquet: not a Parquet file");
  EXPECT_EQ(cli::FileError("file:///x/a", Status::Corruption("/x/a: footer is corrupt")).message(),
            "/x/a: footer is corrupt");
  EXPECT_EQ(cli::FileError("file:///x/a", Status::IOError("cannot read '/x/a': EIO")).message(),
            "file:///x/a: cannot read: EIO");
  const Status st = cli::FileError("o.parquet", Status::InvalidArgument("unknown compression 'x'"));
  EXPECT_EQ(st.message(), "o.parquet: unknown compression 'x'");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cli::FileError("a.parquetx", Status::Corruption("a.parquet: bad")).message(), "a.parquetx: a.parquet: bad");
  EXPECT_TRUE(cli::FileError("a", Status::OK()).ok());
}

}  // namespace
}  // namespace snaplake
