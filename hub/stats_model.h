// StatsModel: the hub's statistics, folded incrementally from events as they
// are appended, so that a report never reads the log.
//
// What is kept, in memory:
//   households  per family id: its latest attributes (type, income sources,
//               reste-à-vivre band, members' birth years: from the family
//               view, never a name) and its visits [(day, centre, baskets)]
//               sorted by day, plus hair-salon services [(day, centre, member)];
//   counters    per centre, per day and per month: additive figures keyed by
//               (metric, label), e.g. (department paid, "epicerie");
//   workshops   each session's day and centre, the latest attendance state of
//               each (workshop, family, member);
//   costs       running costs per (centre, year), latest entry wins.
// A report is one pass over households for the distinct counts and a sum of
// month totals (whole months) and day totals (edges) for the rest.
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
  struct Household {
    int household_type = 0;
    uint32_t income_mask = 0;  // bit per v1::IncomeSource
    uint32_t band = 0;  // label id; 0: not told
    std::vector<uint16_t> birth_years;
    std::vector<uint16_t> sites;  // centres it visited, each once
    std::vector<Visit> visits;  // sorted by (day, site)
    std::vector<HairService> hair;
  };
  // Additive figures of one centre over one day or month.
  using Counters = absl::flat_hash_map<uint64_t, int64_t>;  // (metric << 32 | label) -> value
  struct SiteCounters {
    std::map<int32_t, Counters> days;
    std::map<int32_t, Counters> months;  // year * 12 + month - 1
  };
  struct Workshop {
    int32_t day;
    uint16_t site;
  };
  struct Totals;  // a row's sums, defined in stats_report.cc

  Household& HouseholdOf(const std::string& family_id);
  uint16_t SiteIndex(absl::string_view site);
  uint32_t Label(absl::string_view label);
  void Add(uint16_t site, int32_t day, int metric, absl::string_view label, int64_t delta);
  void FoldSale(const v1::EventCore& core, const v1::SaleRecorded& sale, int sign);
  void FoldWorkshopAttendance(const v1::EventCore& core, uint16_t site);
  Totals Sum(const Query& query) const;
  void CountHouseholds(const Query& query, v1::StatsRow* row) const;
  template <typename Households>
  void CountHouseholdsIn(const Households& households, int site_filter, const Query& query,
                         v1::StatsRow* row) const;
  int64_t RunningCosts(const Query& query) const;

  mutable std::shared_mutex mu_;
  std::vector<std::string> sites_;
  std::unordered_map<std::string, uint16_t> site_index_;
  std::vector<std::string> labels_;
  std::unordered_map<std::string, uint32_t> label_index_;
  std::unordered_map<std::string, Household> households_;  // node-based: pointers stay valid
  std::vector<const Household*> all_households_;
  std::unordered_map<uint16_t, std::vector<const Household*>> site_households_;
  int32_t month_cache_day_ = INT32_MIN;  // Add()'s last day and its month index
  int32_t month_cache_ = 0;
  std::unordered_map<uint16_t, SiteCounters> counters_;
  std::unordered_map<std::string, Workshop> workshops_;
  std::map<std::string, bool> attendance_;  // workshop \0 family \0 member -> attended
  std::map<std::pair<std::string, int32_t>, std::pair<uint64_t, int64_t>> costs_;  // -> (hlc, cents)
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_STATS_MODEL_H_
