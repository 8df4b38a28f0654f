#include "common/login_desk.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/account_view.h"
#include "common/keys.h"
#include "common/password.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

std::string LockOutKey(absl::string_view account_id) { return ViewKey({"lockout", account_id}); }

absl::Status WrongLogin() {
  return absl::UnauthenticatedError("Identifiant ou mot de passe incorrect.");
}

// "14h05" in Paris time, for a person reading when a lock-out ends.
std::string FrenchTime(int64_t unix_ms) {
  static const absl::TimeZone* paris = [] {
    auto* zone = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Paris", zone)) *zone = absl::UTCTimeZone();
    return zone;
  }();
  return absl::FormatTime("%Hh%M", absl::FromUnixMillis(unix_ms), *paris);
}

}  // namespace

LoginDesk::LoginDesk(Store* store, std::string here, HybridClock::PhysicalClock clock)
    : store_(store), here_(std::move(here)), clock_(std::move(clock)) {}

int64_t LoginDesk::NowMillis() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string LoginDesk::DisplayLogin(const v1::AccountRecord& account) const {
  if (account.site() == here_) return account.login();
  return absl::StrCat(account.login(), "@", account.site());
}

absl::StatusOr<std::pair<int, int64_t>> LoginDesk::LockOut(const std::string& account_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> value,
                   store_->Get(Column::kMeta, LockOutKey(account_id)));
  if (!value.has_value()) return std::make_pair(0, int64_t{0});
  return std::make_pair(static_cast<int>(ReadBigEndian64(*value, 0).value_or(0)),
                        static_cast<int64_t>(ReadBigEndian64(*value, 8).value_or(0)));
}

absl::StatusOr<int> LoginDesk::CountFailure(const std::string& account_id) {
  std::lock_guard<std::mutex> lock(failures_mu_);
  ASSIGN_OR_RETURN(auto lock_out, LockOut(account_id));
  const int failures = lock_out.first + 1;
  const int64_t until =
      failures >= kMaxFailedLogins ? NowMillis() + absl::ToInt64Milliseconds(kLockOut) : 0;
  std::string encoded;
  AppendBigEndian64(&encoded, static_cast<uint64_t>(failures));
  AppendBigEndian64(&encoded, static_cast<uint64_t>(until));
  Batch batch;
  batch.Put(Column::kMeta, LockOutKey(account_id), encoded);
  RETURN_IF_ERROR(store_->Write(batch));
  return failures;
}

absl::StatusOr<Session> LoginDesk::LogIn(absl::string_view typed, absl::string_view password) {
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> account,
                   FindAccountByLogin(*store_, here_, typed));
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
    Batch cleared;
    cleared.Delete(Column::kMeta, LockOutKey(account->account_id()));
    RETURN_IF_ERROR(store_->Write(cleared));
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

absl::StatusOr<Session> LoginDesk::SessionFor(absl::string_view token) {
  Session session;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = sessions_.find(std::string(token));
    if (found == sessions_.end()) {
      return absl::UnauthenticatedError("Session inconnue : connectez-vous.");
    }
    if (found->second.expires_ms <= NowMillis()) {
      sessions_.erase(found);
      return absl::UnauthenticatedError("Session expirée : connectez-vous à nouveau.");
    }
    session = found->second;
  }
  // The account may have been disabled or its role changed since, here or
  // anywhere in the network.
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> account,
                   FindAccount(*store_, session.account_id));
  if (!account.has_value() || account->disabled()) {
    LogOut(token);
    return absl::UnauthenticatedError("Ce compte est désactivé : session fermée.");
  }
  session.role = account->role();
  return session;
}

void LoginDesk::LogOut(absl::string_view token) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(std::string(token));
}

}  // namespace comptoir
