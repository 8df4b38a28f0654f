// The web till's HTTP API and static files, over a real loopback port: the
// JSON mapping of the till's own messages both ways, refusals with their HTTP
// status and French message, and the embedded page.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "common/money.h"
#include "comptoir/v1/accounts.pb.h"
#include "node/account_desk.h"
#include "node/accounts.h"
#include "node/node_store.h"
#include "node/notice.h"
#include "node/sync_client.h"
#include "node/till.h"
#include "node/web/web_server.h"
#include "tests/testing/shop.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using google::protobuf::util::JsonStringToMessage;

class WebTillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto node = NodeStore::Open({"hem", dir_.Sub("hem"), nullptr, ""});
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = *std::move(node);
    till_ = std::make_unique<Till>(node_.get());
    accounts_ = std::make_unique<Accounts>(node_.get());
    desk_ = std::make_unique<AccountDesk>(accounts_.get(), node_.get());
    for (auto [login, role] : {std::pair{"coline", v1::COORDINATOR}, {"victor", v1::VOLUNTEER}}) {
      ASSERT_TRUE(
          accounts_->CreateAccount(login, role, kPassword, accounts_->Administrator()).ok());
    }
    StartWeb(nullptr);
    LogIn("coline");
  }

  void StartWeb(SyncClient* sync) {
    if (web_) web_->Stop();
    auto web = WebServer::Start("127.0.0.1:0", till_.get(), desk_.get(), node_.get(), sync);
    ASSERT_TRUE(web.ok()) << web.status();
    web_ = *std::move(web);
    const std::string& address = web_->address();
    client_ = std::make_unique<httplib::Client>("127.0.0.1",
                                                std::stoi(address.substr(address.rfind(':') + 1)));
    client_->set_default_headers(session_headers_);
  }

  // Logs in through the page's API, as the login page does; later calls
  // carry the session cookie and the CSRF token, as the page's do.
  void LogIn(const std::string& login) {
    client_->set_default_headers({});
    httplib::Result result = client_->Post(
        "/api/AccountService/LogIn",
        R"({"login":")" + login + R"(","password":")" + kPassword + R"("})", "application/json");
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, 200) << result->body;
    set_cookie_ = result->get_header_value("Set-Cookie");
    const std::string cookie = set_cookie_.substr(0, set_cookie_.find(';'));
    v1::LogInResponse session;
    ASSERT_TRUE(JsonStringToMessage(result->body, &session).ok()) << result->body;
    session_headers_ = {{"Cookie", cookie}, {"X-Comptoir-Csrf", session.csrf_token()}};
    client_->set_default_headers(session_headers_);
  }

  static constexpr char kPassword[] = "mot de passe du test";

  // POSTs `json` to /api/<path>; returns the HTTP status and sets `body`.
  int Post(const std::string& path, const std::string& json, std::string* body,
           const std::string& content_type = "application/json") {
    httplib::Result result = client_->Post(("/api/" + path).c_str(), json, content_type.c_str());
    if (!result) return -1;
    *body = result->body;
    return result->status;
  }

  // The {"code", "message"} of an error body.
  static std::pair<std::string, std::string> Error(const std::string& body) {
    google::protobuf::Struct error;
    EXPECT_TRUE(JsonStringToMessage(body, &error).ok()) << body;
    return {error.fields().at("code").string_value(), error.fields().at("message").string_value()};
  }

  testing::TempDir dir_;
  std::unique_ptr<NodeStore> node_;
  std::unique_ptr<Till> till_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<AccountDesk> desk_;
  httplib::Headers session_headers_;
  std::string set_cookie_;
  std::unique_ptr<WebServer> web_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(WebTillTest, SaleRoundTripsThroughTheJsonMapping) {
  auto shop = testing::OpenShop(*till_);
  ASSERT_TRUE(shop.ok()) << shop.status();
  const std::string request = R"({"familyId":")" + shop->family_id +
                              R"(","items":[{"productId":")" + shop->product_id +
                              R"(","quantity":"3"}],"paymentMethod":"CASH","requestId":"web-1"})";
  std::string body;
  ASSERT_EQ(Post("TillService/QuoteSale", request, &body), 200) << body;
  v1::SaleQuote quote;
  ASSERT_TRUE(JsonStringToMessage(body, &quote).ok()) << body;
  ASSERT_EQ(quote.lines_size(), 1);
  EXPECT_EQ(quote.lines(0).reference_cents(), 3 * 189);
  EXPECT_EQ(quote.family_total_cents(), FamilyPriceCents(3 * 189, 8000));
  EXPECT_EQ(quote.saved_cents(), 3 * 189 - quote.family_total_cents());
  // 64-bit integers travel as strings, names in lowerCamelCase, enums by name.
  EXPECT_NE(body.find(R"("familyTotalCents":"113")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("department":"epicerie")"), std::string::npos) << body;
  // A quote writes nothing: the first receipt number is still free.
  ASSERT_EQ(Post("TillService/RecordSale", request, &body), 200) << body;
  v1::RecordSaleResponse sale;
  ASSERT_TRUE(JsonStringToMessage(body, &sale).ok()) << body;
  EXPECT_EQ(sale.receipt_no(), "HEM-" + node_->Today().substr(0, 4) + "-000001");
  EXPECT_EQ(sale.family_total_cents(), quote.family_total_cents());
  EXPECT_NE(sale.receipt_text().find("Vous payez"), std::string::npos);
  // The same request id again: the same sale, nothing new written.
  ASSERT_EQ(Post("TillService/RecordSale", request, &body), 200) << body;
  v1::RecordSaleResponse again;
  ASSERT_TRUE(JsonStringToMessage(body, &again).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.receipt_no(), sale.receipt_no());
  // Void, then the receipt says so.
  ASSERT_EQ(Post("TillService/VoidSale",
                 R"({"receiptNo":")" + sale.receipt_no() + R"(","reason":"erreur"})", &body),
            200)
      << body;
  ASSERT_EQ(Post("TillService/GetReceipt", R"({"receiptNo":")" + sale.receipt_no() + R"("})",
                 &body),
            200);
  v1::Receipt receipt;
  ASSERT_TRUE(JsonStringToMessage(body, &receipt).ok());
  EXPECT_TRUE(receipt.voided());
  EXPECT_NE(receipt.text().find("VENTE ANNULÉE"), std::string::npos) << receipt.text();
}

