// Backups of a daemon's database, and restoring one into a stopped daemon's
// data directory.
//
// A backup is one file, encrypted with the daemon's backup key
// (common/backup_crypto.h has the format): the files of a RocksDB checkpoint
// (Store::Checkpoint), and in its plain, authenticated header a manifest of
// "key = value" lines that holds no personal data:
//       format = 1
//       kind = hub | node
//       site = hub | <site id>
//       created_unix_ms = ...
//       bytes = ...            (the database files, before encryption)
//       hub_epoch = ... / log_head = ... / own_seq = ...
// The file appears whole or not at all (temporary name, fsync, link).
//
// Restoring (UnpackBackupForRestore, then SwapInRestored) checks every chunk
// before anything is swapped in and never deletes data: the directory being
// replaced is renamed to <data>.before-restore-<time>.
//
//   ASSIGN_OR_RETURN(v1::BackupInfo info, ReadBackupManifest(from));
//   ASSIGN_OR_RETURN(std::string staged, UnpackBackupForRestore(from, key_file, data_dir));
//   ... open `staged`, mark it (new epoch / recovery), close it ...
//   ASSIGN_OR_RETURN(std::string kept, SwapInRestored(staged, data_dir));
#ifndef COMPTOIR_COMMON_BACKUP_H_
#define COMPTOIR_COMMON_BACKUP_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/backup_crypto.h"
#include "common/store.h"
#include "comptoir/v1/ops.pb.h"

namespace comptoir {

// What a daemon's backups need: its key (null when none is configured) and a
// scratch directory on the database's file system, CheckpointDirFor(data):
// the plain checkpoint is hard links there, private, removed after each
// backup, so only encrypted bytes reach the backup's medium.
struct BackupSetup {
  const BackupKey* key = nullptr;
  std::string checkpoint_dir;
};

// "<data_dir>.backup-checkpoint".
std::string CheckpointDirFor(const std::string& data_dir);

// Writes an encrypted backup of `store` to the new file info.dest()
// (absolute, must not exist; its parent must), with the manifest completed
// from `info` (kind, site, epoch, heads) plus the time and size. Safe while
// the store is in use. FailedPrecondition, saying how to make one, when
// setup.key is null: a daemon without a backup key writes no backup.
absl::StatusOr<v1::BackupInfo> WriteBackup(const Store& store, const BackupSetup& setup,
                                           v1::BackupInfo info);

// Reads the manifest in a backup file's header (no key needed). NotFound when
// `backup` is not a backup file; DataLoss when the manifest is malformed.
absl::StatusOr<v1::BackupInfo> ReadBackupManifest(const std::string& backup);

// Whether a process holds the database in `data_dir` open (RocksDB's LOCK file
// is locked). False when there is no database there.
bool DataDirInUse(const std::string& data_dir);

// Decrypts the backup's database with the key in `key_file`, checking every
// chunk, into a staging directory beside `data_dir` ("<data_dir>.restoring",
// replaced if left over by an interrupted restore) and returns its path.
// FailedPrecondition if a process uses `data_dir`, if no key file is given or
// it is readable by others, or if it holds another key than the backup's
// (naming both); DataLoss when the file was modified or truncated. On failure
// `data_dir` is untouched and no staging directory remains.
absl::StatusOr<std::string> UnpackBackupForRestore(const std::string& backup,
                                                   const std::string& key_file,
                                                   const std::string& data_dir);

// The message that tells an administrator how to make a backup key, for
// `daemon` ("comptoir-node" or "comptoir-hub").
std::string HowToMakeABackupKey(const std::string& daemon);

// Moves `data_dir` (if it exists) aside to "<data_dir>.before-restore-<time>"
// and `staged` into its place. Returns where the old data went ("" if there
// was none). FailedPrecondition if a process uses `data_dir`.
absl::StatusOr<std::string> SwapInRestored(const std::string& staged, const std::string& data_dir);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_BACKUP_H_
