// S3FileSystem: FileSystem over an S3-compatible object store, for paths
// "s3://bucket/key". Object stores have no directories: a "directory" is a key
// prefix ending in '/', CreateDirs only checks that the bucket exists, and
// Rename is copy + delete (not atomic; snaplake publishes by writing final
// keys, never by renaming).
//
// PutIfAbsent is a conditional PUT (If-None-Match: *). Some stores ignore the
// header and would let two writers both "win"; the first PutIfAbsent in a
// bucket therefore probes it (a second conditional PUT of a probe key must be
// refused) and, where it is not honoured, fails with an error unless
// S3Options::single_writer is set.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "storage/file_system.h"
#include "storage/s3/s3_client.h"

namespace snaplake::s3 {

class S3FileSystem : public FileSystem {
 public:
  explicit S3FileSystem(std::shared_ptr<S3Client> client) : client_(std::move(client)) {}
  static Result<std::shared_ptr<S3FileSystem>> Make(const S3Options& options);

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

  S3Client& client() { return *client_; }

  // Whether the bucket refuses a second conditional PUT of one key (probed once).
  Result<bool> ConditionalWritesHonoured(const std::string& bucket);

 private:
  Status CheckBucket(const std::string& bucket);

  std::shared_ptr<S3Client> client_;
  std::mutex mutex_;
  std::set<std::string> checked_buckets_;
  std::map<std::string, bool> conditional_writes_;
};

}  // namespace snaplake::s3
