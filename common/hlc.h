// Hybrid logical clock (Kulkarni et al.): orders events across sites whose wall
// clocks may be wrong by hours, without ever going backwards.
//
// Format: uint64 = (milliseconds since the Unix epoch, UTC) << 16 | logical counter.
// Now() returns max(last + 1, physical << 16): strictly increasing even when the
// physical clock jumps back; Observe() folds in a remote timestamp so that what
// happens after receiving an event is ordered after it.
//
// Thread-safe.
//
//   HybridClock clock;                 // system clock
//   clock.Observe(persisted_last_hlc); // at start-up
//   uint64_t t = clock.Now();
#ifndef COMPTOIR_COMMON_HLC_H_
#define COMPTOIR_COMMON_HLC_H_

#include <cstdint>
#include <functional>
#include <mutex>

#include "absl/base/thread_annotations.h"

namespace comptoir {

class HybridClock {
 public:
  // Returns milliseconds since the Unix epoch.
  using PhysicalClock = std::function<int64_t()>;

  // Uses the system's real-time clock.
  HybridClock();
  // An empty `physical` means the system clock.
  explicit HybridClock(PhysicalClock physical);

  HybridClock(const HybridClock&) = delete;
  HybridClock& operator=(const HybridClock&) = delete;

  // A timestamp greater than every one returned or observed before.
  uint64_t Now();
  // Makes later Now() results greater than `remote`.
  void Observe(uint64_t remote);
  // The last value returned or observed.
  uint64_t Last();

  static int64_t PhysicalMillis(uint64_t hlc) { return static_cast<int64_t>(hlc >> 16); }
  static uint64_t FromMillis(int64_t millis) { return static_cast<uint64_t>(millis) << 16; }

 private:
  PhysicalClock physical_;
  std::mutex mu_;
  uint64_t last_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_HLC_H_
