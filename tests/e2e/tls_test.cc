// TLS between centres and the hub, with the real binaries and certificates
// made by deploy/make-certs.sh: a centre with its own certificate syncs; a
// certificate from another CA is refused both ways; a certificate only proves
// its own site; and daemons refuse to start on a missing, mismatched or
// expired certificate.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/sync_protocol.h"
#include "common/tls.h"
#include "comptoir/v1/sync.grpc.pb.h"
#include "tests/testing/daemons.h"

namespace comptoir {
namespace {

using ::comptoir::testing::DaemonNetwork;
using ::comptoir::testing::WaitFor;

constexpr absl::Duration kPatience = absl::Seconds(60);

class TlsTest : public ::testing::Test {
 protected:
  TlsTest() : net_({HUB_BIN, NODE_BIN, CLI_BIN}) {}

  void SetUp() override {
    MakeCerts(certs_, {"hub", "hem", "lille"});
    MakeCerts(other_, {"hem"});  // another CA entirely
  }

  void MakeCerts(const std::string& dir, const std::vector<std::string>& names,
                 const std::string& days = "825") {
    std::vector<std::string> argv = {"env", "COMPTOIR_CERT_DAYS=" + days, MAKE_CERTS, dir};
    argv.insert(argv.end(), names.begin(), names.end());
    int exit_code = -1;
    const std::string output = DaemonNetwork::Run(argv, &exit_code);
    ASSERT_EQ(exit_code, 0) << output;
  }

  std::vector<std::string> HubTls(const std::string& cert = "hub") {
    return {"--tls-cert", certs_ + "/" + cert + ".crt", "--tls-key", certs_ + "/" + cert + ".key",
            "--tls-ca", certs_ + "/ca.crt"};
  }
  std::vector<std::string> NodeTls(const std::string& dir, const std::string& name) {
    return {"--tls-ca", dir + "/ca.crt", "--tls-cert", dir + "/" + name + ".crt", "--tls-key",
            dir + "/" + name + ".key"};
  }

  // Opens a raw sync stream to the hub as `credentials` and says Hello as
  // `site`; returns how the hub ends the stream.
  grpc::Status HelloAs(std::shared_ptr<grpc::ChannelCredentials> credentials,
                       const std::string& site) {
    auto stub = v1::Sync::NewStub(grpc::CreateChannel(net_.hub_address(), credentials));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    auto stream = stub->Exchange(&context);
    v1::NodeMessage hello;
    hello.mutable_hello()->set_site(site);
    hello.mutable_hello()->set_protocol_version(kProtocolVersion);
    stream->Write(hello);
    stream->WritesDone();
    v1::HubMessage reply;
    while (stream->Read(&reply)) {
    }
    return stream->Finish();
  }

  std::shared_ptr<grpc::ChannelCredentials> Credentials(const std::string& dir,
                                                        const std::string& name) {
    TlsFiles files;
    files.ca = certs_ + "/ca.crt";
    if (!name.empty()) {
      files.cert = dir + "/" + name + ".crt";
      files.key = dir + "/" + name + ".key";
    }
    absl::StatusOr<TlsMaterial> tls = LoadTls(files);
    EXPECT_TRUE(tls.ok()) << tls.status();
    return ClientTlsCredentials(*tls);
  }

  DaemonNetwork net_;
  const std::string certs_ = net_.dir().Sub("certs");
  const std::string other_ = net_.dir().Sub("other-ca");
};

TEST_F(TlsTest, CentreWithItsCertificateSyncsOverMutualTls) {
  std::string error;
  ASSERT_TRUE(net_.StartHub(HubTls(), &error)) << error;
  ASSERT_TRUE(net_.StartNode("hem", NodeTls(certs_, "hem"), &error)) << error;
  const testing::Shop shop = net_.OpenShop("hem");
  ASSERT_TRUE(net_.Sell("hem", shop, "tls-1").ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        const v1::SyncStatus status = net_.NodeStatus("hem");
        return status.connected() && status.own_seq() == 5 && status.pending_push() == 0;
      },
      kPatience))
      << net_.Log("hem");
  // The CLI reaches the TLS hub with the CA alone, and head office's status
  // once logged in there; without the CA, it cannot reach it at all.
  int exit_code = -1;
  std::ofstream(net_.dir().Sub("password")) << "mot de passe du siège\n";
  std::string output = net_.RunCli({"--hub", net_.HubAdminAddress(), "hub", "account", "create",
                                    "--login", "claire", "--role", "head-office",
                                    "--password-file", net_.dir().Sub("password")},
                                   &exit_code);
  ASSERT_EQ(exit_code, 0) << output;
  const std::vector<std::string> over_tls = {"--hub", net_.hub_address(), "--tls-ca",
                                             certs_ + "/ca.crt", "--config-dir",
                                             net_.dir().Sub("config")};
  auto cli = [&](std::vector<std::string> args) {
    args.insert(args.begin(), over_tls.begin(), over_tls.end());
    return net_.RunCli(args, &exit_code);
  };
  output = cli({"hub", "status"});
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("Connexion requise"), std::string::npos) << output;
  output = cli({"hub", "login", "--user", "claire", "--password-file", net_.dir().Sub("password")});
  ASSERT_EQ(exit_code, 0) << output;
  output = cli({"hub", "status"});
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_NE(output.find("events from hem: 5"), std::string::npos) << output;
  output = net_.RunCli({"--hub", net_.hub_address(), "--timeout", "2", "hub", "status"},
                       &exit_code);
  EXPECT_EQ(exit_code, 1) << output;
}

