#include "lake/delta/spark_schema.h"

#include <nlohmann/json.hpp>

namespace snaplake::delta {

namespace {

using OJson = nlohmann::ordered_json;
using Json = nlohmann::json;

Status Unmapped(const std::string& column, const Type& type, const char* advice) {
  std::string msg = "column '";
  msg.append(column).append("': ").append(type.ToString()).append(" has no Delta/Spark type; ").append(advice);
  return Status::InvalidArgument(std::move(msg));
}

struct Writer {
  bool column_mapping;
  int64_t next_id = 1;

  Result<OJson> TypeJson(const std::string& column, const Type& t) {
    switch (t.id) {
      case TypeId::kBoolean: return OJson("boolean");
      case TypeId::kInt8: return OJson("byte");
      case TypeId::kInt16: case TypeId::kUInt8: return OJson("short");
      case TypeId::kInt32: case TypeId::kUInt16: return OJson("integer");
      case TypeId::kInt64: case TypeId::kUInt32: return OJson("long");
      case TypeId::kUInt64: return OJson("decimal(20,0)");
      case TypeId::kFloat: return OJson("float");
      case TypeId::kDouble: return OJson("double");
      case TypeId::kDecimal:
        return OJson("decimal(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")");
      case TypeId::kString: case TypeId::kJson: case TypeId::kEnum: return OJson("string");
      case TypeId::kBinary: case TypeId::kFixedBinary: return OJson("binary");
      case TypeId::kDate: return OJson("date");
      case TypeId::kTimestamp:
        if (t.unit == TimeUnit::kNanos) {
          return Unmapped(column, t, "Spark reads only MILLIS and MICROS timestamps; export it as MICROS");
        }
        return OJson(t.utc ? "timestamp" : "timestamp_ntz");
      case TypeId::kTime:
        return Unmapped(column, t, "export with --types rds (TIME as STRING) or leave the table out of the ingest (--tables)");
      case TypeId::kInterval:
        return Unmapped(column, t, "export with --types rds (as STRING) or leave the table out of the ingest (--tables)");
      case TypeId::kUuid:
        return Unmapped(column, t, "export it as STRING or leave the column out");
      case TypeId::kList: {
        SL_ASSIGN_OR_RETURN(OJson element, TypeJson(column, t.children[0].type));
        OJson j;
        j["type"] = "array";
        j["elementType"] = std::move(element);
        j["containsNull"] = t.children[0].nullable;
        return j;
      }
      case TypeId::kMap: {
        SL_ASSIGN_OR_RETURN(OJson key, TypeJson(column, t.children[0].type));
        SL_ASSIGN_OR_RETURN(OJson value, TypeJson(column, t.children[1].type));
        OJson j;
        j["type"] = "map";
        j["keyType"] = std::move(key);
        j["valueType"] = std::move(value);
        j["valueContainsNull"] = t.children[1].nullable;
        return j;
      }
      case TypeId::kStruct: return StructJson(column, t.children);
    }
    return Status::Internal("unknown type id");
  }

