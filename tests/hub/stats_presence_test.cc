// The statistics' presence index (hub/stats_presence.h), and what the model
// builds on it when sales are voided: who counts as welcomed, new, and on
// which day a household first came.
#include "hub/stats_presence.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/civil_day.h"
#include "hub/stats_metrics.h"
#include "hub/stats_model.h"

namespace comptoir {
namespace {

using stats::Bitmap;
using stats::Presence;

int32_t Day(const char* day) { return *DayNumber(day); }

std::vector<uint32_t> Ids(const Bitmap& bitmap) {
  std::vector<uint32_t> ids;
  bitmap.ForEach([&ids](uint32_t id) { ids.push_back(id); });
  return ids;
}

std::vector<uint32_t> Present(const Presence& presence, const char* from, const char* to) {
  Bitmap ids;
  presence.Collect(Day(from), Day(to), &ids);
  return Ids(ids);
}

TEST(MonthArithmeticTest, AgreesWithTheCalendarEveryDayFrom1900To2200) {
  const absl::CivilDay epoch(1970, 1, 1);
  for (absl::CivilDay day(1900, 1, 1); day < absl::CivilDay(2200, 1, 1); ++day) {
    const int32_t number = static_cast<int32_t>(day - epoch);
    const int32_t month = static_cast<int32_t>(day.year() * 12 + day.month() - 1);
    ASSERT_EQ(stats::MonthIndex(number), month) << day;
    if (day.day() == 1) ASSERT_EQ(stats::MonthStart(month), number) << day;
  }
}

TEST(PresenceTest, PeriodsCuttingMonthsCountOnlyTheirDays) {
  Presence presence;
  presence.Add(1, Day("2026-01-05"));
  presence.Add(2, Day("2026-01-20"));
  presence.Add(3, Day("2026-02-10"));
  presence.Add(1, Day("2026-03-31"));
  presence.Add(200, Day("2026-03-01"));  // beyond the first word of the bitmaps

  EXPECT_EQ(Present(presence, "2026-01-01", "2026-03-31"), (std::vector<uint32_t>{1, 2, 3, 200}));
  EXPECT_EQ(Present(presence, "2026-01-06", "2026-03-30"), (std::vector<uint32_t>{2, 3, 200}));
  EXPECT_EQ(Present(presence, "2026-01-21", "2026-02-28"), (std::vector<uint32_t>{3}));
  EXPECT_EQ(Present(presence, "2026-03-31", "2026-03-31"), (std::vector<uint32_t>{1}));
  EXPECT_EQ(Present(presence, "2026-01-20", "2026-01-20"), (std::vector<uint32_t>{2}));
  EXPECT_EQ(Present(presence, "2025-01-01", "2025-12-31"), (std::vector<uint32_t>{}));
  EXPECT_EQ(presence.FirstDay(1), Day("2026-01-05"));
  EXPECT_EQ(presence.FirstDay(4), INT32_MAX) << "never present";
}

TEST(PresenceTest, RemovingTheFirstDayMovesItToTheNextDayPresent) {
  Presence presence;
  presence.Add(7, Day("2026-01-05"));
  presence.Add(7, Day("2026-01-05"));  // twice the same day: one presence
  presence.Add(7, Day("2026-01-31"));
  presence.Add(7, Day("2026-03-02"));
  presence.Remove(7, Day("2026-01-05"));
  EXPECT_EQ(presence.FirstDay(7), Day("2026-01-31"));
  EXPECT_EQ(Present(presence, "2026-01-01", "2026-01-30"), (std::vector<uint32_t>{}));
  presence.Remove(7, Day("2026-01-31"));
  EXPECT_EQ(presence.FirstDay(7), Day("2026-03-02"));
  EXPECT_EQ(Present(presence, "2026-01-01", "2026-01-31"), (std::vector<uint32_t>{}))
      << "a month with no day left does not count the id";
  presence.Remove(7, Day("2026-02-01"));  // never present that day: nothing changes
  presence.Remove(8, Day("2026-03-02"));
  EXPECT_EQ(Present(presence, "2026-01-01", "2026-12-31"), (std::vector<uint32_t>{7}));
  presence.Remove(7, Day("2026-03-02"));
  EXPECT_EQ(presence.FirstDay(7), INT32_MAX);
  EXPECT_EQ(Present(presence, "2026-01-01", "2026-12-31"), (std::vector<uint32_t>{}));
}

TEST(BitmapTest, CountsUnionsAndIntersections) {
  Bitmap a, b;
  for (uint32_t id : {0u, 63u, 64u, 1000u}) a.Set(id);
  for (uint32_t id : {63u, 1000u, 5000u}) b.Set(id);
  EXPECT_EQ(a.Count(), 4);
  EXPECT_EQ(a.CountAnd(b), 2);
  EXPECT_EQ(b.CountAnd(a), 2);
  a.Clear(0);
  a.Or(b);
  EXPECT_EQ(Ids(a), (std::vector<uint32_t>{63, 64, 1000, 5000}));
  EXPECT_TRUE(a.Test(5000));
  EXPECT_FALSE(a.Test(0));
  EXPECT_FALSE(a.Test(100000)) << "beyond the bitmap: absent";
}

// Sales held by the test, as the hub's store would hold them for voids.
class HeldSales : public StatsModel::Context {
 public:
  std::optional<v1::EventCore> Core(absl::string_view origin, uint64_t seq) const override {
    auto it = cores_.find({std::string(origin), seq});
    if (it == cores_.end()) return std::nullopt;
    return it->second;
  }
  int64_t ReferencePrice(absl::string_view) const override { return 0; }

