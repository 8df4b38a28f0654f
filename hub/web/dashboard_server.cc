#include "hub/web/dashboard_server.h"

namespace comptoir {

absl::StatusOr<std::unique_ptr<DashboardServer>> DashboardServer::Start(
    const HttpEndpoint& endpoint, StatsServiceImpl* stats, HubServiceImpl* hub) {
  std::unique_ptr<DashboardServer> dashboard(new DashboardServer(stats, hub));
  const DashboardRouter* router = &dashboard->router_;
  HttpRoutes routes;
  routes.what = "the dashboard";
  routes.api = [router](const ApiCall& call) {
    return router->Call(call.service, call.method, call.body);
  };
  routes.assets = &FindDashboardAsset;
  routes.downloads["/stats.csv"] = [router](const HttpQuery& query) { return router->Csv(query); };
  absl::StatusOr<std::unique_ptr<HttpServer>> http = HttpServer::Start(endpoint, std::move(routes));
  if (!http.ok()) return http.status();
  dashboard->http_ = *std::move(http);
  return dashboard;
}

}  // namespace comptoir
