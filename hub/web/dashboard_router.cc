#include "hub/web/dashboard_router.h"


#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/roles.h"
#include "common/stats_csv.h"
#include "common/status_macros.h"
#include "comptoir/v1/accounts.pb.h"
#include "hub/hub_account_service.h"

namespace comptoir {
namespace {

HttpReply JsonError(const absl::Status& status) {
  const ApiResponse error = ErrorResponse(status);
  HttpReply reply;
  reply.http_status = error.http_status;
  reply.content_type = "application/json; charset=utf-8";
  reply.body = error.json;
  return reply;
}

}  // namespace

absl::StatusOr<Session> DashboardRouter::Entitled(const std::string& token) const {
  if (token.empty()) {
    return absl::UnauthenticatedError("Connexion requise : identifiez-vous.");
  }
  ASSIGN_OR_RETURN(Session session, desk_->SessionFor(token));
  if (!RoleMay(session.role, Action::kStatistics)) {
    return Refusal(session.role, Action::kStatistics);
  }
  return session;
}

ApiResponse DashboardRouter::Serve(const ApiCall& call) const {
  if (call.service == "AccountService" && call.method == "LogIn") {
    absl::StatusOr<Session> session;
    ApiResponse answer = ServeJson<v1::LogInRequest>(call.body, [&](const v1::LogInRequest& r) {
      session = LogInAtHub(*desk_, r.login(), r.password());
      return SessionView(session);
    });
    if (session.ok()) {
      answer.set_cookie = SessionCookie(kDashboardCookie, session->token,
                                        absl::ToInt64Seconds(kSessionLifetime));
    }
    return answer;
  }
  absl::StatusOr<Session> session = Entitled(call.session);
  if (!session.ok()) {
    ApiResponse refused = ErrorResponse(session.status());
    if (!call.session.empty()) refused.set_cookie = SessionCookie(kDashboardCookie, "", 0);
    return refused;
  }
  if (call.service == "AccountService" && call.method == "GetSession") {
    return PrintJsonOrError(SessionView(session));
  }
  if (call.csrf != session->csrf) {
    return ErrorResponse(absl::PermissionDeniedError(
        "Jeton de sécurité absent ou périmé : rechargez la page."));
  }
  if (call.service == "AccountService" && call.method == "LogOut") {
    desk_->LogOut(call.session);
    ApiResponse answer = PrintJsonResponse(v1::LogOutResponse());
    answer.set_cookie = SessionCookie(kDashboardCookie, "", 0);
    return answer;
  }
  return Call(call.service, call.method, call.body);
}

absl::StatusOr<v1::LogInResponse> DashboardRouter::SessionView(
    const absl::StatusOr<Session>& session) const {
  if (!session.ok()) return session.status();
  v1::LogInResponse response;
  response.set_expires_ms(session->expires_ms);
  response.set_csrf_token(session->csrf);
  v1::AccountView* account = response.mutable_account();
  account->set_account_id(session->account_id);
  account->set_login(session->login);
  account->set_role(session->role);
  account->set_role_name(std::string(RoleName(session->role)));
  return response;
}

ApiResponse DashboardRouter::Call(absl::string_view service, absl::string_view method,
                                  absl::string_view body) const {
  if (service == "StatsService" && method == "GetReport") {
    return ServeJson<v1::StatsRequest>(
        body, [this](const v1::StatsRequest& request) { return stats_->Report(request); });
  }
  if (service == "HubService" && method == "GetSyncHealth") {
    return ServeJson<v1::GetSyncHealthRequest>(
        body, [this](const v1::GetSyncHealthRequest&) { return hub_->SyncHealth(); });
  }
  if (service == "HubService" && method == "GetHubStatus") {
    return ServeJson<v1::GetHubStatusRequest>(
        body, [this](const v1::GetHubStatusRequest&) { return hub_->Status(); });
  }
  return ErrorResponse(
      absl::NotFoundError(absl::StrCat("no such API call: ", service, "/", method)));
}

HttpReply DashboardRouter::Csv(const HttpQuery& query, const std::string& session) const {
  if (absl::StatusOr<Session> entitled = Entitled(session); !entitled.ok()) {
    return JsonError(entitled.status());
  }
  v1::StatsRequest request;
  auto get = [&query](const char* name) {
    auto found = query.find(name);
    return found == query.end() ? std::string() : found->second;
  };
  request.set_from_day(get("from"));
  request.set_to_day(get("to"));
  request.set_site(get("site"));
  request.set_by_month(true);
  request.set_by_site(true);
  absl::StatusOr<v1::StatsReport> report;
  const std::string weeks = get("weeks");
  uint32_t still_coming_weeks = 0;
  if (!weeks.empty() && !absl::SimpleAtoi(weeks, &still_coming_weeks)) {
    report = absl::InvalidArgumentError(
        absl::StrCat("weeks: a whole number of weeks is expected, not \"", weeks, "\""));
  } else {
    request.set_still_coming_weeks(still_coming_weeks);
    report = stats_->Report(request);
  }
  if (!report.ok()) return JsonError(report.status());
  HttpReply reply;
  reply.content_type = "text/csv; charset=utf-8";
  reply.body = StatsReportCsv(*report);
  // The request's days were validated by GetReport: safe in a header.
  reply.attachment_name = absl::StrCat("statistiques-", request.site().empty() ? "reseau" : request.site(),
                                       "-", request.from_day(), "-", request.to_day(), ".csv");
  return reply;
}

}  // namespace comptoir
