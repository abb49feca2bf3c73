// Where the AWS credentials and region come from, in the AWS CLI's order:
//   1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN)
//   2. the profile (AWS_PROFILE or "default") in ~/.aws/credentials, then in
//      ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE move them)
// Profiles that assume a role, run a credential process or use SSO, web
// identity tokens and the EC2/ECS metadata services are not supported yet:
// they fail with an error that says how to export plain credentials instead.
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "storage/s3/s3_options.h"
#include "storage/s3/sigv4_signer.h"

namespace snaplake::s3 {

struct ResolvedCredentials {
  AwsCredentials credentials;
  std::string source;  // "environment", "profile 'x' in /root/.aws/credentials": for messages, never secrets
};

// key -> value of one [section] of an INI-style AWS file; empty when absent.
using ProfileSection = std::map<std::string, std::string>;
Result<ProfileSection> ReadProfileSection(const std::string& path, const std::string& section);

Result<ResolvedCredentials> ResolveCredentials(const std::string& profile, const EnvLookup& env = ProcessEnv);

// AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, else "us-east-1".
std::string ResolveRegion(const std::string& profile, const EnvLookup& env = ProcessEnv);

}  // namespace snaplake::s3
