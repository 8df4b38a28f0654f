#include "common/backup_options.h"

#include <cstdio>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/backup.h"
#include "common/logging.h"

namespace comptoir {

void AddBackupKeyOptions(CLI::App& app, CLI::App* restore, BackupKeyOptions* options) {
  const char* const kWhat =
      "File holding the backup key (from `backup-key new`; mode 600): backups are encrypted "
      "with it, and cannot be read without it. Keep a copy apart from the backups";
  app.add_option("--backup-key", options->key_file, kWhat);
  if (restore != nullptr) {
    restore->add_option("--backup-key", options->key_file,
                        "The backup key file the daemon had when it made the backup");
  }
  CLI::App* keys = app.add_subcommand("backup-key", "Backup keys");
  keys->require_subcommand(1);
  options->new_command = keys->add_subcommand(
      "new", "Make a new backup key in FILE (mode 600; never overwrites a file)");
  options->new_command->add_option("file", options->new_file, "The new key file")->required();
}

int CreateBackupKeyCommand(const std::string& path, const std::string& daemon) {
  absl::StatusOr<std::unique_ptr<BackupKey>> key = BackupKey::Create(path);
  if (!key.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(key.status().message()).c_str());
    return 1;
  }
  std::printf(
      "backup key %s written to %s (mode 600)\n"
      "start %s with --backup-key %s (setting backup-key), and keep a copy of this file apart "
      "from the backups (another machine or medium): without it, no backup made with it can "
      "be read\n",
      (*key)->id().c_str(), path.c_str(), daemon.c_str(), path.c_str());
  return 0;
}

absl::StatusOr<std::unique_ptr<BackupKey>> LoadDaemonBackupKey(const std::string& key_file,
                                                               const std::string& daemon) {
  if (key_file.empty()) {
    LogWarning(HowToMakeABackupKey(daemon));
    return std::unique_ptr<BackupKey>();
  }
  absl::StatusOr<std::unique_ptr<BackupKey>> key = BackupKey::Load(key_file);
  if (absl::IsNotFound(key.status())) {
    return absl::NotFoundError(absl::StrCat(key.status().message(), " (make it once with `", daemon,
                                            " backup-key new ", key_file, "`)"));
  }
  if (key.ok())
    LogInfo("backups are encrypted with backup key ", (*key)->id(), " (", key_file, ")");
  return key;
}

}  // namespace comptoir
