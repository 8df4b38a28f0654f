// The chaos proxy itself: bytes pass through, and each fault does what the
// chaos test relies on it to do.
#include "tests/testing/chaos_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "tests/testing/test_util.h"

namespace comptoir::testing {
namespace {

constexpr absl::Duration kPatience = absl::Seconds(10);

// A socket with blocking reads that give up after 10 s, so that a broken
// proxy fails the test instead of hanging it.
int WithReadTimeout(int fd) {
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

// A listening socket on 127.0.0.1:0 standing for the proxy's target.
class Target {
 public:
  Target() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    listen(fd_, 8);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    address_ = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  }
  ~Target() { close(fd_); }
  const std::string& address() const { return address_; }
  // The next connection the proxy made (blocking).
  int AcceptOne() { return WithReadTimeout(accept(fd_, nullptr, nullptr)); }
  // Whether a connection is waiting, without blocking.
  bool HasPending() {
    pollfd listening{fd_, POLLIN, 0};
    return poll(&listening, 1, 0) == 1;
  }

 private:
  int fd_ = -1;
  std::string address_;
};

int ConnectTo(const std::string& address) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  to.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1))));
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0) << strerror(errno);
  return WithReadTimeout(fd);
}

void Send(int fd, const std::string& bytes) {
  ASSERT_EQ(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
}

// Reads exactly `size` bytes ("" if the connection ended first).
std::string Receive(int fd, size_t size) {
  std::string bytes(size, '\0');
  size_t got = 0;
  while (got < size) {
    const ssize_t n = recv(fd, bytes.data() + got, size - got, 0);
    if (n <= 0) return "";
    got += static_cast<size_t>(n);
  }
  return bytes;
}

// True when the connection's end (close or reset) can be read now.
bool Ended(int fd) {
  char byte;
  const ssize_t n = recv(fd, &byte, 1, 0);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// Nothing can be read now (no byte, no close): the peer hears silence.
bool Silent(int fd) {
  char byte;
  return recv(fd, &byte, 1, MSG_DONTWAIT) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

class ChaosProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = ChaosProxy::Start(target_.address());
    ASSERT_TRUE(started.ok()) << started.status();
    proxy_ = *std::move(started);
    client_ = ConnectTo(proxy_->address());
    server_ = target_.AcceptOne();
    ASSERT_GE(server_, 0);
  }
  void TearDown() override {
    proxy_.reset();
    close(client_);
    close(server_);
  }

  Target target_;
  std::unique_ptr<ChaosProxy> proxy_;
  int client_ = -1;
  int server_ = -1;
};

TEST_F(ChaosProxyTest, BytesPassThroughBothWays) {
  const std::string big(1 << 20, 'x');  // more than one read
  Send(client_, "hello");
  EXPECT_EQ(Receive(server_, 5), "hello");
  Send(server_, "welcome");
  EXPECT_EQ(Receive(client_, 7), "welcome");
  Send(client_, big);
  EXPECT_EQ(Receive(server_, big.size()), big);
  proxy_->SetDelay(absl::Milliseconds(20));
  Send(client_, "late");
  Send(client_, "r");
  EXPECT_EQ(Receive(server_, 5), "later") << "a delay keeps the order";
  EXPECT_EQ(proxy_->stats().accepted, 1u);
}

TEST_F(ChaosProxyTest, CutResetsBothSides) {
  Send(client_, "a");
  ASSERT_EQ(Receive(server_, 1), "a");
  proxy_->Cut();
  EXPECT_TRUE(Ended(client_));
  EXPECT_TRUE(Ended(server_));
  EXPECT_EQ(proxy_->stats().cut, 1u);
  // New connections still go through.
  const int again = ConnectTo(proxy_->address());
  const int again_server = target_.AcceptOne();
  Send(again, "b");
  EXPECT_EQ(Receive(again_server, 1), "b");
  close(again);
  close(again_server);
}

TEST_F(ChaosProxyTest, HalfOpenHoldsBytesSilentlyUntilHealed) {
  proxy_->HalfOpen(ChaosProxy::kToTarget);
  Send(client_, "held");
  ASSERT_TRUE(WaitFor([&] { return proxy_->stats().bytes_held == 4; }, kPatience));
  EXPECT_TRUE(Silent(server_)) << "the proxy holds the bytes it read";
  Send(server_, "back");
  EXPECT_EQ(Receive(client_, 4), "back") << "the other direction still flows";
  // The sender gives up and closes: the target hears nothing of it.
  close(client_);
  client_ = -1;
  ASSERT_TRUE(WaitFor([&] { return proxy_->stats().closes_held == 1; }, kPatience));
  EXPECT_TRUE(Silent(server_));
  proxy_->Heal();
  EXPECT_EQ(Receive(server_, 4), "held");
  EXPECT_TRUE(Ended(server_)) << "then the close";
}

TEST_F(ChaosProxyTest, HalfOpenBothWaysLeavesBothPeersSilent) {
  proxy_->HalfOpen(ChaosProxy::kBoth);
  Send(client_, "ping");
  Send(server_, "pong");
  ASSERT_TRUE(WaitFor([&] { return proxy_->stats().bytes_held == 8; }, kPatience));
  EXPECT_TRUE(Silent(client_));
  EXPECT_TRUE(Silent(server_));
  proxy_->Cut();
  EXPECT_TRUE(Ended(client_));
  EXPECT_TRUE(Ended(server_));
}

TEST_F(ChaosProxyTest, RefusedConnectionsNeverReachTheTarget) {
  proxy_->Refuse();
  const int refused = ConnectTo(proxy_->address());  // the kernel completes the handshake
  EXPECT_TRUE(Ended(refused));
  close(refused);
  EXPECT_EQ(proxy_->stats().refused, 1u);
  EXPECT_FALSE(target_.HasPending());
  // The connection open before the partition is left alone.
  Send(client_, "still");
  EXPECT_EQ(Receive(server_, 5), "still");
  proxy_->Accept();
  const int accepted = ConnectTo(proxy_->address());
  const int accepted_server = target_.AcceptOne();
  Send(accepted, "ok");
  EXPECT_EQ(Receive(accepted_server, 2), "ok");
  close(accepted);
  close(accepted_server);
}

TEST(ChaosProxyStartTest, RejectsATargetThatIsNotAnAddress) {
  EXPECT_EQ(ChaosProxy::Start("hub.example:7400").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ChaosProxy::Start("127.0.0.1").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace comptoir::testing
