// The node's gRPC services: TillService (the till), AccountService (logging
// in, the centre's accounts, the audit trail) and NodeService (its state).
// Thin adapters over Till, AccountDesk, NodeStore and SyncClient; each call
// is made for the caller its SessionGate names (session_gate.h), whose role
// must allow it (common/roles.h). Thread-safe; nothing owned.
#ifndef COMPTOIR_NODE_TILL_SERVICE_H_
#define COMPTOIR_NODE_TILL_SERVICE_H_

#include "comptoir/v1/accounts.grpc.pb.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "node/account_desk.h"
#include "node/node_store.h"
#include "node/session_gate.h"
#include "node/sync_client.h"
#include "node/till.h"
#include "node/till_rpcs.h"

namespace comptoir {

class TillServiceImpl final : public v1::TillService::Service {
 public:
  TillServiceImpl(Till* till, SessionGate gate) : till_(till), gate_(gate) {}

#define COMPTOIR_TILL_RPC(Name, Request, Response, Act) \
  grpc::Status Name(grpc::ServerContext*, const v1::Request* request, v1::Response* response) override;
  COMPTOIR_TILL_RPCS(COMPTOIR_TILL_RPC)
#undef COMPTOIR_TILL_RPC

 private:
  Till* till_;
  SessionGate gate_;
};

class AccountServiceImpl final : public v1::AccountService::Service {
 public:
  AccountServiceImpl(AccountDesk* desk, SessionGate gate) : desk_(desk), gate_(gate) {}

  grpc::Status LogIn(grpc::ServerContext* context, const v1::LogInRequest* request,
                     v1::LogInResponse* response) override;
  grpc::Status LogOut(grpc::ServerContext* context, const v1::LogOutRequest* request,
                      v1::LogOutResponse* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                      v1::AccountView* response) override;
  grpc::Status GetSession(grpc::ServerContext* context, const v1::GetSessionRequest* request,
                          v1::LogInResponse* response) override;
  grpc::Status ListAccounts(grpc::ServerContext* context, const v1::ListAccountsRequest* request,
                            v1::ListAccountsResponse* response) override;
  grpc::Status CreateAccount(grpc::ServerContext* context,
                             const v1::CreateAccountRequest* request,
                             v1::AccountView* response) override;
  grpc::Status ChangeAccount(grpc::ServerContext* context,
                             const v1::ChangeAccountRequest* request,
                             v1::AccountView* response) override;
  grpc::Status SetPassword(grpc::ServerContext* context, const v1::SetPasswordRequest* request,
                           v1::AccountView* response) override;
  grpc::Status ListAudit(grpc::ServerContext* context, const v1::ListAuditRequest* request,
                         v1::ListAuditResponse* response) override;

 private:
  AccountDesk* desk_;
  SessionGate gate_;
};

class NodeServiceImpl final : public v1::NodeService::Service {
 public:
  // `sync` may be null (no hub configured).
  NodeServiceImpl(NodeStore* store, SyncClient* sync, SessionGate gate)
      : store_(store), sync_(sync), gate_(gate) {}
  // Anyone logged in.
  grpc::Status GetSyncStatus(grpc::ServerContext* context, const v1::GetSyncStatusRequest* request,
                             v1::SyncStatus* response) override;
  // Raw events: head office and the administrator (Action::kRawEvents).
  grpc::Status ReadEvents(grpc::ServerContext* context, const v1::ReadEventsRequest* request,
                          v1::ReadEventsResponse* response) override;
  // Coordinators (Action::kAudit).
  grpc::Status GetSalesSummary(grpc::ServerContext* context,
                               const v1::GetSalesSummaryRequest* request,
                               v1::SalesSummary* response) override;

 private:
  NodeStore* store_;
  SyncClient* sync_;
  SessionGate gate_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_TILL_SERVICE_H_
