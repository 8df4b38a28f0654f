// The gRPC adapter of the hub's side of the sync protocol: one reactor per
// node stream, driving a HubSession (common/sync_protocol.h).
//
// A gRPC reaction never waits for a synced write: a pushed batch is handed to
// the log's writer thread (HubLog::AppendPushedAsync, group commit), and the
// stream reads on; once the batch is durable the log's finisher thread queues
// the stream's PushAck and starts its write. Replies keep the order of the
// messages they answer, so a node's messages are handled in order.
//
// Each stream keeps one write in flight with a queue behind it, and asks its
// session for the next pull batch whenever the queue is empty, so a slow node
// holds back only its own stream. When the log grows, a thread of the service
// wakes every stream to send the new entries: live propagation with no polling.
// With a credentials file, the same thread re-checks the file every
// kCredentialCheckInterval and ends, with UNAUTHENTICATED, each live stream
// whose token was revoked or replaced (hub/stream_auth.h).
//
// The method is served raw (bytes in and out): a pull batch leaves in the wire
// form the log made it in (common/encoded_pull.h), its entries encoded once for
// every stream; the other messages are (de)serialised here as gRPC would.
//
// Thread-safe. Streams free themselves when gRPC is done with them.
#ifndef COMPTOIR_HUB_SYNC_SERVICE_H_
#define COMPTOIR_HUB_SYNC_SERVICE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "comptoir/v1/sync.grpc.pb.h"
#include "hub/credentials.h"
#include "hub/hub_log.h"

namespace comptoir {

class SyncStream;

class SyncServiceImpl final
    : public v1::Sync::WithRawCallbackMethod_Exchange<v1::Sync::Service> {
 public:
  // `log` and `credentials` are not owned and must outlive the service.
  // Without credentials (null), streams are not authenticated (development on
  // loopback); with them, every stream must carry a valid centre token.
  explicit SyncServiceImpl(HubLog* log, CredentialStore* credentials = nullptr);
  // How often live streams' tokens are checked against the credentials file:
  // a revoked centre's stream ends within about this long.
  static constexpr std::chrono::milliseconds kCredentialCheckInterval{1000};
  // Stops waking streams (call after the server has shut down: by then every
  // stream has had its pushes answered).
  ~SyncServiceImpl() override;

  // With mTLS (the server asks clients for certificates signed by the
  // network's CA, common/tls.h): every stream must present one, and its CN is
  // the only site it may sync as (and must match the token's site, if any).
  // Call before serving.
  void RequireClientCertificates() { require_client_certificates_ = true; }

  // Reads NodeMessages and writes HubMessages, as bytes.
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* Exchange(
      grpc::CallbackServerContext* context) override;

  // New log entries exist: every stream sends what its node lacks (once per
  // new log head: calls that find no new head since the last do nothing).
  void WakeAll();

  // Sites with an established stream, sorted, each once.
  std::vector<std::string> ConnectedSites();

  // What the hub last heard from each site since it started.
  struct Contact {
    int64_t last_contact_unix_ms = 0;
    uint64_t node_cursor = 0;  // HubSession::caught_up_through()
    uint64_t node_own_seq = 0;
  };
  std::map<std::string, Contact> Contacts();

  // Since the hub started, for monitoring.
  struct Traffic {
    uint64_t streams_accepted = 0;  // streams that passed authentication
    uint64_t streams_refused = 0;   // refused before any message (credentials)
    uint64_t events_received = 0;   // events in push batches (duplicates included)
    uint64_t events_sent = 0;       // events sent in pull batches
  };
  Traffic traffic() const;

 private:
  friend class SyncStream;
  void Register(SyncStream* stream);
  void Unregister(SyncStream* stream);
  // A message from `site`: when, where it stands.
  void RecordContact(const std::string& site, uint64_t node_cursor, uint64_t node_own_seq);
  // The log may have grown: has the waker thread wake every stream (WakeAll)
  // unless it already did for this log head. Never blocks.
  void LogGrew();
  void WakerLoop();
  // Ends the streams whose token no longer holds (on the waker thread).
  void EndUnauthorizedStreams();
  // Where `site` stands, without a message from it.
  void RecordCaughtUp(const std::string& site, uint64_t node_cursor);

  HubLog* log_;
  CredentialStore* credentials_;
  bool require_client_certificates_ = false;
  std::mutex mu_;
  std::set<SyncStream*> streams_ ABSL_GUARDED_BY(mu_);
  // Separate from mu_: taken by streams while they hold their own lock.
  std::mutex contacts_mu_;
  std::map<std::string, Contact> contacts_ ABSL_GUARDED_BY(contacts_mu_);
  std::atomic<uint64_t> streams_accepted_{0};
  std::atomic<uint64_t> streams_refused_{0};
  std::atomic<uint64_t> events_received_{0};
  std::atomic<uint64_t> events_sent_{0};
  std::atomic<uint64_t> woken_head_{0};  // log head the last WakeAll woke streams for
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool stopping_ ABSL_GUARDED_BY(wake_mu_) = false;
  std::thread waker_;  // last: started once everything above exists
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_SYNC_SERVICE_H_
