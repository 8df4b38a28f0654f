#include "hub/hub_accounts.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/account_view.h"
#include "common/authority.h"
#include "common/keys.h"
#include "common/password.h"
#include "common/secret_file.h"
#include "common/status_macros.h"

namespace comptoir {

absl::StatusOr<v1::Role> ParseRole(absl::string_view text) {
  if (text == "volunteer") return v1::VOLUNTEER;
  if (text == "coordinator") return v1::COORDINATOR;
  if (text == "head-office") return v1::HEAD_OFFICE;
  if (text == "statistics") return v1::STATISTICS;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown role '", text, "': volunteer, coordinator, head-office or statistics"));
}

absl::StatusOr<v1::AccountRecord> CreateAccountAtHub(HubLog& log, absl::string_view login,
                                                     v1::Role role, absl::string_view site,
                                                     absl::string_view password,
                                                     absl::string_view operator_id) {
  if (!IsValidLogin(login)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid login '", login, "': 1 to 64 of a-z, 0-9, '.', '_', '-'"));
  }
  const bool network_role = role == v1::HEAD_OFFICE || role == v1::STATISTICS;
  if (network_role != (site == kHeadOfficeOrigin)) {
    return absl::InvalidArgumentError(
        "head-office and statistics accounts belong to the hub (no --site); volunteers and "
        "coordinators to a centre (--site hem)");
  }
  if (!IsValidSiteId(site)) return absl::InvalidArgumentError(absl::StrCat("invalid site '", site, "'"));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> taken,
                   FindAccountByLogin(log.store(), site, login));
  if (taken.has_value()) {
    return absl::AlreadyExistsError(absl::StrCat("the login ", login, "@", site,
                                                 " is already account ", taken->account_id()));
  }
  // Head office numbers its accounts A-000001, A-000002... (no card prefix).
  ASSIGN_OR_RETURN(std::vector<v1::AccountRecord> accounts, AllAccounts(log.store()));
  int made_here = 0;
  for (const v1::AccountRecord& account : accounts) made_here += account.created_by() == kHeadOfficeOrigin;
  const std::string account_id = absl::StrFormat("A-%06d", made_here + 1);
  v1::EventCore created;
  created.mutable_account_created()->set_account_id(account_id);
  created.mutable_account_created()->set_login(std::string(login));
  created.mutable_account_created()->set_role(role);
  created.mutable_account_created()->set_site(std::string(site));
  created.set_operator_id(std::string(operator_id));
  RETURN_IF_ERROR(log.AppendOwn(std::move(created)).status());
  v1::EventCore password_set;
  password_set.set_operator_id(std::string(operator_id));
  password_set.mutable_password_set()->set_account_id(account_id);
  password_set.mutable_password_set()->set_password_hash(hash);
  RETURN_IF_ERROR(log.AppendOwn(std::move(password_set)).status());
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> account, FindAccount(log.store(), account_id));
  if (!account.has_value()) return absl::InternalError("the new account is not in the views");
  return *account;
}

int CreateAccountCommand(const std::string& data_dir, const std::string& login,
                         const std::string& role_text, const std::string& site,
                         const std::string& password_file) {
  auto fail = [](const absl::Status& status) {
    std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
    return 1;
  };
  absl::StatusOr<v1::Role> role = ParseRole(role_text);
  if (!role.ok()) return fail(role.status());
  std::string password;
  if (password_file == "-") {
    std::getline(std::cin, password);
  } else {
    std::ifstream in(password_file);
    if (!in || !std::getline(in, password)) {
      return fail(absl::NotFoundError(absl::StrCat("cannot read a password from ", password_file)));
    }
  }
  // At install the hub's database may not exist yet: it is made here,
  // private, as the hub itself would make it.
  if (absl::Status made = MakePrivateDirectory(data_dir); !made.ok()) return fail(made);
  absl::StatusOr<std::unique_ptr<HubLog>> log = HubLog::Open(data_dir);
  if (!log.ok()) {
    return fail(absl::FailedPreconditionError(absl::StrCat(
        "cannot open the hub's data in ", data_dir, " (stop the hub first): ",
        log.status().message())));
  }
  absl::StatusOr<v1::AccountRecord> account = CreateAccountAtHub(**log, login, *role, site, password);
  if (!account.ok()) return fail(account.status());
  std::printf("account %s created: %s@%s, %s; it reaches the centres at their next sync\n",
              account->account_id().c_str(), account->login().c_str(), account->site().c_str(),
              role_text.c_str());
  return 0;
}

}  // namespace comptoir
