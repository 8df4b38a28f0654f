#include "common/metrics_http.h"

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/logging.h"

namespace comptoir {

struct MetricsHttpServer::Rep {
  httplib::Server server;
};

MetricsHttpServer::MetricsHttpServer(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

MetricsHttpServer::~MetricsHttpServer() {
  rep_->server.stop();
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listen, const MetricsRegistry* metrics) {
  const std::string::size_type colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address '", listen, "' is not host:port (e.g. 127.0.0.1:9401)"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1] -> ::1
  }
  auto rep = std::make_unique<Rep>();
  // Scrapes are rare and small: two threads are plenty on a centre's PC.
  rep->server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  // Not httplib's default SO_REUSEPORT: two daemons on one PC must never share
  // a metrics port (one would answer for the other).
  rep->server.set_socket_options([](int socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  rep->server.Get("/metrics", [metrics](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics->Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  int bound = port;
  if (port == 0) {
    bound = rep->server.bind_to_any_port(host.c_str());
  } else if (!rep->server.bind_to_port(host.c_str(), port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for metrics on ", listen,
        " (address in use, or not an address of this machine?)"));
  }
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer(std::move(rep)));
  server->address_ = absl::StrCat(listen.substr(0, colon), ":", bound);
  Rep* raw = server->rep_.get();
  server->thread_ = std::thread([raw] { raw->server.listen_after_bind(); });
  return server;
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::StartIfConfigured(
    const std::string& listen, const MetricsRegistry* metrics) {
  if (listen.empty()) return std::unique_ptr<MetricsHttpServer>();
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> started = Start(listen, metrics);
  if (started.ok()) LogInfo("metrics on http://", (*started)->address(), "/metrics");
  return started;
}

}  // namespace comptoir
