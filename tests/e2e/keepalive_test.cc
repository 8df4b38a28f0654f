// Half-open sync links, with the real binaries behind a ChaosProxy: a link
// that goes silent without a close (a dead path, a peer that vanished) is
// noticed by keepalive pings on both ends, even while the stream is idle.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "comptoir/v1/hub.grpc.pb.h"
#include "tests/testing/chaos_proxy.h"
#include "tests/testing/daemons.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::ChaosProxy;
using ::comptoir::testing::DaemonNetwork;
using ::comptoir::testing::WaitFor;

constexpr absl::Duration kPatience = absl::Seconds(60);
// An HTTP/2 PING frame (or its answer): 9 bytes of header, 8 of payload.
constexpr uint64_t kPingFrameBytes = 17;

class KeepaliveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto proxy = ChaosProxy::Start(net_.hub_address());
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = *std::move(proxy);
    std::string error;
    ASSERT_TRUE(net_.StartHub({"--sync-keepalive", "1"}, &error)) << error;
    net_.PlaceNode("hem", "127.0.0.1:0", proxy_->address());
    ASSERT_TRUE(net_.StartNode("hem", {"--sync-keepalive", "1", "--http-listen", "127.0.0.1:0"},
                               &error))
        << error;
    ASSERT_TRUE(WaitFor([&] { return net_.NodeStatus("hem").connected(); }, kPatience));
    // Let the stream sit idle for a few keepalive rounds (pings and their
    // answers, both ways): gRPC's client stops pinging after two pings without
    // data unless told otherwise, and a link that died after that went unnoticed.
    const uint64_t before = proxy_->stats().bytes_forwarded;
    ASSERT_TRUE(WaitFor([&] { return proxy_->stats().bytes_forwarded >= before + 16 * kPingFrameBytes; },
                        kPatience))
        << "keepalive pings stopped on an idle stream";
  }

  bool HubSeesConnected(const std::string& site) {
    const v1::HubStatus status = net_.HubStatus();
    for (const std::string& connected : status.connected_sites()) {
      if (connected == site) return true;
    }
    return false;
  }

  DaemonNetwork net_{{HUB_BIN, NODE_BIN, CLI_BIN}};
  std::unique_ptr<ChaosProxy> proxy_;
};

TEST_F(KeepaliveTest, AnIdleCentreNoticesASilentLinkAndReconnects) {
  proxy_->HalfOpen(ChaosProxy::kBoth);
  // The node drops the silent stream and opens a new one (which the proxy forwards).
  ASSERT_TRUE(WaitFor([&] { return proxy_->stats().accepted >= 2 && net_.NodeStatus("hem").connected(); },
                      kPatience))
      << net_.Log("hem");
  const testing::Shop shop = net_.OpenShop("hem");
  ASSERT_TRUE(net_.Sell("hem", shop, "after-the-silence").ok());
  EXPECT_TRUE(WaitFor([&] { return net_.SalesAt("hub")["hem"] == 1; }, kPatience))
      << "the new stream carries the sale";
}

TEST_F(KeepaliveTest, TheHubForgetsACentreThatVanishedWithoutAClose) {
  ASSERT_TRUE(HubSeesConnected("hem"));
  // The centre dies and its reset never reaches the hub: the hub hears silence.
  proxy_->HalfOpen(ChaosProxy::kBoth);
  net_.Kill("hem");
  ASSERT_TRUE(WaitFor([&] { return proxy_->stats().closes_held == 1; }, kPatience));
  EXPECT_TRUE(WaitFor([&] { return !HubSeesConnected("hem"); }, kPatience))
      << "the hub still counts a dead centre as connected";
}

}  // namespace
}  // namespace comptoir
