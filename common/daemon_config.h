// Configuration files for the daemons: `--config FILE` holds the same
// settings as the command line, one per line, named like the long options
// without their dashes (common/config_file.h has the format):
//
//   # /etc/comptoir/hem.conf
//   site = hem
//   listen = 0.0.0.0:7401
//   hub = hub.pacte59.fr:7400
//   recover-from-hub = false
//
// A flag given on the command line wins over the file. An unknown key, a key
// that is not a setting (config, help, version) or a bad value is an error
// naming the file and line.
//
//   CLI::App app{...};  ... add every option ...
//   if (int exit = ParseCommandLine(app, argc, argv); exit >= 0) return exit;
#ifndef COMPTOIR_COMMON_DAEMON_CONFIG_H_
#define COMPTOIR_COMMON_DAEMON_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace CLI {
class App;
}  // namespace CLI

namespace comptoir {

// The command line with the settings of its --config file (if any) that it
// does not set itself put in front ("--key" "value", or "--flag=value"). InvalidArgument
// "<file>:<line>: ..." for an unknown key; NotFound if the file cannot be read.
absl::StatusOr<std::vector<std::string>> ArgsWithConfigFile(const CLI::App& app, int argc,
                                                            const char* const* argv);

// Adds --config to `app`, then parses the command line and the file. Returns
// -1 when the daemon should run, or the exit status to return now: 0 after
// --help, 2 after an error (printed on stderr, naming the file and line when
// it comes from the file).
int ParseCommandLine(CLI::App& app, int argc, const char* const* argv);

// Adds --sync-keepalive (both daemons) to `app`, storing into `*seconds`
// (which holds the default, kDefaultKeepaliveSeconds, until parsed).
void AddSyncKeepaliveOption(CLI::App& app, int* seconds);

// Adds --http-tls-cert, --http-tls-key and --http-name (repeatable, or
// comma-separated) for the daemon's web pages, `what` ("the web till"),
// storing into the fields of its HttpEndpoint (common/web/http_access.h).
void AddHttpAccessOptions(CLI::App& app, const std::string& what, std::string* tls_cert,
                          std::string* tls_key, std::vector<std::string>* names);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_DAEMON_CONFIG_H_