  // Folds a sale of one basket for `family` at `site` on `day`; returns its seq.
  uint64_t Sale(StatsModel& model, const std::string& site, const std::string& family,
                const std::string& day) {
    v1::EventCore core;
    core.set_origin(site);
    core.set_seq(++seqs_[site]);
    core.mutable_sale_recorded()->set_family_id(family);
    core.mutable_sale_recorded()->set_day(day);
    v1::RecordedLine* line = core.mutable_sale_recorded()->add_recorded_lines();
    line->set_department("epicerie");
    line->set_quantity(1);
    cores_[{site, core.seq()}] = core;
    model.Fold(core, *this);
    return core.seq();
  }

  void Void(StatsModel& model, const std::string& site, uint64_t sale_seq) {
    v1::EventCore core;
    core.set_origin(site);
    core.set_seq(++seqs_[site]);
    core.mutable_sale_voided()->set_sale_seq(sale_seq);
    model.Fold(core, *this);
  }

 private:
  std::map<std::pair<std::string, uint64_t>, v1::EventCore> cores_;
  std::map<std::string, uint64_t> seqs_;
};

v1::StatsRow Row(const StatsModel& model, const char* from, const char* to, const char* site) {
  StatsModel::Query query;
  query.from_day = Day(from);
  query.to_day = Day(to);
  query.site = site;
  return model.Row(query);
}

TEST(StatsModelVoidTest, AVisitLastsWhileOneOfItsBasketsIsNotVoided) {
  StatsModel model;
  HeldSales sales;
  const uint64_t first = sales.Sale(model, "hem", "F", "2026-01-05");
  const uint64_t second = sales.Sale(model, "hem", "F", "2026-01-05");  // same day, same centre
  sales.Sale(model, "lille", "F", "2026-01-05");
  sales.Sale(model, "hem", "F", "2026-02-10");

  v1::StatsRow january = Row(model, "2026-01-01", "2026-01-31", "");
  EXPECT_EQ(january.baskets(), 3);
  EXPECT_EQ(january.visits(), 2) << "one visit per centre and day";
  EXPECT_EQ(january.households(), 1);

  sales.Void(model, "hem", first);
  EXPECT_EQ(Row(model, "2026-01-01", "2026-01-31", "hem").visits(), 1)
      << "the day's other basket keeps the visit";
  EXPECT_EQ(Row(model, "2026-02-01", "2026-02-28", "hem").new_households(), 0);

  sales.Void(model, "hem", second);
  const v1::StatsRow hem_january = Row(model, "2026-01-01", "2026-01-31", "hem");
  EXPECT_EQ(hem_january.households(), 0);
  EXPECT_EQ(hem_january.visits(), 0);
  EXPECT_EQ(Row(model, "2026-02-01", "2026-02-28", "hem").new_households(), 1)
      << "with January voided, February is the family's first visit to hem";
  january = Row(model, "2026-01-01", "2026-01-31", "");
  EXPECT_EQ(january.households(), 1) << "the network still saw the family at lille that day";
  EXPECT_EQ(january.visits(), 1);
  EXPECT_EQ(Row(model, "2026-02-01", "2026-02-28", "").new_households(), 0);
}

TEST(StatsModelVoidTest, VoidingTheFirstVisitMakesTheHouseholdNewLater) {
  StatsModel model;
  HeldSales sales;
  const uint64_t january = sales.Sale(model, "lille", "G", "2026-01-05");
  sales.Sale(model, "hem", "G", "2026-03-02");
  const v1::StatsRow spring = Row(model, "2026-01-01", "2026-03-31", "");
  ASSERT_EQ(spring.cohorts_size(), 1);
  EXPECT_EQ(spring.cohorts(0).returned_size(), 2);
  EXPECT_EQ(spring.cohorts(0).returned(1), 1) << "back in March";

  sales.Void(model, "lille", january);
  const v1::StatsRow after = Row(model, "2026-01-01", "2026-03-31", "");
  EXPECT_EQ(after.households(), 1);
  EXPECT_EQ(after.new_households(), 1);
  ASSERT_EQ(after.cohorts_size(), 1);
  EXPECT_EQ(after.cohorts(0).month(), "2026-03");
  EXPECT_EQ(after.cohorts(0).households(), 1);
  EXPECT_EQ(Row(model, "2026-01-01", "2026-01-31", "").households(), 0);
  EXPECT_EQ(Row(model, "2026-01-01", "2026-01-31", "lille").households(), 0);
}

}  // namespace
}  // namespace comptoir
