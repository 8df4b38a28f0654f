// Revoking or replacing a centre's credential ends its open sync stream
// within seconds (hub/stream_auth.h), over real gRPC on loopback: a raw
// stream sees the hub's status, a real node shows it in its sync status, and
// other centres' streams are left alone.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <memory>

#include "absl/time/clock.h"
#include "node/sync_status.h"
#include "tests/testing/sync_fixtures.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::HelloFrom;
using ::comptoir::testing::PickFreePort;
using ::comptoir::testing::RawExchange;
using ::comptoir::testing::TempDir;
using ::comptoir::testing::TestHub;
using ::comptoir::testing::TestNode;
using ::comptoir::testing::WaitFor;

constexpr absl::Duration kPatience = absl::Seconds(30);
// The hub checks live streams every second (SyncServiceImpl::kCredentialCheckInterval).
constexpr absl::Duration kCutWithin = absl::Seconds(5);

// A sync stream that says Hello as `site` and then only reads, as a node that
// has nothing to push.
class OpenStream {
 public:
  OpenStream(const std::string& address, const std::string& token, const std::string& site)
      : stub_(v1::Sync::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {
    context_.AddMetadata("authorization", "Bearer " + token);
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    stream_ = stub_->Exchange(&context_);
    stream_->Write(HelloFrom(site));
  }

  // Reads until the hub's Welcome; false if the stream ended first.
  bool Welcomed() {
    v1::HubMessage reply;
    while (stream_->Read(&reply)) {
      if (reply.has_welcome()) return true;
    }
    return false;
  }

  // Reads until the hub ends the stream; how it ended it.
  grpc::Status Ended() {
    v1::HubMessage reply;
    while (stream_->Read(&reply)) {
    }
    return stream_->Finish();
  }

 private:
  std::unique_ptr<v1::Sync::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::NodeMessage, v1::HubMessage>> stream_;
};

class RevocationTest : public ::testing::Test {
 protected:
  RevocationTest() : hub_(dir_.Sub("hub"), "127.0.0.1:" + std::to_string(PickFreePort())) {}

  void SetUp() override {
    credentials_ = dir_.Sub("credentials");
    hem_token_ = CredentialStore::Issue(credentials_, "hem").value();
    lille_token_ = CredentialStore::Issue(credentials_, "lille").value();
    hub_.RequireCredentials(credentials_);
    ASSERT_TRUE(hub_.Start().ok());
  }

  TempDir dir_;
  TestHub hub_;
  std::string credentials_;
  std::string hem_token_;
  std::string lille_token_;
};

TEST_F(RevocationTest, RevokingACredentialEndsItsOpenStreamWithinSeconds) {
  OpenStream hem(hub_.address(), hem_token_, "hem");
  ASSERT_TRUE(hem.Welcomed());
  ASSERT_TRUE(CredentialStore::Revoke(credentials_, "hem").ok());
  const absl::Time revoked = absl::Now();
  const grpc::Status ended = hem.Ended();
  EXPECT_LT(absl::Now() - revoked, kCutWithin);
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAUTHENTICATED) << ended.error_message();
  EXPECT_NE(ended.error_message().find("credential of centre 'hem' was revoked or replaced"),
            std::string::npos)
      << ended.error_message();
  // And a new stream with that token is refused before any message.
  const auto again = RawExchange(hub_.address(), {HelloFrom("hem")}, hem_token_);
  EXPECT_EQ(again.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(again.welcomes, 0);
}

TEST_F(RevocationTest, ReplacingACredentialEndsTheStreamOfTheOldToken) {
  OpenStream old_token(hub_.address(), hem_token_, "hem");
  ASSERT_TRUE(old_token.Welcomed());
  const std::string fresh = CredentialStore::Issue(credentials_, "hem").value();
  const absl::Time replaced = absl::Now();
  const grpc::Status ended = old_token.Ended();
  EXPECT_LT(absl::Now() - replaced, kCutWithin);
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAUTHENTICATED) << ended.error_message();
  // The new token syncs, and its stream is left open.
  TestNode hem("hem", dir_.Sub("hem"), hub_.address(), fresh);
  ASSERT_TRUE(WaitFor([&] { return hem.client->state().connected; }, kPatience));
  const uint64_t streams = hem.client->state().streams_opened;
  ASSERT_TRUE(hem.Sell(1));
  EXPECT_TRUE(WaitFor([&] { return hub_.Holds("hem") == 1; }, kPatience));
  EXPECT_EQ(hem.client->state().streams_opened, streams);
}

TEST_F(RevocationTest, ARevokedNodeShowsTheRefusalAndOtherCentresSyncOn) {
  TestNode hem("hem", dir_.Sub("hem"), hub_.address(), hem_token_);
  TestNode lille("lille", dir_.Sub("lille"), hub_.address(), lille_token_);
  ASSERT_TRUE(WaitFor(
      [&] { return hem.client->state().connected && lille.client->state().connected; },
      kPatience));
  const uint64_t lille_streams = lille.client->state().streams_opened;
  ASSERT_TRUE(CredentialStore::Revoke(credentials_, "hem").ok());
  ASSERT_TRUE(WaitFor([&] { return !hem.client->state().connected; }, kCutWithin))
      << "the open stream was cut";
  // `comptoir sync status` shows the hub's refusal as the last error.
  ASSERT_TRUE(WaitFor(
      [&] {
        return CurrentSyncStatus(*hem.store, hem.client.get())->last_error().find(
                   "UNAUTHENTICATED") != std::string::npos;
      },
      kPatience));
  const v1::SyncStatus status = CurrentSyncStatus(*hem.store, hem.client.get()).value();
  EXPECT_FALSE(status.connected());
  EXPECT_NE(status.last_error().find("revoked"), std::string::npos) << status.last_error();
  // It stays out: every new stream is refused.
  EXPECT_FALSE(hem.client->state().connected);
  EXPECT_EQ(hub_.sync()->ConnectedSites(), std::vector<std::string>{"lille"});
  // Lille's stream was never touched and still carries events.
  ASSERT_TRUE(lille.Sell(1));
  EXPECT_TRUE(WaitFor([&] { return hub_.Holds("lille") == 1; }, kPatience));
  EXPECT_EQ(lille.client->state().streams_opened, lille_streams);
}

TEST_F(RevocationTest, TheCredentialsFileIsOwnerOnly) {
  struct stat info;
  ASSERT_EQ(stat(credentials_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_TRUE(CredentialStore::Revoke(credentials_, "lille").ok());
  ASSERT_EQ(stat(credentials_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace comptoir
