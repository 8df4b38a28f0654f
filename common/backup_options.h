// The daemons' backup key settings, the same for comptoir-node and
// comptoir-hub: the option --backup-key FILE (setting backup-key), and the
// command `<daemon> backup-key new FILE` that makes a key.
//
//   BackupKeyOptions backup_key;
//   AddBackupKeyOptions(app, restore, &backup_key);
//   ... parse ...
//   if (backup_key.new_command->parsed()) {
//     return CreateBackupKeyCommand(backup_key.new_file, "comptoir-node");
//   }
//   auto key = LoadDaemonBackupKey(backup_key.key_file, "comptoir-node");  // null: none
#ifndef COMPTOIR_COMMON_BACKUP_OPTIONS_H_
#define COMPTOIR_COMMON_BACKUP_OPTIONS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/backup_crypto.h"

namespace CLI {
class App;
}  // namespace CLI

namespace comptoir {

struct BackupKeyOptions {
  std::string key_file;             // --backup-key
  CLI::App* new_command = nullptr;  // `backup-key new`
  std::string new_file;             // its FILE
};

// Adds --backup-key to `app` and to its `restore` subcommand, and the command
// `backup-key new FILE`, storing into `*options` (which must outlive parsing).
void AddBackupKeyOptions(CLI::App& app, CLI::App* restore, BackupKeyOptions* options);

// `<daemon> backup-key new FILE`: makes the key, prints its id and where to
// keep a copy, or the error. Returns the exit status (0 made, 1 refused).
int CreateBackupKeyCommand(const std::string& path, const std::string& daemon);

// The daemon's key at start: null when `key_file` is empty (a warning is
// logged: its backups are then refused, saying how to make a key). An error
// (a key file readable by others, with the chmod that fixes it; a missing or
// malformed one) must stop the daemon before it touches its data.
absl::StatusOr<std::unique_ptr<BackupKey>> LoadDaemonBackupKey(const std::string& key_file,
                                                               const std::string& daemon);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_BACKUP_OPTIONS_H_
