// Erasure over the real network (issue #20's acceptance): a hub (real HubLog
// on RocksDB, real sync service on loopback gRPC) and three centres (real
// NodeStores syncing with it). A household registered at Hem, with a
// referral whose project and end reason are free texts, is erased at Hem
// while Lille is offline. Once Lille is back, no replica's files hold its
// name, first name or texts; every card, core and chain is still there; and
// a hub or a centre restored from a copy taken before the erasure comes back
// without them (the erasure register).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "common/civil_day.h"
#include "common/erasure.h"
#include "common/event_log.h"
#include "common/family_view.h"
#include "common/keys.h"
#include "common/login_desk.h"
#include "common/sha256.h"
#include "hub/stats_service.h"
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

// What was typed about the household: none may survive the erasure.
const char* const kTyped[] = {"Zorglubowska", "Anastasie", "ProjetXylophone", "DemenagementQuimper"};

// The typed texts found in any file under `dir` (RocksDB's tables, logs and
// write-ahead logs included).
std::vector<std::string> TypedTextsIn(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const char* text : kTyped) {
      if (bytes.find(text) != std::string::npos) {
        found.push_back(std::string(text) + " in " + entry.path().string());
      }
    }
  }
  return found;
}

// Hem's chain as `store` holds it links from 1 to its head.
void ExpectHemChainVerifies(const Store& store, uint64_t head) {
  std::string previous_hash(kHashSize, '\0');
  for (uint64_t seq = 1; seq <= head; ++seq) {
    absl::StatusOr<std::optional<std::string>> core = store.Get(Column::kEvents, EventKey("hem", seq));
    ASSERT_TRUE(core.ok() && core->has_value()) << "hem/" << seq;
    v1::EventCore parsed;
    ASSERT_TRUE(parsed.ParseFromString(**core));
    EXPECT_EQ(parsed.prev_hash(), previous_hash) << "hem/" << seq;
    previous_hash = Sha256(**core);
  }
}

class ErasureNetworkTest : public ::testing::Test {
 protected:
  ErasureNetworkTest() : hub_(dir_.Sub("hub"), "127.0.0.1:" + std::to_string(PickFreePort())) {}
  void SetUp() override { ASSERT_TRUE(hub_.Start().ok()); }

  TempDir dir_;
  TestHub hub_;
};

