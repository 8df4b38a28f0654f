// HubService: head office's API on the hub: status, sales view, and the
// network configuration (validated here, written as "hub" events naming the
// person who wrote them). Each call is answered only to a caller entitled to
// it (hub/hub_gate.h): the network's configuration and raw events to head
// office; status, health and sales to head office and statistics accounts;
// the catalogue, surplus, needs and transfers to those and to centres.
// Thread-safe; nothing owned.
#ifndef COMPTOIR_HUB_HUB_SERVICE_H_
#define COMPTOIR_HUB_HUB_SERVICE_H_

#include "comptoir/v1/hub.grpc.pb.h"
#include "hub/hub_gate.h"
#include "hub/hub_log.h"
#include "hub/sync_service.h"

namespace comptoir {

class HubServiceImpl final : public v1::HubService::Service {
 public:
  HubServiceImpl(HubLog* log, SyncServiceImpl* sync, HubGate gate)
      : log_(log), sync_(sync), gate_(gate) {}

  // What GetHubStatus and GetSyncHealth answer, for callers already entitled
  // (the dashboard checks its own sessions).
  absl::StatusOr<v1::HubStatus> Status() const;
  absl::StatusOr<v1::SyncHealth> SyncHealth() const;

  grpc::Status GetHubStatus(grpc::ServerContext* context, const v1::GetHubStatusRequest* request,
                            v1::HubStatus* response) override;
  grpc::Status GetSalesSummary(grpc::ServerContext* context,
                               const v1::GetSalesSummaryRequest* request,
                               v1::SalesSummary* response) override;
  // Raw events, personal parts included: head office only.
  grpc::Status ReadEvents(grpc::ServerContext* context, const v1::ReadEventsRequest* request,
                          v1::ReadEventsResponse* response) override;
  grpc::Status DefineDepartment(grpc::ServerContext* context, const v1::Department* request,
                                v1::Department* response) override;
  grpc::Status DefineProduct(grpc::ServerContext* context, const v1::Product* request,
                             v1::Product* response) override;
  grpc::Status DefinePrescriber(grpc::ServerContext* context, const v1::Prescriber* request,
                                v1::Prescriber* response) override;
  grpc::Status DefineDonor(grpc::ServerContext* context, const v1::Donor* request,
                           v1::Donor* response) override;
  grpc::Status GetCatalogue(grpc::ServerContext* context, const v1::GetCatalogueRequest* request,
                            v1::Catalogue* response) override;
  grpc::Status ListTransfers(grpc::ServerContext* context, const v1::ListTransfersRequest* request,
                             v1::ListTransfersResponse* response) override;
  grpc::Status ListSurplus(grpc::ServerContext* context, const v1::ListSurplusRequest* request,
                           v1::ListSurplusResponse* response) override;
  grpc::Status ListNeeds(grpc::ServerContext* context, const v1::ListNeedsRequest* request,
                         v1::ListNeedsResponse* response) override;
  grpc::Status GetSyncHealth(grpc::ServerContext* context, const v1::GetSyncHealthRequest* request,
                             v1::SyncHealth* response) override;

 private:
  // Appends a configuration event naming the caller and wakes the streams so
  // centres get it now. PERMISSION_DENIED unless the caller is head office.
  grpc::Status Publish(const grpc::ServerContext* context, v1::EventCore core);

  HubLog* log_;
  SyncServiceImpl* sync_;
  HubGate gate_;
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_HUB_SERVICE_H_
