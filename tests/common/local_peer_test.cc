#include "common/local_peer.h"

#include <gtest/gtest.h>

namespace comptoir {
namespace {

TEST(LocalPeerTest, OnlyCallersOnTheDaemonsOwnMachineAreLocal) {
  EXPECT_TRUE(IsLocalPeer("ipv4:127.0.0.1:53124"));
  EXPECT_TRUE(IsLocalPeer("ipv4:127.0.1.1:53124"));
  EXPECT_TRUE(IsLocalPeer("ipv6:[::1]:40000"));
  EXPECT_TRUE(IsLocalPeer("ipv6:[::ffff:127.0.0.1]:40000"));
  EXPECT_TRUE(IsLocalPeer("unix:/run/comptoir.sock"));
  EXPECT_FALSE(IsLocalPeer("ipv4:192.168.1.20:53124"));
  EXPECT_FALSE(IsLocalPeer("ipv4:10.127.0.1:1"));
  EXPECT_FALSE(IsLocalPeer("ipv6:[2001:db8::1]:40000"));
  EXPECT_FALSE(IsLocalPeer("ipv6:[::ffff:192.168.1.20]:40000"));
  EXPECT_FALSE(IsLocalPeer(""));
}

}  // namespace
}  // namespace comptoir
