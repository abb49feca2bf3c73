#include "storage/s3/s3_client.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <random>
#include <thread>

#include "common/log.h"
#include "storage/s3/digest.h"
#include "storage/s3/s3_xml.h"
#include "storage/s3/uri_encoding.h"

namespace snaplake::s3 {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kMaxCopyObjectBytes = int64_t{5} << 30;
constexpr int64_t kCopyPartBytes = int64_t{512} << 20;

bool ValidBucketName(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) return false;
  }
  return std::isalnum(static_cast<unsigned char>(bucket.front())) &&
         std::isalnum(static_cast<unsigned char>(bucket.back()));
}

std::string StripQuotes(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return etag;
}

// "2026-11-27T03:04:05.000Z" -> milliseconds since the epoch (0 if malformed).
int64_t ParseIsoTimeMs(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec) != 6) {
    return 0;
  }
  size_t dot = text.find('.');
  if (dot != std::string::npos) millis = std::atoi(text.substr(dot + 1, 3).c_str());
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

// "Tue, 27 Nov 2026 03:04:05 GMT" -> milliseconds since the epoch.
int64_t ParseHttpDateMs(const std::string& text) {
  std::tm tm{};
  if (strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

bool RetryableStatus(long status, const std::string& code) {
  if (status == 500 || status == 502 || status == 503 || status == 504 || status == 429) return true;
  return code == "SlowDown" || code == "RequestTimeout" || code == "InternalError" || code == "ServiceUnavailable" ||
         code == "Throttling" || code == "ThrottlingException" || code == "RequestTimeTooSkewed";
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text;
}

}  // namespace

Result<S3Location> ParseS3Uri(const std::string& uri) {
  if (uri.rfind("s3://", 0) != 0) {
    return Status::InvalidArgument("'" + uri + "' is not an S3 URI: use s3://bucket/prefix");
  }
  std::string rest = uri.substr(5);
  size_t slash = rest.find('/');
  S3Location location;
  location.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) location.key = rest.substr(slash + 1);
  if (!ValidBucketName(location.bucket)) {
    return Status::InvalidArgument("'" + location.bucket + "' in '" + uri +
                                   "' is not a valid S3 bucket name (3-63 characters: a-z, 0-9, '.', '-')");
  }
  return location;
}

std::string MultipartEtag(const std::vector<Md5Digest>& part_md5s) {
  Md5Hasher hasher;
  for (const Md5Digest& d : part_md5s) hasher.Update(AsStringView(d.data(), d.size()));
  return HexEncode(hasher.Finish()) + "-" + std::to_string(part_md5s.size());
}

struct S3Client::Call {
  std::string what;  // "PUT", "UploadPart 3", ... for messages
  std::string method;
  std::string bucket;
  std::string key{};
  std::vector<std::pair<std::string, std::string>> query{};
  HeaderList headers{};
  ByteView body{};
  uint8_t* sink = nullptr;
  size_t sink_capacity = 0;
  bool idempotent = true;
};

struct S3Client::Outcome {
  HttpResponse response;
  int attempts = 0;
  bool retried = false;  // an earlier attempt may have reached the server
  std::string code;      // S3 error code from the body, if any
  bool ok() const { return response.status / 100 == 2 && code.empty(); }
};

Result<std::shared_ptr<S3Client>> S3Client::Make(const S3Options& options, const EnvLookup& env) {
  SL_RETURN_NOT_OK(ValidateS3Options(options));
  ResolvedCredentials credentials;
  if (!options.anonymous) {
    SL_ASSIGN_OR_RETURN(credentials, ResolveCredentials(options.profile, env));
  }
  std::string region = options.region.empty() ? ResolveRegion(options.profile, env) : options.region;
  return std::shared_ptr<S3Client>(new S3Client(options, std::move(credentials), std::move(region)));
}

