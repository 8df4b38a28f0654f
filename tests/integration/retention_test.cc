// Retention over the real network (issue #20's acceptance): a hub (real
// HubLog on RocksDB, real sync service on loopback gRPC) and two centres
// (real NodeStores syncing with it). A household whose referral ended is
// registered at Hem; the test moves the hub's clock past the retention
// period; the hub erases it by itself, and every replica (the hub, Hem that
// registered it, Lille that only received it) ends with its erasure day and
// without its names. A household still within its period is untouched, and
// a second pass writes nothing new.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "common/civil_day.h"
#include "common/daemon.h"
#include "common/family_view.h"
#include "common/login_desk.h"
#include "comptoir/v1/retention.grpc.pb.h"
#include "hub/retention_keeper.h"
#include "hub/retention_service.h"
#include "node/notice.h"
#include "node/till.h"
#include "tests/testing/sync_fixtures.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::PickFreePort;
using ::comptoir::testing::FamilyAt;
using ::comptoir::testing::TempDir;
using ::comptoir::testing::TestHub;
using ::comptoir::testing::TestNode;
using ::comptoir::testing::WaitFor;

// Paris noon of `day` (10:00 or 11:00 UTC), in ms since the Unix epoch.
int64_t NoonOf(const std::string& day) {
  return int64_t{DayNumber(day).value()} * 24 * 3600 * 1000 + 10 * 3600 * 1000;
}

std::string Register(Till& till, const std::string& name, const std::string& first_name) {
  v1::RegisterFamilyRequest request;
  request.set_notice_version(std::string(CurrentNoticeVersion()));
  request.set_family_name(name);
  request.set_household_type(v1::SINGLE_PARENT);
  v1::MemberInput* member = request.add_members();
  member->set_first_name(first_name);
  member->set_sex(v1::FEMALE);
  member->set_birth_year(1985);
  absl::StatusOr<v1::FamilyView> family = till.RegisterFamily(request);
  EXPECT_TRUE(family.ok()) << family.status();
  return family.ok() ? family->family_id() : "";
}

std::string Grant(Till& till, const std::string& family_id, const std::string& start,
                  const std::string& end) {
  v1::GrantReferralRequest request;
  request.set_family_id(family_id);
  request.set_prescriber_id("ccas-hem");
  request.set_start_day(start);
  request.set_end_day(end);
  absl::StatusOr<v1::ReferralView> referral = till.GrantReferral(request);
  EXPECT_TRUE(referral.ok()) << referral.status();
  return referral.ok() ? referral->referral_id() : "";
}

class RetentionNetworkTest : public ::testing::Test {
 protected:
  RetentionNetworkTest() : hub_(dir_.Sub("hub"), "127.0.0.1:" + std::to_string(PickFreePort())) {}

  void SetUp() override { ASSERT_TRUE(hub_.Start().ok()); }

  TempDir dir_;
  TestHub hub_;
  // The hub's clock, as the test moves it.
  std::atomic<int64_t> now_ms_{0};
};

