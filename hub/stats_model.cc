// StatsModel: folding events (the report side is in stats_report.cc).
#include <algorithm>
#include <functional>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/saturating.h"
#include "common/civil_day.h"
#include "common/event_codec.h"
#include "common/hlc.h"
#include "hub/stats_metrics.h"
#include "hub/stats_model.h"

namespace comptoir {

namespace stats {

// Months as numbers (year * 12 + month - 1), from the integer calendar
// arithmetic of common/civil_day.h (a fold converts days to months twice per
// visit, too often for a general civil-time library).
namespace {
int64_t FloorDiv(int64_t a, int64_t b) { return (a >= 0 ? a : a - (b - 1)) / b; }
}  // namespace

int32_t MonthIndex(int32_t day) {
  const CivilDate date = CivilFromDays(day);
  return static_cast<int32_t>(date.year * 12 + date.month - 1);
}

int32_t MonthStart(int32_t month_index) {
  const int64_t year = FloorDiv(month_index, 12);
  return static_cast<int32_t>(DaysFromCivil(year, static_cast<int>(month_index - year * 12 + 1), 1));
}

}  // namespace stats

namespace {

using namespace stats;  // NOLINT: the metric names read better unqualified here

// The day an event names, or (when it names none or a bad one) the Paris day
// of its clock.
int32_t DayOf(absl::string_view day, const v1::EventCore& core) {
  if (std::optional<int32_t> number = DayNumber(day)) return *number;
  return ParisDayNumber(HybridClock::PhysicalMillis(core.hlc()));
}

std::string AttendanceKey(absl::string_view workshop, absl::string_view family, uint32_t member) {
  return absl::StrCat(workshop, std::string(1, '\0'), family, std::string(1, '\0'), member);
}

}  // namespace

uint16_t StatsModel::SiteIndex(absl::string_view site) {
  auto [it, added] = site_index_.try_emplace(std::string(site), sites_.size());
  if (added) {
    sites_.emplace_back(site);
    site_data_.emplace_back();
  }
  return it->second;
}

uint32_t StatsModel::Label(absl::string_view label) {
  auto [it, added] = label_index_.try_emplace(std::string(label), labels_.size());
  if (added) labels_.emplace_back(label);
  return it->second;
}

uint32_t StatsModel::Counter(int metric, uint32_t label) {
  const uint64_t id = CounterId(metric, label);
  auto [it, added] = counter_numbers_.try_emplace(id, counters_.size());
  if (added) counters_.push_back(id);
  return it->second;
}

uint32_t StatsModel::HouseholdOf(const std::string& family_id) {
  auto [it, added] = household_numbers_.try_emplace(family_id, households_.size());
  if (added) {
    households_.emplace_back();
    profiles_.emplace_back();
  }
  return it->second;
}

uint32_t StatsModel::PersonOf(uint32_t household, uint32_t member) {
  auto [it, added] =
      persons_.try_emplace(static_cast<uint64_t>(household) << 32 | member, persons_.size());
  return it->second;
}

uint32_t StatsModel::LocalIds::Of(uint32_t network_id) {
  auto [it, added] = local.try_emplace(network_id, network.size());
  if (added) network.push_back(network_id);
  return it->second;
}

StatsModel::Tally StatsModel::TallyOf(uint16_t site, int32_t day) {
  Site& at = site_data_[site];
  return Tally{&at.days[day], &at.months[MonthIndex(day)]};  // map nodes: pointers stay valid
}

void StatsModel::Add(const Tally& tally, int metric, absl::string_view label, int64_t delta) {
  if (delta == 0) return;
  const uint32_t counter = Counter(metric, Label(label));
  for (Counters* counters : {tally.day, tally.month}) {
    auto it = std::lower_bound(
        counters->begin(), counters->end(), counter,
        [](const std::pair<uint32_t, int64_t>& entry, uint32_t n) { return entry.first < n; });
    if (it == counters->end() || it->first != counter) it = counters->insert(it, {counter, 0});
    it->second = SaturatingAdd(it->second, delta);
  }
}

void StatsModel::Add(uint16_t site, int32_t day, int metric, absl::string_view label,
                     int64_t delta) {
  if (delta != 0) Add(TallyOf(site, day), metric, label, delta);
}

void StatsModel::FoldSale(const v1::EventCore& core, const v1::SaleRecorded& sale, int sign) {
  const uint16_t site = SiteIndex(core.origin());
  const int32_t day = DayOf(sale.day(), core);
  const Tally tally = TallyOf(site, day);
  Add(tally, sign > 0 ? kBaskets : kVoided, "", 1);
  if (sign < 0) Add(tally, kBaskets, "", -1);
  for (const v1::RecordedLine& line : sale.recorded_lines()) {
    Add(tally, kDepartmentUnits, line.department(), sign * line.quantity());
    Add(tally, kDepartmentReference, line.department(), sign * line.reference_cents());
    Add(tally, kDepartmentPaid, line.department(), sign * line.family_cents());
  }
  const uint32_t household = HouseholdOf(sale.family_id());
  FoldVisit(household, site, day, tally, sign);
  for (const v1::RecordedLine& line : sale.recorded_lines()) {
    if (line.member_id() == 0) continue;  // only departments serving persons name one
    FoldHair(household, site, day, line.member_id(), sign);
  }
}

// A visit is (household, day, centre) with baskets left; presence and the
// visits counter change only when one appears or disappears.
void StatsModel::FoldVisit(uint32_t household_number, uint16_t site, int32_t day,
                           const Tally& tally, int sign) {
  std::vector<Visit>& visits = households_[household_number].visits;
  auto visit = std::lower_bound(
      visits.begin(), visits.end(), std::make_pair(day, site),
      [](const Visit& v, const std::pair<int32_t, uint16_t>& key) {
        return std::make_pair(v.day, v.site) < key;
      });
  if (visit == visits.end() || visit->day != day || visit->site != site) {
    visit = visits.insert(visit, Visit{day, site, 0});
  }
  const bool before = visit->baskets > 0;
  visit->baskets += sign;
  const bool after = visit->baskets > 0;
  if (before == after) return;
  Add(tally, kVisits, "", after ? 1 : -1);
  Site& at = site_data_[site];
  const uint32_t local = at.households.Of(household_number);
  if (after) {
    at.visits.Add(local, day);
    visits_.Add(household_number, day);
    return;
  }
  at.visits.Remove(local, day);
  const bool elsewhere = std::any_of(visits.begin(), visits.end(), [&](const Visit& v) {
    return v.day == day && v.baskets > 0;
  });
  if (!elsewhere) visits_.Remove(household_number, day);
}

void StatsModel::FoldHair(uint32_t household_number, uint16_t site, int32_t day,
                          uint32_t member, int sign) {
  std::vector<HairService>& hair = households_[household_number].hair;
  auto service = std::find_if(hair.begin(), hair.end(), [&](const HairService& h) {
    return h.day == day && h.site == site && h.member == member;
  });
  if (service == hair.end()) {
    hair.push_back(HairService{day, site, member, 0});
    service = hair.end() - 1;
  }
  const bool before = service->count > 0;
  service->count += sign;
  const bool after = service->count > 0;
  if (before == after) return;
  const uint32_t person = PersonOf(household_number, member);
  Site& at = site_data_[site];
  const uint32_t local = at.persons.Of(person);
  if (after) {
    at.hair.Add(local, day);
    hair_.Add(person, day);
    return;
  }
  at.hair.Remove(local, day);
  const bool elsewhere = std::any_of(hair.begin(), hair.end(), [&](const HairService& h) {
    return h.day == day && h.member == member && h.count > 0;
  });
  if (!elsewhere) hair_.Remove(person, day);
}

void StatsModel::FoldWorkshopAttendance(const v1::EventCore& core, uint16_t site) {
  const v1::WorkshopAttended& attended = core.workshop_attended();
  bool& state = attendance_[AttendanceKey(attended.workshop_id(), attended.family_id(),
                                          attended.member_id())];
  if (state == attended.attended()) return;
  state = attended.attended();
  auto workshop = workshops_.find(attended.workshop_id());
  const int32_t day = workshop != workshops_.end() ? workshop->second.day : DayOf("", core);
  const uint16_t where = workshop != workshops_.end() ? workshop->second.site : site;
  Add(where, day, kWorkshopAttendance, "", state ? 1 : -1);
  std::vector<std::pair<int32_t, int32_t>>& days =
      households_[HouseholdOf(attended.family_id())].attended;
  auto entry = std::lower_bound(days.begin(), days.end(), std::make_pair(day, INT32_MIN));
  if (entry == days.end() || entry->first != day) entry = days.insert(entry, {day, 0});
  entry->second += state ? 1 : -1;
}

void StatsModel::Fold(const v1::EventCore& core, const Context& context) {
  // A newer format than this build's: stored and forwarded, never folded
  // (common/event_log.h), statistics included.
  if (FormatOf(core) > kEventFormat) return;
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (core.origin() == "hub") {
    if (core.body_case() == v1::EventCore::kRunningCostsSet) {
      const v1::RunningCostsSet& costs = core.running_costs_set();
      auto& held = costs_[{costs.site(), costs.year()}];
      if (core.hlc() >= held.first) held = {core.hlc(), costs.amount_cents()};
    }
    return;
  }
  const uint16_t site = SiteIndex(core.origin());
  switch (core.body_case()) {
    case v1::EventCore::kSaleRecorded:
      FoldSale(core, core.sale_recorded(), +1);
      break;
    case v1::EventCore::kSaleVoided: {
      std::optional<v1::EventCore> sale = context.Core(core.origin(), core.sale_voided().sale_seq());
      if (sale.has_value() && sale->has_sale_recorded()) FoldSale(*sale, sale->sale_recorded(), -1);
      break;
    }
    case v1::EventCore::kFamilyRegistered:
      Add(site, DayOf(core.family_registered().day(), core), kRegistrations, "", 1);
      break;
    case v1::EventCore::kReferralGranted: {
      const v1::ReferralGranted& referral = core.referral_granted();
      Add(site, DayOf(referral.start_day(), core), kReferrals, referral.prescriber_id(), 1);
      break;
    }
    case v1::EventCore::kReferralRenewed:
      Add(site, DayOf(core.referral_renewed().day(), core), kRenewals, "", 1);
      break;
    case v1::EventCore::kStockReceived: {
      const v1::StockReceived& lot = core.stock_received();
      const int32_t day = DayOf(lot.received_day(), core);
      Add(site, day, kDonationLots, lot.donor_id(), 1);
      Add(site, day, kDonationUnits, lot.donor_id(), lot.quantity());
      Add(site, day, kDonationReference, lot.donor_id(), lot.reference_value_cents());
      break;
    }
    case v1::EventCore::kStockAdjusted: {
      const v1::StockAdjusted& adjusted = core.stock_adjusted();
      if (adjusted.reason() != v1::EXPIRED || adjusted.delta() >= 0) break;
      const int32_t day = DayOf(adjusted.day(), core);
      Add(site, day, kExpiredUnits, "", -adjusted.delta());
      Add(site, day, kExpiredReference, "",
          -adjusted.delta() * context.ReferencePrice(adjusted.product_id()));
      break;
    }
    case v1::EventCore::kTransferShipped: {
      int64_t units = 0;
      for (const v1::ShippedLot& lot : core.transfer_shipped().lots()) units += lot.quantity();
      Add(site, DayOf(core.transfer_shipped().day(), core), kTransferredOut, "", units);
      break;
    }
    case v1::EventCore::kTransferReceived: {
      int64_t arrived = 0;
      int64_t damaged = 0;
      for (const v1::ReceivedItem& item : core.transfer_received().items()) {
        arrived += item.arrived();
        damaged += item.damaged();
      }
      const int32_t day = DayOf(core.transfer_received().day(), core);
      Add(site, day, kTransferredIn, "", arrived);
      Add(site, day, kTransferDamaged, "", damaged);
      break;
    }
    case v1::EventCore::kWorkshopScheduled: {
      const v1::WorkshopScheduled& workshop = core.workshop_scheduled();
      const int32_t day = DayOf(workshop.day(), core);
      if (!workshops_.try_emplace(workshop.workshop_id(), Workshop{day, site}).second) break;
      Add(site, day, kWorkshopSessions, "", 1);
      Add(site, day, kWorkshopPlaces, "", workshop.places());
      break;
    }
    case v1::EventCore::kWorkshopAttended:
      FoldWorkshopAttendance(core, site);
      break;
    default:
      break;  // other events do not change the statistics
  }
}

void StatsModel::SetHousehold(const v1::FamilyRecord& record) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  const uint32_t number = HouseholdOf(record.family_id());
  Profile& profile = profiles_[number];
  profile.household_type = static_cast<uint8_t>(record.household_type() & 31);
  profile.income_mask = 0;
  for (int source : record.income_sources()) {
    if (source > 0 && source < 32) profile.income_mask |= 1u << source;
  }
  profile.band = Label(record.reste_a_vivre_band());
  std::vector<uint16_t>& years = households_[number].birth_years;
  years.clear();
  for (const v1::Member& member : record.members()) {
    years.push_back(static_cast<uint16_t>(member.birth_year()));
  }
  std::sort(years.begin(), years.end(), std::greater<uint16_t>());  // youngest first, 0 last
  profile.persons = static_cast<uint16_t>(std::min<size_t>(years.size(), UINT16_MAX));
  for (int i = 0; i < kProfileYears; ++i) {
    profile.youngest[i] = static_cast<size_t>(i) < years.size() ? years[static_cast<size_t>(i)] : 0;
  }
}

std::unordered_map<std::string, int32_t> StatsModel::LastVisits() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::unordered_map<std::string, int32_t> last;
  last.reserve(household_numbers_.size());
  for (const auto& [family_id, number] : household_numbers_) {
    const Household& household = households_[number];
    std::optional<int32_t> seen;
    // Sorted by day: the last entry still counted is the latest.
    for (auto v = household.visits.rbegin(); v != household.visits.rend(); ++v) {
      if (v->baskets > 0) {
        seen = v->day;
        break;
      }
    }
    for (auto a = household.attended.rbegin(); a != household.attended.rend(); ++a) {
      if (a->second > 0) {
        if (!seen.has_value() || a->first > *seen) seen = a->first;
        break;
      }
    }
    if (seen.has_value()) last.emplace(family_id, *seen);
  }
  return last;
}

std::vector<std::string> StatsModel::Sites() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<std::string> sites = sites_;
  for (const auto& [key, entry] : costs_) sites.push_back(key.first);
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  return sites;
}

}  // namespace comptoir
