// StatsModel: the hub's statistics, folded incrementally from events as they
// are appended, so that a report never reads the log.
//
// What is kept, in memory:
//   households  numbered densely (0, 1, 2... as first met); per household its
//               profile (type, income sources, reste-à-vivre band, members'
//               birth years: from the family view, never a name), its visits
//               [(day, centre, baskets)] sorted by day and its hair-salon
//               services [(day, centre, member, count)] (what voids need);
//   presence    who was there when (hub/stats_presence.h): households by day,
//               network-wide and per centre (over the centre's own numbering
//               of the households it has seen), and likewise persons served at
//               the hair salon;
//   counters    per centre, per day and per month: additive figures keyed by
//               (metric, label), e.g. (department paid, "epicerie"), and the
//               visits (distinct household, day, centre);
//   workshops   each session's day and centre, the latest attendance state of
//               each (workshop, family, member), and per household the days
//               it attended (its last visit, for retention);
//   costs       running costs per (centre, year), latest entry wins.
// A report ORs the presence bitmaps of the period's months (day masks only
// for partial months at its ends), then reads the profiles of the households
// found; sums month counters for whole months and day counters for the ends.
// Its cost grows with the households welcomed and the months covered, not
// with the number of visits.
//
// Fold rules (the README's "Statistics" section states them for people):
// sales count on their own day at their centre; a void removes its sale from
// the sale's day (the sale is looked up through Context, it precedes the void
// in its origin's chain); stock, transfers and workshops count on the day the
// event names (registrations and renewals: the till's day; for early events
// without one, the Paris day of the event's clock).
//
// Thread-safety: all methods may be called from any thread; folds take a
// writer lock, reports a reader lock.
#ifndef COMPTOIR_HUB_STATS_MODEL_H_
#define COMPTOIR_HUB_STATS_MODEL_H_

#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "comptoir/v1/events.pb.h"
#include "hub/stats_presence.h"
#include "comptoir/v1/stats.pb.h"
#include "comptoir/v1/views.pb.h"

namespace comptoir {

class StatsModel {
 public:
  // What a fold may need to look up in the hub's store.
  class Context {
   public:
    virtual ~Context() = default;
    // The core of event (origin, seq), nullopt if not held.
    virtual std::optional<v1::EventCore> Core(absl::string_view origin, uint64_t seq) const = 0;
    // A product's shop price per unit in cents (0 if unknown).
    virtual int64_t ReferencePrice(absl::string_view product_id) const = 0;
  };

  StatsModel() {
    labels_.emplace_back();  // label 0: figures without a label
    label_index_.emplace("", 0);
  }

  // Folds one appended event. Events of one origin must come in seq order
  // (the hub's log guarantees it); origins may interleave in any way.
  void Fold(const v1::EventCore& core, const Context& context);
  // Replaces a household's attributes with the family view's latest record.
  void SetHousehold(const v1::FamilyRecord& record);

  struct Query {
    int32_t from_day = 0;  // DayNumber, inclusive
    int32_t to_day = 0;    // DayNumber, inclusive
    std::string site;      // empty: network
    int32_t still_coming_days = 56;
  };
  // One row of the report. Never fails: unknown centres give zeros.
  v1::StatsRow Row(const Query& query) const;

  // Centres that have sent anything or have running costs entered, in order (not "hub").
  std::vector<std::string> Sites() const;

  // The last day (DayNumber) each household was seen: a visit with a basket
  // left (not voided), or a workshop it attended (the session's day). A
  // household never seen is absent. For the retention rule (hub/retention.h);
  // one pass over the households, under the reader lock.
  std::unordered_map<std::string, int32_t> LastVisits() const;

