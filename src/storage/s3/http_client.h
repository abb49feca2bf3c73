// A small HTTP/1.1 client over libcurl for the S3 protocol: one request at a
// time per call, connections kept alive in a pool shared by threads. It
// neither retries nor interprets statuses (the S3 client does both), and it
// never logs: URLs and headers may carry signatures.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/buffer.h"
#include "storage/s3/sigv4_signer.h"

namespace snaplake::s3 {

struct HttpClientOptions {
  bool verify_ssl = true;
  std::string ca_bundle;
  int connect_timeout_ms = 10'000;
  // A transfer slower than 1 byte/s for this long is cut (a stalled peer).
  int stall_timeout_s = 60;
};

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;     // fully encoded
  HeaderList headers;
  ByteView body;
  // For GET: when set, the body goes here (exactly `sink_capacity` bytes expected).
  uint8_t* sink = nullptr;
  size_t sink_capacity = 0;
};

struct HttpResponse {
  long status = 0;            // 0 when the exchange failed below HTTP
  std::string transport_error;  // curl's description when status == 0
  bool transport_retryable = false;
  bool connect_failed = false;  // no connection at all (refused, unresolvable host)
  HeaderList headers;         // names lower-cased
  std::string body;           // unless a sink was given
  size_t sink_bytes = 0;      // bytes written to the sink
  // The value of header `lower_name`, or "".
  std::string Header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse Send(const HttpRequest& request);

 private:
  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  HttpClientOptions options_;
  std::mutex mutex_;
  std::vector<void*> idle_;  // CURL* kept for connection reuse
};

}  // namespace snaplake::s3
