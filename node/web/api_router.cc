#include "node/web/api_router.h"

#include "absl/strings/str_cat.h"
#include "node/sync_status.h"
#include "node/till_rpcs.h"

namespace comptoir {

ApiResponse ApiRouter::Call(absl::string_view service, absl::string_view method,
                            absl::string_view body) const {
  if (service == "TillService") {
#define COMPTOIR_TILL_ROUTE(Name, Request, Response)                                 \
    if (method == #Name) {                                                           \
      return ServeJson<v1::Request>(body, [this](const v1::Request& request) {       \
        return InvokeTill(till_, request, &Till::Name);                              \
      });                                                                            \
    }
    COMPTOIR_TILL_RPCS(COMPTOIR_TILL_ROUTE)
#undef COMPTOIR_TILL_ROUTE
  } else if (service == "NodeService" && method == "GetSyncStatus") {
    return ServeJson<v1::GetSyncStatusRequest>(body, [this](const v1::GetSyncStatusRequest&) {
      return CurrentSyncStatus(*store_, sync_);
    });
  }
  return ErrorResponse(
      absl::NotFoundError(absl::StrCat("no such API call: ", service, "/", method)));
}

}  // namespace comptoir
