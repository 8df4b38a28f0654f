#include "node/web/web_server.h"

namespace comptoir {

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(const HttpEndpoint& endpoint,
                                                            Till* till, AccountDesk* desk,
                                                            const NodeStore* store,
                                                            SyncClient* sync) {
  std::unique_ptr<WebServer> web(new WebServer(till, desk, store, sync));
  HttpRoutes routes;
  routes.what = "the web till";
  routes.session_cookie = web->router_.CookieName();
  const ApiRouter* router = &web->router_;
  routes.api = [router](const ApiCall& call) { return router->Serve(call); };
  routes.assets = &FindWebAsset;
  absl::StatusOr<std::unique_ptr<HttpServer>> http = HttpServer::Start(endpoint, std::move(routes));
  if (!http.ok()) return http.status();
  web->http_ = *std::move(http);
  return web;
}

}  // namespace comptoir
