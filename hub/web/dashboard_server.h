// Head office's dashboard, served by comptoir-hub: the page (hub/web/static,
// compiled in as FindDashboardAsset), its API and CSV (dashboard_router.h), on
// its own port (--http-listen, loopback by default; beyond it, HTTPS and names
// as in common/web/http_access.h), by the shared HTTP server of
// common/web/http_server.h (JSON content type, Host check).
//
//   ASSIGN_OR_RETURN(std::unique_ptr<DashboardServer> dashboard,
//                    DashboardServer::Start("127.0.0.1:8400", &stats, &hub, &desk));
//
// Thread-safe. Stop (or the destructor) waits for the requests in progress.
#ifndef COMPTOIR_HUB_WEB_DASHBOARD_SERVER_H_
#define COMPTOIR_HUB_WEB_DASHBOARD_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/web/http_server.h"
#include "hub/web/dashboard_router.h"

namespace comptoir {

// The dashboard's static files (generated from hub/web/static at build time).
const WebAsset* FindDashboardAsset(absl::string_view path);

class DashboardServer {
 public:
  // Binds `endpoint.listen` ("host:port"; port 0 picks a free one) and
  // starts serving, over HTTPS when it has a certificate. HttpServer::Start's
  // errors: FailedPrecondition beyond loopback without TLS or a name,
  // Unavailable if the address cannot be bound, InvalidArgument if malformed.
  // Nothing owned; the services and `desk` (head office's logins) must
  // outlive the server.
  static absl::StatusOr<std::unique_ptr<DashboardServer>> Start(const HttpEndpoint& endpoint,
                                                                StatsServiceImpl* stats,
                                                                HubServiceImpl* hub,
                                                                LoginDesk* desk);
  // Plain HTTP on `listen` (loopback).
  static absl::StatusOr<std::unique_ptr<DashboardServer>> Start(const std::string& listen,
                                                                StatsServiceImpl* stats,
                                                                HubServiceImpl* hub,
                                                                LoginDesk* desk) {
    HttpEndpoint endpoint;
    endpoint.listen = listen;
    return Start(endpoint, stats, hub, desk);
  }
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  // "127.0.0.1:8400": the bound address.
  const std::string& address() const { return http_->address(); }
  // Stops accepting and waits for the requests in progress. Idempotent.
  void Stop() { http_->Stop(); }

 private:
  DashboardServer(StatsServiceImpl* stats, HubServiceImpl* hub, LoginDesk* desk)
      : router_(stats, hub, desk) {}

  const DashboardRouter router_;
  // Declared after the router it calls, so destroyed (stopped) first.
  std::unique_ptr<HttpServer> http_;
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_WEB_DASHBOARD_SERVER_H_