  Result<OJson> StructJson(const std::string& prefix, const std::vector<Field>& fields) {
    OJson list = OJson::array();
    for (const Field& f : fields) {
      const std::string column = prefix.empty() ? f.name : prefix + "." + f.name;
      OJson field;
      field["name"] = f.name;
      SL_ASSIGN_OR_RETURN(field["type"], TypeJson(column, f.type));
      field["nullable"] = f.nullable;
      OJson metadata = OJson::object();
      if (column_mapping) {
        metadata["delta.columnMapping.id"] = next_id++;
        metadata["delta.columnMapping.physicalName"] = f.name;
      }
      field["metadata"] = std::move(metadata);
      list.push_back(std::move(field));
    }
    OJson j;
    j["type"] = "struct";
    j["fields"] = std::move(list);
    return j;
  }
};

Result<Type> ParseType(const Json& j);

Result<std::vector<Field>> ParseFields(const Json& j, std::vector<std::string>* physical_names) {
  if (!j.is_object() || !j.contains("fields") || !j["fields"].is_array()) {
    return Status::Corruption("a struct type has no 'fields' array");
  }
  std::vector<Field> fields;
  for (const Json& f : j["fields"]) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("type")) {
      return Status::Corruption("a struct field has no name or type");
    }
    Field field;
    field.name = f["name"].get<std::string>();
    SL_ASSIGN_OR_RETURN(field.type, ParseType(f["type"]));
    field.nullable = !f.contains("nullable") || !f["nullable"].is_boolean() || f["nullable"].get<bool>();
    if (physical_names) {
      std::string physical = field.name;
      if (f.contains("metadata") && f["metadata"].is_object()) {
        const Json& md = f["metadata"];
        auto it = md.find("delta.columnMapping.physicalName");
        if (it != md.end() && it->is_string()) physical = it->get<std::string>();
      }
      physical_names->push_back(std::move(physical));
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

Result<Type> ParseType(const Json& j) {
  if (j.is_string()) {
    const std::string name = j.get<std::string>();
    if (name == "boolean") return Type::Boolean();
    if (name == "byte") return Type::Int8();
    if (name == "short") return Type::Int16();
    if (name == "integer") return Type::Int32();
    if (name == "long") return Type::Int64();
    if (name == "float") return Type::Float();
    if (name == "double") return Type::Double();
    if (name == "string") return Type::String();
    if (name == "binary") return Type::Binary();
    if (name == "date") return Type::Date();
    if (name == "timestamp") return Type::Timestamp(TimeUnit::kMicros, true);
    if (name == "timestamp_ntz") return Type::Timestamp(TimeUnit::kMicros, false);
    if (name == "decimal") return Type::Decimal(10, 0);
    int p = 0, s = 0;
    char close = 0;
    if (std::sscanf(name.c_str(), "decimal(%d,%d%c", &p, &s, &close) == 3 && close == ')' && p >= 1 && p <= 38 &&
        s >= 0 && s <= p) {
      return Type::Decimal(p, s);
    }
    return Status::NotImplemented("Delta type '" + name + "' is not supported by snaplake");
  }
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    return Status::Corruption("a type is neither a name nor an object with a 'type'");
  }
  const std::string kind = j["type"].get<std::string>();
  if (kind == "struct") {
    SL_ASSIGN_OR_RETURN(auto fields, ParseFields(j, nullptr));
    return Type::Struct(std::move(fields));
  }
  if (kind == "array") {
    if (!j.contains("elementType")) return Status::Corruption("an array type has no elementType");
    SL_ASSIGN_OR_RETURN(Type element, ParseType(j["elementType"]));
    const bool nullable = !j.contains("containsNull") || !j["containsNull"].is_boolean() || j["containsNull"].get<bool>();
    return Type::List(Field{"element", std::move(element), nullable});
  }
  if (kind == "map") {
    if (!j.contains("keyType") || !j.contains("valueType")) return Status::Corruption("a map type lacks key/valueType");
    SL_ASSIGN_OR_RETURN(Type key, ParseType(j["keyType"]));
    SL_ASSIGN_OR_RETURN(Type value, ParseType(j["valueType"]));
    const bool nullable =
        !j.contains("valueContainsNull") || !j["valueContainsNull"].is_boolean() || j["valueContainsNull"].get<bool>();
    return Type::Map(Field{"key", std::move(key), false}, Field{"value", std::move(value), nullable});
  }
  return Status::NotImplemented("Delta type '" + kind + "' is not supported by snaplake");
}

bool AnyField(const std::vector<Field>& fields, bool (*pred)(const Field&)) {
  for (const Field& f : fields) {
    if (pred(f) || AnyField(f.type.children, pred)) return true;
  }
  return false;
}

}  // namespace

Result<std::string> ToSparkSchemaJson(const Schema& schema, const SparkSchemaOptions& options) {
  Writer w{options.column_mapping};
  SL_ASSIGN_OR_RETURN(OJson j, w.StructJson("", schema.fields));
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Schema> ParseSparkSchema(const std::string& schema_string, std::vector<std::string>* physical_names) {
  Json j = Json::parse(schema_string, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption("schemaString is not valid JSON");
  try {
    if (!j.is_object() || !j.contains("type") || j["type"] != "struct") {
      return Status::Corruption("schemaString is not a struct type");
    }
    SL_ASSIGN_OR_RETURN(auto fields, ParseFields(j, physical_names));
    Schema schema;
    schema.fields = std::move(fields);
    return schema;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("schemaString: ") + e.what());
  }
}

std::string SparkTypeName(const Type& t) {
  switch (t.id) {
    case TypeId::kList: return "array<" + SparkTypeName(t.children[0].type) + ">";
    case TypeId::kMap:
      return "map<" + SparkTypeName(t.children[0].type) + "," + SparkTypeName(t.children[1].type) + ">";
    case TypeId::kStruct: {
      std::string s = "struct<";
      for (size_t i = 0; i < t.children.size(); ++i) {
        if (i > 0) s.push_back(',');
        s.append(t.children[i].name).append(":").append(SparkTypeName(t.children[i].type));
      }
      return s + ">";
    }
    default: break;
  }
  Writer w{false};
  auto j = w.TypeJson("", t);
  if (!j.ok() || !j->is_string()) return t.ToString();
  return j->get<std::string>();
}

bool IsPlainColumnName(std::string_view name) {
  return name.find_first_of(" ,;{}()\n\t=") == std::string_view::npos;
}

bool NeedsColumnMapping(const Schema& schema) {
  return AnyField(schema.fields, [](const Field& f) { return !IsPlainColumnName(f.name); });
}

bool UsesTimestampNtz(const Schema& schema) {
  return AnyField(schema.fields, [](const Field& f) { return f.type.id == TypeId::kTimestamp && !f.type.utc; });
}

}  // namespace snaplake::delta
