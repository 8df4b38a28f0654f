// The web till's HTTP server: the static files of the till (web_assets.h) and
// its JSON API (api_router.h), on its own port, loopback by default.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<WebServer> web,
//                    WebServer::Start("127.0.0.1:8401", &till, store, sync));
//   ... web->address() ...   // "127.0.0.1:8401", with the port actually bound
//   web->Stop();
//
// Requests are served by the server's own thread pool. Every call reads or
// writes the centre's local database only, so no request ever waits for the
// hub. API calls must be POSTed with Content-Type application/json: a web page
// of another origin cannot send that without the browser asking first (CORS),
// which this server never allows, so it cannot drive the till. On loopback,
// requests whose Host is not a loopback name are refused (403), so a site
// whose DNS name was pointed at 127.0.0.1 cannot either.
//
// Thread-safe. Stop (or the destructor) waits for the requests in progress.
#ifndef COMPTOIR_NODE_WEB_WEB_SERVER_H_
#define COMPTOIR_NODE_WEB_WEB_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "node/web/api_router.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace comptoir {

class WebServer {
 public:
  // Binds `listen` ("host:port", "[::1]:port"; port 0 picks a free one) and
  // starts serving. Returns Unavailable if the address cannot be bound,
  // InvalidArgument if it is malformed. Nothing owned; all must outlive it.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(const std::string& listen, Till* till,
                                                          const NodeStore* store,
                                                          SyncClient* sync);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // "127.0.0.1:8401": the bound address.
  const std::string& address() const { return address_; }
  // Stops accepting and waits for the requests in progress. Idempotent.
  void Stop();

 private:
  WebServer(Till* till, const NodeStore* store, SyncClient* sync);

  ApiRouter router_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string address_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_WEB_WEB_SERVER_H_
