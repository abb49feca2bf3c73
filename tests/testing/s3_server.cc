#include "testing/s3_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "testing/test_env.h"

namespace snaplake::testing {

namespace {

bool Accepting(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// The source tree, where the proxy script lives (set by tests/CMakeLists.txt).
std::string SourceDir() { return SNAPLAKE_SOURCE_DIR; }

}  // namespace

std::optional<std::string> TestAwsEnv(const std::string& name) {
  if (name == "AWS_ACCESS_KEY_ID") return std::string(kTestAccessKey);
  if (name == "AWS_SECRET_ACCESS_KEY") return std::string(kTestSecretKey);
  if (name == "AWS_REGION") return std::string("us-east-1");
  return std::nullopt;
}

Result<std::unique_ptr<S3TestServer>> S3TestServer::Launch(const std::string& command_prefix, const std::string& name) {
  std::unique_ptr<S3TestServer> server(new S3TestServer());
  std::string dir_template = (std::filesystem::temp_directory_path() / "snaplake-s3-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) return Status::IOError("mkdtemp failed");
  server->dir_ = dir_template;
  server->log_path_ = server->dir_ + "/" + name + ".log";
  for (int attempt = 0; attempt < 5; ++attempt) {
    SL_ASSIGN_OR_RETURN(server->port_, PickFreePort());
    // setsid: its own process group, so one kill stops python and its threads.
    std::string cmd = StrCat("setsid ", command_prefix, " --port ", std::to_string(server->port_), " >",
                             ShellQuote(server->log_path_), " 2>&1 </dev/null & echo $!");
    std::string out;
    if (RunCommand(cmd, &out) != 0) return Status::IOError("cannot start " + name);
    server->pgid_ = std::atoi(out.c_str());
    // A watchdog kills the server if this test process dies first.
    std::string watchdog =
        StrCat("while kill -0 ", std::to_string(getpid()), " 2>/dev/null && kill -0 ", std::to_string(server->pgid_),
               " 2>/dev/null; do sleep 1; done; kill -9 -", std::to_string(server->pgid_), " 2>/dev/null");
    RunCommand(StrCat("setsid sh -c ", ShellQuote(watchdog), " </dev/null >/dev/null 2>&1 &"), nullptr);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Accepting(server->port_)) return server;
      if (kill(server->pgid_, 0) != 0) break;  // exited (port taken?): try another port
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(-server->pgid_, SIGKILL);
  }
  std::string log;
  (void)RunCommand("tail -5 " + ShellQuote(server->log_path_), &log);
  return Status::IOError(StrCat(name, " did not start: ", log));
}

Result<std::unique_ptr<S3TestServer>> S3TestServer::StartMoto(const S3ServerOptions& options) {
  if (RunCommand("python3 -c 'import moto.server' >/dev/null 2>&1", nullptr) != 0) {
    return Status::NotFound("moto is not installed (python3 -m moto.server); run `make setup`");
  }
  std::string env = options.auth_after_actions >= 0
                        ? StrCat("env INITIAL_NO_AUTH_ACTION_COUNT=", std::to_string(options.auth_after_actions), " ")
                        : "";
  std::string tls;
  if (!options.tls_cert.empty()) {
    tls = StrCat(" -c ", ShellQuote(options.tls_cert), " -k ", ShellQuote(options.tls_key));
  }
  SL_ASSIGN_OR_RETURN(auto server, Launch(StrCat(env, "python3 -m moto.server -H 127.0.0.1", tls), "moto"));
  if (!tls.empty()) server->scheme_ = "https";
  return server;
}

Result<std::unique_ptr<S3TestServer>> S3TestServer::StartS3rver(const std::string& bucket) {
  const std::string npx = "env NODE_OPTIONS=--openssl-legacy-provider npx --yes s3rver@3.7.1";
  if (RunCommand(npx + " --version >/dev/null 2>&1", nullptr) != 0) {
    return Status::NotFound("s3rver is not installed (npx s3rver@3.7.1 failed); run `make setup`");
  }
  std::string dir_template = (std::filesystem::temp_directory_path() / "snaplake-s3rver-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) return Status::IOError("mkdtemp failed");
  Result<std::unique_ptr<S3TestServer>> server =
      Launch(StrCat(npx, " -d ", ShellQuote(dir_template), " -a 127.0.0.1 --configure-bucket ", ShellQuote(bucket)),
             "s3rver");
  if (server.ok()) (*server)->extra_dirs_.push_back(dir_template);
  return server;
}

Result<std::unique_ptr<S3TestServer>> S3TestServer::StartFaultProxy(const S3TestServer& upstream, int fault_percent,
                                                                    uint64_t seed) {
  std::string script = SourceDir() + "/tests/testing/s3_fault_proxy.py";
  return Launch(StrCat("python3 ", ShellQuote(script), " --upstream 127.0.0.1:", std::to_string(upstream.port()),
                       " --fault-percent ", std::to_string(fault_percent), " --seed ", std::to_string(seed)),
                "fault-proxy");
}

Result<std::unique_ptr<S3TestServer>> S3TestServer::StartFixedAnswer(const S3TestServer& upstream, int status,
                                                                     const std::string& code,
                                                                     const std::string& header) {
  std::string script = SourceDir() + "/tests/testing/s3_fault_proxy.py";
  return Launch(StrCat("python3 ", ShellQuote(script), " --upstream 127.0.0.1:", std::to_string(upstream.port()),
                       " --fault-percent 0 --answer ", std::to_string(status), " ", ShellQuote(code), " ",
                       header.empty() ? "" : ShellQuote(header)),
                "fixed-answer");
}

S3TestServer::~S3TestServer() {
  if (pgid_ > 0) kill(-pgid_, SIGKILL);
  if (std::getenv("SNAPLAKE_KEEP_TEMP") == nullptr) {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    for (const std::string& dir : extra_dirs_) std::filesystem::remove_all(dir, ec);
  }
}

std::string S3TestServer::ShellEnv() const {
  return StrCat("AWS_ACCESS_KEY_ID=", ShellQuote(kTestAccessKey), " AWS_SECRET_ACCESS_KEY=", ShellQuote(kTestSecretKey),
                " AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL=", endpoint(), " AWS_CONFIG_FILE=/dev/null",
                " AWS_SHARED_CREDENTIALS_FILE=/dev/null");
}

s3::S3Options S3TestServer::Options() const {
  s3::S3Options options;
  options.endpoint = endpoint();
  options.region = "us-east-1";
  return options;
}

Result<std::string> S3TestServer::Aws(const std::string& args) const {
  std::string out, err;
  int rc = RunCommandCapture(StrCat(ShellEnv(), " aws --endpoint-url ", endpoint(), " ", args), &out, &err);
  if (rc != 0) return Status::IOError(StrCat("aws ", args, " failed (", std::to_string(rc), "): ", err));
  return out;
}

Status S3TestServer::CreateBucket(const std::string& bucket) const {
  return Aws("s3api create-bucket --bucket " + ShellQuote(bucket)).status();
}

Result<std::string> S3TestServer::ListUploads(const std::string& bucket) const {
  return Aws("s3api list-multipart-uploads --bucket " + ShellQuote(bucket) +
             " --query 'Uploads[].Key' --output text");
}

S3TestServer* SharedMoto(std::string* why) {
  static std::once_flag once;
  static std::unique_ptr<S3TestServer> server;
  static std::string failure;
  std::call_once(once, [] {
    Result<std::unique_ptr<S3TestServer>> started = S3TestServer::StartMoto();
    if (started.ok()) {
      server = std::move(*started);
    } else {
      failure = started.status().message();
    }
  });
  if (why != nullptr) *why = failure;
  return server.get();
}

}  // namespace snaplake::testing
