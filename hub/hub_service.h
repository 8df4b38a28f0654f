// HubService: head office's read-only view of the hub (status, sales view).
// Thread-safe; `log` and `sync` are not owned.
#ifndef COMPTOIR_HUB_HUB_SERVICE_H_
#define COMPTOIR_HUB_HUB_SERVICE_H_

#include "comptoir/v1/hub.grpc.pb.h"
#include "hub/hub_log.h"
#include "hub/sync_service.h"

namespace comptoir {

class HubServiceImpl final : public v1::HubService::Service {
 public:
  HubServiceImpl(HubLog* log, SyncServiceImpl* sync) : log_(log), sync_(sync) {}

  grpc::Status GetHubStatus(grpc::ServerContext* context, const v1::GetHubStatusRequest* request,
                            v1::HubStatus* response) override;
  grpc::Status GetSalesSummary(grpc::ServerContext* context,
                               const v1::GetSalesSummaryRequest* request,
                               v1::SalesSummary* response) override;

 private:
  HubLog* log_;
  SyncServiceImpl* sync_;
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_HUB_SERVICE_H_
