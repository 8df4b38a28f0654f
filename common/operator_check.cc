#include "common/operator_check.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/account_view.h"
#include "common/roles.h"
#include "common/status_macros.h"

namespace comptoir {

absl::Status CheckOperator(const Store& store, const Batch* batch, const v1::EventCore& core,
                           PrefixClaims* claims) {
  const std::string& op = core.operator_id();
  if (op.empty()) return absl::OkStatus();
  const bool head_office = core.origin() == kHeadOfficeOrigin;
  if (IsAdministratorId(op)) {
    const bool network_administrator = op == AdministratorId("");
    if (head_office == network_administrator) {
      if (head_office) return absl::OkStatus();
      return CheckOwnPrefix(store, batch, core, "administrator", op, claims);
    }
    return ForbiddenEvent(core, absl::StrCat("operator ", op, " is not the administrator of ",
                                             core.origin()));
  }
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> account, FindAccount(store, op, batch));
  if (!account.has_value()) {
    if (CardPrefixOf(op).has_value() || absl::StartsWith(op, "A-")) return absl::OkStatus();
    return ForbiddenEvent(core, absl::StrCat("operator ", op, " is no account"));
  }
  const Action action = ActionOf(core, head_office);
  const std::optional<v1::Role> role = RoleAt(*account, core.hlc());
  if (!role.has_value()) {
    return ForbiddenEvent(core, absl::StrCat("operator ", op, " (", account->login(),
                                             ") did not exist yet when this event was written"));
  }
  if (RoleMay(*role, action)) return absl::OkStatus();
  return ForbiddenEvent(core, absl::StrCat("operator ", op, " (", account->login(), ", role ",
                                           v1::Role_Name(*role),
                                           ") may not do this: ", ActionName(action)));
}

}  // namespace comptoir
