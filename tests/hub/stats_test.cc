// Head-office statistics against the ground truth of generated activity,
// played through real tills syncing with a real hub over loopback gRPC.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/civil_day.h"
#include "common/daemon.h"
#include "google/protobuf/util/message_differencer.h"
#include "hub/hub_log.h"
#include "hub/hub_service.h"
#include "hub/stats_service.h"
#include "hub/sync_service.h"
#include "tests/generator/expected_stats.h"
#include "tests/generator/play_network.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;

// A hub in this process: network log, sync, HubService and StatsService.
class InProcessHub {
 public:
  explicit InProcessHub(std::string dir) : dir_(std::move(dir)) {}
  ~InProcessHub() { Stop(); }

  void Start(const std::string& address = "127.0.0.1:0") {
    log_ = HubLog::Open(dir_).value();
    sync_ = std::make_unique<SyncServiceImpl>(log_.get(), nullptr);
    desk_ = std::make_unique<LoginDesk>(log_->writable_store(), "hub");
    // Called as the hub's administrator would (its socket): entitlement is
    // HubGate's, tested in tests/e2e/people_test.cc.
    const HubGate administrator = HubGate::Administrator(desk_.get());
    hub_ = std::make_unique<HubServiceImpl>(log_.get(), sync_.get(), administrator);
    stats_ = std::make_unique<StatsServiceImpl>(log_.get(), sync_.get(), administrator);
    auto server = StartGrpcServer(address, {sync_.get(), hub_.get(), stats_.get()});
    ASSERT_TRUE(server.ok()) << server.status();
    address_ = server->address;
    server_ = std::move(server->server);
    stub_ = v1::StatsService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  void Stop() {
    if (!server_) return;
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    server_->Wait();
    server_.reset();
    stats_.reset();
    hub_.reset();
    desk_.reset();
    sync_.reset();
    log_.reset();
  }

  grpc::Status Report(const v1::StatsRequest& request, v1::StatsReport* report) {
    grpc::ClientContext context;
    return stub_->GetReport(&context, request, report);
  }

  v1::StatsRow Row(const std::string& from, const std::string& to, const std::string& site,
                   uint32_t weeks = 0) {
    v1::StatsRequest request;
    request.set_from_day(from);
    request.set_to_day(to);
    request.set_site(site);
    request.set_still_coming_weeks(weeks);
    v1::StatsReport report;
    grpc::Status status = Report(request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return report.rows_size() > 0 ? report.rows(0) : v1::StatsRow();
  }

  grpc::Status SetCosts(const std::string& site, int year, int64_t cents) {
    v1::RunningCosts costs;
    costs.set_site(site);
    costs.set_year(year);
    costs.set_amount_cents(cents);
    v1::RunningCosts answer;
    grpc::ClientContext context;
    return stub_->SetRunningCosts(&context, costs, &answer);
  }

  const std::string& address() const { return address_; }

 private:
  std::string dir_;
  std::string address_;
  std::unique_ptr<HubLog> log_;
  std::unique_ptr<SyncServiceImpl> sync_;
  std::unique_ptr<LoginDesk> desk_;
  std::unique_ptr<HubServiceImpl> hub_;
  std::unique_ptr<StatsServiceImpl> stats_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::StatsService::Stub> stub_;
};

void ExpectSameRow(const v1::StatsRow& expected, const v1::StatsRow& actual) {
  google::protobuf::util::MessageDifferencer differencer;
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(expected, actual))
      << "report for " << expected.site() << " " << expected.from_day() << ".."
      << expected.to_day() << " differs from the ground truth:\n"
      << differences;
}

class StatsTest : public ::testing::Test {
 protected:
  StatsTest() : hub_(dir_.Sub("hub")) {}

  absl::StatusOr<generator::Facts> Play(const generator::ActivityOptions& activity,
                                        const std::vector<std::string>& sites) {
    generator::NetworkOptions network;
    network.hub_address = hub_.address();
    network.dir = dir_.path();
    network.sites = sites;
    return generator::PlayNetwork(activity, network);
  }

