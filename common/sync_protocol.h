// The sync protocol core, sans IO: state machines that take messages (and
// storage) in and return messages out. They know nothing of sockets, threads
// or gRPC; node/sync_client.cc and hub/sync_service.cc are thin adapters, and
// tests drive them directly. Message sequence: proto/comptoir/v1/sync.proto.
//
// Flow control: a node keeps at most kMaxPushBatchesInFlight unacknowledged
// push batches; the hub keeps at most kMaxPullBatchesInFlight unacknowledged
// pull batches. Batches hold at most kMaxBatchEvents events and about
// kMaxBatchBytes bytes, so memory stays flat whatever the backlog. The exact
// push rule, which the hub enforces (BATCH_TOO_LARGE): at most kMaxBatchEvents
// events, and event cores totalling at most kMaxBatchBytes unless the batch is
// a single event (EventLog::ReadRange makes such batches). Whole messages are
// also bounded by the hub's gRPC receive limit (common/daemon.h).
//
// Thread-safety: a session is used by one thread at a time (its adapter
// serialises calls). Stores are called from the session's thread.
#ifndef COMPTOIR_COMMON_SYNC_PROTOCOL_H_
#define COMPTOIR_COMMON_SYNC_PROTOCOL_H_

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/encoded_pull.h"
#include "common/encoded_push.h"
#include "common/event_codec.h"
#include "comptoir/v1/sync.pb.h"

namespace comptoir {

// 2: pull batches may hold withheld links (sync.proto LogEntry).
inline constexpr uint32_t kProtocolVersion = 2;
inline constexpr size_t kMaxBatchEvents = 1024;
// What a hub that does not say its limit (Welcome.max_push_events 0, before
// 2026-11-30) takes in a push batch: a node pushes no more to it.
inline constexpr size_t kLegacyMaxPushEvents = 512;
inline constexpr size_t kMaxBatchBytes = 1 << 20;
inline constexpr size_t kMaxPushBatchesInFlight = 4;
inline constexpr size_t kMaxPullBatchesInFlight = 4;

// The status code that goes with each refusal: what the node should do next.
absl::StatusCode StatusCodeFor(v1::SyncError::Reason reason);
// A SyncError turned into a status (code from StatusCodeFor, its message).
absl::Status ToStatus(const v1::SyncError& error);

// ---------------------------------------------------------------- node side

// Where a node stands with one hub log.
struct NodeCursor {
  uint64_t hub_epoch = 0;  // 0: never synced
  uint64_t position = 0;   // last hub log position applied
};

// A pull batch with its events decoded (parsed, checked, hashed) by
// DecodePull, ready for NodeSyncStore::ApplyPulled.
struct DecodedPull {
  // The message the batch came in; the decoded events refer to its records
  // (and, when it is on an arena, keep it alive).
  std::shared_ptr<const v1::HubMessage> message;
  const v1::PullBatch& batch() const { return message->pull(); }
  // One per entry, in order: its event decoded, or why it cannot be (for an
  // entry holding a withheld link: unused).
  std::vector<absl::StatusOr<DecodedEvent>> events;
};
// `message` holds a pull batch; on an arena (NewOnArena), its events are
// decoded in place (DecodeRecordIn).
DecodedPull DecodePull(std::shared_ptr<const v1::HubMessage> message);

// What the node session needs from the node's storage.
class NodeSyncStore {
 public:
  virtual ~NodeSyncStore() = default;
  virtual const std::string& Site() const = 0;
  // The node's own chain head.
  virtual absl::StatusOr<ChainHead> OwnHead() = 0;
  // A push of the own events from `from_seq` on, within the limits (at least
  // one if any; none: an empty push), framed from their stored bytes.
  virtual absl::StatusOr<EncodedNodeMessage> ReadOwnPush(uint64_t from_seq, size_t max_events,
                                                         size_t max_bytes) = 0;
  // The own event at `seq`, or nullopt.
  virtual absl::StatusOr<std::optional<v1::EventRecord>> ReadOwnAt(uint64_t seq) = 0;
  virtual absl::StatusOr<NodeCursor> Cursor() = 0;
  // Starts following a different hub log: cursor = {epoch, 0}.
  virtual absl::Status ResetCursor(uint64_t hub_epoch) = 0;
  // Applies each batch's entries (skipping those already held; keeping a
  // withheld link as its origin's new chain head, unfolded) together with
  // cursor = {hub_epoch, last batch's through()}, atomically and durably, in
  // one write for all the batches (a node far behind pays one sync for all it
  // has received). A batch is refused as a whole if an entry does not link to
  // its chain, or is one of the node's own events beyond its head while it is
  // not recovering: the batches before it are applied, the error returned, and
  // nothing of it or after it is written.
  virtual absl::Status ApplyPulled(uint64_t hub_epoch,
                                   const std::vector<const DecodedPull*>& pulls) = 0;
  // The hub holds the node's own events up to `high_water`.
  virtual absl::Status RecordAcked(uint64_t high_water) = 0;
  // Whether the node is recovering its own history from the hub (and refuses
  // to create events meanwhile).
  virtual bool Recovering() = 0;
  // The hub holds this site's events up to `target`: if the node holds fewer,
  // it recovers them (durably flagged; it leaves recovery by itself once
  // ApplyPulled brings its own head there); if not, any recovery is over.
  virtual absl::Status SetRecoveryTarget(uint64_t target) = 0;
};

class NodeSession {
 public:
  // `store` is not owned and must outlive the session.
  explicit NodeSession(NodeSyncStore* store) : store_(store) {}

