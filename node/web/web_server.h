// The web till's HTTP server: the static files of the till (node/web/static,
// compiled in as FindWebAsset) and its JSON API (api_router.h), on its own
// port, loopback by default, served by common/web/http_server.h (which says
// how the API is protected: JSON content type, Host check) and on the
// centre's network over HTTPS with the names of common/web/http_access.h, so
// that the tills of several counters share one node.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<WebServer> web,
//                    WebServer::Start("127.0.0.1:8401", &till, store, sync));
//   ... web->address() ...   // "127.0.0.1:8401", with the port actually bound
//   web->Stop();
//
// Every call reads or writes the centre's local database only, so no request
// ever waits for the hub.
//
// Thread-safe. Stop (or the destructor) waits for the requests in progress.
#ifndef COMPTOIR_NODE_WEB_WEB_SERVER_H_
#define COMPTOIR_NODE_WEB_WEB_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/web/http_server.h"
#include "node/web/api_router.h"

namespace comptoir {

// The till's static files (generated from node/web/static at build time).
const WebAsset* FindWebAsset(absl::string_view path);

class WebServer {
 public:
  // Binds `endpoint.listen` ("host:port", "[::1]:port"; port 0 picks a free
  // one) and starts serving, over HTTPS when it has a certificate. Returns
  // HttpServer::Start's errors: FailedPrecondition naming what to add when
  // it listens beyond loopback without TLS or a name, Unavailable if the
  // address cannot be bound, InvalidArgument if it is malformed. Nothing
  // owned; all must outlive it.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(const HttpEndpoint& endpoint,
                                                          Till* till, AccountDesk* desk,
                                                          const NodeStore* store,
                                                          SyncClient* sync);
  // Plain HTTP on `listen` (loopback).
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(const std::string& listen, Till* till,
                                                          AccountDesk* desk,
                                                          const NodeStore* store,
                                                          SyncClient* sync) {
    HttpEndpoint endpoint;
    endpoint.listen = listen;
    return Start(endpoint, till, desk, store, sync);
  }
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // "127.0.0.1:8401": the bound address.
  const std::string& address() const { return http_->address(); }
  // Stops accepting and waits for the requests in progress. Idempotent.
  void Stop() { http_->Stop(); }

 private:
  WebServer(Till* till, AccountDesk* desk, const NodeStore* store, SyncClient* sync)
      : router_(till, desk, store, sync) {}

  const ApiRouter router_;
  // Declared after the router it calls, so destroyed (stopped) first.
  std::unique_ptr<HttpServer> http_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_WEB_WEB_SERVER_H_
