// `snaplake parquet inspect FILE`: the footer, summarised and then per row
// group and column chunk, with statistics decoded per the column's type.
//
// The JSON document (docs/cli.md describes every key) is built first; the
// text output is rendered from it, so the two never disagree.
#include <nlohmann/json.hpp>

#include <string>

#include "cli/parquet_cli.h"
#include "cli/parquet_names.h"
#include "cli/statistics_render.h"
#include "format/parquet/reader/schema_converter.h"

namespace snaplake::cli {

namespace {

using json = nlohmann::ordered_json;

template <typename T>
json OrNull(const std::optional<T>& v) {
  return v ? json(*v) : json();
}

json KeyValuesJson(const std::vector<parquet::KeyValue>& kvs) {
  json out = json::array();
  for (const parquet::KeyValue& kv : kvs) out.push_back({{"key", kv.key}, {"value", OrNull(kv.value)}});
  return out;
}

// Decodes one bound; on failure the bound is null and *error says why.
json BoundJson(const parquet::LeafInfo& leaf, const std::string& bytes, std::string* error) {
  std::string text;
  Status st = AppendStatisticJson(leaf, bytes, &text);
  if (!st.ok()) {
    if (error->empty()) *error = st.message();
    return json();
  }
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    if (error->empty()) *error = "the value renders as invalid JSON: " + text.substr(0, 100);
    return json();
  }
  return value;
}

json StatisticsJson(const parquet::Statistics& s, const parquet::LeafInfo& leaf) {
  // min_value/max_value are in the column's sort order; the deprecated
  // min/max only in signed order, so they are used (and flagged) only when
  // the new ones are absent.
  const bool deprecated = !s.min_value && !s.max_value && (s.min || s.max);
  const std::optional<std::string>& min = deprecated ? s.min : s.min_value;
  const std::optional<std::string>& max = deprecated ? s.max : s.max_value;
  std::string error;
  json out = json::object();
  out["null_count"] = OrNull(s.null_count);
  out["distinct_count"] = OrNull(s.distinct_count);
  out["nan_count"] = OrNull(s.nan_count);
  out["min"] = min ? BoundJson(leaf, *min, &error) : json();
  out["max"] = max ? BoundJson(leaf, *max, &error) : json();
  out["min_exact"] = OrNull(s.is_min_value_exact);
  out["max_exact"] = OrNull(s.is_max_value_exact);
  out["deprecated_min_max"] = deprecated;
  out["decode_error"] = error.empty() ? json() : json(error);
  return out;
}

json ColumnChunkJson(const parquet::ColumnChunk& cc, const parquet::LeafInfo* leaf) {
  json out = json::object();
  out["path"] = leaf ? leaf->dotted_path : std::string();
  out["type"] = leaf ? json(leaf->type.ToString()) : json();
  out["file_path"] = OrNull(cc.file_path);
  const parquet::ColumnMetaData* md = cc.meta_data ? &*cc.meta_data : nullptr;
  if (md) {
    std::string path;
    for (const std::string& part : md->path_in_schema) {
      if (!path.empty()) path.push_back('.');
      path.append(part);
    }
    out["path"] = path;
  }
  out["physical_type"] = md ? json(PhysicalTypeName(md->type)) : json();
  out["codec"] = md ? json(CodecName(md->codec)) : json();
  json encodings = json::array();
  if (md) {
    for (parquet::Encoding e : md->encodings) encodings.push_back(EncodingName(e));
  }
  out["encodings"] = md ? encodings : json();
  json stats = json();
  if (md && md->encoding_stats) {
    stats = json::array();
    for (const parquet::PageEncodingStats& es : *md->encoding_stats) {
      stats.push_back({{"page_type", PageTypeName(es.page_type)},
                       {"encoding", EncodingName(es.encoding)},
                       {"count", es.count}});
    }
  }
  out["encoding_stats"] = stats;
  out["num_values"] = md ? json(md->num_values) : json();
  out["total_compressed_size"] = md ? json(md->total_compressed_size) : json();
  out["total_uncompressed_size"] = md ? json(md->total_uncompressed_size) : json();
  out["data_page_offset"] = md ? json(md->data_page_offset) : json();
  out["dictionary_page_offset"] = md ? OrNull(md->dictionary_page_offset) : json();
  out["index_page_offset"] = md ? OrNull(md->index_page_offset) : json();
  out["column_index_offset"] = OrNull(cc.column_index_offset);
  out["column_index_length"] = OrNull(cc.column_index_length);
  out["offset_index_offset"] = OrNull(cc.offset_index_offset);
  out["offset_index_length"] = OrNull(cc.offset_index_length);
  out["bloom_filter_offset"] = md ? OrNull(md->bloom_filter_offset) : json();
  out["bloom_filter_length"] = md ? OrNull(md->bloom_filter_length) : json();
  out["key_value_metadata"] = md && md->key_value_metadata ? KeyValuesJson(*md->key_value_metadata) : json();
  out["statistics"] = md && md->statistics && leaf ? StatisticsJson(*md->statistics, *leaf) : json();
  return out;
}

json RowGroupJson(const parquet::RowGroup& rg, size_t index, const std::vector<parquet::LeafInfo>& leaves) {
  json out = json::object();
  out["index"] = index;
  out["num_rows"] = rg.num_rows;
  out["total_byte_size"] = rg.total_byte_size;
  out["total_compressed_size"] = OrNull(rg.total_compressed_size);
  out["file_offset"] = OrNull(rg.file_offset);
  out["ordinal"] = OrNull(rg.ordinal);
  json sorting = json();
  if (rg.sorting_columns) {
    sorting = json::array();
    for (const parquet::SortingColumn& sc : *rg.sorting_columns) {
      sorting.push_back(
          {{"column_idx", sc.column_idx}, {"descending", sc.descending}, {"nulls_first", sc.nulls_first}});
    }
  }
  out["sorting_columns"] = sorting;
  json columns = json::array();
  for (size_t i = 0; i < rg.columns.size(); ++i) {
    columns.push_back(ColumnChunkJson(rg.columns[i], i < leaves.size() ? &leaves[i] : nullptr));
  }
  out["columns"] = std::move(columns);
  return out;
}

json InspectJson(const std::string& file, int64_t file_size, const parquet::ParquetReader& reader,
                 const std::vector<parquet::LeafInfo>& leaves) {
  const parquet::FileMetaData& md = reader.metadata();
  json out = json::object();
  out["file"] = file;
  out["file_size"] = file_size;
  out["created_by"] = OrNull(md.created_by);
  out["version"] = md.version;
  out["num_rows"] = reader.num_rows();
  out["num_row_groups"] = md.row_groups.size();
  out["num_leaf_columns"] = leaves.size();
  out["key_value_metadata"] = md.key_value_metadata ? KeyValuesJson(*md.key_value_metadata) : json::array();
  out["columns"] = SnaplakeColumnsJson(reader.schema());
  json groups = json::array();
  for (size_t i = 0; i < md.row_groups.size(); ++i) groups.push_back(RowGroupJson(md.row_groups[i], i, leaves));
  out["row_groups"] = std::move(groups);
  return out;
}

// --- text ----------------------------------------------------------------------

std::string Scalar(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A JSON value as the text shows it: strings quoted, so "" and "-" stay visible.
std::string Value(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string Shortened(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  std::string out = s.substr(0, max);
  out.append("... (").append(std::to_string(s.size())).append(" bytes)");
  return out;
}

void AppendKeyValues(const json& kvs, const std::string& indent, std::string* out) {
  for (const json& kv : kvs) {
    out->append(indent).append(Shortened(Scalar(kv["key"]), 80)).append(" = ");
    out->append(kv["value"].is_null() ? std::string("(no value)") : Shortened(Value(kv["value"]), 100));
    out->append("\n");
  }
}

void AppendOffset(const char* name, const json& offset, const json& length, std::string* out) {
  if (offset.is_null()) return;
  out->append(", ").append(name).append(" ").append(Scalar(offset));
  if (!length.is_null()) out->append(" (").append(Scalar(length)).append(" bytes)");
}

void AppendColumnText(const json& c, std::string* out) {
  out->append("  column ").append(Scalar(c["path"])).append(": ").append(Scalar(c["physical_type"]));
  if (!c["type"].is_null()) out->append(" as ").append(Scalar(c["type"]));
  out->append(", ").append(Scalar(c["codec"])).append("\n");
  if (!c["file_path"].is_null()) out->append("    stored in: ").append(Scalar(c["file_path"])).append("\n");
  out->append("    values ").append(Scalar(c["num_values"]));
  out->append(", compressed ").append(Scalar(c["total_compressed_size"])).append(" bytes");
  out->append(", uncompressed ").append(Scalar(c["total_uncompressed_size"])).append(" bytes\n");
  out->append("    encodings: ");
  if (c["encodings"].is_array()) {
    bool first = true;
    for (const json& e : c["encodings"]) {
      if (!first) out->append(", ");
      out->append(Scalar(e));
      first = false;
    }
  }
  out->append("\n");
  if (c["encoding_stats"].is_array()) {
    out->append("    pages: ");
    bool first = true;
    for (const json& es : c["encoding_stats"]) {
      if (!first) out->append(", ");
      out->append(Scalar(es["count"])).append(" ").append(Scalar(es["page_type"]));
      out->append(" ").append(Scalar(es["encoding"]));
      first = false;
    }
    out->append("\n");
  }
  out->append("    offsets:");
  if (!c["dictionary_page_offset"].is_null()) {
    out->append(" dictionary ").append(Scalar(c["dictionary_page_offset"])).append(",");
  }
  out->append(" data ").append(Scalar(c["data_page_offset"]));
  AppendOffset("index page", c["index_page_offset"], json(), out);
  AppendOffset("column index", c["column_index_offset"], c["column_index_length"], out);
  AppendOffset("offset index", c["offset_index_offset"], c["offset_index_length"], out);
  AppendOffset("bloom filter", c["bloom_filter_offset"], c["bloom_filter_length"], out);
  out->append("\n");
  const json& s = c["statistics"];
  if (s.is_null()) {
    out->append("    statistics: none\n");
  } else {
    out->append("    statistics: nulls ").append(Scalar(s["null_count"]));
    if (!s["min"].is_null() || !s["max"].is_null()) {
      out->append(", min ").append(s["min"].is_null() ? "-" : Value(s["min"]));
      out->append(", max ").append(s["max"].is_null() ? "-" : Value(s["max"]));
    }
    if (!s["distinct_count"].is_null()) out->append(", distinct ").append(Scalar(s["distinct_count"]));
    if (!s["nan_count"].is_null()) out->append(", NaNs ").append(Scalar(s["nan_count"]));
    if (s["min_exact"] == false || s["max_exact"] == false) out->append(" (bounds not exact)");
    if (s["deprecated_min_max"] == true) out->append(" (deprecated signed-order min/max)");
    if (!s["decode_error"].is_null()) out->append(" (cannot decode: ").append(Scalar(s["decode_error"])).append(")");
    out->append("\n");
  }
  if (c["key_value_metadata"].is_array()) {
    out->append("    key_value_metadata:\n");
    AppendKeyValues(c["key_value_metadata"], "      ", out);
  }
}

std::string InspectText(const json& doc) {
  std::string out;
  out.append("file:        ").append(Scalar(doc["file"])).append(" (").append(Scalar(doc["file_size"]));
  out.append(" bytes)\n");
  out.append("created_by:  ").append(Scalar(doc["created_by"])).append("\n");
  out.append("version:     ").append(Scalar(doc["version"])).append("\n");
  out.append("num_rows:    ").append(Scalar(doc["num_rows"])).append("\n");
  out.append("row_groups:  ").append(Scalar(doc["num_row_groups"])).append("\n");
  out.append("columns:     ").append(std::to_string(doc["columns"].size())).append(" (");
  out.append(Scalar(doc["num_leaf_columns"])).append(" leaf columns)\n");
  if (doc["key_value_metadata"].empty()) {
    out.append("key_value_metadata: none\n");
  } else {
    out.append("key_value_metadata:\n");
    AppendKeyValues(doc["key_value_metadata"], "  ", &out);
  }
  for (const json& rg : doc["row_groups"]) {
    out.append("\nrow group ").append(Scalar(rg["index"])).append(": ").append(Scalar(rg["num_rows"]));
    out.append(" rows, ").append(Scalar(rg["total_byte_size"])).append(" bytes uncompressed");
    if (!rg["total_compressed_size"].is_null()) {
      out.append(", ").append(Scalar(rg["total_compressed_size"])).append(" compressed");
    }
    if (!rg["file_offset"].is_null()) out.append(", at offset ").append(Scalar(rg["file_offset"]));
    out.append("\n");
    if (rg["sorting_columns"].is_array()) {
      out.append("  sorted by:");
      for (const json& sc : rg["sorting_columns"]) {
        out.append(" column ").append(Scalar(sc["column_idx"]));
        out.append(sc["descending"] == true ? " desc" : " asc");
        out.append(sc["nulls_first"] == true ? " nulls first;" : " nulls last;");
      }
      out.append("\n");
    }
    for (const json& c : rg["columns"]) AppendColumnText(c, &out);
  }
  return out;
}

}  // namespace

Status RunInspect(const InspectCommand& cmd) {
  SL_ASSIGN_OR_RETURN(auto reader, OpenParquet(cmd.file));
  // The reader has converted this schema once already; converting it again
  // gives the per-leaf types that statistics are decoded with.
  auto file_schema = parquet::ConvertSchema(reader->metadata().schema);
  if (!file_schema.ok()) return FileError(cmd.file, file_schema.status());
  auto fs = FileSystemForPath(cmd.file);
  if (!fs.ok()) return FileError(cmd.file, fs.status());
  auto info = (*fs)->Stat(cmd.file);
  if (!info.ok()) return FileError(cmd.file, info.status());
  const json doc = InspectJson(cmd.file, info->size, *reader, file_schema->leaves);
  StdoutWriter out;
  if (cmd.output == OutputFormat::kJson) {
    out.buffer()->append(doc.dump(2, ' ', false, json::error_handler_t::replace)).append("\n");
  } else {
    out.buffer()->append(InspectText(doc));
  }
  return out.Flush();
}

}  // namespace snaplake::cli
