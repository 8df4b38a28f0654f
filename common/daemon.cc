#include "common/daemon.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/grpc_metrics.h"

namespace comptoir {

void ForEachKeepaliveArgument(int seconds, bool server,
                              const std::function<void(const char*, int)>& set) {
  seconds = std::max(seconds, kMinKeepaliveSeconds);
  set(GRPC_ARG_KEEPALIVE_TIME_MS, seconds * 1000);
  set(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, std::min(seconds, 10) * 1000);
  set(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // By default gRPC sends at most two pings while it has no data to send, then
  // stops pinging: an idle stream whose peer vanished would never be noticed.
  set(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // (and older versions space such pings five minutes apart)
  set(GRPC_ARG_HTTP2_MIN_SENT_PING_INTERVAL_WITHOUT_DATA_MS, seconds * 1000);
  if (server) set(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 500);
}

absl::StatusOr<RunningServer> StartGrpcServer(const std::string& listen,
                                              const std::vector<grpc::Service*>& services,
                                              const ServerSetup& setup) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(
      listen, setup.credentials != nullptr ? setup.credentials : grpc::InsecureServerCredentials(),
      &port);
  if (setup.metrics != nullptr) {
    builder.experimental().SetInterceptorCreators(MakeGrpcMetricsInterceptors(setup.metrics));
  }
  // Sync streams are long-lived; let a dead peer be noticed.
  ForEachKeepaliveArgument(setup.keepalive_seconds, /*server=*/true,
                           [&](const char* name, int value) {
                             builder.AddChannelArgument(name, value);
                           });
  builder.SetMaxReceiveMessageSize(16 << 20);
  for (grpc::Service* service : services) builder.RegisterService(service);
  RunningServer running;
  running.server = builder.BuildAndStart();
  if (running.server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", listen, " (address in use, or not an address of this machine?)"));
  }
  const std::string::size_type colon = listen.rfind(':');
  running.address = absl::StrCat(listen.substr(0, colon), ":", port);
  return running;
}

absl::StatusOr<RunningServer> StartAdminSocket(const std::string& path,
                                               const std::vector<grpc::Service*>& services,
                                               const ServerSetup& setup) {
  struct stat existing;
  if (lstat(path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " exists and is not a socket: choose another --admin-socket"));
    }
    unlink(path.c_str());  // left by a daemon that was killed
  }
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("unix:" + path, grpc::InsecureServerCredentials(), &port);
  if (setup.metrics != nullptr) {
    builder.experimental().SetInterceptorCreators(MakeGrpcMetricsInterceptors(setup.metrics));
  }
  builder.SetMaxReceiveMessageSize(16 << 20);
  for (grpc::Service* service : services) builder.RegisterService(service);
  RunningServer running;
  running.server = builder.BuildAndStart();
  if (running.server == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot listen on the socket ", path));
  }
  if (chmod(path.c_str(), 0660) != 0) {
    running.server->Shutdown();
    return absl::InternalError(absl::StrCat("cannot set the permissions of ", path));
  }
  running.address = "unix:" + path;
  return running;
}

absl::Status AnnounceListening(const std::string& what, const std::string& address,
                               const std::string& ready_file) {
  std::printf("%s listening on %s\n", what.c_str(), address.c_str());
  std::fflush(stdout);
  if (ready_file.empty()) return absl::OkStatus();
  const std::string temporary = ready_file + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << address << "\n";
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", temporary));
  }
  if (std::rename(temporary.c_str(), ready_file.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", temporary, " to ", ready_file));
  }
  return absl::OkStatus();
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  return signal_number;
}

}  // namespace comptoir