 private:
  struct Visit {
    int32_t day;
    uint16_t site;
    int32_t baskets;
  };
  struct HairService {
    int32_t day;
    uint16_t site;
    uint32_t member;
    int32_t count;
  };
  // What the report reads of a household, in one dense array by household
  // number (the report's pass touches nothing else per household).
  static constexpr int kProfileYears = 4;
  struct Profile {
    uint32_t income_mask = 0;  // bit per v1::IncomeSource
    uint32_t band = 0;  // label id; 0: not told
    uint16_t persons = 0;
    uint8_t household_type = 0;
    // The youngest members' birth years, youngest first, 0 after the known
    // ones; the rest are in Household::birth_years.
    uint16_t youngest[kProfileYears] = {};
  };
  struct Household {
    std::vector<uint16_t> birth_years;  // youngest first, unknown (0) last
    std::vector<Visit> visits;  // sorted by (day, site)
    std::vector<HairService> hair;
    // Workshop sessions attended: (day, members present), sorted by day.
    std::vector<std::pair<int32_t, int32_t>> attended;
  };
  // Dense numbers of one centre for ids of the network (households, persons).
  struct LocalIds {
    std::vector<uint32_t> network;  // local -> network id
    absl::flat_hash_map<uint32_t, uint32_t> local;  // network -> local id
    uint32_t Of(uint32_t network_id);
  };
  // Additive figures of one centre over one day or month: (counter number,
  // value) sorted by number. A few dozen at most: contiguous, so that a
  // report's sum reads a month in a few cache lines.
  using Counters = std::vector<std::pair<uint32_t, int64_t>>;
  struct Site {
    std::map<int32_t, Counters> days;
    std::map<int32_t, Counters> months;  // year * 12 + month - 1
    LocalIds households;
    stats::Presence visits;  // over `households`
    LocalIds persons;
    stats::Presence hair;  // over `persons`
  };
  // Who is counted by a report: the network's presence or a centre's.
  struct Population {
    const stats::Presence* visits;
    const stats::Presence* hair;
    const std::vector<uint32_t>* households;  // local -> household number; null: the same
  };
  struct Workshop {
    int32_t day;
    uint16_t site;
  };

  uint32_t HouseholdOf(const std::string& family_id);
  uint32_t PersonOf(uint32_t household, uint32_t member);
  uint16_t SiteIndex(absl::string_view site);
  uint32_t Label(absl::string_view label);
  uint32_t Counter(int metric, uint32_t label);
  // The counters an event adds to: its day's and its month's at its centre
  // (looked up once for the many figures of a sale).
  struct Tally {
    Counters* day;
    Counters* month;
  };
  Tally TallyOf(uint16_t site, int32_t day);
  void Add(const Tally& tally, int metric, absl::string_view label, int64_t delta);
  void Add(uint16_t site, int32_t day, int metric, absl::string_view label, int64_t delta);
  void FoldSale(const v1::EventCore& core, const v1::SaleRecorded& sale, int sign);
  void FoldVisit(uint32_t household_number, uint16_t site, int32_t day, const Tally& tally,
                 int sign);
  void FoldHair(uint32_t household_number, uint16_t site, int32_t day, uint32_t member, int sign);
  void FoldWorkshopAttendance(const v1::EventCore& core, uint16_t site);
  // Sums by counter number.
  std::vector<int64_t> Sum(const Query& query) const;
  int64_t Total(const std::vector<int64_t>& sums, uint32_t metric, uint32_t label = 0) const;
  void CountHouseholds(const Query& query, v1::StatsRow* row) const;
  void CountHouseholdsIn(const Population& population, const Query& query,
                         v1::StatsRow* row) const;
  int Children(uint32_t household_number, int end_year) const;
  int64_t RunningCosts(const Query& query) const;

  mutable std::shared_mutex mu_;
  std::vector<std::string> sites_;
  std::unordered_map<std::string, uint16_t> site_index_;
  std::vector<Site> site_data_;  // by site index
  std::vector<std::string> labels_;
  std::unordered_map<std::string, uint32_t> label_index_;
  std::vector<uint64_t> counters_;  // counter number -> CounterId(metric, label)
  absl::flat_hash_map<uint64_t, uint32_t> counter_numbers_;
  std::unordered_map<std::string, uint32_t> household_numbers_;  // family id -> number
  std::vector<Profile> profiles_;  // by household number
  std::vector<Household> households_;  // by household number
  absl::flat_hash_map<uint64_t, uint32_t> persons_;  // household << 32 | member -> person number
  stats::Presence visits_;  // over household numbers
  stats::Presence hair_;  // over person numbers
  std::unordered_map<std::string, Workshop> workshops_;
  std::map<std::string, bool> attendance_;  // workshop \0 family \0 member -> attended
  std::map<std::pair<std::string, int32_t>, std::pair<uint64_t, int64_t>> costs_;  // -> (hlc, cents)
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_STATS_MODEL_H_
