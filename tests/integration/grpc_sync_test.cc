// Node and hub over real gRPC on loopback, in one process: the adapters around
// the protocol core, live propagation, outages and refusals on the wire.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/daemon.h"
#include <fstream>

#include "hub/credentials.h"
#include "hub/hub_log.h"
#include "hub/hub_service.h"
#include "hub/sync_service.h"
#include "node/node_store.h"
#include "node/sync_client.h"
#include "tests/testing/shop.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::PickFreePort;
using ::comptoir::testing::TempDir;
using ::comptoir::testing::WaitFor;

constexpr absl::Duration kPatience = absl::Seconds(30);

// A hub serving on a fixed address, which can be stopped and started again on
// the same data directory.
class TestHub {
 public:
  TestHub(std::string dir, std::string address) : dir_(std::move(dir)), address_(address) {}
  ~TestHub() { Stop(); }

  // Authenticate centres with this credentials file from the next Start().
  void RequireCredentials(const std::string& path) { credentials_path_ = path; }

  void Start() {
    log_ = HubLog::Open(dir_).value();
    if (!credentials_path_.empty()) credentials_ = CredentialStore::Open(credentials_path_).value();
    sync_ = std::make_unique<SyncServiceImpl>(log_.get(), credentials_.get());
    service_ = std::make_unique<HubServiceImpl>(log_.get(), sync_.get());
    auto server = StartGrpcServer(address_, {sync_.get(), service_.get()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server->server);
  }

  void Stop() {
    if (!server_) return;
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    server_->Wait();
    server_.reset();
    service_.reset();
    sync_.reset();
    log_.reset();
  }

  HubLog* log() { return log_.get(); }
  SyncServiceImpl* sync() { return sync_.get(); }
  HubServiceImpl* service() { return service_.get(); }
  const std::string& address() const { return address_; }

 private:
  std::string dir_;
  std::string address_;
  std::string credentials_path_;
  std::unique_ptr<CredentialStore> credentials_;
  std::unique_ptr<HubLog> log_;
  std::unique_ptr<SyncServiceImpl> sync_;
  std::unique_ptr<HubServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
};

// A centre: its store and its sync client.
struct TestNode {
  TestNode(const std::string& site, const std::string& dir, const std::string& hub,
           const std::string& token = "") {
    store = NodeStore::Open({site, dir, nullptr, ""}).value();
    SyncClient::Options options;
    options.hub_address = hub;
    options.token = token;
    options.max_backoff = absl::Milliseconds(500);
    client = std::make_unique<SyncClient>(store.get(), options);
    SyncClient* raw = client.get();
    store->SetLocalAppendListener([raw] { raw->NotifyLocalAppend(); });
    client->Start();
  }
  ~TestNode() { client->Stop(); }

  void Sell(int count) {
    for (int i = 0; i < count; ++i) ASSERT_TRUE(testing::AppendRawSale(*store, 1).ok());
  }

  uint64_t SalesFrom(const std::string& origin) {
    const v1::SalesSummary sales = store->Sales().value();
    for (const auto& row : sales.origins()) {
      if (row.origin() == origin) return row.sales();
    }
    return 0;
  }

  std::unique_ptr<NodeStore> store;
  std::unique_ptr<SyncClient> client;
};

class GrpcSyncTest : public ::testing::Test {
 protected:
  GrpcSyncTest() : hub_(dir_.Sub("hub"), "127.0.0.1:" + std::to_string(PickFreePort())) {}

  uint64_t HubHolds(const std::string& origin) {
    auto head = hub_.log()->HeadOf(origin);
    return head.ok() ? head->seq : 0;
  }

  TempDir dir_;
  TestHub hub_;
};

TEST_F(GrpcSyncTest, ASaleAtOneCentreIsAppliedAtAnotherOverTheOpenStream) {
  hub_.Start();
  TestNode hem("hem", dir_.Sub("hem"), hub_.address());
  TestNode lille("lille", dir_.Sub("lille"), hub_.address());
  ASSERT_TRUE(WaitFor([&] { return hem.client->state().connected && lille.client->state().connected; },
                      kPatience));
  const uint64_t streams_before = lille.client->state().streams_opened;
  hem.Sell(1);
  ASSERT_TRUE(WaitFor([&] { return lille.SalesFrom("hem") == 1; }, kPatience));
  hem.Sell(3);
  ASSERT_TRUE(WaitFor([&] { return lille.SalesFrom("hem") == 4; }, kPatience));
  EXPECT_EQ(lille.client->state().streams_opened, streams_before)
      << "events arrived over the stream that was already open, not by reconnecting";
  EXPECT_TRUE(WaitFor([&] { return hem.store->Status()->pending_push() == 0; }, kPatience));
  const auto sites = hub_.sync()->ConnectedSites();
  EXPECT_EQ(sites, (std::vector<std::string>{"hem", "lille"}));
}

TEST_F(GrpcSyncTest, TheHubReportsEachCentresSyncHealth) {
  hub_.Start();
  TestNode hem("hem", dir_.Sub("hem"), hub_.address());
  TestNode lille("lille", dir_.Sub("lille"), hub_.address());
  hem.Sell(3);
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
  hem.Sell(50);
  // The first attempt fails and the status says why.
  ASSERT_TRUE(WaitFor([&] { return !hem.client->state().last_error.empty(); }, kPatience));
  EXPECT_FALSE(hem.client->state().connected);
  EXPECT_EQ(hem.store->Status()->pending_push(), 50u);
  hub_.Start();
  ASSERT_TRUE(WaitFor([&] { return HubHolds("hem") == 50; }, kPatience));
  ASSERT_TRUE(WaitFor([&] { return hem.store->Status()->pending_push() == 0; }, kPatience));
  EXPECT_TRUE(hem.client->state().connected);
}

TEST_F(GrpcSyncTest, AHubRestartLosesNothingAndDuplicatesNothing) {
  hub_.Start();
  TestNode hem("hem", dir_.Sub("hem"), hub_.address());
  TestNode lille("lille", dir_.Sub("lille"), hub_.address());
  hem.Sell(10);
  ASSERT_TRUE(WaitFor([&] { return lille.SalesFrom("hem") == 10; }, kPatience));
  hub_.Stop();
  hem.Sell(15);
  lille.Sell(5);
  hub_.Start();
  ASSERT_TRUE(WaitFor([&] { return lille.SalesFrom("hem") == 25 && hem.SalesFrom("lille") == 5; },
                      kPatience));
  EXPECT_EQ(HubHolds("hem"), 25u);
  EXPECT_EQ(hub_.log()->LogHead(), hub_.log()->HeadOf("hub")->seq + 30);
  const v1::SalesSummary sales = hub_.log()->Sales().value();
  for (const auto& row : sales.origins()) {
    EXPECT_EQ(row.sales(), row.origin() == "hem" ? 25u : 5u) << row.origin();
  }
}

// Raw streams: what a misbehaving or foreign client gets back.
class RawStreamTest : public GrpcSyncTest {
 protected:
  void SetUp() override {
    hub_.Start();
    stub_ = v1::Sync::NewStub(grpc::CreateChannel(hub_.address(), grpc::InsecureChannelCredentials()));
  }

