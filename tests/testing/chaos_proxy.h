// A TCP proxy that breaks the network on command, for chaos tests: it listens
// on 127.0.0.1 (a port chosen at run time) and forwards every connection it
// accepts to a target address, byte for byte, until told to misbehave.
//
//   auto proxy = ChaosProxy::Start(hub_address);     // StatusOr
//   node --hub (*proxy)->address() ...
//   (*proxy)->HalfOpen(ChaosProxy::kBoth);            // both peers hear nothing
//   (*proxy)->Heal();                                 // the held bytes flow again
//   (*proxy)->Cut();                                  // both peers see a reset
//
// The faults:
// - Cut(): every proxied connection is closed at once with a reset (RST, as
//   SO_LINGER 0 does), on both sides. New connections are forwarded as usual.
// - Refuse() / Accept(): while refusing, a new connection is accepted and
//   reset at once (what a peer sees when a link is partitioned or the target
//   is down), and never reaches the target. Connections already open are left
//   alone: Cut() them too for a full partition.
// - SetDelay(d): every chunk of bytes read from either side is written to the
//   other side no sooner than d after it was read (order kept). Applies to
//   connections open now and later; SetDelay(ZeroDuration()) ends it.
// - HalfOpen(direction): the connections open now stop forwarding in that
//   direction (or both): both sockets stay open, the proxy keeps reading and
//   holds the bytes, and the receiving peer hears nothing - not even a close,
//   should the sender give up. Connections opened later are not affected.
// - Heal(): ends every fault: accepts again, no delay, and held connections
//   deliver what they hold, in order (as TCP does once a path comes back);
//   a close held back is delivered then too.
//
// A connection whose peer closes (or resets) is closed on the other side once
// the bytes queued before the close are delivered.
//
// Thread-safe: the controls may be called from any thread; each returns once
// the proxy's own thread has applied it (after Cut() returns, both sides of
// every connection have been reset). One thread does all the I/O with poll();
// it connects to the target with a blocking connect, which on loopback answers
// at once. The destructor stops the thread and closes every socket.
#ifndef COMPTOIR_TESTS_TESTING_CHAOS_PROXY_H_
#define COMPTOIR_TESTS_TESTING_CHAOS_PROXY_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace comptoir::testing {

class ChaosProxy {
 public:
  enum Direction {
    kToTarget = 1,  // bytes from the connecting peer to the target
    kToClient = 2,  // bytes from the target back to the connecting peer
    kBoth = 3,
  };

  struct Stats {
    uint64_t accepted = 0;        // connections forwarded to the target
    uint64_t refused = 0;         // connections reset on arrival (refusing, or target down)
    uint64_t open = 0;            // connections open now
    uint64_t cut = 0;             // connections reset by Cut()
    uint64_t bytes_forwarded = 0;
    uint64_t bytes_held = 0;      // read and held by half-open connections now
    uint64_t closes_held = 0;     // closes read and held by half-open connections now
  };

  // Listens on 127.0.0.1:0 and forwards to `target` ("127.0.0.1:7400"; an
  // IPv4 address and port). InvalidArgument for a bad target, Internal if the
  // listening socket cannot be made.
  static absl::StatusOr<std::unique_ptr<ChaosProxy>> Start(const std::string& target);
  ~ChaosProxy();
  ChaosProxy(const ChaosProxy&) = delete;
  ChaosProxy& operator=(const ChaosProxy&) = delete;

  // "127.0.0.1:<port>", where peers connect.
  const std::string& address() const { return address_; }

  void Cut();
  void Refuse();
  void Accept();
  void SetDelay(absl::Duration delay);
  void HalfOpen(Direction direction);
  void Heal();
  Stats stats();

 private:
  struct Connection;
  ChaosProxy(int listen_fd, int wake_read, int wake_write, uint32_t target_ip,
             uint16_t target_port, std::string address);
  // Runs `command` on the proxy's thread and waits until it has run.
  void RunOnLoop(std::function<void()> command);
  void Loop();
  // Loop-thread only, as is everything they touch.
  void AcceptNew();
  void Pump(Connection& connection, int side, short revents);
  void Close(Connection& connection, bool reset);

  const int listen_fd_;
  const int wake_read_;
  const int wake_write_;
  const uint32_t target_ip_;    // network byte order
  const uint16_t target_port_;  // network byte order
  const std::string address_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::function<void()>> commands_ ABSL_GUARDED_BY(mu_);
  uint64_t posted_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t done_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // Loop-thread state.
  std::vector<std::unique_ptr<Connection>> connections_;
  bool refusing_ = false;
  absl::Duration delay_;
  Stats stats_;

  std::thread thread_;
};

}  // namespace comptoir::testing

#endif  // COMPTOIR_TESTS_TESTING_CHAOS_PROXY_H_
