#include "node/accounts.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/account_view.h"
#include "common/ids.h"
#include "common/password.h"
#include "common/roles.h"
#include "common/status_macros.h"

namespace comptoir {

Accounts::Accounts(NodeStore* node, HybridClock::PhysicalClock clock)
    : node_(node), desk_(node->writable_store(), node->Site(), std::move(clock)) {}

Session Accounts::Administrator() const {
  Session session;
  session.account_id = AdministratorId(node_->card_prefix());
  session.login = "administrateur";
  session.role = v1::HEAD_OFFICE;
  session.expires_ms = std::numeric_limits<int64_t>::max();
  return session;
}

absl::StatusOr<v1::AccountRecord> Accounts::CreateAccount(absl::string_view login, v1::Role role,
                                                          absl::string_view password,
                                                          const Session& by) {
  if (!RoleMay(by.role, Action::kCentreAccounts)) return Refusal(by.role, Action::kCentreAccounts);
  if (!IsValidLogin(login)) {
    return absl::InvalidArgumentError(
        "Identifiant invalide : 1 à 64 lettres minuscules, chiffres, « . », « _ » ou « - ».");
  }
  if (role != v1::VOLUNTEER && role != v1::COORDINATOR) {
    return absl::PermissionDeniedError(
        "Un centre crée des comptes de bénévole ou de coordinateur ; les autres, le siège.");
  }
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  std::string account_id;
  RETURN_IF_ERROR(node_->Execute(
      [&](CommandContext& ctx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> taken,
                         FindAccountByLogin(ctx.store(), ctx.site(), login));
        if (taken.has_value()) {
          return absl::AlreadyExistsError(
              absl::StrCat("L'identifiant « ", login, " » existe déjà dans ce centre."));
        }
        ASSIGN_OR_RETURN(uint64_t number, ctx.NextNumber("account"));
        account_id = LocalId(ctx.prefix(), 'A', number);
        v1::EventCore created;
        created.mutable_account_created()->set_account_id(account_id);
        created.mutable_account_created()->set_login(std::string(login));
        created.mutable_account_created()->set_role(role);
        created.mutable_account_created()->set_site(ctx.site());
        RETURN_IF_ERROR(ctx.Append(std::move(created), nullptr).status());
        v1::EventCore password_set;
        password_set.mutable_password_set()->set_account_id(account_id);
        password_set.mutable_password_set()->set_password_hash(hash);
        return ctx.Append(std::move(password_set), nullptr).status();
      },
      by.account_id));
  return Reread(account_id);
}

absl::StatusOr<v1::AccountRecord> Accounts::Reread(const std::string& account_id) const {
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> account,
                   FindAccount(node_->store(), account_id));
  if (!account.has_value()) return absl::InternalError("the account is not in the views");
  return *account;
}

absl::StatusOr<v1::AccountRecord> Accounts::OwnAccount(CommandContext& ctx,
                                                       absl::string_view account_id) const {
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> account,
                   FindAccount(ctx.store(), account_id, &ctx.batch()));
  if (!account.has_value() || account->site() != ctx.site()) {
    return absl::NotFoundError("Ce compte n'est pas un compte de ce centre.");
  }
  return *account;
}

absl::StatusOr<v1::AccountRecord> Accounts::SetPassword(absl::string_view account_id,
                                                        absl::string_view password,
                                                        const Session& by) {
  const std::string target(account_id.empty() ? absl::string_view(by.account_id) : account_id);
  const bool own = target == by.account_id;
  if (!own && !RoleMay(by.role, Action::kCentreAccounts)) {
    return Refusal(by.role, Action::kCentreAccounts);
  }
  if (own && IsAdministratorId(target)) {
    return absl::FailedPreconditionError(
        "L'administrateur du poste n'a pas de mot de passe : il passe par le fichier du poste.");
  }
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  RETURN_IF_ERROR(node_->Execute(
      [&](CommandContext& ctx) -> absl::Status {
        if (!own) RETURN_IF_ERROR(OwnAccount(ctx, target).status());
        v1::EventCore password_set;
        password_set.mutable_password_set()->set_account_id(target);
        password_set.mutable_password_set()->set_password_hash(hash);
        return ctx.Append(std::move(password_set), nullptr).status();
      },
      by.account_id));
  return Reread(target);
}

absl::StatusOr<v1::AccountRecord> Accounts::ChangeAccount(absl::string_view account_id,
                                                          std::optional<v1::Role> role,
                                                          std::optional<bool> disabled,
                                                          const Session& by) {
  if (!RoleMay(by.role, Action::kCentreAccounts)) return Refusal(by.role, Action::kCentreAccounts);
  if (role.has_value() && *role != v1::VOLUNTEER && *role != v1::COORDINATOR) {
    return absl::PermissionDeniedError(
        "Un centre donne le rôle de bénévole ou de coordinateur ; les autres, le siège.");
  }
  if (account_id == by.account_id && disabled.value_or(false)) {
    return absl::FailedPreconditionError("Vous ne pouvez pas désactiver votre propre compte.");
  }
  RETURN_IF_ERROR(node_->Execute(
      [&](CommandContext& ctx) -> absl::Status {
        ASSIGN_OR_RETURN(v1::AccountRecord account, OwnAccount(ctx, account_id));
        v1::EventCore changed;
        changed.mutable_account_changed()->set_account_id(account.account_id());
        if (role.has_value() && *role != account.role()) {
          changed.mutable_account_changed()->set_role(*role);
        }
        if (disabled.has_value() && *disabled != account.disabled()) {
          changed.mutable_account_changed()->set_disabled(*disabled);
        }
        if (!changed.account_changed().has_role() && !changed.account_changed().has_disabled()) {
          return absl::OkStatus();  // nothing to change: nothing written
        }
        return ctx.Append(std::move(changed), nullptr).status();
      },
      by.account_id));
  return Reread(std::string(account_id));
}

absl::StatusOr<std::vector<v1::AccountRecord>> Accounts::ListAccounts(const Session& by) {
  if (!RoleMay(by.role, Action::kCentreAccounts)) return Refusal(by.role, Action::kCentreAccounts);
  ASSIGN_OR_RETURN(std::vector<v1::AccountRecord> all, AllAccounts(node_->store()));
  std::vector<v1::AccountRecord> here;
  for (v1::AccountRecord& account : all) {
    if (account.site() == node_->Site()) here.push_back(std::move(account));
  }
  std::sort(here.begin(), here.end(), [](const v1::AccountRecord& a, const v1::AccountRecord& b) {
    return a.login() < b.login();
  });
  return here;
}

}  // namespace comptoir
