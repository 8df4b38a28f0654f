// People's accounts as a replica knows them, folded from AccountCreated,
// AccountChanged and PasswordSet (events.proto). Accounts are network-wide:
// a volunteer of hem can log in at lille while lille is offline.
//
// Views (common/keys.h): "account" id -> AccountRecord;
// "login" site login -> account id. Role, disabled and password are
// last-writer-wins fields (common/lww.h). Two accounts created with the same
// login at one site (head office and the centre, both offline) keep both
// records; the login names the one with the smaller account id, on every
// replica whatever the order.
//
// Logins people type: "marie" names an account of the centre where it is
// typed; "marie@hem" an account of hem (anywhere); head office's accounts
// are "claire@hub".
#ifndef COMPTOIR_COMMON_ACCOUNT_VIEW_H_
#define COMPTOIR_COMMON_ACCOUNT_VIEW_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"
#include "comptoir/v1/views.pb.h"

namespace comptoir {

// AccountCreated, AccountChanged, PasswordSet.
absl::Status FoldAccount(const Store& store, Batch& batch, const v1::EventCore& core);

// The account with this id (seeing `batch` when given), or nullopt.
absl::StatusOr<std::optional<v1::AccountRecord>> FindAccount(const Store& store,
                                                             absl::string_view account_id,
                                                             const Batch* batch = nullptr);

// The account `typed` names when typed at `here` ("marie" -> marie of here,
// "marie@hem" -> marie of hem), or nullopt.
absl::StatusOr<std::optional<v1::AccountRecord>> FindAccountByLogin(const Store& store,
                                                                    absl::string_view here,
                                                                    absl::string_view typed);

// The role `account` had at `hlc` (its roles' history, views.proto
// RoleSince), or nullopt when it was created later.
std::optional<v1::Role> RoleAt(const v1::AccountRecord& account, uint64_t hlc);

// Every account held, in id order.
absl::StatusOr<std::vector<v1::AccountRecord>> AllAccounts(const Store& store);

// True for a login: 1-64 of a-z, 0-9, '.', '_', '-'.
bool IsValidLogin(absl::string_view login);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_ACCOUNT_VIEW_H_
