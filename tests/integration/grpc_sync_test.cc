// Node and hub over real gRPC on loopback, in one process: the adapters around
// the protocol core, live propagation, outages and refusals on the wire.
// (What bad input gets on the wire: tests/integration/bad_input_test.cc.)
#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/sync_fixtures.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::PickFreePort;
using ::comptoir::testing::TempDir;
using ::comptoir::testing::TestHub;
using ::comptoir::testing::TestNode;
using ::comptoir::testing::WaitFor;

constexpr absl::Duration kPatience = absl::Seconds(30);

class GrpcSyncTest : public ::testing::Test {
 protected:
  GrpcSyncTest() : hub_(dir_.Sub("hub"), "127.0.0.1:" + std::to_string(PickFreePort())) {}

  uint64_t HubHolds(const std::string& origin) { return hub_.Holds(origin); }

  TempDir dir_;
  TestHub hub_;
};

TEST_F(GrpcSyncTest, ASaleAtOneCentreIsAppliedAtAnotherOverTheOpenStream) {
  ASSERT_TRUE(hub_.Start().ok());
  TestNode hem("hem", dir_.Sub("hem"), hub_.address());
  TestNode lille("lille", dir_.Sub("lille"), hub_.address());
  ASSERT_TRUE(WaitFor([&] { return hem.client->state().connected && lille.client->state().connected; },
                      kPatience));
  const uint64_t streams_before = lille.client->state().streams_opened;
  ASSERT_TRUE(hem.Sell(1));
  ASSERT_TRUE(WaitFor([&] { return lille.SalesFrom("hem") == 1; }, kPatience));
  ASSERT_TRUE(hem.Sell(3));
  ASSERT_TRUE(WaitFor([&] { return lille.SalesFrom("hem") == 4; }, kPatience));
  EXPECT_EQ(lille.client->state().streams_opened, streams_before)
      << "events arrived over the stream that was already open, not by reconnecting";
  EXPECT_TRUE(WaitFor([&] { return hem.store->Status()->pending_push() == 0; }, kPatience));
  const auto sites = hub_.sync()->ConnectedSites();
  EXPECT_EQ(sites, (std::vector<std::string>{"hem", "lille"}));
}

TEST_F(GrpcSyncTest, TheHubReportsEachCentresSyncHealth) {
  ASSERT_TRUE(hub_.Start().ok());
  TestNode hem("hem", dir_.Sub("hem"), hub_.address());
  TestNode lille("lille", dir_.Sub("lille"), hub_.address());
  ASSERT_TRUE(hem.Sell(3));
  auto health_of = [&](const std::string& site) {
    v1::SyncHealth health;
    grpc::ServerContext context;
    EXPECT_TRUE(hub_.service()->GetSyncHealth(&context, nullptr, &health).ok());
    for (const auto& row : health.sites()) {
      if (row.site() == site) return row;
    }
    return v1::SiteHealth();
  };
  ASSERT_TRUE(WaitFor([&] {
    const v1::SiteHealth h = health_of("hem");
    const v1::SiteHealth l = health_of("lille");
    return h.events_held() == 3 && h.pending_push() == 0 && l.connected() && l.lag_events() == 0;
  }, kPatience));
  const v1::SiteHealth hem_health = health_of("hem");
  EXPECT_TRUE(hem_health.connected());
  EXPECT_GT(hem_health.last_contact_unix_ms(), 0);
  EXPECT_GT(hem_health.latest_event_unix_ms(), 0);
  EXPECT_EQ(health_of("lille").events_held(), 0u);
}

TEST_F(GrpcSyncTest, TheTillWorksWithoutAHubAndCatchesUpWhenItStarts) {
  TestNode hem("hem", dir_.Sub("hem"), hub_.address());
  ASSERT_TRUE(hem.Sell(50));
  // The first attempt fails and the status says why.
  ASSERT_TRUE(WaitFor([&] { return !hem.client->state().last_error.empty(); }, kPatience));
  EXPECT_FALSE(hem.client->state().connected);
  EXPECT_EQ(hem.store->Status()->pending_push(), 50u);
  ASSERT_TRUE(hub_.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return HubHolds("hem") == 50; }, kPatience));
  ASSERT_TRUE(WaitFor([&] { return hem.store->Status()->pending_push() == 0; }, kPatience));
  EXPECT_TRUE(hem.client->state().connected);
}

