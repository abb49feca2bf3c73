// Builds small Parquet files byte by byte for reader tests, so that tests can
// use schemas and level layouts our writer never produces (legacy 2-level
// lists, odd annotations) and hand-corrupted pages.
//
//   FileBuilder b;
//   b.schema = {Root(1), Optional("a", ConvertedType::kList, 1), RepeatedLeaf("element", PhysicalType::kInt32)};
//   b.num_rows = 3;
//   b.columns.push_back({/*max_def*/ 2, /*max_rep*/ 1, {2,2,0,1}, {0,1,0,0}, PlainInt32s({1, 2, 3})});
//   std::string bytes = b.Build();
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "format/parquet/encoding/rle_bit_packed.h"
#include "format/parquet/metadata/parquet_types.h"

namespace snaplake::parquet::testing {

inline SchemaElement Root(int children) {
  SchemaElement e;
  e.name = "schema";
  e.num_children = children;
  return e;
}

inline SchemaElement Group(const std::string& name, FieldRepetitionType rep, int children,
                           std::optional<ConvertedType> converted = std::nullopt) {
  SchemaElement e;
  e.name = name;
  e.repetition_type = rep;
  e.num_children = children;
  e.converted_type = converted;
  return e;
}

inline SchemaElement Leaf(const std::string& name, FieldRepetitionType rep, PhysicalType type,
                          std::optional<ConvertedType> converted = std::nullopt) {
  SchemaElement e;
  e.name = name;
  e.repetition_type = rep;
  e.type = type;
  e.converted_type = converted;
  return e;
}

constexpr FieldRepetitionType kRequired = FieldRepetitionType::kRequired;
constexpr FieldRepetitionType kOptional = FieldRepetitionType::kOptional;
constexpr FieldRepetitionType kRepeated = FieldRepetitionType::kRepeated;

inline std::string PlainInt32s(const std::vector<int32_t>& values) {
  std::string s(values.size() * 4, '\0');
  if (!values.empty()) std::memcpy(s.data(), values.data(), s.size());
  return s;
}

inline std::string PlainStrings(const std::vector<std::string>& values) {
  std::string s;
  for (const std::string& v : values) {
    const uint32_t len = static_cast<uint32_t>(v.size());
    s.append(reinterpret_cast<const char*>(&len), 4);
    s.append(v);
  }
  return s;
}

struct TestColumn {
  int16_t max_def = 0;
  int16_t max_rep = 0;
  std::vector<int16_t> def;  // empty when max_def == 0
  std::vector<int16_t> rep;  // empty when max_rep == 0
  std::string values;        // PLAIN bytes of the non-null values
  int32_t num_values = -1;   // page/chunk value count; -1: def.size() (or rows when there are no levels)
  // Corruptions for error tests.
  int32_t compressed_size_delta = 0;  // added to the page header's compressed_page_size
};

struct FileBuilder {
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<TestColumn> columns;  // one per leaf, schema order; none for a file without row groups
  bool with_row_group = true;
  std::string magic = "PAR1";

  static void AppendLevels(const std::vector<int16_t>& levels, int16_t max_level, ByteBuffer* out) {
    int width = 0;
    while ((1 << width) <= max_level) ++width;
    RleBitPackedEncoder enc(width);
    for (int16_t l : levels) enc.Put(static_cast<uint32_t>(l));
    ByteBuffer runs;
    enc.FinishInto(&runs);
    const uint32_t len = static_cast<uint32_t>(runs.size());
    out->Append(&len, 4);
    out->Append(runs.view());
  }

  std::string Build() const {
    ByteBuffer file;
    file.Append(std::string_view("PAR1"));
    FileMetaData md;
    md.version = 1;
    md.schema = schema;
    md.num_rows = num_rows;
    md.created_by = "snaplake reader tests";
    // Leaf paths, in schema order.
    std::vector<std::vector<std::string>> paths;
    {
      std::vector<std::pair<std::string, int>> stack;  // name, children left
      for (size_t i = 1; i < schema.size(); ++i) {
        std::vector<std::string> path;
        for (auto& s : stack) path.push_back(s.first);
        path.push_back(schema[i].name);
        if (schema[i].num_children.value_or(0) > 0) {
          stack.push_back({schema[i].name, *schema[i].num_children});
          continue;
        }
        paths.push_back(path);
        // A completed group counts as one finished child of its parent.
        while (!stack.empty() && --stack.back().second == 0) stack.pop_back();
      }
    }
    if (with_row_group) {
      RowGroup rg;
      rg.num_rows = num_rows;
      for (size_t c = 0; c < columns.size(); ++c) {
        const TestColumn& col = columns[c];
        ByteBuffer body;
        if (col.max_rep > 0) AppendLevels(col.rep, col.max_rep, &body);
        if (col.max_def > 0) AppendLevels(col.def, col.max_def, &body);
        body.Append(std::string_view(col.values));
        const int32_t num_values = col.num_values >= 0 ? col.num_values
                                   : col.max_def > 0     ? static_cast<int32_t>(col.def.size())
                                                         : static_cast<int32_t>(num_rows);
        PageHeader h;
        h.type = PageType::kDataPage;
        h.uncompressed_page_size = static_cast<int32_t>(body.size());
        h.compressed_page_size = static_cast<int32_t>(body.size()) + col.compressed_size_delta;
        DataPageHeader dp;
        dp.num_values = num_values;
        dp.encoding = Encoding::kPlain;
        h.data_page_header = dp;
        ByteBuffer header;
        SerializePageHeader(h, &header);
        ColumnChunk cc;
        ColumnMetaData cmd;
        cmd.type = LeafType(c);
        cmd.encodings = {Encoding::kPlain, Encoding::kRle};
        cmd.path_in_schema = c < paths.size() ? paths[c] : std::vector<std::string>{"?"};
        cmd.codec = 0;
        cmd.num_values = num_values;
        cmd.total_uncompressed_size = static_cast<int64_t>(header.size() + body.size());
        cmd.total_compressed_size = cmd.total_uncompressed_size;
        cmd.data_page_offset = static_cast<int64_t>(file.size());
        cc.file_offset = 0;
        cc.meta_data = cmd;
        rg.columns.push_back(cc);
        rg.total_byte_size += cmd.total_uncompressed_size;
        file.Append(header.view());
        file.Append(body.view());
      }
      md.row_groups.push_back(rg);
    }
    ByteBuffer footer;
    SerializeFileMetaData(md, &footer);
    file.Append(footer.view());
    const uint32_t len = static_cast<uint32_t>(footer.size());
    file.Append(&len, 4);
    file.Append(std::string_view(magic));
    return std::string(reinterpret_cast<const char*>(file.data()), file.size());
  }

  // Physical type of the c-th leaf of the schema.
  PhysicalType LeafType(size_t c) const {
    size_t seen = 0;
    for (size_t i = 1; i < schema.size(); ++i) {
      if (schema[i].num_children.value_or(0) > 0) continue;
      if (seen++ == c) return schema[i].type.value_or(PhysicalType::kInt32);
    }
    return PhysicalType::kInt32;
  }
};

}  // namespace snaplake::parquet::testing
