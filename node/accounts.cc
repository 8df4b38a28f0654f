#include "node/accounts.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/account_view.h"
#include "common/ids.h"
#include "common/keys.h"
#include "common/password.h"
#include "common/roles.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

std::string LockOutKey(absl::string_view account_id) { return ViewKey({"lockout", account_id}); }

absl::Status WrongLogin() {
  return absl::UnauthenticatedError("Identifiant ou mot de passe incorrect.");
}

// "14h05" in Paris time, for a volunteer reading when a lock-out ends.
std::string FrenchTime(int64_t unix_ms) {
  static const absl::TimeZone* paris = [] {
    auto* zone = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Paris", zone)) *zone = absl::UTCTimeZone();
    return zone;
  }();
  return absl::FormatTime("%Hh%M", absl::FromUnixMillis(unix_ms), *paris);
}

}  // namespace

Accounts::Accounts(NodeStore* node, HybridClock::PhysicalClock clock)
    : node_(node), clock_(std::move(clock)) {}

int64_t Accounts::NowMillis() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::StatusOr<std::pair<int, int64_t>> Accounts::LockOut(const std::string& account_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> value,
                   node_->store().Get(Column::kMeta, LockOutKey(account_id)));
  if (!value.has_value()) return std::make_pair(0, int64_t{0});
  return std::make_pair(static_cast<int>(ReadBigEndian64(*value, 0).value_or(0)),
                        static_cast<int64_t>(ReadBigEndian64(*value, 8).value_or(0)));
}

absl::StatusOr<int> Accounts::CountFailure(const std::string& account_id) {
  int failures = 0;
  RETURN_IF_ERROR(node_->Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<std::string> value,
                     ctx.store().Get(Column::kMeta, LockOutKey(account_id), &ctx.batch()));
    failures = value.has_value() ? static_cast<int>(ReadBigEndian64(*value, 0).value_or(0)) : 0;
    ++failures;
    const int64_t until =
        failures >= kMaxFailedLogins ? NowMillis() + absl::ToInt64Milliseconds(kLockOut) : 0;
    std::string encoded;
    AppendBigEndian64(&encoded, static_cast<uint64_t>(failures));
    AppendBigEndian64(&encoded, static_cast<uint64_t>(until));
    ctx.batch().Put(Column::kMeta, LockOutKey(account_id), encoded);
    return absl::OkStatus();
  }));
  return failures;
}

absl::StatusOr<Session> Accounts::LogIn(absl::string_view typed, absl::string_view password) {
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> account,
                   FindAccountByLogin(node_->store(), node_->Site(), typed));
  if (!account.has_value() || account->password_hash().empty()) {
    // The same cost as a real check, so that timing does not tell which
    // logins exist.
    static const std::string* const kDummy =
        new std::string(HashPassword("no account has this password").value_or(""));
    PasswordMatches(*kDummy, password);
    return WrongLogin();
  }
  ASSIGN_OR_RETURN(auto lock_out, LockOut(account->account_id()));
  const int64_t now = NowMillis();
  if (lock_out.second > now) {
    return absl::PermissionDeniedError(absl::StrCat(
        "Ce compte est bloqué après ", kMaxFailedLogins,
        " mots de passe erronés ; réessayez après ", FrenchTime(lock_out.second),
        " ou demandez à un coordinateur."));
  }
  if (!PasswordMatches(account->password_hash(), password)) {
    ASSIGN_OR_RETURN(int failures, CountFailure(account->account_id()));
    if (failures >= kMaxFailedLogins) {
      return absl::PermissionDeniedError(absl::StrCat(
          "Mot de passe incorrect. Ce compte est bloqué pour ", absl::ToInt64Minutes(kLockOut),
          " minutes après ", kMaxFailedLogins, " essais erronés."));
    }
    return WrongLogin();
  }
  if (account->disabled()) {
    return absl::PermissionDeniedError("Ce compte est désactivé ; voyez un coordinateur.");
  }
  if (lock_out.first != 0) {
    RETURN_IF_ERROR(node_->Execute([&](CommandContext& ctx) {
      ctx.batch().Delete(Column::kMeta, LockOutKey(account->account_id()));
      return absl::OkStatus();
    }));
  }
  Session session;
  session.token = RandomHex(32);
  session.csrf = RandomHex(16);
  session.account_id = account->account_id();
  session.login = DisplayLogin(*account);
  session.role = account->role();
  session.expires_ms = now + absl::ToInt64Milliseconds(kSessionLifetime);
  std::lock_guard<std::mutex> lock(mu_);
  sessions_[session.token] = session;
  return session;
}

absl::StatusOr<Session> Accounts::SessionFor(absl::string_view token) {
  Session session;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = sessions_.find(std::string(token));
    if (found == sessions_.end()) return absl::UnauthenticatedError("Session inconnue : connectez-vous.");
    if (found->second.expires_ms <= NowMillis()) {
      sessions_.erase(found);
      return absl::UnauthenticatedError("Session expirée : connectez-vous à nouveau.");
    }
    session = found->second;
  }
  // The account may have been disabled or its role changed since, here or
  // anywhere in the network.
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> account,
                   FindAccount(node_->store(), session.account_id));
  if (!account.has_value() || account->disabled()) {
    LogOut(token);
    return absl::UnauthenticatedError("Ce compte est désactivé : session fermée.");
  }
  session.role = account->role();
  return session;
}

void Accounts::LogOut(absl::string_view token) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(std::string(token));
}

Session Accounts::Administrator() const {
  Session session;
  session.account_id = AdministratorId(node_->card_prefix());
  session.login = "administrateur";
  session.role = v1::HEAD_OFFICE;
  session.expires_ms = std::numeric_limits<int64_t>::max();
  return session;
}

std::string Accounts::DisplayLogin(const v1::AccountRecord& account) const {
  if (account.site() == node_->Site()) return account.login();
  return absl::StrCat(account.login(), "@", account.site());
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
