// The dashboard's HTTP API over a real loopback port: the report and the sync
// health are StatsService's and HubService's own messages in the JSON mapping
// (equal to what the services answer), refusals carry their HTTP status and
// code, the CSV is common/stats_csv.h's, and the page is embedded.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/server_context.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "common/stats_csv.h"
#include "hub/hub_log.h"
#include "hub/hub_service.h"
#include "hub/stats_service.h"
#include "hub/sync_service.h"
#include "comptoir/v1/accounts.pb.h"
#include "hub/hub_accounts.h"
#include "hub/web/dashboard_server.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using google::protobuf::util::JsonStringToMessage;

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = HubLog::Open(dir_.Sub("hub"));
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    sync_ = std::make_unique<SyncServiceImpl>(log_.get(), nullptr);
    desk_ = std::make_unique<LoginDesk>(log_->writable_store(), "hub");
    // Called as the hub's administrator would (its socket): entitlement is
    // HubGate's, tested in tests/e2e/people_test.cc.
    const HubGate administrator = HubGate::Administrator(desk_.get());
    hub_ = std::make_unique<HubServiceImpl>(log_.get(), sync_.get(), administrator);
    stats_ = std::make_unique<StatsServiceImpl>(log_.get(), sync_.get(), administrator);
    auto dashboard = DashboardServer::Start("127.0.0.1:0", stats_.get(), hub_.get(), desk_.get());
    ASSERT_TRUE(dashboard.ok()) << dashboard.status();
    dashboard_ = *std::move(dashboard);
    const std::string& address = dashboard_->address();
    client_ = std::make_unique<httplib::Client>("127.0.0.1",
                                                std::stoi(address.substr(address.rfind(':') + 1)));
    ASSERT_TRUE(CreateAccountAtHub(*log_, "claire", v1::HEAD_OFFICE, "hub", kPassword).ok());
    ASSERT_TRUE(CreateAccountAtHub(*log_, "coline", v1::COORDINATOR, "hem", kPassword).ok());
    ASSERT_EQ(LogIn("claire"), 200);
  }

  // Logs in on the dashboard's API as its page does; later calls carry the
  // session cookie and the CSRF token. Returns the HTTP status.
  int LogIn(const std::string& login) {
    client_->set_default_headers({});
    httplib::Result result = client_->Post(
        "/api/AccountService/LogIn",
        R"({"login":")" + login + R"(","password":")" + kPassword + R"("})", "application/json");
    if (!result) return -1;
    last_body_ = result->body;
    if (result->status != 200) return result->status;
    const std::string cookie = result->get_header_value("Set-Cookie");
    v1::LogInResponse session;
    EXPECT_TRUE(JsonStringToMessage(result->body, &session).ok()) << result->body;
    cookie_ = cookie.substr(0, cookie.find(';'));
    client_->set_default_headers({{"Cookie", cookie_}, {"X-Comptoir-Csrf", session.csrf_token()}});
    return 200;
  }

  static constexpr char kPassword[] = "mot de passe du siège";
  std::string last_body_;
  std::string cookie_;

  void TearDown() override {
    if (dashboard_) dashboard_->Stop();
  }

  int Post(const std::string& path, const std::string& json, std::string* body,
           const std::string& content_type = "application/json") {
    httplib::Result result = client_->Post(("/api/" + path).c_str(), json, content_type.c_str());
    if (!result) return -1;
    *body = result->body;
    return result->status;
  }

  static std::string ErrorCode(const std::string& body) {
    google::protobuf::Struct error;
    EXPECT_TRUE(JsonStringToMessage(body, &error).ok()) << body;
    return error.fields().at("code").string_value();
  }

  testing::TempDir dir_;
  std::unique_ptr<HubLog> log_;
  std::unique_ptr<SyncServiceImpl> sync_;
  std::unique_ptr<LoginDesk> desk_;
  std::unique_ptr<HubServiceImpl> hub_;
  std::unique_ptr<StatsServiceImpl> stats_;
  std::unique_ptr<DashboardServer> dashboard_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(DashboardTest, ReportIsStatsServicesOwnMessageAsJson) {
  std::string body;
  ASSERT_EQ(Post("StatsService/GetReport",
                 R"({"fromDay":"2026-01-01","toDay":"2026-03-31","byMonth":true,"bySite":true})",
                 &body),
            200)
      << body;
  v1::StatsReport over_http;
  ASSERT_TRUE(JsonStringToMessage(body, &over_http).ok()) << body;
  // Fields at their default are printed too: the page can rely on them.
  EXPECT_NE(body.find("\"households\":\"0\""), std::string::npos) << body;

  v1::StatsRequest request;
  request.set_from_day("2026-01-01");
  request.set_to_day("2026-03-31");
  request.set_by_month(true);
  request.set_by_site(true);
  v1::StatsReport direct;
  absl::StatusOr<v1::StatsReport> reported = stats_->Report(request);
  ASSERT_TRUE(reported.ok()) << reported.status();
  direct = *reported;
  over_http.clear_generated_unix_ms();
  direct.clear_generated_unix_ms();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(over_http, direct))
      << over_http.DebugString() << "\nvs\n" << direct.DebugString();
  ASSERT_EQ(over_http.rows_size(), 4);  // the period, then January to March
  EXPECT_EQ(over_http.rows(3).from_day(), "2026-03-01");
}

