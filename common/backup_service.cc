#include "common/backup_service.h"

#include "common/backup.h"
#include "common/grpc_status.h"
#include "common/local_peer.h"
#include "common/logging.h"

namespace comptoir {

grpc::Status BackupServiceImpl::CreateBackup(grpc::ServerContext* context,
                                             const v1::CreateBackupRequest* request,
                                             v1::BackupInfo* response) {
  // A backup writes on the daemon's disk: only its own machine may ask.
  grpc::Status local = RequireLocalPeer(context, "a backup");
  if (!local.ok()) {
    LogWarning("backup refused to ", context->peer(), ": not a local client");
    return local;
  }
  std::lock_guard<std::mutex> lock(mu_);
  v1::BackupInfo info = describe_();
  info.set_dest_dir(request->dest_dir());
  absl::StatusOr<v1::BackupInfo> written = WriteBackup(*store_, std::move(info));
  if (written.ok()) {
    LogInfo("backup written to ", written->dest_dir(), " (", written->bytes(), " bytes)");
  } else {
    LogWarning("backup to ", request->dest_dir(), " failed: ", written.status().message());
  }
  return Answer(std::move(written), response);
}

}  // namespace comptoir
