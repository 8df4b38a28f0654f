// Logging in at one site (a centre's node, or head office's hub) against the
// replicated accounts (common/account_view.h), and the sessions of those
// logged in. Passwords are checked against their Argon2id hash
// (common/password.h); an unknown login costs the same time as a known one.
//
// Lock-out: after kMaxFailedLogins wrong passwords in a row, an account cannot
// log in at this site for kLockOut, whatever password is typed. The count is
// kept in the site's database (meta "lockout" 0x00 account_id ->
// be64(failures) be64(locked until, ms)), written synced and apart from the
// event log (so it is counted even while a node recovers its history), so a
// restart does not clear it; a successful login clears it.
//
// Sessions live in memory: a restart logs everybody out. A session expires
// kSessionLifetime after its login; its account disabled anywhere in the
// network ends it at its next use, and a role changed applies at once.
//
// Thread-safe.
#ifndef COMPTOIR_COMMON_LOGIN_DESK_H_
#define COMPTOIR_COMMON_LOGIN_DESK_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/hlc.h"
#include "common/store.h"
#include "comptoir/v1/domain.pb.h"
#include "comptoir/v1/views.pb.h"

namespace comptoir {

inline constexpr int kMaxFailedLogins = 5;
inline constexpr absl::Duration kLockOut = absl::Minutes(15);
inline constexpr absl::Duration kSessionLifetime = absl::Hours(12);

// Someone logged in.
struct Session {
  std::string token;  // 64 hex characters, the session's only secret
  std::string csrf;   // 32 hex characters: the web pages' writes carry it
  std::string account_id;
  std::string login;  // as people read it here: "marie", "marie@lille"
  v1::Role role = v1::ROLE_UNSPECIFIED;
  int64_t expires_ms = 0;
};

class LoginDesk {
 public:
  // `store` is the site's database, not owned. `here`: the site ("hem", or
  // "hub" for head office). `clock`: milliseconds since the Unix epoch (the
  // system's when null; tests inject one).
  LoginDesk(Store* store, std::string here, HybridClock::PhysicalClock clock = nullptr);

  // Logs in with `typed` ("marie" for an account of this site, "marie@hem"
  // for another's) and `password`. Unauthenticated, in French, for an unknown
  // login or a wrong password alike (nothing tells which); PermissionDenied
  // for a disabled account or one locked out (saying until when).
  absl::StatusOr<Session> LogIn(absl::string_view typed, absl::string_view password);
  // The session of `token`; Unauthenticated when unknown, expired, or its
  // account has since been disabled.
  absl::StatusOr<Session> SessionFor(absl::string_view token);
  void LogOut(absl::string_view token);

  // How people read an account's login here: "marie" for this site's,
  // "marie@hem" for another's.
  std::string DisplayLogin(const v1::AccountRecord& account) const;
  const std::string& here() const { return here_; }

 private:
  int64_t NowMillis() const;
  // (failures in a row, locked until) of `account_id`.
  absl::StatusOr<std::pair<int, int64_t>> LockOut(const std::string& account_id);
  // Records a failed login of `account_id`; returns the failures in a row.
  absl::StatusOr<int> CountFailure(const std::string& account_id);

  Store* store_;
  const std::string here_;
  HybridClock::PhysicalClock clock_;
  std::mutex mu_;
  std::map<std::string, Session> sessions_ ABSL_GUARDED_BY(mu_);
  std::mutex failures_mu_;  // one count of failures at a time
};

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_LOGIN_DESK_H_
