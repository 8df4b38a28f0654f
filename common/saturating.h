// Counters that cannot overflow. Statistics and views add up values that
// every replica range-checks (common/limits.h), but a long enough run of
// maximal values from a misbehaving centre could still pass int64's range:
// such a sum stops at the limit instead of wrapping into nonsense (signed
// overflow is undefined behaviour in C++).
#ifndef COMPTOIR_COMMON_SATURATING_H_
#define COMPTOIR_COMMON_SATURATING_H_

#include <cstdint>
#include <limits>

namespace comptoir {

// a + b, clamped to [INT64_MIN, INT64_MAX].
inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_SATURATING_H_
