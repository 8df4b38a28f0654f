#include "common/web/http_server.h"

#include <httplib.h>

#include <chrono>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace comptoir {
namespace {

constexpr size_t kMaxRequestBytes = 1 << 20;

// The value of cookie `name` in a Cookie header ("a=1; comptoir_session=xyz").
std::string CookieValue(absl::string_view header, absl::string_view name) {
  for (absl::string_view part : absl::StrSplit(header, ';')) {
    part = absl::StripAsciiWhitespace(part);
    const size_t equals = part.find('=');
    if (equals != absl::string_view::npos && part.substr(0, equals) == name) {
      return std::string(part.substr(equals + 1));
    }
  }
  return "";
}

void SetCommonHeaders(httplib::Response& response) {
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Cache-Control", "no-store");
}

void Answer(const ApiResponse& answer, httplib::Response& response) {
  response.status = answer.http_status;
  response.set_content(answer.json, "application/json; charset=utf-8");
}

// A plain server, or an HTTPS one with the endpoint's certificate and key.
absl::StatusOr<std::unique_ptr<httplib::Server>> MakeServer(const HttpEndpoint& endpoint,
                                                            absl::string_view what) {
  if (endpoint.tls_cert.empty()) return std::make_unique<httplib::Server>();
  auto server = std::make_unique<httplib::SSLServer>(endpoint.tls_cert.c_str(),
                                                     endpoint.tls_key.c_str());
  if (!server->is_valid()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load ", what, "'s TLS certificate ", endpoint.tls_cert, " and key ",
                     endpoint.tls_key, " (missing, not PEM, or not a pair?)"));
  }
  return server;
}

}  // namespace

HttpServer::HttpServer(const HttpEndpoint& endpoint, HttpRoutes routes)
    : routes_(std::move(routes)), host_rule_(endpoint), tls_(!endpoint.tls_cert.empty()) {}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpEndpoint& endpoint,
                                                              HttpRoutes routes) {
  if (absl::Status usable = CheckHttpEndpoint(endpoint, routes.what); !usable.ok()) return usable;
  absl::StatusOr<HostPort> where = SplitListen(endpoint.listen);
  if (!where.ok()) return where.status();
  std::unique_ptr<HttpServer> http(new HttpServer(endpoint, std::move(routes)));
  absl::StatusOr<std::unique_ptr<httplib::Server>> made = MakeServer(endpoint, http->routes_.what);
  if (!made.ok()) return made.status();
  http->server_ = *std::move(made);
  http->Route();
  if (absl::Status bound = http->Listen(*where, endpoint.listen); !bound.ok()) return bound;
  return http;
}

void HttpServer::Route() {
  httplib::Server& server = *server_;
  const HttpRoutes* served = &routes_;
  const HostRule* host_rule = &host_rule_;
  const bool tls = tls_;
  server.set_payload_max_length(kMaxRequestBytes);
  // httplib's default also sets SO_REUSEPORT, which would let a second daemon
  // (another centre on the same PC) share the port and answer in its place.
  server.set_socket_options([](int socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // Only the configured names (or loopback names on loopback) are served: a
  // web site whose name was made to point at this server (DNS rebinding)
  // sends its own name as Host and is refused.
  server.set_pre_routing_handler([host_rule](const httplib::Request& request,
                                             httplib::Response& response) {
    if (host_rule->Allows(request.get_header_value("Host"))) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    SetCommonHeaders(response);
    Answer(ErrorResponse(absl::PermissionDeniedError(host_rule->Refusal())), response);
    return httplib::Server::HandlerResponse::Handled;
  });

  server.Post(R"(/api/(\w+)/(\w+))", [served, tls](const httplib::Request& request,
                                                    httplib::Response& response) {
    SetCommonHeaders(response);
    ApiResponse answer;
    if (!absl::StartsWith(request.get_header_value("Content-Type"), "application/json")) {
      answer = ErrorResponse(absl::InvalidArgumentError(
          "API calls must be sent with Content-Type: application/json"));
      answer.http_status = 415;
    } else if (!served->api) {
      answer = ErrorResponse(absl::NotFoundError("no API here"));
    } else {
      ApiCall call;
      call.service = request.matches[1].str();
      call.method = request.matches[2].str();
      call.body = request.body;
      call.session = CookieValue(request.get_header_value("Cookie"), served->session_cookie);
      call.csrf = request.get_header_value(kCsrfHeader);
      answer = served->api(call);
      if (!answer.set_cookie.empty()) {
        response.set_header("Set-Cookie",
                            tls ? absl::StrCat(answer.set_cookie, "; Secure") : answer.set_cookie);
      }
    }
    Answer(answer, response);
  });
  server.Get(R"(/.*)", [served](const httplib::Request& request, httplib::Response& response) {
    SetCommonHeaders(response);
    auto download = served->downloads.find(request.path);
    if (download != served->downloads.end()) {
      HttpQuery query(request.params.begin(), request.params.end());
      HttpReply reply = download->second(
          query, CookieValue(request.get_header_value("Cookie"), served->session_cookie));
      response.status = reply.http_status;
      if (!reply.attachment_name.empty()) {
        response.set_header("Content-Disposition",
                            absl::StrCat("attachment; filename=\"", reply.attachment_name, "\""));
      }
      response.set_content(std::move(reply.body), reply.content_type);
      return;
    }
    const WebAsset* asset = served->assets ? served->assets(request.path) : nullptr;
    if (asset == nullptr) {
      response.status = 404;
      response.set_content("Page introuvable.", "text/plain; charset=utf-8");
      return;
    }
    response.set_header("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    response.set_content(std::string(asset->body), std::string(asset->content_type));
  });
}

absl::Status HttpServer::Listen(const HostPort& where, const std::string& listen) {
  httplib::Server& server = *server_;
  int port = where.port;
  if (port == 0) {
    port = server.bind_to_any_port(where.host);
    if (port < 0) port = 0;
  } else if (!server.bind_to_port(where.host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for ", routes_.what, " on ",
                                               listen, " (address in use or not local?)"));
  }
  const bool ipv6 = where.host.find(':') != std::string::npos;
  address_ = ipv6 ? absl::StrCat("[", where.host, "]:", port)
                  : absl::StrCat(where.host, ":", port);
  thread_ = std::thread([&server] { server.listen_after_bind(); });
  // httplib's stop() does nothing before the accept loop runs: wait for it, so
  // that Stop() right after Start() cannot leave the thread serving forever.
  for (int waited_ms = 0; !server.is_running() && waited_ms < 10000; ++waited_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return absl::OkStatus();
}

void HttpServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

HttpServer::~HttpServer() { Stop(); }

std::string SessionCookie(absl::string_view name, absl::string_view token,
                          int64_t max_age_seconds) {
  return absl::StrCat(name, "=", token, "; Path=/; HttpOnly; SameSite=Strict; Max-Age=",
                      max_age_seconds);
}

std::string DefaultHttpListen(const std::string& grpc_listen, int fallback_port) {
  const size_t colon = grpc_listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(grpc_listen.substr(colon + 1), &port) ||
      port < 0 || port + 1000 > 65535) {
    return absl::StrCat("127.0.0.1:", fallback_port);
  }
  return absl::StrCat("127.0.0.1:", port == 0 ? 0 : port + 1000);
}

}  // namespace comptoir
