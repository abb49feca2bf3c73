#include "storage/local_file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>

namespace snaplake {

namespace fs = std::filesystem;

namespace {

Status ErrnoStatus(const std::string& what, const std::string& path, int err) {
  std::string msg = what + " '" + path + "': " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(msg);
  if (err == EEXIST) return Status::AlreadyExists(msg);
  if (err == ENOSPC) return Status::IOError(msg + " (free some space and retry)");
  if (err == EACCES || err == EPERM) return Status::IOError(msg + " (check permissions)");
  return Status::IOError(msg);
}

std::string TempNameFor(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng(std::random_device{}());
  fs::path p(path);
  // Built by appends: GCC 12 warns falsely (-Wrestrict) on "." + std::string.
  std::string name(1, '.');
  name.append(p.filename().string()).append(".tmp-").append(std::to_string(::getpid()));
  name.append("-").append(std::to_string(counter.fetch_add(1))).append("-").append(std::to_string(rng() % 1000000));
  return (p.parent_path() / name).string();
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open directory", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus("cannot sync directory", dir, err);
  return Status::OK();
}

Status WriteAll(int fd, const uint8_t* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot write", path, errno);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

class LocalOutputStream : public OutputStream {
 public:
  LocalOutputStream(int fd, std::string final_path, std::string temp_path, bool sync)
      : fd_(fd), final_path_(std::move(final_path)), temp_path_(std::move(temp_path)), sync_(sync) {
    buffer_.Reserve(kBufferSize);
  }
  ~LocalOutputStream() override { Abort(); }

  Status Write(ByteView bytes) override {
    if (fd_ < 0) return Status::Internal("write to closed file '" + final_path_ + "'");
    written_ += static_cast<int64_t>(bytes.size());
    if (buffer_.size() + bytes.size() <= kBufferSize) {
      buffer_.Append(bytes);
      return Status::OK();
    }
    SL_RETURN_NOT_OK(Flush());
    if (bytes.size() >= kBufferSize) return WriteAll(fd_, bytes.data(), bytes.size(), final_path_);
    buffer_.Append(bytes);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Internal("file '" + final_path_ + "' closed twice");
    Status st = Flush();
    if (st.ok() && sync_ && ::fdatasync(fd_) != 0) st = ErrnoStatus("cannot sync", final_path_, errno);
    if (::close(fd_) != 0 && st.ok()) st = ErrnoStatus("cannot close", final_path_, errno);
    fd_ = -1;
    if (st.ok() && ::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
      st = ErrnoStatus("cannot publish", final_path_, errno);
    }
    if (!st.ok()) {
      ::unlink(temp_path_.c_str());
      return st;
    }
    if (sync_) return SyncDirectory(fs::path(final_path_).parent_path().string());
    return Status::OK();
  }

  void Abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(temp_path_.c_str());
  }

  int64_t Tell() const override { return written_; }

 private:
  static constexpr size_t kBufferSize = 1 << 20;

  Status Flush() {
    Status st = WriteAll(fd_, buffer_.data(), buffer_.size(), final_path_);
    buffer_.Clear();
    return st;
  }

  int fd_;
  std::string final_path_;
  std::string temp_path_;
  bool sync_;
  ByteBuffer buffer_;
  int64_t written_ = 0;
};

class LocalRandomAccessFile : public RandomAccessFile {
 public:
  LocalRandomAccessFile(int fd, std::string path, int64_t size) : fd_(fd), path_(std::move(path)), size_(size) {}
  ~LocalRandomAccessFile() override { ::close(fd_); }

  int64_t Size() const override { return size_; }
  const std::string& path() const override { return path_; }

  Status ReadAt(int64_t offset, size_t n, uint8_t* out) const override {
    if (offset < 0 || offset > size_ || static_cast<int64_t>(n) > size_ - offset) {
      return Status::Corruption("read of " + std::to_string(n) + " bytes at offset " + std::to_string(offset) +
                                " is past the end of '" + path_ + "' (" + std::to_string(size_) + " bytes)");
    }
    while (n > 0) {
      ssize_t r = ::pread(fd_, out, n, offset);
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("cannot read", path_, errno);
      }
      if (r == 0) return Status::Corruption("unexpected end of file '" + path_ + "'");
      out += r;
      offset += r;
      n -= static_cast<size_t>(r);
    }
    return Status::OK();
  }

 private:
  int fd_;
  std::string path_;
  int64_t size_;
};

}  // namespace

std::string StripFileScheme(const std::string& path) {
  if (path.rfind("file://", 0) == 0) return path.substr(7);
  return path;
}

Result<std::unique_ptr<OutputStream>> LocalFileSystem::OpenWrite(const std::string& uri) {
  std::string path = StripFileScheme(uri);
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) SL_RETURN_NOT_OK(CreateDirs(parent.string()));
  std::string temp = TempNameFor(path);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("cannot create", path, errno);
  return std::unique_ptr<OutputStream>(new LocalOutputStream(fd, path, temp, sync_));
}