S3Client::S3Client(S3Options options, ResolvedCredentials credentials, std::string region)
    : options_(std::move(options)),
      credentials_(std::move(credentials)),
      region_(std::move(region)),
      http_(HttpClientOptions{options_.verify_ssl, options_.ca_bundle}) {
  if (options_.endpoint.empty()) {
    scheme_ = "https";
    endpoint_host_ = "s3." + region_ + ".amazonaws.com";
    is_aws_ = true;
  } else {
    size_t colon = options_.endpoint.find("://");
    scheme_ = options_.endpoint.substr(0, colon);
    endpoint_host_ = options_.endpoint.substr(colon + 3);
    while (!endpoint_host_.empty() && endpoint_host_.back() == '/') endpoint_host_.pop_back();
    is_aws_ = endpoint_host_.find("amazonaws.com") != std::string::npos;
  }
}

bool S3Client::UseVirtualHost(const std::string& bucket) const {
  switch (options_.addressing) {
    case Addressing::kVirtual: return true;
    case Addressing::kPath: return false;
    case Addressing::kAuto:
      // Dotted names break TLS wildcard certificates: path style, as the AWS CLI does.
      return is_aws_ && bucket.find('.') == std::string::npos;
  }
  return false;
}

std::string S3Client::HostFor(const std::string& bucket) const {
  if (!bucket.empty() && UseVirtualHost(bucket)) return bucket + "." + endpoint_host_;
  return endpoint_host_;
}

std::string S3Client::PathFor(const std::string& bucket, const std::string& key) const {
  std::string path = "/";
  if (!bucket.empty() && !UseVirtualHost(bucket)) {
    path.append(bucket);
    if (!key.empty()) path.push_back('/');
  }
  path.append(key);
  return path;
}

void S3Client::AddEncryptionHeaders(HeaderList* headers) const {
  std::string sse = options_.sse;
  if (sse.empty() && !options_.kms_key_id.empty()) sse = "aws:kms";
  if (sse.empty()) return;
  headers->emplace_back("x-amz-server-side-encryption", sse);
  if (!options_.kms_key_id.empty()) {
    headers->emplace_back("x-amz-server-side-encryption-aws-kms-key-id", options_.kms_key_id);
  }
}

S3Client::Outcome S3Client::Execute(const Call& call) {
  Outcome outcome;
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(options_.retry_budget_seconds * 1000));
  thread_local std::mt19937_64 rng(std::random_device{}());
  const std::string host = HostFor(call.bucket);
  const std::string path = PathFor(call.bucket, call.key);
  // Bodies are not hashed into the signature (UNSIGNED-PAYLOAD): every body
  // carries Content-MD5, which the store checks, and a SHA-256 pass over every
  // byte would cost more CPU than the rest of an upload.
  const std::string payload_hash = kUnsignedPayload;
  for (int attempt = 1;; ++attempt) {
    SignableRequest request;
    request.method = call.method;
    request.path = path;
    request.query = call.query;
    request.headers = call.headers;
    request.headers.emplace_back("Host", host);
    request.headers.emplace_back("x-amz-content-sha256", payload_hash);
    request.payload_hash = payload_hash;
    if (!options_.anonymous) {
      SignRequest(&request, credentials_.credentials, {region_, "s3"}, AmzDateTime(std::time(nullptr)));
    }
    HttpRequest http;
    http.method = call.method;
    http.url = scheme_ + "://" + host + CanonicalUri(path, {});
    std::string query = CanonicalQueryString(call.query);
    if (!query.empty()) http.url.append("?").append(query);
    http.headers = std::move(request.headers);
    http.body = call.body;
    http.sink = call.sink;
    http.sink_capacity = call.sink_capacity;

    auto started = Clock::now();
    requests_sent_.fetch_add(1, std::memory_order_relaxed);
    outcome.response = http_.Send(http);
    outcome.attempts = attempt;
    outcome.code.clear();
    const HttpResponse& r = outcome.response;
    if (r.status != 0 && !r.body.empty() && r.body.find("<Error>") != std::string::npos) {
      outcome.code = XmlText(r.body, "Code");
    }
    if (LogEnabled(LogLevel::kDebug)) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
      std::string line = "s3 " + call.what + " s3://" + call.bucket + "/" + call.key + " -> ";
      line.append(r.status == 0 ? "transport error: " + r.transport_error : std::to_string(r.status));
      if (!outcome.code.empty()) line.append(" ").append(outcome.code);
      line.append(" in ").append(std::to_string(ms)).append(" ms, attempt ").append(std::to_string(attempt));
      LogLine(LogLevel::kDebug, line);
    }
    if (outcome.ok()) return outcome;
    bool retryable = r.status == 0 ? r.transport_retryable : RetryableStatus(r.status, outcome.code);
    // A refused connection or unknown host is rarely transient: give up after
    // three tries so a wrong endpoint fails in seconds, not minutes.
    int max_attempts = options_.max_attempts;
    if (r.status == 0 && r.connect_failed) max_attempts = std::min(max_attempts, 3);
    if (!retryable || !call.idempotent || attempt >= max_attempts) return outcome;
    double cap_ms = std::min(10'000.0, 100.0 * static_cast<double>(int64_t{1} << std::min(attempt, 16)));
    auto delay = std::chrono::milliseconds(static_cast<int64_t>(std::uniform_real_distribution<double>(0, cap_ms)(rng)));
    if (Clock::now() + delay > deadline) return outcome;
    if (r.status == 0) outcome.retried = true;
    if (r.status / 100 == 5) outcome.retried = true;  // a 5xx may still have applied the write
    std::this_thread::sleep_for(delay);
  }
}

