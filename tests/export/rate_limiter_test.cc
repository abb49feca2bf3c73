#include "export/rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>

namespace snaplake::exporting {
namespace {

TEST(RateLimit, ParsesRowsAndByteUnits) {
  struct Case {
    const char* text;
    RateLimit::Unit unit;
    double per_second;
  } cases[] = {
      {"20000rows", RateLimit::Unit::kRows, 20000},  {"1500 rows/s", RateLimit::Unit::kRows, 1500},
      {"50MB", RateLimit::Unit::kBytes, 50e6},        {"50MiB/s", RateLimit::Unit::kBytes, 50.0 * 1048576},
      {"1.5GB", RateLimit::Unit::kBytes, 1.5e9},      {"800KiB", RateLimit::Unit::kBytes, 800.0 * 1024},
      {"", RateLimit::Unit::kNone, 0},                {"0", RateLimit::Unit::kNone, 0},
  };
  for (const Case& c : cases) {
    Result<RateLimit> r = ParseRateLimit(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().message();
    EXPECT_EQ(r->unit, c.unit) << c.text;
    EXPECT_DOUBLE_EQ(r->per_second, c.per_second) << c.text;
  }
}

TEST(RateLimit, RejectsAmbiguousOrMalformedRates) {
  for (const char* bad : {"5000", "fast", "-3MB", "10 parsecs", "MB"}) {
    Result<RateLimit> r = ParseRateLimit(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("--max-rate"), std::string::npos);
    EXPECT_NE(r.status().message().find("20000rows"), std::string::npos);
  }
}

TEST(RateLimiter, HoldsThroughputToTheCap) {
  RateLimit limit;
  limit.unit = RateLimit::Unit::kRows;
  limit.per_second = 20000;
  RateLimiter limiter(limit);
  auto start = std::chrono::steady_clock::now();
  // 10,000 rows at 20,000/s: about half a second (less the initial burst of 2,000).
  for (int i = 0; i < 100; ++i) limiter.Acquire(100);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(seconds, 0.35);
  EXPECT_LT(seconds, 2.0);
}

TEST(RateLimiter, DisabledNeverWaits) {
  RateLimiter limiter(RateLimit{});
  EXPECT_FALSE(limiter.enabled());
  auto start = std::chrono::steady_clock::now();
  limiter.Acquire(int64_t{1} << 40);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.1);
}

}  // namespace
}  // namespace snaplake::exporting
