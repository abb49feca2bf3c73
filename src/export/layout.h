// Layout: where an export's files go, exactly as Amazon RDS lays out a
// snapshot export, and how database names become path components.
//
//   TARGET/ID/export_info_ID.json
//   TARGET/ID/export_tables_info_ID_from_1_to_N.json
//   TARGET/ID/DB/SCHEMA.TABLE/1/part-00000-<uuid>-c000.gz.parquet
//   TARGET/ID/DB/SCHEMA.TABLE/1/_SUCCESS            (per table)
//   TARGET/ID/_SUCCESS                              (the export, written last)
//
// Names are kept as they are (case, spaces, Unicode) except for what would
// let a path escape TARGET/ID/ or be misread; see EncodePathComponent. Every
// function here returns a relative path that never starts with '/' and has no
// "." or ".." component. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "format/compression/codec.h"
#include "source/source.h"

namespace snaplake::exporting {

// A database, schema, table or task name as one path component. Bytes are
// copied as they are except:
//   '/', '\\', '%', control characters (< 0x20) and DEL (0x7f) -> "%XX" (upper-case hex);
//   a name that is exactly "." or ".." -> every character escaped ("%2E", "%2E%2E");
//   the empty name -> "%00" (a real NUL byte cannot occur in a database name,
//   and would be escaped the same way).
// The result is never empty, never "." or "..", and has no '/' or NUL.
// Decoding is plain percent-decoding.
std::string EncodePathComponent(std::string_view name);

// "DB/SCHEMA.TABLE/1", each part encoded. In the schema part '.' is escaped
// too ("%2E"), so the first '.' of "SCHEMA.TABLE" always separates schema from
// table ("a.b" + "c" -> "a%2Eb.c", "a" + "b.c" -> "a.b.c"). A component that
// would exceed 255 bytes (NAME_MAX) is cut at a UTF-8 boundary and ends with
// "~" and 16 hex digits of a hash of the full name, so it stays unique.
std::string TableDirectory(const SourceTable& table);

// "part-00000-<uuid>-c000.gz.parquet" for index 0; the index has at least five
// digits. Extension by codec: GZIP ".gz.parquet", SNAPPY ".snappy.parquet",
// ZSTD ".zstd.parquet", any other ".parquet".
std::string PartFileName(int index, const std::string& uuid, CompressionCodec codec);

// A random (version 4) UUID, lower-case: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string NewUuid();

// The task's directory under the target: EncodePathComponent(id).
std::string TaskDirectoryName(const std::string& id);

// "export_info_ID.json" (ID encoded as a path component).
std::string ExportInfoFileName(const std::string& id);

// "export_tables_info_ID_from_FROM_to_TO.json" (1-based, inclusive table numbers).
std::string TablesInfoFileName(const std::string& id, int from, int to);

// "s3://bucket/some/prefix/" -> {"bucket", "some/prefix"} (no trailing '/');
// nullopt for anything that is not an s3:// URI.
struct S3Location {
  std::string bucket;
  std::string prefix;
};
std::optional<S3Location> ParseS3Target(std::string_view target);

// The marker file: per table directory, and for the whole export, written last.
inline constexpr const char* kSuccessFileName = "_SUCCESS";

}  // namespace snaplake::exporting
