#include "hub/hub_restore.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/backup.h"
#include "common/erasure.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "hub/hub_log.h"

namespace comptoir {

// Restores a backup into data_dir (the hub must be stopped) and draws a new
// epoch in the restored copy, so that every centre re-sends what the backup
// lacks and re-pulls the log. Returns where the replaced data was kept.
absl::StatusOr<std::string> RestoreHubData(const std::string& from, const std::string& key_file,
                                           const std::string& data_dir,
                                           v1::BackupInfo* info, uint64_t* epoch) {
  ASSIGN_OR_RETURN(*info, ReadBackupManifest(from));
  if (info->kind() != "hub") {
    return absl::FailedPreconditionError(
        absl::StrCat(from, " is a backup of centre ", info->site(), ", not of the hub"));
  }
  ASSIGN_OR_RETURN(std::string staged, UnpackBackupForRestore(from, key_file, data_dir));
  {
    // The erasures the hub applied since the backup are applied to it before
    // the swap: a restored hub never brings an erased name back.
    ASSIGN_OR_RETURN(std::unique_ptr<HubLog> log,
                     HubLog::Open(staged, /*new_epoch=*/true, nullptr,
                                  ErasureRegisterPath(data_dir)));
    *epoch = log->Epoch();
  }
  return SwapInRestored(staged, data_dir);
}

// comptoir-hub restore: exit status 0 done, 1 refused.
int RestoreHub(const std::string& from, const std::string& key_file,
               const std::string& data_dir) {
  SetLogTag("hub");
  v1::BackupInfo info;
  uint64_t epoch = 0;
  absl::StatusOr<std::string> kept = RestoreHubData(from, key_file, data_dir, &info, &epoch);
  if (!kept.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(kept.status().message()).c_str());
    return 1;
  }
  std::printf("hub data in %s restored from %s (log head %llu at the backup); new epoch %llu: "
              "every centre re-sends what the backup lacks when it reconnects\n",
              data_dir.c_str(), from.c_str(), static_cast<unsigned long long>(info.log_head()),
              static_cast<unsigned long long>(epoch));
  if (!kept->empty()) std::printf("the previous data was kept in %s\n", kept->c_str());
  return 0;
}

}  // namespace comptoir
