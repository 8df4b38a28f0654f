// People at a real centre, through the comptoir command line: the till's TCP
// port serves only those logged in; the administrator creates the first
// coordinator through the node's Unix socket; a volunteer sells but is
// refused a void, which the coordinator then makes; the audit trail names
// both; sessions are kept in files only their owner can read.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/testing/daemons.h"

namespace comptoir {
namespace {

using ::comptoir::testing::DaemonNetwork;

class PeopleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(net_.StartHub({}, &error)) << error;
    ASSERT_TRUE(net_.StartNode("hem", {}, &error)) << error;
    std::ofstream(net_.dir().Sub("password")) << kPassword << "\n";
  }

  // Runs the CLI as `person` (their own session directory) against the
  // node's TCP port, where people log in.
  std::string As(const std::string& person, std::vector<std::string> args, int* exit_code) {
    std::vector<std::string> argv = {"--node", net_.TcpAddress("hem"), "--config-dir",
                                     net_.dir().Sub("config-" + person)};
    argv.insert(argv.end(), args.begin(), args.end());
    return net_.RunCli(argv, exit_code);
  }
  // Runs the CLI as the machine's administrator, through the node's socket.
  std::string AsAdministrator(std::vector<std::string> args, int* exit_code) {
    std::vector<std::string> argv = {"--node", net_.Address("hem")};
    argv.insert(argv.end(), args.begin(), args.end());
    return net_.RunCli(argv, exit_code);
  }
  std::string LogIn(const std::string& person, const std::string& login) {
    int exit_code = -1;
    std::string out = As(person, {"login", "--user", login, "--password-file",
                                  net_.dir().Sub("password")},
                         &exit_code);
    EXPECT_EQ(exit_code, 0) << out;
    return out;
  }

  static constexpr char kPassword[] = "un mot de passe solide";
  DaemonNetwork net_{{HUB_BIN, NODE_BIN, CLI_BIN}};
};

