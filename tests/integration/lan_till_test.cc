// The web till on a centre's network: bound beyond loopback (0.0.0.0), over
// HTTPS with a certificate of deploy/make-certs.sh, answering only to its
// configured name. The client checks the certificate against the network CA
// and reaches 127.0.0.1 under the till's name (as the other PCs would reach
// the till's address); no other address is used.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>

#include "comptoir/v1/accounts.pb.h"
#include "node/account_desk.h"
#include "node/accounts.h"
#include "node/node_store.h"
#include "node/till.h"
#include "node/web/web_server.h"
#include "tests/testing/daemons.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

constexpr char kName[] = "caisse.hem.test";
constexpr char kPassword[] = "mot de passe du test";

class LanTillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto node = NodeStore::Open({"hem", dir_.Sub("hem"), nullptr, ""});
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = *std::move(node);
    till_ = std::make_unique<Till>(node_.get());
    accounts_ = std::make_unique<Accounts>(node_.get());
    desk_ = std::make_unique<AccountDesk>(accounts_.get(), node_.get());
    ASSERT_TRUE(accounts_
                    ->CreateAccount("victor", v1::VOLUNTEER, kPassword, accounts_->Administrator())
                    .ok());
    int exit_code = -1;
    const std::string output = testing::DaemonNetwork::Run(
        {"env", std::string("COMPTOIR_WEB_NAMES=") + kName, MAKE_CERTS, certs_, "web-hem"},
        &exit_code);
    ASSERT_EQ(exit_code, 0) << output;
  }

  // The centre's network, by name, over HTTPS.
  HttpEndpoint Lan() const {
    HttpEndpoint endpoint;
    endpoint.listen = "0.0.0.0:0";
    endpoint.tls_cert = certs_ + "/web-hem.crt";
    endpoint.tls_key = certs_ + "/web-hem.key";
    endpoint.names = {kName};
    return endpoint;
  }

  absl::StatusOr<std::unique_ptr<WebServer>> Start(const HttpEndpoint& endpoint) {
    return WebServer::Start(endpoint, till_.get(), desk_.get(), node_.get(), nullptr);
  }

  static int PortOf(const WebServer& web) {
    const std::string& address = web.address();
    return std::stoi(address.substr(address.rfind(':') + 1));
  }

  // A browser of another counter: it reaches `name` at 127.0.0.1 and checks
  // the certificate against the network CA.
  std::unique_ptr<httplib::SSLClient> Browser(const std::string& name, int port) const {
    auto client = std::make_unique<httplib::SSLClient>(name, port);
    client->set_hostname_addr_map({{name, "127.0.0.1"}});
    client->set_ca_cert_path((certs_ + "/ca.crt").c_str());
    client->enable_server_certificate_verification(true);
    return client;
  }

  testing::TempDir dir_;
  const std::string certs_ = dir_.Sub("certs");
  std::unique_ptr<NodeStore> node_;
  std::unique_ptr<Till> till_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<AccountDesk> desk_;
};

TEST_F(LanTillTest, ServedOverTlsToItsNameOnly) {
  auto web = Start(Lan());
  ASSERT_TRUE(web.ok()) << web.status();
  const int port = PortOf(**web);
  auto browser = Browser(kName, port);
  httplib::Result page = browser->Get("/");
  ASSERT_TRUE(page) << httplib::to_string(page.error());
  EXPECT_EQ(page->status, 200);
  // Host names are case-insensitive.
  httplib::Result upper = browser->Get("/", {{"Host", "CAISSE.HEM.TEST:" + std::to_string(port)}});
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->status, 200);
  // Another name (DNS rebinding), or the machine's own address: refused,
  // in the API's JSON error format.
  for (const std::string host : {"evil.example", "caisse.hem.test.evil.example", "127.0.0.1",
                                 "localhost", "caisse.hem"}) {
    httplib::Result forged = browser->Post(
        "/api/TillService/GetCatalogue", {{"Host", host + ":" + std::to_string(port)}}, "{}",
        "application/json");
    ASSERT_TRUE(forged) << host;
    EXPECT_EQ(forged->status, 403) << host;
    EXPECT_NE(forged->body.find("PERMISSION_DENIED"), std::string::npos) << forged->body;
    EXPECT_NE(forged->body.find(kName), std::string::npos) << forged->body;
  }
}

TEST_F(LanTillTest, TheSessionCookieIsSecureOverTls) {
  auto web = Start(Lan());
  ASSERT_TRUE(web.ok()) << web.status();
  httplib::Result login = Browser(kName, PortOf(**web))
                              ->Post("/api/AccountService/LogIn",
                                     std::string(R"({"login":"victor","password":")") +
                                         kPassword + R"("})",
                                     "application/json");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  const std::string cookie = login->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.rfind("comptoir_hem=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
}

TEST_F(LanTillTest, PlainHttpAndWrongNamesGetNoPage) {
  auto web = Start(Lan());
  ASSERT_TRUE(web.ok()) << web.status();
  const int port = PortOf(**web);
  httplib::Client plain("127.0.0.1", port);
  plain.set_default_headers({{"Host", std::string(kName)}});
  httplib::Result clear = plain.Get("/");
  EXPECT_FALSE(clear && clear->status == 200) << "plain HTTP must not be served";
  // A name the certificate does not carry fails the browser's check.
  httplib::Result unnamed = Browser("autre.hem.test", port)->Get("/");
  ASSERT_FALSE(unnamed);
  EXPECT_EQ(unnamed.error(), httplib::Error::SSLServerVerification)
      << httplib::to_string(unnamed.error());
}

TEST_F(LanTillTest, BeyondLoopbackNeedsTlsAndAName) {
  HttpEndpoint no_tls = Lan();
  no_tls.tls_cert.clear();
  no_tls.tls_key.clear();
  HttpEndpoint no_name = Lan();
  no_name.names = {" , "};
  HttpEndpoint no_key = Lan();
  no_key.tls_key.clear();
  for (const auto& [endpoint, missing] :
       {std::pair{no_tls, "--http-tls-cert"}, {no_tls, "--http-tls-key"},
        {no_name, "--http-name"}, {no_key, "--http-tls-key"}}) {
    auto web = Start(endpoint);
    ASSERT_FALSE(web.ok()) << missing;
    EXPECT_EQ(web.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(web.status().message().find(missing), std::string::npos) << web.status();
  }
  // The certificate is enough on a name, not a licence to skip the name.
  EXPECT_EQ(Start(no_name).status().message().find("--http-tls-cert"), std::string::npos);
  // The key must stay private.
  std::filesystem::permissions(Lan().tls_key, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto readable = Start(Lan());
  ASSERT_FALSE(readable.ok());
  EXPECT_NE(readable.status().message().find("chmod 600"), std::string::npos)
      << readable.status();
}

TEST_F(LanTillTest, OnLoopbackANamedTillAlsoAnswersToLoopbackNames) {
  HttpEndpoint local = Lan();
  local.listen = "127.0.0.1:0";
  auto web = Start(local);
  ASSERT_TRUE(web.ok()) << web.status();
  auto browser = Browser(kName, PortOf(**web));
  for (const std::string host : {kName, "127.0.0.1", "localhost"}) {
    httplib::Result page = browser->Get("/", {{"Host", host}});
    ASSERT_TRUE(page) << host;
    EXPECT_EQ(page->status, 200) << host;
  }
  httplib::Result forged = browser->Get("/", {{"Host", "evil.example"}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
}

}  // namespace
}  // namespace comptoir