Status S3Client::ErrorFor(const Call& call, const Outcome& outcome) const {
  const HttpResponse& r = outcome.response;
  std::string object = "s3://" + call.bucket + (call.key.empty() ? "" : "/" + call.key);
  std::string tries = outcome.attempts > 1 ? " after " + std::to_string(outcome.attempts) + " attempts" : "";
  if (r.status == 0) {
    return Status::IOError("S3 " + call.what + " of " + object + " failed" + tries + ": cannot reach " + scheme_ +
                           "://" + endpoint_host_ + " (" + OneLine(r.transport_error) +
                           "); check --s3-endpoint/AWS_ENDPOINT_URL and the network");
  }
  std::string code = outcome.code;
  std::string message = OneLine(XmlText(r.body, "Message"));
  if (code.empty()) {
    switch (r.status) {
      case 301: code = "PermanentRedirect"; break;
      case 400: code = "BadRequest"; break;
      case 403: code = "AccessDenied"; break;
      case 404: code = call.key.empty() ? "NoSuchBucket" : "NoSuchKey"; break;
      case 412: code = "PreconditionFailed"; break;
      default: code = "HTTP " + std::to_string(r.status);
    }
  }
  std::string bucket_region = r.Header("x-amz-bucket-region");
  if (bucket_region.empty()) bucket_region = XmlText(r.body, "Region");
  if (code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" || code == "IllegalLocationConstraintException" ||
      (r.status == 301 && !bucket_region.empty())) {
    if (!bucket_region.empty() && bucket_region != region_) {
      return Status::InvalidArgument("bucket '" + call.bucket + "' is in region " + bucket_region + ", not " + region_ +
                                     ": set AWS_REGION=" + bucket_region + " (or --region)");
    }
    return Status::InvalidArgument("S3 " + call.what + " of " + object + " was refused (" + code + ": " + message +
                                   "): check the region (now " + region_ + ") and --s3-addressing");
  }
  if (code == "NoSuchBucket") {
    return Status::NotFound("bucket '" + call.bucket + "' does not exist at " + scheme_ + "://" + endpoint_host_ +
                            ": create it, or check the bucket name and --s3-endpoint");
  }
  if (code == "NoSuchKey" || code == "NotFound") return Status::NotFound(object + " does not exist");
  if (code == "InvalidAccessKeyId") {
    return Status::InvalidArgument("the AWS access key id from " + credentials_.source + " is not known to " +
                                   endpoint_host_ + " (InvalidAccessKeyId): check AWS_ACCESS_KEY_ID or the profile");
  }
  if (code == "SignatureDoesNotMatch") {
    return Status::InvalidArgument("the AWS secret access key from " + credentials_.source +
                                   " does not match its key id (SignatureDoesNotMatch): check AWS_SECRET_ACCESS_KEY "
                                   "or the profile");
  }
  if (code == "ExpiredToken" || code == "InvalidToken" || code == "TokenRefreshRequired") {
    return Status::InvalidArgument("the AWS session token from " + credentials_.source + " is " +
                                   (code == "ExpiredToken" ? "expired" : "invalid") + " (" + code +
                                   "): get fresh credentials");
  }
  if (code == "AccessDenied" || code == "AllAccessDisabled") {
    std::string who = options_.anonymous ? "anonymous requests" : "the credentials from " + credentials_.source;
    return Status::IOError("access denied: S3 " + call.what + " of " + object + " (" + code +
                           (message.empty() ? "" : ": " + message) + "); check that " + who +
                           " may do this, the bucket policy and any KMS key");
  }
  if (code.rfind("KMS", 0) == 0) {
    return Status::IOError("S3 " + call.what + " of " + object + " failed: " + code + ": " + message +
                           " (check --kms-key-id '" + options_.kms_key_id + "' and its key policy)");
  }
  return Status::IOError("S3 " + call.what + " of " + object + " failed" + tries + ": " + code +
                         (message.empty() ? "" : ": " + message) + " (HTTP " + std::to_string(r.status) + ")");
}

