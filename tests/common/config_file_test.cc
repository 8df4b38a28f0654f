// The settings file format and how it combines with the command line.
#include <gtest/gtest.h>

#include <fstream>

#include "CLI/CLI.hpp"
#include "common/config_file.h"
#include "common/daemon_config.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

TEST(ConfigFileTest, ParsesKeysValuesCommentsAndQuotes) {
  absl::StatusOr<std::vector<ConfigEntry>> entries = ParseConfigText(
      "# a comment\n"
      "\n"
      "  listen = 127.0.0.1:7401  \n"
      "hub =\n"
      "name = \"  spaced  \"\r\n"
      "note = a # not a comment\n",
      "hem.conf");
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].key, "listen");
  EXPECT_EQ((*entries)[0].value, "127.0.0.1:7401");
  EXPECT_EQ((*entries)[0].line, 3);
  EXPECT_EQ((*entries)[1].key, "hub");
  EXPECT_EQ((*entries)[1].value, "");
  EXPECT_EQ((*entries)[2].value, "  spaced  ");
  EXPECT_EQ((*entries)[3].value, "a # not a comment");
}

TEST(ConfigFileTest, ErrorsNameTheFileAndLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {Case{"listen 127.0.0.1:1\n", "hem.conf:1: expected 'key = value'"},
                        Case{"\n\nListen = x\n", "hem.conf:3: 'Listen' is not a key"},
                        Case{"a = 1\na = 2\n", "hem.conf:2: 'a' is set twice"},
                        Case{"a = \"open\n", "hem.conf:1: unterminated quoted value"},
                        Case{" = 1\n", "hem.conf:1: '' is not a key"}}) {
    absl::StatusOr<std::vector<ConfigEntry>> entries = ParseConfigText(c.text, "hem.conf");
    ASSERT_FALSE(entries.ok()) << c.text;
    EXPECT_EQ(entries.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(entries.status().message().find(c.message), absl::string_view::npos)
        << entries.status().message();
  }
  EXPECT_EQ(ReadConfigFile("/nonexistent/comptoir.conf").status().code(),
            absl::StatusCode::kNotFound);
}

class DaemonConfigTest : public ::testing::Test {
 protected:
  DaemonConfigTest() {
    app_.add_option("--site", site_);
    app_.add_option("--listen", listen_);
    app_.add_option("--hub", hub_);
    app_.add_option("--port", port_);
    app_.add_flag("--recover-from-hub", recover_);
  }

  std::string Write(const std::string& text) {
    const std::string path = dir_.Sub("daemon.conf");
    std::ofstream(path) << text;
    return path;
  }

  int Parse(std::vector<std::string> args) {
    std::vector<const char*> argv = {"daemon"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    return ParseCommandLine(app_, static_cast<int>(argv.size()), argv.data());
  }

  testing::TempDir dir_;
  CLI::App app_{"test daemon"};
  std::string site_;
  std::string listen_ = "127.0.0.1:7401";
  std::string hub_ = "127.0.0.1:7400";
  int port_ = 0;
  bool recover_ = false;
};

TEST_F(DaemonConfigTest, FileSetsOptionsAndTheCommandLineWins) {
  const std::string path = Write(
      "site = hem\nlisten = 0.0.0.0:7401\nhub =\nport = 12\nrecover-from-hub = true\n");
  EXPECT_EQ(Parse({"--config", path, "--listen", "127.0.0.1:9999"}), -1);
  EXPECT_EQ(site_, "hem");
  EXPECT_EQ(listen_, "127.0.0.1:9999") << "the command line wins";
  EXPECT_EQ(hub_, "") << "an empty value is a value";
  EXPECT_EQ(port_, 12);
  EXPECT_TRUE(recover_);
}

TEST_F(DaemonConfigTest, FlagsCanBeTurnedOffInTheFile) {
  const std::string path = Write("recover-from-hub = false\n");
  EXPECT_EQ(Parse({"--config=" + path}), -1);
  EXPECT_FALSE(recover_);
}

TEST_F(DaemonConfigTest, UnknownSettingIsRefusedWithItsLine) {
  const std::string path = Write("site = hem\n# ok\nlisten_address = 0.0.0.0:1\n");
  absl::StatusOr<std::vector<std::string>> args = [&] {
    app_.add_option("--config", "settings file");
    const char* argv[] = {"daemon", "--config", path.c_str()};
    return ArgsWithConfigFile(app_, 3, argv);
  }();
  ASSERT_FALSE(args.ok());
  EXPECT_NE(args.status().message().find(path + ":3: unknown setting 'listen_address'"),
            absl::string_view::npos)
      << args.status().message();
}

TEST_F(DaemonConfigTest, ErrorsExitWithStatus2) {
  EXPECT_EQ(Parse({"--config", Write("colour = blue\n")}), 2);
  EXPECT_EQ(Parse({"--config", Write("port = twelve\n")}), 2);
  EXPECT_EQ(Parse({"--config", dir_.Sub("missing.conf")}), 2);
  EXPECT_EQ(Parse({"--config", Write("config = other.conf\n")}), 2) << "no nesting";
}

}  // namespace
}  // namespace comptoir
