// The daemons' metrics endpoint: an HTTP server answering GET /metrics with
// MetricsRegistry::Render() (Prometheus text format, version 0.0.4), on its own
// address (--metrics-listen), apart from the gRPC port. The only file that
// knows the HTTP library (cpp-httplib).
//
//   ASSIGN_OR_RETURN(auto http, MetricsHttpServer::Start("127.0.0.1:9401", &metrics));
//   ... http->address() ...
//   http.reset();  // stops serving
//
// Thread-safe; the destructor stops the server and joins its thread.
#ifndef COMPTOIR_COMMON_METRICS_HTTP_H_
#define COMPTOIR_COMMON_METRICS_HTTP_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "common/metrics.h"

namespace comptoir {

class MetricsHttpServer {
 public:
  // Listens on `listen` ("host:port"; port 0 picks a free one). Unavailable if
  // the address cannot be bound, InvalidArgument if it is not host:port.
  // `metrics` is not owned and must outlive the server.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& listen,
                                                                  const MetricsRegistry* metrics);
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // "127.0.0.1:9401", with the port actually bound.
  // As Start, but nullptr (and OK) when `listen` is empty (metrics off); logs
  // where the metrics are served. What both daemons call at start-up.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> StartIfConfigured(
      const std::string& listen, const MetricsRegistry* metrics);

  const std::string& address() const { return address_; }

 private:
  struct Rep;
  explicit MetricsHttpServer(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
  std::string address_;
  std::thread thread_;
};

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_METRICS_HTTP_H_
