#include "node/till_service.h"

#include "common/grpc_status.h"
#include "common/keys.h"
#include "node/sync_status.h"

namespace comptoir {

#define COMPTOIR_TILL_RPC(Name, Request, Response)                                     \
  grpc::Status TillServiceImpl::Name(grpc::ServerContext*, const v1::Request* request, \
                                     v1::Response* response) {                         \
    return Answer(InvokeTill(till_, *request, &Till::Name), response);                 \
  }
COMPTOIR_TILL_RPCS(COMPTOIR_TILL_RPC)
#undef COMPTOIR_TILL_RPC

grpc::Status NodeServiceImpl::GetSyncStatus(grpc::ServerContext*, const v1::GetSyncStatusRequest*,
                                            v1::SyncStatus* response) {
  return Answer(CurrentSyncStatus(*store_, sync_), response);
}

grpc::Status NodeServiceImpl::ReadEvents(grpc::ServerContext*, const v1::ReadEventsRequest* request,
                                         v1::ReadEventsResponse* response) {
  return Answer(AnswerReadEvents(store_->events(), *request), response);
}

grpc::Status NodeServiceImpl::GetSalesSummary(grpc::ServerContext*,
                                              const v1::GetSalesSummaryRequest*,
                                              v1::SalesSummary* response) {
  return Answer(store_->Sales(), response);
}

}  // namespace comptoir
