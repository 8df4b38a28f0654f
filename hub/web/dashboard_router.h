// The dashboard's API: head office's read calls as JSON over HTTP, with the
// gRPC services' own messages (common/web/json_api.h), and the report as CSV.
//
//   POST /api/AccountService/LogIn        {"login", "password"}: head office's
//                                         and statistics accounts only; sets
//                                         the session cookie (kDashboardCookie)
//   POST /api/AccountService/GetSession   -> LogInResponse (account, CSRF token)
//   POST /api/AccountService/LogOut
//   POST /api/StatsService/GetReport      body: StatsRequest  -> StatsReport
//   POST /api/HubService/GetSyncHealth    body: {}            -> SyncHealth
//   POST /api/HubService/GetHubStatus     body: {}            -> HubStatus
//   GET  /stats.csv?from=YYYY-MM-DD&to=YYYY-MM-DD[&site=hem][&weeks=N]
//        -> common/stats_csv.h of GetReport(from, to, site, by_month, by_site,
//           still_coming_weeks N)
//
// Every call but LogIn needs the session cookie (401), every call but LogIn
// and GetSession the session's CSRF token in X-Comptoir-Csrf (403), and the
// CSV the session cookie (SameSite=Strict keeps other sites' pages from
// sending it). Only reads: head-office writes (running costs, catalogue) stay
// on the gRPC API and the comptoir CLI. Knows nothing of sockets: DashboardServer
// (dashboard_server.h) feeds it requests. Thread-safe: the services are.
#ifndef COMPTOIR_HUB_WEB_DASHBOARD_ROUTER_H_
#define COMPTOIR_HUB_WEB_DASHBOARD_ROUTER_H_

#include "absl/strings/string_view.h"
#include "common/web/http_server.h"
#include "common/login_desk.h"
#include "comptoir/v1/accounts.pb.h"
#include "common/web/json_api.h"
#include "hub/hub_service.h"
#include "hub/stats_service.h"

namespace comptoir {

// The dashboard's session cookie.
inline constexpr char kDashboardCookie[] = "comptoir_hub";

class DashboardRouter {
 public:
  // Nothing owned; all must outlive the router.
  DashboardRouter(StatsServiceImpl* stats, HubServiceImpl* hub, LoginDesk* desk)
      : stats_(stats), hub_(hub), desk_(desk) {}

  // Answers one HTTP API call: logs in or out, or finds the caller's session,
  // checks its CSRF token and role, then Call.
  ApiResponse Serve(const ApiCall& call) const;

  // Answers one API call, for a caller already entitled. `body` empty means {}. Unknown service or method:
  // 404; malformed JSON or unknown field: 400; the services' errors mapped by
  // HttpStatusFor (a malformed period 400, an unknown centre 404).
  ApiResponse Call(absl::string_view service, absl::string_view method,
                   absl::string_view body) const;

  // The report as a CSV file (text/csv) for the session `session`, or the
  // JSON error of GetReport (or of a missing session).
  HttpReply Csv(const HttpQuery& query, const std::string& session) const;

 private:
  // The session of the cookie `token`, entitled to statistics.
  absl::StatusOr<Session> Entitled(const std::string& token) const;
  // The session as the page gets it: account, CSRF token, never the token.
  absl::StatusOr<v1::LogInResponse> SessionView(const absl::StatusOr<Session>& session) const;

  StatsServiceImpl* stats_;
  HubServiceImpl* hub_;
  LoginDesk* desk_;
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_WEB_DASHBOARD_ROUTER_H_
