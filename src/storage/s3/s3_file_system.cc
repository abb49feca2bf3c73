#include "storage/s3/s3_file_system.h"

#include <algorithm>
#include <random>

#include "storage/s3/digest.h"
#include "storage/s3/s3_output_stream.h"

namespace snaplake::s3 {

namespace {

class S3RandomAccessFile : public RandomAccessFile {
 public:
  S3RandomAccessFile(std::shared_ptr<S3Client> client, S3Location location, int64_t size)
      : client_(std::move(client)), location_(std::move(location)), size_(size), uri_(location_.Uri()) {}

  int64_t Size() const override { return size_; }
  Status ReadAt(int64_t offset, size_t n, uint8_t* out) const override {
    if (offset < 0 || offset + static_cast<int64_t>(n) > size_) {
      return Status::IOError("read of " + std::to_string(n) + " bytes at offset " + std::to_string(offset) +
                             " is beyond the end of " + uri_ + " (" + std::to_string(size_) + " bytes)");
    }
    return client_->GetRange(location_, offset, n, out);
  }
  const std::string& path() const override { return uri_; }

 private:
  std::shared_ptr<S3Client> client_;
  S3Location location_;
  int64_t size_;
  std::string uri_;
};

// "a/b" -> "a/b/"; "" stays "" (the whole bucket).
std::string DirectoryPrefix(const std::string& key) {
  if (key.empty() || key.back() == '/') return key;
  return key + "/";
}

std::string RandomHex() {
  std::random_device rd;
  uint8_t bytes[8];
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rd());
  return HexEncode(bytes, sizeof bytes);
}

}  // namespace

Result<std::shared_ptr<S3FileSystem>> S3FileSystem::Make(const S3Options& options) {
  SL_ASSIGN_OR_RETURN(std::shared_ptr<S3Client> client, S3Client::Make(options));
  return std::make_shared<S3FileSystem>(std::move(client));
}

Status S3FileSystem::CheckBucket(const std::string& bucket) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (checked_buckets_.count(bucket) != 0) return Status::OK();
  }
  SL_RETURN_NOT_OK(client_->HeadBucket(bucket));
  std::lock_guard<std::mutex> lock(mutex_);
  checked_buckets_.insert(bucket);
  return Status::OK();
}

Result<std::unique_ptr<OutputStream>> S3FileSystem::OpenWrite(const std::string& path) {
  SL_ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(path));
  if (location.key.empty() || location.key.back() == '/') {
    return Status::InvalidArgument("cannot write to '" + path + "': an object needs a key name after the bucket");
  }
  return std::unique_ptr<OutputStream>(std::make_unique<S3OutputStream>(client_, std::move(location)));
}

Result<std::unique_ptr<RandomAccessFile>> S3FileSystem::OpenRead(const std::string& path) {
  SL_ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(path));
  SL_ASSIGN_OR_RETURN(ObjectInfo info, client_->HeadObject(location));
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<S3RandomAccessFile>(client_, std::move(location), info.size));
}

Result<FileInfo> S3FileSystem::Stat(const std::string& path) {
  SL_ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(path));
  FileInfo out;
  out.path = path;
  if (location.key.empty()) {
    SL_RETURN_NOT_OK(client_->HeadBucket(location.bucket));
    out.is_dir = true;
    return out;
  }
  if (location.key.back() != '/') {
    Result<ObjectInfo> info = client_->HeadObject(location);
    if (info.ok()) {
      out.size = info->size;
      out.mtime_ms = info->mtime_ms;
      return out;
    }
    if (info.status().code() != StatusCode::kNotFound) return info.status();
  }
  SL_ASSIGN_OR_RETURN(ListPage page, client_->ListObjects(location.bucket, DirectoryPrefix(location.key), ""));
  if (page.objects.empty()) return Status::NotFound(path + " does not exist");
  out.is_dir = true;
  return out;
}

