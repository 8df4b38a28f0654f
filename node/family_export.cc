#include "node/family_export.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/account_view.h"
#include "common/catalogue_view.h"
#include "common/civil_day.h"
#include "common/family_view.h"
#include "common/ids.h"
#include "common/keys.h"
#include "common/network_defaults.h"
#include "common/roles.h"
#include "common/status_macros.h"
#include "common/workshop_view.h"
#include "node/family_export_html.h"
#include "node/till.h"

namespace comptoir {
namespace {

// The card an event is about, for the kinds an export shows; null otherwise.
const std::string* FamilyOf(const v1::EventCore& core) {
  switch (core.body_case()) {
    case v1::EventCore::kFamilyRegistered: return &core.family_registered().family_id();
    case v1::EventCore::kFamilyUpdated: return &core.family_updated().family_id();
    case v1::EventCore::kFamilyErased: return &core.family_erased().family_id();
    case v1::EventCore::kReferralGranted: return &core.referral_granted().family_id();
    case v1::EventCore::kReferralRenewed: return &core.referral_renewed().family_id();
    case v1::EventCore::kReferralEnded: return &core.referral_ended().family_id();
    case v1::EventCore::kSaleRecorded: return &core.sale_recorded().family_id();
    case v1::EventCore::kSaleVoided: return &core.sale_voided().family_id();
    default: return nullptr;
  }
}

// The family's events held here, in the order they happened (hlc, then
// origin and seq for a tie). Every kind above carries the card id as a
// string field, so its bytes appear verbatim in the core: cores without them
// are skipped undecoded, which keeps the scan near the disk's speed.
absl::StatusOr<std::vector<v1::EventCore>> FamilyEvents(const Store& store,
                                                        const std::string& family_id) {
  std::vector<v1::EventCore> events;
  RETURN_IF_ERROR(store.Scan(Column::kEvents, "", "",
                             [&](absl::string_view, absl::string_view value) {
                               if (!absl::StrContains(value, family_id)) return true;
                               v1::EventCore core;
                               if (!core.ParseFromArray(value.data(),
                                                        static_cast<int>(value.size()))) {
                                 return true;
                               }
                               const std::string* of = FamilyOf(core);
                               if (of != nullptr && *of == family_id) {
                                 events.push_back(std::move(core));
                               }
                               return true;
                             }));
  std::sort(events.begin(), events.end(), [](const v1::EventCore& a, const v1::EventCore& b) {
    return std::make_tuple(a.hlc(), std::cref(a.origin()), a.seq()) <
           std::make_tuple(b.hlc(), std::cref(b.origin()), b.seq());
  });
  return events;
}

// What the export reads besides the events: accounts, personal parts.
class Reader {
 public:
  Reader(const NodeStore& node, bool erased) : node_(node), erased_(erased) {}

  // Who, where and when for `core`; `day` is the day the event records, if
  // any (else its clock's Paris day).
  v1::ExportedAct Act(const v1::EventCore& core, absl::string_view day = {}) {
    v1::ExportedAct act;
    const int64_t unix_ms = static_cast<int64_t>(core.hlc() >> 16);
    act.set_day(day.empty() ? ParisDay(unix_ms) : std::string(day));
    act.set_time(ParisTime(unix_ms));
    act.set_site(core.origin());
    act.set_centre(CentreName(core.origin()));
    act.set_by(Login(core.operator_id()));
    return act;
  }

  // The event's personal part; nullopt when not held, or when the family's
  // data was erased (nothing personal is read then, whatever is on disk).
  std::optional<v1::PersonalPart> Personal(const v1::EventCore& core) {
    if (erased_) return std::nullopt;
    absl::StatusOr<std::optional<std::string>> bytes =
        node_.store().Get(Column::kPersonal, EventKey(core.origin(), core.seq()));
    if (!bytes.ok() || !bytes->has_value()) return std::nullopt;
    v1::PersonalPart personal;
    if (!personal.ParseFromString(**bytes)) return std::nullopt;
    return personal;
  }

 private:
  // As the audit trail names people (node/audit.h).
  std::string Login(const std::string& account_id) {
    if (account_id.empty()) return "";
    if (IsAdministratorId(account_id)) return "administrateur du poste";
    auto known = logins_.find(account_id);
    if (known != logins_.end()) return known->second;
    std::string login = account_id;
    absl::StatusOr<std::optional<v1::AccountRecord>> account =
        FindAccount(node_.store(), account_id);
    if (account.ok() && account->has_value()) {
      login = (*account)->site() == node_.Site()
                  ? (*account)->login()
                  : absl::StrCat((*account)->login(), "@", (*account)->site());
    }
    return logins_[account_id] = login;
  }

