// What both daemons do around their gRPC server: listen on an address (port 0
// picks a free one), announce where they listen, and stop cleanly on SIGINT or
// SIGTERM.
//
//   BlockShutdownSignals();                 // first thing in main, before threads
//   ASSIGN_OR_RETURN(auto server, StartGrpcServer("127.0.0.1:0", {&svc}));
//   AnnounceListening("hub", server.address, ready_file);
//   WaitForShutdownSignal();
//   server.server->Shutdown(...);
#ifndef COMPTOIR_COMMON_DAEMON_H_
#define COMPTOIR_COMMON_DAEMON_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace grpc {
class Server;
class Service;
class ServerCredentials;
}  // namespace grpc

namespace comptoir {

class MetricsRegistry;

struct RunningServer {
  std::unique_ptr<grpc::Server> server;
  // "127.0.0.1:7401", with the port actually bound.
  std::string address;
};

struct ServerSetup {
  // Per-RPC latencies and status counts go there (common/grpc_metrics.h); null: none.
  MetricsRegistry* metrics = nullptr;
  // TLS (common/tls.h); null: plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
};

// Builds and starts a server on `listen` ("host:port") with the standard health
// service and server reflection. Returns Unavailable when the port is taken.
absl::StatusOr<RunningServer> StartGrpcServer(const std::string& listen,
                                              const std::vector<grpc::Service*>& services,
                                              const ServerSetup& setup = {});

// Prints "<what> listening on <address>" on stdout and, if `ready_file` is not
// empty, writes the address to it atomically (for scripts and tests).
absl::Status AnnounceListening(const std::string& what, const std::string& address,
                               const std::string& ready_file);

// Blocks SIGINT and SIGTERM in this thread and every thread it creates later.
void BlockShutdownSignals();
// Waits for SIGINT or SIGTERM; returns its number.
int WaitForShutdownSignal();

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_DAEMON_H_
