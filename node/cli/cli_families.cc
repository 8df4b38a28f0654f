// comptoir family ... | referral ...
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/civil_day.h"
#include "common/money.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "node/cli/cli_commands.h"
#include "node/cli/cli_enums.h"
#include "node/notice.h"

namespace comptoir::cli {
namespace {

// "FIRSTNAME:F|M:YEAR".
bool ParseMember(const std::string& text, v1::MemberInput* member) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  if (parts.size() != 3) return false;
  auto sex = SexWords().find(absl::AsciiStrToLower(parts[1]));
  uint32_t year = 0;
  if (sex == SexWords().end() || !absl::SimpleAtoi(parts[2], &year)) return false;
  member->set_first_name(parts[0]);
  member->set_sex(static_cast<v1::Sex>(sex->second));
  member->set_birth_year(year);
  return true;
}

void PrintFamily(const v1::FamilyView& family) {
  std::cout << family.family_id() << "  "
            << (family.erased_day().empty()
                    ? family.family_name()
                    : "données effacées le " + FrenchDay(family.erased_day()))
            << "  (inscrite à " << family.registered_by() << " le " << family.registered_day()
            << ")";
  if (!family.postcode().empty()) std::cout << "  code postal " << family.postcode();
  std::cout << "\n";
  if (!family.notice_version().empty()) {
    std::cout << "  Notice d'information remise : version " << family.notice_version() << ", le "
              << FrenchDay(family.notice_day()) << "\n";
  }
  for (const auto& member : family.members()) {
    std::cout << "  " << member.member_id() << ". " << member.first_name() << " ("
              << (member.sex() == v1::FEMALE ? "F" : member.sex() == v1::MALE ? "M" : "?") << ", "
              << member.birth_year() << ")\n";
  }
  for (const auto& referral : family.referrals()) {
    std::cout << "  orientation " << referral.referral_id() << " par " << referral.prescriber_id()
              << " du " << referral.start_day() << " au " << referral.end_day()
              << (referral.ended() ? " (terminée)" : "");
    if (referral.monthly_ceiling_cents() > 0) {
      std::cout << ", plafond " << FormatEuros(referral.monthly_ceiling_cents()) << "/mois";
    }
    std::cout << "\n";
  }
  if (family.may_shop_today()) {
    std::cout << "  peut faire ses achats aujourd'hui ; dépensé ce mois-ci : "
              << FormatEuros(family.spent_this_month_cents());
    if (family.has_ceiling_remaining_cents()) {
      std::cout << ", reste " << FormatEuros(family.ceiling_remaining_cents());
    }
    std::cout << "\n";
  } else {
    std::cout << "  NE PEUT PAS faire d'achat aujourd'hui : " << family.refusal() << "\n";
  }
}

void PrintReferral(const v1::ReferralView& referral) {
  std::cout << referral.referral_id() << " : famille " << referral.family_id() << ", "
            << referral.prescriber_id() << ", du " << referral.start_day() << " au "
            << referral.end_day() << (referral.ended() ? " (terminée)" : "") << "\n";
}

}  // namespace

