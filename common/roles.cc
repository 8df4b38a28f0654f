#include "common/roles.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/ids.h"

namespace comptoir {
namespace {

// The least role that may do `action` (the roles nest), or STATISTICS for
// the one action that role has too.
v1::Role LeastRole(Action action) {
  switch (action) {
    case Action::kSell:
    case Action::kFindFamilies:
    case Action::kRegisterFamilies:
    case Action::kReceiveDonations:
    case Action::kReadStock:
    case Action::kWorkshopSeats:
    case Action::kOwnPassword:
      return v1::VOLUNTEER;
    case Action::kVoid:
    case Action::kReferrals:
    case Action::kAdjustStock:
    case Action::kLocalProducts:
    case Action::kScheduleWorkshops:
    case Action::kTransfers:
    case Action::kCentreAccounts:
    case Action::kAudit:
    case Action::kPersonalData:
      return v1::COORDINATOR;
    case Action::kNetwork:
    case Action::kNetworkAccounts:
    case Action::kRawEvents:
      return v1::HEAD_OFFICE;
    case Action::kStatistics:
      return v1::STATISTICS;
  }
  return v1::HEAD_OFFICE;
}

// Rank in the nesting volunteer < coordinator < head office.
int Rank(v1::Role role) {
  switch (role) {
    case v1::VOLUNTEER:
      return 1;
    case v1::COORDINATOR:
      return 2;
    case v1::HEAD_OFFICE:
      return 3;
    default:
      return 0;
  }
}

}  // namespace

bool RoleMay(v1::Role role, Action action) {
  const v1::Role least = LeastRole(action);
  if (least == v1::STATISTICS) return role == v1::STATISTICS || role == v1::HEAD_OFFICE;
  if (action == Action::kOwnPassword && role == v1::STATISTICS) return true;
  return Rank(role) >= Rank(least) && Rank(least) > 0;
}

absl::string_view ActionName(Action action) {
  switch (action) {
    case Action::kSell:
      return "d'encaisser une vente";
    case Action::kFindFamilies:
      return "de consulter les familles";
    case Action::kRegisterFamilies:
      return "d'inscrire ou de modifier une famille";
    case Action::kReceiveDonations:
      return "d'enregistrer un don";
    case Action::kReadStock:
      return "de consulter le stock";
    case Action::kWorkshopSeats:
      return "d'inscrire aux ateliers";
    case Action::kOwnPassword:
      return "de changer son mot de passe";
    case Action::kVoid:
      return "d'annuler une vente";
    case Action::kReferrals:
      return "de gérer les orientations et les plafonds";
    case Action::kAdjustStock:
      return "de corriger le stock";
    case Action::kLocalProducts:
      return "de créer un article du centre";
    case Action::kScheduleWorkshops:
      return "de programmer un atelier";
    case Action::kTransfers:
      return "de gérer les transferts entre centres";
    case Action::kCentreAccounts:
      return "de gérer les comptes du centre";
    case Action::kAudit:
      return "de consulter le journal des actions";
    case Action::kPersonalData:
      return "d'effacer ou d'exporter les données d'un foyer";
    case Action::kNetwork:
      return "de modifier la configuration du réseau";
    case Action::kNetworkAccounts:
      return "de gérer les comptes du réseau";
    case Action::kRawEvents:
      return "de lire les événements bruts ou les sauvegardes";
    case Action::kStatistics:
      return "de consulter les statistiques du réseau";
  }
  return "de faire cela";
}

absl::string_view RoleName(v1::Role role) {
  switch (role) {
    case v1::VOLUNTEER:
      return "bénévole";
    case v1::COORDINATOR:
      return "coordinateur";
    case v1::HEAD_OFFICE:
      return "siège";
    case v1::STATISTICS:
      return "statistiques";
    default:
      return "aucun rôle";
  }
}

absl::Status Refusal(v1::Role role, Action action) {
  const v1::Role least = LeastRole(action);
  absl::string_view ask = least == v1::VOLUNTEER     ? "un bénévole"
                          : least == v1::COORDINATOR ? "un coordinateur"
                                                     : "le siège";
  return absl::PermissionDeniedError(absl::StrCat("Votre rôle (", RoleName(role),
                                                  ") ne permet pas ", ActionName(action),
                                                  " : demandez à ", ask, "."));
}

Action ActionOf(const v1::EventCore& core, bool by_head_office) {
  switch (core.body_case()) {
    case v1::EventCore::kSaleRecorded:
      return Action::kSell;
    case v1::EventCore::kSaleVoided:
      return Action::kVoid;
    case v1::EventCore::kFamilyRegistered:
    case v1::EventCore::kFamilyUpdated:
      return Action::kRegisterFamilies;
    case v1::EventCore::kReferralGranted:
    case v1::EventCore::kReferralRenewed:
    case v1::EventCore::kReferralEnded:
      return Action::kReferrals;
    case v1::EventCore::kFamilyErased:
      return Action::kPersonalData;
    case v1::EventCore::kProductDefined:
      return by_head_office ? Action::kNetwork : Action::kLocalProducts;
    case v1::EventCore::kStockReceived:
      return Action::kReceiveDonations;
    case v1::EventCore::kStockAdjusted:
      return Action::kAdjustStock;
    case v1::EventCore::kWorkshopScheduled:
      return Action::kScheduleWorkshops;
    case v1::EventCore::kWorkshopRegistered:
    case v1::EventCore::kWorkshopAttended:
      return Action::kWorkshopSeats;
    case v1::EventCore::kTransferProposed:
    case v1::EventCore::kTransferAnswered:
    case v1::EventCore::kTransferCancelled:
    case v1::EventCore::kTransferShipped:
    case v1::EventCore::kTransferReceived:
    case v1::EventCore::kSurplusMarked:
    case v1::EventCore::kMinimumSet:
      return Action::kTransfers;
    case v1::EventCore::kAccountCreated:
    case v1::EventCore::kAccountChanged:
      return by_head_office ? Action::kNetworkAccounts : Action::kCentreAccounts;
    case v1::EventCore::kPasswordSet:
      if (core.password_set().account_id() == core.operator_id()) return Action::kOwnPassword;
      return by_head_office ? Action::kNetworkAccounts : Action::kCentreAccounts;
    case v1::EventCore::kDepartmentDefined:
    case v1::EventCore::kPrescriberDefined:
    case v1::EventCore::kDonorDefined:
    case v1::EventCore::kRunningCostsSet:
    case v1::EventCore::BODY_NOT_SET:
      return Action::kNetwork;
  }
  return Action::kNetwork;
}

std::string AdministratorId(absl::string_view card_prefix) {
  if (card_prefix.empty()) return "A-000000";
  return LocalId(card_prefix, 'A', 0);
}

bool IsAdministratorId(absl::string_view account_id) {
  return account_id == "A-000000" || absl::EndsWith(account_id, "-A-000000");
}

}  // namespace comptoir
