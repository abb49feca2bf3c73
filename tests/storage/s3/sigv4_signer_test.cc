// The signer against the AWS Signature Version 4 test suite, byte for byte:
// canonical request, string to sign and Authorization header of every case;
// then S3's own examples (header and presigned forms) from the S3 API guide.
#include "storage/s3/sigv4_signer.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "storage/s3/uri_encoding.h"
#include "testing/test_env.h"

namespace snaplake::s3 {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::pair<std::string, std::string>> ParseQuery(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string item = query.substr(start, end - start);
    size_t eq = item.find('=');
    std::string name = eq == std::string::npos ? item : item.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    out.emplace_back(UriDecode(name), UriDecode(value));
    start = end + 1;
  }
  return out;
}

// A .req file: request line, headers (continuation lines start with space), blank line, body.
SignableRequest ParseRequestFile(const std::string& text) {
  SignableRequest request;
  std::vector<std::string> lines;
  size_t start = 0;
  std::string body;
  bool in_body = false;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (in_body) {
      body.append(body.empty() ? "" : "\n").append(line);
    } else if (line.empty() && !lines.empty()) {
      in_body = true;
    } else {
      lines.push_back(line);
    }
    start = end + 1;
  }
  const std::string& first = lines.at(0);
  size_t sp1 = first.find(' ');
  size_t sp2 = first.rfind(" HTTP/");
  request.method = first.substr(0, sp1);
  std::string target = first.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  request.path = UriDecode(target.substr(0, q));
  if (q != std::string::npos) request.query = ParseQuery(target.substr(q + 1));
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      request.headers.back().second.append(" ").append(line);
      continue;
    }
    size_t colon = line.find(':');
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  request.payload_hash = Sha256Hex(body);
  return request;
}

std::string SecurityTokenIn(const std::string& canonical_request) {
  const std::string key = "\nx-amz-security-token:";
  size_t at = canonical_request.find(key);
  if (at == std::string::npos) return "";
  size_t begin = at + key.size();
  return canonical_request.substr(begin, canonical_request.find('\n', begin) - begin);
}

TEST(SigV4Signer, EveryCaseOfTheAwsSuiteIsByteExact) {
  SL_REQUIRE_TESTDATA(testdata);
  fs::path suite = fs::path(testdata) / "aws-sigv4";
  ASSERT_TRUE(fs::exists(suite)) << suite;
  const std::string when = "20150830T123600Z";
  SigningScope scope{"us-east-1", "service"};
  SignerOptions generic{.normalize_path = true};
  int cases = 0;
  for (const auto& entry : fs::recursive_directory_iterator(suite)) {
    if (entry.path().extension() != ".req") continue;
    fs::path base = entry.path();
    base.replace_extension();
    SCOPED_TRACE(base.filename().string());
    std::string expected_creq = ReadText(base.string() + ".creq");
    SignableRequest request = ParseRequestFile(ReadText(entry.path()));
    AwsCredentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SecurityTokenIn(expected_creq)};
    // A token the .req lacks but the canonical request signs is added by the signer.
    SignableRequest signed_request = request;
    SignRequest(&signed_request, credentials, scope, when, generic);
    signed_request.headers.pop_back();  // Authorization
    EXPECT_EQ(CanonicalRequest(signed_request, generic), expected_creq);
    EXPECT_EQ(StringToSign(expected_creq, when, scope), ReadText(base.string() + ".sts"));
    EXPECT_EQ(AuthorizationHeader(signed_request, credentials, scope, when, generic),
              ReadText(base.string() + ".authz"));
    ++cases;
  }
  EXPECT_GE(cases, 30) << "the suite has 33 cases";
}

// "GET Object" example of the S3 API reference, "Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk".
TEST(SigV4Signer, S3HeaderExampleFromTheApiGuide) {
  SignableRequest request;
  request.method = "GET";
  request.path = "/test.txt";
  request.payload_hash = Sha256Hex("");
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"Range", "bytes=0-9"},
                     {"x-amz-content-sha256", request.payload_hash}};
  AwsCredentials credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  SignRequest(&request, credentials, {"us-east-1", "s3"}, "20130524T000000Z");
  EXPECT_EQ(request.headers.back().second,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

// "Authenticating Requests: Using Query Parameters" example of the S3 API reference.
TEST(SigV4Signer, S3PresignedUrlExampleFromTheApiGuide) {
  SignableRequest request;
  request.method = "GET";
  request.path = "/test.txt";
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
  AwsCredentials credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  std::string url = PresignUrl("https://examplebucket.s3.amazonaws.com", request, credentials, {"us-east-1", "s3"},
                               "20130524T000000Z", 86400);
  EXPECT_EQ(url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4Signer, S3KeysAreNeitherNormalisedNorDoubleEncoded) {
  EXPECT_EQ(CanonicalUri("/bucket/my-object//example//photo.user", {}), "/bucket/my-object//example//photo.user");
  EXPECT_EQ(CanonicalUri("/bucket/a b/ü+=.parquet", {}), "/bucket/a%20b/%C3%BC%2B%3D.parquet");
  EXPECT_EQ(CanonicalUri("/b/../c/./d", {}), "/b/../c/./d");
  EXPECT_EQ(CanonicalUri("/b/../c/./d", {.normalize_path = true}), "/c/d");
}

TEST(SigV4Signer, QueryParametersSortByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQueryString({{"prefix", "a b/"}, {"list-type", "2"}, {"continuation-token", "x+y="}}),
            "continuation-token=x%2By%3D&list-type=2&prefix=a%20b%2F");
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
}

TEST(Digest, KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Base64Encode(Md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(HexEncode(Md5("The quick brown fox jumps over the lazy dog")), "9e107d9d372bb6826bd81d3542a419d6");
  Md5Hasher hasher;
  hasher.Update("The quick brown ");
  hasher.Update("fox jumps over the lazy dog");
  EXPECT_EQ(HexEncode(hasher.Finish()), "9e107d9d372bb6826bd81d3542a419d6");
  const uint8_t two[] = {'a', 'b'};
  EXPECT_EQ(Base64Encode(two, 2), "YWI=");
  EXPECT_EQ(Base64Encode(two, 1), "YQ==");
}

}  // namespace
}  // namespace snaplake::s3
