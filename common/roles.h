// What each role may do: the one table of actions per role (README, "Roles"),
// checked at every door a person comes through (the till's gRPC and web
// APIs, the hub's services) and again where an event arrives (the hub, for
// the operator an event names).
//
//   if (!RoleMay(session.role, Action::kVoid)) return Refusal(Action::kVoid);
//
// The roles nest: a coordinator may do all a volunteer may, head office all
// a coordinator may. The statistics role reads statistics and nothing else.
//
// The administrator of a machine (whoever may open its Unix socket, by the
// socket file's permissions) acts as the account AdministratorId(...) with
// head office's rights there: a centre's administrator cannot write what its
// centre may not (common/authority.h still applies to every event).
#ifndef COMPTOIR_COMMON_ROLES_H_
#define COMPTOIR_COMMON_ROLES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "comptoir/v1/domain.pb.h"
#include "comptoir/v1/events.pb.h"

namespace comptoir {

enum class Action {
  // Volunteer.
  kSell,              // record and price sales, read receipts
  kFindFamilies,      // search and read families
  kRegisterFamilies,  // register families, correct their details
  kReceiveDonations,  // take donated stock in
  kReadStock,         // catalogue, stock, donors, workshops, transfers, surplus, needs
  kWorkshopSeats,     // register families for workshops, record attendance
  kOwnPassword,       // change one's own password
  // Coordinator.
  kVoid,              // void a sale
  kReferrals,         // grant, renew and end referrals (and so the ceilings)
  kAdjustStock,       // stocktakes and write-offs
  kLocalProducts,     // the centre's own items
  kScheduleWorkshops,
  kTransfers,         // propose, answer, cancel, ship, receive; surplus and minimums
  kCentreAccounts,    // the centre's volunteers and coordinators
  kAudit,             // read who did what
  kPersonalData,      // a household's rights: erase its personal data, export what is held
  // Head office.
  kNetwork,           // catalogue, departments, prescribers, donors, running costs
  kNetworkAccounts,   // every centre's accounts, head office's own
  kRawEvents,         // raw events and backups
  // Head office and statistics.
  kStatistics,
};

// Whether a person of `role` may do `action`.
bool RoleMay(v1::Role role, Action action);

// What the action is, in French, for refusals: "annuler une vente".
absl::string_view ActionName(Action action);

// The role's name in French, as people read it: "bénévole", "coordinateur".
absl::string_view RoleName(v1::Role role);

// PermissionDenied, in French: "Votre rôle (bénévole) ne permet pas
// d'annuler une vente : demandez à un coordinateur."
absl::Status Refusal(v1::Role role, Action action);

// The action writing `core` is (kSell for a SaleRecorded, kNetwork for a
// DepartmentDefined, ...). `by_head_office`: the event's origin is head
// office (a ProductDefined is then kNetwork, else kLocalProducts).
Action ActionOf(const v1::EventCore& core, bool by_head_office);

// The account id of a machine's administrator: "HEM-A-000000" for a centre
// of card prefix HEM, "A-000000" for head office (empty prefix).
std::string AdministratorId(absl::string_view card_prefix);
// Whether `account_id` is some machine's administrator.
bool IsAdministratorId(absl::string_view account_id);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_ROLES_H_
