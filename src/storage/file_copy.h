// Copying files between any two stores (local <-> S3, S3 -> S3, local ->
// local) through the FileSystem interface. Within one store the store's own
// Copy is used (a hard link on local disk, a server-side copy on S3); across
// stores the bytes stream through a fixed 8 MiB buffer, never a whole file.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace snaplake {

struct CopyStats {
  int64_t files = 0;
  int64_t bytes = 0;
};

// Copies the file `from` to `to` (both paths or URIs).
Result<CopyStats> CopyFile(const std::string& from, const std::string& to);

// Copies every file under the folder/prefix `from` to the same relative path
// under `to`, `parallel` files at a time. Fails on the first error (files
// already copied stay).
Result<CopyStats> CopyTree(const std::string& from, const std::string& to, int parallel);

}  // namespace snaplake
