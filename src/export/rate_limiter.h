// RateLimiter: caps how fast an export reads from its source (--max-rate), so
// a nightly export cannot starve production traffic. A token bucket shared by
// all workers; Acquire() sleeps when the bucket is empty.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"

namespace snaplake::exporting {

struct RateLimit {
  enum class Unit { kNone, kRows, kBytes };
  Unit unit = Unit::kNone;
  double per_second = 0;
};

// "20000rows", "20000 rows/s", "50MB", "50MiB/s", "1.5GB", "800KiB". A unit is
// required: a bare number is ambiguous. "0" or "" means no limit.
Result<RateLimit> ParseRateLimit(std::string_view text);
std::string RateLimitToString(const RateLimit& limit);

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit);
  bool enabled() const { return limit_.unit != RateLimit::Unit::kNone; }
  RateLimit::Unit unit() const { return limit_.unit; }
  // Accounts for `amount` units just read; sleeps as long as the cap requires,
  // in short naps that end early once `should_stop` says so (a cancel must
  // not wait out a long pause at a low rate).
  void Acquire(int64_t amount, const std::function<bool()>& should_stop = nullptr);

 private:
  using Clock = std::chrono::steady_clock;
  RateLimit limit_;
  std::mutex mutex_;
  double available_ = 0;  // tokens; may go negative (debt paid by sleeping)
  Clock::time_point last_;
};

}  // namespace snaplake::exporting
