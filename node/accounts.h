// Accounts at a centre: who may log in here, with which role, and the
// sessions of those logged in. Accounts are folded from replicated events
// (common/account_view.h), so a volunteer of another centre logs in here even
// while the network is down. Passwords are checked against their Argon2id
// hash (common/password.h).
//
// Lock-out: after kMaxFailedLogins wrong passwords in a row, an account cannot
// log in at this centre for kLockOut, whatever password is typed. The count
// is kept in this centre's database (meta "lockout" 0x00 account_id ->
// be64(failures) be64(locked until, ms)), so a restart does not clear it; a
// successful login clears it.
//
// Sessions live in memory: a restart logs everybody out. A session expires
// kSessionLifetime after its login.
//
// Thread-safe.
#ifndef COMPTOIR_NODE_ACCOUNTS_H_
#define COMPTOIR_NODE_ACCOUNTS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/hlc.h"
#include "comptoir/v1/domain.pb.h"
#include "comptoir/v1/views.pb.h"
#include "node/node_store.h"

namespace comptoir {

inline constexpr int kMaxFailedLogins = 5;
inline constexpr absl::Duration kLockOut = absl::Minutes(15);
inline constexpr absl::Duration kSessionLifetime = absl::Hours(12);

// Someone logged in.
struct Session {
  std::string token;  // 64 hex characters, the session's only secret
  std::string csrf;   // 32 hex characters: the web till's writes carry it
  std::string account_id;
  std::string login;  // as people read it: "marie", "marie@lille"
  v1::Role role = v1::ROLE_UNSPECIFIED;
  int64_t expires_ms = 0;
};

class Accounts {
 public:
  // `node` must outlive this. `clock`: milliseconds since the Unix epoch
  // (the system's when null; tests inject one).
  explicit Accounts(NodeStore* node, HybridClock::PhysicalClock clock = nullptr);

  // Logs in with `typed` ("marie" for an account of this centre, "marie@hem"
  // for another's) and `password`. Unauthenticated, in French, for an unknown
  // login or a wrong password alike (nothing tells which); PermissionDenied
  // for a disabled account or one locked out (saying until when).
  absl::StatusOr<Session> LogIn(absl::string_view typed, absl::string_view password);
  // The session of `token`; Unauthenticated when unknown, expired, or its
  // account has since been disabled.
  absl::StatusOr<Session> SessionFor(absl::string_view token);
  void LogOut(absl::string_view token);

  // The machine's administrator, acting through the node's Unix socket
  // (common/roles.h): head office's rights at this centre, under the account
  // id AdministratorId(card prefix).
  Session Administrator() const;

  // The acts below are done `by` someone logged in (their role is checked
  // here: PermissionDenied, in French) and their events name `by`.

  // Creates an account of this centre (a volunteer or a coordinator) with its
  // first password. AlreadyExists when the login is taken at this centre.
  absl::StatusOr<v1::AccountRecord> CreateAccount(absl::string_view login, v1::Role role,
                                                  absl::string_view password, const Session& by);
  // Sets the password of `account_id` (empty: `by`'s own). Anyone changes
  // their own; a coordinator those of the centre's accounts.
  absl::StatusOr<v1::AccountRecord> SetPassword(absl::string_view account_id,
                                                absl::string_view password, const Session& by);
  // Changes the role of an account of this centre (volunteer or
  // coordinator), or disables it (its sessions end at their next call) or
  // enables it again. Nobody disables their own account.
  absl::StatusOr<v1::AccountRecord> ChangeAccount(absl::string_view account_id,
                                                  std::optional<v1::Role> role,
                                                  std::optional<bool> disabled, const Session& by);
  // The accounts of this centre, by login (coordinators).
  absl::StatusOr<std::vector<v1::AccountRecord>> ListAccounts(const Session& by);

  // How people read an account's login here: "marie" for this centre's,
  // "marie@hem" for another's.
  std::string DisplayLogin(const v1::AccountRecord& account) const;

 private:
  int64_t NowMillis() const;
  // Records a failed login of `account_id`; returns the failures in a row.
  absl::StatusOr<int> CountFailure(const std::string& account_id);
  absl::StatusOr<std::pair<int, int64_t>> LockOut(const std::string& account_id);
  // The account as the views hold it now.
  absl::StatusOr<v1::AccountRecord> Reread(const std::string& account_id) const;
  // The account of this centre `account_id` names, seen through the
  // command's batch; NotFound otherwise.
  absl::StatusOr<v1::AccountRecord> OwnAccount(CommandContext& ctx,
                                               absl::string_view account_id) const;

  NodeStore* node_;
  HybridClock::PhysicalClock clock_;
  std::mutex mu_;
  std::map<std::string, Session> sessions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_ACCOUNTS_H_