// A HEAD reply has no body, so a refusal (400/403) does not say why. The same
// request as a GET of one byte does: ask once more to give a precise error.
Status S3Client::ExplainHeadFailure(const Call& head, const Outcome& outcome) {
  long status = outcome.response.status;
  if (status != 400 && status != 403) return ErrorFor(head, outcome);
  Call probe = head;
  probe.method = "GET";
  if (head.key.empty()) {
    probe.query = {{"list-type", "2"}, {"max-keys", "1"}};
  } else {
    probe.headers.emplace_back("Range", "bytes=0-0");
  }
  Outcome detailed = Execute(probe);
  if (detailed.code.empty()) return ErrorFor(head, outcome);
  return ErrorFor(head, detailed);
}

Status S3Client::HeadBucket(const std::string& bucket) {
  Call call{.what = "HeadBucket", .method = "HEAD", .bucket = bucket};
  Outcome outcome = Execute(call);
  if (outcome.ok()) return Status::OK();
  return ExplainHeadFailure(call, outcome);
}

Result<ObjectInfo> S3Client::HeadObject(const S3Location& object) {
  Call call{.what = "HEAD", .method = "HEAD", .bucket = object.bucket, .key = object.key};
  Outcome outcome = Execute(call);
  if (!outcome.ok()) return ExplainHeadFailure(call, outcome);
  ObjectInfo info;
  info.key = object.key;
  info.size = std::atoll(outcome.response.Header("content-length").c_str());
  info.mtime_ms = ParseHttpDateMs(outcome.response.Header("last-modified"));
  info.etag = StripQuotes(outcome.response.Header("etag"));
  return info;
}

Status S3Client::GetRange(const S3Location& object, int64_t offset, size_t n, uint8_t* out) {
  if (n == 0) return Status::OK();
  Call call{.what = "GET", .method = "GET", .bucket = object.bucket, .key = object.key};
  call.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-" +
                                         std::to_string(offset + static_cast<int64_t>(n) - 1));
  call.sink = out;
  call.sink_capacity = n;
  Outcome outcome = Execute(call);
  if (!outcome.ok()) return ErrorFor(call, outcome);
  if (outcome.response.sink_bytes != n) {
    return Status::IOError("S3 GET of " + object.Uri() + " returned " + std::to_string(outcome.response.sink_bytes) +
                           " bytes at offset " + std::to_string(offset) + ", expected " + std::to_string(n) +
                           " (the object changed or is shorter than expected)");
  }
  return Status::OK();
}

Result<std::string> S3Client::GetObject(const S3Location& object) {
  SL_ASSIGN_OR_RETURN(ObjectInfo info, HeadObject(object));
  std::string data(static_cast<size_t>(info.size), '\0');
  SL_RETURN_NOT_OK(GetRange(object, 0, data.size(), reinterpret_cast<uint8_t*>(data.data())));
  return data;
}