TEST_F(DashboardTest, RefusalsCarryTheirHttpStatusAndCode) {
  std::string body;
  EXPECT_EQ(Post("StatsService/GetReport", R"({"fromDay":"2026-02-01","toDay":"2026-01-01"})",
                 &body),
            400);
  EXPECT_EQ(ErrorCode(body), "INVALID_ARGUMENT");
  EXPECT_EQ(Post("StatsService/GetReport",
                 R"({"fromDay":"2026-01-01","toDay":"2026-01-31","site":"nowhere"})", &body),
            404);
  EXPECT_EQ(ErrorCode(body), "NOT_FOUND");
  EXPECT_EQ(Post("StatsService/GetReport", R"({"fromDay":"2026-01-01","colour":"red"})", &body),
            400);
  EXPECT_EQ(ErrorCode(body), "INVALID_ARGUMENT");
  EXPECT_EQ(Post("StatsService/SetRunningCosts", R"({"site":"hem"})", &body), 404)
      << "the dashboard only reads";
  EXPECT_EQ(Post("StatsService/GetReport", "{}", &body, "text/plain"), 415);
  EXPECT_EQ(ErrorCode(body), "INVALID_ARGUMENT");

  // A site whose DNS name was pointed at 127.0.0.1 cannot read the figures.
  httplib::Headers foreign = {{"Host", "evil.example:8400"}};
  httplib::Result rebound =
      client_->Post("/api/HubService/GetSyncHealth", foreign, "{}", "application/json");
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 403);
  httplib::Result csv = client_->Get("/stats.csv?from=2026-01-01&to=2026-01-31", foreign);
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 403);
}

TEST_F(DashboardTest, SyncHealthAndHubStatusAreServed) {
  std::string body;
  ASSERT_EQ(Post("HubService/GetSyncHealth", "", &body), 200) << body;
  v1::SyncHealth health;
  EXPECT_TRUE(JsonStringToMessage(body, &health).ok()) << body;
  ASSERT_EQ(Post("HubService/GetHubStatus", "{}", &body), 200) << body;
  v1::HubStatus status;
  EXPECT_TRUE(JsonStringToMessage(body, &status).ok()) << body;
  EXPECT_EQ(status.hub_epoch(), log_->Epoch());
}