TEST_F(TlsTest, CertificatesOfAnotherCaAreRefusedBothWays) {
  std::string error;
  ASSERT_TRUE(net_.StartHub(HubTls(), &error)) << error;
  // A node trusting another CA does not accept the hub...
  ASSERT_TRUE(net_.StartNode("hem", NodeTls(other_, "hem"), &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return !net_.NodeStatus("hem").last_error().empty(); }, kPatience));
  EXPECT_FALSE(net_.NodeStatus("hem").connected());
  // ...and the hub does not accept a client certificate from another CA: a
  // raw client presenting one gets no stream.
  TlsFiles files{other_ + "/hem.crt", other_ + "/hem.key", certs_ + "/ca.crt"};
  absl::StatusOr<TlsMaterial> foreign = LoadTls(files);
  ASSERT_FALSE(foreign.ok()) << "LoadTls itself refuses a certificate the CA did not sign";
  EXPECT_NE(foreign.status().message().find("not signed by the CA"), absl::string_view::npos);
  TlsMaterial unchecked;
  unchecked.ca_pem = testing::ReadFile(certs_ + "/ca.crt");
  unchecked.cert_pem = testing::ReadFile(other_ + "/hem.crt");
  unchecked.key_pem = testing::ReadFile(other_ + "/hem.key");
  const grpc::Status refused = HelloAs(ClientTlsCredentials(unchecked), "hem");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
}

TEST_F(TlsTest, ACertificateProvesOnlyItsOwnSite) {
  std::string error;
  ASSERT_TRUE(net_.StartHub(HubTls(), &error)) << error;
  EXPECT_EQ(HelloAs(Credentials(certs_, "lille"), "hem").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(HelloAs(Credentials(certs_, ""), "hem").error_code(),
            grpc::StatusCode::UNAUTHENTICATED)
      << "a sync stream needs a client certificate";
  // The node itself refuses to start with another site's certificate.
  int exit_code = -1;
  std::vector<std::string> argv = {NODE_BIN, "--site", "hem", "--data", net_.DataDir("hem"),
                                   "--listen", "127.0.0.1:0", "--hub", net_.hub_address()};
  for (const std::string& arg : NodeTls(certs_, "lille")) argv.push_back(arg);
  const std::string output = DaemonNetwork::Run(argv, &exit_code);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("is for site 'lille', not 'hem'"), std::string::npos) << output;
}

TEST_F(TlsTest, DaemonsRefuseToStartOnABadCertificate) {
  MakeCerts(net_.dir().Sub("expired"), {"hub"}, "-1");
  std::filesystem::copy_file(net_.dir().Sub("expired/hub.crt"), certs_ + "/old.crt");
  std::filesystem::copy_file(net_.dir().Sub("expired/hub.key"), certs_ + "/old.key");
  struct Case {
    std::vector<std::string> tls;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{"--tls-cert", certs_ + "/missing.crt", "--tls-key", certs_ + "/hub.key", "--tls-ca",
        certs_ + "/ca.crt"},
       "cannot read certificate"},
      {{"--tls-cert", certs_ + "/hub.crt", "--tls-key", certs_ + "/hem.key", "--tls-ca",
        certs_ + "/ca.crt"},
       "does not belong to the certificate"},
      {{"--tls-cert", certs_ + "/hub.crt", "--tls-key", certs_ + "/hub.key", "--tls-ca",
        certs_ + "/hub.key"},
       "holds no PEM certificate"},
      {{"--tls-cert", certs_ + "/hub.crt", "--tls-key", certs_ + "/hub.key", "--tls-ca",
        other_ + "/ca.crt"},
       "not signed by the CA"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {HUB_BIN, "--data", net_.DataDir("hub"), "--listen",
                                     "127.0.0.1:0"};
    argv.insert(argv.end(), c.tls.begin(), c.tls.end());
    int exit_code = -1;
    const std::string output = DaemonNetwork::Run(argv, &exit_code);
    EXPECT_EQ(exit_code, 1) << output;
    EXPECT_NE(output.find(c.message), std::string::npos) << output;
  }
  // An expired certificate signed by another CA: expiry is what is reported.
  int exit_code = -1;
  std::vector<std::string> argv = {HUB_BIN, "--data", net_.DataDir("hub"), "--listen",
                                   "127.0.0.1:0", "--tls-cert", certs_ + "/old.crt", "--tls-key",
                                   certs_ + "/old.key", "--tls-ca",
                                   net_.dir().Sub("expired/ca.crt")};
  const std::string output = DaemonNetwork::Run(argv, &exit_code);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("expired on"), std::string::npos) << output;
  // And a node with an expired client certificate.
  MakeCerts(certs_, {"lille"}, "-1");
  argv = {NODE_BIN, "--site", "lille", "--data", net_.DataDir("lille"), "--listen", "127.0.0.1:0"};
  for (const std::string& arg : NodeTls(certs_, "lille")) argv.push_back(arg);
  const std::string node_output = DaemonNetwork::Run(argv, &exit_code);
  EXPECT_EQ(exit_code, 1) << node_output;
  EXPECT_NE(node_output.find("expired on"), std::string::npos) << node_output;
}

}  // namespace
}  // namespace comptoir
