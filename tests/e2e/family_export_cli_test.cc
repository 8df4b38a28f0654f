// `comptoir family export` against a real centre (comptoir-node and the
// command line as built): the household's document and JSON are written
// readable by their owner only, hold what was recorded, are never replaced
// without --force, and a volunteer is refused in French.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "tests/testing/daemons.h"

namespace comptoir {
namespace {

using ::comptoir::testing::DaemonNetwork;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

unsigned ModeOf(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 0777;
}

class FamilyExportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(net_.StartHub({}, &error)) << error;
    ASSERT_TRUE(net_.StartNode("hem", {}, &error)) << error;
  }
  // The machine's administrator (head office's rights), through the socket.
  std::string AsAdministrator(std::vector<std::string> args, int* exit_code) {
    args.insert(args.begin(), {"--node", net_.Address("hem")});
    return net_.RunCli(args, exit_code);
  }

  DaemonNetwork net_{{HUB_BIN, NODE_BIN, CLI_BIN}};
};

TEST_F(FamilyExportCliTest, WritesThePrivateDocumentAndJsonAndNeverOverwrites) {
  const testing::Shop shop = net_.OpenShop("hem");
  int exit_code = -1;
  std::string out = AsAdministrator(
      {"--json", "sale", "--family", shop.family_id, "--line", shop.product_id + ":2"},
      &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  const size_t at = out.find("\"receipt_no\":\"");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string receipt = out.substr(at + 14, out.find('"', at + 14) - at - 14);

  const std::string html = net_.dir().Sub("foyer.html");
  const std::string json = net_.dir().Sub("foyer.json");
  out = AsAdministrator({"family", "export", shop.family_id, "--html", html, "--json", json},
                        &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  EXPECT_NE(out.find("Données détenues sur le foyer " + shop.family_id + " écrites dans"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(html), std::string::npos) << out;
  EXPECT_NE(out.find("remettez-les au foyer, puis supprimez-les"), std::string::npos) << out;
  EXPECT_EQ(ModeOf(html), 0600u);
  EXPECT_EQ(ModeOf(json), 0600u);
  const std::string document = Read(html);
  EXPECT_NE(document.find("Lefebvre"), std::string::npos);
  EXPECT_NE(document.find("Nadia"), std::string::npos);
  EXPECT_NE(document.find("Ticket " + receipt), std::string::npos);
  const std::string data = Read(json);
  EXPECT_NE(data.find("\"familyName\": \"Lefebvre\""), std::string::npos) << data;
  EXPECT_NE(data.find("\"receiptNo\": \"" + receipt + "\""), std::string::npos) << data;
  EXPECT_EQ(data.find("\"html\": \"<"), std::string::npos) << "the document is its own file";

  // A second export never replaces the first without --force.
  std::ofstream(html) << "à garder";
  out = AsAdministrator({"family", "export", shop.family_id, "--html", html}, &exit_code);
  EXPECT_EQ(exit_code, 2) << out;
  EXPECT_NE(out.find("existe déjà"), std::string::npos) << out;
  EXPECT_EQ(Read(html), "à garder");
  out = AsAdministrator({"family", "export", shop.family_id, "--html", html, "--force"},
                        &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  EXPECT_NE(Read(html).find("Lefebvre"), std::string::npos);
}

TEST_F(FamilyExportCliTest, AVolunteerIsRefused) {
  const testing::Shop shop = net_.OpenShop("hem");
  std::ofstream(net_.dir().Sub("password")) << "un mot de passe solide\n";
  int exit_code = -1;
  std::string out = AsAdministrator({"account", "create", "--login", "victor", "--role",
                                     "volunteer", "--password-file", net_.dir().Sub("password")},
                                    &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  const std::vector<std::string> as_victor = {"--node", net_.TcpAddress("hem"), "--config-dir",
                                              net_.dir().Sub("config-victor")};
  std::vector<std::string> login = as_victor;
  login.insert(login.end(), {"login", "--user", "victor", "--password-file",
                             net_.dir().Sub("password")});
  out = net_.RunCli(login, &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  std::vector<std::string> export_args = as_victor;
  export_args.insert(export_args.end(), {"family", "export", shop.family_id, "--html",
                                         net_.dir().Sub("victor.html")});
  out = net_.RunCli(export_args, &exit_code);
  EXPECT_EQ(exit_code, 1) << out;
  EXPECT_NE(out.find("Votre rôle (bénévole) ne permet pas d'effacer ou d'exporter les données "
                     "d'un foyer"),
            std::string::npos)
      << out;
  EXPECT_EQ(ModeOf(net_.dir().Sub("victor.html")), 0u) << "no file written";
}

}  // namespace
}  // namespace comptoir
