// FileSystem: bytes at a path or URI. Local disk now; S3 implements the same
// interface (issue 5). Every writer in snaplake goes through OutputStream, so a
// file becomes visible only when Close() publishes it, never half-written.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "common/status.h"

namespace snaplake {

// A stream whose bytes become the file at its path only on Close(). Until then
// they live under a temporary name (local) or an unfinished upload (S3).
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status Write(ByteView bytes) = 0;
  // Flushes, makes durable, and publishes the file under its final path.
  virtual Status Close() = 0;
  // Discards everything written; the final path is left untouched. Idempotent.
  virtual void Abort() = 0;
  // Bytes written so far.
  virtual int64_t Tell() const = 0;
};

// Positional reads of an immutable file.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  virtual int64_t Size() const = 0;
  // Reads exactly n bytes at offset into out, or fails (a short file is Corruption/IOError).
  virtual Status ReadAt(int64_t offset, size_t n, uint8_t* out) const = 0;
  // The path or URI, for error messages.
  virtual const std::string& path() const = 0;
};

struct FileInfo {
  std::string path;  // full path/URI
  int64_t size = 0;
  int64_t mtime_ms = 0;  // modification time, milliseconds since the epoch
  bool is_dir = false;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual Result<std::unique_ptr<OutputStream>> OpenWrite(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) = 0;
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  // Files (not directories) under `prefix`, recursively, sorted by path.
  virtual Result<std::vector<FileInfo>> List(const std::string& prefix) = 0;
  virtual Status Delete(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Writes `bytes` to `path` only if nothing exists there: AlreadyExists otherwise.
  virtual Status PutIfAbsent(const std::string& path, ByteView bytes) = 0;
  virtual Status CreateDirs(const std::string& path) = 0;
  // Makes `to` a file with the bytes of `from` without passing them through
  // this process where the store allows: a hard link on one local file system
  // (a byte copy across devices), a server-side copy on S3. `to` is replaced if
  // it exists; it is never visible half-written. Its modification time is the
  // time of the copy (for a hard link, `from`'s moves with it).
  virtual Status Copy(const std::string& from, const std::string& to) = 0;
  // Removes `path` and everything under it; a missing path is OK. The default
  // deletes every listed file (object stores have no directories).
  virtual Status DeleteTree(const std::string& path);
};

// The file system for a path: plain paths and file:// URIs are local.
Result<std::shared_ptr<FileSystem>> FileSystemForPath(const std::string& path);

// Streams all of `in` into `out` through `buffer` and closes `out`; on failure
// `out` is aborted. The buffer's size sets the read size.
Status CopyBytes(const RandomAccessFile& in, OutputStream& out, std::vector<uint8_t>& buffer);

// Reads a whole (small) file.
Result<std::string> ReadWholeFile(FileSystem& fs, const std::string& path);

}  // namespace snaplake
