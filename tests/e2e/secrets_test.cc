// Secrets and data with the real binaries: `comptoir-hub credential issue`
// writes owner-only files, a daemon refuses to start on a token, credentials
// file or TLS key that other users can read (saying how to fix it, touching
// no data), a web till open to the LAN without TLS and a name stops the node,
// and the daemons' data directories are private.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "tests/testing/daemons.h"

namespace comptoir {
namespace {

using ::comptoir::testing::DaemonNetwork;
using ::comptoir::testing::WaitFor;

mode_t ModeOf(const std::string& path) {
  struct stat info;
  EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

class SecretsTest : public ::testing::Test {
 protected:
  SecretsTest() : net_({HUB_BIN, NODE_BIN, CLI_BIN}) {}

  // Issues hem's credential with the real command; its token file's path.
  std::string IssueHem() {
    const std::string token = net_.dir().Sub("hem.token");
    int exit_code = -1;
    const std::string output =
        DaemonNetwork::Run({HUB_BIN, "credential", "issue", "--credentials", credentials_,
                            "--site", "hem", "--token-file", token},
                           &exit_code);
    EXPECT_EQ(exit_code, 0) << output;
    return token;
  }

  DaemonNetwork net_;
  const std::string credentials_ = net_.dir().Sub("credentials");
};

TEST_F(SecretsTest, IssuingACredentialWritesOwnerOnlyFiles) {
  const std::string token = IssueHem();
  EXPECT_EQ(ModeOf(token), 0600);
  EXPECT_EQ(ModeOf(credentials_), 0600);
  // Re-issuing replaces both, still owner-only, with nothing left beside them.
  IssueHem();
  EXPECT_EQ(ModeOf(token), 0600);
  EXPECT_EQ(ModeOf(credentials_), 0600);
  for (const auto& entry : std::filesystem::directory_iterator(net_.dir().path())) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST_F(SecretsTest, AWorldReadableTokenStopsTheNodeAtStart) {
  const std::string token = IssueHem();
  ASSERT_EQ(chmod(token.c_str(), 0644), 0);
  int exit_code = -1;
  const std::string output = DaemonNetwork::Run(
      {NODE_BIN, "--site", "hem", "--data", net_.DataDir("hem"), "--listen", "127.0.0.1:0",
       "--hub", net_.hub_address(), "--http-listen", "", "--token-file", token},
      &exit_code);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("token file " + token +
                        " can be read by other users (mode 0644); run: chmod 600 " + token),
            std::string::npos)
      << output;
  EXPECT_FALSE(std::filesystem::exists(net_.DataDir("hem"))) << "refused before touching data";
}

TEST_F(SecretsTest, AReadableCredentialsFileOrTlsKeyStopsTheHubAtStart) {
  IssueHem();
  ASSERT_EQ(chmod(credentials_.c_str(), 0604), 0);
  int exit_code = -1;
  std::string output =
      DaemonNetwork::Run({HUB_BIN, "--data", net_.DataDir("hub"), "--listen", "127.0.0.1:0",
                          "--http-listen", "", "--credentials", credentials_},
                         &exit_code);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("credentials file " + credentials_ + " can be read by other users"),
            std::string::npos)
      << output;
  EXPECT_FALSE(std::filesystem::exists(net_.DataDir("hub"))) << "refused before touching data";

  const std::string certs = net_.dir().Sub("certs");
  output = DaemonNetwork::Run({MAKE_CERTS, certs, "hub"}, &exit_code);
  ASSERT_EQ(exit_code, 0) << output;
  EXPECT_EQ(ModeOf(certs + "/hub.key"), 0600) << "make-certs.sh writes keys owner-only";
  ASSERT_EQ(chmod((certs + "/hub.key").c_str(), 0644), 0);
  output = DaemonNetwork::Run({HUB_BIN, "--data", net_.DataDir("hub"), "--listen", "127.0.0.1:0",
                               "--http-listen", "", "--tls-cert", certs + "/hub.crt",
                               "--tls-key", certs + "/hub.key", "--tls-ca", certs + "/ca.crt"},
                              &exit_code);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("TLS private key " + certs + "/hub.key can be read by other users"),
            std::string::npos)
      << output;
}

TEST_F(SecretsTest, AWebTillOnTheLanNeedsTlsAndANameAtStart) {
  const std::vector<std::string> node = {NODE_BIN, "--site", "hem", "--data", net_.DataDir("hem"),
                                         "--listen", "127.0.0.1:0", "--hub", "",
                                         "--http-listen", "0.0.0.0:0"};
  int exit_code = -1;
  std::string output = DaemonNetwork::Run(node, &exit_code);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("the web till on 0.0.0.0:0 is reachable from other machines: add "
                        "--http-tls-cert PEM, --http-tls-key PEM and --http-name NAME"),
            std::string::npos)
      << output;
  EXPECT_FALSE(std::filesystem::exists(net_.DataDir("hem"))) << "refused before touching data";

  const std::string certs = net_.dir().Sub("certs");
  output = DaemonNetwork::Run({"env", "COMPTOIR_WEB_NAMES=caisse.hem.test", MAKE_CERTS, certs,
                               "web-hem"},
                              &exit_code);
  ASSERT_EQ(exit_code, 0) << output;
  std::vector<std::string> lan = node;
  lan.insert(lan.end(), {"--http-tls-cert", certs + "/web-hem.crt", "--http-tls-key",
                         certs + "/web-hem.key"});
  output = DaemonNetwork::Run(lan, &exit_code);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("add --http-name NAME"), std::string::npos) << output;

  lan.insert(lan.end(), {"--http-name", "caisse.hem.test", "--http-ready-file",
                         net_.dir().Sub("web.ready")});
  std::string error;
  ASSERT_TRUE(net_.StartNodeProcess("hem", lan, net_.DataDir("hem"), &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(net_.dir().Sub("web.ready")); },
                      absl::Seconds(10)));
  EXPECT_TRUE(net_.Stop("hem"));
}

TEST_F(SecretsTest, DataDirectoriesArePrivateAndACentreSyncsWithItsToken) {
  const std::string token = IssueHem();
  std::string error;
  ASSERT_TRUE(net_.StartHub({"--credentials", credentials_}, &error)) << error;
  // A data directory left open by an older version is tightened at start.
  std::filesystem::create_directories(net_.DataDir("hem"));
  ASSERT_EQ(chmod(net_.DataDir("hem").c_str(), 0755), 0);
  ASSERT_TRUE(net_.StartNode("hem", {"--token-file", token}, &error)) << error;
  EXPECT_EQ(ModeOf(net_.DataDir("hub")), 0700);
  EXPECT_EQ(ModeOf(net_.DataDir("hem")), 0700);
  EXPECT_TRUE(WaitFor([&] { return net_.NodeStatus("hem").connected(); }, absl::Seconds(60)))
      << net_.Log("hem");
}

}  // namespace
}  // namespace comptoir
