// The additive figures StatsModel keeps per centre and day (internal to the
// model's source files). Values are stored as (metric << 32 | label).
#ifndef COMPTOIR_HUB_STATS_METRICS_H_
#define COMPTOIR_HUB_STATS_METRICS_H_

#include <cstdint>

namespace comptoir::stats {

enum Metric : uint32_t {
  kBaskets = 1,          // sales not voided
  kVoided,               // sales voided (on the sale's day)
  kDepartmentUnits,      // label: department code
  kDepartmentReference,  // label: department code
  kDepartmentPaid,       // label: department code
  kDonationLots,         // label: donor id
  kDonationUnits,        // label: donor id
  kDonationReference,    // label: donor id
  kExpiredUnits,
  kExpiredReference,
  kTransferredOut,
  kTransferredIn,
  kTransferDamaged,
  kWorkshopSessions,
  kWorkshopPlaces,
  kWorkshopAttendance,
  kRegistrations,
  kRenewals,
  kReferrals,  // label: prescriber id
  kVisits,     // distinct (household, day): a household's baskets of one day are one visit
};

inline uint64_t CounterId(uint32_t metric, uint32_t label) {
  return static_cast<uint64_t>(metric) << 32 | label;
}
inline uint32_t MetricOf(uint64_t id) { return static_cast<uint32_t>(id >> 32); }
inline uint32_t LabelOf(uint64_t id) { return static_cast<uint32_t>(id); }

// year * 12 + month - 1 of a DayNumber.
int32_t MonthIndex(int32_t day);
// First DayNumber of a month index.
int32_t MonthStart(int32_t month_index);

}  // namespace comptoir::stats

#endif  // COMPTOIR_HUB_STATS_METRICS_H_
