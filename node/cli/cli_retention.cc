// comptoir hub retention [--until YYYY-MM-DD]
//   The households whose personal data the hub will erase by then (default:
//   the end of next month), with their centre, last referral end, last visit
//   and due day. Head office only.
#include <cstdio>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "common/civil_day.h"
#include "comptoir/v1/retention.grpc.pb.h"
#include "node/cli/cli_commands.h"
#include "node/cli/cli_util.h"

namespace comptoir::cli {

namespace {

// `text` padded with spaces to `width` characters (UTF-8: centre names have
// accents).
std::string Pad(const std::string& text, size_t width) {
  size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  return text + std::string(chars < width ? width - chars : 1, ' ');
}

std::string DayOrDash(const std::string& day) { return day.empty() ? "—" : FrenchDay(day); }

void PrintDue(const v1::RetentionDue& due) {
  std::cout << "Durée de conservation : " << due.retention_months()
            << " mois après la fin de la dernière orientation ou le dernier passage\n";
  if (due.households().empty()) {
    std::cout << "Aucun foyer à effacer d'ici le " << FrenchDay(due.until_day()) << ".\n";
    return;
  }
  std::cout << due.households_size() << " foyer(s) à effacer d'ici le "
            << FrenchDay(due.until_day()) << " (aujourd'hui " << FrenchDay(due.today())
            << ") :\n\n";
  std::cout << Pad("Carte", 14) << Pad("Centre", 14) << Pad("Fin d'orientation", 19)
            << Pad("Dernier passage", 17) << "Effacement le\n";
  for (const v1::HouseholdDue& household : due.households()) {
    std::cout << Pad(household.family_id(), 14) << Pad(household.home_name(), 14)
              << Pad(DayOrDash(household.last_referral_end_day()), 19)
              << Pad(DayOrDash(household.last_visit_day()), 17) << FrenchDay(household.due_day())
              << "\n";
  }
}

}  // namespace

void AddRetentionCommands(CLI::App& hub, const Globals& globals, int& result) {
  static v1::ListRetentionDueRequest request;
  CLI::App* retention = hub.add_subcommand(
      "retention",
      "Households whose personal data the hub will erase by --until (default: the end of next "
      "month), under the network's retention period; head office only");
  retention->add_option("--until", *request.mutable_until_day(),
                        "Last day covered, YYYY-MM-DD (default: the last day of next month)");
  retention->callback([&] {
    result = Call<v1::RetentionService>(globals, globals.hub,
                                        &v1::RetentionService::Stub::ListRetentionDue, request,
                                        PrintDue);
  });
}

}  // namespace comptoir::cli
