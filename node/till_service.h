// The node's gRPC services: TillService (the till) and NodeService (its state).
// Thin adapters over NodeStore and SyncClient. Thread-safe; nothing owned.
#ifndef COMPTOIR_NODE_TILL_SERVICE_H_
#define COMPTOIR_NODE_TILL_SERVICE_H_

#include "comptoir/v1/till.grpc.pb.h"
#include "node/node_store.h"
#include "node/sync_client.h"
#include "node/till.h"

namespace comptoir {

class TillServiceImpl final : public v1::TillService::Service {
 public:
  explicit TillServiceImpl(Till* till) : till_(till) {}

#define COMPTOIR_TILL_RPC(Name, Request, Response) \
  grpc::Status Name(grpc::ServerContext*, const v1::Request* request, v1::Response* response) override;
  COMPTOIR_TILL_RPC(RecordSale, RecordSaleRequest, RecordSaleResponse)
  COMPTOIR_TILL_RPC(VoidSale, VoidSaleRequest, VoidSaleResponse)
  COMPTOIR_TILL_RPC(GetReceipt, GetReceiptRequest, Receipt)
  COMPTOIR_TILL_RPC(RegisterFamily, RegisterFamilyRequest, FamilyView)
  COMPTOIR_TILL_RPC(UpdateFamily, UpdateFamilyRequest, FamilyView)
  COMPTOIR_TILL_RPC(GetFamily, GetFamilyRequest, FamilyView)
  COMPTOIR_TILL_RPC(SearchFamilies, SearchFamiliesRequest, SearchFamiliesResponse)
  COMPTOIR_TILL_RPC(GrantReferral, GrantReferralRequest, ReferralView)
  COMPTOIR_TILL_RPC(RenewReferral, RenewReferralRequest, ReferralView)
  COMPTOIR_TILL_RPC(EndReferral, EndReferralRequest, ReferralView)
  COMPTOIR_TILL_RPC(GetCatalogue, GetCatalogueRequest, Catalogue)
  COMPTOIR_TILL_RPC(DefineLocalProduct, DefineLocalProductRequest, Product)
  COMPTOIR_TILL_RPC(ReceiveStock, ReceiveStockRequest, Lot)
  COMPTOIR_TILL_RPC(AdjustStock, AdjustStockRequest, StockLevel)
  COMPTOIR_TILL_RPC(GetStock, GetStockRequest, StockReport)
  COMPTOIR_TILL_RPC(ListDonors, ListDonorsRequest, DonorReport)
  COMPTOIR_TILL_RPC(ScheduleWorkshop, ScheduleWorkshopRequest, WorkshopView)
  COMPTOIR_TILL_RPC(RegisterForWorkshop, WorkshopMemberRequest, WorkshopView)
  COMPTOIR_TILL_RPC(RecordAttendance, RecordAttendanceRequest, WorkshopView)
  COMPTOIR_TILL_RPC(ListWorkshops, ListWorkshopsRequest, ListWorkshopsResponse)
#undef COMPTOIR_TILL_RPC

 private:
  Till* till_;
};

class NodeServiceImpl final : public v1::NodeService::Service {
 public:
  // `sync` may be null (no hub configured).
  NodeServiceImpl(NodeStore* store, SyncClient* sync) : store_(store), sync_(sync) {}
  grpc::Status GetSyncStatus(grpc::ServerContext* context, const v1::GetSyncStatusRequest* request,
                             v1::SyncStatus* response) override;
  grpc::Status ReadEvents(grpc::ServerContext* context, const v1::ReadEventsRequest* request,
                          v1::ReadEventsResponse* response) override;
  grpc::Status GetSalesSummary(grpc::ServerContext* context,
                               const v1::GetSalesSummaryRequest* request,
                               v1::SalesSummary* response) override;

 private:
  NodeStore* store_;
  SyncClient* sync_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_TILL_SERVICE_H_
