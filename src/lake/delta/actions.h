// Delta log actions (PROTOCOL.md of delta-io/delta, "Actions"): the records a
// commit file holds one per line, as C++ structs, and their JSON.
//
// Parsing keeps what snaplake uses and ignores unknown fields (the spec says
// readers must). Writing emits exactly the fields the spec requires plus the
// optional ones we fill. Paths are stored as the log has them (URI-encoded);
// DecodeLogPath turns one into a relative or absolute file path.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace snaplake::delta {

using StringMap = std::map<std::string, std::string>;
// partitionValues: a null value is a partition value of NULL.
using PartitionValues = std::map<std::string, std::optional<std::string>>;

struct Protocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  // Present only for reader version 3 / writer version 7 (table features).
  std::optional<std::vector<std::string>> reader_features;
  std::optional<std::vector<std::string>> writer_features;
  bool operator==(const Protocol&) const = default;
};

struct Metadata {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::string format_provider = "parquet";
  StringMap format_options;
  std::string schema_string;
  std::vector<std::string> partition_columns;
  StringMap configuration;
  std::optional<int64_t> created_time;
};

struct AddFile {
  std::string path;  // as in the log: a URI-encoded path, relative to the table root or absolute
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool data_change = true;
  std::optional<std::string> stats;  // JSON text
  StringMap tags;
  bool has_deletion_vector = false;  // we refuse to read such tables' data
};

struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;
  bool data_change = true;
  bool extended_file_metadata = false;
  PartitionValues partition_values;
  std::optional<int64_t> size;
  bool has_deletion_vector = false;
};

struct Txn {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;
};

// The actions of one commit file, in the order they appeared.
struct CommitActions {
  std::optional<Protocol> protocol;
  std::optional<Metadata> metadata;
  std::vector<AddFile> adds;
  std::vector<RemoveFile> removes;
  std::vector<Txn> txns;
  std::optional<std::string> commit_info;  // the commitInfo object as JSON text
  std::optional<int64_t> in_commit_timestamp;  // commitInfo.inCommitTimestamp
};

// Parses one commit file (newline-delimited JSON). Blank lines are skipped;
// a line that is not a JSON object, or an action with a missing/mistyped
// required field, is Corruption naming the line number.
Result<CommitActions> ParseCommit(const std::string& text);

// One line each (no trailing newline).
std::string ProtocolLine(const Protocol& p);
std::string MetadataLine(const Metadata& m);
std::string AddLine(const AddFile& a);
std::string RemoveLine(const RemoveFile& r);
// `commit_info_json` must be a JSON object; it becomes {"commitInfo": ...}.
std::string CommitInfoLine(const std::string& commit_info_json);

// Percent-decodes a log path ("a%20b.parquet" -> "a b.parquet"); a
// "file:" URI ("file:/x", "file:///x") becomes the plain absolute path.
// Corruption for a malformed escape.
Result<std::string> DecodeLogPath(const std::string& path);
// Percent-encodes what a URI path may not hold as it is (space, %, #, ?, and
// bytes outside printable ASCII); '/' is kept.
std::string EncodeLogPath(const std::string& path);

}  // namespace snaplake::delta
