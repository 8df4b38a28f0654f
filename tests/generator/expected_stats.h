// The report a generator's Facts should produce, computed by brute force over
// every recorded fact (no incremental state): the independent side of the
// statistics tests.
#ifndef COMPTOIR_TESTS_GENERATOR_EXPECTED_STATS_H_
#define COMPTOIR_TESTS_GENERATOR_EXPECTED_STATS_H_

#include <string>

#include "comptoir/v1/stats.pb.h"
#include "tests/generator/activity.h"

namespace comptoir::generator {

// The row for days [from, to] ("YYYY-MM-DD"), for `site` (empty: the network),
// with "still coming" meaning a visit in the last `still_coming_weeks` weeks.
// Running costs are 0 (not part of the facts), so the balance is what was paid.
v1::StatsRow ExpectedRow(const Facts& facts, const std::string& from, const std::string& to,
                         const std::string& site, int still_coming_weeks = 8);

}  // namespace comptoir::generator

#endif  // COMPTOIR_TESTS_GENERATOR_EXPECTED_STATS_H_
