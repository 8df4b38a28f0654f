// comptoir-node: one centre's daemon. Owns the centre's database, serves the
// till, and syncs with the hub whenever it is reachable (and works without it).
#include <grpcpp/server.h>

#include <cctype>
#include <chrono>
#include <fstream>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/daemon.h"
#include "common/logging.h"
#include "node/node_store.h"
#include "node/sync_client.h"
#include "node/till.h"
#include "node/till_service.h"
#include "node/web/web_server.h"

namespace {

// The web till's default address: the gRPC address's host, port + 1000
// (127.0.0.1:7401 -> 127.0.0.1:8401), so that the centres of one PC each get
// their own; port 0 stays 0 (any free port).
std::string DefaultHttpListen(const std::string& grpc_listen) {
  const size_t colon = grpc_listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(grpc_listen.substr(colon + 1), &port) ||
      port < 0 || port + 1000 > 65535) {
    return "127.0.0.1:8401";
  }
  return absl::StrCat(grpc_listen.substr(0, colon), ":", port == 0 ? 0 : port + 1000);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"comptoir-node: a Comptoir centre (till, local database, sync with the hub)"};
  std::string site;
  std::string data_dir;
  std::string listen = "127.0.0.1:7401";
  std::string hub = "127.0.0.1:7400";
  std::string ready_file;
  std::string http_listen;
  std::string http_ready_file;
  std::string card_prefix;
  std::string token_file;
  bool recover_from_hub = false;
  app.add_option("--site", site, "This centre's site id (hem, lille, armentieres, ...)")
      ->required();
  app.add_option("--data", data_dir, "Database directory (default: comptoir-data/<site>)");
  app.add_option("--listen", listen, "gRPC address to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--hub", hub, "Hub address to sync with; empty to run without a hub")
      ->capture_default_str();
  app.add_option("--ready-file", ready_file,
                 "Once listening, write the bound address to this file");
  CLI::Option* http_listen_option = app.add_option(
      "--http-listen", http_listen,
      "Address of the web till (HTTP; port 0: any free port); empty for none. Default: the "
      "--listen host with its port + 1000 (127.0.0.1:8401). Keep it on loopback unless a "
      "reverse proxy guards it");
  app.add_option("--http-ready-file", http_ready_file,
                 "Once the web till listens, write its bound address to this file");
  app.add_option("--card-prefix", card_prefix,
                 "Prefix of family cards and receipts (default: from the site, HEM for hem); "
                 "fixed when the database is created");
  app.add_option("--token-file", token_file,
                 "File holding this centre's credential for the hub (from `comptoir-hub "
                 "credential issue`)");
  app.add_flag("--recover-from-hub", recover_from_hub,
               "This centre's data was lost or restored from an old backup: get its history "
               "back from the hub before the till records anything");
  CLI11_PARSE(app, argc, argv);
  if (data_dir.empty()) data_dir = "comptoir-data/" + site;
  if (http_listen_option->count() == 0) http_listen = DefaultHttpListen(listen);

  comptoir::BlockShutdownSignals();
  comptoir::SetLogTag(site);
  absl::StatusOr<std::unique_ptr<comptoir::NodeStore>> store =
      comptoir::NodeStore::Open({site, data_dir, nullptr, card_prefix, recover_from_hub});
  if (!store.ok()) {
    comptoir::LogError(store.status().message());
    return 1;
  }
  std::unique_ptr<comptoir::SyncClient> sync;
  if (!hub.empty()) {
    comptoir::SyncClient::Options options;
    options.hub_address = hub;
    if (!token_file.empty()) {
      std::ifstream in(token_file);
      std::getline(in, options.token);
      while (!options.token.empty() && std::isspace(static_cast<unsigned char>(options.token.back()))) {
        options.token.pop_back();
      }
      if (!in || options.token.empty()) {
        comptoir::LogError("cannot read a token from ", token_file);
        return 1;
      }
    }
    sync = std::make_unique<comptoir::SyncClient>(store->get(), options);
    comptoir::SyncClient* client = sync.get();
    (*store)->SetLocalAppendListener([client] { client->NotifyLocalAppend(); });
  }
  comptoir::Till till_commands(store->get());
  comptoir::TillServiceImpl till(&till_commands);
  comptoir::NodeServiceImpl node_service(store->get(), sync.get());
  absl::StatusOr<comptoir::RunningServer> server =
      comptoir::StartGrpcServer(listen, {&till, &node_service});
  if (!server.ok()) {
    comptoir::LogError(server.status().message());
    return 1;
  }
  std::unique_ptr<comptoir::WebServer> web;
  if (!http_listen.empty()) {
    absl::StatusOr<std::unique_ptr<comptoir::WebServer>> started =
        comptoir::WebServer::Start(http_listen, &till_commands, store->get(), sync.get());
    if (!started.ok()) {
      comptoir::LogError(started.status().message());
      return 1;
    }
    web = *std::move(started);
  }
  if (sync) sync->Start();
  if (web) {
    absl::Status announced = comptoir::AnnounceListening("comptoir-node " + site + " web till",
                                                         web->address(), http_ready_file);
    if (!announced.ok()) comptoir::LogError(announced.message());
  }
  comptoir::LogInfo("data in ", data_dir, ", hub ", hub.empty() ? "none (offline mode)" : hub);
  absl::Status announced = comptoir::AnnounceListening(
      "comptoir-node " + site, server->address, ready_file);
  if (!announced.ok()) comptoir::LogError(announced.message());

  const int signal_number = comptoir::WaitForShutdownSignal();
  comptoir::LogInfo("signal ", signal_number, " received, stopping");
  if (web) web->Stop();
  server->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->server->Wait();
  if (sync) sync->Stop();
  comptoir::LogInfo("stopped");
  return 0;
}
