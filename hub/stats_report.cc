// StatsModel: computing a report row from the folded figures.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "absl/time/civil_time.h"
#include "common/civil_day.h"
#include "hub/stats_metrics.h"
#include "hub/stats_model.h"

namespace comptoir {

using namespace stats;  // NOLINT: the metric names read better unqualified here

struct StatsModel::Totals {
  Counters sums;
  int64_t Get(uint32_t metric, uint32_t label = 0) const {
    auto it = sums.find(CounterId(metric, label));
    return it == sums.end() ? 0 : it->second;
  }
};

namespace {

// Income groups (exclusive), as head office reports them: living on social
// benefits or without income (every source among RSA, AAH, unemployment
// benefit, none); living on a pension, invalidity or (low) wages (any of those);
// anything else, including households whose sources are not known.
const char* IncomeGroup(uint32_t mask) {
  const uint32_t benefits = 1u << v1::RSA | 1u << v1::AAH | 1u << v1::UNEMPLOYMENT_BENEFIT |
                            1u << v1::NO_INCOME;
  const uint32_t earned = 1u << v1::PENSION | 1u << v1::INVALIDITY | 1u << v1::WAGES;
  if (mask & earned) return "pension_invalidity_or_wages";
  if (mask != 0 && (mask & ~benefits) == 0) return "social_benefits_or_no_income";
  return "other_or_unknown";
}

void AddLabel(std::map<std::string, int64_t>& counts, const std::string& label) {
  ++counts[label];
}

template <typename Field>
void Emit(const std::map<std::string, int64_t>& counts, Field* field) {
  for (const auto& [label, count] : counts) {
    v1::LabelCount* row = field->Add();
    row->set_label(label);
    row->set_count(count);
  }
}

std::string MonthName(int32_t month_index) {
  return MonthOf(DayFromNumber(MonthStart(month_index)));
}

}  // namespace

StatsModel::Totals StatsModel::Sum(const Query& query) const {
  Totals totals;
  auto add_all = [&totals](const Counters& counters) {
    for (const auto& [id, value] : counters) totals.sums[id] += value;
  };
  auto add_days = [&](const SiteCounters& site, int32_t from, int32_t to) {
    for (auto it = site.days.lower_bound(from); it != site.days.end() && it->first <= to; ++it) {
      add_all(it->second);
    }
  };
  const int32_t first_month = MonthIndex(query.from_day);
  const int32_t last_month = MonthIndex(query.to_day);
  for (const auto& [site_index, site] : counters_) {
    if (!query.site.empty() && sites_[site_index] != query.site) continue;
    if (first_month == last_month) {
      add_days(site, query.from_day, query.to_day);
      continue;
    }
    // Partial first and last months by day, whole months between by month.
    add_days(site, query.from_day, MonthStart(first_month + 1) - 1);
    for (auto it = site.months.lower_bound(first_month + 1);
         it != site.months.end() && it->first < last_month; ++it) {
      add_all(it->second);
    }
    add_days(site, MonthStart(last_month), query.to_day);
  }
  return totals;
}

void StatsModel::CountHouseholds(const Query& query, v1::StatsRow* row) const {
  const int site_filter = [&] {
    if (query.site.empty()) return -1;
    auto it = site_index_.find(query.site);
    return it == site_index_.end() ? -2 : static_cast<int>(it->second);
  }();
  if (site_filter == -2) return;
  auto matches = [site_filter](uint16_t site) {
    return site_filter < 0 || site == site_filter;
  };
  const int32_t still_coming_from = query.to_day - query.still_coming_days + 1;
  const int end_year = static_cast<int>((absl::CivilDay(1970, 1, 1) + query.to_day).year());
  const int32_t last_month = MonthIndex(query.to_day);

  std::map<std::string, int64_t> types, sources, groups, bands;
  std::map<int32_t, std::vector<int64_t>> cohorts;  // month -> [households, returned...]
  int64_t households = 0, fresh = 0, still = 0, visits = 0;
  int64_t persons = 0, children = 0, hair_persons = 0;
  for (const auto& [family_id, household] : households_) {
    int32_t first_ever = INT32_MAX;
    int64_t in_range = 0;
    bool recent = false;
    std::set<int32_t> months;
    for (const Visit& visit : household.visits) {
      if (visit.baskets <= 0 || !matches(visit.site)) continue;
      first_ever = std::min(first_ever, visit.day);
      if (visit.day < query.from_day || visit.day > query.to_day) continue;
      ++in_range;
      recent = recent || visit.day >= still_coming_from;
      months.insert(MonthIndex(visit.day));
    }
    if (in_range == 0) continue;
    ++households;
    visits += in_range;
    if (recent) ++still;
    if (first_ever >= query.from_day) {
      ++fresh;
      const int32_t cohort_month = MonthIndex(first_ever);
      std::vector<int64_t>& cohort = cohorts[cohort_month];
      cohort.resize(static_cast<size_t>(last_month - cohort_month) + 1, 0);
      ++cohort[0];
      for (int32_t month : months) {
        if (month > cohort_month) ++cohort[static_cast<size_t>(month - cohort_month)];
      }
    }
    persons += static_cast<int64_t>(household.birth_years.size());
    for (uint16_t year : household.birth_years) {
      if (year != 0 && end_year - year < 18) ++children;
    }
    AddLabel(types, v1::HouseholdType_Name(static_cast<v1::HouseholdType>(household.household_type)));
    for (int source = 1; source < 32; ++source) {
      if (household.income_mask & (1u << source)) {
        AddLabel(sources, v1::IncomeSource_Name(static_cast<v1::IncomeSource>(source)));
      }
    }
    AddLabel(groups, IncomeGroup(household.income_mask));
    AddLabel(bands, household.band.empty() ? "unknown" : household.band);
    std::set<uint32_t> served;
    for (const HairService& service : household.hair) {
      if (service.count > 0 && matches(service.site) && service.day >= query.from_day &&
          service.day <= query.to_day) {
        served.insert(service.member);
      }
    }
    hair_persons += static_cast<int64_t>(served.size());
  }
  row->set_households(households);
  row->set_new_households(fresh);
  row->set_still_coming(still);
  row->set_visits(visits);
  row->set_persons(persons);
  row->set_children(children);
  row->set_adults(persons - children);
  row->set_hair_persons(hair_persons);
  Emit(types, row->mutable_household_types());
  Emit(sources, row->mutable_income_sources());
  Emit(groups, row->mutable_income_groups());
  Emit(bands, row->mutable_reste_a_vivre_bands());
  for (const auto& [month, counts] : cohorts) {
    v1::Cohort* cohort = row->add_cohorts();
    cohort->set_month(MonthName(month));
    cohort->set_households(counts[0]);
    for (size_t k = 1; k < counts.size(); ++k) cohort->add_returned(counts[k]);
  }
}

int64_t StatsModel::RunningCosts(const Query& query) const {
  int64_t total = 0;
  for (const auto& [key, entry] : costs_) {
    if (!query.site.empty() && key.first != query.site) continue;
    const int32_t year_start = *DayNumber(absl::StrCat(key.second, "-01-01"));
    const int32_t year_end = *DayNumber(absl::StrCat(key.second, "-12-31"));
    const int32_t from = std::max(year_start, query.from_day);
    const int32_t to = std::min(year_end, query.to_day);
    if (from > to) continue;
    // Pro rata of the days covered, rounded down to the cent.
    total += entry.second * (to - from + 1) / (year_end - year_start + 1);
  }
  return total;
}

v1::StatsRow StatsModel::Row(const Query& query) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  v1::StatsRow row;
  row.set_from_day(DayFromNumber(query.from_day));
  row.set_to_day(DayFromNumber(query.to_day));
  row.set_site(query.site);
  CountHouseholds(query, &row);

