// The web till's API: every TillService and AccountService RPC, and
// NodeService.GetSyncStatus, as JSON over HTTP, with the gRPC services' own
// messages.
//
//   POST /api/AccountService/LogIn   {"login", "password"}: sets the session
//                                    cookie (HttpOnly, SameSite=Strict)
//   POST /api/AccountService/<Rpc>   GetSession, LogOut, ListAccounts, ...
//   POST /api/TillService/<Rpc>      body: the request message as JSON
//   POST /api/NodeService/GetSyncStatus
//
// Every call but LogIn needs the session cookie (else 401
// UNAUTHENTICATED), and every call but LogIn and GetSession the session's
// CSRF token in the X-Comptoir-Csrf header (else 403): a page of another
// site can neither send the cookie (SameSite) nor know the token. The
// caller's role must allow the call (common/roles.h), as over gRPC.
//
// Bodies are the protobuf JSON mapping and refusals {"code", "message"}, as
// common/web/json_api.h says; a refusal's message is the till's own (French
// for the volunteer).
//
// Knows nothing of sockets: WebServer (web_server.h) feeds it requests.
// Thread-safe: the till and the sync client are.
#ifndef COMPTOIR_NODE_WEB_API_ROUTER_H_
#define COMPTOIR_NODE_WEB_API_ROUTER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/web/http_server.h"
#include "common/web/json_api.h"
#include "node/account_desk.h"
#include "node/accounts.h"
#include "node/node_store.h"
#include "node/sync_client.h"
#include "node/till.h"

namespace comptoir {

class ApiRouter {
 public:
  // Nothing owned; all must outlive the router. `sync` may be null (no hub).
  ApiRouter(Till* till, AccountDesk* desk, const NodeStore* store, SyncClient* sync)
      : till_(till), desk_(desk), store_(store), sync_(sync) {}

  // Answers one HTTP API call: logs in or out, or finds the caller's session
  // and checks its CSRF token, then Call.
  ApiResponse Serve(const ApiCall& call) const;
  // The session cookie's name: "comptoir_hem".
  std::string CookieName() const;

  // Answers one call made by `caller` (whose role must allow it). `body`
  // empty means an empty request ({}). Unknown service or method: 404;
  // malformed JSON or unknown field: 400.
  ApiResponse Call(const Session& caller, absl::string_view service, absl::string_view method,
                   absl::string_view body) const;

 private:
  Till* till_;
  AccountDesk* desk_;
  const NodeStore* store_;
  SyncClient* sync_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_WEB_API_ROUTER_H_
