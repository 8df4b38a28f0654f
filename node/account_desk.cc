#include "node/account_desk.h"

#include <optional>

#include "common/account_view.h"
#include "common/roles.h"
#include "common/status_macros.h"
#include "node/audit.h"

namespace comptoir {

v1::AccountView AccountDesk::View(const v1::AccountRecord& account) const {
  v1::AccountView view;
  view.set_account_id(account.account_id());
  view.set_login(accounts_->DisplayLogin(account));
  view.set_role(account.role());
  view.set_role_name(std::string(RoleName(account.role())));
  view.set_site(account.site());
  view.set_disabled(account.disabled());
  return view;
}

absl::StatusOr<v1::LogInResponse> AccountDesk::LogIn(const v1::LogInRequest& request) {
  ASSIGN_OR_RETURN(Session session, accounts_->LogIn(request.login(), request.password()));
  v1::LogInResponse response;
  ASSIGN_OR_RETURN(response, GetSession(session));
  response.set_token(session.token);
  return response;
}

absl::StatusOr<v1::LogInResponse> AccountDesk::GetSession(const Session& caller) {
  v1::LogInResponse response;
  response.set_expires_ms(caller.expires_ms);
  response.set_csrf_token(caller.csrf);
  ASSIGN_OR_RETURN(*response.mutable_account(), WhoAmI(caller));
  return response;
}

absl::StatusOr<v1::AccountView> AccountDesk::WhoAmI(const Session& caller) {
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> account,
                   FindAccount(node_->store(), caller.account_id));
  if (account.has_value()) return View(*account);
  // The machine's administrator has no account record.
  v1::AccountView view;
  view.set_account_id(caller.account_id);
  view.set_login(caller.login);
  view.set_role(caller.role);
  view.set_role_name(IsAdministratorId(caller.account_id) ? "administrateur du poste"
                                                          : std::string(RoleName(caller.role)));
  view.set_site(node_->Site());
  return view;
}

absl::StatusOr<v1::ListAccountsResponse> AccountDesk::ListAccounts(const Session& caller) {
  ASSIGN_OR_RETURN(std::vector<v1::AccountRecord> accounts, accounts_->ListAccounts(caller));
  v1::ListAccountsResponse response;
  for (const v1::AccountRecord& account : accounts) *response.add_accounts() = View(account);
  return response;
}

absl::StatusOr<v1::AccountView> AccountDesk::CreateAccount(
    const Session& caller, const v1::CreateAccountRequest& request) {
  ASSIGN_OR_RETURN(v1::AccountRecord account,
                   accounts_->CreateAccount(request.login(), request.role(), request.password(),
                                            caller));
  return View(account);
}

absl::StatusOr<v1::AccountView> AccountDesk::ChangeAccount(
    const Session& caller, const v1::ChangeAccountRequest& request) {
  ASSIGN_OR_RETURN(
      v1::AccountRecord account,
      accounts_->ChangeAccount(
          request.account_id(),
          request.has_role() ? std::optional<v1::Role>(request.role()) : std::nullopt,
          request.has_disabled() ? std::optional<bool>(request.disabled()) : std::nullopt,
          caller));
  return View(account);
}

absl::StatusOr<v1::AccountView> AccountDesk::SetPassword(const Session& caller,
                                                         const v1::SetPasswordRequest& request) {
  ASSIGN_OR_RETURN(v1::AccountRecord account,
                   accounts_->SetPassword(request.account_id(), request.password(), caller));
  return View(account);
}

absl::StatusOr<v1::ListAuditResponse> AccountDesk::ListAudit(const Session& caller,
                                                             const v1::ListAuditRequest& request) {
  if (!RoleMay(caller.role, Action::kAudit)) return Refusal(caller.role, Action::kAudit);
  return comptoir::ListAudit(*node_, *accounts_, request);
}

}  // namespace comptoir
