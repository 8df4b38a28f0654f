// Backups of a daemon's database, and restoring one into a stopped daemon's
// data directory.
//
// A backup is a directory:
//   <backup>/db/                    a RocksDB checkpoint (Store::Checkpoint)
//   <backup>/comptoir-backup.txt    "key = value" lines describing it:
//       format = 1
//       kind = hub | node
//       site = hub | <site id>
//       created_unix_ms = ...
//       bytes = ...
//       hub_epoch = ... / log_head = ... / own_seq = ...
// The manifest is written last, so a backup without it is incomplete.
//
// Restoring (CopyBackupForRestore, then SwapInRestored) never deletes data:
// the directory being replaced is renamed to <data>.before-restore-<time>.
//
//   ASSIGN_OR_RETURN(v1::BackupInfo info, ReadBackupManifest(from));
//   ASSIGN_OR_RETURN(std::string staged, CopyBackupForRestore(from, data_dir));
//   ... open `staged`, mark it (new epoch / recovery), close it ...
//   ASSIGN_OR_RETURN(std::string kept, SwapInRestored(staged, data_dir));
#ifndef COMPTOIR_COMMON_BACKUP_H_
#define COMPTOIR_COMMON_BACKUP_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/store.h"
#include "comptoir/v1/ops.pb.h"

namespace comptoir {

// Writes a backup of `store` into info.dest_dir() (absolute, must not exist;
// its parent must), with the manifest completed from `info` (kind, site,
// epoch, heads) plus the time and size. The directory is made mode 0700 (it
// holds personal data). Safe while the store is in use.
absl::StatusOr<v1::BackupInfo> WriteBackup(const Store& store, v1::BackupInfo info);

// Reads <backup>/comptoir-backup.txt. NotFound when `backup_dir` is not a
// complete backup; DataLoss when the manifest is malformed.
absl::StatusOr<v1::BackupInfo> ReadBackupManifest(const std::string& backup_dir);

// Whether a process holds the database in `data_dir` open (RocksDB's LOCK file
// is locked). False when there is no database there.
bool DataDirInUse(const std::string& data_dir);

// Copies the backup's database to a staging directory beside `data_dir`
// ("<data_dir>.restoring", replaced if left over by an interrupted restore)
// and returns its path. FailedPrecondition if a process uses `data_dir`.
absl::StatusOr<std::string> CopyBackupForRestore(const std::string& backup_dir,
                                                 const std::string& data_dir);

// Moves `data_dir` (if it exists) aside to "<data_dir>.before-restore-<time>"
// and `staged` into its place. Returns where the old data went ("" if there
// was none). FailedPrecondition if a process uses `data_dir`.
absl::StatusOr<std::string> SwapInRestored(const std::string& staged, const std::string& data_dir);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_BACKUP_H_
