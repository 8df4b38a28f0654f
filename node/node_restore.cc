#include "node/node_restore.h"

#include <cstdio>

#include "common/backup.h"
#include "common/erasure.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "node/node_store.h"

namespace comptoir {

// Restores a backup into *data_dir (the node must be stopped; empty: the
// default directory of the backup's site) and marks the restored copy as
// recovering: at its next start the node gets from the hub the events it
// wrote after the backup, and refuses new records until then, so it never
// writes a seq number twice. Returns where the replaced data was kept.
absl::StatusOr<std::string> RestoreNodeData(const std::string& from, const std::string& key_file,
                                            std::string* data_dir,
                                            v1::BackupInfo* info) {
  ASSIGN_OR_RETURN(*info, ReadBackupManifest(from));
  if (info->kind() != "node") {
    return absl::FailedPreconditionError(from + " is a backup of the hub, not of a centre");
  }
  SetLogTag(info->site());
  if (data_dir->empty()) *data_dir = "comptoir-data/" + info->site();
  ASSIGN_OR_RETURN(std::string staged, UnpackBackupForRestore(from, key_file, *data_dir));
  {
    NodeStore::Options options;
    options.site = info->site();
    options.dir = staged;
    options.recover_from_hub = true;
    // The erasures this centre applied since the backup are applied to it
    // before the swap: a restored centre never brings an erased name back.
    options.erasure_register = ErasureRegisterPath(*data_dir);
    ASSIGN_OR_RETURN(std::unique_ptr<NodeStore> store,
                     NodeStore::Open(options));
  }
  return SwapInRestored(staged, *data_dir);
}

// comptoir-node restore: exit status 0 done, 1 refused.
int RestoreNode(const std::string& from, const std::string& key_file, std::string data_dir) {
  v1::BackupInfo info;
  absl::StatusOr<std::string> kept = RestoreNodeData(from, key_file, &data_dir, &info);
  if (!kept.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(kept.status().message()).c_str());
    return 1;
  }
  std::printf("%s data in %s restored from %s (own seq %llu at the backup); at its next start "
              "it gets the rest of its history back from the hub before the till records "
              "anything\n",
              info.site().c_str(), data_dir.c_str(), from.c_str(),
              static_cast<unsigned long long>(info.own_seq()));
  if (!kept->empty()) std::printf("the previous data was kept in %s\n", kept->c_str());
  return 0;
}

}  // namespace comptoir
