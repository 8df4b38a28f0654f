// Who is calling the hub's services, and what they may read or write
// (common/roles.h). Three kinds of callers:
//   - the hub machine's administrator, through the hub's Unix socket (its
//     file's permissions say who may open it): head office's rights;
//   - a person logged in at the hub (AccountService.LogIn on the hub, or the
//     dashboard's login page): head office or statistics accounts, with
//     their role's rights; the session token in "authorization: Bearer";
//   - a centre, by its credential (the same bearer token as its sync
//     stream) or its client certificate's site (mTLS): it reads what routing
//     lets it see (the catalogue, surplus and needs, its own transfers).
// Nothing is decided by the peer's address.
//
//   ASSIGN_OR_RETURN(HubCaller caller, gate.Caller(*context));
//   RETURN_IF_ERROR(caller.May(Action::kStatistics));
//
// Thread-safe.
#ifndef COMPTOIR_HUB_HUB_GATE_H_
#define COMPTOIR_HUB_HUB_GATE_H_

#include <grpcpp/server_context.h>

#include <string>

#include "absl/status/statusor.h"
#include "common/login_desk.h"
#include "common/roles.h"
#include "hub/credentials.h"

namespace comptoir {

struct HubCaller {
  // A person or the administrator: their session (role, account id).
  bool person = false;
  Session session;
  // A centre: its site.
  std::string centre;

  // OK when the caller may do `action`; PermissionDenied (French) otherwise.
  // Centres may only read (Action::kReadStock).
  absl::Status May(Action action) const;
  // The account the events this caller writes name.
  const std::string& operator_id() const { return session.account_id; }
};

class HubGate {
 public:
  // Callers over TCP. `credentials` may be null (no centre tokens);
  // `require_client_certificates`: mTLS, a centre is also known by its
  // certificate. Nothing owned.
  static HubGate People(LoginDesk* desk, CredentialStore* credentials) {
    return HubGate(desk, credentials, false);
  }
  // The Unix socket's server: every caller is the administrator.
  static HubGate Administrator(LoginDesk* desk) { return HubGate(desk, nullptr, true); }

  // The caller; Unauthenticated (French) when it proves nothing.
  absl::StatusOr<HubCaller> Caller(const grpc::ServerContext& context) const;
  // The caller, when allowed `action`.
  absl::StatusOr<HubCaller> Entitled(const grpc::ServerContext& context, Action action) const;

  LoginDesk* desk() const { return desk_; }

 private:
  HubGate(LoginDesk* desk, CredentialStore* credentials, bool administrator)
      : desk_(desk), credentials_(credentials), administrator_(administrator) {}

  LoginDesk* desk_;
  CredentialStore* credentials_;
  bool administrator_;
};

// The administrator of the hub's machine, as a session.
Session HubAdministrator();

}  // namespace comptoir

#endif  // COMPTOIR_HUB_HUB_GATE_H_
