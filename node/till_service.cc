#include "node/till_service.h"

#include "common/grpc_status.h"
#include "common/keys.h"
#include "common/roles.h"
#include "common/status_macros.h"
#include "node/sync_status.h"

namespace comptoir {
namespace {

// The caller, if their role may do `action`.
absl::StatusOr<Session> Entitled(const SessionGate& gate, const grpc::ServerContext& context,
                                 Action action) {
  ASSIGN_OR_RETURN(Session caller, gate.Caller(context));
  if (!RoleMay(caller.role, action)) return Refusal(caller.role, action);
  return caller;
}

}  // namespace

#define COMPTOIR_TILL_RPC(Name, Request, Response, Act)                                        \
  grpc::Status TillServiceImpl::Name(grpc::ServerContext* context, const v1::Request* request, \
                                     v1::Response* response) {                                 \
    absl::StatusOr<Session> caller = gate_.Caller(*context);                                   \
    if (!caller.ok()) return ToGrpcStatus(caller.status());                                    \
    return Answer(InvokeTillFor(*till_, *caller, Action::Act, *request, &Till::Name), response); \
  }
COMPTOIR_TILL_RPCS(COMPTOIR_TILL_RPC)
#undef COMPTOIR_TILL_RPC

grpc::Status AccountServiceImpl::LogIn(grpc::ServerContext*, const v1::LogInRequest* request,
                                       v1::LogInResponse* response) {
  return Answer(desk_->LogIn(*request), response);
}

grpc::Status AccountServiceImpl::LogOut(grpc::ServerContext* context, const v1::LogOutRequest*,
                                        v1::LogOutResponse*) {
  desk_->accounts()->LogOut(SessionGate::TokenOf(*context));
  return grpc::Status::OK;
}

// The calls made for a caller: Method(caller) or Method(caller, request).
#define COMPTOIR_ACCOUNT_CALL(Name, Request, Response, ...)                                    \
  grpc::Status AccountServiceImpl::Name(grpc::ServerContext* context,                          \
                                        const v1::Request* request, v1::Response* response) {  \
    absl::StatusOr<Session> caller = gate_.Caller(*context);                                   \
    if (!caller.ok()) return ToGrpcStatus(caller.status());                                    \
    (void)request;                                                                             \
    return Answer(desk_->Name(*caller __VA_ARGS__), response);                                 \
  }
COMPTOIR_ACCOUNT_CALL(WhoAmI, WhoAmIRequest, AccountView)
COMPTOIR_ACCOUNT_CALL(GetSession, GetSessionRequest, LogInResponse)
COMPTOIR_ACCOUNT_CALL(ListAccounts, ListAccountsRequest, ListAccountsResponse)
COMPTOIR_ACCOUNT_CALL(CreateAccount, CreateAccountRequest, AccountView, , *request)
COMPTOIR_ACCOUNT_CALL(ChangeAccount, ChangeAccountRequest, AccountView, , *request)
COMPTOIR_ACCOUNT_CALL(SetPassword, SetPasswordRequest, AccountView, , *request)
COMPTOIR_ACCOUNT_CALL(ListAudit, ListAuditRequest, ListAuditResponse, , *request)
#undef COMPTOIR_ACCOUNT_CALL

grpc::Status NodeServiceImpl::GetSyncStatus(grpc::ServerContext* context,
                                            const v1::GetSyncStatusRequest*,
                                            v1::SyncStatus* response) {
  absl::StatusOr<Session> caller = gate_.Caller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Answer(CurrentSyncStatus(*store_, sync_), response);
}

grpc::Status NodeServiceImpl::ReadEvents(grpc::ServerContext* context,
                                         const v1::ReadEventsRequest* request,
                                         v1::ReadEventsResponse* response) {
  absl::StatusOr<Session> caller = Entitled(gate_, *context, Action::kRawEvents);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Answer(AnswerReadEvents(store_->events(), *request), response);
}

grpc::Status NodeServiceImpl::GetSalesSummary(grpc::ServerContext* context,
                                              const v1::GetSalesSummaryRequest*,
                                              v1::SalesSummary* response) {
  absl::StatusOr<Session> caller = Entitled(gate_, *context, Action::kAudit);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Answer(store_->Sales(), response);
}

}  // namespace comptoir
