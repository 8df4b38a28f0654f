// The node's sync client: keeps one Exchange stream open to the hub when it
// can, reconnecting with jittered exponential backoff, and drives a NodeSession
// (common/sync_protocol.h) with what the stream carries. The till never waits
// for it: sales are durable locally first and pushed when the stream is up.
//
// Threads: one for the connection loop (writes, and applies pulled batches),
// one per open stream for blocking reads.
// Thread-safe. Stop() (or the destructor) cancels the stream and joins.
#ifndef COMPTOIR_NODE_SYNC_CLIENT_H_
#define COMPTOIR_NODE_SYNC_CLIENT_H_

#include <grpcpp/security/credentials.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/daemon.h"
#include "comptoir/v1/sync.grpc.pb.h"
#include "node/node_store.h"

namespace comptoir {

class SyncClient {
 public:
  struct Options {
    std::string hub_address;  // "127.0.0.1:7400"
    // This centre's credential, sent as "authorization: Bearer <token>" (empty: none).
    std::string token;
    // TLS to the hub (common/tls.h); null: plaintext.
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    // The name the hub's certificate must carry, when it is not the host of
    // hub_address (e.g. the hub is reached by IP); empty: that host.
    std::string tls_server_name;
    // Keepalive of the stream (common/daemon.h).
    int keepalive_seconds = kDefaultKeepaliveSeconds;
    absl::Duration initial_backoff = absl::Milliseconds(100);
    absl::Duration max_backoff = absl::Seconds(5);
  };

  struct State {
    bool connected = false;
    int64_t last_contact_unix_ms = 0;
    // While not connected: since when (the end of the last stream, or the
    // client's creation if it never connected), ms since the Unix epoch.
    int64_t offline_since_unix_ms = 0;
    std::string last_error;
    uint64_t streams_opened = 0;
    // Since the daemon started: own events sent to the hub (re-sends
    // included), and events received from the hub in pull batches.
    uint64_t events_pushed = 0;
    uint64_t events_pulled = 0;
  };

  // `store` is not owned and must outlive the client.
  SyncClient(NodeStore* store, Options options);
  ~SyncClient();
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  void Start();
  void Stop();
  // New own events are durable: push them now if connected.
  void NotifyLocalAppend();
  State state() const;
  const std::string& hub_address() const { return options_.hub_address; }

 private:
  void Run();
  // One stream, from Hello to its end; returns why it ended.
  absl::Status RunStream();
  absl::Duration NextBackoff(int attempt);

  NodeStore* store_;
  const Options options_;
  std::shared_ptr<grpc::Channel> channel_;
  // Sync.Exchange, opened as its generated stub would but with the node's
  // side in wire form: a push is framed from the stored event bytes
  // (EncodedNodeMessage) and sent as it is.
  std::unique_ptr<grpc::internal::RpcMethod> exchange_;
  std::thread thread_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool local_append_ ABSL_GUARDED_BY(mu_) = false;
  bool read_done_ ABSL_GUARDED_BY(mu_) = false;
  // Each on an arena of its own, so that a pull batch's events are decoded
  // in place and freed at once.
  std::vector<std::shared_ptr<const v1::HubMessage>> inbox_ ABSL_GUARDED_BY(mu_);
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  State state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_SYNC_CLIENT_H_
