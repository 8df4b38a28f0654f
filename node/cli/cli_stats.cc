// comptoir stats --from D --to D [--site S] [--by-month] [--by-site] [--csv|--json]
// comptoir hub running-costs --site S --year Y --amount 120000
#include <iostream>
#include <map>

#include "CLI/CLI.hpp"
#include "common/civil_day.h"
#include "common/money.h"
#include "common/stats_csv.h"
#include "comptoir/v1/stats.grpc.pb.h"
#include "node/cli/cli_commands.h"
#include "node/cli/cli_util.h"

namespace comptoir::cli {

namespace {

const std::map<std::string, std::string>& FrenchLabels() {
  static const auto* labels = new std::map<std::string, std::string>{
      {"SINGLE_PARENT", "monoparentales"},
      {"COUPLE_WITH_CHILDREN", "couples avec enfants"},
      {"COUPLE_WITHOUT_CHILDREN", "couples sans enfant"},
      {"SINGLE_PERSON", "personnes seules"},
      {"OTHER_HOUSEHOLD", "autres foyers"},
      {"HOUSEHOLD_TYPE_UNSPECIFIED", "type non renseigné"},
      {"RSA", "RSA"},
      {"AAH", "AAH"},
      {"UNEMPLOYMENT_BENEFIT", "allocation chômage"},
      {"WAGES", "salaires"},
      {"PENSION", "pensions de retraite"},
      {"INVALIDITY", "pension d'invalidité"},
      {"NO_INCOME", "sans revenu"},
      {"OTHER_INCOME", "autres revenus"},
      {"social_benefits_or_no_income", "d'aides sociales ou sans revenu"},
      {"pension_invalidity_or_wages", "de pensions, d'invalidité ou de faibles salaires"},
      {"other_or_unknown", "autres ou non renseigné"},
  };
  return *labels;
}

std::string French(const std::string& label) {
  auto it = FrenchLabels().find(label);
  return it == FrenchLabels().end() ? label : it->second;
}

std::string Percent(int64_t part, int64_t total) {
  std::string share = SharePercent(part, total);
  for (char& c : share) {
    if (c == '.') c = ',';
  }
  return share + " %";
}

void Line(const std::string& label, const std::string& value) {
  std::cout << "  " << label;
  const size_t width = 58;
  // Labels are UTF-8: pad by characters, not bytes.
  size_t chars = 0;
  for (unsigned char c : label) chars += (c & 0xC0) != 0x80;
  for (size_t i = chars; i < width; ++i) std::cout << ' ';
  std::cout << value << "\n";
}

void PrintShares(const std::string& title, const google::protobuf::RepeatedPtrField<v1::LabelCount>& counts,
                 int64_t total) {
  if (counts.empty()) return;
  std::cout << "  " << title << "\n";
  for (const v1::LabelCount& count : counts) {
    Line("  " + French(count.label()), Percent(count.count(), total) + "  (" +
                                            std::to_string(count.count()) + ")");
  }
}

void PrintRow(const v1::StatsRow& row) {
  std::cout << "\n" << (row.site().empty() ? "Réseau" : "Centre " + row.site()) << " — du "
            << FrenchDay(row.from_day()) << " au " << FrenchDay(row.to_day()) << "\n";
  Line("Familles accueillies", std::to_string(row.households()));
  Line("  dont continuent à venir", std::to_string(row.still_coming()) + "  (" +
                                        Percent(row.still_coming(), row.households()) + ")");
  Line("  dont nouvelles familles", std::to_string(row.new_households()));
  Line("Personnes (adultes / enfants)", std::to_string(row.persons()) + "  (" +
                                            std::to_string(row.adults()) + " / " +
                                            std::to_string(row.children()) + ")");
  for (const v1::LabelCount& type : row.household_types()) {
    if (type.label() == "SINGLE_PARENT") {
      Line("Familles monoparentales", Percent(type.count(), row.households()));
    }
  }
  for (const v1::LabelCount& group : row.income_groups()) {
    if (group.label() != "other_or_unknown") {
      Line("Vivent " + French(group.label()), Percent(group.count(), row.households()));
    }
  }
  Line("Personnes servies au salon de coiffure", std::to_string(row.hair_persons()));
  Line("Passages (visites) / paniers", std::to_string(row.visits()) + " / " +
                                           std::to_string(row.baskets()));
  Line("Valeur de référence", FormatEuros(row.reference_cents()));
  Line("Payé par les familles", FormatEuros(row.paid_cents()));
  Line("Valeur donnée aux familles", FormatEuros(row.given_cents()));
  for (const v1::DepartmentFigures& d : row.departments()) {
    Line("  " + d.department(), FormatEuros(d.reference_cents()) + " → payé " +
                                    FormatEuros(d.paid_cents()) + ", donné " +
                                    FormatEuros(d.given_cents()));
  }
  PrintShares("Types de foyer", row.household_types(), row.households());
  PrintShares("Sources de revenus (plusieurs possibles)", row.income_sources(), row.households());
  PrintShares("Reste à vivre à l'admission", row.reste_a_vivre_bands(), row.households());
  Line("Inscriptions / renouvellements d'orientation",
       std::to_string(row.registrations()) + " / " + std::to_string(row.renewals()));
  for (const v1::LabelCount& referral : row.referrals_by_prescriber()) {
    Line("  orientations " + referral.label(), std::to_string(referral.count()));
  }
  for (const v1::DonorFigures& d : row.donations()) {
    Line("Dons " + d.donor_id(), std::to_string(d.units()) + " unités, " +
                                     FormatEuros(d.reference_cents()) + " (" +
                                     std::to_string(d.lots()) + " lots)");
  }
  Line("Perdu (DLC dépassée)",
       std::to_string(row.expired_units()) + " unités, " + FormatEuros(row.expired_cents()));
  Line("Transferts : envoyé / reçu / abîmé",
       std::to_string(row.transferred_out_units()) + " / " +
           std::to_string(row.transferred_in_units()) + " / " +
           std::to_string(row.transfer_damaged_units()));
  Line("Ateliers : séances / places / présences",
       std::to_string(row.workshop_sessions()) + " / " + std::to_string(row.workshop_places()) +
           " / " + std::to_string(row.workshop_attendance()));
  if (row.households() > 0) {
    const int64_t hundredths = (row.visits() * 100 + row.households() / 2) / row.households();
    Line("Passages par famille (moyenne)", std::to_string(hundredths / 100) + "," +
                                               std::to_string(hundredths % 100 / 10) +
                                               std::to_string(hundredths % 10));
  }
  for (const v1::Cohort& cohort : row.cohorts()) {
    std::string returned;
    for (int64_t count : cohort.returned()) returned += " " + std::to_string(count);
    Line("Fidélité " + cohort.month() + " (" + std::to_string(cohort.households()) + ")",
         "revenues M+1…:" + returned);
  }
  if (row.running_costs_cents() > 0) {
    Line("Frais de fonctionnement (prorata)", FormatEuros(row.running_costs_cents()));
    Line("Équilibre (payé − frais)", FormatEuros(row.balance_cents()) + "  (couvert à " +
                                         Percent(row.paid_cents(), row.running_costs_cents()) +
                                         ")");
  }
}

void PrintReport(const v1::StatsReport& report) {
  for (const v1::StatsRow& row : report.rows()) PrintRow(row);
  std::cout << "\nFraîcheur des données (dernier événement reçu de chaque centre)\n";
  for (const v1::SiteFreshness& fresh : report.freshness()) {
    Line(fresh.site(), FormatTime(fresh.latest_event_unix_ms()));
  }
}

}  // namespace

void AddStatsCommands(CLI::App& app, CLI::App& hub, const Globals& globals, int& result) {
  static v1::StatsRequest request;
  static bool csv = false;
  CLI::App* stats = app.add_subcommand("stats", "Network report for head office (from the hub)");
  stats->add_option("--from", *request.mutable_from_day(), "First day, YYYY-MM-DD")->required();
  stats->add_option("--to", *request.mutable_to_day(), "Last day, YYYY-MM-DD")->required();
  stats->add_option("--site", *request.mutable_site(), "One centre (default: the whole network)");
  static uint32_t weeks = 8;
  stats->add_option("--still-coming-weeks", weeks, "Window of 'still coming'")
      ->capture_default_str();
  static bool by_month = false, by_site = false;
  stats->add_flag("--by-month", by_month, "Also one row per month");
  stats->add_flag("--by-site", by_site, "Also one row per centre");
  stats->add_flag("--csv", csv, "CSV (columns documented in the README)");
  stats->callback([&] {
    request.set_still_coming_weeks(weeks);
    request.set_by_month(by_month);
    request.set_by_site(by_site);
    result = Call<v1::StatsService>(globals, globals.hub, &v1::StatsService::Stub::GetReport,
                                    request, [](const v1::StatsReport& report) {
                                      if (csv) {
                                        std::cout << StatsReportCsv(report);
                                      } else {
                                        PrintReport(report);
                                      }
                                    });
  });

  static v1::RunningCosts costs;
  static std::string amount;
  CLI::App* running = hub.add_subcommand(
      "running-costs", "Enter a centre's running costs for a year (budget balance)");
  running->add_option("--site", *costs.mutable_site(), "Centre, e.g. hem")->required();
  running->add_option("--year", [](const CLI::results_t& r) {
    costs.set_year(std::stoi(r[0]));
    return true;
  }, "Year, e.g. 2026")->required();
  running->add_option("--amount", amount, "Euros, e.g. 48000 or 48000,50")->required();
  running->callback([&] {
    int64_t cents = 0;
    if (!ParseAmount(amount, &cents)) {
      result = Usage("--amount: an amount in euros such as 48000 or 48000,50");
      return;
    }
    costs.set_amount_cents(cents);
    result = Call<v1::StatsService>(globals, globals.hub, &v1::StatsService::Stub::SetRunningCosts,
                                    costs, [](const v1::RunningCosts& set) {
                                      std::cout << "frais de fonctionnement " << set.site() << " "
                                                << set.year() << " : "
                                                << FormatEuros(set.amount_cents()) << "\n";
                                    });
  });
}

}  // namespace comptoir::cli
