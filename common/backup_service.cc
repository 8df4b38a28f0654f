#include "common/backup_service.h"

#include "common/backup.h"
#include "common/grpc_status.h"
#include "common/logging.h"

namespace comptoir {

grpc::Status BackupServiceImpl::CreateBackup(grpc::ServerContext*,
                                             const v1::CreateBackupRequest* request,
                                             v1::BackupInfo* response) {
  std::lock_guard<std::mutex> lock(mu_);
  v1::BackupInfo info = describe_();
  info.set_dest(request->dest());
  absl::StatusOr<v1::BackupInfo> written = WriteBackup(*store_, setup_, std::move(info));
  if (written.ok()) {
    LogInfo("backup written to ", written->dest(), " (", written->bytes(), " bytes)");
  } else {
    LogWarning("backup to ", request->dest(), " failed: ", written.status().message());
  }
  return Answer(std::move(written), response);
}

}  // namespace comptoir
