#include "storage/file_copy.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/file_system.h"
#include "storage/local_file_system.h"

namespace snaplake {

namespace {

constexpr size_t kBufferBytes = size_t{8} << 20;

bool IsS3(const std::string& path) { return path.rfind("s3://", 0) == 0; }

std::string JoinPath(const std::string& dir, const std::string& relative) {
  if (dir.empty() || dir.back() == '/') return dir + relative;
  return dir + "/" + relative;
}

// `path` relative to the folder `root` (both as the store spells them).
std::string RelativeTo(const std::string& root, const std::string& path) {
  std::string prefix = root;
  if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  return path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path;
}

Status StreamCopy(FileSystem& from_fs, const std::string& from, FileSystem& to_fs, const std::string& to,
                  std::vector<uint8_t>& buffer, int64_t* bytes) {
  SL_ASSIGN_OR_RETURN(auto in, from_fs.OpenRead(from));
  SL_ASSIGN_OR_RETURN(auto out, to_fs.OpenWrite(to));
  SL_RETURN_NOT_OK(CopyBytes(*in, *out, buffer));
  *bytes += in->Size();
  return Status::OK();
}

Status CopyOne(FileSystem& from_fs, const std::string& from, FileSystem& to_fs, const std::string& to,
               int64_t size_hint, std::vector<uint8_t>& buffer, int64_t* bytes) {
  const bool same_store = (IsS3(from) && IsS3(to)) || (!IsS3(from) && !IsS3(to));
  if (same_store) {
    SL_RETURN_NOT_OK(from_fs.Copy(from, to));
    *bytes += size_hint;
    return Status::OK();
  }
  return StreamCopy(from_fs, from, to_fs, to, buffer, bytes);
}

}  // namespace

Result<CopyStats> CopyFile(const std::string& from, const std::string& to) {
  SL_ASSIGN_OR_RETURN(auto from_fs, FileSystemForPath(from));
  SL_ASSIGN_OR_RETURN(auto to_fs, FileSystemForPath(to));
  SL_ASSIGN_OR_RETURN(FileInfo info, from_fs->Stat(from));
  if (info.is_dir) return Status::InvalidArgument("'" + from + "' is a folder: copy it with --recursive");
  std::vector<uint8_t> buffer(kBufferBytes);
  CopyStats stats;
  SL_RETURN_NOT_OK(CopyOne(*from_fs, from, *to_fs, to, info.size, buffer, &stats.bytes));
  stats.files = 1;
  return stats;
}

Result<CopyStats> CopyTree(const std::string& from, const std::string& to, int parallel) {
  SL_ASSIGN_OR_RETURN(auto from_fs, FileSystemForPath(from));
  SL_ASSIGN_OR_RETURN(auto to_fs, FileSystemForPath(to));
  SL_ASSIGN_OR_RETURN(std::vector<FileInfo> files, from_fs->List(from));
  if (files.empty()) {
    SL_RETURN_NOT_OK(from_fs->Stat(from).status());  // a missing source is an error, an empty one is not
  }
  const std::string from_root = IsS3(from) ? from : StripFileScheme(from);
  std::atomic<size_t> next{0};
  std::atomic<int64_t> bytes{0};
  std::mutex mutex;
  Status first_error;
  auto worker = [&] {
    std::vector<uint8_t> buffer;
    int64_t copied = 0;
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!first_error.ok()) break;
      }
      size_t i = next.fetch_add(1);
      if (i >= files.size()) break;
      if (buffer.empty()) buffer.resize(kBufferBytes);
      const FileInfo& file = files[i];
      std::string target = JoinPath(to, RelativeTo(from_root, file.path));
      Status st = CopyOne(*from_fs, file.path, *to_fs, target, file.size, buffer, &copied);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mutex);
        if (first_error.ok()) first_error = st;
        break;
      }
    }
    bytes += copied;
  };
  std::vector<std::thread> threads;
  int n = std::max(1, std::min<int>(parallel, static_cast<int>(files.size())));
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  SL_RETURN_NOT_OK(first_error);
  return CopyStats{static_cast<int64_t>(files.size()), bytes.load()};
}

}  // namespace snaplake
