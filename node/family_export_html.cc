#include "node/family_export_html.h"

#include <initializer_list>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/civil_day.h"
#include "common/money.h"
#include "node/family_export_css.h"  // generated from node/web/static/family_export.css
#include "node/receipt.h"

namespace comptoir {
namespace {

std::string Escape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// The words of the web till's registration form (node/web/static/index.html).
std::string HouseholdWords(v1::HouseholdType type) {
  switch (type) {
    case v1::SINGLE_PARENT: return "Famille monoparentale";
    case v1::COUPLE_WITH_CHILDREN: return "Couple avec enfants";
    case v1::COUPLE_WITHOUT_CHILDREN: return "Couple sans enfant";
    case v1::SINGLE_PERSON: return "Personne seule";
    case v1::OTHER_HOUSEHOLD: return "Autre";
    default: return "non renseigné";
  }
}

std::string IncomeWords(int source) {
  switch (source) {
    case v1::RSA: return "RSA";
    case v1::AAH: return "AAH";
    case v1::UNEMPLOYMENT_BENEFIT: return "Allocation chômage";
    case v1::WAGES: return "Salaire";
    case v1::PENSION: return "Retraite";
    case v1::INVALIDITY: return "Invalidité";
    case v1::NO_INCOME: return "Sans ressources";
    case v1::OTHER_INCOME: return "Autre";
    default: return "non renseigné";
  }
}

std::string IncomesWords(const google::protobuf::RepeatedField<int>& sources) {
  if (sources.empty()) return "non renseignées";
  std::vector<std::string> words;
  for (int source : sources) words.push_back(IncomeWords(source));
  return absl::StrJoin(words, ", ");
}

std::string SexWords(v1::Sex sex) {
  return sex == v1::FEMALE ? "Femme" : sex == v1::MALE ? "Homme" : "non renseigné";
}

// The reste-à-vivre bands the form offers, in euros per day and person.
std::string BandWords(absl::string_view band) {
  if (band.empty()) return "non renseigné";
  if (band == "0-150") return "0 à 150 € par jour et par personne";
  if (band == "150-300") return "150 à 300 € par jour et par personne";
  if (band == "300+") return "plus de 300 € par jour et par personne";
  return std::string(band);
}

// "mars 2026" for "2026-03".
std::string MonthWords(absl::string_view month) {
  static const char* const kMonths[] = {"janvier", "février", "mars",      "avril",
                                        "mai",     "juin",    "juillet",   "août",
                                        "septembre", "octobre", "novembre", "décembre"};
  int number = 0;
  if (month.size() == 7 && month[5] >= '0' && month[5] <= '1' && month[6] >= '0' &&
      month[6] <= '9') {
    number = (month[5] - '0') * 10 + (month[6] - '0');
  }
  if (number < 1 || number > 12) return std::string(month);
  return absl::StrCat(kMonths[number - 1], " ", month.substr(0, 4));
}

std::string Day(absl::string_view day) { return day.empty() ? "" : FrenchDay(day); }

std::string Percent(uint32_t basis_points) {
  if (basis_points % 100 == 0) return absl::StrCat(basis_points / 100, " %");
  return absl::StrCat(basis_points / 100, ",", (basis_points % 100) / 10, (basis_points % 10), " %");
}

// "le 10/03/2026 à 14:05, centre de Hem, par marie".
std::string ActWords(const v1::ExportedAct& act) {
  std::string words = absl::StrCat("le ", Day(act.day()));
  if (!act.time().empty()) absl::StrAppend(&words, " à ", act.time());
  if (!act.centre().empty()) absl::StrAppend(&words, ", centre de ", act.centre());
  if (!act.by().empty()) absl::StrAppend(&words, ", par ", act.by());
  return Escape(words);
}

// A table: header cells, then rows of already-escaped cells.
class Table {
 public:
  explicit Table(std::initializer_list<const char*> headers) {
    html_ = "<table><thead><tr>";
    for (const char* header : headers) absl::StrAppend(&html_, "<th scope=\"col\">", header, "</th>");
    html_ += "</tr></thead><tbody>\n";
  }
  // `cells` are HTML (escape data before); an "amount" cell is right-aligned.
  void Row(std::initializer_list<std::string> cells, const char* row_class = nullptr,
           std::initializer_list<int> amounts = {}) {
    html_ += row_class ? absl::StrCat("<tr class=\"", row_class, "\">") : "<tr>";
    int index = 0;
    for (const std::string& cell : cells) {
      bool amount = false;
      for (int a : amounts) amount = amount || a == index;
      absl::StrAppend(&html_, amount ? "<td class=\"amount\">" : "<td>", cell, "</td>");
      ++index;
    }
    html_ += "</tr>\n";
  }
  std::string Done() { return absl::StrCat(html_, "</tbody></table>\n"); }

