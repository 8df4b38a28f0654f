// BackupService (proto/comptoir/v1/ops.proto) for either daemon: an online,
// consistent, encrypted copy of the daemon's database into a file of its
// machine. The gRPC adapter around WriteBackup (common/backup.h).
//
//   BackupServiceImpl backups(&hub_log->store(), {key.get(), data_dir + ".backup-checkpoint"},
//                             [&] { ...fill kind, site, heads... });
//   StartAdminSocket(path, {&backups, ...}, setup);
//
// A backup writes on the daemon's disk and copies personal data: the daemons
// serve this service on their administrator's Unix socket only
// (common/daemon.h, StartAdminSocket), never over TCP.
// Thread-safe; one backup runs at a time (a second waits for the first).
#ifndef COMPTOIR_COMMON_BACKUP_SERVICE_H_
#define COMPTOIR_COMMON_BACKUP_SERVICE_H_

#include <functional>
#include <mutex>

#include "common/backup.h"
#include "common/store.h"
#include "comptoir/v1/ops.grpc.pb.h"

namespace comptoir {

class BackupServiceImpl final : public v1::BackupService::Service {
 public:
  // `describe` fills kind, site and heads just before each backup (it may be
  // called from any thread). `store` and setup.key (null: backups are refused,
  // saying how to make a key) are not owned and must outlive the service.
  BackupServiceImpl(const Store* store, BackupSetup setup,
                    std::function<v1::BackupInfo()> describe)
      : store_(store), setup_(std::move(setup)), describe_(std::move(describe)) {}

  grpc::Status CreateBackup(grpc::ServerContext* context, const v1::CreateBackupRequest* request,
                            v1::BackupInfo* response) override;

 private:
  const Store* store_;
  const BackupSetup setup_;
  std::function<v1::BackupInfo()> describe_;
  std::mutex mu_;  // one backup at a time
};

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_BACKUP_SERVICE_H_
