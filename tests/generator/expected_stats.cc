#include "tests/generator/expected_stats.h"

#include <map>
#include <set>
#include <tuple>

#include "common/civil_day.h"

namespace comptoir::generator {

namespace {

int MonthNumber(const std::string& day) {
  return std::stoi(day.substr(0, 4)) * 12 + std::stoi(day.substr(5, 2)) - 1;
}

template <typename Field>
void Emit(const std::map<std::string, int64_t>& counts, Field* field) {
  for (const auto& [label, count] : counts) {
    if (count == 0) continue;
    v1::LabelCount* row = field->Add();
    row->set_label(label);
    row->set_count(count);
  }
}

}  // namespace

v1::StatsRow ExpectedRow(const Facts& facts, const std::string& from, const std::string& to,
                         const std::string& site, int still_coming_weeks) {
  v1::StatsRow row;
  row.set_from_day(from);
  row.set_to_day(to);
  row.set_site(site);
  const std::string still_from = *AddDays(to, -7 * still_coming_weeks + 1);
  auto here = [&](const std::string& where) { return site.empty() || where == site; };
  auto inside = [&](const std::string& day) { return day >= from && day <= to; };

  std::map<std::string, std::string> first_visit;
  std::map<std::string, std::set<std::string>> days_in_range;  // family -> "day/site"
  std::map<std::string, std::set<int>> months_in_range;
  std::map<std::string, bool> recent;
  std::set<std::pair<std::string, uint32_t>> hair;
  std::map<std::string, v1::DepartmentFigures> departments;
  for (const FactSale& sale : facts.sales) {
    if (!here(sale.site)) continue;
    if (inside(sale.day)) {
      if (sale.voided) {
        row.set_voided_sales(row.voided_sales() + 1);
        continue;
      }
      row.set_baskets(row.baskets() + 1);
    }
    if (sale.voided) continue;
    auto [first, added] = first_visit.try_emplace(sale.family, sale.day);
    if (!added && sale.day < first->second) first->second = sale.day;
    if (!inside(sale.day)) continue;
    days_in_range[sale.family].insert(sale.day + "/" + sale.site);
    months_in_range[sale.family].insert(MonthNumber(sale.day));
    if (sale.day >= still_from) recent[sale.family] = true;
    for (const FactLine& line : sale.lines) {
      v1::DepartmentFigures& d = departments[line.department];
      d.set_units(d.units() + line.units);
      d.set_reference_cents(d.reference_cents() + line.reference_cents);
      d.set_paid_cents(d.paid_cents() + line.paid_cents);
      if (line.member != 0) hair.emplace(sale.family, line.member);
    }
  }

  std::map<std::string, int64_t> types, sources, groups, bands;
  std::map<int, std::vector<int64_t>> cohorts;
  const int end_year = std::stoi(to.substr(0, 4));
  const int last_month = MonthNumber(to);
  for (const auto& [family, days] : days_in_range) {
    row.set_households(row.households() + 1);
    row.set_visits(row.visits() + static_cast<int64_t>(days.size()));
    if (recent[family]) row.set_still_coming(row.still_coming() + 1);
    const FactFamily& fact = facts.families.at(family);
    for (int year : fact.birth_years) {
      row.set_persons(row.persons() + 1);
      if (year != 0 && end_year - year < 18) {
        row.set_children(row.children() + 1);
      } else {
        row.set_adults(row.adults() + 1);
      }
    }
    ++types[v1::HouseholdType_Name(static_cast<v1::HouseholdType>(fact.household_type))];
    bool earned = false, other = fact.income_sources.empty();
    for (int source : fact.income_sources) {
      ++sources[v1::IncomeSource_Name(static_cast<v1::IncomeSource>(source))];
      earned = earned || source == v1::PENSION || source == v1::INVALIDITY || source == v1::WAGES;
      other = other || !(source == v1::RSA || source == v1::AAH ||
                         source == v1::UNEMPLOYMENT_BENEFIT || source == v1::NO_INCOME);
    }
    ++groups[earned ? "pension_invalidity_or_wages"
                    : (other ? "other_or_unknown" : "social_benefits_or_no_income")];
    ++bands[fact.band.empty() ? "unknown" : fact.band];
    const std::string& first = first_visit.at(family);
    if (first >= from) {
      row.set_new_households(row.new_households() + 1);
      const int cohort_month = MonthNumber(first);
      std::vector<int64_t>& cohort = cohorts[cohort_month];
      cohort.resize(static_cast<size_t>(last_month - cohort_month) + 1, 0);
      ++cohort[0];
      for (int month : months_in_range[family]) {
        if (month > cohort_month) ++cohort[static_cast<size_t>(month - cohort_month)];
      }
    }
  }
  row.set_hair_persons(static_cast<int64_t>(hair.size()));
  Emit(types, row.mutable_household_types());
  Emit(sources, row.mutable_income_sources());
  Emit(groups, row.mutable_income_groups());
  Emit(bands, row.mutable_reste_a_vivre_bands());
  for (auto& [code, d] : departments) {
    d.set_department(code);
    d.set_given_cents(d.reference_cents() - d.paid_cents());
    row.set_reference_cents(row.reference_cents() + d.reference_cents());
    row.set_paid_cents(row.paid_cents() + d.paid_cents());
    *row.add_departments() = d;
  }
  row.set_given_cents(row.reference_cents() - row.paid_cents());
  row.set_balance_cents(row.paid_cents());  // no running costs in the facts
  for (const auto& [month, counts] : cohorts) {
    v1::Cohort* cohort = row.add_cohorts();
    cohort->set_month(MonthOf(DayFromNumber(*DayNumber(
        std::to_string(month / 12) + "-" + (month % 12 < 9 ? "0" : "") +
        std::to_string(month % 12 + 1) + "-01"))));
    cohort->set_households(counts[0]);
    for (size_t k = 1; k < counts.size(); ++k) cohort->add_returned(counts[k]);
  }

  std::map<std::string, int64_t> metric_totals;
  std::map<std::string, v1::DonorFigures> donors;
  std::map<std::string, int64_t> prescribers;
  for (const FactCount& count : facts.counts) {
    if (!here(count.site) || !inside(count.day)) continue;
    if (count.metric == "donation_lots") {
      donors[count.label].set_lots(donors[count.label].lots() + count.value);
    } else if (count.metric == "donation_units") {
      donors[count.label].set_units(donors[count.label].units() + count.value);
    } else if (count.metric == "donation_reference_cents") {
      donors[count.label].set_reference_cents(donors[count.label].reference_cents() + count.value);
    } else if (count.metric == "referrals") {
      prescribers[count.label] += count.value;
    } else {
      metric_totals[count.metric] += count.value;
    }
  }
  for (auto& [donor, figures] : donors) {
    figures.set_donor_id(donor);
    *row.add_donations() = figures;
  }
  Emit(prescribers, row.mutable_referrals_by_prescriber());
  row.set_registrations(metric_totals["registrations"]);
  row.set_renewals(metric_totals["renewals"]);
  row.set_expired_units(metric_totals["expired_units"]);
  row.set_expired_cents(metric_totals["expired_cents"]);
  row.set_transferred_out_units(metric_totals["transferred_out_units"]);
  row.set_transferred_in_units(metric_totals["transferred_in_units"]);
  row.set_transfer_damaged_units(metric_totals["transfer_damaged_units"]);
  row.set_workshop_sessions(metric_totals["workshop_sessions"]);
  row.set_workshop_places(metric_totals["workshop_places"]);
  row.set_workshop_attendance(metric_totals["workshop_attendance"]);
  return row;
}

}  // namespace comptoir::generator