TEST_F(ErasureNetworkTest, ErasedAtHemWhileLilleIsOfflineLeavesNoNameAnywhere) {
  TestNode hem("hem", dir_.Sub("hem"), hub_.address());
  TestNode armentieres("armentieres", dir_.Sub("armentieres"), hub_.address());
  auto lille = std::make_unique<TestNode>("lille", dir_.Sub("lille"), hub_.address());
  Till till(hem.store.get());
  const std::string today = ParisDay(absl::ToUnixMillis(absl::Now()));

  v1::RegisterFamilyRequest registration;
  registration.set_notice_version(std::string(CurrentNoticeVersion()));
  registration.set_family_name("Zorglubowska");
  registration.set_household_type(v1::SINGLE_PARENT);
  v1::MemberInput* member = registration.add_members();
  member->set_first_name("Anastasie");
  member->set_sex(v1::FEMALE);
  member->set_birth_year(1985);
  absl::StatusOr<v1::FamilyView> family = till.RegisterFamily(registration);
  ASSERT_TRUE(family.ok()) << family.status();
  const std::string card = family->family_id();
  v1::GrantReferralRequest grant;
  grant.set_family_id(card);
  grant.set_prescriber_id("ccas-hem");
  grant.set_start_day(today);
  grant.set_end_day(*AddDays(today, 90));
  grant.set_project("ProjetXylophone");
  absl::StatusOr<v1::ReferralView> referral = till.GrantReferral(grant);
  ASSERT_TRUE(referral.ok()) << referral.status();
  v1::EndReferralRequest end;
  end.set_referral_id(referral->referral_id());
  end.set_end_day(today);
  end.set_reason("DemenagementQuimper");
  ASSERT_TRUE(till.EndReferral(end).ok());
  const uint64_t hem_head = hem.store->OwnHead()->seq;

  const Store& hub_store = hub_.log()->store();
  ASSERT_TRUE(WaitFor([&] {
    return FamilyAt(lille->store->store(), card).family_name() == "Zorglubowska" &&
           FamilyAt(armentieres.store->store(), card).family_name() == "Zorglubowska" &&
           hub_.Holds("hem") == hem_head;
  }, absl::Seconds(60))) << "the household reaches every replica";

  // The network report, by month and by centre, as head office reads it.
  LoginDesk desk(hub_.log()->writable_store(), "hub");
  StatsServiceImpl stats(hub_.log(), hub_.sync(), HubGate::Administrator(&desk));
  v1::StatsRequest period;
  period.set_from_day(*AddDays(today, -400));
  period.set_to_day(today);
  period.set_by_month(true);
  period.set_by_site(true);
  v1::StatsReport before = stats.Report(period).value();
  // What is compared: every row (period, month, centre). Freshness says when
  // each centre last wrote, and the erasure is a write.
  before.clear_generated_unix_ms();
  before.clear_freshness();

  // Copies taken before the erasure, as backups are.
  const std::string hub_copy = dir_.Sub("hub-backup");
  const std::string hem_copy = dir_.Sub("hem-backup");
  ASSERT_TRUE(hub_store.Checkpoint(hub_copy).ok());
  ASSERT_TRUE(hem.store->store().Checkpoint(hem_copy).ok());
  ASSERT_FALSE(TypedTextsIn(hub_copy).empty()) << "the copy holds the names";

  // Lille goes offline; Hem's coordinator erases the household.
  lille.reset();
  v1::EraseFamilyRequest erase;
  erase.set_family_id(card);
  absl::StatusOr<v1::FamilyView> erased = till.EraseFamily(erase);
  ASSERT_TRUE(erased.ok()) << erased.status();
  EXPECT_EQ(erased->erased_day(), today);
  EXPECT_TRUE(erased->family_name().empty());
  EXPECT_TRUE(erased->members(0).first_name().empty());
  EXPECT_EQ(till.EraseFamily(erase).status().code(), absl::StatusCode::kFailedPrecondition)
      << "already erased";
  v1::UpdateFamilyRequest rename;
  rename.set_family_id(card);
  rename.set_family_name("Zorglubowska");
  EXPECT_EQ(till.UpdateFamily(rename).status().code(), absl::StatusCode::kFailedPrecondition)
      << "an erased household's names are not written again";
  EXPECT_TRUE(TypedTextsIn(dir_.Sub("hem")).empty()) << "gone from Hem's files at once";

  ASSERT_TRUE(WaitFor([&] {
    return TypedTextsIn(dir_.Sub("hub")).empty() && TypedTextsIn(dir_.Sub("armentieres")).empty();
  }, absl::Seconds(60))) << ::testing::PrintToString(TypedTextsIn(dir_.Sub("hub")));

  // Lille comes back: it applies the erasure it missed.
  lille = std::make_unique<TestNode>("lille", dir_.Sub("lille"), hub_.address());
  ASSERT_TRUE(WaitFor([&] {
    return FamilyAt(lille->store->store(), card).erased_day() == today &&
           TypedTextsIn(dir_.Sub("lille")).empty();
  }, absl::Seconds(60))) << ::testing::PrintToString(TypedTextsIn(dir_.Sub("lille")));

  for (const Store* store : {&hub_store, &hem.store->store(), &lille->store->store(),
                             &armentieres.store->store()}) {
    const v1::FamilyRecord record = FamilyAt(*store, card);
    EXPECT_EQ(record.erased_day(), today);
    EXPECT_TRUE(record.family_name().empty());
    EXPECT_TRUE(record.first_names().empty());
    EXPECT_EQ(record.household_type(), v1::SINGLE_PARENT) << "the core stays";
    ASSERT_EQ(record.members_size(), 1);
    EXPECT_EQ(record.members(0).birth_year(), 1985u);
    ExpectHemChainVerifies(*store, hem_head + 1);
  }

  v1::StatsReport after = stats.Report(period).value();
  after.clear_generated_unix_ms();
  after.clear_freshness();
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString())
      << "the statistics of every period are unchanged\n" << before.DebugString() << after.DebugString();
  ASSERT_GT(before.rows_size(), 0);
  EXPECT_EQ(before.rows(0).registrations(), 1) << before.rows(0).DebugString();

  // The hub restored from its copy, as `comptoir-hub restore` does: the
  // register of the data directory it replaces is applied first.
  {
    std::unique_ptr<HubLog> restored =
        HubLog::Open(hub_copy, /*new_epoch=*/true, nullptr,
                     ErasureRegisterPath(dir_.Sub("hub"))).value();
    EXPECT_EQ(FamilyAt(restored->store(), card).erased_day(), today);
    EXPECT_TRUE(FamilyAt(restored->store(), card).family_name().empty());
  }
  EXPECT_TRUE(TypedTextsIn(hub_copy).empty()) << ::testing::PrintToString(TypedTextsIn(hub_copy));
  // Hem restored from its copy likewise.
  {
    NodeStore::Options options;
    options.site = "hem";
    options.dir = hem_copy;
    options.recover_from_hub = true;
    options.erasure_register = ErasureRegisterPath(dir_.Sub("hem"));
    std::unique_ptr<NodeStore> restored = NodeStore::Open(options).value();
    EXPECT_EQ(FamilyAt(restored->store(), card).erased_day(), today);
  }
  EXPECT_TRUE(TypedTextsIn(hem_copy).empty()) << ::testing::PrintToString(TypedTextsIn(hem_copy));
}

}  // namespace
}  // namespace comptoir