TEST_F(RetentionNetworkTest, HouseholdPastItsPeriodIsErasedByTheHubAtEveryReplica) {
  TestNode hem("hem", dir_.Sub("hem"), hub_.address());
  TestNode lille("lille", dir_.Sub("lille"), hub_.address());
  Till till(hem.store.get());
  const std::string today = ParisDay(absl::ToUnixMillis(absl::Now()));

  // Dupont's referral ended today; Martin's runs for another year.
  const std::string dupont = Register(till, "Dupont", "Amélie");
  const std::string referral = Grant(till, dupont, *AddDays(today, -200), *AddDays(today, 30));
  v1::EndReferralRequest end;
  end.set_referral_id(referral);
  end.set_end_day(today);
  ASSERT_TRUE(till.EndReferral(end).ok());
  const std::string martin = Register(till, "Martin", "Inès");
  Grant(till, martin, today, *AddDays(today, 365));
  ASSERT_FALSE(dupont.empty());
  ASSERT_FALSE(martin.empty());

  // Every replica holds both households, names included.
  const Store& hub_store = hub_.log()->store();
  const Store& hem_store = hem.store->store();
  const Store& lille_store = lille.store->store();
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const Store* store : {&hub_store, &lille_store}) {
          if (FamilyAt(*store, dupont).family_name() != "Dupont" ||
              FamilyAt(*store, martin).family_name() != "Martin") {
            return false;
          }
        }
        return true;
      },
      absl::Seconds(60)))
      << "the households reach the hub and Lille";

  RetentionKeeper::Options options;
  options.clock = [this] { return now_ms_.load(); };
  // The day before Dupont's due day (24 months after today: its referral's
  // end, its registration; no visit).
  const std::string due = DayFromNumber(AddMonths(DayNumber(today).value(), 24));
  now_ms_ = NoonOf(*AddDays(due, -1));
  std::unique_ptr<RetentionKeeper> keeper =
      RetentionKeeper::Create(hub_.log(), hub_.sync(), options).value();
  keeper->Start();
  ASSERT_TRUE(keeper->WaitForPasses(1, absl::Seconds(30)));
  EXPECT_TRUE(FamilyAt(hub_store, dupont).erased_day().empty()) << "not due yet";

  // Head office's report, over gRPC: Dupont is due tomorrow, Martin is not.
  LoginDesk desk(hub_.log()->writable_store(), "hub");
  RetentionServiceImpl administrator(keeper.get(), hub_.log(), HubGate::Administrator(&desk));
  RetentionServiceImpl people(keeper.get(), hub_.log(), HubGate::People(&desk, nullptr));
  absl::StatusOr<RunningServer> admin_server = StartGrpcServer("127.0.0.1:0", {&administrator});
  absl::StatusOr<RunningServer> people_server = StartGrpcServer("127.0.0.1:0", {&people});
  ASSERT_TRUE(admin_server.ok() && people_server.ok());
  {
    auto stub = v1::RetentionService::NewStub(
        grpc::CreateChannel(admin_server->address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::RetentionDue report;
    ASSERT_TRUE(stub->ListRetentionDue(&context, {}, &report).ok());
    ASSERT_EQ(report.households_size(), 1);
    EXPECT_EQ(report.households(0).family_id(), dupont);
    EXPECT_EQ(report.households(0).home_name(), "Hem");
    EXPECT_EQ(report.households(0).last_referral_end_day(), today);
    EXPECT_EQ(report.households(0).due_day(), due);
  }
  {
    auto stub = v1::RetentionService::NewStub(
        grpc::CreateChannel(people_server->address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::RetentionDue report;
    EXPECT_EQ(stub->ListRetentionDue(&context, {}, &report).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << "nobody logged in";
  }
  admin_server->server->Shutdown();
  people_server->server->Shutdown();

  // The due day comes: nobody asks, the hub erases.
  now_ms_ = NoonOf(due);
  keeper->Wake();
  ASSERT_TRUE(keeper->WaitForPasses(2, absl::Seconds(30)));
  EXPECT_EQ(FamilyAt(hub_store, dupont).erased_day(), due);
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const Store* store : {&hem_store, &lille_store}) {
          if (FamilyAt(*store, dupont).erased_day() != due) return false;
        }
        return true;
      },
      absl::Seconds(60)))
      << "the erasure reaches Hem and Lille";
  for (const Store* store : {&hub_store, &hem_store, &lille_store}) {
    const v1::FamilyRecord erased = FamilyAt(*store, dupont);
    EXPECT_TRUE(erased.family_name().empty());
    EXPECT_TRUE(erased.first_names().empty());
    EXPECT_EQ(erased.registered_by(), "hem") << "the card stays";
    const v1::FamilyRecord kept = FamilyAt(*store, martin);
    EXPECT_EQ(kept.family_name(), "Martin") << "within its period";
    EXPECT_TRUE(kept.erased_day().empty());
  }

  // A second pass (the next hour) finds nothing to do.
  const uint64_t head = hub_.log()->LogHead();
  EXPECT_EQ(keeper->RunPass().value(), 0);
  EXPECT_EQ(hub_.log()->LogHead(), head);
  keeper->Stop();
}

}  // namespace
}  // namespace comptoir
