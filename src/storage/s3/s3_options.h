// How snaplake reaches S3: endpoint, addressing, region, credentials source,
// encryption, TLS and retry settings. Filled from the environment (the AWS
// CLI's variables) and overridden by command-line flags; one process-wide
// value is used by FileSystemForPath("s3://...").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/status.h"

namespace snaplake::s3 {

enum class Addressing { kAuto, kVirtual, kPath };

struct S3Options {
  std::string endpoint;  // "" = AWS (https://s3.REGION.amazonaws.com); else scheme://host[:port]
  Addressing addressing = Addressing::kAuto;  // auto: virtual-hosted on AWS, path-style elsewhere
  std::string region;    // "" = resolved from AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-1
  std::string profile;   // "" = AWS_PROFILE or "default"
  std::string sse;       // "" | "AES256" | "aws:kms"
  std::string kms_key_id;
  bool verify_ssl = true;
  std::string ca_bundle;  // AWS_CA_BUNDLE
  bool anonymous = false;  // --no-sign-request
  // Delta commits on a store that ignores If-None-Match: allowed only when the
  // user promises a single writer per table.
  bool single_writer = false;
  int max_attempts = 10;             // per request, first try included (AWS_MAX_ATTEMPTS)
  double retry_budget_seconds = 120;  // total time one request may spend retrying
  int64_t min_part_bytes = int64_t{8} << 20;  // multipart part size (grows for huge files)
  int parts_in_flight = 2;           // per open file, besides the one being filled
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
std::optional<std::string> ProcessEnv(const std::string& name);

// Options from the environment: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL,
// AWS_REGION / AWS_DEFAULT_REGION, AWS_PROFILE, AWS_CA_BUNDLE,
// AWS_MAX_ATTEMPTS, SNAPLAKE_S3_ADDRESSING, SNAPLAKE_S3_SINGLE_WRITER.
Result<S3Options> S3OptionsFromEnvironment(const EnvLookup& env = ProcessEnv);

Result<Addressing> ParseAddressing(const std::string& text);
// Checks the combination (e.g. --kms-key-id needs aws:kms, an endpoint URL is http(s)).
Status ValidateS3Options(const S3Options& options);

// The options FileSystemForPath uses for s3:// paths. Until set, the
// environment's. Set once at start-up, before any S3 access.
const S3Options& ProcessS3Options();
void SetProcessS3Options(S3Options options);

}  // namespace snaplake::s3
