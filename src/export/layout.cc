#include "export/layout.h"

#include <cstdio>
#include <random>

namespace snaplake::exporting {

namespace {

constexpr size_t kNameMax = 255;  // NAME_MAX on Linux; S3 keys allow more, local disks do not
constexpr size_t kHashSuffixLength = 17;  // "~" + 16 hex digits

void AppendEscaped(unsigned char c, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xF]);
}

bool MustEscape(unsigned char c) { return c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '%'; }

std::string EncodeWith(std::string_view name, bool escape_dots) {
  if (name.empty()) return "%00";
  std::string out;
  if (name == "." || name == "..") {
    for (char c : name) AppendEscaped(static_cast<unsigned char>(c), &out);
    return out;
  }
  out.reserve(name.size());
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (MustEscape(c) || (escape_dots && c == '.')) {
      AppendEscaped(c, &out);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

uint64_t Fnv1a64(std::string_view a, std::string_view b) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
  };
  mix(a);
  h ^= 0xff;  // separator that no UTF-8 text contains
  h *= 1099511628211ull;
  mix(b);
  return h;
}

// Shortens an over-long component, keeping it unique through a hash of the
// names it was built from.
std::string FitComponent(std::string component, std::string_view name_a, std::string_view name_b) {
  if (component.size() <= kNameMax) return component;
  size_t cut = kNameMax - kHashSuffixLength;
  // Do not split a UTF-8 sequence ...
  while (cut > 0 && (static_cast<unsigned char>(component[cut]) & 0xC0) == 0x80) --cut;
  // ... nor a "%XX" escape.
  for (size_t back = 1; back <= 2 && back <= cut; ++back) {
    if (component[cut - back] == '%') {
      cut -= back;
      break;
    }
  }
  component.resize(cut);
  char suffix[kHashSuffixLength + 1];
  std::snprintf(suffix, sizeof(suffix), "~%016llx", static_cast<unsigned long long>(Fnv1a64(name_a, name_b)));
  component.append(suffix);
  return component;
}

}  // namespace

std::string EncodePathComponent(std::string_view name) { return EncodeWith(name, /*escape_dots=*/false); }

std::string TableDirectory(const SourceTable& table) {
  std::string db = FitComponent(EncodePathComponent(table.database), table.database, "");
  std::string schema_table = EncodeWith(table.schema, /*escape_dots=*/true);
  schema_table.push_back('.');
  schema_table.append(EncodePathComponent(table.name));
  schema_table = FitComponent(std::move(schema_table), table.schema, table.name);
  std::string out = std::move(db);
  out.push_back('/');
  out.append(schema_table).append("/1");
  return out;
}

std::string PartFileName(int index, const std::string& uuid, CompressionCodec codec) {
  char number[32];
  std::snprintf(number, sizeof(number), "%05d", index);
  std::string name = "part-";
  name.append(number).append("-").append(uuid).append("-c000");
  switch (codec) {
    case CompressionCodec::kGzip: name.append(".gz.parquet"); break;
    case CompressionCodec::kSnappy: name.append(".snappy.parquet"); break;
    case CompressionCodec::kZstd: name.append(".zstd.parquet"); break;
    default: name.append(".parquet"); break;
  }
  return name;
}

std::string NewUuid() {
  // random_device is getrandom(2) on Linux: unpredictable, and never repeats
  // across processes started in the same instant (unlike a time seed).
  thread_local std::random_device device;
  uint8_t bytes[16];
  for (int i = 0; i < 16; i += 4) {
    uint32_t r = device();
    bytes[i] = static_cast<uint8_t>(r);
    bytes[i + 1] = static_cast<uint8_t>(r >> 8);
    bytes[i + 2] = static_cast<uint8_t>(r >> 16);
    bytes[i + 3] = static_cast<uint8_t>(r >> 24);
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xF]);
  }
  return out;
}

std::optional<S3Location> ParseS3Target(std::string_view target) {
  if (target.substr(0, 5) != "s3://") return std::nullopt;
  std::string_view rest = target.substr(5);
  size_t slash = rest.find('/');
  std::string_view prefix = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  return S3Location{std::string(rest.substr(0, slash)), std::string(prefix)};
}

std::string TaskDirectoryName(const std::string& id) { return EncodePathComponent(id); }

std::string ExportInfoFileName(const std::string& id) {
  std::string name = "export_info_";
  name.append(EncodePathComponent(id)).append(".json");
  return name;
}

std::string TablesInfoFileName(const std::string& id, int from, int to) {
  std::string name = "export_tables_info_";
  name.append(EncodePathComponent(id))
      .append("_from_")
      .append(std::to_string(from))
      .append("_to_")
      .append(std::to_string(to))
      .append(".json");
  return name;
}

}  // namespace snaplake::exporting
