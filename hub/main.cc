// comptoir-hub: the network's hub. Keeps the whole network's log, accepts one
// sync stream per centre, and serves head office's read APIs.
#include <grpcpp/server.h>

#include <chrono>
#include <filesystem>

#include "CLI/CLI.hpp"
#include "common/daemon.h"
#include "common/logging.h"
#include "hub/hub_log.h"
#include "hub/hub_service.h"
#include "hub/sync_service.h"

int main(int argc, char** argv) {
  CLI::App app{"comptoir-hub: the Comptoir network hub (network log, sync, head-office APIs)"};
  std::string data_dir = "comptoir-data/hub";
  std::string listen = "127.0.0.1:7400";
  std::string ready_file;
  app.add_option("--data", data_dir, "Directory of the hub's database (created if missing)")
      ->capture_default_str();
  app.add_option("--listen", listen, "gRPC address to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--ready-file", ready_file,
                 "Once listening, write the bound address to this file");
  CLI11_PARSE(app, argc, argv);

  comptoir::BlockShutdownSignals();
  comptoir::SetLogTag("hub");
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    comptoir::LogError("cannot create data directory ", data_dir, ": ", error.message());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<comptoir::HubLog>> log = comptoir::HubLog::Open(data_dir);
  if (!log.ok()) {
    comptoir::LogError(log.status().message());
    return 1;
  }
  comptoir::SyncServiceImpl sync((*log).get());
  comptoir::HubServiceImpl hub_service((*log).get(), &sync);
  absl::StatusOr<comptoir::RunningServer> server =
      comptoir::StartGrpcServer(listen, {&sync, &hub_service});
  if (!server.ok()) {
    comptoir::LogError(server.status().message());
    return 1;
  }
  comptoir::LogInfo("hub epoch ", (*log)->Epoch(), ", log head ", (*log)->LogHead(), ", data in ",
                    data_dir);
  absl::Status announced = comptoir::AnnounceListening("comptoir-hub", server->address, ready_file);
  if (!announced.ok()) comptoir::LogError(announced.message());

  const int signal_number = comptoir::WaitForShutdownSignal();
  comptoir::LogInfo("signal ", signal_number, " received, stopping");
  // Open sync streams are cancelled after a short grace period.
  server->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->server->Wait();
  comptoir::LogInfo("stopped");
  return 0;
}
