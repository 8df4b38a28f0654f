// The dashboard's API: head office's read calls as JSON over HTTP, with the
// gRPC services' own messages (common/web/json_api.h), and the report as CSV.
//
//   POST /api/StatsService/GetReport      body: StatsRequest  -> StatsReport
//   POST /api/HubService/GetSyncHealth    body: {}            -> SyncHealth
//   POST /api/HubService/GetHubStatus     body: {}            -> HubStatus
//   GET  /stats.csv?from=YYYY-MM-DD&to=YYYY-MM-DD[&site=hem][&weeks=N]
//        -> common/stats_csv.h of GetReport(from, to, site, by_month, by_site,
//           still_coming_weeks N)
//
// Only reads: head-office writes (running costs, catalogue) stay on the
// gRPC API and the comptoir CLI. Knows nothing of sockets: DashboardServer
// (dashboard_server.h) feeds it requests. Thread-safe: the services are.
#ifndef COMPTOIR_HUB_WEB_DASHBOARD_ROUTER_H_
#define COMPTOIR_HUB_WEB_DASHBOARD_ROUTER_H_

#include "absl/strings/string_view.h"
#include "common/web/http_server.h"
#include "common/web/json_api.h"
#include "hub/hub_service.h"
#include "hub/stats_service.h"

namespace comptoir {

class DashboardRouter {
 public:
  // Nothing owned; both must outlive the router.
  DashboardRouter(StatsServiceImpl* stats, HubServiceImpl* hub) : stats_(stats), hub_(hub) {}

  // Answers one API call. `body` empty means {}. Unknown service or method:
  // 404; malformed JSON or unknown field: 400; the services' errors mapped by
  // HttpStatusFor (a malformed period 400, an unknown centre 404).
  ApiResponse Call(absl::string_view service, absl::string_view method,
                   absl::string_view body) const;

  // The report as a CSV file (text/csv), or the JSON error of GetReport.
  HttpReply Csv(const HttpQuery& query) const;

 private:
  StatsServiceImpl* stats_;
  HubServiceImpl* hub_;
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_WEB_DASHBOARD_ROUTER_H_
