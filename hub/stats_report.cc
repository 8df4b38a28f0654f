// StatsModel: computing a report row from the folded figures.
#include <algorithm>
#include <map>
#include <mutex>

#include "absl/time/civil_time.h"
#include "common/saturating.h"
#include "common/civil_day.h"
#include "hub/stats_metrics.h"
#include "hub/stats_model.h"

namespace comptoir {

using namespace stats;  // NOLINT: the metric names read better unqualified here

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

std::vector<int64_t> StatsModel::Sum(const Query& query) const {
  std::vector<int64_t> sums(counters_.size(), 0);
  auto add_all = [&sums](const Counters& counters) {
    for (const auto& [counter, value] : counters) {
      sums[counter] = SaturatingAdd(sums[counter], value);
    }
  };
  auto add_days = [&](const Site& site, int32_t from, int32_t to) {
    if (from > to) return;  // the period starts or ends with a whole month
    for (auto it = site.days.lower_bound(from); it != site.days.end() && it->first <= to; ++it) {
      add_all(it->second);
    }
  };
  // Whole months of the period by month, the partial months at its ends by day.
  int32_t whole_from = MonthIndex(query.from_day);
  if (MonthStart(whole_from) != query.from_day) ++whole_from;
  int32_t whole_to = MonthIndex(query.to_day);
  if (MonthStart(whole_to + 1) - 1 != query.to_day) --whole_to;
  for (size_t site_index = 0; site_index < site_data_.size(); ++site_index) {
    if (!query.site.empty() && sites_[site_index] != query.site) continue;
    const Site& site = site_data_[site_index];
    if (whole_from > whole_to) {
      add_days(site, query.from_day, query.to_day);
      continue;
    }
    add_days(site, query.from_day, MonthStart(whole_from) - 1);
    for (auto it = site.months.lower_bound(whole_from);
         it != site.months.end() && it->first <= whole_to; ++it) {
      add_all(it->second);
    }
    add_days(site, MonthStart(whole_to + 1), query.to_day);
  }
  return sums;
}

int64_t StatsModel::Total(const std::vector<int64_t>& sums, uint32_t metric,
                          uint32_t label) const {
  auto it = counter_numbers_.find(CounterId(metric, label));
  return it == counter_numbers_.end() ? 0 : sums[it->second];
}

void StatsModel::CountHouseholds(const Query& query, v1::StatsRow* row) const {
  if (query.site.empty()) {
    CountHouseholdsIn(Population{&visits_, &hair_, nullptr}, query, row);
    return;
  }
  auto site = site_index_.find(query.site);
  if (site == site_index_.end()) return;
  const Site& at = site_data_[site->second];
  CountHouseholdsIn(Population{&at.visits, &at.hair, &at.households.network}, query, row);
}

int StatsModel::Children(uint32_t household_number, int end_year) const {
  auto is_child = [end_year](uint16_t year) { return year != 0 && end_year - year < 18; };
  const Profile& profile = profiles_[household_number];
  int children = 0;
  while (children < kProfileYears && is_child(profile.youngest[children])) ++children;
  if (children < kProfileYears || profile.persons <= kProfileYears) return children;
  // Youngest first: past the profile's copy, the rest only when all of it were children.
  const std::vector<uint16_t>& years = households_[household_number].birth_years;
  while (static_cast<size_t>(children) < years.size() &&
         is_child(years[static_cast<size_t>(children)])) {
    ++children;
  }
  return children;
}

// Bitmaps of the households present in each month of the period; their union
// is the households welcomed. Then one pass over those households' profiles.
void StatsModel::CountHouseholdsIn(const Population& population, const Query& query,
                                   v1::StatsRow* row) const {
  const int32_t still_coming_from = query.to_day - query.still_coming_days + 1;
  const int end_year = static_cast<int>((absl::CivilDay(1970, 1, 1) + query.to_day).year());
  const int32_t first_month = MonthIndex(query.from_day);
  const int32_t last_month = MonthIndex(query.to_day);
  const size_t month_count = static_cast<size_t>(last_month - first_month) + 1;

  std::vector<Bitmap> months(month_count);  // present in month first_month + m, in the period
  std::vector<uint16_t> month_of(static_cast<size_t>(query.to_day - query.from_day) + 1);
  Bitmap welcomed;
  for (size_t m = 0; m < month_count; ++m) {
    const int32_t month = first_month + static_cast<int32_t>(m);
    const int32_t from = std::max(query.from_day, MonthStart(month));
    const int32_t to = std::min(query.to_day, MonthStart(month + 1) - 1);
    population.visits->Collect(from, to, &months[m]);
    welcomed.Or(months[m]);
    std::fill(month_of.begin() + (from - query.from_day), month_of.begin() + (to - query.from_day) + 1,
              static_cast<uint16_t>(m));
  }
  Bitmap recent;
  population.visits->Collect(std::max(query.from_day, still_coming_from), query.to_day, &recent);
  Bitmap served;
  population.hair->Collect(query.from_day, query.to_day, &served);

  int64_t types[32] = {}, sources[32] = {}, groups[3] = {};
  std::vector<int64_t> bands(labels_.size(), 0);
  std::vector<Bitmap> fresh(month_count);  // first visit ever in month first_month + m
  int64_t persons = 0, children = 0;
  welcomed.ForEach([&](uint32_t id) {
    const int32_t first = population.visits->FirstDay(id);
    if (first >= query.from_day) fresh[month_of[static_cast<size_t>(first - query.from_day)]].Set(id);
    const uint32_t household = population.households ? (*population.households)[id] : id;
    const Profile& profile = profiles_[household];
    persons += profile.persons;
    children += Children(household, end_year);
    ++types[profile.household_type];
    for (uint32_t mask = profile.income_mask; mask != 0; mask &= mask - 1) {
      ++sources[__builtin_ctz(mask)];
    }
    ++groups[IncomeGroup(profile.income_mask)];
    ++bands[profile.band];
  });

  int64_t fresh_total = 0;
  for (size_t m = 0; m < month_count; ++m) {
    const int64_t count = fresh[m].Count();
    if (count == 0) continue;
    fresh_total += count;
    v1::Cohort* cohort = row->add_cohorts();
    cohort->set_month(MonthName(first_month + static_cast<int32_t>(m)));
    cohort->set_households(count);
    for (size_t later = m + 1; later < month_count; ++later) {
      cohort->add_returned(fresh[m].CountAnd(months[later]));
    }
  }
  row->set_households(welcomed.Count());
  row->set_new_households(fresh_total);
  row->set_still_coming(recent.Count());
  row->set_persons(persons);
  row->set_children(children);
  row->set_adults(persons - children);
  row->set_hair_persons(served.Count());

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
  for (size_t band = 0; band < bands.size(); ++band) {
    if (bands[band] != 0) labelled[band == 0 ? "unknown" : labels_[band]] += bands[band];
  }
  Emit(labelled, row->mutable_reste_a_vivre_bands());
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

  const std::vector<int64_t> sums = Sum(query);
  row.set_baskets(Total(sums, kBaskets));
  row.set_voided_sales(Total(sums, kVoided));
  row.set_visits(Total(sums, kVisits));
  row.set_registrations(Total(sums, kRegistrations));
  row.set_renewals(Total(sums, kRenewals));
  row.set_expired_units(Total(sums, kExpiredUnits));
  row.set_expired_cents(Total(sums, kExpiredReference));
  row.set_transferred_out_units(Total(sums, kTransferredOut));
  row.set_transferred_in_units(Total(sums, kTransferredIn));
  row.set_transfer_damaged_units(Total(sums, kTransferDamaged));
  row.set_workshop_sessions(Total(sums, kWorkshopSessions));
  row.set_workshop_places(Total(sums, kWorkshopPlaces));
  row.set_workshop_attendance(Total(sums, kWorkshopAttendance));

  std::map<std::string, v1::DepartmentFigures> departments;
  std::map<std::string, v1::DonorFigures> donors;
  std::map<std::string, int64_t> prescribers;
  for (size_t counter = 0; counter < sums.size(); ++counter) {
    const int64_t value = sums[counter];
    if (value == 0) continue;
    const uint64_t id = counters_[counter];
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
