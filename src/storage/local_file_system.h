// LocalFileSystem: FileSystem on the local disk (POSIX).
//
// OpenWrite writes to a hidden temporary file beside the target and renames it
// over the target on Close(), so readers see either nothing or the whole file.
// PutIfAbsent uses link(2), which fails if the target exists: exclusive even
// between processes.
#pragma once

#include "storage/file_system.h"

namespace snaplake {

class LocalFileSystem : public FileSystem {
 public:
  // `sync` makes Close() fsync the file and its directory (durability across a crash).
  explicit LocalFileSystem(bool sync = true) : sync_(sync) {}

  Result<std::unique_ptr<OutputStream>> OpenWrite(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override;
  Result<FileInfo> Stat(const std::string& path) override;
  Result<std::vector<FileInfo>> List(const std::string& prefix) override;
  Status Delete(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status PutIfAbsent(const std::string& path, ByteView bytes) override;
  Status CreateDirs(const std::string& path) override;
  Status Copy(const std::string& from, const std::string& to) override;
  Status DeleteTree(const std::string& path) override;

 private:
  bool sync_;
};

// "file:///a/b" -> "/a/b"; plain paths unchanged.
std::string StripFileScheme(const std::string& path);

}  // namespace snaplake