Result<std::vector<FileInfo>> S3FileSystem::List(const std::string& prefix) {
  SL_ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(prefix));
  std::string key_prefix = DirectoryPrefix(location.key);
  std::vector<FileInfo> files;
  std::string token;
  do {
    SL_ASSIGN_OR_RETURN(ListPage page, client_->ListObjects(location.bucket, key_prefix, token));
    for (ObjectInfo& object : page.objects) {
      if (!object.key.empty() && object.key.back() == '/') continue;  // "folder" markers of consoles
      FileInfo info;
      info.path = "s3://" + location.bucket + "/" + object.key;
      info.size = object.size;
      info.mtime_ms = object.mtime_ms;
      files.push_back(std::move(info));
    }
    token = std::move(page.next_token);
  } while (!token.empty());
  std::sort(files.begin(), files.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return files;
}

Status S3FileSystem::Delete(const std::string& path) {
  SL_ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(path));
  return client_->DeleteObject(location);
}

Status S3FileSystem::Rename(const std::string& from, const std::string& to) {
  SL_RETURN_NOT_OK(Copy(from, to));
  return Delete(from);
}

Result<bool> S3FileSystem::ConditionalWritesHonoured(const std::string& bucket) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = conditional_writes_.find(bucket);
    if (it != conditional_writes_.end()) return it->second;
  }
  S3Location probe{bucket, ".snaplake-probe-" + RandomHex()};
  const std::string body = "snaplake conditional write probe";
  ByteView bytes(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  SL_RETURN_NOT_OK(client_->PutObject(probe, bytes, /*if_none_match=*/true));
  Status second = client_->PutObject(probe, bytes, /*if_none_match=*/true);
  (void)client_->DeleteObject(probe);
  bool honoured;
  if (second.code() == StatusCode::kAlreadyExists) {
    honoured = true;
  } else if (second.ok()) {
    honoured = false;
  } else {
    return second.WithContext("probing conditional writes in bucket '" + bucket + "'");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  conditional_writes_[bucket] = honoured;
  return honoured;
}

Status S3FileSystem::PutIfAbsent(const std::string& path, ByteView bytes) {
  SL_ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(path));
  SL_ASSIGN_OR_RETURN(bool honoured, ConditionalWritesHonoured(location.bucket));
  if (honoured) return client_->PutObject(location, bytes, /*if_none_match=*/true);
  if (!client_->options().single_writer) {
    return Status::NotImplemented(
        "the S3 store holding bucket '" + location.bucket +
        "' ignores conditional writes (If-None-Match: *), so two writers could overwrite each other's commits to " +
        path + ": use a store that honours them (AWS S3, MinIO, moto), or pass --s3-single-writer if only one "
        "snaplake process ever writes each table");
  }
  // Single-writer mode: check, then write (not atomic; the user vouched for it).
  Result<ObjectInfo> existing = client_->HeadObject(location);
  if (existing.ok()) return Status::AlreadyExists(path + " already exists");
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  return client_->PutObject(location, bytes);
}

Status S3FileSystem::CreateDirs(const std::string& path) {
  SL_ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(path));
  return CheckBucket(location.bucket);
}

Status S3FileSystem::Copy(const std::string& from, const std::string& to) {
  SL_ASSIGN_OR_RETURN(S3Location source, ParseS3Uri(from));
  SL_ASSIGN_OR_RETURN(S3Location target, ParseS3Uri(to));
  return client_->CopyObject(source, target);
}

Status S3FileSystem::DeleteTree(const std::string& path) {
  SL_ASSIGN_OR_RETURN(S3Location location, ParseS3Uri(path));
  std::vector<std::string> keys;
  std::string token;
  do {
    SL_ASSIGN_OR_RETURN(ListPage page, client_->ListObjects(location.bucket, DirectoryPrefix(location.key), token));
    for (ObjectInfo& object : page.objects) keys.push_back(std::move(object.key));
    token = std::move(page.next_token);
  } while (!token.empty());
  if (!location.key.empty() && location.key.back() != '/') keys.push_back(location.key);
  return client_->DeleteObjects(location.bucket, keys);
}

}  // namespace snaplake::s3