Status S3Client::PutObject(const S3Location& object, ByteView body, bool if_none_match) {
  Call call{.what = if_none_match ? "conditional PUT" : "PUT", .method = "PUT", .bucket = object.bucket,
            .key = object.key};
  call.body = body;
  call.headers.emplace_back("Content-MD5", Base64Encode(Md5(AsStringView(body.data(), body.size()))));
  if (if_none_match) call.headers.emplace_back("If-None-Match", "*");
  AddEncryptionHeaders(&call.headers);
  Outcome outcome = Execute(call);
  if (outcome.ok()) return Status::OK();
  if (if_none_match && (outcome.response.status == 412 || outcome.code == "PreconditionFailed")) {
    if (outcome.retried) {
      // An earlier attempt may have written the object and lost the reply:
      // if the object holds exactly our bytes, the write is ours.
      Result<std::string> existing = GetObject(object);
      if (existing.ok() && existing->size() == body.size() &&
          std::memcmp(existing->data(), body.data(), body.size()) == 0) {
        return Status::OK();
      }
    }
    return Status::AlreadyExists(object.Uri() + " already exists");
  }
  return ErrorFor(call, outcome);
}

Result<std::string> S3Client::CreateMultipartUpload(const S3Location& object) {
  Call call{.what = "CreateMultipartUpload", .method = "POST", .bucket = object.bucket, .key = object.key};
  call.query = {{"uploads", ""}};
  AddEncryptionHeaders(&call.headers);
  Outcome outcome = Execute(call);
  if (!outcome.ok()) return ErrorFor(call, outcome);
  std::string upload_id = XmlText(outcome.response.body, "UploadId");
  if (upload_id.empty()) return Status::IOError("S3 CreateMultipartUpload of " + object.Uri() + " returned no UploadId");
  if (outcome.retried) {
    // An earlier attempt may have started an upload whose reply was lost. Our
    // keys have one writer each, so other uploads of this key are orphans.
    Result<std::vector<MultipartUploadInfo>> uploads = ListMultipartUploads(object.bucket, object.key);
    if (uploads.ok()) {
      for (const MultipartUploadInfo& upload : *uploads) {
        if (upload.key == object.key && upload.upload_id != upload_id) (void)AbortMultipartUpload(object, upload.upload_id);
      }
    }
  }
  return upload_id;
}

Result<std::string> S3Client::UploadPart(const S3Location& object, const std::string& upload_id, int part_number,
                                         ByteView body, const Md5Digest& md5) {
  Call call{.what = "UploadPart " + std::to_string(part_number), .method = "PUT", .bucket = object.bucket,
            .key = object.key};
  call.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  call.body = body;
  call.headers.emplace_back("Content-MD5", Base64Encode(md5));
  Outcome outcome = Execute(call);
  if (!outcome.ok()) return ErrorFor(call, outcome);
  std::string etag = outcome.response.Header("etag");
  if (etag.empty()) return Status::IOError("S3 UploadPart of " + object.Uri() + " returned no ETag");
  return etag;
}

Result<std::string> S3Client::UploadPartCopy(const S3Location& object, const std::string& upload_id, int part_number,
                                             const S3Location& source, int64_t first_byte, int64_t last_byte) {
  Call call{.what = "UploadPartCopy " + std::to_string(part_number), .method = "PUT", .bucket = object.bucket,
            .key = object.key};
  call.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  call.headers.emplace_back("x-amz-copy-source", "/" + source.bucket + "/" + UriEncode(source.key, true));
  call.headers.emplace_back("x-amz-copy-source-range",
                            "bytes=" + std::to_string(first_byte) + "-" + std::to_string(last_byte));
  Outcome outcome = Execute(call);
  if (!outcome.ok()) return ErrorFor(call, outcome);
  std::string etag = XmlText(outcome.response.body, "ETag");
  if (etag.empty()) return Status::IOError("S3 UploadPartCopy to " + object.Uri() + " returned no ETag");
  return etag;
}

