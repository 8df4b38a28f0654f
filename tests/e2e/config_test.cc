// Settings files with the real daemons: a node runs from its file alone, the
// command line overrides the file, a mistake stops the daemon with exit
// status 2 and the file's line, and every example under deploy/config/ names
// only real settings.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "tests/testing/daemons.h"

namespace comptoir {
namespace {

using ::comptoir::testing::DaemonNetwork;
using ::comptoir::testing::WaitFor;

TEST(ConfigTest, NodeRunsFromItsFileAndTheCommandLineOverridesIt) {
  DaemonNetwork net({HUB_BIN, NODE_BIN, CLI_BIN});
  std::string error;
  ASSERT_TRUE(net.StartHub({}, &error)) << error;
  const std::string path = net.dir().Sub("hem.conf");
  std::ofstream(path) << "# hem\nsite = hem\ndata = " << net.DataDir("hem")
                      << "\nlisten = 127.0.0.1:1\nhub = " << net.hub_address()
                      << "\ncard-prefix = HM\n";
  // listen from the file (port 1) would fail: the command line wins.
  ASSERT_TRUE(net.StartNodeProcess("hem", {NODE_BIN, "--config", path, "--listen", "127.0.0.1:0"},
                                   net.DataDir("hem"), &error))
      << error;
  const testing::Shop shop = net.OpenShop("hem");
  EXPECT_EQ(shop.family_id.rfind("HM-", 0), 0u) << shop.family_id;
  ASSERT_TRUE(WaitFor([&] { return net.NodeStatus("hem").connected(); }, absl::Seconds(60)));
  EXPECT_EQ(net.NodeStatus("hem").site(), "hem");
}

TEST(ConfigTest, MistakesStopTheDaemonWithTheFileAndLine) {
  testing::TempDir dir;
  struct Case {
    const char* binary;
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{NODE_BIN, "site = hem\n\nlisten-port = 7401\n", ":3: unknown setting 'listen-port'"},
           Case{NODE_BIN, "site = hem\nrecover-from-hub = perhaps\n",
                ":2: bad value for 'recover-from-hub'"},
           Case{HUB_BIN, "# hub\nlisten 127.0.0.1:7400\n", ":2: expected 'key = value'"},
           Case{HUB_BIN, "new-epoch = true\nnew-epoch = false\n", ":2: 'new-epoch' is set twice"},
       }) {
    const std::string path = dir.Sub("daemon.conf");
    std::ofstream(path) << c.text;
    int exit_code = -1;
    const std::string output =
        DaemonNetwork::Run({c.binary, "--config", path, "--data", dir.Sub("data")}, &exit_code);
    EXPECT_EQ(exit_code, 2) << c.text << output;
    EXPECT_NE(output.find(path + c.message), std::string::npos) << c.text << output;
  }
  // A retention period of no months would erase every household: refused, in French.
  for (const char* months : {"0", "-1"}) {
    const std::string path = dir.Sub("hub.conf");
    std::ofstream(path) << "retention-months = " << months << "\n";
    int exit_code = -1;
    const std::string output =
        DaemonNetwork::Run({HUB_BIN, "--config", path, "--data", dir.Sub("data")}, &exit_code);
    EXPECT_EQ(exit_code, 2) << output;
    EXPECT_NE(output.find("durée de conservation (retention-months)"), std::string::npos)
        << output;
  }
  int exit_code = -1;
  const std::string output =
      DaemonNetwork::Run({HUB_BIN, "--config", dir.Sub("missing.conf")}, &exit_code);
  EXPECT_EQ(exit_code, 2) << output;
  EXPECT_NE(output.find("cannot read"), std::string::npos) << output;
}

TEST(ConfigTest, ExampleConfigurationsNameOnlyRealSettings) {
  const std::string dir = std::string(DEPLOY_DIR) + "/config";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".conf") continue;
    ++files;
    const bool hub = entry.path().stem() == "hub";
    int exit_code = -1;
    const std::string output = DaemonNetwork::Run(
        {hub ? HUB_BIN : NODE_BIN, "--config", entry.path().string(), "--help"}, &exit_code);
    EXPECT_EQ(exit_code, 0) << entry.path() << "\n" << output;
  }
  EXPECT_EQ(files, 7) << "the hub and the six centres";
}

}  // namespace
}  // namespace comptoir