  // The Hello that opens the stream.
  absl::StatusOr<v1::NodeMessage> Start();
  // Handles one hub message; returns what to send. An error means: close the
  // stream and retry later (the status says why).
  // (Copies `message` onto an arena: see OnHubMessages.)
  absl::StatusOr<std::vector<EncodedNodeMessage>> OnHubMessage(const v1::HubMessage& message);
  // Handles messages in order, as OnHubMessage would one by one, except that
  // consecutive pull batches are applied in one write and acknowledged once
  // (what arrived while the node was busy applying the previous ones). Pull
  // batches on an arena of their own (NewOnArena, as the sync client reads
  // them) are decoded in place.
  absl::StatusOr<std::vector<EncodedNodeMessage>> OnHubMessages(
      const std::vector<std::shared_ptr<const v1::HubMessage>>& messages);
  // New own events exist: returns the pushes the window allows now.
  absl::StatusOr<std::vector<EncodedNodeMessage>> OnLocalAppend();

  bool welcomed() const { return welcomed_; }
  uint64_t acked() const { return acked_; }
  uint64_t hub_epoch() const { return epoch_; }

 private:
  absl::StatusOr<std::vector<EncodedNodeMessage>> OnWelcome(const v1::Welcome& welcome);
  absl::StatusOr<std::vector<EncodedNodeMessage>> OnPushAck(const v1::PushAck& ack);
  // A message other than a pull batch.
  absl::StatusOr<std::vector<EncodedNodeMessage>> OnOther(const v1::HubMessage& message);
  // Consecutive pull batches, applied in one write.
  absl::StatusOr<std::vector<EncodedNodeMessage>> OnPulls(
      const std::vector<const DecodedPull*>& pulls);
  absl::StatusOr<std::vector<EncodedNodeMessage>> FillPushWindow();