  const NodeStore& node_;
  const bool erased_;
  std::map<std::string, std::string> logins_;
};

void AddMembers(const google::protobuf::RepeatedPtrField<v1::Member>& members,
                const google::protobuf::Map<uint32_t, std::string>* first_names,
                google::protobuf::RepeatedPtrField<v1::ExportedMember>* out) {
  for (const v1::Member& member : members) {
    v1::ExportedMember* exported = out->Add();
    exported->set_member_id(member.member_id());
    exported->set_sex(member.sex());
    exported->set_birth_year(member.birth_year());
    if (first_names == nullptr) continue;
    auto name = first_names->find(member.member_id());
    if (name != first_names->end()) exported->set_first_name(name->second);
  }
}

v1::ExportedIdentity IdentityOf(const v1::FamilyRecord& record) {
  v1::ExportedIdentity identity;
  identity.set_family_name(record.family_name());
  AddMembers(record.members(), &record.first_names(), identity.mutable_members());
  identity.set_household_type(record.household_type());
  *identity.mutable_income_sources() = record.income_sources();
  identity.set_reste_a_vivre_band(record.reste_a_vivre_band());
  identity.set_postcode(record.postcode());
  identity.set_notice_version(record.notice_version());
  identity.set_notice_day(record.notice_day());
  identity.set_registered_site(record.registered_by());
  identity.set_registered_centre(record.registered_by().empty()
                                     ? std::string()
                                     : CentreName(record.registered_by()));
  identity.set_registered_day(record.registered_day());
  return identity;
}

v1::SituationChange Registered(const v1::EventCore& core, Reader& reader) {
  const v1::FamilyRegistered& registered = core.family_registered();
  v1::SituationChange change;
  change.set_kind(v1::SituationChange::REGISTERED);
  *change.mutable_act() = reader.Act(core, registered.day());
  const std::optional<v1::PersonalPart> personal = reader.Personal(core);
  if (personal.has_value()) change.set_family_name(personal->family_name());
  change.set_names_not_held(!personal.has_value());
  change.set_members_set(true);
  AddMembers(registered.members(), personal ? &personal->member_first_names() : nullptr,
             change.mutable_members());
  change.set_household_type(registered.household_type());
  change.set_income_sources_set(true);
  *change.mutable_income_sources() = registered.income_sources();
  change.set_reste_a_vivre_band(registered.reste_a_vivre_band());
  change.set_postcode(registered.postcode());
  if (!registered.notice_version().empty()) change.set_notice_version(registered.notice_version());
  return change;
}

v1::SituationChange Updated(const v1::EventCore& core, Reader& reader) {
  const v1::FamilyUpdated& updated = core.family_updated();
  v1::SituationChange change;
  change.set_kind(v1::SituationChange::UPDATED);
  *change.mutable_act() =
      reader.Act(core, updated.has_notice_version() ? updated.notice_day() : "");
  const bool names = updated.family_name_set() || updated.first_names_set();
  const std::optional<v1::PersonalPart> personal =
      names ? reader.Personal(core) : std::nullopt;
  change.set_names_not_held(names && !personal.has_value());
  if (updated.family_name_set() && personal.has_value()) {
    change.set_family_name(personal->family_name());
  }
  if (updated.has_members()) {
    change.set_members_set(true);
    AddMembers(updated.members().members(),
               updated.first_names_set() && personal ? &personal->member_first_names() : nullptr,
               change.mutable_members());
  }
  if (updated.has_household_type()) change.set_household_type(updated.household_type());
  if (updated.has_income_sources()) {
    change.set_income_sources_set(true);
    *change.mutable_income_sources() = updated.income_sources().sources();
  }
  if (updated.has_reste_a_vivre_band()) change.set_reste_a_vivre_band(updated.reste_a_vivre_band());
  if (updated.has_postcode()) change.set_postcode(updated.postcode());
  if (updated.has_notice_version()) change.set_notice_version(updated.notice_version());
  return change;
}

// The referrals as they stand now (views), with how each came to be (events).
absl::Status AddReferrals(const Store& store, const std::string& family_id,
                          const std::vector<v1::EventCore>& events, Reader& reader,
                          v1::FamilyExport& out) {
  ASSIGN_OR_RETURN(std::vector<v1::ReferralView> referrals, ReferralsOf(store, family_id));
  std::map<std::string, v1::ExportedReferral*> by_id;
  for (const v1::ReferralView& referral : referrals) {
    v1::ExportedReferral* exported = out.add_referrals();
    exported->set_referral_id(referral.referral_id());
    ASSIGN_OR_RETURN(std::optional<v1::Prescriber> prescriber,
                     FindPrescriber(store, referral.prescriber_id()));
    exported->set_prescriber_name(prescriber.has_value() ? prescriber->name()
                                                         : referral.prescriber_id());
    exported->set_start_day(referral.start_day());
    exported->set_end_day(referral.end_day());
    exported->set_monthly_ceiling_cents(referral.monthly_ceiling_cents());
    exported->set_ended(referral.ended());
    by_id[referral.referral_id()] = exported;
  }
  for (const v1::EventCore& core : events) {
    if (core.has_referral_granted()) {
      auto found = by_id.find(core.referral_granted().referral_id());
      if (found == by_id.end()) continue;
      *found->second->mutable_granted() = reader.Act(core);
      std::optional<v1::PersonalPart> personal = reader.Personal(core);
      if (personal.has_value()) found->second->set_project(personal->project());
    } else if (core.has_referral_renewed()) {
      auto found = by_id.find(core.referral_renewed().referral_id());
      if (found == by_id.end()) continue;
      v1::ReferralStep* step = found->second->add_steps();
      step->set_kind(v1::ReferralStep::RENEWED);
      *step->mutable_act() = reader.Act(core, core.referral_renewed().day());
      step->set_end_day(core.referral_renewed().end_day());
      if (core.referral_renewed().has_monthly_ceiling_cents()) {
        step->set_monthly_ceiling_cents(core.referral_renewed().monthly_ceiling_cents());
      }
    } else if (core.has_referral_ended()) {
      auto found = by_id.find(core.referral_ended().referral_id());
      if (found == by_id.end()) continue;
      v1::ReferralStep* step = found->second->add_steps();
      step->set_kind(v1::ReferralStep::ENDED);
      *step->mutable_act() = reader.Act(core);
      step->set_end_day(core.referral_ended().end_day());
      // Free text: in the personal part (held at the referral's centre and the hub).
      std::optional<v1::PersonalPart> personal = reader.Personal(core);
      if (personal.has_value()) step->set_reason(personal->note());
    }
  }
  return absl::OkStatus();
}

std::string FirstNameOf(const v1::ExportedIdentity& identity, uint32_t member_id) {
  for (const v1::ExportedMember& member : identity.members()) {
    if (member.member_id() == member_id) return member.first_name();
  }
  return "";
}

// Every sale of the card and its void, then what they add up to per month.
absl::Status AddVisits(const Store& store, const std::vector<v1::EventCore>& events,
                       Reader& reader, v1::FamilyExport& out) {
  std::map<std::pair<std::string, std::string>, int> by_receipt;  // (origin, receipt) -> index
  for (const v1::EventCore& core : events) {
    if (core.has_sale_recorded()) {
      const v1::SaleRecorded& sale = core.sale_recorded();
      by_receipt[{core.origin(), sale.receipt_no()}] = out.visits_size();
      v1::ExportedVisit* visit = out.add_visits();
      visit->set_receipt_no(sale.receipt_no());
      *visit->mutable_act() = reader.Act(core, sale.day());
      for (const v1::RecordedLine& recorded : sale.recorded_lines()) {
        v1::ExportedLine* line = visit->add_lines();
        std::string name = recorded.product_name();
        if (name.empty()) {
          ASSIGN_OR_RETURN(std::optional<v1::Product> product,
                           FindProduct(store, recorded.product_id()));
          name = product.has_value() ? product->name() : recorded.product_id();
        }
        line->set_product_name(name);
        line->set_quantity(recorded.quantity());
        line->set_unit_price_cents(recorded.unit_price_cents());
        line->set_reference_cents(recorded.reference_cents());
        line->set_discount_bp(recorded.discount_bp());
        line->set_family_cents(recorded.family_cents());
        line->set_member_id(recorded.member_id());
        if (recorded.member_id() != 0) {
          line->set_member_first_name(FirstNameOf(out.identity(), recorded.member_id()));
        }
      }
      visit->set_reference_total_cents(sale.reference_total_cents());
      visit->set_family_total_cents(sale.family_total_cents());
      visit->set_payment_method(sale.payment_method());
    } else if (core.has_sale_voided()) {
      auto found = by_receipt.find({core.origin(), core.sale_voided().receipt_no()});
      if (found == by_receipt.end()) continue;
      v1::ExportedVisit* visit = out.mutable_visits(found->second);
      visit->set_voided(true);
      *visit->mutable_void_act() = reader.Act(core, core.sale_voided().day());
      std::optional<v1::PersonalPart> personal = reader.Personal(core);
      if (personal.has_value()) visit->set_void_reason(personal->note());
    }
  }
  std::map<std::string, v1::MonthSpending> months;
  for (const v1::ExportedVisit& visit : out.visits()) {
    if (visit.voided()) continue;
    const std::string month = MonthOf(visit.act().day());
    v1::MonthSpending& spending = months[month];
    spending.set_month(month);
    spending.set_visits(spending.visits() + 1);
    spending.set_reference_cents(spending.reference_cents() + visit.reference_total_cents());
    spending.set_family_cents(spending.family_cents() + visit.family_total_cents());
  }
  for (auto& [month, spending] : months) *out.add_spending() = std::move(spending);
  return absl::OkStatus();
}

absl::Status AddWorkshops(const Store& store, v1::FamilyExport& out) {
  ASSIGN_OR_RETURN(std::vector<v1::WorkshopView> workshops, AllWorkshops(store));
  std::sort(workshops.begin(), workshops.end(),
            [](const v1::WorkshopView& a, const v1::WorkshopView& b) {
              return std::tie(a.day(), a.workshop_id()) < std::tie(b.day(), b.workshop_id());
            });
  for (const v1::WorkshopView& workshop : workshops) {
    for (const v1::WorkshopSeat& seat : workshop.seats()) {
      if (seat.family_id() != out.family_id()) continue;
      v1::ExportedWorkshopSeat* exported = out.add_workshops();
      exported->set_theme(workshop.theme());
      exported->set_day(workshop.day());
      exported->set_centre(CentreName(workshop.site()));
      exported->set_member_id(seat.member_id());
      exported->set_member_first_name(FirstNameOf(out.identity(), seat.member_id()));
      if (seat.has_attended()) exported->set_attended(seat.attended());
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::FamilyExport> CollectFamilyExport(const NodeStore& node,
                                                     absl::string_view typed_id) {
  const std::string family_id = absl::AsciiStrToUpper(typed_id);  // as people type it
  if (!IsWellFormedId(family_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Numéro de carte mal formé : « ", family_id, " »."));
  }
  const Store& store = node.store();
  ASSIGN_OR_RETURN(std::optional<v1::FamilyRecord> record, FindFamily(store, family_id));
  if (!record.has_value()) {
    return absl::NotFoundError(absl::StrCat("Famille ", family_id, " inconnue dans ce centre."));
  }
  v1::FamilyExport out;
  out.set_family_id(family_id);
  out.set_exported_day(node.Today());
  out.set_exported_site(node.Site());
  out.set_exported_centre(CentreName(node.Site()));
  out.set_erased_day(record->erased_day());
  const bool erased = !record->erased_day().empty();
  if (erased) {  // the fold keeps names out already; never show one that slipped in
    record->clear_family_name();
    record->clear_first_names();
  }
  *out.mutable_identity() = IdentityOf(*record);

  ASSIGN_OR_RETURN(std::vector<v1::EventCore> events, FamilyEvents(store, family_id));
  Reader reader(node, erased);
  for (const v1::EventCore& core : events) {
    if (core.has_family_registered()) {
      *out.add_history() = Registered(core, reader);
    } else if (core.has_family_updated()) {
      *out.add_history() = Updated(core, reader);
    } else if (core.has_family_erased()) {
      v1::SituationChange* change = out.add_history();
      change->set_kind(v1::SituationChange::ERASED);
      *change->mutable_act() = reader.Act(core, core.family_erased().day());
      change->set_erasure_cause(core.family_erased().cause());
    }
  }
  RETURN_IF_ERROR(AddReferrals(store, family_id, events, reader, out));
  RETURN_IF_ERROR(AddVisits(store, events, reader, out));
  RETURN_IF_ERROR(AddWorkshops(store, out));
  return out;
}

absl::StatusOr<v1::FamilyExport> Till::ExportFamily(const v1::ExportFamilyRequest& request) {
  ASSIGN_OR_RETURN(v1::FamilyExport held, CollectFamilyExport(*node_, request.family_id()));
  if (request.html()) held.set_html(FamilyExportHtml(held));
  return held;
}

}  // namespace comptoir
