#include "node/web/api_router.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "node/sync_status.h"
#include "node/till_rpcs.h"

namespace comptoir {

std::string ApiRouter::CookieName() const { return absl::StrCat("comptoir_", store_->Site()); }

ApiResponse ApiRouter::Serve(const ApiCall& call) const {
  if (call.service == "AccountService" && call.method == "LogIn") {
    absl::StatusOr<v1::LogInResponse> session;
    ApiResponse answer = ServeJson<v1::LogInRequest>(call.body, [&](const v1::LogInRequest& r) {
      session = desk_->LogIn(r);
      if (!session.ok()) return session;
      v1::LogInResponse shown = *session;
      shown.clear_token();  // the page never sees it: the cookie carries it
      return absl::StatusOr<v1::LogInResponse>(shown);
    });
    if (session.ok()) {
      answer.set_cookie = SessionCookie(CookieName(), 
          session->token(), absl::ToInt64Seconds(kSessionLifetime));
    }
    return answer;
  }
  absl::StatusOr<Session> caller =
      call.session.empty()
          ? absl::UnauthenticatedError("Connexion requise : identifiez-vous.")
          : desk_->accounts()->SessionFor(call.session);
  if (!caller.ok()) {
    ApiResponse refused = ErrorResponse(caller.status());
    if (!call.session.empty()) refused.set_cookie = SessionCookie(CookieName(), "", 0);
    return refused;
  }
  if (call.service == "AccountService" && call.method == "GetSession") {
    return PrintJsonOrError(desk_->GetSession(*caller));
  }
  if (call.csrf != caller->csrf) {
    return ErrorResponse(absl::PermissionDeniedError(
        "Jeton de sécurité absent ou périmé : rechargez la page."));
  }
  if (call.service == "AccountService") {
    if (call.method == "LogOut") {
      desk_->accounts()->LogOut(call.session);
      ApiResponse answer = PrintJsonResponse(v1::LogOutResponse());
      answer.set_cookie = SessionCookie(CookieName(), "", 0);
      return answer;
    }
#define COMPTOIR_ACCOUNT_ROUTE(Name, Request, ...)                                     \
    if (call.method == #Name) {                                                        \
      return ServeJson<v1::Request>(call.body, [&](const v1::Request& request) {       \
        (void)request;                                                                 \
        return desk_->Name(*caller __VA_ARGS__);                                       \
      });                                                                              \
    }
    COMPTOIR_ACCOUNT_ROUTE(WhoAmI, WhoAmIRequest)
    COMPTOIR_ACCOUNT_ROUTE(ListAccounts, ListAccountsRequest)
    COMPTOIR_ACCOUNT_ROUTE(CreateAccount, CreateAccountRequest, , request)
    COMPTOIR_ACCOUNT_ROUTE(ChangeAccount, ChangeAccountRequest, , request)
    COMPTOIR_ACCOUNT_ROUTE(SetPassword, SetPasswordRequest, , request)
    COMPTOIR_ACCOUNT_ROUTE(ListAudit, ListAuditRequest, , request)
#undef COMPTOIR_ACCOUNT_ROUTE
  }
  return Call(*caller, call.service, call.method, call.body);
}

ApiResponse ApiRouter::Call(const Session& caller, absl::string_view service,
                            absl::string_view method, absl::string_view body) const {
  if (service == "TillService") {
#define COMPTOIR_TILL_ROUTE(Name, Request, Response, Act)                                  \
    if (method == #Name) {                                                                  \
      return ServeJson<v1::Request>(body, [&](const v1::Request& request) {                 \
        return InvokeTillFor(*till_, caller, Action::Act, request, &Till::Name);            \
      });                                                                                   \
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