TEST_F(GrpcSyncTest, AHubRestartLosesNothingAndDuplicatesNothing) {
  ASSERT_TRUE(hub_.Start().ok());
  TestNode hem("hem", dir_.Sub("hem"), hub_.address());
  TestNode lille("lille", dir_.Sub("lille"), hub_.address());
  ASSERT_TRUE(hem.Sell(10));
  ASSERT_TRUE(WaitFor([&] { return lille.SalesFrom("hem") == 10; }, kPatience));
  hub_.Stop();
  ASSERT_TRUE(hem.Sell(15));
  ASSERT_TRUE(lille.Sell(5));
  ASSERT_TRUE(hub_.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return lille.SalesFrom("hem") == 25 && hem.SalesFrom("lille") == 5; },
                      kPatience));
  EXPECT_EQ(HubHolds("hem"), 25u);
  EXPECT_EQ(hub_.log()->LogHead(), hub_.log()->HeadOf("hub")->seq + 30);
  const v1::SalesSummary sales = hub_.log()->Sales().value();
  for (const auto& row : sales.origins()) {
    EXPECT_EQ(row.sales(), row.origin() == "hem" ? 25u : 5u) << row.origin();
  }
}

// Hub with a credentials file: each centre proves its site with its token.
class CredentialsTest : public GrpcSyncTest {
 protected:
  void SetUp() override {
    credentials_ = dir_.Sub("credentials");
    hem_token_ = CredentialStore::Issue(credentials_, "hem").value();
    lille_token_ = CredentialStore::Issue(credentials_, "lille").value();
    hub_.RequireCredentials(credentials_);
    ASSERT_TRUE(hub_.Start().ok());
  }

  std::string credentials_;
  std::string hem_token_;
  std::string lille_token_;
};

TEST_F(CredentialsTest, ACentreSyncsWithItsTokenAndARevokedTokenIsRefused) {
  {
    TestNode hem("hem", dir_.Sub("hem"), hub_.address(), hem_token_);
    TestNode lille("lille", dir_.Sub("lille"), hub_.address(), lille_token_);
    ASSERT_TRUE(hem.Sell(2));
    ASSERT_TRUE(WaitFor([&] { return lille.SalesFrom("hem") == 2; }, kPatience));
  }
  ASSERT_TRUE(CredentialStore::Revoke(credentials_, "hem").ok());
  {
    TestNode hem("hem", dir_.Sub("hem"), hub_.address(), hem_token_);
    ASSERT_TRUE(WaitFor([&] { return !hem.client->state().last_error.empty(); }, kPatience));
    EXPECT_NE(hem.client->state().last_error.find("UNAUTHENTICATED"), std::string::npos)
        << hem.client->state().last_error;
    EXPECT_FALSE(hem.client->state().connected);
  }
  // A newly issued token works again, without restarting the hub.
  const std::string fresh = CredentialStore::Issue(credentials_, "hem").value();
  TestNode again("hem", dir_.Sub("hem"), hub_.address(), fresh);
  EXPECT_TRUE(WaitFor([&] { return again.client->state().connected; }, kPatience));
}

TEST(CredentialStoreTest, OnlyHashesAreStoredAndMalformedFilesAreRefused) {
  TempDir dir;
  const std::string path = dir.Sub("credentials");
  const std::string first = CredentialStore::Issue(path, "hem").value();
  EXPECT_EQ(testing::ReadFile(path).find(first), std::string::npos) << "the token itself is not kept";
  auto store = CredentialStore::Open(path).value();
  EXPECT_EQ(store->SiteForToken(first), "hem");
  const std::string second = CredentialStore::Issue(path, "hem").value();
  EXPECT_EQ(store->SiteForToken(first), std::nullopt) << "re-issuing replaces the old token";
  EXPECT_EQ(store->SiteForToken(second), "hem");
  EXPECT_EQ(CredentialStore::Revoke(path, "lille").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(CredentialStore::Issue(path, "Not A Site").status().code(),
            absl::StatusCode::kInvalidArgument);
  std::ofstream(dir.Sub("bad")) << "hem not-a-hash\n";
  EXPECT_EQ(CredentialStore::Open(dir.Sub("bad")).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace comptoir
