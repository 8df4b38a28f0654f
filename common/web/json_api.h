// The JSON face of the gRPC services, for web pages: requests and responses
// are the services' own messages in the protobuf JSON mapping (lowerCamelCase
// names, enums by name, 64-bit integers as strings; fields at their default
// are printed too, except proto3 `optional` fields that are absent), and a
// refusal is {"code": "FAILED_PRECONDITION", "message": "..."} with the HTTP
// status of HttpStatusFor(code). Used by the web till (node/web) and the
// head-office dashboard (hub/web).
//
//   ApiResponse answer = ServeJson<v1::StatsRequest>(body, [&](const v1::StatsRequest& r) {
//     return ComputeReport(r);   // absl::StatusOr<v1::StatsReport>
//   });
//
// Knows nothing of sockets (HttpServer, http_server.h, does). Thread-safe.
#ifndef COMPTOIR_COMMON_WEB_JSON_API_H_
#define COMPTOIR_COMMON_WEB_JSON_API_H_

#include <google/protobuf/message.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comptoir {

struct ApiResponse {
  int http_status = 200;
  // JSON: the response message, or {"code", "message"}.
  std::string json;
  // Non-empty: a Set-Cookie header to send (SessionCookie, http_server.h).
  std::string set_cookie;
};

// The one mapping from a status code to an HTTP status (the usual one of
// gRPC-to-HTTP gateways): INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE
// 400; NOT_FOUND 404; ALREADY_EXISTS, ABORTED 409; UNAVAILABLE 503; ...
int HttpStatusFor(absl::StatusCode code);

// {"code": "NOT_FOUND", "message": "..."} for a non-OK status.
ApiResponse ErrorResponse(const absl::Status& status);

// Fills `request` from its JSON; an empty body is the empty message.
// INVALID_ARGUMENT for malformed JSON or an unknown field.
absl::Status ParseJsonRequest(absl::string_view body, google::protobuf::Message* request);

// The message as JSON (or a 500 error if it cannot be printed).
ApiResponse PrintJsonResponse(const google::protobuf::Message& response);

// The result as JSON, or its error.
template <typename Response>
ApiResponse PrintJsonOrError(const absl::StatusOr<Response>& result) {
  if (!result.ok()) return ErrorResponse(result.status());
  return PrintJsonResponse(*result);
}

// Parses a Request from `body`, runs `call` (Request -> absl::StatusOr<Response>)
// and answers its result or its error.
template <typename Request, typename Call>
ApiResponse ServeJson(absl::string_view body, Call call) {
  Request request;
  absl::Status parsed = ParseJsonRequest(body, &request);
  if (!parsed.ok()) return ErrorResponse(parsed);
  auto result = call(request);
  if (!result.ok()) return ErrorResponse(result.status());
  return PrintJsonResponse(*result);
}

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_WEB_JSON_API_H_
