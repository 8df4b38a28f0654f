#include "tests/testing/chaos_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <deque>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace comptoir::testing {
namespace {

// Above this many bytes queued in one direction the proxy stops reading that
// side: the kernel's buffers fill and the sender blocks, as over a slow link.
constexpr size_t kMaxQueuedBytes = 4 << 20;
constexpr size_t kReadSize = 64 << 10;

void CloseSocket(int fd, bool reset) {
  if (fd < 0) return;
  if (reset) {
    linger abort{1, 0};  // close() then sends RST instead of FIN
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  }
  close(fd);
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

void SetNoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

struct ChaosProxy::Connection {
  struct Chunk {
    absl::Time due;
    std::string bytes;
  };
  // Bytes read from fd[from] on their way to fd[1 - from].
  struct Flow {
    std::deque<Chunk> chunks;
    size_t queued = 0;        // bytes in chunks, not yet written
    size_t offset = 0;        // of the front chunk, already written
    bool held = false;        // half-open: read and keep, do not write
    bool ended = false;       // the sender closed (or reset, or can no longer be written to)
    bool reset = false;       // ... abruptly
  };
  int fd[2] = {-1, -1};  // 0: the peer that connected to the proxy, 1: the target
  Flow flow[2];          // flow[0]: to the target, flow[1]: to the connecting peer
  bool dead[2] = {false, false};  // writing to this side failed: bytes for it are dropped
  bool closed = false;
};

absl::StatusOr<std::unique_ptr<ChaosProxy>> ChaosProxy::Start(const std::string& target) {
  const std::string::size_type colon = target.rfind(':');
  int port = 0;
  in_addr ip{};
  if (colon == std::string::npos || !absl::SimpleAtoi(target.substr(colon + 1), &port) ||
      port <= 0 || port > 65535 || inet_pton(AF_INET, target.substr(0, colon).c_str(), &ip) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("proxy target '", target, "' is not an IPv4 address and port"));
  }
  const int listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int pipe_fds[2] = {-1, -1};
  if (listen_fd < 0 || bind(listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listen_fd, 64) != 0 ||
      getsockname(listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    const int error = errno;
    if (listen_fd >= 0) close(listen_fd);
    return absl::InternalError(absl::StrCat("proxy cannot listen: ", strerror(error)));
  }
  return std::unique_ptr<ChaosProxy>(new ChaosProxy(
      listen_fd, pipe_fds[0], pipe_fds[1], ip.s_addr, htons(static_cast<uint16_t>(port)),
      absl::StrCat("127.0.0.1:", ntohs(address.sin_port))));
}

ChaosProxy::ChaosProxy(int listen_fd, int wake_read, int wake_write, uint32_t target_ip,
                       uint16_t target_port, std::string address)
    : listen_fd_(listen_fd), wake_read_(wake_read), wake_write_(wake_write),
      target_ip_(target_ip), target_port_(target_port), address_(std::move(address)) {
  thread_ = std::thread([this] { Loop(); });
}

ChaosProxy::~ChaosProxy() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  const char byte = 0;
  (void)!write(wake_write_, &byte, 1);
  thread_.join();
  for (auto& connection : connections_) Close(*connection, /*reset=*/true);
  close(listen_fd_);
  close(wake_read_);
  close(wake_write_);
}

void ChaosProxy::RunOnLoop(std::function<void()> command) {
  std::unique_lock<std::mutex> lock(mu_);
  commands_.push_back(std::move(command));
  const uint64_t ticket = ++posted_;
  const char byte = 0;
  (void)!write(wake_write_, &byte, 1);
  cv_.wait(lock, [&] { return done_ >= ticket || stopping_; });
}

void ChaosProxy::Cut() {
  RunOnLoop([this] {
    for (auto& connection : connections_) {
      if (connection->closed) continue;
      Close(*connection, /*reset=*/true);
      stats_.cut++;
    }
  });
}

void ChaosProxy::Refuse() {
  RunOnLoop([this] { refusing_ = true; });
}

void ChaosProxy::Accept() {
  RunOnLoop([this] { refusing_ = false; });
}

void ChaosProxy::SetDelay(absl::Duration delay) {
  RunOnLoop([this, delay] { delay_ = delay; });
}

void ChaosProxy::HalfOpen(Direction direction) {
  RunOnLoop([this, direction] {
    for (auto& connection : connections_) {
      if ((direction & kToTarget) != 0) connection->flow[0].held = true;
      if ((direction & kToClient) != 0) connection->flow[1].held = true;
    }
  });
}

void ChaosProxy::Heal() {
  RunOnLoop([this] {
    refusing_ = false;
    delay_ = absl::ZeroDuration();
    for (auto& connection : connections_) {
      connection->flow[0].held = false;
      connection->flow[1].held = false;
    }
  });
}

ChaosProxy::Stats ChaosProxy::stats() {
  Stats stats;
  RunOnLoop([this, &stats] {
    stats = stats_;
    stats.open = 0;
    stats.bytes_held = 0;
    for (auto& connection : connections_) {
      if (connection->closed) continue;
      stats.open++;
      for (const Connection::Flow& flow : connection->flow) {
        if (!flow.held) continue;
        stats.bytes_held += flow.queued;
        if (flow.ended) stats.closes_held++;
      }
    }
  });
  return stats;
}

void ChaosProxy::Close(Connection& connection, bool reset) {
  if (connection.closed) return;
  connection.closed = true;
  CloseSocket(connection.fd[0], reset);
  CloseSocket(connection.fd[1], reset);
  connection.fd[0] = connection.fd[1] = -1;
}

void ChaosProxy::AcceptNew() {
  while (true) {
    const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;  // EAGAIN: no more waiting
    if (refusing_) {
      CloseSocket(client, /*reset=*/true);
      stats_.refused++;
      continue;
    }
    const int target = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = target_ip_;
    address.sin_port = target_port_;
    if (target < 0 || connect(target, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      // The target is down: the peer sees what it would see without the proxy.
      if (target >= 0) close(target);
      CloseSocket(client, /*reset=*/true);
      stats_.refused++;
      continue;
    }
    SetNonBlocking(client);
    SetNonBlocking(target);
    SetNoDelay(client);
    SetNoDelay(target);
    auto connection = std::make_unique<Connection>();
    connection->fd[0] = client;
    connection->fd[1] = target;
    connections_.push_back(std::move(connection));
    stats_.accepted++;
  }
}

void ChaosProxy::Pump(Connection& connection, int side, short revents) {
  if (connection.closed) return;
  // Read what `side` sent.
  Connection::Flow& out = connection.flow[side];
  if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !out.ended && out.queued < kMaxQueuedBytes) {
    std::string buffer(kReadSize, '\0');
    const ssize_t n = read(connection.fd[side], buffer.data(), buffer.size());
    if (n > 0) {
      buffer.resize(static_cast<size_t>(n));
      out.queued += buffer.size();
      out.chunks.push_back({absl::Now() + delay_, std::move(buffer)});
    } else if (n == 0) {
      out.ended = true;
    } else if (errno != EAGAIN && errno != EINTR) {
      out.ended = true;
      out.reset = true;
    }
  }
  // Write to `side` what is due for it.
  Connection::Flow& in = connection.flow[1 - side];
  const absl::Time now = absl::Now();
  while (!in.held && !in.chunks.empty() && in.chunks.front().due <= now) {
    Connection::Chunk& chunk = in.chunks.front();
    if (connection.dead[side]) {
      in.queued -= chunk.bytes.size() - in.offset;
      in.offset = 0;
      in.chunks.pop_front();
      continue;
    }
    const ssize_t n = send(connection.fd[side], chunk.bytes.data() + in.offset,
                           chunk.bytes.size() - in.offset, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      // `side` is gone. Its close reaches the other side through the flow
      // from it, so that a held direction keeps it silent.
      connection.dead[side] = true;
      out.ended = true;
      out.reset = true;
      continue;
    }
    stats_.bytes_forwarded += static_cast<uint64_t>(n);
    in.offset += static_cast<size_t>(n);
    in.queued -= static_cast<size_t>(n);
    if (in.offset == chunk.bytes.size()) {
      in.offset = 0;
      in.chunks.pop_front();
    }
  }
}

void ChaosProxy::Loop() {
  std::vector<pollfd> fds;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    fds.clear();
    fds.push_back({wake_read_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    const absl::Time now = absl::Now();
    absl::Time wake_at = absl::InfiniteFuture();
    const size_t count = connections_.size();
    for (size_t i = 0; i < count; ++i) {
      Connection& connection = *connections_[i];
      for (int side = 0; side < 2; ++side) {
        short events = 0;
        const Connection::Flow& out = connection.flow[side];
        const Connection::Flow& in = connection.flow[1 - side];
        if (!out.ended && out.queued < kMaxQueuedBytes) events |= POLLIN;
        if (!in.held && !in.chunks.empty()) {
          if (in.chunks.front().due <= now) {
            events |= POLLOUT;
          } else {
            wake_at = std::min(wake_at, in.chunks.front().due);
          }
        }
        // A socket polled for nothing would still report its hang-up, again and again.
        const bool skip = connection.closed || events == 0;
        fds.push_back({skip ? -1 : connection.fd[side], events, 0});
      }
    }
    int timeout_ms = -1;
    if (wake_at != absl::InfiniteFuture()) {
      timeout_ms = static_cast<int>(
          std::max<int64_t>(0, absl::ToInt64Milliseconds(wake_at - now + absl::Milliseconds(1))));
    }
    if (poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) return;
    if (fds[0].revents != 0) {
      char drain[256];
      while (read(wake_read_, drain, sizeof drain) > 0) {
      }
      std::vector<std::function<void()>> commands;
      {
        std::lock_guard<std::mutex> lock(mu_);
        commands.swap(commands_);
      }
      for (auto& command : commands) command();
      {
        std::lock_guard<std::mutex> lock(mu_);
        done_ += commands.size();
      }
      cv_.notify_all();
    }
    for (size_t i = 0; i < count; ++i) {
      Connection& connection = *connections_[i];
      for (int side = 0; side < 2; ++side) Pump(connection, side, fds[2 + 2 * i + side].revents);
      // A side ended and everything it sent before is delivered: end the other.
      for (const Connection::Flow& flow : connection.flow) {
        if (!connection.closed && flow.ended && !flow.held && flow.chunks.empty()) {
          Close(connection, flow.reset);
        }
      }
    }
    if ((fds[1].revents & POLLIN) != 0) AcceptNew();
    connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                      [](const auto& c) { return c->closed; }),
                       connections_.end());
  }
}

}  // namespace comptoir::testing
