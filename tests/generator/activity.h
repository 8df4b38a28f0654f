// A seeded generator of realistic activity for one centre or the whole
// network, played through the real till API (comptoir::Till over each
// centre's NodeStore), with the ground truth of what it did.
//
// What it plays, day by day over the period (same seed, same activity):
//   - families join through the period (registration + referral from one of
//     the network's prescribers, renewed when it runs out); each has a
//     household type, income sources, a reste-à-vivre band and members with
//     birth years; some change their household later;
//   - each family comes on a few days a week or a month, buys 1-5 grocery
//     lines, sometimes clothes, sometimes a haircut for one of its members;
//     some stop coming; some also shop at another centre (roaming);
//   - about one sale in 40 is voided the same day;
//   - donations arrive every week from the network's donors; a lot of
//     yogurts past its use-by date is written off every month;
//   - workshops once a month with registrations and attendance (one
//     attendance is corrected back to absent);
//   - with several centres, one transfer a month between two of them
//     (request, acceptance, shipment, reception with a few units missing or
//     damaged), each step after the network has synced;
//   - optionally one centre is offline for a stretch (its events reach the
//     hub late, when it comes back).
//
// The ground truth (Facts) is recorded from the generator's own decisions
// and prices, independently of the statistics code, and
// tests/generator/expected_stats.h turns it into the expected report.
#ifndef COMPTOIR_TESTS_GENERATOR_ACTIVITY_H_
#define COMPTOIR_TESTS_GENERATOR_ACTIVITY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "node/till.h"

namespace comptoir::generator {

struct ActivityOptions {
  uint64_t seed = 1;
  std::string first_day = "2026-01-01";
  int days = 365;
  // Families registered at each centre over the period.
  int families_per_site = 40;
  // Share of families that also shop at another centre.
  double roaming_share = 0.2;
  // One centre offline from `offline_from` (day index) for `offline_days`.
  std::string offline_site;
  int offline_from = 0;
  int offline_days = 0;
};

// How the generator reaches the network it plays on.
struct NetworkHooks {
  // The time every till sees (ms since the Unix epoch).
  std::function<void(int64_t unix_ms)> set_time;
  // Disconnects a centre from the hub or reconnects it.
  std::function<absl::Status(const std::string& site, bool online)> set_online;
  // Returns once each of `sites` holds every event of the others and the hub
  // holds all of theirs.
  std::function<absl::Status(const std::vector<std::string>& sites)> settle;
};

struct FactLine {
  std::string department;
  int64_t units = 0;
  int64_t reference_cents = 0;
  int64_t paid_cents = 0;
  uint32_t member = 0;  // member served (hair salon), 0 otherwise
};

struct FactSale {
  std::string site;
  std::string day;
  std::string family;
  std::vector<FactLine> lines;
  bool voided = false;
};

struct FactFamily {
  std::string home;  // centre that registered it
  int household_type = 0;
  std::vector<int> income_sources;
  std::string band;
  std::vector<int> birth_years;
};

// An additive figure: metric names as in the CSV export (registrations,
// renewals, referrals, donation_lots/units/reference_cents, expired_units,
// expired_cents, transferred_out_units, transferred_in_units,
// transfer_damaged_units, workshop_sessions/places/attendance).
struct FactCount {
  std::string site;
  std::string day;
  std::string metric;
  std::string label;
  int64_t value = 0;
};

struct Facts {
  std::vector<FactSale> sales;
  std::map<std::string, FactFamily> families;  // latest attributes
  std::vector<FactCount> counts;
};

// Plays the activity. `tills` maps each centre's site id to its Till; the
// catalogue must hold the network's default departments, prescribers and
// donors (a hub's defaults). Fails on the first refusal by a till that the
// generator did not expect (which is a bug in the till or the generator).
absl::StatusOr<Facts> PlayActivity(const ActivityOptions& options,
                                   const std::map<std::string, Till*>& tills,
                                   const NetworkHooks& hooks);

}  // namespace comptoir::generator

#endif  // COMPTOIR_TESTS_GENERATOR_ACTIVITY_H_
