// AWS Signature Version 4 (header and presigned-URL forms), per the AWS
// General Reference "Signing AWS API requests". The signer is pure: it gets
// the time and credentials from the caller, so it is byte-exact testable
// against the AWS test suite (../shared/testdata/aws-sigv4).
//
// S3 differs from other services in two ways the options cover: paths are not
// normalised (a key "a//b" is signed as is) and are encoded once.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "storage/s3/digest.h"

namespace snaplake::s3 {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only
  bool empty() const { return access_key_id.empty(); }
};

struct SigningScope {
  std::string region;
  std::string service = "s3";
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request as it will be sent. `path` and `query` are decoded (the signer
// encodes them); headers are name/value pairs, names in any case.
struct SignableRequest {
  std::string method;
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;
  std::string payload_hash;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

inline constexpr char kUnsignedPayload[] = "UNSIGNED-PAYLOAD";
inline constexpr char kSigningAlgorithm[] = "AWS4-HMAC-SHA256";

struct SignerOptions {
  bool normalize_path = false;  // true for every service but S3
};

// "20150830T123600Z" for a UTC time.
std::string AmzDateTime(std::time_t utc);

std::string CanonicalUri(const std::string& path, const SignerOptions& options);
std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query);

struct CanonicalHeaders {
  std::string block;         // "name:value\n" lines, sorted by name
  std::string signed_names;  // "host;x-amz-date"
};
CanonicalHeaders CanonicalizeHeaders(const HeaderList& headers);

std::string CanonicalRequest(const SignableRequest& request, const SignerOptions& options);
std::string CredentialScope(const std::string& amz_datetime, const SigningScope& scope);
std::string StringToSign(const std::string& canonical_request, const std::string& amz_datetime,
                         const SigningScope& scope);
Sha256Digest SigningKey(const std::string& secret_access_key, const std::string& amz_datetime,
                        const SigningScope& scope);

// The Authorization header's value for a request already carrying X-Amz-Date
// (and X-Amz-Security-Token when the credentials are temporary).
std::string AuthorizationHeader(const SignableRequest& request, const AwsCredentials& credentials,
                                const SigningScope& scope, const std::string& amz_datetime,
                                const SignerOptions& options = {});

// Adds X-Amz-Date and X-Amz-Security-Token (unless present), then Authorization.
void SignRequest(SignableRequest* request, const AwsCredentials& credentials, const SigningScope& scope,
                 const std::string& amz_datetime, const SignerOptions& options = {});

// A presigned URL (query-string authentication) for `request`, valid for
// `expires_seconds` (1 s to 7 days). `base_url` is scheme://host[:port]; the
// request must carry a Host header equal to that host.
std::string PresignUrl(const std::string& base_url, SignableRequest request, const AwsCredentials& credentials,
                       const SigningScope& scope, const std::string& amz_datetime, int64_t expires_seconds,
                       const SignerOptions& options = {});

}  // namespace snaplake::s3
