// A centre's storage: its own events, the replicas of other origins' events,
// the views, and the sync cursor, on one RocksDB. Implements the node side of
// the sync protocol's storage (common/sync_protocol.h).
//
// Every local command is one synced WriteBatch (the new event, its views, the
// clock, the idempotency key); the call returns only after it is on disk. A
// pulled batch is one synced WriteBatch too (events, views, cursor); an event
// the centre is not entitled to arrives as a withheld link, kept as its
// origin's chain head (common/event_log.h) and never folded into the views.
//
// Meta "sync" value: be64(hub_epoch) be64(cursor) be64(acked_high_water).
// Meta "recovery" (present only while recovering): be64(target own seq).
//
// Thread-safe: writers are serialised by an internal lock; reads are free.
#ifndef COMPTOIR_NODE_NODE_STORE_H_
#define COMPTOIR_NODE_NODE_STORE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "common/event_log.h"
#include "common/hlc.h"
#include "common/store.h"
#include "common/sync_protocol.h"
#include "comptoir/v1/till.pb.h"

namespace comptoir {

class NodeStore;

// What a command sees while it runs under the node's writer lock: committed
// views (plus its own pending writes) and one batch to fill. Nothing is
// written unless the command returns OK; then everything is, in one synced
// WriteBatch.
class CommandContext {
 public:
  const Store& store() const { return store_; }
  Batch& batch() { return batch_; }
  const std::string& site() const;
  // The centre's card prefix ("HEM").
  const std::string& prefix() const;
  // Today in Europe/Paris ("2026-11-25"), from the node's physical clock.
  const std::string& today() const { return today_; }
  // The next number of a per-centre counter ("family", "receipt-2026", ...),
  // gap-free because it is committed with the event that uses it.
  absl::StatusOr<uint64_t> NextNumber(absl::string_view counter);
  // The account doing the command (empty: none given).
  const std::string& operator_id() const { return operator_id_; }
  // Seals an own event (origin, seq, hlc, prev_hash and operator set here) and stages it
  // with its view updates.
  absl::StatusOr<DecodedEvent> Append(v1::EventCore core, const v1::PersonalPart* personal);

 private:
  friend class NodeStore;
  CommandContext(NodeStore* node, const Store& store, std::string today,
                 absl::string_view operator_id)
      : node_(node), store_(store), today_(std::move(today)), operator_id_(operator_id) {}
  NodeStore* node_;
  const Store& store_;
  Batch batch_;
  std::string today_;
  std::string operator_id_;
  bool appended_ = false;
};

class NodeStore : public NodeSyncStore {
 public:
  struct Options {
    std::string site;
    std::string dir;
    // Milliseconds since the Unix epoch; the system clock when empty (tests inject one).
    HybridClock::PhysicalClock clock;
    // Card prefix for ids people read; default: from the site id ("hem" -> "HEM").
    // Fixed when the database is created.
    std::string card_prefix;
    // This centre's data was lost (or restored from an old backup): recover
    // its own history from the hub before the till records anything.
    bool recover_from_hub = false;
    // Simulations only: keep the database on this in-memory disk.
    std::shared_ptr<MemoryDisk> memory_disk;
    // The erasure register (common/erasure.h); default "<dir>.erasures"
    // (none on a memory disk). A restore staging a backup names the one of
    // the data directory it restores into.
    std::string erasure_register;
  };

  // Opens or creates the centre's database. Fails with FailedPrecondition if
  // `dir` holds another site's data, InvalidArgument for a bad site id.
  static absl::StatusOr<std::unique_ptr<NodeStore>> Open(const Options& options);

  // Runs `command` under the writer lock; if it returns OK, writes its batch
  // (synced) and tells the sync client about new own events. Returns the
  // command's error (nothing written) or the write's. Every event the command
  // appends names `operator_id`, the account of the person doing it
  // (common/roles.h: AdministratorId for the machine's administrator).
  absl::Status Execute(const std::function<absl::Status(CommandContext&)>& command,
                       absl::string_view operator_id = {});

