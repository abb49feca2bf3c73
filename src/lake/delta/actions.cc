#include "lake/delta/actions.h"

#include <nlohmann/json.hpp>

namespace snaplake::delta {

namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

// Field access that turns a missing or mistyped field into a message instead
// of an exception. `why` is set on the first problem; later calls are no-ops.
class Fields {
 public:
  Fields(const Json& obj, const char* action, std::string* why) : obj_(obj), action_(action), why_(why) {}

  std::string String(const char* key) {
    const Json* v = Find(key, true);
    if (v == nullptr) return "";
    if (!v->is_string()) return Fail(key, "a string"), "";
    return v->get<std::string>();
  }
  std::optional<std::string> OptString(const char* key) {
    const Json* v = Find(key, false);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_string()) return Fail(key, "a string"), std::nullopt;
    return v->get<std::string>();
  }
  int64_t Int(const char* key) {
    auto v = OptInt(key, true);
    return v.value_or(0);
  }
  std::optional<int64_t> OptInt(const char* key, bool required = false) {
    const Json* v = Find(key, required);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_number_integer()) return Fail(key, "an integer"), std::nullopt;
    return v->get<int64_t>();
  }
  bool Bool(const char* key, bool fallback) {
    const Json* v = Find(key, false);
    if (v == nullptr || v->is_null()) return fallback;
    if (!v->is_boolean()) return Fail(key, "a boolean"), fallback;
    return v->get<bool>();
  }
  StringMap Map(const char* key) {
    StringMap out;
    const Json* v = Find(key, false);
    if (v == nullptr || v->is_null()) return out;
    if (!v->is_object()) return Fail(key, "an object"), out;
    for (auto it = v->begin(); it != v->end(); ++it) {
      if (it->is_string()) out[it.key()] = it->get<std::string>();
      else if (!it->is_null()) Fail(key, "an object of strings");
    }
    return out;
  }
  PartitionValues Partitions(const char* key) {
    PartitionValues out;
    const Json* v = Find(key, false);
    if (v == nullptr || v->is_null()) return out;
    if (!v->is_object()) return Fail(key, "an object"), out;
    for (auto it = v->begin(); it != v->end(); ++it) {
      if (it->is_string()) out[it.key()] = it->get<std::string>();
      else if (it->is_null()) out[it.key()] = std::nullopt;
      else Fail(key, "an object of strings");
    }
    return out;
  }
  std::optional<std::vector<std::string>> OptStrings(const char* key) {
    const Json* v = Find(key, false);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_array()) return Fail(key, "an array"), std::nullopt;
    std::vector<std::string> out;
    for (const Json& e : *v) {
      if (!e.is_string()) return Fail(key, "an array of strings"), std::nullopt;
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  const Json* Object(const char* key) {
    const Json* v = Find(key, false);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_object()) return Fail(key, "an object"), nullptr;
    return v;
  }
  bool Has(const char* key) const {
    auto it = obj_.find(key);
    return it != obj_.end() && !it->is_null();
  }

 private:
  const Json* Find(const char* key, bool required) {
    auto it = obj_.find(key);
    if (it == obj_.end()) {
      if (required && why_->empty()) *why_ = std::string(action_) + "." + key + " is missing";
      return nullptr;
    }
    return &*it;
  }
  void Fail(const char* key, const char* expected) {
    if (why_->empty()) *why_ = std::string(action_) + "." + key + " is not " + expected;
  }

  const Json& obj_;
  const char* action_;
  std::string* why_;
};

Status ParseAction(const Json& line, CommitActions* out) {
  std::string why;
  for (auto it = line.begin(); it != line.end(); ++it) {
    const std::string& kind = it.key();
    const Json& body = *it;
    if (body.is_null()) continue;
    if (!body.is_object()) return Status::Corruption("action '" + kind + "' is not a JSON object");
    Fields f(body, kind.c_str(), &why);
    if (kind == "add") {
      AddFile a;
      a.path = f.String("path");
      a.partition_values = f.Partitions("partitionValues");
      a.size = f.Int("size");
      a.modification_time = f.OptInt("modificationTime").value_or(0);
      a.data_change = f.Bool("dataChange", true);
      a.stats = f.OptString("stats");
      a.tags = f.Map("tags");
      a.has_deletion_vector = f.Has("deletionVector");
      out->adds.push_back(std::move(a));
    } else if (kind == "remove") {
      RemoveFile r;
      r.path = f.String("path");
      r.deletion_timestamp = f.OptInt("deletionTimestamp");
      r.data_change = f.Bool("dataChange", true);
      r.extended_file_metadata = f.Bool("extendedFileMetadata", false);
      r.partition_values = f.Partitions("partitionValues");
      r.size = f.OptInt("size");
      r.has_deletion_vector = f.Has("deletionVector");
      out->removes.push_back(std::move(r));
    } else if (kind == "metaData") {
      Metadata m;
      m.id = f.String("id");
      m.name = f.OptString("name");
      m.description = f.OptString("description");
      if (const Json* format = f.Object("format")) {
        Fields ff(*format, "metaData.format", &why);
        m.format_provider = ff.OptString("provider").value_or("parquet");
        m.format_options = ff.Map("options");
      }
      // Log-replay fixtures of delta-io omit it; an empty schema then reads as no columns.
      m.schema_string = f.OptString("schemaString").value_or("");
      m.partition_columns = f.OptStrings("partitionColumns").value_or(std::vector<std::string>{});
      m.configuration = f.Map("configuration");
      m.created_time = f.OptInt("createdTime");
      out->metadata = std::move(m);
    } else if (kind == "protocol") {
      Protocol p;
      p.min_reader_version = static_cast<int32_t>(f.Int("minReaderVersion"));
      p.min_writer_version = static_cast<int32_t>(f.OptInt("minWriterVersion").value_or(0));
      p.reader_features = f.OptStrings("readerFeatures");
      p.writer_features = f.OptStrings("writerFeatures");
      out->protocol = std::move(p);
    } else if (kind == "txn") {
      Txn t;
      t.app_id = f.String("appId");
      t.version = f.Int("version");
      t.last_updated = f.OptInt("lastUpdated");
      out->txns.push_back(std::move(t));
    } else if (kind == "commitInfo") {
      out->commit_info = body.dump();
      out->in_commit_timestamp = f.OptInt("inCommitTimestamp");
    }
    // cdc, domainMetadata, checkpointMetadata, sidecar: nothing snaplake needs.
    if (!why.empty()) return Status::Corruption(why);
  }
  return Status::OK();
}