TEST_F(PeopleTest, TheTillServesOnlyThoseLoggedInAndTheirRolesSayWhatTheyMayDo) {
  const testing::Shop shop = net_.OpenShop("hem");
  int exit_code = -1;
  // Nobody logged in: refused, saying how to log in; nothing sold.
  std::string out = As("nobody", {"sale", "--family", shop.family_id, "--line",
                                  shop.product_id + ":1"},
                       &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_NE(out.find("Connexion requise"), std::string::npos) << out;
  EXPECT_NE(out.find("comptoir login"), std::string::npos) << out;
  EXPECT_EQ(net_.SalesAt("hem")["hem"], 0u);

  // The administrator creates the first coordinator; she creates a volunteer.
  out = AsAdministrator({"account", "create", "--login", "coline", "--role", "coordinator",
                         "--password-file", net_.dir().Sub("password")},
                        &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  EXPECT_NE(out.find("coline (coordinateur, hem)"), std::string::npos) << out;
  // The session's end in Paris time, as people read it.
  const std::string logged_in = LogIn("coline", "coline");
  EXPECT_TRUE(std::regex_search(logged_in, std::regex("Connecté : coline \\(coordinateur\\) jusqu'au "
                                                      "[0-9]{2}/[0-9]{2}/20[0-9]{2} à [0-9]{2}:[0-9]{2}")))
      << logged_in;
  out = As("coline", {"account", "create", "--login", "victor", "--role", "volunteer",
                      "--password-file", net_.dir().Sub("password")},
           &exit_code);
  ASSERT_EQ(exit_code, 0) << out;

  // The volunteer sells, and is refused a void, in French; nothing written.
  LogIn("victor", "victor");
  out = As("victor", {"--json", "sale", "--family", shop.family_id, "--line",
                      shop.product_id + ":1"},
           &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  const size_t at = out.find("\"receipt_no\":\"");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string receipt = out.substr(at + 14, out.find('"', at + 14) - at - 14);
  const uint64_t before = net_.NodeStatus("hem").own_seq();
  out = As("victor", {"void", receipt, "--reason", "erreur de caisse"}, &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_NE(out.find("Votre rôle (bénévole) ne permet pas d'annuler une vente"),
            std::string::npos)
      << out;
  EXPECT_EQ(net_.NodeStatus("hem").own_seq(), before) << "a refused void writes nothing";
  out = As("victor", {"audit"}, &exit_code);
  EXPECT_EQ(exit_code, 1) << "a volunteer does not read the audit trail: " << out;

  // The coordinator voids; the audit trail names each person.
  out = As("coline", {"void", receipt, "--reason", "erreur de caisse"}, &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  out = As("coline", {"audit", "--all"}, &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  const std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_GE(lines.size(), 4u) << out;
  EXPECT_NE(lines[0].find("coline  Vente " + receipt + " annulée (erreur de caisse)"),
            std::string::npos)
      << out;
  EXPECT_NE(lines[1].find("victor  Vente " + receipt), std::string::npos) << out;
  EXPECT_NE(out.find("coline  Compte « victor » créé (bénévole)"), std::string::npos) << out;
  EXPECT_NE(out.find("administrateur du poste  Compte « coline » créé (coordinateur)"),
            std::string::npos)
      << out;

  // Sessions are kept where only their owner reads them; logging out ends one.
  for (const auto& entry :
       std::filesystem::directory_iterator(net_.dir().Sub("config-victor/sessions"))) {
    struct stat info;
    ASSERT_EQ(stat(entry.path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u) << entry.path();
  }
  out = As("victor", {"logout"}, &exit_code);
  EXPECT_EQ(exit_code, 0) << out;
  out = As("victor", {"whoami"}, &exit_code);
  EXPECT_EQ(exit_code, 1) << out;
}

TEST_F(PeopleTest, AWrongPasswordFiveTimesLocksTheAccount) {
  int exit_code = -1;
  std::string out = AsAdministrator({"account", "create", "--login", "coline", "--role",
                                     "coordinator", "--password-file",
                                     net_.dir().Sub("password")},
                                    &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  std::ofstream(net_.dir().Sub("wrong")) << "pas le bon\n";
  for (int attempt = 1; attempt <= 5; ++attempt) {
    out = As("coline", {"login", "--user", "coline", "--password-file", net_.dir().Sub("wrong")},
             &exit_code);
    EXPECT_EQ(exit_code, 1) << out;
  }
  EXPECT_NE(out.find("bloqué"), std::string::npos) << out;
  // Even the right password is refused now.
  out = As("coline", {"login", "--user", "coline", "--password-file", net_.dir().Sub("password")},
           &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_NE(out.find("Ce compte est bloqué"), std::string::npos) << out;
}

}  // namespace
}  // namespace comptoir

namespace comptoir {
namespace {

// The hub's APIs over TCP answer each caller what it is entitled to.
TEST(HubDoorsTest, EachCallerGetsWhatItIsEntitledToAndNoMore) {
  DaemonNetwork net({HUB_BIN, NODE_BIN, CLI_BIN});
  std::string error;
  ASSERT_TRUE(net.StartHub({}, &error)) << error;
  const std::string password = net.dir().Sub("password");
  std::ofstream(password) << "un mot de passe solide\n";
  int exit_code = -1;
  for (auto [login, role] : {std::pair{"claire", "head-office"}, {"fred", "statistics"}}) {
    std::string out = net.RunCli({"--hub", net.HubAdminAddress(), "hub", "account", "create",
                                  "--login", login, "--role", role, "--password-file", password},
                                 &exit_code);
    ASSERT_EQ(exit_code, 0) << out;
  }
  auto as = [&](const std::string& person, std::vector<std::string> args) {
    std::vector<std::string> argv = {"--hub", net.hub_address(), "--config-dir",
                                     net.dir().Sub("config-" + person)};
    argv.insert(argv.end(), args.begin(), args.end());
    return net.RunCli(argv, &exit_code);
  };
  const std::vector<std::string> report = {"stats", "--from", "2026-01-01", "--to", "2026-12-31"};
  const std::vector<std::string> events = {"events", "--from-hub", "--origin", "hub"};
  const std::vector<std::string> product = {"hub", "define-product", "--id", "EPI-RIZ",
                                            "--name", "Riz 1 kg", "--department", "epicerie",
                                            "--price", "1,50"};
  // Nobody logged in: nothing.
  std::string out = as("nobody", report);
  EXPECT_EQ(exit_code, 1);
  EXPECT_NE(out.find("UNAUTHENTICATED"), std::string::npos) << out;
  // Statistics: the report, not the raw events nor the configuration.
  out = as("fred", {"hub", "login", "--user", "fred", "--password-file", password});
  ASSERT_EQ(exit_code, 0) << out;
  out = as("fred", report);
  EXPECT_EQ(exit_code, 0) << out;
  out = as("fred", events);
  EXPECT_EQ(exit_code, 1);
  EXPECT_NE(out.find("Votre rôle (statistiques) ne permet pas de lire les événements bruts"),
            std::string::npos)
      << out;
  out = as("fred", product);
  EXPECT_EQ(exit_code, 1);
  EXPECT_NE(out.find("PERMISSION_DENIED"), std::string::npos) << out;
  // Head office: all of it, and its change names claire.
  out = as("claire", {"hub", "login", "--user", "claire", "--password-file", password});
  ASSERT_EQ(exit_code, 0) << out;
  out = as("claire", product);
  EXPECT_EQ(exit_code, 0) << out;
  out = as("claire", {"--json", "events", "--from-hub", "--origin", "hub"});
  EXPECT_EQ(exit_code, 0) << out;
  EXPECT_NE(out.find("\"operator_id\":\"A-000001\""), std::string::npos)
      << "the product names claire, head office's first account: " << out;
  // Backups are not served over TCP at all, whoever asks.
  out = as("claire", {"hub", "backup", net.dir().Sub("backup")});
  EXPECT_EQ(exit_code, 1);
  EXPECT_NE(out.find("UNIMPLEMENTED"), std::string::npos) << out;
}

}  // namespace
}  // namespace comptoir