  // Read-only access to the committed views (safe from any thread).
  const Store& store() const { return *store_; }
  // For writes that are not events and touch no view (LoginDesk's lock-out
  // counts): they go straight to the database, synced, even while recovering.
  Store* writable_store() { return store_.get(); }
  const std::string& card_prefix() const { return prefix_; }
  // Today in Europe/Paris, from the node's physical clock.
  std::string Today() const;

  // Called (outside any lock) after each new own event is durable.
  void SetLocalAppendListener(std::function<void()> listener);

  absl::StatusOr<v1::SalesSummary> Sales() const;
  // Own seq, acked, cursor, epoch and per-origin heads (connection fields left empty).
  absl::StatusOr<v1::SyncStatus> Status() const;
  absl::StatusOr<std::vector<v1::EventRecord>> ReadEvents(absl::string_view origin,
                                                          uint64_t from_seq, size_t limit) const;
  // Every event held (read-only).
  const EventLog& events() const { return log_; }

  // NodeSyncStore
  const std::string& Site() const override { return site_; }
  absl::StatusOr<ChainHead> OwnHead() override;
  absl::StatusOr<EncodedNodeMessage> ReadOwnPush(uint64_t from_seq, size_t max_events,
                                                 size_t max_bytes) override;
  // The records ReadOwnPush frames (tests and simulations).
  absl::StatusOr<std::vector<v1::EventRecord>> ReadOwn(uint64_t from_seq, size_t max_events,
                                                       size_t max_bytes);
  absl::StatusOr<std::optional<v1::EventRecord>> ReadOwnAt(uint64_t seq) override;
  absl::StatusOr<NodeCursor> Cursor() override;
  absl::Status ResetCursor(uint64_t hub_epoch) override;
  absl::Status ApplyPulled(uint64_t hub_epoch,
                           const std::vector<const DecodedPull*>& pulls) override;
  // One batch as it comes off the wire (tests and simulations).
  absl::Status ApplyPulled(uint64_t hub_epoch, const v1::PullBatch& batch);
  absl::Status RecordAcked(uint64_t high_water) override;
  bool Recovering() override;
  absl::Status SetRecoveryTarget(uint64_t target) override;
  // Refuse commands until the hub has told how far this site's history goes
  // and it is back (Options::recover_from_hub).
  absl::Status BeginRecovery();

 private:
  struct SyncState {
    uint64_t hub_epoch = 0;
    uint64_t cursor = 0;
    uint64_t acked = 0;
  };

  friend class CommandContext;
  NodeStore(std::string site, std::string prefix, std::unique_ptr<Store> store,
            HybridClock::PhysicalClock clock);
  absl::Status LoadState();
  // Checks a withheld link against its origin's chain and stages it (or
  // nothing, when already held). DataLoss if it does not link or is malformed.
  absl::Status StageWithheldLink(Batch& batch, const v1::LogEntry& entry)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StageSyncState(Batch& batch, const SyncState& state);
  // Stages one pulled batch (ApplyPulled); `state` gets its cursor, `max_hlc`
  // the latest clock reading of the events staged.
  absl::Status StagePulled(Batch& batch, const DecodedPull& pull, SyncState* state,
                           uint64_t* max_hlc) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes what StagePulled staged, with the cursor and the end of a recovery.
  absl::Status CommitPulled(Batch& batch, const SyncState& state, uint64_t max_hlc)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string site_;
  const std::string prefix_;
  HybridClock::PhysicalClock physical_;
  std::unique_ptr<Store> store_;
  EventLog log_;
  HybridClock clock_;
  mutable std::mutex mu_;  // serialises writers
  SyncState sync_ ABSL_GUARDED_BY(mu_);
  // Recovering own history up to this seq (0: until the hub says); nullopt: not recovering.
  std::optional<uint64_t> recovery_ ABSL_GUARDED_BY(mu_);
  std::function<void()> on_local_append_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_NODE_STORE_H_
