#include "common/daemon_config.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/config_file.h"
#include "common/daemon.h"

namespace comptoir {
namespace {

constexpr char kConfig[] = "config";

// Where --config points, if anywhere ("--config F" or "--config=F").
std::string ConfigPath(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) return argv[i + 1];
    if (absl::StartsWith(arg, "--config=")) return arg.substr(9);
  }
  return "";
}

bool CommandLineSets(const std::string& key, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--" + key || absl::StartsWith(arg, "--" + key + "=")) return true;
  }
  return false;
}

// The top-level settings a file may hold: every long option but --config and
// --help, each with whether it is a flag (takes no separate value).
std::vector<std::pair<std::string, bool>> Settings(const CLI::App& app) {
  std::vector<std::pair<std::string, bool>> keys;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) {
      if (name != kConfig && name != "help" && name != "help-all" && name != "version") {
        keys.emplace_back(name, option->get_expected_min() == 0);
      }
    }
  }
  return keys;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ArgsWithConfigFile(const CLI::App& app, int argc,
                                                            const char* const* argv) {
  std::vector<std::string> args = {argc > 0 ? argv[0] : "daemon"};
  const std::string path = ConfigPath(argc, argv);
  if (!path.empty()) {
    absl::StatusOr<std::vector<ConfigEntry>> entries = ReadConfigFile(path);
    if (!entries.ok()) return entries.status();
    const std::vector<std::pair<std::string, bool>> settings = Settings(app);
    for (const ConfigEntry& entry : *entries) {
      auto setting = std::find_if(settings.begin(), settings.end(),
                                  [&](const auto& known) { return known.first == entry.key; });
      if (setting == settings.end()) {
        std::vector<std::string> names;
        for (const auto& known : settings) names.push_back(known.first);
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", entry.line, ": unknown setting '", entry.key,
                         "' (settings: ", absl::StrJoin(names, ", "), ")"));
      }
      if (CommandLineSets(entry.key, argc, argv)) continue;
      if (setting->second) {
        args.push_back(absl::StrCat("--", entry.key, "=", entry.value));  // --flag=false
      } else {
        // Two words, so that an empty value stays a value ("--hub=" would not).
        args.push_back("--" + entry.key);
        args.push_back(entry.value);
      }
    }
  }
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  return args;
}

int ParseCommandLine(CLI::App& app, int argc, const char* const* argv) {
  if (app.get_option_no_throw("--config") == nullptr) {
    app.add_option("--config",
                   "Settings file: 'key = value' lines, keys as the long options without "
                   "dashes; the command line wins");
  }
  absl::StatusOr<std::vector<std::string>> args = ArgsWithConfigFile(app, argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(args.status().message()).c_str());
    return 2;
  }
  std::vector<const char*> pointers;
  for (const std::string& arg : *args) pointers.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(pointers.size()), pointers.data());
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    // Name the file's line when the bad value came from it.
    const std::string path = ConfigPath(argc, argv);
    std::string where;
    if (!path.empty()) {
      absl::StatusOr<std::vector<ConfigEntry>> entries = ReadConfigFile(path);
      for (const ConfigEntry& entry : entries.ok() ? *entries : std::vector<ConfigEntry>()) {
        if (!CommandLineSets(entry.key, argc, argv) &&
            absl::StrContains(error.what(), "--" + entry.key)) {
          where = absl::StrCat(path, ":", entry.line, ": bad value for '", entry.key, "': ");
        }
      }
    }
    std::fprintf(stderr, "error: %s%s\n", where.c_str(), error.what());
    return 2;
  }
  return -1;
}

void AddSyncKeepaliveOption(CLI::App& app, int* seconds) {
  *seconds = kDefaultKeepaliveSeconds;
  app.add_option("--sync-keepalive", *seconds,
                 "Seconds of silence after which a sync connection is checked with a ping; "
                 "one left unanswered (for up to 10 s) drops the connection")
      ->capture_default_str()
      ->check(CLI::Range(kMinKeepaliveSeconds, 3600));
}

void AddHttpAccessOptions(CLI::App& app, const std::string& what, std::string* tls_cert,
                          std::string* tls_key, std::vector<std::string>* names) {
  app.add_option("--http-tls-cert", *tls_cert,
                 "PEM server certificate of " + what + " (deploy/make-certs.sh with "
                 "COMPTOIR_WEB_NAMES): serve it over HTTPS; needed beyond loopback");
  app.add_option("--http-tls-key", *tls_key,
                 "The PEM private key of --http-tls-cert (mode 600, or 640 root:comptoir)");
  app.add_option("--http-name", *names,
                 "A name people type to reach " + what + " (caisse.hem.local, 192.168.1.20; "
                 "repeat it or separate names with commas); needed beyond loopback, and then "
                 "the only Host names served (with 127.0.0.1 and localhost on loopback)")
      ->delimiter(',');
}

}  // namespace comptoir
