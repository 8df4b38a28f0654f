#include "hub/web/dashboard_server.h"

namespace comptoir {

absl::StatusOr<std::unique_ptr<DashboardServer>> DashboardServer::Start(
    const HttpEndpoint& endpoint, StatsServiceImpl* stats, HubServiceImpl* hub, LoginDesk* desk) {
  std::unique_ptr<DashboardServer> dashboard(new DashboardServer(stats, hub, desk));
  const DashboardRouter* router = &dashboard->router_;
  HttpRoutes routes;
  routes.what = "the dashboard";
  routes.session_cookie = kDashboardCookie;
  routes.api = [router](const ApiCall& call) { return router->Serve(call); };
  routes.assets = &FindDashboardAsset;
  routes.downloads["/stats.csv"] = [router](const HttpQuery& query, const std::string& session) {
    return router->Csv(query, session);
  };
  absl::StatusOr<std::unique_ptr<HttpServer>> http = HttpServer::Start(endpoint, std::move(routes));
  if (!http.ok()) return http.status();
  dashboard->http_ = *std::move(http);
  return dashboard;
}

}  // namespace comptoir
