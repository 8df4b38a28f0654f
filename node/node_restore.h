// `comptoir-node restore`: puts a backup (common/backup.h) in place of a
// stopped centre's data, marked so that the centre recovers its later history
// from the hub before its till records anything.
#ifndef COMPTOIR_NODE_NODE_RESTORE_H_
#define COMPTOIR_NODE_NODE_RESTORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "comptoir/v1/ops.pb.h"

namespace comptoir {

// Restores the backup file `from`, decrypted with the key in `key_file`, into
// *data_dir (empty: the default directory of the backup's site,
// comptoir-data/<site>, which is then stored there). The node must be
// stopped: FailedPrecondition while its database is in use, when `from` is a
// hub's backup, or for a missing, wrong or world-readable key; NotFound when
// `from` is not a backup file; DataLoss when it was modified or truncated
// (the data directory is then untouched). Returns where the replaced data was
// kept ("" if there was none).
absl::StatusOr<std::string> RestoreNodeData(const std::string& from, const std::string& key_file,
                                            std::string* data_dir, v1::BackupInfo* info);

// The command: prints what was done, or the error; returns the exit status
// (0 done, 1 refused).
int RestoreNode(const std::string& from, const std::string& key_file, std::string data_dir);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_NODE_RESTORE_H_
