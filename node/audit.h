// The audit trail of a centre: who did what, when, read from the centre's
// own events (each names its operator, EventCore.operator_id). By default
// the acts a coordinator watches: voids, referrals and ceilings, stock
// corrections, transfers, surplus and minimums, local items, workshops
// scheduled, accounts; with `all`, every own event (sales, families, ...).
//
// Entries are the most recent first, each in French: "Vente HEM-2026-000012
// annulée (erreur de caisse)", "Compte « marie » créé (bénévole)".
//
// Thread-safe: reads committed events only.
#ifndef COMPTOIR_NODE_AUDIT_H_
#define COMPTOIR_NODE_AUDIT_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "comptoir/v1/accounts.pb.h"
#include "node/accounts.h"
#include "node/node_store.h"

namespace comptoir {

// InvalidArgument for a malformed day.
absl::StatusOr<v1::ListAuditResponse> ListAudit(const NodeStore& node, const Accounts& accounts,
                                                const v1::ListAuditRequest& request);

// How an account is named to people: its login ("marie", "marie@lille").
using AccountNamer = std::function<std::string(const std::string& account_id)>;

// What the event did, in French, or "" when it is not an act the trail shows
// (`all` false and not a watched kind). Accounts are named by `name_of`. The
// reason or comment typed at the till comes from `personal`, the event's
// personal part (empty when not held: erased, or never written).
std::string DescribeAct(const v1::EventCore& core, const v1::PersonalPart& personal, bool all,
                        const AccountNamer& name_of);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_AUDIT_H_
