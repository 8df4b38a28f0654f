#include "hub/hub_account_service.h"

#include <optional>

#include "common/account_view.h"
#include "common/authority.h"
#include "common/grpc_status.h"
#include "common/password.h"
#include "common/status_macros.h"
#include "hub/hub_accounts.h"

namespace comptoir {

absl::StatusOr<Session> LogInAtHub(LoginDesk& desk, absl::string_view login,
                                   absl::string_view password) {
  ASSIGN_OR_RETURN(Session session, desk.LogIn(login, password));
  if (session.role == v1::HEAD_OFFICE || session.role == v1::STATISTICS) return session;
  desk.LogOut(session.token);
  return absl::PermissionDeniedError(
      "Le siège est réservé aux comptes du siège et des statistiques : un bénévole ou un "
      "coordinateur se connecte à la caisse de son centre.");
}

v1::AccountView HubAccountView(const LoginDesk& desk, const v1::AccountRecord& account) {
  v1::AccountView view;
  view.set_account_id(account.account_id());
  view.set_login(desk.DisplayLogin(account));
  view.set_role(account.role());
  view.set_role_name(std::string(RoleName(account.role())));
  view.set_site(account.site());
  view.set_disabled(account.disabled());
  return view;
}

grpc::Status HubAccountServiceImpl::LogIn(grpc::ServerContext*, const v1::LogInRequest* request,
                                          v1::LogInResponse* response) {
  absl::StatusOr<Session> session =
      LogInAtHub(*gate_.desk(), request->login(), request->password());
  if (!session.ok()) return ToGrpcStatus(session.status());
  response->set_token(session->token);
  response->set_expires_ms(session->expires_ms);
  response->set_csrf_token(session->csrf);
  absl::StatusOr<std::optional<v1::AccountRecord>> account =
      FindAccount(log_->store(), session->account_id);
  if (account.ok() && account->has_value()) {
    *response->mutable_account() = HubAccountView(*gate_.desk(), **account);
  }
  return grpc::Status::OK;
}

grpc::Status HubAccountServiceImpl::LogOut(grpc::ServerContext* context,
                                           const v1::LogOutRequest*, v1::LogOutResponse*) {
  absl::StatusOr<HubCaller> caller = gate_.Caller(*context);
  if (caller.ok() && caller->person) gate_.desk()->LogOut(caller->session.token);
  return grpc::Status::OK;
}

grpc::Status HubAccountServiceImpl::WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                                           v1::AccountView* response) {
  absl::StatusOr<HubCaller> caller = gate_.Caller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (!caller->person) {
    response->set_login(caller->centre);
    response->set_role_name("centre");
    response->set_site(caller->centre);
    return grpc::Status::OK;
  }
  absl::StatusOr<std::optional<v1::AccountRecord>> account =
      FindAccount(log_->store(), caller->session.account_id);
  if (!account.ok()) return ToGrpcStatus(account.status());
  if (account->has_value()) {
    *response = HubAccountView(*gate_.desk(), **account);
    return grpc::Status::OK;
  }
  response->set_account_id(caller->session.account_id);
  response->set_login(caller->session.login);
  response->set_role(caller->session.role);
  response->set_role_name("administrateur du siège");
  response->set_site(std::string(kHeadOfficeOrigin));
  return grpc::Status::OK;
}

grpc::Status HubAccountServiceImpl::ListAccounts(grpc::ServerContext* context,
                                                 const v1::ListAccountsRequest*,
                                                 v1::ListAccountsResponse* response) {
  absl::StatusOr<HubCaller> caller = gate_.Entitled(*context, Action::kNetworkAccounts);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<std::vector<v1::AccountRecord>> accounts = AllAccounts(log_->store());
  if (!accounts.ok()) return ToGrpcStatus(accounts.status());
  for (const v1::AccountRecord& account : *accounts) {
    *response->add_accounts() = HubAccountView(*gate_.desk(), account);
  }
  return grpc::Status::OK;
}

grpc::Status HubAccountServiceImpl::CreateAccount(grpc::ServerContext* context,
                                                  const v1::CreateAccountRequest* request,
                                                  v1::AccountView* response) {
  absl::StatusOr<HubCaller> caller = gate_.Entitled(*context, Action::kNetworkAccounts);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const std::string site =
      request->site().empty() ? std::string(kHeadOfficeOrigin) : request->site();
  absl::StatusOr<v1::AccountRecord> account =
      CreateAccountAtHub(*log_, request->login(), request->role(), site, request->password(),
                         caller->operator_id());
  if (!account.ok()) return ToGrpcStatus(account.status());
  sync_->WakeAll();
  *response = HubAccountView(*gate_.desk(), *account);
  return grpc::Status::OK;
}

grpc::Status HubAccountServiceImpl::ChangeAccount(grpc::ServerContext* context,
                                                  const v1::ChangeAccountRequest* request,
                                                  v1::AccountView* response) {
  absl::StatusOr<HubCaller> caller = gate_.Entitled(*context, Action::kNetworkAccounts);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (request->account_id() == caller->operator_id() && request->disabled()) {
    return ToGrpcStatus(
        absl::FailedPreconditionError("Vous ne pouvez pas désactiver votre propre compte."));
  }
  v1::EventCore core;
  v1::AccountChanged* changed = core.mutable_account_changed();
  changed->set_account_id(request->account_id());
  if (request->has_role()) changed->set_role(request->role());
  if (request->has_disabled()) changed->set_disabled(request->disabled());
  return Write(*caller, std::move(core), request->account_id(), response);
}

grpc::Status HubAccountServiceImpl::SetPassword(grpc::ServerContext* context,
                                                const v1::SetPasswordRequest* request,
                                                v1::AccountView* response) {
  absl::StatusOr<HubCaller> caller = gate_.Caller(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const std::string target =
      request->account_id().empty() ? caller->operator_id() : request->account_id();
  absl::Status may = caller->May(target == caller->operator_id() ? Action::kOwnPassword
                                                                 : Action::kNetworkAccounts);
  if (!may.ok()) return ToGrpcStatus(may);
  absl::StatusOr<std::string> hash = HashPassword(request->password());
  if (!hash.ok()) return ToGrpcStatus(hash.status());
  v1::EventCore core;
  core.mutable_password_set()->set_account_id(target);
  core.mutable_password_set()->set_password_hash(*hash);
  return Write(*caller, std::move(core), target, response);
}

grpc::Status HubAccountServiceImpl::Write(const HubCaller& caller, v1::EventCore core,
                                          const std::string& account_id,
                                          v1::AccountView* response) {
  absl::StatusOr<std::optional<v1::AccountRecord>> before =
      FindAccount(log_->store(), account_id);
  if (!before.ok()) return ToGrpcStatus(before.status());
  if (!before->has_value()) {
    return ToGrpcStatus(absl::NotFoundError("Aucun compte ne porte cet identifiant."));
  }
  core.set_operator_id(caller.operator_id());
  absl::StatusOr<DecodedEvent> event = log_->AppendOwn(std::move(core));
  if (!event.ok()) return ToGrpcStatus(event.status());
  sync_->WakeAll();
  absl::StatusOr<std::optional<v1::AccountRecord>> after = FindAccount(log_->store(), account_id);
  if (!after.ok()) return ToGrpcStatus(after.status());
  if (after->has_value()) *response = HubAccountView(*gate_.desk(), **after);
  return grpc::Status::OK;
}

}  // namespace comptoir