TEST_F(WebTillTest, RefusalsCarryTheirCodeHttpStatusAndFrenchMessage) {
  std::string body;
  EXPECT_EQ(Post("TillService/RecordSale",
                 R"({"familyId":"HEM-999999","items":[{"productId":"X-1","quantity":1}]})", &body),
            404);
  auto [code, message] = Error(body);
  EXPECT_EQ(code, "NOT_FOUND");
  EXPECT_NE(message.find("Famille HEM-999999 inconnue dans ce centre"), std::string::npos)
      << message;

  v1::RegisterFamilyRequest family;
  family.set_notice_version(std::string(CurrentNoticeVersion()));
  family.set_family_name("Sans Orientation");
  v1::MemberInput* member = family.add_members();
  member->set_first_name("Paul");
  member->set_sex(v1::MALE);
  member->set_birth_year(1970);
  family.set_household_type(v1::SINGLE_PERSON);
  auto registered = till_->RegisterFamily(family);
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(Post("TillService/QuoteSale",
                 R"({"familyId":")" + registered->family_id() +
                     R"(","items":[{"productId":"X-1","quantity":1}]})",
                 &body),
            400);
  std::tie(code, message) = Error(body);
  EXPECT_EQ(code, "FAILED_PRECONDITION");
  EXPECT_NE(message.find("n'a pas d'orientation valable aujourd'hui"), std::string::npos)
      << message;

  EXPECT_EQ(Post("TillService/RecordSale", R"({"familyId":)", &body), 400);
  EXPECT_EQ(Error(body).first, "INVALID_ARGUMENT");
  EXPECT_EQ(Post("TillService/RecordSale", R"({"notAField":1})", &body), 400);
  EXPECT_EQ(Error(body).first, "INVALID_ARGUMENT");
  EXPECT_EQ(Post("TillService/NoSuchCall", "{}", &body), 404);
  EXPECT_EQ(Error(body).first, "NOT_FOUND");
  // A form of another web site cannot post JSON without a CORS preflight.
  const std::string valid_family = R"({"familyName":"X","members":[{"firstName":"Y","sex":"MALE","birthYear":1980}],"householdType":"SINGLE_PERSON","noticeVersion":")" +
                                   std::string(CurrentNoticeVersion()) + R"("})";
  EXPECT_EQ(Post("TillService/RegisterFamily", valid_family, &body, "text/plain"), 415);
  // Nor can a site whose name was made to point at 127.0.0.1 (DNS rebinding),
  // even one whose name starts like a loopback address: names are compared whole.
  for (const char* name : {"till.example.org:8401", "127.0.0.1.example.org:8401",
                           "127.evil.example:8401", "127.0.0.1x:8401", "localhost.example.org"}) {
    httplib::Headers foreign_host = {{"Host", name}};
    httplib::Result rebound = client_->Post("/api/TillService/RegisterFamily", foreign_host,
                                            valid_family, "application/json");
    ASSERT_TRUE(rebound) << name;
    EXPECT_EQ(rebound->status, 403) << name;
    EXPECT_EQ(Error(rebound->body).first, "PERMISSION_DENIED") << name;
  }
  for (const char* name : {"127.0.0.1:8401", "localhost:8401", "[::1]:8401", "127.1.2.3"}) {
    httplib::Headers loopback_host = {{"Host", name}};
    httplib::Result served = client_->Post("/api/TillService/GetCatalogue", loopback_host, "{}",
                                           "application/json");
    ASSERT_TRUE(served) << name;
    EXPECT_EQ(served->status, 200) << name << ": " << served->body;
  }
  v1::SearchFamiliesRequest query;
  query.set_query("X");
  auto search = till_->SearchFamilies(query);
  ASSERT_TRUE(search.ok()) << search.status();
  EXPECT_EQ(search->families_size(), 0) << "the text/plain call must not have registered anyone";
}

