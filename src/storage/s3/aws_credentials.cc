#include "storage/s3/aws_credentials.h"

#include <fstream>

namespace snaplake::s3 {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string HomeFile(const EnvLookup& env, const char* override_var, const char* name) {
  if (auto v = env(override_var)) return *v;
  std::string home = env("HOME").value_or("");
  return home + "/.aws/" + name;
}

std::string ProfileName(const std::string& profile, const EnvLookup& env) {
  if (!profile.empty()) return profile;
  return env("AWS_PROFILE").value_or("default");
}

// Settings of `profile`: the credentials file's [name] over the config file's
// [profile name] ([default] in both for the default profile).
Result<ProfileSection> ProfileSettings(const std::string& name, const EnvLookup& env, std::string* found_in) {
  std::string credentials_file = HomeFile(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  std::string config_file = HomeFile(env, "AWS_CONFIG_FILE", "config");
  SL_ASSIGN_OR_RETURN(ProfileSection from_config,
                      ReadProfileSection(config_file, name == "default" ? "default" : "profile " + name));
  SL_ASSIGN_OR_RETURN(ProfileSection from_credentials, ReadProfileSection(credentials_file, name));
  if (!from_credentials.empty()) {
    *found_in = credentials_file;
  } else if (!from_config.empty()) {
    *found_in = config_file;
  }
  for (auto& [key, value] : from_config) from_credentials.emplace(key, value);
  return from_credentials;
}

std::string ExportAdvice(const std::string& profile) {
  return "export plain credentials first, e.g. eval \"$(aws configure export-credentials --profile " + profile +
         " --format env)\"";
}

}  // namespace

Result<ProfileSection> ReadProfileSection(const std::string& path, const std::string& section) {
  ProfileSection out;
  std::ifstream in(path);
  if (!in) return out;
  std::string line;
  bool inside = false;
  std::string last_key;
  while (std::getline(in, line)) {
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || trimmed[0] == ';') continue;
    if (trimmed.front() == '[') {
      if (trimmed.back() != ']') return Status::InvalidArgument("malformed section header '" + trimmed + "' in " + path);
      inside = Trim(trimmed.substr(1, trimmed.size() - 2)) == section;
      continue;
    }
    if (!inside) continue;
    // Indented lines continue a nested block (e.g. `s3 =` sub-settings): not ours.
    if (line[0] == ' ' || line[0] == '\t') continue;
    size_t eq = trimmed.find('=');
    if (eq == std::string::npos) continue;
    out[Trim(trimmed.substr(0, eq))] = Trim(trimmed.substr(eq + 1));
  }
  return out;
}

Result<ResolvedCredentials> ResolveCredentials(const std::string& profile, const EnvLookup& env) {
  ResolvedCredentials out;
  auto key_id = env("AWS_ACCESS_KEY_ID");
  auto secret = env("AWS_SECRET_ACCESS_KEY");
  if (key_id && secret) {
    out.credentials = {*key_id, *secret, env("AWS_SESSION_TOKEN").value_or("")};
    out.source = "environment";
    return out;
  }
  if (key_id || secret) {
    return Status::InvalidArgument(std::string("AWS_") + (key_id ? "ACCESS_KEY_ID" : "SECRET_ACCESS_KEY") +
                                   " is set but AWS_" + (key_id ? "SECRET_ACCESS_KEY" : "ACCESS_KEY_ID") +
                                   " is not: set both, or neither to use a profile");
  }
  std::string name = ProfileName(profile, env);
  std::string found_in;
  SL_ASSIGN_OR_RETURN(ProfileSection settings, ProfileSettings(name, env, &found_in));
  auto get = [&](const char* key) {
    auto it = settings.find(key);
    return it == settings.end() ? std::string() : it->second;
  };
  if (!get("aws_access_key_id").empty() && !get("aws_secret_access_key").empty()) {
    out.credentials = {get("aws_access_key_id"), get("aws_secret_access_key"), get("aws_session_token")};
    out.source = "profile '" + name + "' in " + found_in;
    return out;
  }
  if (!get("role_arn").empty()) {
    return Status::NotImplemented("AWS profile '" + name + "' assumes role " + get("role_arn") +
                                  " (role_arn), which snaplake cannot do yet: " + ExportAdvice(name));
  }
  if (!get("credential_process").empty()) {
    return Status::NotImplemented("AWS profile '" + name +
                                  "' uses credential_process, which snaplake cannot run yet: " + ExportAdvice(name));
  }
  if (!get("sso_session").empty() || !get("sso_start_url").empty()) {
    return Status::NotImplemented("AWS profile '" + name + "' uses SSO, which snaplake cannot do yet: " +
                                  ExportAdvice(name));
  }
  if (env("AWS_WEB_IDENTITY_TOKEN_FILE")) {
    return Status::NotImplemented(
        "AWS_WEB_IDENTITY_TOKEN_FILE is set, but web identity credentials are not supported yet: set "
        "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN");
  }
  if (profile.empty() && !env("AWS_PROFILE") && found_in.empty()) {
    return Status::InvalidArgument(
        "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in "
        "~/.aws/credentials (AWS_PROFILE), or use --no-sign-request for a public bucket");
  }
  return Status::InvalidArgument("AWS profile '" + name + "' has no aws_access_key_id/aws_secret_access_key in " +
                                 HomeFile(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials") + " or " +
                                 HomeFile(env, "AWS_CONFIG_FILE", "config"));
}

std::string ResolveRegion(const std::string& profile, const EnvLookup& env) {
  if (auto v = env("AWS_REGION")) return *v;
  if (auto v = env("AWS_DEFAULT_REGION")) return *v;
  std::string found_in;
  Result<ProfileSection> settings = ProfileSettings(ProfileName(profile, env), env, &found_in);
  if (settings.ok()) {
    auto it = settings->find("region");
    if (it != settings->end() && !it->second.empty()) return it->second;
  }
  return "us-east-1";
}

}  // namespace snaplake::s3
