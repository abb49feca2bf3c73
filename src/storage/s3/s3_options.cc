#include "storage/s3/s3_options.h"

#include <cstdlib>
#include <mutex>

namespace snaplake::s3 {

namespace {

std::mutex g_options_mutex;
std::optional<S3Options> g_options;

bool Truthy(const std::string& value) { return value == "1" || value == "true" || value == "yes"; }

}  // namespace

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

Result<Addressing> ParseAddressing(const std::string& text) {
  if (text == "auto") return Addressing::kAuto;
  if (text == "virtual") return Addressing::kVirtual;
  if (text == "path") return Addressing::kPath;
  return Status::InvalidArgument("unknown S3 addressing '" + text + "': use virtual, path or auto");
}

Result<S3Options> S3OptionsFromEnvironment(const EnvLookup& env) {
  S3Options options;
  if (auto v = env("AWS_ENDPOINT_URL_S3")) {
    options.endpoint = *v;
  } else if (auto v2 = env("AWS_ENDPOINT_URL")) {
    options.endpoint = *v2;
  }
  if (auto v = env("AWS_PROFILE")) options.profile = *v;
  if (auto v = env("AWS_CA_BUNDLE")) options.ca_bundle = *v;
  if (auto v = env("SNAPLAKE_S3_ADDRESSING")) {
    SL_ASSIGN_OR_RETURN(options.addressing, ParseAddressing(*v));
  }
  if (auto v = env("SNAPLAKE_S3_SINGLE_WRITER")) options.single_writer = Truthy(*v);
  if (auto v = env("AWS_MAX_ATTEMPTS")) {
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (end == v->c_str() || *end != '\0' || n < 1 || n > 100) {
      return Status::InvalidArgument("AWS_MAX_ATTEMPTS='" + *v + "' is not a number from 1 to 100");
    }
    options.max_attempts = static_cast<int>(n);
  }
  return options;
}

Status ValidateS3Options(const S3Options& options) {
  if (!options.endpoint.empty() && options.endpoint.rfind("http://", 0) != 0 &&
      options.endpoint.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("S3 endpoint '" + options.endpoint +
                                   "' must start with http:// or https:// (e.g. http://127.0.0.1:9000)");
  }
  if (!options.sse.empty() && options.sse != "AES256" && options.sse != "aws:kms") {
    return Status::InvalidArgument("unknown --sse '" + options.sse + "': use AES256 or aws:kms");
  }
  if (!options.kms_key_id.empty() && !options.sse.empty() && options.sse != "aws:kms") {
    return Status::InvalidArgument("--kms-key-id needs --sse aws:kms (or no --sse), not --sse " + options.sse);
  }
  return Status::OK();
}

const S3Options& ProcessS3Options() {
  std::lock_guard<std::mutex> lock(g_options_mutex);
  if (!g_options) {
    Result<S3Options> from_env = S3OptionsFromEnvironment();
    g_options = from_env.ok() ? *from_env : S3Options{};
  }
  return *g_options;
}

void SetProcessS3Options(S3Options options) {
  std::lock_guard<std::mutex> lock(g_options_mutex);
  g_options = std::move(options);
}

}  // namespace snaplake::s3