void AddFamilyCommands(CLI::App& app, const Globals& globals, int& result) {
  CLI::App* family = app.add_subcommand("family", "Register, find, show and update households");
  family->require_subcommand(1);
  AddFamilyExportCommand(*family, globals, result);

  static std::string name;
  static std::vector<std::string> members;
  static int household = 0;
  static std::vector<int> incomes;
  static std::string band;
  static std::string postcode;
  static std::string request_id;
  static bool notice_given = false;
  CLI::App* add = family->add_subcommand("register", "Register a household; prints its card id");
  add->add_option("--name", name, "Family name")->required();
  add->add_option("--member", members, "FIRSTNAME:F|M:BIRTHYEAR, once per person")->required();
  add->add_option("--household", household,
                  "single-parent, couple-with-children, couple-without-children, single-person, other")
      ->transform(CLI::CheckedTransformer(HouseholdWords(), CLI::ignore_case))
      ->required();
  add->add_option("--income", incomes,
                  "rsa, aah, unemployment, wages, pension, invalidity, none, other (repeatable)")
      ->transform(CLI::CheckedTransformer(IncomeWords(), CLI::ignore_case));
  add->add_option("--band", band, "Reste-à-vivre band at admission, e.g. 0-150");
  add->add_option("--postcode", postcode, "Postcode, e.g. 59510");
  add->add_option("--request-id", request_id, "Idempotency key");
  add->add_flag("--notice-given", notice_given,
                std::string("The household received the information notice (version ") +
                    std::string(CurrentNoticeVersion()) + "); required")
      ->required();
  add->callback([&] {
    v1::RegisterFamilyRequest request;
    request.set_family_name(name);
    for (const std::string& text : members) {
      if (!ParseMember(text, request.add_members())) {
        result = Usage("--member " + text + ": expected FIRSTNAME:F|M:BIRTHYEAR");
        return;
      }
    }
    request.set_household_type(static_cast<v1::HouseholdType>(household));
    for (int income : incomes) request.add_income_sources(static_cast<v1::IncomeSource>(income));
    request.set_reste_a_vivre_band(band);
    request.set_postcode(postcode);
    request.set_request_id(request_id);
    if (notice_given) request.set_notice_version(std::string(CurrentNoticeVersion()));
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::RegisterFamily,
                                   request, PrintFamily);
  });

  static std::string card;
  CLI::App* show = family->add_subcommand("show", "A family, its referrals, and whether it may shop today");
  show->add_option("card", card, "Card id")->required();
  show->callback([&] {
    v1::GetFamilyRequest request;
    request.set_family_id(card);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::GetFamily, request,
                                   PrintFamily);
  });

  static bool erase_confirmed = false;
  CLI::App* erase = family->add_subcommand(
      "erase", "Erase a household's personal data everywhere (GDPR): names, first names, notes");
  erase->add_option("card", card, "Card id")->required();
  erase->add_flag("--yes", erase_confirmed, "Confirm: the erasure cannot be undone");
  erase->callback([&] {
    if (!erase_confirmed) {
      std::cerr << "Effacer les données personnelles du foyer " << card
                << " ? Ses noms, prénoms et les textes saisis à son sujet seront effacés dans "
                   "tous les centres et au siège, définitivement ; sa carte, la composition du "
                   "foyer et les statistiques restent.\nPour confirmer : comptoir family erase "
                << card << " --yes\n";
      result = 2;
      return;
    }
    v1::EraseFamilyRequest request;
    request.set_family_id(card);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::EraseFamily,
                                   request, [](const v1::FamilyView& family) {
                                     std::cout << "Données personnelles du foyer "
                                               << family.family_id()
                                               << " effacées ici ; les autres centres et le "
                                                  "siège les effacent dès qu'ils reçoivent "
                                                  "l'effacement.\n";
                                     PrintFamily(family);
                                   });
  });

  static std::string query;
  CLI::App* search = family->add_subcommand("search", "Find families by card id or name");
  search->add_option("query", query,
                     "Card number (HEM-000002, 000002 or 2), or a name, even misspelt")->required();
  search->callback([&] {
    v1::SearchFamiliesRequest request;
    request.set_query(query);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::SearchFamilies,
                                   request, [](const v1::SearchFamiliesResponse& response) {
                                     if (response.families().empty()) {
                                       std::cout << response.notice() << "\n";
                                     }
                                     for (int i = 0; i < response.families_size(); ++i) {
                                       if (i < response.matches_size() &&
                                           response.matches(i) == v1::FAMILY_MATCH_CLOSE) {
                                         std::cout << "vouliez-vous dire : ";
                                       }
                                       PrintFamily(response.families(i));
                                     }
                                   });
  });

  static std::string new_name;
  static int new_household = 0;
  static std::string new_band;
  static std::string new_postcode;
  static std::vector<int> new_incomes;
  static std::vector<std::string> new_members;
  CLI::App* update = family->add_subcommand("update", "Change some fields of a family");
  update->add_option("card", card, "Card id")->required();
  auto* name_option = update->add_option("--name", new_name, "New family name");
  auto* household_option = update->add_option("--household", new_household, "New household type")
      ->transform(CLI::CheckedTransformer(HouseholdWords(), CLI::ignore_case));
  auto* band_option = update->add_option("--band", new_band, "New reste-à-vivre band");
  auto* postcode_option = update->add_option("--postcode", new_postcode, "New postcode");
  auto* income_option = update->add_option("--income", new_incomes, "Replace the income sources")
      ->transform(CLI::CheckedTransformer(IncomeWords(), CLI::ignore_case));
  auto* members_option = update->add_option("--member", new_members,
                                            "Replace the members (FIRSTNAME:F|M:YEAR, in order)");
  static bool new_notice = false;
  update->add_flag("--notice-given", new_notice,
                   std::string("The household received today the information notice (version ") +
                       std::string(CurrentNoticeVersion()) + ")");
  update->callback([&, name_option, household_option, band_option, postcode_option, income_option,
                    members_option] {
    v1::UpdateFamilyRequest request;
    request.set_family_id(card);
    if (name_option->count() > 0) request.set_family_name(new_name);
    if (household_option->count() > 0) {
      request.set_household_type(static_cast<v1::HouseholdType>(new_household));
    }
    if (band_option->count() > 0) request.set_reste_a_vivre_band(new_band);
    if (postcode_option->count() > 0) request.set_postcode(new_postcode);
    if (new_notice) request.set_notice_version(std::string(CurrentNoticeVersion()));
    if (income_option->count() > 0) {
      request.set_replace_income_sources(true);
      for (int income : new_incomes) request.add_income_sources(static_cast<v1::IncomeSource>(income));
    }
    if (members_option->count() > 0) {
      request.set_replace_members(true);
      for (const std::string& text : new_members) {
        if (!ParseMember(text, request.add_members())) {
          result = Usage("--member " + text + ": expected FIRSTNAME:F|M:BIRTHYEAR");
          return;
        }
      }
    }
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::UpdateFamily,
                                   request, PrintFamily);
  });

  CLI::App* referral = app.add_subcommand("referral", "Referrals by a prescriber");
  referral->require_subcommand(1);
  static std::string prescriber;
  static std::string from_day;
  static std::string until_day;
  static std::string ceiling;
  static std::string project;
  CLI::App* grant = referral->add_subcommand("grant", "Refer a family for a period");
  grant->add_option("--family", card, "Card id")->required();
  grant->add_option("--prescriber", prescriber, "Prescriber id, e.g. ccas-hem")->required();
  grant->add_option("--from", from_day, "First day (YYYY-MM-DD; default today)");
  grant->add_option("--until", until_day, "Last day covered (YYYY-MM-DD)")->required();
  grant->add_option("--ceiling", ceiling, "Monthly spending ceiling in euros, e.g. 60,00");
  grant->add_option("--project", project, "The family's project (stays in this centre)");
  grant->callback([&] {
    v1::GrantReferralRequest request;
    request.set_family_id(card);
    request.set_prescriber_id(prescriber);
    request.set_start_day(from_day);
    request.set_end_day(until_day);
    request.set_project(project);
    int64_t cents = 0;
    if (!ceiling.empty() && !ParseAmount(ceiling, &cents)) {
      result = Usage("--ceiling " + ceiling + ": expected an amount in euros, e.g. 60,00");
      return;
    }
    request.set_monthly_ceiling_cents(cents);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::GrantReferral,
                                   request, PrintReferral);
  });

  static std::string referral_id;
  CLI::App* renew = referral->add_subcommand("renew", "Extend a referral");
  renew->add_option("referral", referral_id, "Referral id, e.g. HEM-R-000012")->required();
  renew->add_option("--until", until_day, "New last day (YYYY-MM-DD)")->required();
  auto* renew_ceiling = renew->add_option("--ceiling", ceiling, "New monthly ceiling in euros");
  renew->callback([&, renew_ceiling] {
    v1::RenewReferralRequest request;
    request.set_referral_id(referral_id);
    request.set_end_day(until_day);
    if (renew_ceiling->count() > 0) {
      int64_t cents = 0;
      if (!ParseAmount(ceiling, &cents)) {
        result = Usage("--ceiling " + ceiling + ": expected an amount in euros");
        return;
      }
      request.set_monthly_ceiling_cents(cents);
    }
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::RenewReferral,
                                   request, PrintReferral);
  });

  static std::string reason;
  CLI::App* end = referral->add_subcommand("end", "End a referral early");
  end->add_option("referral", referral_id, "Referral id")->required();
  end->add_option("--on", until_day, "Last day covered (default today)");
  end->add_option("--reason", reason, "Why");
  end->callback([&] {
    v1::EndReferralRequest request;
    request.set_referral_id(referral_id);
    request.set_end_day(until_day);
    request.set_reason(reason);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::EndReferral,
                                   request, PrintReferral);
  });
}

}  // namespace comptoir::cli
