#include "node/web/api_router.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "node/sync_status.h"
#include "node/till_rpcs.h"

namespace comptoir {
namespace {

namespace pbutil = google::protobuf::util;

absl::Status ParseRequest(absl::string_view body, google::protobuf::Message* request) {
  if (body.empty()) return absl::OkStatus();
  pbutil::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const pbutil::Status parsed =
      pbutil::JsonStringToMessage(std::string(body), request, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ", request->GetTypeName(), " JSON: ", parsed.ToString()));
  }
  return absl::OkStatus();
}

ApiResponse PrintResponse(const google::protobuf::Message& response) {
  pbutil::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  ApiResponse answer;
  const pbutil::Status printed = pbutil::MessageToJsonString(response, &answer.json, options);
  if (!printed.ok()) {
    return ErrorResponse(absl::InternalError(absl::StrCat("cannot print ", response.GetTypeName(),
                                                          " as JSON: ", printed.ToString())));
  }
  return answer;
}

// Parses the request, runs `call` and prints its result or its error.
template <typename Request, typename Call>
ApiResponse Serve(absl::string_view body, Call call) {
  Request request;
  absl::Status parsed = ParseRequest(body, &request);
  if (!parsed.ok()) return ErrorResponse(parsed);
  auto result = call(request);
  if (!result.ok()) return ErrorResponse(result.status());
  return PrintResponse(*result);
}

std::string JsonString(absl::string_view text) {
  // google.protobuf.Value prints a string with the JSON escapes it needs.
  google::protobuf::Value value;
  value.set_string_value(std::string(text));
  std::string json;
  if (!pbutil::MessageToJsonString(value, &json).ok()) return "\"\"";
  return json;
}

}  // namespace

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;  // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

ApiResponse ErrorResponse(const absl::Status& status) {
  ApiResponse answer;
  answer.http_status = HttpStatusFor(status.code());
  answer.json = absl::StrCat("{\"code\":", JsonString(absl::StatusCodeToString(status.code())),
                             ",\"message\":", JsonString(status.message()), "}");
  return answer;
}

ApiResponse ApiRouter::Call(absl::string_view service, absl::string_view method,
                            absl::string_view body) const {
  if (service == "TillService") {
#define COMPTOIR_TILL_ROUTE(Name, Request, Response)                                 \
    if (method == #Name) {                                                           \
      return Serve<v1::Request>(body, [this](const v1::Request& request) {           \
        return InvokeTill(till_, request, &Till::Name);                              \
      });                                                                            \
    }
    COMPTOIR_TILL_RPCS(COMPTOIR_TILL_ROUTE)
#undef COMPTOIR_TILL_ROUTE
  } else if (service == "NodeService" && method == "GetSyncStatus") {
    return Serve<v1::GetSyncStatusRequest>(body, [this](const v1::GetSyncStatusRequest&) {
      return CurrentSyncStatus(*store_, sync_);
    });
  }
  return ErrorResponse(
      absl::NotFoundError(absl::StrCat("no such API call: ", service, "/", method)));
}

}  // namespace comptoir