TEST_F(WebTillTest, EmptyRequestsAndFamilySearchUseTheTillsMessages) {
  std::string body;
  ASSERT_EQ(Post("TillService/GetCatalogue", "", &body), 200) << body;
  v1::Catalogue catalogue;
  ASSERT_TRUE(JsonStringToMessage(body, &catalogue).ok());
  bool coiffure_serves_persons = false;
  for (const v1::Department& d : catalogue.departments()) {
    if (d.code() == "coiffure") coiffure_serves_persons = d.serves_persons();
  }
  EXPECT_TRUE(coiffure_serves_persons);

  ASSERT_TRUE(testing::OpenShop(*till_).ok());
  ASSERT_EQ(Post("TillService/SearchFamilies", R"({"query":"martin"})", &body), 200);
  v1::SearchFamiliesResponse found;
  ASSERT_TRUE(JsonStringToMessage(body, &found).ok());
  ASSERT_EQ(found.families_size(), 1);
  EXPECT_TRUE(found.families(0).may_shop_today());
  EXPECT_EQ(found.families(0).members(0).first_name(), "Sophie");
}

TEST_F(WebTillTest, ServesTheEmbeddedTill) {
  httplib::Result page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(page->body.find("id=\"connection\""), std::string::npos);
  httplib::Result script = client_->Get("/common.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(script->body.find("/api/"), std::string::npos);
  // Its icon, so that the till's tab is found among others (and no 404 for it).
  EXPECT_NE(page->body.find("href=\"/favicon.svg\""), std::string::npos);
  httplib::Result icon = client_->Get("/favicon.svg");
  ASSERT_TRUE(icon);
  EXPECT_EQ(icon->status, 200);
  EXPECT_EQ(icon->get_header_value("Content-Type"), "image/svg+xml");
  // The French dates and checks the dashboard serves too (common/web/static).
  httplib::Result forms = client_->Get("/forms.js");
  ASSERT_TRUE(forms);
  EXPECT_EQ(forms->status, 200);
  EXPECT_NE(forms->body.find("export function installFrenchForms"), std::string::npos);
  httplib::Result missing = client_->Get("/nothing-here.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(WebTillTest, ASecondTillCannotTakeAPortInUse) {
  // Two centres' nodes on one PC must never share a port (and answer for each other).
  auto second = WebServer::Start(web_->address(), till_.get(), desk_.get(), node_.get(), nullptr);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  httplib::Result page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  auto malformed = WebServer::Start("8401", till_.get(), desk_.get(), node_.get(), nullptr);
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(WebTillTest, SyncStatusSaysSinceWhenTheHubIsUnreachable) {
  std::string body;
  ASSERT_EQ(Post("NodeService/GetSyncStatus", "{}", &body), 200);
  v1::SyncStatus alone;
  ASSERT_TRUE(JsonStringToMessage(body, &alone).ok());
  EXPECT_EQ(alone.site(), "hem");
  EXPECT_FALSE(alone.connected());
  EXPECT_EQ(alone.offline_since_unix_ms(), 0) << "no hub configured: never 'offline since'";

  SyncClient::Options options;
  options.hub_address = "127.0.0.1:" + std::to_string(testing::PickFreePort());
  const int64_t before = absl::ToUnixMillis(absl::Now());
  SyncClient sync(node_.get(), options);
  sync.Start();
  StartWeb(&sync);
  ASSERT_TRUE(testing::AppendRawSale(*node_).ok());
  ASSERT_EQ(Post("NodeService/GetSyncStatus", "{}", &body), 200);
  v1::SyncStatus offline;
  ASSERT_TRUE(JsonStringToMessage(body, &offline).ok());
  EXPECT_FALSE(offline.connected());
  EXPECT_GE(offline.offline_since_unix_ms(), before);
  EXPECT_EQ(offline.pending_push(), offline.own_seq()) << "the accounts' events and the sale";
  EXPECT_EQ(offline.own_seq(), 5u);
  web_->Stop();
  sync.Stop();
}

TEST_F(WebTillTest, TheSessionCookieIsHttpOnlyStrictAndEveryCallNeedsIt) {
  EXPECT_EQ(set_cookie_.rfind("comptoir_hem=", 0), 0u) << set_cookie_;
  EXPECT_NE(set_cookie_.find("HttpOnly"), std::string::npos) << set_cookie_;
  EXPECT_NE(set_cookie_.find("SameSite=Strict"), std::string::npos) << set_cookie_;
  EXPECT_NE(set_cookie_.find("Max-Age=43200"), std::string::npos) << set_cookie_;
  std::string body;
  ASSERT_EQ(Post("AccountService/GetSession", "{}", &body), 200) << body;
  v1::LogInResponse session;
  ASSERT_TRUE(JsonStringToMessage(body, &session).ok()) << body;
  EXPECT_EQ(session.account().login(), "coline");
  EXPECT_EQ(session.account().role_name(), "coordinateur");
  EXPECT_TRUE(session.token().empty()) << "the page never sees the session's secret";

  // Without the cookie: 401, in French.
  client_->set_default_headers({});
  ASSERT_EQ(Post("TillService/GetCatalogue", "{}", &body), 401) << body;
  EXPECT_EQ(Error(body).first, "UNAUTHENTICATED");
  EXPECT_NE(Error(body).second.find("Connexion requise"), std::string::npos) << body;
  // A wrong password is refused the same way whatever the login.
  ASSERT_EQ(Post("AccountService/LogIn", R"({"login":"coline","password":"non"})", &body), 401);
  ASSERT_EQ(Post("AccountService/LogIn", R"({"login":"personne","password":"non"})", &body), 401);
  EXPECT_EQ(Error(body).second, "Identifiant ou mot de passe incorrect.");
}

TEST_F(WebTillTest, AWriteWithoutItsCsrfTokenIsRefusedAndWritesNothing) {
  const std::string family =
      R"({"familyName":"Martin","members":[{"firstName":"Ana","sex":"FEMALE","birthYear":1990}],)"
      R"("householdType":"SINGLE_PERSON","noticeVersion":")" + std::string(CurrentNoticeVersion()) +
      R"("})";
  const std::string cookie = session_headers_.find("Cookie")->second;
  std::string body;
  for (const httplib::Headers& forged :
       {httplib::Headers{{"Cookie", cookie}},
        httplib::Headers{{"Cookie", cookie}, {"X-Comptoir-Csrf", "0123456789abcdef"}}}) {
    client_->set_default_headers(forged);
    ASSERT_EQ(Post("TillService/RegisterFamily", family, &body), 403) << body;
    EXPECT_EQ(Error(body).first, "PERMISSION_DENIED");
    EXPECT_NE(Error(body).second.find("Jeton de sécurité"), std::string::npos) << body;
  }
  EXPECT_EQ(node_->Status()->own_seq(), 4u) << "the two accounts' events only";
  // With it, the same call is served.
  client_->set_default_headers(session_headers_);
  ASSERT_EQ(Post("TillService/RegisterFamily", family, &body), 200) << body;
}

