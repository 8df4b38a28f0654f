#include "common/web/json_api.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"

namespace comptoir {
namespace {

namespace pbutil = google::protobuf::util;

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

absl::Status ParseJsonRequest(absl::string_view body, google::protobuf::Message* request) {
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

ApiResponse PrintJsonResponse(const google::protobuf::Message& response) {
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

}  // namespace comptoir
