// The comptoir subcommands, grouped by area. Each Add* function registers its
// subcommands on `app` (and on `hub`, the "comptoir hub ..." group); when one
// runs, it stores its exit status in `result`. Option values live in statics:
// one process runs one command.
#ifndef COMPTOIR_NODE_CLI_CLI_COMMANDS_H_
#define COMPTOIR_NODE_CLI_CLI_COMMANDS_H_

#include "CLI/CLI.hpp"
#include "node/cli/cli_util.h"

namespace comptoir::cli {

// sync status, sales, events, hub status.
void AddSyncCommands(CLI::App& app, CLI::App& hub, const Globals& globals, int& result);
// sale, void, receipt.
void AddSaleCommands(CLI::App& app, const Globals& globals, int& result);
// family ..., referral ...
void AddFamilyCommands(CLI::App& app, const Globals& globals, int& result);
// family export (on the `family` group; cli_family_export.cc).
void AddFamilyExportCommand(CLI::App& family, const Globals& globals, int& result);
// transfer ..., surplus ..., minimum, needs.
void AddTransferCommands(CLI::App& app, const Globals& globals, int& result);
// workshop ..., donors.
void AddWorkshopCommands(CLI::App& app, const Globals& globals, int& result);
// catalogue ..., stock ..., hub define-...
// comptoir stats ... ; comptoir hub running-costs ...
void AddStatsCommands(CLI::App& app, CLI::App& hub, const Globals& globals, int& result);
void AddStockCommands(CLI::App& app, CLI::App& hub, const Globals& globals, int& result);

// login, logout, whoami, account ..., audit; hub login, hub logout, hub account ....
void AddAccountCommands(CLI::App& app, CLI::App& hub, const Globals& globals, int& result);

// hub retention.
void AddRetentionCommands(CLI::App& hub, const Globals& globals, int& result);

// backup, hub backup.
void AddOpsCommands(CLI::App& app, CLI::App& hub, const Globals& globals, int& result);

}  // namespace comptoir::cli

#endif  // COMPTOIR_NODE_CLI_CLI_COMMANDS_H_
