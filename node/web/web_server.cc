#include "node/web/web_server.h"

#include <httplib.h>

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "node/web/web_assets.h"

namespace comptoir {
namespace {

constexpr size_t kMaxRequestBytes = 1 << 20;

struct HostPort {
  std::string host;
  int port = 0;
};

absl::StatusOr<HostPort> SplitListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  HostPort result;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &result.port) || result.port < 0 ||
      result.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http-listen must be host:port (e.g. 127.0.0.1:8401), got '", listen, "'"));
  }
  result.host = listen.substr(0, colon);
  if (result.host.size() > 2 && result.host.front() == '[' && result.host.back() == ']') {
    result.host = result.host.substr(1, result.host.size() - 2);
  }
  return result;
}

bool IsLoopbackName(absl::string_view host) {
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

// The host name of a Host header ("127.0.0.1:8401" -> "127.0.0.1", "[::1]:8401" -> "::1").
absl::string_view HostName(absl::string_view host) {
  if (absl::StartsWith(host, "[")) {
    const size_t end = host.find(']');
    return end == absl::string_view::npos ? host : host.substr(1, end - 1);
  }
  return host.substr(0, host.find(':'));
}

void SetCommonHeaders(httplib::Response& response) {
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Cache-Control", "no-store");
}

}  // namespace

WebServer::WebServer(Till* till, const NodeStore* store, SyncClient* sync)
    : router_(till, store, sync), server_(std::make_unique<httplib::Server>()) {}

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(const std::string& listen,
                                                            Till* till, const NodeStore* store,
                                                            SyncClient* sync) {
  absl::StatusOr<HostPort> where = SplitListen(listen);
  if (!where.ok()) return where.status();
  std::unique_ptr<WebServer> web(new WebServer(till, store, sync));
  httplib::Server& server = *web->server_;
  server.set_payload_max_length(kMaxRequestBytes);
  // httplib's default also sets SO_REUSEPORT, which would let a second node
  // (another centre on the same PC) share the port and answer for this till.
  server.set_socket_options([](int socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const ApiRouter* router = &web->router_;
  if (IsLoopbackName(where->host)) {
    // On loopback, only pages of this machine may talk to the till: a web site
    // whose name was made to point at 127.0.0.1 (DNS rebinding) sends its own
    // name as Host and is refused.
    server.set_pre_routing_handler([](const httplib::Request& request,
                                      httplib::Response& response) {
      if (IsLoopbackName(HostName(request.get_header_value("Host")))) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      SetCommonHeaders(response);
      ApiResponse answer = ErrorResponse(absl::PermissionDeniedError(
          "the web till on loopback answers only to http://127.0.0.1 or http://localhost"));
      response.status = answer.http_status;
      response.set_content(answer.json, "application/json; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    });
  }

  server.Post(R"(/api/(\w+)/(\w+))", [router](const httplib::Request& request,
                                               httplib::Response& response) {
    SetCommonHeaders(response);
    ApiResponse answer;
    if (!absl::StartsWith(request.get_header_value("Content-Type"), "application/json")) {
      answer = ErrorResponse(absl::InvalidArgumentError(
          "API calls must be sent with Content-Type: application/json"));
      answer.http_status = 415;
    } else {
      answer = router->Call(request.matches[1].str(), request.matches[2].str(), request.body);
    }
    response.status = answer.http_status;
    response.set_content(answer.json, "application/json; charset=utf-8");
  });
  server.Get(R"(/.*)", [](const httplib::Request& request, httplib::Response& response) {
    SetCommonHeaders(response);
    const WebAsset* asset = FindWebAsset(request.path);
    if (asset == nullptr) {
      response.status = 404;
      response.set_content("Page introuvable.", "text/plain; charset=utf-8");
      return;
    }
    response.set_header("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    response.set_content(std::string(asset->body), std::string(asset->content_type));
  });

  int port = where->port;
  if (port == 0) {
    port = server.bind_to_any_port(where->host);
    if (port < 0) port = 0;
  } else if (!server.bind_to_port(where->host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for the web till on ", listen,
                                               " (address in use or not local?)"));
  }
  const bool ipv6 = where->host.find(':') != std::string::npos;
  web->address_ = ipv6 ? absl::StrCat("[", where->host, "]:", port)
                       : absl::StrCat(where->host, ":", port);
  web->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // httplib's stop() does nothing before the accept loop runs: wait for it, so
  // that Stop() right after Start() cannot leave the thread serving forever.
  for (int waited_ms = 0; !server.is_running() && waited_ms < 10000; ++waited_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return web;
}

void WebServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

WebServer::~WebServer() { Stop(); }

}  // namespace comptoir
