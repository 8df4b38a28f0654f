// `comptoir-hub account create`: head office's accounts, and the first
// coordinator of a centre, written by head office into the (stopped) hub's
// log (while the hub runs, its AccountService does the same:
// hub/hub_account_service.h). They replicate to every centre like any event,
// so the coordinator can log in at the centre, and create its volunteers
// there, once the centre has synced (node/accounts.h).
//
//   comptoir-hub account create --data comptoir-data/hub --login claire
//       --role head-office --password-file claire.pw
//   comptoir-hub account create --login marc --role coordinator --site hem
//       --password-file marc.pw
#ifndef COMPTOIR_HUB_HUB_ACCOUNTS_H_
#define COMPTOIR_HUB_HUB_ACCOUNTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "comptoir/v1/views.pb.h"
#include "hub/hub_log.h"

namespace comptoir {

// The role named `text` ("volunteer", "coordinator", "head-office",
// "statistics"), or InvalidArgument listing them.
absl::StatusOr<v1::Role> ParseRole(absl::string_view text);

// Creates an account of `site` ("hub" for head office and statistics
// accounts, a centre otherwise) with its first password, as events of head
// office appended to `log`. InvalidArgument for a malformed login, a role
// that does not fit the site, a password too short; AlreadyExists when the
// login is taken at that site.
// The events name `operator_id` (the hub's administrator by default).
absl::StatusOr<v1::AccountRecord> CreateAccountAtHub(HubLog& log, absl::string_view login,
                                                     v1::Role role, absl::string_view site,
                                                     absl::string_view password,
                                                     absl::string_view operator_id = "A-000000");

// The command: opens the hub's database in `data_dir` (the hub must be
// stopped), reads the password from the first line of `password_file` ("-":
// standard input), prints what was done or the error; returns the exit status
// (0 done, 1 refused).
int CreateAccountCommand(const std::string& data_dir, const std::string& login,
                         const std::string& role, const std::string& site,
                         const std::string& password_file);

}  // namespace comptoir

#endif  // COMPTOIR_HUB_HUB_ACCOUNTS_H_
