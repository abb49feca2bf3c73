// Credentials and region in the AWS CLI's order, from a fake environment and
// profile files in a temporary HOME.
#include "storage/s3/aws_credentials.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/s3/s3_options.h"
#include "storage/s3/s3_xml.h"
#include "testing/test_env.h"

namespace snaplake::s3 {
namespace {

using ::testing::HasSubstr;

class AwsCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vars_["HOME"] = home_.path();
    ASSERT_EQ(RunCommand("mkdir -p " + ShellQuote(home_.Path(".aws")), nullptr), 0);
  }
  EnvLookup Env() const {
    return [vars = vars_](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteStringToFile(home_.Path(".aws/" + name), text).ok());
  }

  TempDir home_;
  std::map<std::string, std::string> vars_;
};

TEST_F(AwsCredentialsTest, EnvironmentComesFirst) {
  Write("credentials", "[default]\naws_access_key_id = FROMFILE\naws_secret_access_key = filesecret\n");
  vars_["AWS_ACCESS_KEY_ID"] = "FROMENV";
  vars_["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  vars_["AWS_SESSION_TOKEN"] = "token";
  Result<ResolvedCredentials> got = ResolveCredentials("", Env());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->credentials.access_key_id, "FROMENV");
  EXPECT_EQ(got->credentials.session_token, "token");
  EXPECT_EQ(got->source, "environment");
}

TEST_F(AwsCredentialsTest, HalfTheEnvironmentIsAnError) {
  vars_["AWS_ACCESS_KEY_ID"] = "ONLYKEY";
  Result<ResolvedCredentials> got = ResolveCredentials("", Env());
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("AWS_SECRET_ACCESS_KEY is not"));
}

TEST_F(AwsCredentialsTest, ProfilesFromBothFilesAndRegionOrder) {
  Write("credentials",
        "# comment\n[default]\naws_access_key_id=DEFAULTKEY\naws_secret_access_key=defaultsecret\n\n"
        "[nightly]\naws_access_key_id = NIGHTLYKEY\naws_secret_access_key = nightly/secret+x\n");
  Write("config", "[default]\nregion = eu-west-1\n[profile nightly]\nregion = ap-south-1\ns3 =\n  addressing_style = path\n");
  Result<ResolvedCredentials> def = ResolveCredentials("", Env());
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->credentials.access_key_id, "DEFAULTKEY");
  EXPECT_EQ(ResolveRegion("", Env()), "eu-west-1");

  vars_["AWS_PROFILE"] = "nightly";
  Result<ResolvedCredentials> nightly = ResolveCredentials("", Env());
  ASSERT_TRUE(nightly.ok());
  EXPECT_EQ(nightly->credentials.secret_access_key, "nightly/secret+x");
  EXPECT_THAT(nightly->source, HasSubstr("profile 'nightly'"));
  EXPECT_EQ(ResolveRegion("", Env()), "ap-south-1");
  EXPECT_EQ(ResolveRegion("default", Env()), "eu-west-1") << "--profile wins over AWS_PROFILE";
  vars_["AWS_DEFAULT_REGION"] = "us-west-2";
  EXPECT_EQ(ResolveRegion("", Env()), "us-west-2");
  vars_["AWS_REGION"] = "ca-central-1";
  EXPECT_EQ(ResolveRegion("", Env()), "ca-central-1");
}

TEST_F(AwsCredentialsTest, UnsupportedProfileKindsSayWhatToDo) {
  Write("config",
        "[profile assumer]\nrole_arn = arn:aws:iam::123:role/export\nsource_profile = default\n"
        "[profile proc]\ncredential_process = /bin/get-creds\n");
  Result<ResolvedCredentials> role = ResolveCredentials("assumer", Env());
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.status().code(), StatusCode::kNotImplemented);
  EXPECT_THAT(role.status().message(), HasSubstr("role_arn"));
  EXPECT_THAT(role.status().message(), HasSubstr("aws configure export-credentials --profile assumer"));
  Result<ResolvedCredentials> proc = ResolveCredentials("proc", Env());
  ASSERT_FALSE(proc.ok());
  EXPECT_THAT(proc.status().message(), HasSubstr("credential_process"));
  Result<ResolvedCredentials> missing = ResolveCredentials("nosuch", Env());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("profile 'nosuch' has no aws_access_key_id"));
}

TEST_F(AwsCredentialsTest, NothingAnywhereSaysWhereCredentialsComeFrom) {
  Result<ResolvedCredentials> none = ResolveCredentials("", Env());
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("no AWS credentials found"));
  EXPECT_THAT(none.status().message(), HasSubstr("--no-sign-request"));
  EXPECT_EQ(ResolveRegion("", Env()), "us-east-1");
}

TEST(S3Options, EnvironmentAndValidation) {
  std::map<std::string, std::string> vars = {{"AWS_ENDPOINT_URL", "http://generic:1"},
                                             {"AWS_ENDPOINT_URL_S3", "http://s3only:2"},
                                             {"AWS_MAX_ATTEMPTS", "4"},
                                             {"SNAPLAKE_S3_ADDRESSING", "virtual"}};
  EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  Result<S3Options> options = S3OptionsFromEnvironment(env);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->endpoint, "http://s3only:2");
  EXPECT_EQ(options->max_attempts, 4);
  EXPECT_EQ(options->addressing, Addressing::kVirtual);
  vars["AWS_MAX_ATTEMPTS"] = "lots";
  EXPECT_THAT(S3OptionsFromEnvironment(env).status().message(), HasSubstr("AWS_MAX_ATTEMPTS='lots'"));
  S3Options bad;
  bad.endpoint = "127.0.0.1:9000";
  EXPECT_THAT(ValidateS3Options(bad).message(), HasSubstr("must start with http://"));
  bad = S3Options{};
  bad.sse = "AES256";
  bad.kms_key_id = "k";
  EXPECT_THAT(ValidateS3Options(bad).message(), HasSubstr("--kms-key-id needs --sse aws:kms"));
}

TEST(S3Xml, ElementsTextAndEntities) {
  const std::string xml =
      "<ListBucketResult><KeyCount>2</KeyCount><Contents><Key>a&amp;b &lt;c&gt; &#233;&#x4e2d;</Key><Size>1</Size>"
      "</Contents><Contents><Key>x</Key><Size>22</Size></Contents><Empty/></ListBucketResult>";
  std::vector<std::string_view> contents = XmlElements(xml, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlText(contents[0], "Key"), "a&b <c> \xC3\xA9\xE4\xB8\xAD");
  EXPECT_EQ(XmlText(contents[1], "Size"), "22");
  EXPECT_EQ(XmlText(xml, "Key"), "a&b <c> \xC3\xA9\xE4\xB8\xAD") << "<KeyCount> is not <Key>";
  EXPECT_EQ(XmlElements(xml, "Empty").size(), 1u);
  EXPECT_EQ(XmlText(xml, "Missing"), "");
  EXPECT_EQ(XmlUnescape(XmlEscape("<a href=\"x\">'&'</a>")), "<a href=\"x\">'&'</a>");
}

}  // namespace
}  // namespace snaplake::s3