TEST_F(WebTillTest, AVolunteerSellsButCannotVoidAndEachEventNamesItsPerson) {
  auto shop = testing::OpenShop(*till_);
  ASSERT_TRUE(shop.ok()) << shop.status();
  LogIn("victor");
  const std::string sale = R"({"familyId":")" + shop->family_id + R"(","items":[{"productId":")" +
                           shop->product_id + R"(","quantity":"1"}],"paymentMethod":"CASH",)" +
                           R"("requestId":"victor-1"})";
  std::string body;
  ASSERT_EQ(Post("TillService/RecordSale", sale, &body), 200) << body;
  v1::RecordSaleResponse sold;
  ASSERT_TRUE(JsonStringToMessage(body, &sold).ok());
  const uint64_t before = node_->Status()->own_seq();
  const std::string void_request =
      R"({"receiptNo":")" + sold.receipt_no() + R"(","reason":"erreur"})";
  ASSERT_EQ(Post("TillService/VoidSale", void_request, &body), 403) << body;
  EXPECT_EQ(Error(body).second,
            "Votre rôle (bénévole) ne permet pas d'annuler une vente : demandez à un "
            "coordinateur.");
  EXPECT_EQ(node_->Status()->own_seq(), before) << "a refused void writes nothing";

  LogIn("coline");
  ASSERT_EQ(Post("TillService/VoidSale", void_request, &body), 200) << body;
  v1::ListAuditRequest everything;
  everything.set_all(true);
  absl::StatusOr<v1::ListAuditResponse> audit =
      desk_->ListAudit(accounts_->Administrator(), everything);
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_GE(audit->entries_size(), 2);
  EXPECT_EQ(audit->entries(0).login(), "coline");
  EXPECT_EQ(audit->entries(0).what(), "Vente " + sold.receipt_no() + " annulée (erreur)");
  EXPECT_EQ(audit->entries(1).login(), "victor");
  EXPECT_EQ(audit->entries(1).what(),
            "Vente " + sold.receipt_no() + " à la famille " + shop->family_id);
}

TEST_F(WebTillTest, LoggingOutEndsTheSession) {
  std::string body;
  ASSERT_EQ(Post("AccountService/LogOut", "{}", &body), 200) << body;
  ASSERT_EQ(Post("TillService/GetCatalogue", "{}", &body), 401) << body;
}

}  // namespace
}  // namespace comptoir
