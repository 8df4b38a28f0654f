// The operator an event names (EventCore.operator_id), checked where the
// event arrives, after its writer (common/authority.h): the person's role
// must allow what the event does (common/roles.h).
//
//   operator_id          accepted when
//   empty                always (events written before accounts existed)
//   "<P>-A-000000"       the origin's administrator: P is the origin's card
//                        prefix (head office: "A-000000" from "hub")
//   an account           the role it had when the event was written (its
//                        roles' history, by HLC: a coordinator's void made
//                        offline holds after a demotion) may do the event's
//                        action (ActionOf); an event older than the account
//                        is refused; an account not known yet is accepted
//                        when its id is
//                        well formed (its creation may not be back yet at a
//                        hub restored from an old backup)
//
// A disabled account's events are accepted: a volunteer logged in before
// head office disabled the account may have sold offline, and a sale the
// till confirmed is never lost.
#ifndef COMPTOIR_COMMON_OPERATOR_CHECK_H_
#define COMPTOIR_COMMON_OPERATOR_CHECK_H_

#include "absl/status/status.h"
#include "common/authority.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"

namespace comptoir {

// OK when `core`'s operator may have written it (the table above), reading
// the views through `batch` when given; PermissionDenied saying why otherwise.
absl::Status CheckOperator(const Store& store, const Batch* batch, const v1::EventCore& core,
                           PrefixClaims* claims = nullptr);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_OPERATOR_CHECK_H_