OJson PartitionsJson(const PartitionValues& values) {
  OJson j = OJson::object();
  for (const auto& [k, v] : values) {
    if (v) j[k] = *v;
    else j[k] = nullptr;
  }
  return j;
}

OJson MapJson(const StringMap& values) {
  OJson j = OJson::object();
  for (const auto& [k, v] : values) j[k] = v;
  return j;
}

std::string Dump(const OJson& j) {
  // Invalid UTF-8 in a name must not throw: replace it.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<CommitActions> ParseCommit(const std::string& text) {
  CommitActions out;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return Status::Corruption("line " + std::to_string(line_no) + " is not a JSON object");
    }
    Status st;
    try {
      st = ParseAction(j, &out);
    } catch (const std::exception& e) {
      st = Status::Corruption(e.what());
    }
    if (!st.ok()) return Status::Corruption("line " + std::to_string(line_no) + ": " + st.message());
  }
  return out;
}

std::string ProtocolLine(const Protocol& p) {
  OJson body;
  body["minReaderVersion"] = p.min_reader_version;
  body["minWriterVersion"] = p.min_writer_version;
  if (p.reader_features) body["readerFeatures"] = *p.reader_features;
  if (p.writer_features) body["writerFeatures"] = *p.writer_features;
  OJson j;
  j["protocol"] = std::move(body);
  return Dump(j);
}

std::string MetadataLine(const Metadata& m) {
  OJson body;
  body["id"] = m.id;
  if (m.name) body["name"] = *m.name;
  if (m.description) body["description"] = *m.description;
  body["format"] = OJson{{"provider", m.format_provider}, {"options", MapJson(m.format_options)}};
  body["schemaString"] = m.schema_string;
  body["partitionColumns"] = m.partition_columns;
  body["configuration"] = MapJson(m.configuration);
  if (m.created_time) body["createdTime"] = *m.created_time;
  OJson j;
  j["metaData"] = std::move(body);
  return Dump(j);
}

std::string AddLine(const AddFile& a) {
  OJson body;
  body["path"] = a.path;
  body["partitionValues"] = PartitionsJson(a.partition_values);
  body["size"] = a.size;
  body["modificationTime"] = a.modification_time;
  body["dataChange"] = a.data_change;
  if (a.stats) body["stats"] = *a.stats;
  if (!a.tags.empty()) body["tags"] = MapJson(a.tags);
  OJson j;
  j["add"] = std::move(body);
  return Dump(j);
}

std::string RemoveLine(const RemoveFile& r) {
  OJson body;
  body["path"] = r.path;
  if (r.deletion_timestamp) body["deletionTimestamp"] = *r.deletion_timestamp;
  body["dataChange"] = r.data_change;
  body["extendedFileMetadata"] = r.extended_file_metadata;
  body["partitionValues"] = PartitionsJson(r.partition_values);
  if (r.size) body["size"] = *r.size;
  OJson j;
  j["remove"] = std::move(body);
  return Dump(j);
}

std::string CommitInfoLine(const std::string& commit_info_json) {
  return "{\"commitInfo\":" + commit_info_json + "}";
}

Result<std::string> DecodeLogPath(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      out.push_back(path[i]);
      continue;
    }
    if (i + 2 >= path.size() || HexValue(path[i + 1]) < 0 || HexValue(path[i + 2]) < 0) {
      return Status::Corruption("malformed percent escape in path '" + path + "'");
    }
    out.push_back(static_cast<char>(HexValue(path[i + 1]) * 16 + HexValue(path[i + 2])));
    i += 2;
  }
  if (out.rfind("file://", 0) == 0) out.erase(0, 7);
  else if (out.rfind("file:", 0) == 0) out.erase(0, 5);
  return out;
}

std::string EncodeLogPath(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (c <= 0x20 || c >= 0x7f || c == '%' || c == '#' || c == '?' || c == '"' || c == '\\' || c == '{' ||
        c == '}' || c == '^' || c == '`' || c == '[' || c == ']' || c == '|' || c == '<' || c == '>') {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace snaplake::delta
