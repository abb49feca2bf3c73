#include "export/rate_limiter.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <thread>

namespace snaplake::exporting {

Result<RateLimit> ParseRateLimit(std::string_view text) {
  RateLimit limit;
  std::string s;
  for (char c : text) {
    if (c != ' ') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, "/s") == 0) s.resize(s.size() - 2);
  if (s.empty() || s == "0") return limit;
  char* end = nullptr;
  double value = std::strtod(s.c_str(), &end);
  std::string unit(end);
  auto bad = [&]() {
    return Status::InvalidArgument("--max-rate '" + std::string(text) +
                                   "': write a number with a unit, e.g. 20000rows, 50MB or 50MiB (per second)");
  };
  if (end == s.c_str() || !(value > 0)) return bad();
  static const struct {
    const char* name;
    double factor;
  } kBytes[] = {{"b", 1},         {"kb", 1e3},           {"mb", 1e6},           {"gb", 1e9},
                {"kib", 1024.0},  {"mib", 1048576.0},    {"gib", 1073741824.0}};
  if (unit == "rows" || unit == "row" || unit == "r") {
    limit.unit = RateLimit::Unit::kRows;
    limit.per_second = value;
    return limit;
  }
  for (const auto& b : kBytes) {
    if (unit == b.name) {
      limit.unit = RateLimit::Unit::kBytes;
      limit.per_second = value * b.factor;
      return limit;
    }
  }
  return bad();
}

std::string RateLimitToString(const RateLimit& limit) {
  switch (limit.unit) {
    case RateLimit::Unit::kNone:
      return "unlimited";
    case RateLimit::Unit::kRows:
      return std::to_string(static_cast<int64_t>(limit.per_second)) + " rows/s";
    case RateLimit::Unit::kBytes:
      return std::to_string(static_cast<int64_t>(limit.per_second)) + " bytes/s";
  }
  return "unlimited";
}

RateLimiter::RateLimiter(RateLimit limit) : limit_(limit), last_(Clock::now()) {
  // A small burst (a tenth of a second) keeps workers from sleeping for crumbs.
  available_ = limit_.per_second / 10;
}

void RateLimiter::Acquire(int64_t amount, const std::function<bool()>& should_stop) {
  if (!enabled() || amount <= 0) return;
  double wait_seconds = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Clock::time_point now = Clock::now();
    double elapsed = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    available_ = std::min(available_ + elapsed * limit_.per_second, limit_.per_second / 10);
    available_ -= static_cast<double>(amount);
    if (available_ < 0) wait_seconds = -available_ / limit_.per_second;
  }
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait_seconds));
  while (wait_seconds > 0 && Clock::now() < until) {
    if (should_stop && should_stop()) return;
    std::this_thread::sleep_for(std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(50)));
  }
}

}  // namespace snaplake::exporting
