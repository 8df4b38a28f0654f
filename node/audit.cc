#include "node/audit.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/account_view.h"
#include "common/civil_day.h"
#include "common/money.h"
#include "common/roles.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

constexpr uint32_t kDefaultLimit = 200;
constexpr uint32_t kMaxLimit = 5000;
constexpr size_t kWindow = 512;

std::string Quoted(absl::string_view text) { return absl::StrCat("« ", text, " »"); }

std::string WithReason(std::string what, absl::string_view reason) {
  if (!reason.empty()) absl::StrAppend(&what, " (", reason, ")");
  return what;
}

// "03/12/2026 14:05" in Paris time.
std::string FrenchTimestamp(uint64_t hlc) {
  static const absl::TimeZone* paris = [] {
    auto* zone = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Paris", zone)) *zone = absl::UTCTimeZone();
    return zone;
  }();
  return absl::FormatTime("%d/%m/%Y %H:%M", absl::FromUnixMillis(static_cast<int64_t>(hlc >> 16)),
                          *paris);
}

std::string Watched(const v1::EventCore& core, const v1::PersonalPart& personal,
                    const AccountNamer& name_of) {
  // The reason or comment typed at the till (personal part, format 2).
  const std::string& note = personal.note();
  switch (core.body_case()) {
    case v1::EventCore::kSaleVoided:
      return WithReason(absl::StrCat("Vente ", core.sale_voided().receipt_no(), " annulée"),
                        note);
    case v1::EventCore::kReferralGranted: {
      const auto& r = core.referral_granted();
      return absl::StrCat("Orientation ", r.referral_id(), " accordée à la famille ",
                          r.family_id(), " du ", FrenchDay(r.start_day()), " au ",
                          FrenchDay(r.end_day()), ", plafond ",
                          FormatEuros(r.monthly_ceiling_cents()), " par mois");
    }
    case v1::EventCore::kReferralRenewed: {
      const auto& r = core.referral_renewed();
      std::string what = absl::StrCat("Orientation ", r.referral_id(), " prolongée jusqu'au ",
                                      FrenchDay(r.end_day()));
      if (r.has_monthly_ceiling_cents()) {
        absl::StrAppend(&what, ", plafond ", FormatEuros(r.monthly_ceiling_cents()), " par mois");
      }
      return what;
    }
    case v1::EventCore::kReferralEnded:
      return WithReason(absl::StrCat("Orientation ", core.referral_ended().referral_id(),
                                     " arrêtée au ", FrenchDay(core.referral_ended().end_day())),
                        note);
    case v1::EventCore::kStockAdjusted: {
      const auto& a = core.stock_adjusted();
      return WithReason(absl::StrCat("Stock corrigé : ", a.delta() > 0 ? "+" : "", a.delta(), " ",
                                     a.product_id(), a.lot_id().empty() ? "" : " lot ", a.lot_id()),
                        note);
    }
    case v1::EventCore::kTransferProposed:
      return absl::StrCat("Transfert ", core.transfer_proposed().transfer_id(), " proposé (",
                          core.transfer_proposed().source(), " vers ",
                          core.transfer_proposed().destination(), ")");
    case v1::EventCore::kTransferAnswered:
      return WithReason(absl::StrCat("Transfert ", core.transfer_answered().transfer_id(),
                                     core.transfer_answered().accepted() ? " accepté" : " refusé"),
                        note);
    case v1::EventCore::kTransferCancelled:
      return WithReason(absl::StrCat("Transfert ", core.transfer_cancelled().transfer_id(),
                                     " annulé"),
                        note);
    case v1::EventCore::kTransferShipped:
      return absl::StrCat("Transfert ", core.transfer_shipped().transfer_id(), " expédié");
    case v1::EventCore::kTransferReceived:
      return absl::StrCat("Transfert ", core.transfer_received().transfer_id(), " reçu");
    case v1::EventCore::kSurplusMarked:
      return absl::StrCat(core.surplus_marked().quantity(), " ",
                          core.surplus_marked().product_id(), " du lot ",
                          core.surplus_marked().lot_id(), " proposés en surplus");
    case v1::EventCore::kMinimumSet:
      return absl::StrCat("Minimum de ", core.minimum_set().product_id(), " fixé à ",
                          core.minimum_set().minimum());
    case v1::EventCore::kProductDefined:
      return absl::StrCat("Article du centre ", core.product_defined().product().product_id(),
                          " défini : ", Quoted(core.product_defined().product().name()));
    case v1::EventCore::kWorkshopScheduled:
      return absl::StrCat("Atelier ", Quoted(core.workshop_scheduled().theme()),
                          " programmé le ", FrenchDay(core.workshop_scheduled().day()));
    case v1::EventCore::kAccountCreated:
      return absl::StrCat("Compte ", Quoted(core.account_created().login()), " créé (",
                          RoleName(core.account_created().role()), ")");
    case v1::EventCore::kAccountChanged: {
      const auto& c = core.account_changed();
      std::string what = absl::StrCat("Compte ", Quoted(name_of(c.account_id())));
      if (c.has_role()) absl::StrAppend(&what, " : rôle ", RoleName(c.role()));
      if (c.has_disabled()) absl::StrAppend(&what, c.disabled() ? " désactivé" : " réactivé");
      return what;
    }
    case v1::EventCore::kPasswordSet:
      return absl::StrCat("Mot de passe de ", Quoted(name_of(core.password_set().account_id())),
                          " changé");
    default:
      return "";
  }
}

