#include "common/account_view.h"

#include "absl/strings/ascii.h"
#include "common/keys.h"
#include "common/lww.h"
#include "common/status_macros.h"
#include "common/view_io.h"

namespace comptoir {
namespace {

std::string AccountKey(absl::string_view account_id) { return ViewKey({"account", account_id}); }
std::string LoginKey(absl::string_view site, absl::string_view login) {
  return ViewKey({"login", site, login});
}

bool Before(const v1::Stamp& a, const v1::Stamp& b) {
  return a.hlc() != b.hlc() ? a.hlc() < b.hlc() : a.origin() < b.origin();
}

// Notes that the write stamped `stamp` gave the account `role`: kept in stamp
// order whatever order the writes arrive in, once each.
void NoteRole(v1::AccountRecord& record, const v1::Stamp& stamp, v1::Role role) {
  auto* roles = record.mutable_roles();
  int at = roles->size();
  while (at > 0 && Before(stamp, roles->Get(at - 1).since())) --at;
  if (at > 0 && !Before(roles->Get(at - 1).since(), stamp)) return;  // the same write again
  v1::RoleSince entry;
  *entry.mutable_since() = stamp;
  entry.set_role(role);
  roles->Add(std::move(entry));
  for (int i = roles->size() - 1; i > at; --i) roles->SwapElements(i, i - 1);
}

absl::Status FoldCreated(const Store& store, Batch& batch, const v1::EventCore& core) {
  const v1::AccountCreated& created = core.account_created();
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> held,
                   FindAccount(store, created.account_id(), &batch));
  v1::AccountRecord record = held.value_or(v1::AccountRecord());
  record.set_account_id(created.account_id());
  record.set_login(created.login());
  record.set_site(created.site());
  record.set_created_by(core.origin());
  WriteIfNewer(record, StampOf(core), "role", [&] { record.set_role(created.role()); });
  NoteRole(record, StampOf(core), created.role());
  PutRecord(batch, AccountKey(created.account_id()), record);
  // The login names the smallest account id that claims it (order-free).
  const std::string login_key = LoginKey(created.site(), created.login());
  ASSIGN_OR_RETURN(std::optional<std::string> holder,
                   store.Get(Column::kViews, login_key, &batch));
  if (!holder.has_value() || created.account_id() < *holder) {
    batch.Put(Column::kViews, login_key, created.account_id());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FoldAccount(const Store& store, Batch& batch, const v1::EventCore& core) {
  if (core.has_account_created()) return FoldCreated(store, batch, core);
  const std::string& id = core.has_account_changed() ? core.account_changed().account_id()
                                                     : core.password_set().account_id();
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> held, FindAccount(store, id, &batch));
  // A change may arrive before the creation (a hub restored from an old
  // backup gets each centre's events back in any order): kept, and merged
  // when the creation comes.
  v1::AccountRecord record = held.value_or(v1::AccountRecord());
  record.set_account_id(id);
  const v1::Stamp stamp = StampOf(core);
  if (core.has_account_changed()) {
    const v1::AccountChanged& changed = core.account_changed();
    if (changed.has_role()) {
      WriteIfNewer(record, stamp, "role", [&] { record.set_role(changed.role()); });
      NoteRole(record, stamp, changed.role());
    }
    if (changed.has_disabled()) {
      WriteIfNewer(record, stamp, "disabled", [&] { record.set_disabled(changed.disabled()); });
    }
  } else {
    WriteIfNewer(record, stamp, "password",
                 [&] { record.set_password_hash(core.password_set().password_hash()); });
  }
  PutRecord(batch, AccountKey(id), record);
  return absl::OkStatus();
}

std::optional<v1::Role> RoleAt(const v1::AccountRecord& account, uint64_t hlc) {
  if (account.roles().empty()) return account.role();
  std::optional<v1::Role> role;
  for (const v1::RoleSince& entry : account.roles()) {
    if (entry.since().hlc() > hlc) break;
    role = entry.role();
  }
  return role;
}

absl::StatusOr<std::optional<v1::AccountRecord>> FindAccount(const Store& store,
                                                             absl::string_view account_id,
                                                             const Batch* batch) {
  return GetRecord<v1::AccountRecord>(store, AccountKey(account_id), batch);
}

absl::StatusOr<std::optional<v1::AccountRecord>> FindAccountByLogin(const Store& store,
                                                                    absl::string_view here,
                                                                    absl::string_view typed) {
  absl::string_view login = typed;
  absl::string_view site = here;
  if (const size_t at = typed.find('@'); at != absl::string_view::npos) {
    login = typed.substr(0, at);
    site = typed.substr(at + 1);
  }
  const std::string lowered = absl::AsciiStrToLower(login);
  if (!IsValidLogin(lowered) || !IsValidSiteId(site)) return std::optional<v1::AccountRecord>();
  ASSIGN_OR_RETURN(std::optional<std::string> id,
                   store.Get(Column::kViews, LoginKey(site, lowered)));
  if (!id.has_value()) return std::optional<v1::AccountRecord>();
  return FindAccount(store, *id);
}

absl::StatusOr<std::vector<v1::AccountRecord>> AllAccounts(const Store& store) {
  std::vector<v1::AccountRecord> accounts;
  absl::Status parsed;
  RETURN_IF_ERROR(ScanViews(store, ViewPrefix({"account"}),
                            [&](absl::string_view, absl::string_view value) {
                              v1::AccountRecord record;
                              if (!record.ParseFromString(std::string(value))) {
                                parsed = absl::DataLossError("corrupt account record");
                                return false;
                              }
                              accounts.push_back(std::move(record));
                              return true;
                            }));
  RETURN_IF_ERROR(parsed);
  return accounts;
}

bool IsValidLogin(absl::string_view login) {
  if (login.empty() || login.size() > 64) return false;
  for (char c : login) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace comptoir