  NodeSyncStore* store_;
  bool started_ = false;
  bool welcomed_ = false;
  uint64_t epoch_ = 0;
  uint64_t acked_ = 0;           // hub's high-water for our site
  uint64_t pushed_through_ = 0;  // last own seq sent
  size_t max_push_events_ = kLegacyMaxPushEvents;  // what the hub takes in a batch
  std::deque<uint64_t> push_in_flight_;  // last seq of each unacknowledged batch
};

// ----------------------------------------------------------------- hub side

// The outcome of checking a pushed batch against the hub's chain for a site.
struct PushVerdict {
  // Indexes (into the pushed events) of the new links to append, in order.
  std::vector<size_t> append;
  // The site's high-water mark once they are appended.
  uint64_t high_water = 0;
  // Set when an event was refused; the events before it are still appended.
  std::optional<v1::SyncError> error;
};

// Why `batch` breaks the push batch limits above (a sentence), or nullopt.
std::optional<std::string> BatchLimitsExceeded(const v1::PushBatch& batch);

// Returns the hash of the held event (site, seq) or nullopt.
using HeldHashLookup = std::function<absl::StatusOr<std::optional<std::string>>(uint64_t seq)>;

// Checks pushed events, in order, against `head` (the hub's chain for `site`):
// duplicates of held events are skipped, the next links accepted, and the first
// event from another origin, after a gap, off the chain, or contradicting a held
// event (a fork) stops the batch with the matching SyncError.
absl::StatusOr<PushVerdict> VerifyPush(absl::string_view site, const ChainHead& head,
                                       const std::vector<DecodedEvent>& events,
                                       const HeldHashLookup& held_hash);

// Stops `verdict` at `event`, the accepted-th of its new links, which failed
// CheckEvent (common/event_checks.h) with `why`: the links before it are still
// appended; the error is NOT_WRITER (PermissionDenied) or INVALID_EVENT, with
// the high-water just before the event.
void RefuseFrom(PushVerdict& verdict, size_t accepted, const DecodedEvent& event,
                const absl::Status& why);

// A node message as the hub session takes it: for a push within the batch
// limits, its events decoded in place (hashed, cores parsed on the message's
// arena), or why the batch is refused. Decoding needs no session state: a
// transport does it before taking the lock that orders a stream's messages,
// so that the log's threads answering that stream's earlier pushes meanwhile
// do not wait for it.
struct DecodedNodeMessage {
  std::shared_ptr<const v1::NodeMessage> message;
  std::vector<DecodedEvent> events;  // a push's, when not refused
  struct Refusal {
    v1::SyncError::Reason reason = v1::SyncError::MALFORMED;
    std::string message;
  };
  std::optional<Refusal> refusal;  // a push that breaks the limits or holds garbage
};
DecodedNodeMessage DecodeNodeMessage(std::shared_ptr<const v1::NodeMessage> message);

// What the hub session needs from the hub's storage.
class HubSyncStore {
 public:
  virtual ~HubSyncStore() = default;
  virtual uint64_t Epoch() const = 0;
  virtual absl::StatusOr<ChainHead> HeadOf(absl::string_view origin) = 0;
  virtual uint64_t LogHead() = 0;
  // Verifies (with VerifyPush) and appends atomically, under one lock, so that
  // two streams of the same site cannot interleave. Returns the verdict.
  virtual absl::StatusOr<PushVerdict> AppendPushed(absl::string_view site,
                                                   const std::vector<DecodedEvent>& events) = 0;
  // Log entries after position `after` for `site`: the events it is entitled
  // to (common/routing.h) with the personal parts that travel, a withheld link
  // for each other centre's event it is not, its own events in full only when
  // `include_own` (recovery), within the limits; `through` covers skipped
  // entries too. In wire form: the service sends it as it is.
  virtual absl::StatusOr<EncodedPull> ReadLogFor(absl::string_view site, uint64_t after,
                                                 size_t max_events, size_t max_bytes,
                                                 bool include_own) = 0;
};

class HubSession {
 public:
  // `store` is not owned and must outlive the session. `authenticated_site`
  // is the site the stream's credential proves (empty: authentication off).
  explicit HubSession(HubSyncStore* store, std::string authenticated_site = "")
      : store_(store), authenticated_site_(std::move(authenticated_site)) {}

