#include "storage/s3/sigv4_signer.h"

#include <algorithm>
#include <cctype>

#include "storage/s3/uri_encoding.h"

namespace snaplake::s3 {

namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Trims and collapses runs of whitespace to one space (the spec's Trimall).
std::string TrimAll(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// RFC 3986 dot-segment removal plus collapsing empty segments; keeps a trailing slash.
std::string NormalizePath(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(std::move(segment));
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& s : segments) out.append("/").append(s);
  bool trailing = !path.empty() && path.back() == '/';
  bool dot_tail = path.size() >= 2 && (path.ends_with("/.") || path.ends_with("/.."));
  if (out.empty() || trailing || dot_tail) out.push_back('/');
  return out;
}

std::string DatePart(const std::string& amz_datetime) { return amz_datetime.substr(0, 8); }

bool HasHeader(const HeaderList& headers, const std::string& lower_name) {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return Lower(h.first) == lower_name; });
}

std::string SignatureHex(const std::string& string_to_sign, const AwsCredentials& credentials,
                         const SigningScope& scope, const std::string& amz_datetime) {
  Sha256Digest key = SigningKey(credentials.secret_access_key, amz_datetime, scope);
  return HexEncode(HmacSha256(AsStringView(key.data(), key.size()), string_to_sign));
}

}  // namespace

std::string AmzDateTime(std::time_t utc) {
  std::tm tm{};
  gmtime_r(&utc, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string CanonicalUri(const std::string& path, const SignerOptions& options) {
  std::string p = path.empty() ? "/" : path;
  if (p.front() != '/') p.insert(p.begin(), '/');
  if (options.normalize_path) p = NormalizePath(p);
  return UriEncode(p, /*keep_slash=*/true);
}

std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(UriEncode(name), UriEncode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

CanonicalHeaders CanonicalizeHeaders(const HeaderList& headers) {
  // Stable sort keeps the order of repeated headers, whose values join with ','.
  std::vector<std::pair<std::string, std::string>> lowered;
  lowered.reserve(headers.size());
  for (const auto& [name, value] : headers) lowered.emplace_back(Lower(TrimAll(name)), TrimAll(value));
  std::stable_sort(lowered.begin(), lowered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < lowered.size();) {
    const std::string& name = lowered[i].first;
    std::string value = lowered[i].second;
    size_t j = i + 1;
    for (; j < lowered.size() && lowered[j].first == name; ++j) value.append(",").append(lowered[j].second);
    out.block.append(name).append(":").append(value).append("\n");
    if (!out.signed_names.empty()) out.signed_names.push_back(';');
    out.signed_names.append(name);
    i = j;
  }
  return out;
}

std::string CanonicalRequest(const SignableRequest& request, const SignerOptions& options) {
  CanonicalHeaders headers = CanonicalizeHeaders(request.headers);
  std::string out;
  out.append(request.method).append("\n");
  out.append(CanonicalUri(request.path, options)).append("\n");
  out.append(CanonicalQueryString(request.query)).append("\n");
  out.append(headers.block).append("\n");
  out.append(headers.signed_names).append("\n");
  out.append(request.payload_hash);
  return out;
}

std::string CredentialScope(const std::string& amz_datetime, const SigningScope& scope) {
  std::string out = DatePart(amz_datetime);
  out.append("/").append(scope.region).append("/").append(scope.service).append("/aws4_request");
  return out;
}

std::string StringToSign(const std::string& canonical_request, const std::string& amz_datetime,
                         const SigningScope& scope) {
  std::string out = kSigningAlgorithm;
  out.append("\n").append(amz_datetime).append("\n");
  out.append(CredentialScope(amz_datetime, scope)).append("\n");
  out.append(Sha256Hex(canonical_request));
  return out;
}

Sha256Digest SigningKey(const std::string& secret_access_key, const std::string& amz_datetime,
                        const SigningScope& scope) {
  std::string seed = "AWS4";
  seed.append(secret_access_key);
  Sha256Digest k_date = HmacSha256(seed, DatePart(amz_datetime));
  Sha256Digest k_region = HmacSha256(AsStringView(k_date.data(), k_date.size()), scope.region);
  Sha256Digest k_service = HmacSha256(AsStringView(k_region.data(), k_region.size()), scope.service);
  return HmacSha256(AsStringView(k_service.data(), k_service.size()), "aws4_request");
}

std::string AuthorizationHeader(const SignableRequest& request, const AwsCredentials& credentials,
                                const SigningScope& scope, const std::string& amz_datetime,
                                const SignerOptions& options) {
  std::string canonical = CanonicalRequest(request, options);
  std::string signature = SignatureHex(StringToSign(canonical, amz_datetime, scope), credentials, scope, amz_datetime);
  std::string out = kSigningAlgorithm;
  out.append(" Credential=").append(credentials.access_key_id).append("/");
  out.append(CredentialScope(amz_datetime, scope));
  out.append(", SignedHeaders=").append(CanonicalizeHeaders(request.headers).signed_names);
  out.append(", Signature=").append(signature);
  return out;
}

void SignRequest(SignableRequest* request, const AwsCredentials& credentials, const SigningScope& scope,
                 const std::string& amz_datetime, const SignerOptions& options) {
  if (!HasHeader(request->headers, "x-amz-date")) request->headers.emplace_back("X-Amz-Date", amz_datetime);
  if (!credentials.session_token.empty() && !HasHeader(request->headers, "x-amz-security-token")) {
    request->headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  std::string authorization = AuthorizationHeader(*request, credentials, scope, amz_datetime, options);
  request->headers.emplace_back("Authorization", std::move(authorization));
}

std::string PresignUrl(const std::string& base_url, SignableRequest request, const AwsCredentials& credentials,
                       const SigningScope& scope, const std::string& amz_datetime, int64_t expires_seconds,
                       const SignerOptions& options) {
  expires_seconds = std::clamp<int64_t>(expires_seconds, 1, int64_t{7} * 24 * 3600);
  request.payload_hash = kUnsignedPayload;
  request.query.emplace_back("X-Amz-Algorithm", kSigningAlgorithm);
  request.query.emplace_back("X-Amz-Credential", credentials.access_key_id + "/" + CredentialScope(amz_datetime, scope));
  request.query.emplace_back("X-Amz-Date", amz_datetime);
  request.query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  if (!credentials.session_token.empty()) request.query.emplace_back("X-Amz-Security-Token", credentials.session_token);
  request.query.emplace_back("X-Amz-SignedHeaders", CanonicalizeHeaders(request.headers).signed_names);
  std::string canonical = CanonicalRequest(request, options);
  std::string signature = SignatureHex(StringToSign(canonical, amz_datetime, scope), credentials, scope, amz_datetime);
  std::string url = base_url;
  url.append(CanonicalUri(request.path, options)).append("?").append(CanonicalQueryString(request.query));
  url.append("&X-Amz-Signature=").append(signature);
  return url;
}

}  // namespace snaplake::s3
