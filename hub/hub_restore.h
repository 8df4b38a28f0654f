// `comptoir-hub restore`: puts a backup (common/backup.h) in place of the
// stopped hub's data, with a new epoch, so that every centre re-sends what the
// backup lacks and re-pulls the log when it reconnects.
#ifndef COMPTOIR_HUB_HUB_RESTORE_H_
#define COMPTOIR_HUB_HUB_RESTORE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "comptoir/v1/ops.pb.h"

namespace comptoir {

// Restores the backup file `from`, decrypted with the key in `key_file`, into
// `data_dir` and draws the new epoch (*epoch). The hub must be stopped:
// FailedPrecondition while its database is in use, when `from` is a centre's
// backup, or for a missing, wrong or world-readable key; NotFound when `from`
// is not a backup file; DataLoss when it was modified or truncated (the data
// directory is then untouched). Returns where the replaced data was kept (""
// if none).
absl::StatusOr<std::string> RestoreHubData(const std::string& from, const std::string& key_file,
                                           const std::string& data_dir, v1::BackupInfo* info,
                                           uint64_t* epoch);

// The command: prints what was done, or the error; returns the exit status
// (0 done, 1 refused).
int RestoreHub(const std::string& from, const std::string& key_file,
               const std::string& data_dir);

}  // namespace comptoir

#endif  // COMPTOIR_HUB_HUB_RESTORE_H_