  // Sends `messages`, reads until the hub ends the stream; returns its status
  // and the last SyncError seen.
  grpc::Status Exchange(const std::vector<v1::NodeMessage>& messages, v1::SyncError* error,
                        const std::string& token = "", int* welcomes = nullptr) {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto stream = stub_->Exchange(&context);
    for (const auto& message : messages) stream->Write(message);
    stream->WritesDone();
    v1::HubMessage reply;
    while (stream->Read(&reply)) {
      if (reply.has_error()) *error = reply.error();
      if (reply.has_welcome() && welcomes != nullptr) ++*welcomes;
    }
    return stream->Finish();
  }

  std::unique_ptr<v1::Sync::Stub> stub_;
};

TEST_F(RawStreamTest, AnInvalidHelloGetsInvalidArgumentWithAReadableMessage) {
  v1::NodeMessage hello;
  hello.mutable_hello()->set_site("Hem; DROP TABLE");
  hello.mutable_hello()->set_protocol_version(kProtocolVersion);
  v1::SyncError error;
  grpc::Status status = Exchange({hello}, &error);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("invalid site id"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(error.reason(), v1::SyncError::BAD_HELLO);
}

TEST_F(RawStreamTest, AGapGetsAbortedAndNothingIsAppended) {
  TempDir node_dir;
  auto node = NodeStore::Open({"hem", node_dir.path(), nullptr, ""}).value();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(testing::AppendRawSale(*node, 1).ok());
  v1::NodeMessage hello;
  hello.mutable_hello()->set_site("hem");
  hello.mutable_hello()->set_protocol_version(kProtocolVersion);
  v1::NodeMessage push;
  auto records = node->ReadOwn(3, 1, 1 << 20).value();
  *push.mutable_push()->add_events() = records[0];
  v1::SyncError error;
  grpc::Status status = Exchange({hello, push}, &error);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_NE(status.error_message().find("missing"), std::string::npos) << status.error_message();
  EXPECT_EQ(error.reason(), v1::SyncError::GAP);
  EXPECT_EQ(hub_.log()->LogHead(), hub_.log()->HeadOf("hub")->seq) << "only the hub's own";
}

// Hub with a credentials file: each centre proves its site with its token.
class CredentialsTest : public RawStreamTest {
 protected:
  void SetUp() override {
    credentials_ = dir_.Sub("credentials");
    hem_token_ = CredentialStore::Issue(credentials_, "hem").value();
    lille_token_ = CredentialStore::Issue(credentials_, "lille").value();
    hub_.RequireCredentials(credentials_);
    RawStreamTest::SetUp();
  }

  static v1::NodeMessage Hello(const std::string& site) {
    v1::NodeMessage hello;
    hello.mutable_hello()->set_site(site);
    hello.mutable_hello()->set_protocol_version(kProtocolVersion);
    return hello;
  }

  std::string credentials_;
  std::string hem_token_;
  std::string lille_token_;
};

TEST_F(CredentialsTest, AStreamWithoutAValidTokenIsRefusedBeforeAnyMessage) {
  v1::SyncError error;
  int welcomes = 0;
  EXPECT_EQ(Exchange({Hello("hem")}, &error, "", &welcomes).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Exchange({Hello("hem")}, &error, "not-a-token", &welcomes).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(welcomes, 0);
}

TEST_F(CredentialsTest, ATokenOnlyProvesItsOwnSite) {
  v1::SyncError error;
  int welcomes = 0;
  grpc::Status forged = Exchange({Hello("lille")}, &error, hem_token_, &welcomes);
  EXPECT_EQ(forged.error_code(), grpc::StatusCode::PERMISSION_DENIED) << forged.error_message();
  EXPECT_EQ(error.reason(), v1::SyncError::NOT_AUTHORIZED);
  EXPECT_EQ(welcomes, 0);
  EXPECT_TRUE(Exchange({Hello("hem")}, &error, hem_token_, &welcomes).ok());
  EXPECT_EQ(welcomes, 1);
}

TEST_F(CredentialsTest, ACentreSyncsWithItsTokenAndARevokedTokenIsRefused) {
  {
    TestNode hem("hem", dir_.Sub("hem"), hub_.address(), hem_token_);
    TestNode lille("lille", dir_.Sub("lille"), hub_.address(), lille_token_);
    hem.Sell(2);
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
