// The web till's API: every TillService RPC, and NodeService.GetSyncStatus,
// as JSON over HTTP, with the gRPC services' own messages.
//
//   POST /api/TillService/<Rpc>      body: the request message as JSON
//   POST /api/NodeService/GetSyncStatus
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
#include "common/web/json_api.h"
#include "node/node_store.h"
#include "node/sync_client.h"
#include "node/till.h"

namespace comptoir {

class ApiRouter {
 public:
  // Nothing owned; all must outlive the router. `sync` may be null (no hub).
  ApiRouter(Till* till, const NodeStore* store, SyncClient* sync)
      : till_(till), store_(store), sync_(sync) {}

  // Answers one call. `body` empty means an empty request ({}). Unknown
  // service or method: 404; malformed JSON or unknown field: 400.
  ApiResponse Call(absl::string_view service, absl::string_view method,
                   absl::string_view body) const;

 private:
  Till* till_;
  const NodeStore* store_;
  SyncClient* sync_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_WEB_API_ROUTER_H_
