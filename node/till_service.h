// The node's gRPC services: TillService (the till) and NodeService (its state).
// Thin adapters over NodeStore and SyncClient. Thread-safe; nothing owned.
#ifndef COMPTOIR_NODE_TILL_SERVICE_H_
#define COMPTOIR_NODE_TILL_SERVICE_H_

#include "comptoir/v1/till.grpc.pb.h"
#include "node/node_store.h"
#include "node/sync_client.h"
#include "node/till.h"
#include "node/till_rpcs.h"

namespace comptoir {

class TillServiceImpl final : public v1::TillService::Service {
 public:
  explicit TillServiceImpl(Till* till) : till_(till) {}

#define COMPTOIR_TILL_RPC(Name, Request, Response) \
  grpc::Status Name(grpc::ServerContext*, const v1::Request* request, v1::Response* response) override;
  COMPTOIR_TILL_RPCS(COMPTOIR_TILL_RPC)
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