Status S3Client::CompleteMultipartUpload(const S3Location& object, const std::string& upload_id,
                                         const std::vector<std::string>& part_etags,
                                         const std::string& expected_etag) {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < part_etags.size(); ++i) {
    xml.append("<Part><PartNumber>").append(std::to_string(i + 1)).append("</PartNumber><ETag>");
    xml.append(XmlEscape(part_etags[i])).append("</ETag></Part>");
  }
  xml.append("</CompleteMultipartUpload>");
  Call call{.what = "CompleteMultipartUpload", .method = "POST", .bucket = object.bucket, .key = object.key};
  call.query = {{"uploadId", upload_id}};
  call.body = ByteView(reinterpret_cast<const uint8_t*>(xml.data()), xml.size());
  call.headers.emplace_back("Content-Type", "application/xml");
  Outcome outcome = Execute(call);
  if (outcome.ok()) return Status::OK();
  if (outcome.retried && outcome.code == "NoSuchUpload" && !expected_etag.empty()) {
    // The first completion may have succeeded with its reply lost.
    Result<ObjectInfo> info = HeadObject(object);
    if (info.ok() && info->etag == expected_etag) return Status::OK();
  }
  return ErrorFor(call, outcome);
}

Status S3Client::AbortMultipartUpload(const S3Location& object, const std::string& upload_id) {
  Call call{.what = "AbortMultipartUpload", .method = "DELETE", .bucket = object.bucket, .key = object.key};
  call.query = {{"uploadId", upload_id}};
  Outcome outcome = Execute(call);
  if (outcome.ok() || outcome.code == "NoSuchUpload" || outcome.response.status == 404) return Status::OK();
  return ErrorFor(call, outcome);
}

Result<std::vector<MultipartUploadInfo>> S3Client::ListMultipartUploads(const std::string& bucket,
                                                                        const std::string& prefix) {
  std::vector<MultipartUploadInfo> uploads;
  std::string key_marker, upload_marker;
  while (true) {
    Call call{.what = "ListMultipartUploads", .method = "GET", .bucket = bucket};
    call.query = {{"uploads", ""}, {"prefix", prefix}};
    if (!key_marker.empty()) call.query.emplace_back("key-marker", key_marker);
    if (!upload_marker.empty()) call.query.emplace_back("upload-id-marker", upload_marker);
    Outcome outcome = Execute(call);
    if (!outcome.ok()) return ErrorFor(call, outcome);
    for (std::string_view upload : XmlElements(outcome.response.body, "Upload")) {
      uploads.push_back({XmlText(upload, "Key"), XmlText(upload, "UploadId")});
    }
    if (XmlText(outcome.response.body, "IsTruncated") != "true") break;
    key_marker = XmlText(outcome.response.body, "NextKeyMarker");
    upload_marker = XmlText(outcome.response.body, "NextUploadIdMarker");
    if (key_marker.empty() && upload_marker.empty()) break;
  }
  return uploads;
}

Result<ListPage> S3Client::ListObjects(const std::string& bucket, const std::string& prefix, const std::string& token) {
  Call call{.what = "ListObjectsV2", .method = "GET", .bucket = bucket};
  call.query = {{"list-type", "2"}, {"prefix", prefix}, {"encoding-type", "url"}};
  if (!token.empty()) call.query.emplace_back("continuation-token", token);
  Outcome outcome = Execute(call);
  if (!outcome.ok()) return ErrorFor(call, outcome);
  const std::string& body = outcome.response.body;
  // Keys are URL-encoded only when the store says it honoured encoding-type.
  const bool encoded = XmlText(body, "EncodingType") == "url";
  ListPage page;
  for (std::string_view contents : XmlElements(body, "Contents")) {
    ObjectInfo info;
    info.key = XmlText(contents, "Key");
    if (encoded) info.key = UriDecode(info.key);
    info.size = std::atoll(XmlText(contents, "Size").c_str());
    info.mtime_ms = ParseIsoTimeMs(XmlText(contents, "LastModified"));
    info.etag = StripQuotes(XmlText(contents, "ETag"));
    page.objects.push_back(std::move(info));
  }
  if (XmlText(body, "IsTruncated") == "true") {
    page.next_token = XmlText(body, "NextContinuationToken");
    if (page.next_token.empty()) {
      return Status::IOError("S3 ListObjectsV2 of s3://" + bucket + "/" + prefix +
                             " is truncated but has no continuation token");
    }
  }
  return page;
}

