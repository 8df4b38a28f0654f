// comptoir: the command-line client of a centre's node and of the hub. It only
// talks to the daemons' gRPC APIs; it never opens their databases.
//
//   comptoir family register --name Dupont --member Amélie:F:1990 --household single-parent \
//       --notice-given
//   comptoir sale --family HEM-000123 --line EPI-LAIT-1L:2 --line HEM-P-000003
//   comptoir sync status --json
//   comptoir hub status --hub 127.0.0.1:7400
//   comptoir login --user marie              (then the node's commands are marie's)
//   comptoir --node unix:/var/lib/comptoir/hem/comptoir.sock account list
//
// Exit status: 0 done, 1 the daemon refused or could not be reached, 2 bad usage.
#include <cstdlib>

#include "CLI/CLI.hpp"
#include "common/tls.h"
#include "node/cli/cli_commands.h"
#include "node/cli/cli_util.h"

namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  comptoir::cli::Globals globals;
  globals.node = EnvOr("COMPTOIR_NODE", globals.node);
  globals.hub = EnvOr("COMPTOIR_HUB", globals.hub);
  globals.config_dir = EnvOr(
      "COMPTOIR_CONFIG_DIR",
      EnvOr("XDG_CONFIG_HOME", EnvOr("HOME", ".") + "/.config") + "/comptoir");
  CLI::App app{"comptoir: command-line client for a Comptoir centre (node) and the hub"};
  app.require_subcommand(1);
  app.add_option("--node", globals.node,
                 "Node address (env COMPTOIR_NODE): host:port, after `comptoir login`; or, for "
                 "the machine's administrator, unix:<data directory>/comptoir.sock")
      ->capture_default_str();
  app.add_option("--hub", globals.hub,
                 "Hub address (env COMPTOIR_HUB): host:port, after `comptoir hub login`; or, for "
                 "the hub machine's administrator, unix:<hub data directory>/comptoir.sock")
      ->capture_default_str();
  app.add_option("--config-dir", globals.config_dir,
                 "Where `comptoir login` keeps your sessions (env COMPTOIR_CONFIG_DIR)")
      ->capture_default_str();
  app.add_flag("--json", globals.json, "Print JSON (protobuf JSON mapping) instead of text");
  app.add_option("--timeout", globals.timeout_seconds, "Seconds to wait for the daemon")
      ->capture_default_str();
  comptoir::TlsFiles tls_files;
  tls_files.ca = EnvOr("COMPTOIR_TLS_CA", "");
  tls_files.cert = EnvOr("COMPTOIR_TLS_CERT", "");
  tls_files.key = EnvOr("COMPTOIR_TLS_KEY", "");
  std::string tls_server_name;
  app.add_option("--tls-ca", tls_files.ca,
                 "Talk to the hub over TLS, checking its certificate against this CA "
                 "(env COMPTOIR_TLS_CA)");
  app.add_option("--tls-cert", tls_files.cert, "Client certificate for the hub (env COMPTOIR_TLS_CERT)");
  app.add_option("--tls-key", tls_files.key, "Its private key (env COMPTOIR_TLS_KEY)");
  app.add_option("--tls-server-name", tls_server_name,
                 "Name on the hub's certificate when it differs from the --hub host");
  app.fallthrough();
  // TLS applies to the hub's address once every option is parsed.
  app.parse_complete_callback([&] {
    if (tls_files.ca.empty()) return;
    absl::StatusOr<comptoir::TlsMaterial> tls = comptoir::LoadTls(tls_files);
    if (!tls.ok()) throw CLI::ValidationError("--tls-ca", std::string(tls.status().message()));
    comptoir::cli::UseTls(globals.hub, comptoir::ClientTlsCredentials(*tls), tls_server_name);
  });

  int result = 0;
  CLI::App* hub = app.add_subcommand("hub", "The hub: status and network configuration");
  hub->require_subcommand(1);
  comptoir::cli::AddSyncCommands(app, *hub, globals, result);
  comptoir::cli::AddSaleCommands(app, globals, result);
  comptoir::cli::AddFamilyCommands(app, globals, result);
  comptoir::cli::AddStockCommands(app, *hub, globals, result);
  comptoir::cli::AddWorkshopCommands(app, globals, result);
  comptoir::cli::AddTransferCommands(app, globals, result);
  comptoir::cli::AddStatsCommands(app, *hub, globals, result);
  comptoir::cli::AddOpsCommands(app, *hub, globals, result);
  comptoir::cli::AddRetentionCommands(*hub, globals, result);
  comptoir::cli::AddAccountCommands(app, *hub, globals, result);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help prints and exits 0; every other parse error is bad usage: 2.
    return app.exit(error) == 0 ? 0 : 2;
  }
  return result;
}
