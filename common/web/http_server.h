// The HTTP server of a daemon's web pages (the centre's web till, head
// office's dashboard): embedded static files, a JSON API over the gRPC
// services' messages (json_api.h) and a few GET downloads, on its own port,
// loopback by default, over HTTPS when given a certificate. The only place
// that knows cpp-httplib.
//
//   HttpRoutes routes;
//   routes.what = "the dashboard";
//   routes.api = [&](const ApiCall& call) { return router.Call(call); };
//   routes.assets = &FindDashboardAsset;
//   routes.downloads["/stats.csv"] = [&](const HttpQuery& query, const std::string& session) {
//     ...
//   };
//   ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> http,
//                    HttpServer::Start("127.0.0.1:8400", std::move(routes)));
//
//   POST /api/<Service>/<Method>   -> routes.api (Content-Type application/json only: 415)
//   GET  <download path>?a=b       -> routes.downloads
//   GET  /anything else            -> routes.assets, else 404
//
// API calls must be POSTed with Content-Type application/json: a page of
// another origin cannot send that without the browser asking first (CORS),
// which this server never allows. Which addresses it may listen on and which
// Host names it answers to (403 otherwise, so that a site whose DNS name was
// pointed at the server, DNS rebinding, can neither read nor drive the pages)
// are the rules of http_access.h: loopback, or TLS and named beyond it. Over
// TLS the session cookie also carries Secure. The listening socket has
// SO_REUSEADDR but not httplib's SO_REUSEPORT: two daemons on one PC must
// never share a port.
//
// Thread-safe; requests are served by the server's own thread pool, so the
// routes must be. Stop (or the destructor) waits for the requests in progress.
#ifndef COMPTOIR_COMMON_WEB_HTTP_SERVER_H_
#define COMPTOIR_COMMON_WEB_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/web/http_access.h"
#include "common/web/json_api.h"
#include "common/web/web_assets.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace comptoir {

// One API call as the server received it.
struct ApiCall {
  std::string service;
  std::string method;
  std::string body;
  // The session cookie's value (HttpRoutes::session_cookie), "" if none.
  std::string session;
  // The X-Comptoir-Csrf header's value, "" if none.
  std::string csrf;
};

// The header carrying the CSRF token of a person's writes.
inline constexpr char kCsrfHeader[] = "X-Comptoir-Csrf";

// The Set-Cookie value of the session cookie `name`: HttpOnly (no script
// reads it), SameSite=Strict (no other site's page sends it), Path=/,
// ending after `max_age_seconds` (0: now, to log out). An HttpServer over TLS
// adds Secure (the browser never sends it over plain HTTP).
std::string SessionCookie(absl::string_view name, absl::string_view token,
                          int64_t max_age_seconds);

// Query parameters of a GET ("?from=2026-01-01&site=hem"), decoded.
using HttpQuery = std::map<std::string, std::string>;

// The answer to a GET download.
struct HttpReply {
  int http_status = 200;
  std::string content_type;
  std::string body;
  // Non-empty: offered as a file of that name (Content-Disposition: attachment).
  std::string attachment_name;
};

struct HttpRoutes {
  // What is served, for messages: "the web till", "the dashboard".
  std::string what;
  // The name of the cookie holding a person's session. Browsers keep cookies
  // by host name, not port: each daemon of a machine needs its own name
  // ("comptoir_hem", "comptoir_hub").
  std::string session_cookie = "comptoir_session";
  // POST /api/<service>/<method> with the JSON body; null: no API.
  std::function<ApiResponse(const ApiCall& call)> api;
  // Static files; null: none.
  WebAssetLookup assets = nullptr;
  // GET routes by exact path ("/stats.csv"), given the query and the session
  // cookie's value ("" if none).
  std::map<std::string, std::function<HttpReply(const HttpQuery& query, const std::string& session)>>
      downloads;
};

class HttpServer {
 public:
  // Binds `endpoint.listen` ("host:port", "[::1]:port"; port 0 picks a free
  // one) and starts serving, over HTTPS when it has a certificate. Returns
  // CheckHttpEndpoint's refusal (http_access.h) when the endpoint breaks its
  // rules, FailedPrecondition if the certificate or key cannot be loaded,
  // Unavailable if the address cannot be bound, InvalidArgument if it is
  // malformed.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpEndpoint& endpoint,
                                                           HttpRoutes routes);
  // Plain HTTP on `listen`, with no names: loopback only.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& listen,
                                                           HttpRoutes routes) {
    HttpEndpoint endpoint;
    endpoint.listen = listen;
    return Start(endpoint, std::move(routes));
  }
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // "127.0.0.1:8401": the bound address.
  const std::string& address() const { return address_; }
  // Stops accepting and waits for the requests in progress. Idempotent.
  void Stop();

 private:
  HttpServer(const HttpEndpoint& endpoint, HttpRoutes routes);
  // Installs the Host check and the routes on server_.
  void Route();
  // Binds `where` (as written in `listen`, for messages) and starts serving on
  // thread_; Unavailable if it cannot be bound.
  absl::Status Listen(const HostPort& where, const std::string& listen);

  const HttpRoutes routes_;
  const HostRule host_rule_;
  const bool tls_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string address_;
};

// A daemon's default web address: loopback whatever the gRPC host (beyond
// loopback the pages need TLS and names, http_access.h), on the gRPC port +
// 1000 (7401 -> 8401, 7400 -> 8400) so that the daemons of one PC each get
// their own; port 0 stays 0 (any free port); 127.0.0.1:`fallback_port` if
// `grpc_listen` has no usable port.
std::string DefaultHttpListen(const std::string& grpc_listen, int fallback_port);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_WEB_HTTP_SERVER_H_
