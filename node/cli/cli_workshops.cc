// comptoir workshop ... | donors
#include "common/money.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "node/cli/cli_commands.h"

namespace comptoir::cli {
namespace {

void PrintWorkshop(const v1::WorkshopView& workshop) {
  std::cout << workshop.workshop_id() << "  " << workshop.day() << "  " << workshop.theme() << "  "
            << workshop.seats_size() << "/" << workshop.places() << " inscrits\n";
  for (const auto& seat : workshop.seats()) {
    std::cout << "  " << seat.family_id() << " personne " << seat.member_id();
    if (seat.has_attended()) std::cout << (seat.attended() ? "  présente" : "  absente");
    std::cout << "\n";
  }
}

}  // namespace

void AddWorkshopCommands(CLI::App& app, const Globals& globals, int& result) {
  CLI::App* workshop = app.add_subcommand("workshop", "Workshops of this centre");
  workshop->require_subcommand(1);
  static std::string theme;
  static std::string day;
  static uint32_t places = 0;
  CLI::App* schedule = workshop->add_subcommand("schedule", "Schedule a session");
  schedule->add_option("--theme", theme, "e.g. \"Atelier cuisine\"")->required();
  schedule->add_option("--day", day, "YYYY-MM-DD")->required();
  schedule->add_option("--places", places, "Number of places")->required();
  schedule->callback([&] {
    v1::ScheduleWorkshopRequest request;
    request.set_theme(theme);
    request.set_day(day);
    request.set_places(places);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::ScheduleWorkshop,
                                   request, PrintWorkshop);
  });

  static std::string workshop_id;
  static std::string family;
  static uint32_t member = 0;
  CLI::App* enrol = workshop->add_subcommand("register", "Register a member of a family");
  enrol->add_option("workshop", workshop_id, "Workshop id, e.g. HEM-W-000003")->required();
  enrol->add_option("--family", family, "Card id")->required();
  enrol->add_option("--member", member, "Member number in the family (1, 2, ...)")->required();
  enrol->callback([&] {
    v1::WorkshopMemberRequest request;
    request.set_workshop_id(workshop_id);
    request.set_family_id(family);
    request.set_member_id(member);
    result = Call<v1::TillService>(globals, globals.node,
                                   &v1::TillService::Stub::RegisterForWorkshop, request,
                                   PrintWorkshop);
  });

  static bool absent = false;
  CLI::App* attend = workshop->add_subcommand("attend", "Record who came (on the day)");
  attend->add_option("workshop", workshop_id, "Workshop id")->required();
  attend->add_option("--family", family, "Card id")->required();
  attend->add_option("--member", member, "Member number")->required();
  attend->add_flag("--absent", absent, "Record an absence instead");
  attend->callback([&] {
    v1::RecordAttendanceRequest request;
    request.set_workshop_id(workshop_id);
    request.set_family_id(family);
    request.set_member_id(member);
    request.set_attended(!absent);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::RecordAttendance,
                                   request, PrintWorkshop);
  });

  static std::string from;
  CLI::App* list = workshop->add_subcommand("list", "Sessions from a day on (default: 30 days ago)");
  list->add_option("--from", from, "YYYY-MM-DD");
  list->callback([&] {
    v1::ListWorkshopsRequest request;
    request.set_from_day(from);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::ListWorkshops,
                                   request, [](const v1::ListWorkshopsResponse& response) {
                                     if (response.workshops().empty()) std::cout << "aucun atelier\n";
                                     for (const auto& w : response.workshops()) PrintWorkshop(w);
                                   });
  });

  app.add_subcommand("donors", "Donors and what each gave, per centre")->callback([&] {
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::ListDonors,
                                   v1::ListDonorsRequest(), [](const v1::DonorReport& report) {
                                     for (const auto& gifts : report.donors()) {
                                       std::cout << gifts.donor().donor_id() << "  "
                                                 << gifts.donor().name() << " : " << gifts.units()
                                                 << (gifts.units() == 1 ? " unité" : " unités")
                                                 << ", valeur boutique "
                                                 << FormatEuros(gifts.reference_value_cents()) << "\n";
                                       for (const auto& site : gifts.by_site()) {
                                         std::cout << "  " << site.site() << " : " << site.units()
                                                   << (site.units() == 1 ? " unité, " : " unités, ")
                                                   << FormatEuros(site.reference_value_cents()) << "\n";
                                       }
                                     }
                                   });
  });
}

}  // namespace comptoir::cli