TEST_F(DashboardTest, CsvDownloadIsTheReportsCsv) {
  httplib::Result csv = client_->Get("/stats.csv?from=2026-01-01&to=2026-02-28");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv->get_header_value("Content-Disposition"),
            "attachment; filename=\"statistiques-reseau-2026-01-01-2026-02-28.csv\"");
  v1::StatsRequest request;
  request.set_from_day("2026-01-01");
  request.set_to_day("2026-02-28");
  request.set_by_month(true);
  request.set_by_site(true);
  v1::StatsReport report;
  grpc::ServerContext context;
  ASSERT_TRUE(stats_->GetReport(&context, &request, &report).ok());
  EXPECT_EQ(csv->body, StatsReportCsv(report));
  EXPECT_EQ(csv->body.rfind("from_day,to_day,site,metric,label,value\n", 0), 0u);

  // The still-coming window is the report's: 3 weeks, and a window the
  // report refuses (more than 520 weeks) is refused here too.
  request.set_still_coming_weeks(3);
  v1::StatsReport three_weeks;
  grpc::ServerContext three_weeks_context;
  ASSERT_TRUE(stats_->GetReport(&three_weeks_context, &request, &three_weeks).ok());
  httplib::Result weeks = client_->Get("/stats.csv?from=2026-01-01&to=2026-02-28&weeks=3");
  ASSERT_TRUE(weeks);
  EXPECT_EQ(weeks->body, StatsReportCsv(three_weeks));
  for (const char* wrong : {"trois", "-1", "9999"}) {
    httplib::Result refused =
        client_->Get(absl::StrCat("/stats.csv?from=2026-01-01&to=2026-02-28&weeks=", wrong));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << wrong;
    EXPECT_EQ(ErrorCode(refused->body), "INVALID_ARGUMENT") << wrong;
  }

  httplib::Result bad = client_->Get("/stats.csv?from=2026-13-01&to=2026-02-28");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(ErrorCode(bad->body), "INVALID_ARGUMENT");
  httplib::Result unknown = client_->Get("/stats.csv?from=2026-01-01&to=2026-02-28&site=nowhere");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST_F(DashboardTest, PageAndScriptsAreEmbedded) {
  httplib::Result page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<html lang=\"fr\">"), std::string::npos);
  // forms.js and forms.css: the web till's own (common/web/static), shared.
  for (const char* script : {"/dashboard.js", "/charts.js", "/dashboard.css", "/forms.js", "/forms.css"}) {
    httplib::Result asset = client_->Get(script);
    ASSERT_TRUE(asset) << script;
    EXPECT_EQ(asset->status, 200) << script;
  }
  httplib::Result missing = client_->Get("/nothing-here.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  // Not the web till's page: each daemon serves its own.
  EXPECT_EQ(page->body.find("/sale.js"), std::string::npos);
}

TEST_F(DashboardTest, ASecondDashboardCannotTakeAPortInUse) {
  auto second =
      DashboardServer::Start(dashboard_->address(), stats_.get(), hub_.get(), desk_.get());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(DashboardTest, OnlyHeadOfficeAndStatisticsLogInAndEveryCallNeedsTheSession) {
  std::string body;
  // A coordinator is refused at the door, in French.
  EXPECT_EQ(LogIn("coline@hem"), 403);
  EXPECT_NE(last_body_.find("Le siège est réservé aux comptes du siège et des statistiques"),
            std::string::npos)
      << last_body_;
  // Without a session: 401, the report and its CSV alike.
  EXPECT_EQ(Post("StatsService/GetReport", R"({"fromDay":"2026-01-01","toDay":"2026-01-31"})",
                 &body),
            401);
  EXPECT_EQ(ErrorCode(body), "UNAUTHENTICATED");
  httplib::Result csv = client_->Get("/stats.csv?from=2026-01-01&to=2026-01-31");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 401);
  // A statistics account reads the report.
  ASSERT_TRUE(CreateAccountAtHub(*log_, "fred", v1::STATISTICS, "hub", kPassword).ok());
  ASSERT_EQ(LogIn("fred"), 200);
  EXPECT_EQ(Post("StatsService/GetReport", R"({"fromDay":"2026-01-01","toDay":"2026-01-31"})",
                 &body),
            200)
      << body;
  // The same session without its CSRF token: refused.
  client_->set_default_headers({{"Cookie", cookie_}});
  EXPECT_EQ(Post("HubService/GetSyncHealth", "{}", &body), 403);
  EXPECT_NE(body.find("Jeton de sécurité"), std::string::npos) << body;
}

}  // namespace
}  // namespace comptoir
