// StatsModel: computing a report row from the folded figures.
#include <algorithm>
#include <map>
#include <mutex>

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
const char* const kIncomeGroupNames[] = {"pension_invalidity_or_wages",
                                          "social_benefits_or_no_income", "other_or_unknown"};
int IncomeGroup(uint32_t mask) {
  const uint32_t benefits = 1u << v1::RSA | 1u << v1::AAH | 1u << v1::UNEMPLOYMENT_BENEFIT |
                            1u << v1::NO_INCOME;
  const uint32_t earned = 1u << v1::PENSION | 1u << v1::INVALIDITY | 1u << v1::WAGES;
  if (mask & earned) return 0;
  if (mask != 0 && (mask & ~benefits) == 0) return 1;
  return 2;
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
  if (query.site.empty()) {
    CountHouseholdsIn(all_households_, -1, query, row);
    return;
  }
  auto site = site_index_.find(query.site);
  if (site == site_index_.end()) return;
  auto households = site_households_.find(site->second);
  if (households == site_households_.end()) return;
  CountHouseholdsIn(households->second, site->second, query, row);
}

// One pass over the households (of one centre, or all): visits are sorted by
// day, so months and first visits come in order without any set.
template <typename Households>
void StatsModel::CountHouseholdsIn(const Households& households, int site_filter,
                                   const Query& query, v1::StatsRow* row) const {
  const int32_t still_coming_from = query.to_day - query.still_coming_days + 1;
  const int end_year = static_cast<int>((absl::CivilDay(1970, 1, 1) + query.to_day).year());
  const int32_t first_month = MonthIndex(query.from_day);
  const int32_t last_month = MonthIndex(query.to_day);
  std::vector<int32_t> month_of(static_cast<size_t>(query.to_day - query.from_day + 1));
  for (size_t i = 0; i < month_of.size(); ++i) {
    month_of[i] = MonthIndex(query.from_day + static_cast<int32_t>(i));
  }

  int64_t types[32] = {}, sources[32] = {}, groups[3] = {};
  std::map<uint32_t, int64_t> bands;
  // cohorts[m][k]: households first seen in month first_month + m, back in month + k.
  std::vector<std::vector<int64_t>> cohorts(static_cast<size_t>(last_month - first_month) + 1);
  int64_t welcomed = 0, fresh = 0, still = 0, visits = 0;
  int64_t persons = 0, children = 0, hair_persons = 0;
  std::vector<uint32_t> served;
  for (const Household* household : households) {
    int32_t first_ever = INT32_MAX;
    int64_t in_range = 0;
    bool recent = false;
    std::vector<int64_t>* cohort = nullptr;
    int32_t cohort_month = 0, last_seen_month = -1;
    for (const Visit& visit : household->visits) {
      if (visit.baskets <= 0 || (site_filter >= 0 && visit.site != site_filter)) continue;
      if (first_ever == INT32_MAX) {
        first_ever = visit.day;
        if (first_ever >= query.from_day && first_ever <= query.to_day) {
          cohort_month = month_of[static_cast<size_t>(first_ever - query.from_day)];
          cohort = &cohorts[static_cast<size_t>(cohort_month - first_month)];
          if (cohort->empty()) cohort->assign(static_cast<size_t>(last_month - cohort_month) + 1, 0);
        }
      }
      if (visit.day < query.from_day) continue;
      if (visit.day > query.to_day) break;
      ++in_range;
      recent = recent || visit.day >= still_coming_from;
      const int32_t month = month_of[static_cast<size_t>(visit.day - query.from_day)];
      if (cohort != nullptr && month != last_seen_month) {
        ++(*cohort)[static_cast<size_t>(month - cohort_month)];
        last_seen_month = month;
      }
    }
    if (in_range == 0) continue;
    ++welcomed;
    visits += in_range;
    if (recent) ++still;
    if (cohort != nullptr) ++fresh;
    persons += static_cast<int64_t>(household->birth_years.size());
    for (uint16_t year : household->birth_years) {
      if (year != 0 && end_year - year < 18) ++children;
    }
    ++types[household->household_type & 31];
    for (int source = 1; source < 32; ++source) {
      if (household->income_mask & (1u << source)) ++sources[source];
    }
    ++groups[IncomeGroup(household->income_mask)];
    ++bands[household->band];
    served.clear();
    for (const HairService& service : household->hair) {
      if (service.count > 0 && (site_filter < 0 || service.site == site_filter) &&
          service.day >= query.from_day && service.day <= query.to_day &&
          std::find(served.begin(), served.end(), service.member) == served.end()) {
        served.push_back(service.member);
      }
    }
    hair_persons += static_cast<int64_t>(served.size());
  }
  row->set_households(welcomed);
  row->set_new_households(fresh);
  row->set_still_coming(still);
  row->set_visits(visits);
  row->set_persons(persons);
  row->set_children(children);
  row->set_adults(persons - children);
  row->set_hair_persons(hair_persons);

  std::map<std::string, int64_t> labelled;
  for (int type = 0; type < 32; ++type) {
    if (types[type] != 0) labelled[v1::HouseholdType_Name(static_cast<v1::HouseholdType>(type))] = types[type];
  }
  Emit(labelled, row->mutable_household_types());
  labelled.clear();
  for (int source = 1; source < 32; ++source) {
    if (sources[source] != 0) labelled[v1::IncomeSource_Name(static_cast<v1::IncomeSource>(source))] = sources[source];
  }
  Emit(labelled, row->mutable_income_sources());
  labelled.clear();
  for (int group = 0; group < 3; ++group) {
    if (groups[group] != 0) labelled[kIncomeGroupNames[group]] = groups[group];
  }
  Emit(labelled, row->mutable_income_groups());
  labelled.clear();
  for (const auto& [band, count] : bands) {
    labelled[band == 0 ? "unknown" : labels_[band]] += count;
  }
  Emit(labelled, row->mutable_reste_a_vivre_bands());
  for (size_t m = 0; m < cohorts.size(); ++m) {
    if (cohorts[m].empty()) continue;
    v1::Cohort* cohort = row->add_cohorts();
    cohort->set_month(MonthName(first_month + static_cast<int32_t>(m)));
    cohort->set_households(cohorts[m][0]);
    for (size_t k = 1; k < cohorts[m].size(); ++k) cohort->add_returned(cohorts[m][k]);
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
