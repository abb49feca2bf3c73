// The parts of the FileSystem contract shared by every store, and the choice
// of store for a path.
#include "storage/file_system.h"

#include <algorithm>
#include <mutex>

#include "storage/local_file_system.h"
#include "storage/s3/s3_file_system.h"

namespace snaplake {

Status FileSystem::DeleteTree(const std::string& path) {
  SL_ASSIGN_OR_RETURN(std::vector<FileInfo> files, List(path));
  for (const FileInfo& file : files) SL_RETURN_NOT_OK(Delete(file.path));
  return Status::OK();
}

Result<std::shared_ptr<FileSystem>> FileSystemForPath(const std::string& path) {
  if (path.rfind("s3://", 0) == 0) {
    // One S3 file system per process: it holds the connection pool and the
    // per-bucket checks.
    static std::mutex mutex;
    static std::shared_ptr<FileSystem> s3_file_system;
    std::lock_guard<std::mutex> lock(mutex);
    if (!s3_file_system) {
      SL_ASSIGN_OR_RETURN(auto made, s3::S3FileSystem::Make(s3::ProcessS3Options()));
      s3_file_system = std::move(made);
    }
    return s3_file_system;
  }
  auto scheme_end = path.find("://");
  if (scheme_end != std::string::npos && path.rfind("file://", 0) != 0) {
    return Status::NotImplemented("unsupported storage URI '" + path.substr(0, scheme_end + 3) +
                                  "...': use a local path, file:// or s3://");
  }
  return std::shared_ptr<FileSystem>(std::make_shared<LocalFileSystem>());
}

Status CopyBytes(const RandomAccessFile& in, OutputStream& out, std::vector<uint8_t>& buffer) {
  if (buffer.empty()) buffer.resize(size_t{1} << 20);
  const int64_t size = in.Size();
  for (int64_t offset = 0; offset < size;) {
    size_t n = static_cast<size_t>(std::min<int64_t>(size - offset, static_cast<int64_t>(buffer.size())));
    Status st = in.ReadAt(offset, n, buffer.data());
    if (st.ok()) st = out.Write(ByteView(buffer.data(), n));
    if (!st.ok()) {
      out.Abort();
      return st;
    }
    offset += static_cast<int64_t>(n);
  }
  return out.Close();
}

Result<std::string> ReadWholeFile(FileSystem& fs, const std::string& path) {
  SL_ASSIGN_OR_RETURN(auto file, fs.OpenRead(path));
  std::string s(static_cast<size_t>(file->Size()), '\0');
  SL_RETURN_NOT_OK(file->ReadAt(0, s.size(), reinterpret_cast<uint8_t*>(s.data())));
  return s;
}

}  // namespace snaplake