std::string Everyday(const v1::EventCore& core) {
  switch (core.body_case()) {
    case v1::EventCore::kSaleRecorded:
      return absl::StrCat("Vente ", core.sale_recorded().receipt_no(), " à la famille ",
                          core.sale_recorded().family_id());
    case v1::EventCore::kFamilyRegistered:
      return absl::StrCat("Famille ", core.family_registered().family_id(), " inscrite");
    case v1::EventCore::kFamilyUpdated:
      return absl::StrCat("Famille ", core.family_updated().family_id(), " modifiée");
    case v1::EventCore::kStockReceived:
      return absl::StrCat("Don reçu : ", core.stock_received().quantity(), " ",
                          core.stock_received().product_id(), " (lot ",
                          core.stock_received().lot_id(), ")");
    case v1::EventCore::kWorkshopRegistered:
      return absl::StrCat("Famille ", core.workshop_registered().family_id(),
                          " inscrite à l'atelier ", core.workshop_registered().workshop_id());
    case v1::EventCore::kWorkshopAttended:
      return absl::StrCat("Présence à l'atelier ", core.workshop_attended().workshop_id());
    default:
      return "Autre action";
  }
}

// Who, as people read it here.
std::string OperatorLogin(const NodeStore& node, const Accounts& accounts,
                          const std::string& operator_id) {
  if (operator_id.empty()) return "inconnu";
  if (IsAdministratorId(operator_id)) return "administrateur du poste";
  absl::StatusOr<std::optional<v1::AccountRecord>> account =
      FindAccount(node.store(), operator_id);
  if (!account.ok() || !account->has_value()) return operator_id;
  return accounts.DisplayLogin(**account);
}

// The first password, written with its account's creation: not an act of its own.
bool IsFirstPassword(const v1::EventCore& core, const v1::EventCore* previous) {
  return core.has_password_set() && previous != nullptr && previous->has_account_created() &&
         previous->account_created().account_id() == core.password_set().account_id();
}

}  // namespace

std::string DescribeAct(const v1::EventCore& core, const v1::PersonalPart& personal, bool all,
                        const AccountNamer& name_of) {
  std::string what = Watched(core, personal, name_of);
  if (!what.empty() || !all) return what;
  return Everyday(core);
}

absl::StatusOr<v1::ListAuditResponse> ListAudit(const NodeStore& node, const Accounts& accounts,
                                                const v1::ListAuditRequest& request) {
  for (const std::string* day : {&request.from_day(), &request.to_day()}) {
    if (!day->empty() && !DayNumber(*day).has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Date invalide : ", *day, " (attendu AAAA-MM-JJ)."));
    }
  }
  const uint32_t limit =
      std::min(request.limit() == 0 ? kDefaultLimit : request.limit(), kMaxLimit);
  ASSIGN_OR_RETURN(ChainHead head, node.events().Head(node.Site()));
  v1::ListAuditResponse response;
  uint64_t upper = head.seq;  // the window is (upper - kWindow, upper]
  bool before_range = false;
  while (upper > 0 && response.entries_size() < static_cast<int>(limit) && !before_range) {
    const uint64_t from = upper > kWindow ? upper - kWindow + 1 : 1;
    std::vector<std::pair<v1::EventCore, v1::PersonalPart>> window;
    RETURN_IF_ERROR(node.events().VisitRange(
        node.Site(), from, static_cast<size_t>(upper - from + 1), size_t{64} << 20,
        [&](absl::string_view core_bytes, absl::string_view personal_bytes) {
          v1::EventCore core;
          if (!core.ParseFromArray(core_bytes.data(), static_cast<int>(core_bytes.size()))) return;
          v1::PersonalPart personal;
          if (!personal.ParseFromArray(personal_bytes.data(),
                                       static_cast<int>(personal_bytes.size()))) {
            personal.Clear();
          }
          window.emplace_back(std::move(core), std::move(personal));
        }));
    const AccountNamer name_of = [&](const std::string& id) {
      return OperatorLogin(node, accounts, id);
    };
    for (auto it = window.rbegin(); it != window.rend(); ++it) {
      const v1::EventCore& core = it->first;
      if (core.seq() > upper) continue;
      if (IsFirstPassword(core, std::next(it) != window.rend() ? &std::next(it)->first : nullptr)) {
        continue;
      }
      const std::string day = ParisDay(static_cast<int64_t>(core.hlc() >> 16));
      if (!request.to_day().empty() && day > request.to_day()) continue;
      if (!request.from_day().empty() && day < request.from_day()) {
        before_range = true;
        break;
      }
      std::string what = DescribeAct(core, it->second, request.all(), name_of);
      if (what.empty()) continue;
      v1::AuditEntry* entry = response.add_entries();
      entry->set_when(FrenchTimestamp(core.hlc()));
      entry->set_site(core.origin());
      entry->set_account_id(core.operator_id());
      entry->set_login(OperatorLogin(node, accounts, core.operator_id()));
      entry->set_what(std::move(what));
      entry->set_seq(core.seq());
      if (response.entries_size() >= static_cast<int>(limit)) break;
    }
    upper = from - 1;
  }
  return response;
}

}  // namespace comptoir
