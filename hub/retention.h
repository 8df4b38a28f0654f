// How long the network keeps a household's personal data: the retention rule
// the hub applies (hub/retention_keeper.h), as pure arithmetic on days, with
// no clock and no storage.
//
// A household's personal data is due for erasure `months` calendar months
// (a network setting, 24 by default, after the CNIL's reference framework for
// social support; README, "Durée de conservation") after the latest of:
//   - the end of its last referral (the latest end day among its referrals,
//     ended early or not: a renewal moves it, a running referral's end is in
//     the future, so a household under a referral is never due);
//   - its last visit (a sale that was not voided, or a workshop attended);
//   - its registration (what a household with neither has; counted always,
//     so that a household is never due before it could have been served).
// Adding months keeps the day of the month when the target month has it and
// takes that month's last day otherwise: 31/08 + 6 months = 28/02 (29/02 in a
// leap year); 29/02/2024 + 24 months = 28/02/2026.
//
//   RetentionFacts facts;
//   facts.last_referral_end = DayNumber("2024-03-31");
//   facts.last_visit = DayNumber("2024-05-02");
//   RetentionDueDay(facts, 24);  // DayNumber("2026-05-02")
//
// Days are DayNumbers (common/civil_day.h: days since 1970-01-01).
// Thread-safe: functions of their arguments only.
#ifndef COMPTOIR_HUB_RETENTION_H_
#define COMPTOIR_HUB_RETENTION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "comptoir/v1/till.pb.h"

namespace comptoir {

inline constexpr int kDefaultRetentionMonths = 24;
// A hundred years: beyond it the setting is surely a typing error.
inline constexpr int kMaxRetentionMonths = 1200;

// What the rule reads of one household; a day it lacks is nullopt.
struct RetentionFacts {
  std::optional<int32_t> registered;
  std::optional<int32_t> last_referral_end;
  std::optional<int32_t> last_visit;
};

// `day` plus `months` calendar months (may be negative), the day of the month
// kept or, when the target month is shorter, its last day.
int32_t AddMonths(int32_t day, int months);

// The first day on which the household's personal data may be erased (the
// latest of its days plus `months`); nullopt when no day is known (nothing to
// reckon from: never erased by this rule).
std::optional<int32_t> RetentionDueDay(const RetentionFacts& facts, int months);

// The latest end day among `referrals`; nullopt for none, or when none has a
// valid end day.
std::optional<int32_t> LastReferralEnd(const std::vector<v1::ReferralView>& referrals);

// OK for 1..kMaxRetentionMonths; InvalidArgument in French otherwise.
absl::Status CheckRetentionMonths(int months);

}  // namespace comptoir

#endif  // COMPTOIR_HUB_RETENTION_H_