  TempDir dir_;
  InProcessHub hub_;
};

TEST_F(StatsTest, EveryFigureMatchesTheGroundTruthOfAGeneratedNetwork) {
  hub_.Start();
  generator::ActivityOptions activity;
  activity.seed = 20261125;
  activity.first_day = "2026-01-05";
  activity.days = 150;
  activity.families_per_site = 20;
  activity.roaming_share = 0.3;
  // Caudry is cut off from day 50 to day 85: its sales reach the hub late.
  activity.offline_site = "caudry";
  activity.offline_from = 50;
  activity.offline_days = 35;
  const std::vector<std::string> sites = {"caudry", "hem", "lille"};
  absl::StatusOr<generator::Facts> played = Play(activity, sites);
  ASSERT_TRUE(played.ok()) << played.status();
  const generator::Facts& facts = *played;
  ASSERT_GT(facts.sales.size(), 200u);

  int roaming = 0, voided = 0, hair = 0;
  for (const generator::FactSale& sale : facts.sales) {
    roaming += sale.site != facts.families.at(sale.family).home;
    voided += sale.voided;
    for (const auto& line : sale.lines) hair += line.member != 0;
  }
  ASSERT_GT(roaming, 0) << "the seed must make families shop at another centre";
  ASSERT_GT(voided, 0) << "the seed must void sales";
  ASSERT_GT(hair, 0);

  const std::string last = *AddDays(activity.first_day, activity.days - 1);
  std::vector<std::pair<std::string, std::string>> periods = {
      {activity.first_day, last},          // the whole period
      {"2026-02-01", "2026-02-28"},        // one month
      {"2026-01-20", "2026-03-13"},        // across months, edges mid-month
      {"2026-03-01", "2026-03-01"},        // one day
      {"2025-06-01", "2025-12-31"},        // before anything happened
  };
  for (const auto& [from, to] : periods) {
    ExpectSameRow(generator::ExpectedRow(facts, from, to, ""), hub_.Row(from, to, ""));
    for (const std::string& site : sites) {
      ExpectSameRow(generator::ExpectedRow(facts, from, to, site), hub_.Row(from, to, site));
    }
  }
  ExpectSameRow(generator::ExpectedRow(facts, activity.first_day, last, "", 3),
                hub_.Row(activity.first_day, last, "", 3));

  // Statistics are rebuilt identically when the hub restarts.
  const v1::StatsRow before = hub_.Row(activity.first_day, last, "");
  hub_.Stop();
  hub_.Start();
  ExpectSameRow(before, hub_.Row(activity.first_day, last, ""));
}

TEST_F(StatsTest, MonthAndCentreBreakdownsAreRowsOfTheirOwn) {
  const int64_t started_ms = absl::ToUnixMillis(absl::Now()) - 1000;
  hub_.Start();
  generator::ActivityOptions activity;
  activity.seed = 7;
  activity.first_day = "2026-03-10";
  activity.days = 60;
  activity.families_per_site = 8;
  absl::StatusOr<generator::Facts> played = Play(activity, {"hem", "lille"});
  ASSERT_TRUE(played.ok()) << played.status();
  const generator::Facts& facts = *played;

  v1::StatsRequest request;
  request.set_from_day("2026-03-10");
  request.set_to_day("2026-05-08");
  request.set_by_month(true);
  request.set_by_site(true);
  v1::StatsReport report;
  ASSERT_TRUE(hub_.Report(request, &report).ok());
  // Period, 3 months; then per centre: period + 3 months.
  ASSERT_EQ(report.rows_size(), 4 + 2 * 4);
  const std::vector<std::pair<std::string, std::string>> months = {
      {"2026-03-10", "2026-03-31"}, {"2026-04-01", "2026-04-30"}, {"2026-05-01", "2026-05-08"}};
  ExpectSameRow(generator::ExpectedRow(facts, "2026-03-10", "2026-05-08", ""), report.rows(0));
  int index = 1;
  for (const auto& [from, to] : months) {
    ExpectSameRow(generator::ExpectedRow(facts, from, to, ""), report.rows(index++));
  }
  for (const std::string site : {"hem", "lille"}) {
    ExpectSameRow(generator::ExpectedRow(facts, "2026-03-10", "2026-05-08", site),
                  report.rows(index++));
    for (const auto& [from, to] : months) {
      ExpectSameRow(generator::ExpectedRow(facts, from, to, site), report.rows(index++));
    }
  }
  ASSERT_EQ(report.freshness_size(), 2);
  for (const v1::SiteFreshness& fresh : report.freshness()) {
    EXPECT_GT(fresh.events_held(), 0u);
    // Hybrid clocks never go back: the generated past events are stamped at
    // least as late as the hub's configuration events, written just now.
    EXPECT_GE(fresh.latest_event_unix_ms(), started_ms) << fresh.site();
  }
}

TEST_F(StatsTest, RunningCostsGiveTheBudgetBalancePaidByFamilies) {
  hub_.Start();
  generator::ActivityOptions activity;
  activity.seed = 3;
  activity.first_day = "2026-01-01";
  activity.days = 40;
  activity.families_per_site = 6;
  absl::StatusOr<generator::Facts> played = Play(activity, {"hem"});
  ASSERT_TRUE(played.ok()) << played.status();
  ASSERT_TRUE(hub_.SetCosts("hem", 2026, 3'650'000).ok());
  ASSERT_TRUE(hub_.SetCosts("hem", 2026, 7'300'000).ok());  // corrected: the latest holds

  const v1::StatsRow year = hub_.Row("2026-01-01", "2026-12-31", "hem");
  EXPECT_EQ(year.running_costs_cents(), 7'300'000);
  EXPECT_EQ(year.balance_cents(), year.paid_cents() - 7'300'000);
  const v1::StatsRow ten_days = hub_.Row("2026-01-01", "2026-01-10", "hem");
  EXPECT_EQ(ten_days.running_costs_cents(), 200'000) << "10 days of 365, pro rata";
  EXPECT_EQ(hub_.Row("2026-01-01", "2026-12-31", "").running_costs_cents(), 7'300'000);

  // A centre that has sold nothing yet has a report once its costs are entered.
  ASSERT_TRUE(hub_.SetCosts("valenciennes", 2026, 3'650'000).ok());
  const v1::StatsRow idle = hub_.Row("2026-01-01", "2026-01-10", "valenciennes");
  EXPECT_EQ(idle.households(), 0);
  EXPECT_EQ(idle.running_costs_cents(), 100'000);
  EXPECT_EQ(idle.balance_cents(), -100'000);
}

TEST_F(StatsTest, BadQueriesGetClearErrorsAndChangeNothing) {
  hub_.Start();
  v1::StatsRequest request;
  v1::StatsReport report;
  request.set_from_day("2026-02-30");
  request.set_to_day("2026-03-01");
  EXPECT_EQ(hub_.Report(request, &report).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_from_day("2026-03-02");
  EXPECT_EQ(hub_.Report(request, &report).error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << "reversed period";
  request.set_from_day("2026-01-01");
  request.set_site("nowhere");
  grpc::Status unknown = hub_.Report(request, &report);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(unknown.error_message().find("nowhere"), std::string::npos);

  EXPECT_EQ(hub_.SetCosts("Hem!", 2026, 1).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(hub_.SetCosts("hem", 1850, 1).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(hub_.SetCosts("hem", 2026, -5).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_site("");
  ASSERT_TRUE(hub_.Report(request, &report).ok());
  EXPECT_EQ(report.rows(0).running_costs_cents(), 0) << "refused entries changed nothing";
}

}  // namespace
}  // namespace comptoir
