// comptoir-hub: the network's hub. Keeps the whole network's log, accepts one
// sync stream per centre, and serves head office's read APIs.
#include <grpcpp/server.h>

#include <chrono>
#include <cstdio>

#include <unistd.h>

#include "CLI/CLI.hpp"
#include "common/backup_options.h"
#include "common/backup_service.h"
#include "common/daemon.h"
#include "common/daemon_config.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "common/metrics_http.h"
#include "common/secret_file.h"
#include "common/tls.h"
#include "common/web/http_server.h"
#include "hub/credentials.h"
#include "hub/hub_log.h"
#include "hub/hub_metrics.h"
#include "hub/hub_accounts.h"
#include "hub/hub_restore.h"
#include "hub/hub_service.h"
#include "hub/stats_service.h"
#include "hub/hub_account_service.h"
#include "hub/hub_gate.h"
#include "hub/retention_keeper.h"
#include "hub/retention_service.h"
#include "hub/sync_service.h"
#include "hub/web/dashboard_server.h"

int main(int argc, char** argv) {
  CLI::App app{"comptoir-hub: the Comptoir network hub (network log, sync, head-office APIs)"};
  std::string data_dir = "comptoir-data/hub";
  std::string listen = "127.0.0.1:7400";
  std::string ready_file;
  std::string credentials_path;
  bool allow_unauthenticated = false;
  bool new_epoch = false;
  app.add_flag("--new-epoch", new_epoch,
               "Start a new epoch (once, after restoring the hub's data from a backup): every "
               "centre then re-sends what the restored log lacks and re-pulls it");
  app.add_option("--credentials", credentials_path,
                 "Centre credentials file (see `credential issue`); without it, streams are "
                 "not authenticated, which is allowed on loopback only");
  app.add_flag("--allow-unauthenticated", allow_unauthenticated,
               "Accept unauthenticated streams on a non-loopback address (never in production)");
  app.add_option("--data", data_dir, "Directory of the hub's database (created if missing)")
      ->capture_default_str();
  app.add_option("--listen", listen, "gRPC address to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--ready-file", ready_file,
                 "Once listening, write the bound address to this file");
  comptoir::TlsFiles tls_files;
  app.add_option("--tls-cert", tls_files.cert,
                 "The hub's PEM certificate: serve over TLS (with --tls-key and --tls-ca)");
  app.add_option("--tls-key", tls_files.key, "The PEM private key of --tls-cert");
  app.add_option("--tls-ca", tls_files.ca,
                 "The network CA's PEM certificate: centres must present a certificate it "
                 "signed, whose CN is their site (mTLS)");
  comptoir::HttpEndpoint dashboard_endpoint;
  std::string& http_listen = dashboard_endpoint.listen;
  std::string http_ready_file;
  CLI::Option* http_listen_option = app.add_option(
      "--http-listen", http_listen,
      "Address of head office's dashboard (port 0: any free port); empty for none. "
      "Default: 127.0.0.1 with the --listen port + 1000 (127.0.0.1:8400). Head office and "
      "statistics accounts log in there; beyond loopback it needs --http-tls-cert, "
      "--http-tls-key and --http-name");
  comptoir::AddHttpAccessOptions(app, "the dashboard", &dashboard_endpoint.tls_cert,
                                 &dashboard_endpoint.tls_key, &dashboard_endpoint.names);
  app.add_option("--http-ready-file", http_ready_file,
                 "Once the dashboard listens, write its bound address to this file");
  int keepalive_seconds = 0;
  comptoir::AddSyncKeepaliveOption(app, &keepalive_seconds);
  std::string admin_socket;
  app.add_option("--admin-socket", admin_socket,
                 "Unix socket of the hub machine's administrator (default: comptoir.sock in the "
                 "data directory): whoever may open it acts as head office's administrator");
  int retention_months = comptoir::kDefaultRetentionMonths;
  app.add_option("--retention-months", retention_months,
                 "Months after a household's last referral ended or last visit (whichever is "
                 "later) at which the hub erases its personal data (CNIL's reference framework "
                 "for social support: 24); `comptoir hub retention` lists what is due")
      ->capture_default_str();
  std::string metrics_listen;
  app.add_option("--metrics-listen", metrics_listen,
                 "HTTP address serving Prometheus metrics on /metrics (empty: no metrics)");
  // comptoir-hub credential issue|revoke --credentials FILE --site SITE
  CLI::App* credential = app.add_subcommand("credential", "Issue or revoke a centre's credential");
  std::string site;
  std::string token_file;
  int credential_result = 0;
  for (const bool issue : {true, false}) {
    CLI::App* command = credential->add_subcommand(
        issue ? "issue" : "revoke",
        issue ? "Draw a new token for a centre (prints it; replaces any previous one)"
              : "Revoke a centre's token (its next stream is refused)");
    command->add_option("--credentials", credentials_path, "Credentials file")->required();
    command->add_option("--site", site, "Centre, e.g. hem")->required();
    if (issue) command->add_option("--token-file", token_file, "Also write the token to this file");
    command->callback([&, issue] {
      if (issue) {
        absl::StatusOr<std::string> token = comptoir::CredentialStore::Issue(credentials_path, site);
        if (!token.ok()) {
          std::fprintf(stderr, "error: %s\n", std::string(token.status().message()).c_str());
          credential_result = 1;
          return;
        }
        if (!token_file.empty()) {
          absl::Status written = comptoir::WriteSecretFile(token_file, *token + "\n");
          if (!written.ok()) {
            std::fprintf(stderr, "error: the credential of %s is issued, but %s\n", site.c_str(),
                         std::string(written.message()).c_str());
            credential_result = 1;
            return;
          }
        }
        std::printf("%s\n", token->c_str());
      } else {
        absl::Status revoked = comptoir::CredentialStore::Revoke(credentials_path, site);
        if (!revoked.ok()) {
          std::fprintf(stderr, "error: %s\n", std::string(revoked.message()).c_str());
          credential_result = 1;
          return;
        }
        std::printf("credential of %s revoked\n", site.c_str());
      }
    });
  }
  // comptoir-hub restore --from BACKUP [--data DIR]
  CLI::App* restore = app.add_subcommand(
      "restore", "Replace the (stopped) hub's data by a backup; the hub then starts a new epoch");
  std::string restore_from;
  restore->add_option("--from", restore_from, "Backup file (made by `comptoir hub backup`)")
      ->required();
  restore->add_option("--data", data_dir, "The hub's data directory")->capture_default_str();
  comptoir::BackupKeyOptions backup_key;
  comptoir::AddBackupKeyOptions(app, restore, &backup_key);
  // comptoir-hub account create --login L --role R [--site SITE] --password-file F [--data DIR]
  CLI::App* account = app.add_subcommand("account", "Head office's accounts (the hub stopped)");
  CLI::App* account_create = account->add_subcommand(
      "create", "Create an account of head office, or a centre's first coordinator");
  account->require_subcommand(1);
  std::string account_login, account_role, account_site = "hub", password_file;
  account_create->add_option("--login", account_login, "Login, e.g. claire")->required();
  account_create->add_option("--role", account_role,
                             "volunteer, coordinator, head-office or statistics")
      ->required();
  account_create->add_option("--site", account_site,
                             "The centre of a coordinator or volunteer (default: hub)")
      ->capture_default_str();
  account_create
      ->add_option("--password-file", password_file,
                   "File whose first line is the password ('-': standard input)")
      ->required();
  account_create->add_option("--data", data_dir, "The hub's data directory")->capture_default_str();
  if (const int exit_status = comptoir::ParseCommandLine(app, argc, argv); exit_status >= 0) {
    return exit_status;
  }
  if (credential->parsed()) return credential_result;
  if (restore->parsed()) return comptoir::RestoreHub(restore_from, backup_key.key_file, data_dir);
  if (backup_key.new_command->parsed()) {
    return comptoir::CreateBackupKeyCommand(backup_key.new_file, "comptoir-hub");
  }
  if (account_create->parsed()) {
    return comptoir::CreateAccountCommand(data_dir, account_login, account_role, account_site,
                                          password_file);
  }
  if (absl::Status months = comptoir::CheckRetentionMonths(retention_months); !months.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(months.message()).c_str());
    return 2;
  }
  if (http_listen_option->count() == 0) http_listen = comptoir::DefaultHttpListen(listen, 8400);
  if (admin_socket.empty()) admin_socket = data_dir + "/comptoir.sock";

  comptoir::BlockShutdownSignals();
  comptoir::SetLogTag("hub");
  // TLS problems stop the hub before it touches its data.
  comptoir::ServerSetup setup;
  setup.keepalive_seconds = keepalive_seconds;
  const bool tls = !tls_files.cert.empty() || !tls_files.key.empty() || !tls_files.ca.empty();
  if (tls) {
    if (tls_files.cert.empty()) {
      comptoir::LogError("TLS needs the hub's certificate and key (--tls-cert, --tls-key)");
      return 1;
    }
    absl::StatusOr<comptoir::TlsMaterial> material = comptoir::LoadTls(tls_files);
    if (!material.ok()) {
      comptoir::LogError(material.status().message());
      return 1;
    }
    setup.credentials = comptoir::ServerTlsCredentials(*material);
    comptoir::LogInfo("TLS on, certificate of '", material->common_name,
                      "'; centres must present a certificate of their site signed by ",
                      tls_files.ca);
  }
  // Secrets readable by others stop the hub before it touches its data.
  if (!credentials_path.empty()) {
    absl::Status private_file = comptoir::CheckSecretFileMode(credentials_path, "credentials file");
    if (!private_file.ok() && !absl::IsNotFound(private_file)) {  // missing: said below
      comptoir::LogError(private_file.message());
      return 1;
    }
  }
  absl::StatusOr<std::unique_ptr<comptoir::BackupKey>> key =
      comptoir::LoadDaemonBackupKey(backup_key.key_file, "comptoir-hub");
  if (!key.ok()) {
    comptoir::LogError(key.status().message());
    return 1;
  }
  absl::Status data_created = comptoir::MakePrivateDirectory(data_dir);
  if (!data_created.ok()) {
    comptoir::LogError(data_created.message());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<comptoir::HubLog>> log = comptoir::HubLog::Open(data_dir, new_epoch);
  if (!log.ok()) {
    comptoir::LogError(log.status().message());
    return 1;
  }
  std::unique_ptr<comptoir::CredentialStore> credentials;
  if (!credentials_path.empty()) {
    absl::StatusOr<std::unique_ptr<comptoir::CredentialStore>> opened =
        comptoir::CredentialStore::Open(credentials_path);
    if (!opened.ok()) {
      comptoir::LogError(opened.status().message());
      return 1;
    }
    credentials = *std::move(opened);
  } else {
    const std::string host = listen.substr(0, listen.rfind(':'));
    const bool loopback = host == "127.0.0.1" || host == "localhost" || host == "[::1]";
    if (!loopback && !allow_unauthenticated && !tls) {
      comptoir::LogError("refusing to accept unauthenticated centres on ", listen,
                         ": give --credentials FILE (or --allow-unauthenticated for a test bench)");
      return 1;
    }
    if (!tls) {
      comptoir::LogWarning("no --credentials: centres are not authenticated (development mode)");
    }
  }
  comptoir::SyncServiceImpl sync((*log).get(), credentials.get());
  if (tls) sync.RequireClientCertificates();
  comptoir::HubLog* hub_log = log->get();
  comptoir::LoginDesk head_office(hub_log->writable_store(), "hub");
  // People and centres over TCP; the administrator through the socket.
  const comptoir::HubGate callers = comptoir::HubGate::People(&head_office, credentials.get());
  const comptoir::HubGate administrator = comptoir::HubGate::Administrator(&head_office);
  comptoir::HubServiceImpl hub_service(hub_log, &sync, callers);
  comptoir::StatsServiceImpl stats_service(hub_log, &sync, callers);
  comptoir::HubAccountServiceImpl account_service(hub_log, &sync, callers);
  comptoir::HubServiceImpl admin_hub(hub_log, &sync, administrator);
  comptoir::StatsServiceImpl admin_stats(hub_log, &sync, administrator);
  comptoir::HubAccountServiceImpl admin_accounts(hub_log, &sync, administrator);
  comptoir::RetentionKeeper::Options retention_options;
  retention_options.months = retention_months;
  absl::StatusOr<std::unique_ptr<comptoir::RetentionKeeper>> retention =
      comptoir::RetentionKeeper::Create(hub_log, &sync, retention_options);
  if (!retention.ok()) {
    comptoir::LogError(retention.status().message());
    return 1;
  }
  comptoir::RetentionServiceImpl retention_service(retention->get(), hub_log, callers);
  comptoir::RetentionServiceImpl admin_retention(retention->get(), hub_log, administrator);
  const comptoir::BackupSetup backup_setup{key->get(), comptoir::CheckpointDirFor(data_dir)};
  comptoir::BackupServiceImpl backups(&hub_log->store(), backup_setup, [hub_log] {
    comptoir::v1::BackupInfo info;
    info.set_kind("hub");
    info.set_site("hub");
    info.set_hub_epoch(hub_log->Epoch());
    info.set_log_head(hub_log->LogHead());
    return info;
  });
  comptoir::MetricsRegistry metrics;
  comptoir::AddHubMetrics(&metrics, hub_log, &sync);
  setup.metrics = &metrics;
  absl::StatusOr<std::unique_ptr<comptoir::MetricsHttpServer>> metrics_http =
      comptoir::MetricsHttpServer::StartIfConfigured(metrics_listen, &metrics);
  if (!metrics_http.ok()) {
    comptoir::LogError(metrics_http.status().message());
    return 1;
  }
  absl::StatusOr<comptoir::RunningServer> server =
      comptoir::StartGrpcServer(
          listen, {&sync, &hub_service, &stats_service, &account_service, &retention_service},
          setup);
  if (!server.ok()) {
    comptoir::LogError(server.status().message());
    return 1;
  }
  absl::StatusOr<comptoir::RunningServer> admin_server = comptoir::StartAdminSocket(
      admin_socket, {&admin_hub, &admin_stats, &admin_accounts, &admin_retention, &backups}, setup);
  if (!admin_server.ok()) {
    comptoir::LogError(admin_server.status().message());
    return 1;
  }
  std::unique_ptr<comptoir::DashboardServer> dashboard;
  if (!http_listen.empty()) {
    absl::StatusOr<std::unique_ptr<comptoir::DashboardServer>> started =
        comptoir::DashboardServer::Start(dashboard_endpoint, &stats_service, &hub_service,
                                         &head_office);
    if (!started.ok()) {
      comptoir::LogError(started.status().message());
      return 1;
    }
    dashboard = *std::move(started);
    absl::Status announced = comptoir::AnnounceListening("comptoir-hub dashboard",
                                                         dashboard->address(), http_ready_file);
    if (!announced.ok()) comptoir::LogError(announced.message());
  }
  comptoir::LogInfo("administrator's socket ", admin_socket);
  comptoir::LogInfo("hub epoch ", (*log)->Epoch(), ", log head ", (*log)->LogHead(), ", data in ",
                    data_dir);
  (*retention)->Start();
  comptoir::LogInfo("retention of personal data: ", retention_months, " months");
  absl::Status announced = comptoir::AnnounceListening("comptoir-hub", server->address, ready_file);
  if (!announced.ok()) comptoir::LogError(announced.message());

  const int signal_number = comptoir::WaitForShutdownSignal();
  comptoir::LogInfo("signal ", signal_number, " received, stopping");
  (*retention)->Stop();
  // Open sync streams are cancelled after a short grace period.
  if (dashboard) dashboard->Stop();
  metrics_http->reset();
  server->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  admin_server->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->server->Wait();
  admin_server->server->Wait();
  unlink(admin_socket.c_str());
  comptoir::LogInfo("stopped");
  return 0;
}
