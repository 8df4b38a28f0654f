// Accounts at a centre: logging in (common/login_desk.h, against accounts
// folded from replicated events, so a volunteer of another centre logs in
// here even while the network is down), and the centre's own accounts,
// managed by its coordinators: each change an event naming who made it.
//
// Thread-safe.
#ifndef COMPTOIR_NODE_ACCOUNTS_H_
#define COMPTOIR_NODE_ACCOUNTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/hlc.h"
#include "common/login_desk.h"
#include "comptoir/v1/domain.pb.h"
#include "comptoir/v1/views.pb.h"
#include "node/node_store.h"

namespace comptoir {

class Accounts {
 public:
  // `node` must outlive this. `clock`: milliseconds since the Unix epoch
  // (the system's when null; tests inject one).
  explicit Accounts(NodeStore* node, HybridClock::PhysicalClock clock = nullptr);

  // LoginDesk's, at this centre.
  absl::StatusOr<Session> LogIn(absl::string_view typed, absl::string_view password) {
    return desk_.LogIn(typed, password);
  }
  absl::StatusOr<Session> SessionFor(absl::string_view token) { return desk_.SessionFor(token); }
  void LogOut(absl::string_view token) { desk_.LogOut(token); }

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
  std::string DisplayLogin(const v1::AccountRecord& account) const {
    return desk_.DisplayLogin(account);
  }

 private:
  // The account as the views hold it now.
  absl::StatusOr<v1::AccountRecord> Reread(const std::string& account_id) const;
  // The account of this centre `account_id` names, seen through the
  // command's batch; NotFound otherwise.
  absl::StatusOr<v1::AccountRecord> OwnAccount(CommandContext& ctx,
                                               absl::string_view account_id) const;

  NodeStore* node_;
  LoginDesk desk_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_ACCOUNTS_H_
