// `snaplake parquet schema FILE`: the file's Parquet schema tree, in the
// message notation parquet-java prints, and the snaplake type each top-level
// column is read as. With --output json, the same as one JSON document (see
// docs/cli.md for its structure).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <string>

#include "cli/parquet_cli.h"
#include "cli/parquet_names.h"

namespace snaplake::cli {

namespace {

using parquet::SchemaElement;

// Lower-case physical name as parquet-java's schema text has it.
std::string TextPhysicalName(const SchemaElement& el) {
  if (*el.type == parquet::PhysicalType::kByteArray) return "binary";
  std::string s = PhysicalTypeName(*el.type);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (*el.type == parquet::PhysicalType::kFixedLenByteArray) {
    s.append("(").append(std::to_string(el.type_length.value_or(0))).append(")");
  }
  return s;
}

std::string TextRepetition(const SchemaElement& el) {
  std::string s = el.repetition_type ? RepetitionName(*el.repetition_type) : std::string("REQUIRED");
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Walks the depth-first element list. The reader has already checked that the
// child counts add up; the bounds checks only keep a bad count from crashing.
class SchemaWalker {
 public:
  explicit SchemaWalker(const std::vector<SchemaElement>& elements) : elements_(elements) {}

  // Appends elements[index] (and its subtree) as text; returns the next index.
  size_t AppendText(size_t index, int depth, std::string* out) const {
    if (index >= elements_.size()) return index;
    const SchemaElement& el = elements_[index];
    out->append(static_cast<size_t>(depth) * 2, ' ');
    out->append(TextRepetition(el)).append(" ");
    const bool group = !el.type.has_value();
    out->append(group ? std::string("group") : TextPhysicalName(el)).append(" ").append(el.name);
    if (el.field_id) out->append(" = ").append(std::to_string(*el.field_id));
    const std::string annotation = AnnotationName(el);
    if (!annotation.empty()) out->append(" (").append(annotation).append(")");
    if (!group) {
      out->append(";\n");
      return index + 1;
    }
    out->append(" {\n");
    size_t next = index + 1;
    for (int32_t i = 0; i < el.num_children.value_or(0); ++i) next = AppendText(next, depth + 1, out);
    out->append(static_cast<size_t>(depth) * 2, ' ').append("}\n");
    return next;
  }

  // Stores elements[index] (and its subtree) as JSON in *out; returns the next index.
  size_t ToJson(size_t index, nlohmann::ordered_json* out) const {
    if (index >= elements_.size()) return index;
    const SchemaElement& el = elements_[index];
    nlohmann::ordered_json node = nlohmann::ordered_json::object();
    node["name"] = el.name;
    node["repetition"] = el.repetition_type ? nlohmann::ordered_json(RepetitionName(*el.repetition_type)) : nlohmann::ordered_json();
    node["physical_type"] = el.type ? nlohmann::ordered_json(PhysicalTypeName(*el.type)) : nlohmann::ordered_json();
    node["type_length"] = el.type_length ? nlohmann::ordered_json(*el.type_length) : nlohmann::ordered_json();
    node["logical_type"] = el.logical_type ? nlohmann::ordered_json(LogicalTypeName(*el.logical_type)) : nlohmann::ordered_json();
    node["converted_type"] =
        el.converted_type ? nlohmann::ordered_json(ConvertedTypeName(*el.converted_type)) : nlohmann::ordered_json();
    node["precision"] = el.precision ? nlohmann::ordered_json(*el.precision) : nlohmann::ordered_json();
    node["scale"] = el.scale ? nlohmann::ordered_json(*el.scale) : nlohmann::ordered_json();
    node["field_id"] = el.field_id ? nlohmann::ordered_json(*el.field_id) : nlohmann::ordered_json();
    size_t next = index + 1;
    if (el.type) {
      node["children"] = nullptr;
    } else {
      nlohmann::ordered_json children = nlohmann::ordered_json::array();
      for (int32_t i = 0; i < el.num_children.value_or(0) && next < elements_.size(); ++i) {
        nlohmann::ordered_json child;
        next = ToJson(next, &child);
        children.push_back(std::move(child));
      }
      node["children"] = std::move(children);
    }
    *out = std::move(node);
    return next;
  }

 private:
  const std::vector<SchemaElement>& elements_;
};

std::string TextSchema(const std::vector<SchemaElement>& elements, const Schema& schema) {
  std::string out = "message ";
  out.append(elements.empty() ? std::string("schema") : elements[0].name).append(" {\n");
  const SchemaWalker walker(elements);
  size_t next = 1;
  const int32_t top = elements.empty() ? 0 : elements[0].num_children.value_or(0);
  for (int32_t i = 0; i < top; ++i) next = walker.AppendText(next, 1, &out);
  out.append("}\n\nsnaplake columns:\n");
  size_t width = 0;
  for (const Field& f : schema.fields) width = std::max(width, f.name.size());
  for (const Field& f : schema.fields) {
    out.append("  ").append(f.name).append(width - f.name.size() + 2, ' ').append(f.type.ToString());
    if (!f.nullable) out.append(" NOT NULL");
    out.append("\n");
  }
  return out;
}

}  // namespace

nlohmann::ordered_json SnaplakeColumnsJson(const Schema& schema) {
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  for (const Field& f : schema.fields) {
    columns.push_back({{"name", f.name}, {"type", f.type.ToString()}, {"nullable", f.nullable}});
  }
  return columns;
}

Status RunSchema(const SchemaCommand& cmd) {
  parquet::ReaderOptions options;
  options.int96_unit = cmd.read.int96_unit;
  SL_ASSIGN_OR_RETURN(auto reader, OpenParquet(cmd.file, options));
  const std::vector<SchemaElement>& elements = reader->metadata().schema;
  StdoutWriter out;
  if (cmd.output == OutputFormat::kText) {
    out.buffer()->append(TextSchema(elements, reader->schema()));
  } else {
    nlohmann::ordered_json root = nlohmann::ordered_json::object();
    if (!elements.empty()) SchemaWalker(elements).ToJson(0, &root);
    nlohmann::ordered_json doc = {{"file", cmd.file}, {"parquet_schema", std::move(root)},
                          {"columns", SnaplakeColumnsJson(reader->schema())}};
    out.buffer()->append(doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)).append("\n");
  }
  return out.Flush();
}

}  // namespace snaplake::cli
