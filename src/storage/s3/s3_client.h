// S3Client: the S3 REST calls snaplake needs, signed with SigV4, over one
// HttpClient. Every idempotent call is retried with exponential backoff and
// full jitter on throttling (429, SlowDown), 5xx and broken connections,
// within S3Options::max_attempts and retry_budget_seconds. Failures become
// one-line Statuses naming the object, the call and what to do; credentials
// and signatures never appear in them or in logs.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "common/status.h"
#include "storage/s3/aws_credentials.h"
#include "storage/s3/http_client.h"
#include "storage/s3/s3_options.h"

namespace snaplake::s3 {

struct S3Location {
  std::string bucket;
  std::string key;  // no leading slash; "" for the bucket itself
  std::string Uri() const { return "s3://" + bucket + (key.empty() ? "" : "/" + key); }
};

// "s3://bucket/key/..." -> {bucket, key}. Rejects other schemes and bad bucket names.
Result<S3Location> ParseS3Uri(const std::string& uri);

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  int64_t mtime_ms = 0;
  std::string etag;  // with its quotes stripped
};

struct ListPage {
  std::vector<ObjectInfo> objects;
  std::string next_token;  // "" on the last page
};

struct MultipartUploadInfo {
  std::string key;
  std::string upload_id;
};

// The ETag S3 gives an object completed from parts with these MD5s: hex MD5 of
// the concatenated binary digests, "-", the number of parts.
std::string MultipartEtag(const std::vector<Md5Digest>& part_md5s);

class S3Client {
 public:
  static Result<std::shared_ptr<S3Client>> Make(const S3Options& options, const EnvLookup& env = ProcessEnv);

  const S3Options& options() const { return options_; }
  const std::string& region() const { return region_; }

  Status HeadBucket(const std::string& bucket);
  Result<ObjectInfo> HeadObject(const S3Location& object);
  // Reads exactly n bytes at offset.
  Status GetRange(const S3Location& object, int64_t offset, size_t n, uint8_t* out);
  Result<std::string> GetObject(const S3Location& object);
  // With if_none_match, fails with AlreadyExists when the key exists (S3
  // conditional write). A retried write that finds its own bytes succeeded.
  Status PutObject(const S3Location& object, ByteView body, bool if_none_match = false);

  Result<std::string> CreateMultipartUpload(const S3Location& object);
  // Returns the part's ETag.
  Result<std::string> UploadPart(const S3Location& object, const std::string& upload_id, int part_number,
                                 ByteView body, const Md5Digest& md5);
  Result<std::string> UploadPartCopy(const S3Location& object, const std::string& upload_id, int part_number,
                                     const S3Location& source, int64_t first_byte, int64_t last_byte);
  // `expected_etag` (MultipartEtag) recognises a completion whose reply was lost.
  Status CompleteMultipartUpload(const S3Location& object, const std::string& upload_id,
                                 const std::vector<std::string>& part_etags, const std::string& expected_etag);
  Status AbortMultipartUpload(const S3Location& object, const std::string& upload_id);
  Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(const std::string& bucket, const std::string& prefix);

  Result<ListPage> ListObjects(const std::string& bucket, const std::string& prefix, const std::string& token);
  Status DeleteObject(const S3Location& object);
  // Up to 1,000 keys per call; more are split.
  Status DeleteObjects(const std::string& bucket, const std::vector<std::string>& keys);
  // Server-side copy; objects over 5 GiB are copied in parts.
  Status CopyObject(const S3Location& source, const S3Location& target);

  std::string PresignGet(const S3Location& object, int64_t expires_seconds);

  // Requests sent (retries included), for tests and progress.
  int64_t requests_sent() const { return requests_sent_.load(); }

 private:
  struct Call;
  struct Outcome;
  S3Client(S3Options options, ResolvedCredentials credentials, std::string region);
  Outcome Execute(const Call& call);
  Status ErrorFor(const Call& call, const Outcome& outcome) const;
  Status ExplainHeadFailure(const Call& head, const Outcome& outcome);
  std::string HostFor(const std::string& bucket) const;
  std::string PathFor(const std::string& bucket, const std::string& key) const;
  bool UseVirtualHost(const std::string& bucket) const;
  void AddEncryptionHeaders(HeaderList* headers) const;

  S3Options options_;
  ResolvedCredentials credentials_;
  std::string region_;
  std::string scheme_;    // "https" or "http"
  std::string endpoint_host_;  // host[:port]
  bool is_aws_ = false;
  HttpClient http_;
  std::atomic<int64_t> requests_sent_{0};
};

}  // namespace snaplake::s3
