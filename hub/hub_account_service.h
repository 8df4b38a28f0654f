// AccountService on the hub (proto/comptoir/v1/accounts.proto): head office's
// and statistics people log in there (others are refused at the door), and
// head office manages every account of the network while the hub runs, each
// change an event naming who made it. ListAudit is a centre's (its node).
// Thread-safe; nothing owned.
#ifndef COMPTOIR_HUB_HUB_ACCOUNT_SERVICE_H_
#define COMPTOIR_HUB_HUB_ACCOUNT_SERVICE_H_

#include "comptoir/v1/accounts.grpc.pb.h"
#include "hub/hub_gate.h"
#include "hub/hub_log.h"
#include "hub/sync_service.h"

namespace comptoir {

// Logs in at the hub: PermissionDenied (French) for accounts that are not
// head office's or statistics.
absl::StatusOr<Session> LogInAtHub(LoginDesk& desk, absl::string_view login,
                                   absl::string_view password);

// The account as people read it at the hub.
v1::AccountView HubAccountView(const LoginDesk& desk, const v1::AccountRecord& account);

class HubAccountServiceImpl final : public v1::AccountService::Service {
 public:
  HubAccountServiceImpl(HubLog* log, SyncServiceImpl* sync, HubGate gate)
      : log_(log), sync_(sync), gate_(gate) {}

  grpc::Status LogIn(grpc::ServerContext* context, const v1::LogInRequest* request,
                     v1::LogInResponse* response) override;
  grpc::Status LogOut(grpc::ServerContext* context, const v1::LogOutRequest* request,
                      v1::LogOutResponse* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                      v1::AccountView* response) override;
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

 private:
  // Appends `core` naming the caller, wakes the streams, and answers the
  // account as it now is.
  grpc::Status Write(const HubCaller& caller, v1::EventCore core, const std::string& account_id,
                     v1::AccountView* response);

  HubLog* log_;
  SyncServiceImpl* sync_;
  HubGate gate_;
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_HUB_ACCOUNT_SERVICE_H_
