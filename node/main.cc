// comptoir-node: one centre's daemon. Owns the centre's database, serves the
// till, and syncs with the hub whenever it is reachable (and works without it).
#include <grpcpp/server.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>

#include <unistd.h>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/backup_options.h"
#include "common/backup_service.h"
#include "common/daemon.h"
#include "common/daemon_config.h"
#include "common/keys.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "common/metrics_http.h"
#include "common/secret_file.h"
#include "common/tls.h"
#include "node/account_desk.h"
#include "node/accounts.h"
#include "node/node_metrics.h"
#include "node/session_gate.h"
#include "node/node_restore.h"
#include "node/node_store.h"
#include "node/sync_client.h"
#include "node/till.h"
#include "node/till_service.h"
#include "common/web/http_server.h"
#include "node/web/web_server.h"

int main(int argc, char** argv) {
  CLI::App app{"comptoir-node: a Comptoir centre (till, local database, sync with the hub)"};
  std::string site;
  std::string data_dir;
  std::string listen = "127.0.0.1:7401";
  std::string hub = "127.0.0.1:7400";
  std::string ready_file;
  comptoir::HttpEndpoint web_endpoint;
  std::string& http_listen = web_endpoint.listen;
  std::string http_ready_file;
  std::string card_prefix;
  std::string token_file;
  bool recover_from_hub = false;
  std::string metrics_listen;
  std::string admin_socket;
  app.add_option("--site", site,
                 "This centre's site id (hem, lille, armentieres, ...); required");
  app.add_option("--data", data_dir, "Database directory (default: comptoir-data/<site>)");
  app.add_option("--listen", listen, "gRPC address to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--hub", hub, "Hub address to sync with; empty to run without a hub")
      ->capture_default_str();
  app.add_option("--admin-socket", admin_socket,
                 "Unix socket of the machine's administrator (default: comptoir.sock in the "
                 "data directory): whoever may open it acts as the administrator, without a login");
  app.add_option("--ready-file", ready_file,
                 "Once listening, write the bound address to this file");
  CLI::Option* http_listen_option = app.add_option(
      "--http-listen", http_listen,
      "Address of the web till (port 0: any free port); empty for none. Default: 127.0.0.1 "
      "with the --listen port + 1000 (127.0.0.1:8401). For the tills of other PCs of the "
      "centre, listen on the LAN (0.0.0.0:8401) with --http-tls-cert, --http-tls-key and "
      "--http-name");
  comptoir::AddHttpAccessOptions(app, "the web till", &web_endpoint.tls_cert,
                                 &web_endpoint.tls_key, &web_endpoint.names);
  app.add_option("--http-ready-file", http_ready_file,
                 "Once the web till listens, write its bound address to this file");
  app.add_option("--card-prefix", card_prefix,
                 "Prefix of family cards and receipts (default: from the site, HEM for hem); "
                 "fixed when the database is created");
  app.add_option("--token-file", token_file,
                 "File holding this centre's credential for the hub (from `comptoir-hub "
                 "credential issue`)");
  comptoir::TlsFiles tls_files;
  std::string tls_server_name;
  app.add_option("--tls-ca", tls_files.ca,
                 "The network CA's PEM certificate: sync with the hub over TLS, checking its "
                 "certificate");
  app.add_option("--tls-cert", tls_files.cert,
                 "This centre's PEM client certificate (CN = its site), for a hub with mTLS");
  app.add_option("--tls-key", tls_files.key, "The PEM private key of --tls-cert");
  app.add_option("--tls-server-name", tls_server_name,
                 "Name on the hub's certificate when it differs from the --hub host");
  int keepalive_seconds = 0;
  comptoir::AddSyncKeepaliveOption(app, &keepalive_seconds);
  app.add_option("--metrics-listen", metrics_listen,
                 "HTTP address serving Prometheus metrics on /metrics (empty: no metrics)");
  app.add_flag("--recover-from-hub", recover_from_hub,
               "This centre's data was lost or restored from an old backup: get its history "
               "back from the hub before the till records anything");
  // comptoir-node restore --from BACKUP [--data DIR]
  CLI::App* restore = app.add_subcommand(
      "restore", "Replace the (stopped) centre's data by a backup; the centre then gets the "
                 "rest of its history back from the hub before the till records anything");
  std::string restore_from;
  restore->add_option("--from", restore_from, "Backup file (made by `comptoir backup`)")
      ->required();
  restore->add_option("--data", data_dir,
                      "The centre's data directory (default: comptoir-data/<site of the backup>)");
  comptoir::BackupKeyOptions backup_key;
  comptoir::AddBackupKeyOptions(app, restore, &backup_key);
  if (const int exit_status = comptoir::ParseCommandLine(app, argc, argv); exit_status >= 0) {
    return exit_status;
  }
  if (restore->parsed()) return comptoir::RestoreNode(restore_from, backup_key.key_file, data_dir);
  if (backup_key.new_command->parsed()) {
    return comptoir::CreateBackupKeyCommand(backup_key.new_file, "comptoir-node");
  }
  if (site.empty()) {
    std::fprintf(stderr, "error: --site is required (this centre's site id, e.g. hem)\n");
    return 2;
  }
  if (data_dir.empty()) data_dir = "comptoir-data/" + site;
  if (admin_socket.empty()) admin_socket = data_dir + "/comptoir.sock";
  if (http_listen_option->count() == 0) http_listen = comptoir::DefaultHttpListen(listen, 8401);

  comptoir::BlockShutdownSignals();
  comptoir::SetLogTag(site);
  // A token others can read stops the node before it touches its data (a TLS
  // key, in LoadTls below; the web till's, in CheckHttpEndpoint).
  if (!hub.empty() && !token_file.empty()) {
    absl::Status private_file = comptoir::CheckSecretFileMode(token_file, "token file");
    if (!private_file.ok()) {
      comptoir::LogError(private_file.message());
      return 1;
    }
  }
  // So does a backup key others can read.
  absl::StatusOr<std::unique_ptr<comptoir::BackupKey>> key =
      comptoir::LoadDaemonBackupKey(backup_key.key_file, "comptoir-node");
  if (!key.ok()) {
    comptoir::LogError(key.status().message());
    return 1;
  }
  // A web till open to the LAN without TLS or names stops the node likewise.
  if (!http_listen.empty()) {
    absl::Status web_usable = comptoir::CheckHttpEndpoint(web_endpoint, "the web till");
    if (!web_usable.ok()) {
      comptoir::LogError(web_usable.message());
      return 1;
    }
  }
  if (comptoir::IsValidSiteId(site)) {  // else NodeStore::Open says what is wrong
    absl::Status data_created = comptoir::MakePrivateDirectory(data_dir);
    if (!data_created.ok()) {
      comptoir::LogError(data_created.message());
      return 1;
    }
  }
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
    options.keepalive_seconds = keepalive_seconds;
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
    if (!tls_files.ca.empty() || !tls_files.cert.empty() || !tls_files.key.empty()) {
      absl::StatusOr<comptoir::TlsMaterial> material = comptoir::LoadTls(tls_files);
      if (!material.ok()) {
        comptoir::LogError(material.status().message());
        return 1;
      }
      if (!material->common_name.empty() && material->common_name != site) {
        comptoir::LogError("the certificate ", tls_files.cert, " is for site '",
                           material->common_name, "', not '", site, "'");
        return 1;
      }
      options.credentials = comptoir::ClientTlsCredentials(*material);
      options.tls_server_name = tls_server_name;
    }
    sync = std::make_unique<comptoir::SyncClient>(store->get(), options);
    comptoir::SyncClient* client = sync.get();
    (*store)->SetLocalAppendListener([client] { client->NotifyLocalAppend(); });
  }
  comptoir::Till till_commands(store->get());
  comptoir::Accounts accounts(store->get());
  comptoir::AccountDesk account_desk(&accounts, store->get());
  // People over TCP, with a session; the administrator through the socket.
  const comptoir::SessionGate people = comptoir::SessionGate::Tokens(&accounts);
  const comptoir::SessionGate administrator = comptoir::SessionGate::Administrator(&accounts);
  comptoir::TillServiceImpl till(&till_commands, people);
  comptoir::AccountServiceImpl account_service(&account_desk, people);
  comptoir::NodeServiceImpl node_service(store->get(), sync.get(), people);
  comptoir::TillServiceImpl admin_till(&till_commands, administrator);
  comptoir::AccountServiceImpl admin_accounts(&account_desk, administrator);
  comptoir::NodeServiceImpl admin_node(store->get(), sync.get(), administrator);
  comptoir::NodeStore* node_store = store->get();
  const comptoir::BackupSetup backup_setup{key->get(), comptoir::CheckpointDirFor(data_dir)};
  comptoir::BackupServiceImpl backups(&node_store->store(), backup_setup, [node_store] {
    comptoir::v1::BackupInfo info;
    info.set_kind("node");
    info.set_site(node_store->Site());
    absl::StatusOr<comptoir::v1::SyncStatus> status = node_store->Status();
    if (status.ok()) {
      info.set_own_seq(status->own_seq());
      info.set_hub_epoch(status->hub_epoch());
    }
    return info;
  });
  comptoir::MetricsRegistry metrics;
  comptoir::AddNodeMetrics(&metrics, node_store, sync.get());
  comptoir::ServerSetup setup;
  setup.keepalive_seconds = keepalive_seconds;
  setup.metrics = &metrics;
  absl::StatusOr<std::unique_ptr<comptoir::MetricsHttpServer>> metrics_http =
      comptoir::MetricsHttpServer::StartIfConfigured(metrics_listen, &metrics);
  if (!metrics_http.ok()) {
    comptoir::LogError(metrics_http.status().message());
    return 1;
  }
  absl::StatusOr<comptoir::RunningServer> server =
      comptoir::StartGrpcServer(listen, {&till, &account_service, &node_service}, setup);
  if (!server.ok()) {
    comptoir::LogError(server.status().message());
    return 1;
  }
  absl::StatusOr<comptoir::RunningServer> admin_server = comptoir::StartAdminSocket(
      admin_socket, {&admin_till, &admin_accounts, &admin_node, &backups}, setup);
  if (!admin_server.ok()) {
    comptoir::LogError(admin_server.status().message());
    return 1;
  }
  std::unique_ptr<comptoir::WebServer> web;
  if (!http_listen.empty()) {
    absl::StatusOr<std::unique_ptr<comptoir::WebServer>> started =
        comptoir::WebServer::Start(web_endpoint, &till_commands, &account_desk, store->get(),
                                   sync.get());
    if (!started.ok()) {
      comptoir::LogError(started.status().message());
      return 1;
    }
    web = *std::move(started);
  }
  if (sync) sync->Start();
  if (web) {
    const std::string what = web_endpoint.tls_cert.empty() ? " web till" : " web till (HTTPS)";
    absl::Status announced = comptoir::AnnounceListening("comptoir-node " + site + what,
                                                         web->address(), http_ready_file);
    if (!announced.ok()) comptoir::LogError(announced.message());
  }
  comptoir::LogInfo("administrator's socket ", admin_socket);
  comptoir::LogInfo("data in ", data_dir, ", hub ", hub.empty() ? "none (offline mode)" : hub);
  absl::Status announced = comptoir::AnnounceListening(
      "comptoir-node " + site, server->address, ready_file);
  if (!announced.ok()) comptoir::LogError(announced.message());

  const int signal_number = comptoir::WaitForShutdownSignal();
  comptoir::LogInfo("signal ", signal_number, " received, stopping");
  if (web) web->Stop();
  metrics_http->reset();
  server->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  admin_server->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->server->Wait();
  admin_server->server->Wait();
  unlink(admin_socket.c_str());
  if (sync) sync->Stop();
  comptoir::LogInfo("stopped");
  return 0;
}
