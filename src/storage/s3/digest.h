// Hashes and encodings the S3 protocol needs (SHA-256, HMAC-SHA256, MD5,
// hex, base64), over OpenSSL. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace snaplake::s3 {

using Sha256Digest = std::array<uint8_t, 32>;
using Md5Digest = std::array<uint8_t, 16>;

Sha256Digest Sha256(std::string_view data);
Sha256Digest HmacSha256(std::string_view key, std::string_view data);
Md5Digest Md5(std::string_view data);

// Incremental MD5, for hashing a multipart upload's part digests.
class Md5Hasher {
 public:
  Md5Hasher();
  ~Md5Hasher();
  Md5Hasher(const Md5Hasher&) = delete;
  Md5Hasher& operator=(const Md5Hasher&) = delete;
  void Update(std::string_view data);
  Md5Digest Finish();

 private:
  void* ctx_;  // EVP_MD_CTX*
};

std::string HexEncode(const uint8_t* data, size_t size);
template <size_t N>
std::string HexEncode(const std::array<uint8_t, N>& digest) {
  return HexEncode(digest.data(), N);
}
std::string Base64Encode(const uint8_t* data, size_t size);
template <size_t N>
std::string Base64Encode(const std::array<uint8_t, N>& digest) {
  return Base64Encode(digest.data(), N);
}

inline std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

inline std::string_view AsStringView(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace snaplake::s3