  struct Reply {
    std::vector<v1::HubMessage> messages;
    // Not OK: send `messages` (ending with the SyncError), then end the stream with this status.
    absl::Status end;
    // Set only by OnNodeMessage(message, kDeferred) for a push that passed the
    // batch checks: its events, decoded, not yet appended (`messages` is empty,
    // `end` OK). The caller appends them and passes the outcome to
    // OnPushAppended, whose reply answers this message.
    std::optional<std::vector<DecodedEvent>> push;
  };
  // How OnNodeMessage treats a valid push: kAppendNow appends it through the
  // store (HubSyncStore::AppendPushed) before returning; kDeferred returns it
  // in Reply::push so that the caller can append it asynchronously.
  enum class PushMode { kAppendNow, kDeferred };
  // Once a reply has ended the stream, the session is over: later messages
  // get FailedPrecondition and change nothing, NextPull returns nullopt.
  //
  // A `message` on an arena of its own (NewOnArena, as the sync service parses
  // them) is decoded in place: a push's events refer to its records, parse
  // their cores on its arena and keep it alive. The overload taking a plain
  // message copies it onto an arena first.
  Reply OnNodeMessage(std::shared_ptr<const v1::NodeMessage> message,
                      PushMode mode = PushMode::kAppendNow);
  Reply OnNodeMessage(const v1::NodeMessage& message, PushMode mode = PushMode::kAppendNow);
  // The same, for a message the caller decoded (DecodeNodeMessage).
  Reply OnNodeMessage(DecodedNodeMessage decoded, PushMode mode = PushMode::kAppendNow);
  // The answer to a deferred push (Reply::push), given the append's outcome:
  // a PushAck, followed by the SyncError that ends the stream if an event was
  // refused; only `end` if the append failed. Answers even once a later
  // message has ended the session (the caller sends replies in message order).
  Reply OnPushAppended(const absl::StatusOr<PushVerdict>& verdict);

  // The next pull batch to send, if the log has entries this node has not been
  // sent and the window allows; nullopt otherwise. Call whenever the transport
  // can take a write and whenever the log grows. In wire form (a HubMessage's
  // bytes): EncodedPull::ToMessage() decodes it.
  absl::StatusOr<std::optional<EncodedPull>> NextPull();

  const std::string& site() const { return site_; }
  bool established() const { return established_; }
  // Last position the node acknowledged applying.
  uint64_t node_cursor() const { return node_cursor_; }
  // Last position up to which the node holds every entry it is entitled to:
  // its cursor, or further once every batch sent is acknowledged and the
  // entries after it are all its own (which are skipped, not sent). A node
  // whose own events end the log is not behind, whatever its cursor says.
  uint64_t caught_up_through() const {
    return pull_in_flight_.empty() ? std::max(node_cursor_, sent_through_) : node_cursor_;
  }
  // The node's own last seq, as far as the hub knows (Hello, then pushes).
  uint64_t node_own_seq() const { return node_own_seq_; }

 private:
  Reply Handle(DecodedNodeMessage& decoded, PushMode mode);
  Reply OnHello(const v1::Hello& hello);
  // A decoded push: its refusal, or Reply::push set.
  Reply OnPush(DecodedNodeMessage& decoded);
  Reply Refuse(v1::SyncError::Reason reason, std::string message, uint64_t high_water);

  HubSyncStore* store_;
  const std::string authenticated_site_;
  bool established_ = false;
  bool ended_ = false;
  std::string site_;
  bool recover_ = false;  // the node asked for its own events too
  uint64_t sent_through_ = 0;  // last log position covered by a sent pull batch
  uint64_t node_cursor_ = 0;
  uint64_t node_own_seq_ = 0;
  std::deque<uint64_t> pull_in_flight_;  // `through` of each unacknowledged pull batch
};

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_SYNC_PROTOCOL_H_
