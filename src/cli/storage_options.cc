// Options that choose and reach the object store, accepted by every command
// (before or after the command name): they fill the process-wide S3Options
// used for s3:// paths, over the AWS CLI environment variables.
#include <memory>

#include "cli/commands.h"
#include "storage/s3/s3_options.h"

namespace snaplake::cli {

namespace {

struct StorageFlags {
  std::string endpoint;
  std::string addressing;
  std::string region;
  std::string profile;
  std::string sse;
  std::string kms_key_id;
  std::string ca_bundle;
  bool no_verify_ssl = false;
  bool no_sign_request = false;
  bool single_writer = false;
};

}  // namespace

void RegisterStorageOptions(CLI::App& app, ExitCode* exit_code) {
  auto flags = std::make_shared<StorageFlags>();
  const char* group = "S3 storage (s3://bucket/prefix paths)";
  app.add_option("--s3-endpoint", flags->endpoint,
                 "S3-compatible endpoint URL, e.g. http://127.0.0.1:9000 (default: AWS; env AWS_ENDPOINT_URL)")
      ->group(group);
  app.add_option("--s3-addressing", flags->addressing,
                 "virtual (bucket.host) or path (host/bucket); default: virtual on AWS, path elsewhere")
      ->check(CLI::IsMember({"virtual", "path", "auto"}))
      ->group(group);
  app.add_option("--region", flags->region, "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-1)")
      ->group(group);
  app.add_option("--profile", flags->profile, "AWS profile in ~/.aws/credentials and ~/.aws/config (env AWS_PROFILE)")
      ->group(group);
  app.add_option("--sse", flags->sse, "server-side encryption of written objects: AES256 or aws:kms")
      ->check(CLI::IsMember({"AES256", "aws:kms"}))
      ->group(group);
  app.add_option("--kms-key-id", flags->kms_key_id, "KMS key id or ARN for aws:kms encryption (implies --sse aws:kms)")
      ->group(group);
  app.add_option("--ca-bundle", flags->ca_bundle, "PEM file of CA certificates to trust (env AWS_CA_BUNDLE)")
      ->group(group);
  app.add_flag("--no-verify-ssl", flags->no_verify_ssl, "do not verify the endpoint's TLS certificate (unsafe)")
      ->group(group);
  app.add_flag("--no-sign-request", flags->no_sign_request, "send anonymous requests (public buckets)")->group(group);
  app.add_flag("--s3-single-writer", flags->single_writer,
               "allow Delta commits on a store that ignores conditional writes; you vouch that one process writes "
               "each table")
      ->group(group);
  app.parse_complete_callback([flags, exit_code] {
    Result<s3::S3Options> from_env = s3::S3OptionsFromEnvironment();
    if (!from_env.ok()) {
      *exit_code = ReportError(from_env.status());
      throw CLI::RuntimeError(*exit_code);
    }
    s3::S3Options options = *from_env;
    if (!flags->endpoint.empty()) options.endpoint = flags->endpoint;
    if (!flags->addressing.empty()) options.addressing = *s3::ParseAddressing(flags->addressing);
    if (!flags->region.empty()) options.region = flags->region;
    if (!flags->profile.empty()) options.profile = flags->profile;
    if (!flags->sse.empty()) options.sse = flags->sse;
    if (!flags->kms_key_id.empty()) options.kms_key_id = flags->kms_key_id;
    if (!flags->ca_bundle.empty()) options.ca_bundle = flags->ca_bundle;
    if (flags->no_verify_ssl) options.verify_ssl = false;
    if (flags->no_sign_request) options.anonymous = true;
    if (flags->single_writer) options.single_writer = true;
    Status valid = s3::ValidateS3Options(options);
    if (!valid.ok()) {
      *exit_code = ReportError(valid);
      throw CLI::RuntimeError(*exit_code);
    }
    s3::SetProcessS3Options(std::move(options));
  });
}

}  // namespace snaplake::cli