Result<std::unique_ptr<RandomAccessFile>> LocalFileSystem::OpenRead(const std::string& uri) {
  std::string path = StripFileScheme(uri);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("cannot stat", path, err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument("'" + path + "' is a directory, not a file");
  }
  return std::unique_ptr<RandomAccessFile>(new LocalRandomAccessFile(fd, path, st.st_size));
}

Result<FileInfo> LocalFileSystem::Stat(const std::string& uri) {
  std::string path = StripFileScheme(uri);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("cannot stat", path, errno);
  FileInfo info;
  info.path = path;
  info.size = st.st_size;
  info.mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  info.is_dir = S_ISDIR(st.st_mode);
  return info;
}

Result<std::vector<FileInfo>> LocalFileSystem::List(const std::string& uri) {
  std::string prefix = StripFileScheme(uri);
  std::vector<FileInfo> out;
  std::error_code ec;
  if (!fs::exists(prefix, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(prefix, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    SL_ASSIGN_OR_RETURN(FileInfo info, Stat(it->path().string()));
    out.push_back(std::move(info));
  }
  if (ec) return Status::IOError("cannot list '" + prefix + "': " + ec.message());
  std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Status LocalFileSystem::Delete(const std::string& uri) {
  std::string path = StripFileScheme(uri);
  if (::unlink(path.c_str()) != 0) return ErrnoStatus("cannot delete", path, errno);
  return Status::OK();
}

Status LocalFileSystem::Rename(const std::string& from, const std::string& to) {
  std::string a = StripFileScheme(from), b = StripFileScheme(to);
  if (::rename(a.c_str(), b.c_str()) != 0) return ErrnoStatus("cannot rename to '" + b + "'", a, errno);
  return Status::OK();
}

Status LocalFileSystem::PutIfAbsent(const std::string& uri, ByteView bytes) {
  std::string path = StripFileScheme(uri);
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) SL_RETURN_NOT_OK(CreateDirs(parent.string()));
  std::string temp = TempNameFor(path);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("cannot create", path, errno);
  Status st = WriteAll(fd, bytes.data(), bytes.size(), path);
  if (st.ok() && sync_ && ::fdatasync(fd) != 0) st = ErrnoStatus("cannot sync", path, errno);
  ::close(fd);
  if (st.ok() && ::link(temp.c_str(), path.c_str()) != 0) st = ErrnoStatus("cannot create", path, errno);
  ::unlink(temp.c_str());
  if (st.ok() && sync_) st = SyncDirectory(parent.string());
  return st;
}

Status LocalFileSystem::CreateDirs(const std::string& uri) {
  std::string path = StripFileScheme(uri);
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return Status::IOError("cannot create directory '" + path + "': " + ec.message());
  return Status::OK();
}

Status LocalFileSystem::Copy(const std::string& from_uri, const std::string& to_uri) {
  std::string from = StripFileScheme(from_uri);
  std::string to = StripFileScheme(to_uri);
  fs::path parent = fs::path(to).parent_path();
  if (!parent.empty()) SL_RETURN_NOT_OK(CreateDirs(parent.string()));
  // Link under a temporary name, then rename over `to`: the target switches
  // atomically, and an existing `to` is replaced as documented.
  std::string temp = TempNameFor(to);
  if (::link(from.c_str(), temp.c_str()) != 0) {
    int err = errno;
    if (err != EXDEV && err != EPERM && err != EMLINK && err != ENOTSUP) {
      return ErrnoStatus("cannot link '" + from + "' to", to, err);
    }
    // Another device (or a file system without hard links): copy the bytes.
    SL_ASSIGN_OR_RETURN(auto in, OpenRead(from));
    SL_ASSIGN_OR_RETURN(auto out, OpenWrite(to));
    std::vector<uint8_t> buffer(size_t{1} << 20);
    return CopyBytes(*in, *out, buffer);
  }
  // The copy is new as of now, as an object store's copy is: Delta's vacuum
  // keeps unreferenced files younger than its retention, and a file an ingest
  // has linked but not yet committed must count as young. (`from` shares the
  // inode, so its time moves too.)
  if (::utimensat(AT_FDCWD, temp.c_str(), nullptr, 0) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return ErrnoStatus("cannot set the modification time of", to, err);
  }
  if (::rename(temp.c_str(), to.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return ErrnoStatus("cannot create", to, err);
  }
  return sync_ ? SyncDirectory(parent.string()) : Status::OK();
}

Status LocalFileSystem::DeleteTree(const std::string& uri) {
  std::string path = StripFileScheme(uri);
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return Status::IOError("cannot delete '" + path + "': " + ec.message());
  return Status::OK();
}

}  // namespace snaplake