  const Totals totals = Sum(query);
  row.set_baskets(totals.Get(kBaskets));
  row.set_voided_sales(totals.Get(kVoided));
  row.set_registrations(totals.Get(kRegistrations));
  row.set_renewals(totals.Get(kRenewals));
  row.set_expired_units(totals.Get(kExpiredUnits));
  row.set_expired_cents(totals.Get(kExpiredReference));
  row.set_transferred_out_units(totals.Get(kTransferredOut));
  row.set_transferred_in_units(totals.Get(kTransferredIn));
  row.set_transfer_damaged_units(totals.Get(kTransferDamaged));
  row.set_workshop_sessions(totals.Get(kWorkshopSessions));
  row.set_workshop_places(totals.Get(kWorkshopPlaces));
  row.set_workshop_attendance(totals.Get(kWorkshopAttendance));

  std::map<std::string, v1::DepartmentFigures> departments;
  std::map<std::string, v1::DonorFigures> donors;
  std::map<std::string, int64_t> prescribers;
  for (const auto& [id, value] : totals.sums) {
    if (value == 0) continue;
    const std::string& label = labels_[LabelOf(id)];
    switch (MetricOf(id)) {
      case kDepartmentUnits: departments[label].set_units(value); break;
      case kDepartmentReference: departments[label].set_reference_cents(value); break;
      case kDepartmentPaid: departments[label].set_paid_cents(value); break;
      case kDonationLots: donors[label].set_lots(value); break;
      case kDonationUnits: donors[label].set_units(value); break;
      case kDonationReference: donors[label].set_reference_cents(value); break;
      case kReferrals: prescribers[label] = value; break;
      default: break;
    }
  }
  for (auto& [code, figures] : departments) {
    figures.set_department(code);
    figures.set_given_cents(figures.reference_cents() - figures.paid_cents());
    row.set_reference_cents(row.reference_cents() + figures.reference_cents());
    row.set_paid_cents(row.paid_cents() + figures.paid_cents());
    *row.add_departments() = figures;
  }
  row.set_given_cents(row.reference_cents() - row.paid_cents());
  for (auto& [donor, figures] : donors) {
    figures.set_donor_id(donor);
    *row.add_donations() = figures;
  }
  Emit(prescribers, row.mutable_referrals_by_prescriber());
  row.set_running_costs_cents(RunningCosts(query));
  row.set_balance_cents(row.paid_cents() - row.running_costs_cents());
  return row;
}

}  // namespace comptoir
