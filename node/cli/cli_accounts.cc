// comptoir login | logout | whoami | account ... | audit
// comptoir hub login | hub logout | hub account create | hub account list
//
// A person logs in once per machine and node: the session token is kept in
// a file only they can read (SessionFile, 0600), and sent with every later
// call to that node. Passwords are read from --password-file, or typed
// without echo, or from standard input when it is not a terminal.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/civil_day.h"
#include "common/secret_file.h"
#include "comptoir/v1/accounts.grpc.pb.h"
#include "node/cli/cli_commands.h"

namespace comptoir::cli {
namespace {

const std::map<std::string, v1::Role>& RoleNames() {
  static const auto* names = new std::map<std::string, v1::Role>{
      {"volunteer", v1::VOLUNTEER}, {"benevole", v1::VOLUNTEER}, {"coordinator", v1::COORDINATOR},
      {"coordinateur", v1::COORDINATOR}};
  return *names;
}

// The password from `file`, or typed (no echo), or the first line of stdin.
bool ReadPassword(const std::string& file, const std::string& prompt, std::string* password) {
  if (!file.empty()) {
    std::ifstream in(file);
    return static_cast<bool>(std::getline(in, *password));
  }
  if (!isatty(STDIN_FILENO)) return static_cast<bool>(std::getline(std::cin, *password));
  std::fprintf(stderr, "%s", prompt.c_str());
  termios saved;
  tcgetattr(STDIN_FILENO, &saved);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  const bool read = static_cast<bool>(std::getline(std::cin, *password));
  tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  std::fprintf(stderr, "\n");
  return read;
}

void PrintAccount(const v1::AccountView& account) {
  std::cout << account.login() << " (" << account.role_name() << ", " << account.site()
            << (account.disabled() ? ", désactivé" : "") << ") — " << account.account_id()
            << "\n";
}

// Logs in at the daemon at `address` (a node, or the hub) and keeps the session.
int LogIn(const Globals& globals, const std::string& address, const std::string& user,
          const std::string& password_file) {
  v1::LogInRequest request;
  request.set_login(user);
  if (!ReadPassword(password_file, "Mot de passe de " + user + " : ",
                    request.mutable_password())) {
    return Usage("no password given");
  }
  auto stub = v1::AccountService::NewStub(Connect(address));
  grpc::ClientContext context;
  SetDeadline(&context, globals);
  v1::LogInResponse response;
  grpc::Status status = stub->LogIn(&context, request, &response);
  if (!status.ok()) return Fail(status, address);
  absl::Status dir = MakePrivateDirectory(globals.config_dir + "/sessions");
  if (dir.ok()) dir = WriteSecretFile(SessionFile(globals, address), response.token() + "\n");
  if (!dir.ok()) return Usage(std::string(dir.message()));
  std::cout << "Connecté : " << response.account().login() << " ("
            << response.account().role_name() << ") jusqu'au "
            << FrenchMoment(response.expires_ms()) << "\n";
  return 0;
}

int LogOut(const Globals& globals, const std::string& address) {
  auto stub = v1::AccountService::NewStub(Connect(address));
  grpc::ClientContext context;
  SetDeadline(&context, globals);
  AttachSession(&context, globals, address);
  v1::LogOutResponse response;
  grpc::Status status = stub->LogOut(&context, {}, &response);
  std::remove(SessionFile(globals, address).c_str());
  if (!status.ok()) return Fail(status, address);
  std::cout << "Déconnecté.\n";
  return 0;
}

// comptoir hub login | logout | account create | account list: head office.
void AddHubAccountCommands(CLI::App& hub, const Globals& globals, int& result) {
  static std::string user, password_file, login, role, site;
  CLI::App* login_command = hub.add_subcommand("login", "Log in at the hub (head office, statistics)");
  login_command->add_option("--user", user, "Your login at the hub: claire")->required();
  login_command->add_option("--password-file", password_file,
                            "Read the password from this file (else typed, or from stdin)");
  login_command->callback(
      [&globals, &result] { result = LogIn(globals, globals.hub, user, password_file); });
  hub.add_subcommand("logout", "End your session at the hub")->callback([&globals, &result] {
    result = LogOut(globals, globals.hub);
  });
  CLI::App* account = hub.add_subcommand("account", "Every account of the network (head office)");
  account->require_subcommand(1);
  account->add_subcommand("list", "Every account")->callback([&globals, &result] {
    result = Call<v1::AccountService>(
        globals, globals.hub, &v1::AccountService::Stub::ListAccounts, v1::ListAccountsRequest(),
        [](const v1::ListAccountsResponse& response) {
          for (const v1::AccountView& view : response.accounts()) PrintAccount(view);
        });
  });
  CLI::App* create = account->add_subcommand(
      "create", "An account: head office's or statistics (no --site), or a centre's");
  create->add_option("--login", login, "Their login (a-z, 0-9, . _ -)")->required();
  create->add_option("--role", role, "head-office, statistics, coordinator or volunteer")
      ->required();
  create->add_option("--site", site, "The centre of a coordinator or volunteer (hem)");
  create->add_option("--password-file", password_file,
                     "Read their first password from this file (else typed, or from stdin)");
  create->callback([&globals, &result] {
    static const std::map<std::string, v1::Role> kRoles = {
        {"head-office", v1::HEAD_OFFICE}, {"statistics", v1::STATISTICS},
        {"coordinator", v1::COORDINATOR}, {"volunteer", v1::VOLUNTEER}};
    auto named = kRoles.find(role);
    if (named == kRoles.end()) {
      result = Usage("--role must be head-office, statistics, coordinator or volunteer");
      return;
    }
    v1::CreateAccountRequest request;
    request.set_login(login);
    request.set_role(named->second);
    request.set_site(site);
    if (!ReadPassword(password_file, "Premier mot de passe : ", request.mutable_password())) {
      result = Usage("no password given");
      return;
    }
    result = Call<v1::AccountService>(globals, globals.hub,
                                      &v1::AccountService::Stub::CreateAccount, request,
                                      PrintAccount);
  });
}

}  // namespace

void AddAccountCommands(CLI::App& app, CLI::App& hub, const Globals& globals, int& result) {
  AddHubAccountCommands(hub, globals, result);
  static std::string user, password_file, login, role, account_id, from_day, to_day;
  static bool all = false;
  static uint32_t limit = 0;

  CLI::App* login_command =
      app.add_subcommand("login", "Log in at the node (the session is kept for later commands)");
  login_command->add_option("--user", user, "Your login: marie, or marie@hem at another centre")
      ->required();
  login_command->add_option("--password-file", password_file,
                            "Read the password from this file (else typed, or from stdin)");
  login_command->callback(
      [&globals, &result] { result = LogIn(globals, globals.node, user, password_file); });

  app.add_subcommand("logout", "End your session at the node")->callback([&globals, &result] {
    result = LogOut(globals, globals.node);
  });
  app.add_subcommand("whoami", "Who you are at the node")->callback([&globals, &result] {
    result = Call<v1::AccountService>(globals, globals.node, &v1::AccountService::Stub::WhoAmI,
                                      v1::WhoAmIRequest(), PrintAccount);
  });

  CLI::App* account = app.add_subcommand("account", "The centre's accounts (coordinators)");
  account->require_subcommand(1);
  account->add_subcommand("list", "The centre's accounts")->callback([&globals, &result] {
    result = Call<v1::AccountService>(
        globals, globals.node, &v1::AccountService::Stub::ListAccounts, v1::ListAccountsRequest(),
        [](const v1::ListAccountsResponse& response) {
          if (response.accounts().empty()) std::cout << "Aucun compte dans ce centre.\n";
          for (const v1::AccountView& view : response.accounts()) PrintAccount(view);
        });
  });
  CLI::App* create = account->add_subcommand("create", "A new volunteer or coordinator");
  create->add_option("--login", login, "Their login (a-z, 0-9, . _ -)")->required();
  create->add_option("--role", role, "volunteer or coordinator")->required();
  create->add_option("--password-file", password_file,
                     "Read their first password from this file (else typed, or from stdin)");
  create->callback([&globals, &result] {
    auto named = RoleNames().find(absl::AsciiStrToLower(role));
    if (named == RoleNames().end()) {
      result = Usage("--role must be volunteer or coordinator");
      return;
    }
    v1::CreateAccountRequest request;
    request.set_login(login);
    request.set_role(named->second);
    if (!ReadPassword(password_file, "Premier mot de passe : ", request.mutable_password())) {
      result = Usage("no password given");
      return;
    }
    result = Call<v1::AccountService>(globals, globals.node,
                                      &v1::AccountService::Stub::CreateAccount, request,
                                      PrintAccount);
  });
  for (const char* verb : {"disable", "enable"}) {
    const bool disable = std::string(verb) == "disable";
    CLI::App* change = account->add_subcommand(
        verb, disable ? "Disable an account (it can no longer log in)" : "Enable it again");
    change->add_option("account_id", account_id, "The account (HEM-A-000003)")->required();
    change->callback([&globals, &result, disable] {
      v1::ChangeAccountRequest request;
      request.set_account_id(account_id);
      request.set_disabled(disable);
      result = Call<v1::AccountService>(globals, globals.node,
                                        &v1::AccountService::Stub::ChangeAccount, request,
                                        PrintAccount);
    });
  }
  CLI::App* set_role = account->add_subcommand("role", "Change an account's role");
  set_role->add_option("account_id", account_id, "The account (HEM-A-000003)")->required();
  set_role->add_option("role", role, "volunteer or coordinator")->required();
  set_role->callback([&globals, &result] {
    auto named = RoleNames().find(absl::AsciiStrToLower(role));
    if (named == RoleNames().end()) {
      result = Usage("the role must be volunteer or coordinator");
      return;
    }
    v1::ChangeAccountRequest request;
    request.set_account_id(account_id);
    request.set_role(named->second);
    result = Call<v1::AccountService>(globals, globals.node,
                                      &v1::AccountService::Stub::ChangeAccount, request,
                                      PrintAccount);
  });
  CLI::App* password = account->add_subcommand(
      "password", "Change your password, or (coordinators) another account's");
  password->add_option("account_id", account_id, "The account (default: yours)");
  password->add_option("--password-file", password_file,
                       "Read the new password from this file (else typed, or from stdin)");
  password->callback([&globals, &result] {
    v1::SetPasswordRequest request;
    request.set_account_id(account_id);
    if (!ReadPassword(password_file, "Nouveau mot de passe : ", request.mutable_password())) {
      result = Usage("no password given");
      return;
    }
    result = Call<v1::AccountService>(globals, globals.node,
                                      &v1::AccountService::Stub::SetPassword, request,
                                      PrintAccount);
  });

  CLI::App* audit = app.add_subcommand(
      "audit", "Who did what at the centre: voids, referrals, stock corrections, transfers, "
               "accounts (coordinators)");
  audit->add_option("--from", from_day, "First day, 2026-12-01");
  audit->add_option("--to", to_day, "Last day, 2026-12-31");
  audit->add_option("--limit", limit, "At most this many entries (default 200)");
  audit->add_flag("--all", all, "Every act, sales and families too");
  audit->callback([&globals, &result] {
    v1::ListAuditRequest request;
    request.set_from_day(from_day);
    request.set_to_day(to_day);
    request.set_limit(limit);
    request.set_all(all);
    result = Call<v1::AccountService>(
        globals, globals.node, &v1::AccountService::Stub::ListAudit, request,
        [](const v1::ListAuditResponse& response) {
          if (response.entries().empty()) std::cout << "Rien dans le journal pour ces dates.\n";
          for (const v1::AuditEntry& entry : response.entries()) {
            std::cout << entry.when() << "  " << entry.site() << "  " << entry.login() << "  "
                      << entry.what() << "\n";
          }
        });
  });
}

}  // namespace comptoir::cli
