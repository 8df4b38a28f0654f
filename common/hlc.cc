#include "common/hlc.h"

#include <algorithm>

#include "absl/time/clock.h"

namespace comptoir {

HybridClock::HybridClock() : HybridClock(PhysicalClock()) {}

HybridClock::HybridClock(PhysicalClock physical) : physical_(std::move(physical)) {
  if (!physical_) physical_ = [] { return absl::ToUnixMillis(absl::Now()); };
}

uint64_t HybridClock::Now() {
  const int64_t millis = std::max<int64_t>(0, physical_());
  std::lock_guard<std::mutex> lock(mu_);
  last_ = std::max(last_ + 1, FromMillis(millis));
  return last_;
}

void HybridClock::Observe(uint64_t remote) {
  std::lock_guard<std::mutex> lock(mu_);
  last_ = std::max(last_, remote);
}

uint64_t HybridClock::Last() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

}  // namespace comptoir
