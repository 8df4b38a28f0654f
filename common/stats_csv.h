// The network report (stats.proto) as CSV, for spreadsheets and funders.
//
// Format: one figure per line, header
//   from_day,to_day,site,metric,label,value
// site is "network" for the whole network; label is empty for figures
// without one (department code, donor id, household type, income source or
// group, reste-à-vivre band, prescriber id, cohort month "2026-03+2").
// Money is in cents (metrics ending in _cents), shares in percent with one
// decimal (metrics ending in _share_pct). Metric names are stable: new ones
// may be added, none is renamed. The README lists them.
#ifndef COMPTOIR_COMMON_STATS_CSV_H_
#define COMPTOIR_COMMON_STATS_CSV_H_

#include <string>

#include "comptoir/v1/stats.pb.h"

namespace comptoir {

std::string StatsReportCsv(const v1::StatsReport& report);

// "66.0" for 2 of 3 (one decimal, rounded half up); "0.0" when `total` is 0.
std::string SharePercent(int64_t part, int64_t total);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_STATS_CSV_H_