 private:
  std::string html_;
};

std::string MembersTable(const google::protobuf::RepeatedPtrField<v1::ExportedMember>& members) {
  Table table({"N°", "Prénom", "Sexe", "Année de naissance"});
  for (const v1::ExportedMember& member : members) {
    table.Row({absl::StrCat(member.member_id()),
               member.first_name().empty() ? "<em>non conservé</em>" : Escape(member.first_name()),
               SexWords(member.sex()), absl::StrCat(member.birth_year())});
  }
  return table.Done();
}

std::string Identity(const v1::FamilyExport& held) {
  const v1::ExportedIdentity& who = held.identity();
  std::string html = "<h2>Identité et situation du foyer</h2>\n";
  Table table({"", ""});
  table.Row({"Numéro de carte", Escape(held.family_id())});
  table.Row({"Nom de famille",
             who.family_name().empty() ? "<em>non conservé</em>" : Escape(who.family_name())});
  table.Row({"Type de foyer", HouseholdWords(who.household_type())});
  table.Row({"Ressources", Escape(IncomesWords(who.income_sources()))});
  table.Row({"Reste à vivre", Escape(BandWords(who.reste_a_vivre_band()))});
  table.Row({"Code postal", who.postcode().empty() ? "non renseigné" : Escape(who.postcode())});
  table.Row({"Inscription",
             Escape(absl::StrCat("le ", Day(who.registered_day()),
                                 who.registered_centre().empty() ? "" : ", centre de ",
                                 who.registered_centre()))});
  table.Row({"Notice d'information",
             who.notice_version().empty()
                 ? "remise non enregistrée"
                 : Escape(absl::StrCat("version ", who.notice_version(), " remise le ",
                                       Day(who.notice_day())))});
  absl::StrAppend(&html, table.Done(), "<h3>Personnes du foyer</h3>\n", MembersTable(who.members()));
  return html;
}

// What one change of situation recorded, one item per field.
std::string ChangeWords(const v1::SituationChange& change) {
  if (change.kind() == v1::SituationChange::ERASED) {
    return change.erasure_cause() == v1::RETENTION
               ? "Données personnelles effacées (fin de la durée de conservation)"
               : "Données personnelles effacées à la demande du foyer";
  }
  std::vector<std::string> items;
  if (change.has_family_name()) items.push_back("Nom de famille : " + Escape(change.family_name()));
  if (change.members_set()) {
    std::vector<std::string> people;
    for (const v1::ExportedMember& member : change.members()) {
      people.push_back(Escape(absl::StrCat(
          member.first_name().empty() ? absl::StrCat("personne ", member.member_id())
                                      : member.first_name(),
          " (", SexWords(member.sex()), ", ", member.birth_year(), ")")));
    }
    items.push_back("Personnes : " + absl::StrJoin(people, ", "));
  }
  if (change.has_household_type()) {
    items.push_back("Type de foyer : " + HouseholdWords(change.household_type()));
  }
  if (change.income_sources_set()) {
    items.push_back("Ressources : " + Escape(IncomesWords(change.income_sources())));
  }
  if (change.has_reste_a_vivre_band()) {
    items.push_back("Reste à vivre : " + Escape(BandWords(change.reste_a_vivre_band())));
  }
  if (change.has_postcode()) {
    items.push_back("Code postal : " +
                    (change.postcode().empty() ? "non renseigné" : Escape(change.postcode())));
  }
  if (change.has_notice_version()) {
    items.push_back("Notice d'information remise : version " + Escape(change.notice_version()));
  }
  if (change.names_not_held()) items.push_back("<em>noms et prénoms : non conservés</em>");
  std::string html = "<ul>";
  for (const std::string& item : items) absl::StrAppend(&html, "<li>", item, "</li>");
  return html + "</ul>";
}

std::string History(const v1::FamilyExport& held) {
  std::string html = "<h2>Historique de la situation</h2>\n";
  if (held.history().empty()) return html + "<p>Aucun enregistrement détenu ici.</p>\n";
  Table table({"Date", "Centre", "Par", "Quoi"});
  for (const v1::SituationChange& change : held.history()) {
    const char* kind = change.kind() == v1::SituationChange::REGISTERED ? "Inscription"
                       : change.kind() == v1::SituationChange::UPDATED  ? "Modification"
                                                                        : "Effacement";
    table.Row({Escape(absl::StrCat(Day(change.act().day()), " ", change.act().time())),
               Escape(change.act().centre()), Escape(change.act().by()),
               absl::StrCat("<strong>", kind, "</strong>", ChangeWords(change))});
  }
  return html + table.Done();
}

std::string Ceiling(int64_t cents) {
  return cents > 0 ? absl::StrCat(FormatEuros(cents), " par mois") : "aucun";
}

std::string Referrals(const v1::FamilyExport& held) {
  std::string html = "<h2>Orientations (prescriptions)</h2>\n";
  if (held.referrals().empty()) return html + "<p>Aucune orientation.</p>\n";
  for (const v1::ExportedReferral& referral : held.referrals()) {
    absl::StrAppend(&html, "<h3>Orientation par ", Escape(referral.prescriber_name()), "</h3>\n");
    Table table({"", ""});
    table.Row({"Période", Escape(absl::StrCat("du ", Day(referral.start_day()), " au ",
                                              Day(referral.end_day()),
                                              referral.ended() ? " (terminée)" : ""))});
    table.Row({"Plafond mensuel", Escape(Ceiling(referral.monthly_ceiling_cents()))});
    if (referral.has_granted()) table.Row({"Enregistrée", ActWords(referral.granted())});
    if (!referral.project().empty()) table.Row({"Projet du foyer", Escape(referral.project())});
    for (const v1::ReferralStep& step : referral.steps()) {
      if (step.kind() == v1::ReferralStep::RENEWED) {
        std::string what = absl::StrCat("jusqu'au ", Day(step.end_day()));
        if (step.has_monthly_ceiling_cents()) {
          absl::StrAppend(&what, ", plafond ", Ceiling(step.monthly_ceiling_cents()));
        }
        table.Row({"Prolongée", absl::StrCat(Escape(what), " — ", ActWords(step.act()))});
      } else {
        std::string what = absl::StrCat("dernier jour le ", Day(step.end_day()));
        if (!step.reason().empty()) absl::StrAppend(&what, " (motif : ", step.reason(), ")");
        table.Row({"Terminée", absl::StrCat(Escape(what), " — ", ActWords(step.act()))});
      }
    }
    html += table.Done();
  }
  return html;
}

std::string Visit(const v1::ExportedVisit& visit) {
  std::string html = absl::StrCat(
      "<h3>Ticket ",
      Escape(visit.receipt_no()), " — ", Escape(Day(visit.act().day())), ", centre de ",
      Escape(visit.act().centre()), "</h3>\n<p class=\"note\">Enregistré ", ActWords(visit.act()),
      " ; paiement : ", PaymentName(visit.payment_method()), ".</p>\n");
  if (visit.voided()) {
    absl::StrAppend(&html, "<p><strong>Vente annulée</strong> ", ActWords(visit.void_act()),
                    visit.void_reason().empty()
                        ? ""
                        : absl::StrCat(" (motif : ", Escape(visit.void_reason()), ")"),
                    ".</p>\n");
  }
  Table table({"Article", "Quantité", "Prix unitaire", "Prix boutique", "Remise", "Payé"});
  const char* row_class = visit.voided() ? "voided" : nullptr;
  for (const v1::ExportedLine& line : visit.lines()) {
    std::string name = Escape(line.product_name());
    if (line.member_id() != 0) {
      absl::StrAppend(&name, " (pour ",
                      line.member_first_name().empty()
                          ? absl::StrCat("la personne n° ", line.member_id())
                          : Escape(line.member_first_name()),
                      ")");
    }
    table.Row({name, absl::StrCat(line.quantity()), FormatEuros(line.unit_price_cents()),
               FormatEuros(line.reference_cents()), Percent(line.discount_bp()),
               FormatEuros(line.family_cents())},
              row_class, {1, 2, 3, 4, 5});
  }
  table.Row({"<strong>Total</strong>", "", "", FormatEuros(visit.reference_total_cents()), "",
             absl::StrCat("<strong>", FormatEuros(visit.family_total_cents()), "</strong>")},
            row_class, {3, 5});
  return html + table.Done();
}

std::string Visits(const v1::FamilyExport& held) {
  std::string html = "<h2>Passages et achats</h2>\n";
  if (held.visits().empty()) return html + "<p>Aucun achat.</p>\n";
  for (const v1::ExportedVisit& visit : held.visits()) html += Visit(visit);
  return html;
}

std::string Spending(const v1::FamilyExport& held) {
  std::string html = "<h2>Dépenses par mois</h2>\n";
  if (held.spending().empty()) return html + "<p>Aucune dépense.</p>\n";
  Table table({"Mois", "Passages", "Prix boutique", "Payé par le foyer"});
  for (const v1::MonthSpending& month : held.spending()) {
    table.Row({Escape(MonthWords(month.month())), absl::StrCat(month.visits()),
               FormatEuros(month.reference_cents()), FormatEuros(month.family_cents())},
              nullptr, {1, 2, 3});
  }
  return html + table.Done() + "<p class=\"note\">Les ventes annulées ne sont pas comptées.</p>\n";
}

std::string Workshops(const v1::FamilyExport& held) {
  std::string html = "<h2>Ateliers</h2>\n";
  if (held.workshops().empty()) return html + "<p>Aucune inscription à un atelier.</p>\n";
  Table table({"Date", "Atelier", "Centre", "Pour", "Présence"});
  for (const v1::ExportedWorkshopSeat& seat : held.workshops()) {
    table.Row({Escape(Day(seat.day())), Escape(seat.theme()), Escape(seat.centre()),
               seat.member_first_name().empty()
                   ? absl::StrCat("personne n° ", seat.member_id())
                   : Escape(seat.member_first_name()),
               !seat.has_attended() ? "non notée" : seat.attended() ? "présent" : "absent"});
  }
  return html + table.Done();
}

}  // namespace

std::string FamilyExportHtml(const v1::FamilyExport& held) {
  const std::string card = Escape(held.family_id());
  std::string html = absl::StrCat(
      "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Données du foyer ", card, "</title>\n<style>\n", kFamilyExportCss,
      "</style>\n</head>\n<body>\n<main class=\"family-export\">\n");
  absl::StrAppend(
      &html, "<h1>Vos données personnelles — carte ", card, "</h1>\n",
      "<p>Document établi le ", Escape(Day(held.exported_day())), " par le centre de ",
      Escape(held.exported_centre()),
      " en réponse à votre demande d'accès (article 15 du RGPD). Il contient tout ce que ce "
      "centre détient sur votre foyer : votre identité et votre situation, leur historique, "
      "vos orientations, vos passages et vos achats dans les centres du réseau.</p>\n");
  if (!held.erased_day().empty()) {
    absl::StrAppend(&html, "<p class=\"erased\">Données effacées le ",
                    Escape(Day(held.erased_day())),
                    " : les noms et prénoms du foyer et le projet de ses orientations ne sont "
                    "plus conservés. Ce qui reste, sans nom, est montré ci-dessous.</p>\n");
  }
  absl::StrAppend(&html, Identity(held), History(held), Referrals(held), Visits(held),
                  Spending(held), Workshops(held));
  absl::StrAppend(
      &html,
      "<p class=\"note\">Les achats faits dans un autre centre n'apparaissent ici qu'une fois "
      "transmis à ce centre par le réseau.</p>\n"
      "<p class=\"personal-warning\">Ce document contient des données personnelles. Il est "
      "remis au foyer concerné ; toute copie gardée au centre doit être supprimée une fois "
      "remise.</p>\n</main>\n</body>\n</html>\n");
  return html;
}

}  // namespace comptoir
