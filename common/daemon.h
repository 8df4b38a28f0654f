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

#include <functional>
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

// Keepalive of the long-lived sync stream (--sync-keepalive on both daemons).
// Each end pings its peer after this many seconds without hearing from it and
// drops the connection when a ping is not answered within min(seconds, 10) s,
// even on an idle stream: a half-open connection (a peer that vanished without
// a close, a path that silently drops packets) is noticed in at most about
// twice this, instead of the kernel's TCP timeout (minutes, or never).
inline constexpr int kDefaultKeepaliveSeconds = 20;
inline constexpr int kMinKeepaliveSeconds = 1;

// Calls `set(name, value)` with each gRPC channel argument that gives a
// channel (`server` false) or a server (`server` true) that keepalive. A
// server accepts its peers' pings as often as twice a second, so that a peer
// with any allowed setting is never refused for pinging "too often": the two
// ends need not agree.
void ForEachKeepaliveArgument(int seconds, bool server,
                              const std::function<void(const char*, int)>& set);

struct ServerSetup {
  // Per-RPC latencies and status counts go there (common/grpc_metrics.h); null: none.
  MetricsRegistry* metrics = nullptr;
  // TLS (common/tls.h); null: plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // See kDefaultKeepaliveSeconds.
  int keepalive_seconds = kDefaultKeepaliveSeconds;
};

// Builds and starts a server on `listen` ("host:port") with the standard health
// service and server reflection. Returns Unavailable when the port is taken.
absl::StatusOr<RunningServer> StartGrpcServer(const std::string& listen,
                                              const std::vector<grpc::Service*>& services,
                                              const ServerSetup& setup = {});

// The administrator's door: a gRPC server on the Unix socket `path` serving
// `services`, whose callers are the machine's administrator. Who may open it
// is said by the socket file's permissions: owner and group read-write
// (0660), in the daemon's private data directory by default. A stale socket
// left by a killed daemon is replaced; any other file there is an error.
// Its calls are counted in `setup.metrics` like the TCP server's (its
// other settings do not apply).
absl::StatusOr<RunningServer> StartAdminSocket(const std::string& path,
                                               const std::vector<grpc::Service*>& services,
                                               const ServerSetup& setup);

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