Status S3Client::DeleteObject(const S3Location& object) {
  Call call{.what = "DELETE", .method = "DELETE", .bucket = object.bucket, .key = object.key};
  Outcome outcome = Execute(call);
  if (outcome.ok() || outcome.response.status == 404) return Status::OK();
  return ErrorFor(call, outcome);
}

Status S3Client::DeleteObjects(const std::string& bucket, const std::vector<std::string>& keys) {
  for (size_t begin = 0; begin < keys.size(); begin += 1000) {
    size_t end = std::min(keys.size(), begin + 1000);
    std::string xml = "<Delete><Quiet>true</Quiet>";
    for (size_t i = begin; i < end; ++i) xml.append("<Object><Key>").append(XmlEscape(keys[i])).append("</Key></Object>");
    xml.append("</Delete>");
    Call call{.what = "DeleteObjects", .method = "POST", .bucket = bucket};
    call.query = {{"delete", ""}};
    call.body = ByteView(reinterpret_cast<const uint8_t*>(xml.data()), xml.size());
    call.headers.emplace_back("Content-MD5", Base64Encode(Md5(xml)));
    call.headers.emplace_back("Content-Type", "application/xml");
    Outcome outcome = Execute(call);
    if (!outcome.ok()) return ErrorFor(call, outcome);
    // Quiet mode lists only the keys that failed.
    std::vector<std::string_view> errors = XmlElements(outcome.response.body, "Error");
    if (!errors.empty()) {
      return Status::IOError("S3 DeleteObjects in bucket '" + bucket + "' failed for " + std::to_string(errors.size()) +
                             " keys, e.g. '" + XmlText(errors.front(), "Key") + "': " +
                             XmlText(errors.front(), "Code") + " " + OneLine(XmlText(errors.front(), "Message")));
    }
  }
  return Status::OK();
}

Status S3Client::CopyObject(const S3Location& source, const S3Location& target) {
  SL_ASSIGN_OR_RETURN(ObjectInfo info, HeadObject(source));
  if (info.size <= kMaxCopyObjectBytes) {
    Call call{.what = "CopyObject", .method = "PUT", .bucket = target.bucket, .key = target.key};
    call.headers.emplace_back("x-amz-copy-source", "/" + source.bucket + "/" + UriEncode(source.key, true));
    AddEncryptionHeaders(&call.headers);
    Outcome outcome = Execute(call);
    if (!outcome.ok()) return ErrorFor(call, outcome).WithContext("copying " + source.Uri());
    return Status::OK();
  }
  SL_ASSIGN_OR_RETURN(std::string upload_id, CreateMultipartUpload(target));
  std::vector<std::string> etags;
  Status st;
  for (int64_t offset = 0; offset < info.size && st.ok(); offset += kCopyPartBytes) {
    int64_t last = std::min(info.size, offset + kCopyPartBytes) - 1;
    Result<std::string> etag = UploadPartCopy(target, upload_id, static_cast<int>(etags.size()) + 1, source, offset, last);
    if (etag.ok()) {
      etags.push_back(*etag);
    } else {
      st = etag.status();
    }
  }
  if (st.ok()) st = CompleteMultipartUpload(target, upload_id, etags, "");
  if (!st.ok()) {
    (void)AbortMultipartUpload(target, upload_id);
    return st.WithContext("copying " + source.Uri());
  }
  return Status::OK();
}

std::string S3Client::PresignGet(const S3Location& object, int64_t expires_seconds) {
  SignableRequest request;
  request.method = "GET";
  request.path = PathFor(object.bucket, object.key);
  request.headers = {{"Host", HostFor(object.bucket)}};
  return PresignUrl(scheme_ + "://" + HostFor(object.bucket), request, credentials_.credentials, {region_, "s3"},
                    AmzDateTime(std::time(nullptr)), expires_seconds);
}

}  // namespace snaplake::s3
