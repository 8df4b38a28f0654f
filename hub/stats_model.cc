// StatsModel: folding events (the report side is in stats_report.cc).
#include <algorithm>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/civil_day.h"
#include "common/hlc.h"
#include "hub/stats_metrics.h"
#include "hub/stats_model.h"

namespace comptoir {

namespace stats {

int32_t MonthIndex(int32_t day) {
  const absl::CivilDay civil = absl::CivilDay(1970, 1, 1) + day;
  return static_cast<int32_t>(civil.year() * 12 + civil.month() - 1);
}

int32_t MonthStart(int32_t month_index) {
  const absl::CivilDay first(month_index / 12, month_index % 12 + 1, 1);
  return static_cast<int32_t>(first - absl::CivilDay(1970, 1, 1));
}

}  // namespace stats

namespace {

using namespace stats;  // NOLINT: the metric names read better unqualified here

// The day an event names, or (when it names none or a bad one) the Paris day
// of its clock.
int32_t DayOf(absl::string_view day, const v1::EventCore& core) {
  if (std::optional<int32_t> number = DayNumber(day)) return *number;
  return *DayNumber(ParisDay(HybridClock::PhysicalMillis(core.hlc())));
}

std::string AttendanceKey(absl::string_view workshop, absl::string_view family, uint32_t member) {
  return absl::StrCat(workshop, std::string(1, '\0'), family, std::string(1, '\0'), member);
}

}  // namespace

uint16_t StatsModel::SiteIndex(absl::string_view site) {
  auto [it, added] = site_index_.try_emplace(std::string(site), sites_.size());
  if (added) sites_.emplace_back(site);
  return it->second;
}

uint32_t StatsModel::Label(absl::string_view label) {
  auto [it, added] = label_index_.try_emplace(std::string(label), labels_.size());
  if (added) labels_.emplace_back(label);
  return it->second;
}

StatsModel::Household& StatsModel::HouseholdOf(const std::string& family_id) {
  auto [it, added] = households_.try_emplace(family_id);
  if (added) all_households_.push_back(&it->second);
  return it->second;
}

void StatsModel::Add(uint16_t site, int32_t day, int metric, absl::string_view label,
                     int64_t delta) {
  if (delta == 0) return;
  const uint64_t id = CounterId(metric, Label(label));
  if (day != month_cache_day_) {  // events of one day come in runs: convert once
    month_cache_day_ = day;
    month_cache_ = MonthIndex(day);
  }
  SiteCounters& counters = counters_[site];
  counters.days[day][id] += delta;
  counters.months[month_cache_][id] += delta;
}

void StatsModel::FoldSale(const v1::EventCore& core, const v1::SaleRecorded& sale, int sign) {
  const uint16_t site = SiteIndex(core.origin());
  const int32_t day = DayOf(sale.day(), core);
  Add(site, day, sign > 0 ? kBaskets : kVoided, "", 1);
  if (sign < 0) Add(site, day, kBaskets, "", -1);
  for (const v1::RecordedLine& line : sale.recorded_lines()) {
    Add(site, day, kDepartmentUnits, line.department(), sign * line.quantity());
    Add(site, day, kDepartmentReference, line.department(), sign * line.reference_cents());
    Add(site, day, kDepartmentPaid, line.department(), sign * line.family_cents());
  }

  Household& household = HouseholdOf(sale.family_id());
  if (std::find(household.sites.begin(), household.sites.end(), site) == household.sites.end()) {
    household.sites.push_back(site);
    site_households_[site].push_back(&household);
  }
  auto visit = std::lower_bound(
      household.visits.begin(), household.visits.end(), std::make_pair(day, site),
      [](const Visit& v, const std::pair<int32_t, uint16_t>& key) {
        return std::make_pair(v.day, v.site) < key;
      });
  if (visit == household.visits.end() || visit->day != day || visit->site != site) {
    visit = household.visits.insert(visit, Visit{day, site, 0});
  }
  visit->baskets += sign;

  for (const v1::RecordedLine& line : sale.recorded_lines()) {
    if (line.member_id() == 0) continue;  // only departments serving persons name one
    auto service = std::find_if(household.hair.begin(), household.hair.end(),
                                [&](const HairService& h) {
                                  return h.day == day && h.site == site &&
                                         h.member == line.member_id();
                                });
    if (service == household.hair.end()) {
      household.hair.push_back(HairService{day, site, line.member_id(), 0});
      service = household.hair.end() - 1;
    }
    service->count += sign;
  }
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
}

void StatsModel::Fold(const v1::EventCore& core, const Context& context) {
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
      HouseholdOf(core.family_registered().family_id());
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
  Household& household = HouseholdOf(record.family_id());
  household.household_type = record.household_type();
  household.income_mask = 0;
  for (int source : record.income_sources()) {
    if (source > 0 && source < 32) household.income_mask |= 1u << source;
  }
  household.band = Label(record.reste_a_vivre_band());
  household.birth_years.clear();
  for (const v1::Member& member : record.members()) {
    household.birth_years.push_back(static_cast<uint16_t>(member.birth_year()));
  }
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
