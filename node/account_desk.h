// AccountService (accounts.proto) without its transport: each call of the
// service as a method taking the caller (who logged in; SessionGate or the
// web till's cookie says who) and the request message. The gRPC service
// (till_service.h) and the web till's API (web/api_router.h) both answer
// through it, so a rule holds the same whichever way a person comes in.
//
// Thread-safe.
#ifndef COMPTOIR_NODE_ACCOUNT_DESK_H_
#define COMPTOIR_NODE_ACCOUNT_DESK_H_

#include "absl/status/statusor.h"
#include "comptoir/v1/accounts.pb.h"
#include "node/accounts.h"
#include "node/node_store.h"

namespace comptoir {

class AccountDesk {
 public:
  // Nothing owned.
  AccountDesk(Accounts* accounts, const NodeStore* node) : accounts_(accounts), node_(node) {}

  absl::StatusOr<v1::LogInResponse> LogIn(const v1::LogInRequest& request);
  absl::StatusOr<v1::AccountView> WhoAmI(const Session& caller);
  // Without the token; with the CSRF token.
  absl::StatusOr<v1::LogInResponse> GetSession(const Session& caller);
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(const Session& caller);
  absl::StatusOr<v1::AccountView> CreateAccount(const Session& caller,
                                                const v1::CreateAccountRequest& request);
  absl::StatusOr<v1::AccountView> ChangeAccount(const Session& caller,
                                                const v1::ChangeAccountRequest& request);
  absl::StatusOr<v1::AccountView> SetPassword(const Session& caller,
                                              const v1::SetPasswordRequest& request);
  absl::StatusOr<v1::ListAuditResponse> ListAudit(const Session& caller,
                                                  const v1::ListAuditRequest& request);

  // The account as people see it here.
  v1::AccountView View(const v1::AccountRecord& account) const;
  Accounts* accounts() const { return accounts_; }

 private:
  Accounts* accounts_;
  const NodeStore* node_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_ACCOUNT_DESK_H_
