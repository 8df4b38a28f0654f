// The web till's API: every TillService RPC, and NodeService.GetSyncStatus,
// as JSON over HTTP, with the gRPC services' own messages.
//
//   POST /api/TillService/<Rpc>      body: the request message as JSON
//   POST /api/NodeService/GetSyncStatus
//
// Bodies are the protobuf JSON mapping (lowerCamelCase names, enums by name,
// 64-bit integers as strings; fields at their default are printed too, except
// proto3 `optional` fields that are absent). A refusal answers the HTTP status
// of HttpStatusFor(code) and {"code": "FAILED_PRECONDITION", "message": "..."},
// where the message is the till's own (French for the volunteer).
//
// Knows nothing of sockets: WebServer (web_server.h) feeds it requests.
// Thread-safe: the till and the sync client are.
#ifndef COMPTOIR_NODE_WEB_API_ROUTER_H_
#define COMPTOIR_NODE_WEB_API_ROUTER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "node/node_store.h"
#include "node/sync_client.h"
#include "node/till.h"

namespace comptoir {

struct ApiResponse {
  int http_status = 200;
  // JSON: the response message, or {"code", "message"}.
  std::string json;
};

// The one mapping from a status code to an HTTP status (the usual one of
// gRPC-to-HTTP gateways): INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE
// 400; NOT_FOUND 404; ALREADY_EXISTS, ABORTED 409; UNAVAILABLE 503; ...
int HttpStatusFor(absl::StatusCode code);

// {"code": "NOT_FOUND", "message": "..."} for a non-OK status.
ApiResponse ErrorResponse(const absl::Status& status);

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
