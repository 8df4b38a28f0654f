#include "hub/hub_service.h"

#include "common/grpc_status.h"

namespace comptoir {

grpc::Status HubServiceImpl::GetHubStatus(grpc::ServerContext*, const v1::GetHubStatusRequest*,
                                          v1::HubStatus* response) {
  absl::StatusOr<v1::HubStatus> status = log_->Status();
  if (!status.ok()) return ToGrpcStatus(status.status());
  *response = *std::move(status);
  for (std::string& site : sync_->ConnectedSites()) response->add_connected_sites(std::move(site));
  return grpc::Status::OK;
}

grpc::Status HubServiceImpl::GetSalesSummary(grpc::ServerContext*,
                                             const v1::GetSalesSummaryRequest*,
                                             v1::SalesSummary* response) {
  absl::StatusOr<v1::SalesSummary> sales = log_->Sales();
  if (!sales.ok()) return ToGrpcStatus(sales.status());
  *response = *std::move(sales);
  return grpc::Status::OK;
}

}  // namespace comptoir
