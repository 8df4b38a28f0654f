// The hub's network log: every accepted event of every origin, numbered by
// position (1, 2, 3, ... in arrival order), on one RocksDB.
//
// Layout (see common/keys.h): events and chain heads as in every EventLog;
// log: LogKey(position) -> the event's key and route (common/routing.h
// EncodeLogValue, recorded at append time so that a pull decides what a centre
// gets without parsing cores); meta: epoch, log_head.
// An append is one synced batch: events + log entries + heads + views + head.
//
// The epoch is a random 64-bit id drawn when the database is created; a hub
// restored from a backup must get a new one (issue: sync recovery). A new
// hub's first events (origin "hub") define the default network configuration
// (common/network_defaults.h): departments and discounts, prescribers, donors.
//
// Statistics (hub/stats_model.h) are folded in memory as each append is
// written; Open() folds the log once to rebuild them.
//
// Group commit: every append (AppendPushed, AppendPushedAsync, AppendOwn)
// joins one queue, and one writer thread of the log takes everything queued
// (up to a limit), verifies and stages it in queue order into one batch (each
// append sees the chain heads and events staged before it, as if it had run
// alone in that order) and builds the storage engine's form of it
// (Store::Prepare). A committer thread, whose pace is the log's, only writes
// that batch with one sync and hands the group to a finisher thread, which
// folds the statistics and has each append answered, group after group. Three groups move at once: one
// answered, one written, one staged. The one staged reads through the batch
// being written (Batch::ReadThrough), so it sees that group's heads and views
// before they reach the store; if that write fails, it is staged again from
// what the store holds. Positions are given in queue order; LogHead() moves
// only once the whole group is durable, and nothing unsynced ever reaches the
// store, so readers never see a position or head that a crash could lose.
// While staging, chain heads come from a cache the writer keeps for the log's
// lifetime (it is the only writer of heads), not from a read per append.
//
// Thread-safe: appends are serialised as above; reads are free.
#ifndef COMPTOIR_HUB_HUB_LOG_H_
#define COMPTOIR_HUB_HUB_LOG_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"

#include "common/event_log.h"
#include "common/hlc.h"
#include "common/routing.h"
#include "common/store.h"
#include "common/sync_protocol.h"
#include "comptoir/v1/hub.pb.h"
#include "hub/recent_log.h"
#include "hub/stats_model.h"

namespace comptoir {

class HubLog : public HubSyncStore {
 public:
  // Opens or creates the hub's database in `dir`. With `new_epoch` (after
  // restoring a backup), draws a new epoch: every node then re-pulls from the
  // start and re-pushes what this log lacks. `memory_disk`: simulations only.
  // `erasure_register`: the hub's register of erasures (common/erasure.h),
  // default "<dir>.erasures" (none on a memory disk); the erasures it holds
  // that the database lacks are applied before Open returns.
  static absl::StatusOr<std::unique_ptr<HubLog>> Open(
      const std::string& dir, bool new_epoch = false,
      std::shared_ptr<MemoryDisk> memory_disk = nullptr, std::string erasure_register = "");
  // Answers every append still queued, then stops the writer thread.
  ~HubLog() override;

  uint64_t Epoch() const override { return epoch_; }
  absl::StatusOr<ChainHead> HeadOf(absl::string_view origin) override;
  uint64_t LogHead() override { return log_head_.load(); }
  absl::StatusOr<PushVerdict> AppendPushed(absl::string_view site,
                                           const std::vector<DecodedEvent>& events) override;
  absl::StatusOr<EncodedPull> ReadLogFor(absl::string_view site, uint64_t after,
                                         size_t max_events, size_t max_bytes,
                                         bool include_own) override;

  // One stream's pushes (AppendPushedAsync). Opaque to callers.
  class PushSequence;
  static std::shared_ptr<PushSequence> NewPushSequence();
  using PushDone = std::function<void(absl::StatusOr<PushVerdict>)>;
  // Queues `events` pushed by `site` and returns at once. `done` runs on the
  // log's finisher thread once they are durable and LogHead() covers them (or
  // were refused, or failed), with what AppendPushed would have returned; it
  // must be quick and must not append. Pushes queued with one `sequence` are
  // appended in the order queued, and once one of them is refused (verdict
  // with an error) or fails, the later ones append nothing and get Aborted:
  // a stream's batches never interleave or reorder, and nothing pushed after
  // a refusal lands.
  void AppendPushedAsync(std::string site, std::vector<DecodedEvent> events,
                         std::shared_ptr<PushSequence> sequence, PushDone done);

  // Appends an event of origin "hub" (network configuration), durably.
  absl::StatusOr<DecodedEvent> AppendOwn(v1::EventCore core);
  // Appends each of `cores` as AppendOwn would, in order, all queued at once
  // so that group commit writes them in a few synced writes instead of one
  // each. Returns how many were appended and the first error (OK when none
  // failed; the others may still be appended); every append is durable or
  // failed once this returns.
  std::pair<size_t, absl::Status> AppendOwnAll(std::vector<v1::EventCore> cores);

  // Synced writes and the appends they carried, since Open (group commit at work:
  // appends / writes is the mean group size).
  struct CommitCounts {
    uint64_t writes = 0;
    uint64_t appends = 0;
  };
  CommitCounts commit_counts() const;

  // Pull batches made (ReadLogFor) since Open: from the recent entries kept in
  // memory, or by reading the store (older positions, recoveries).
  struct PullCounts {
    uint64_t from_memory = 0;
    uint64_t from_store = 0;
  };
  PullCounts pull_counts() const { return {pulls_from_memory_.load(), pulls_from_store_.load()}; }

  // Time (hybrid clock, ms since the Unix epoch) of the latest event held from
  // `origin`; 0 when none.
  absl::StatusOr<int64_t> LatestEventMillis(absl::string_view origin) const;

  // The catalogue as folded on the hub.
  absl::StatusOr<v1::Catalogue> Catalogue() const;
  const Store& store() const { return *store_; }
  // For writes that are not events and touch no view (LoginDesk's lock-out
  // counts): straight to the database, synced.
  Store* writable_store() { return store_.get(); }
  const StatsModel& stats() const { return stats_; }
  // Every event held (read-only).
  const EventLog& events() const { return log_; }

  // Epoch, log head and per-origin heads (connected_sites left empty).
  absl::StatusOr<v1::HubStatus> Status() const;
  absl::StatusOr<v1::SalesSummary> Sales() const;

 private:
  HubLog(std::unique_ptr<Store> store, uint64_t epoch, uint64_t log_head);
  // Folds every event held into stats_ (at start-up), one scan of the events.
  absl::Status LoadStats();
  // Folds events just written into stats_.
  void FoldStats(const DecodedEvent& event);
  // Adds to `batch` the entry at `position`, whose event's core is `core`,
  // as `site` may see it: the event (with its personal part if it travels)
  // or a withheld link. Returns the bytes it counts for.
  absl::StatusOr<size_t> AddLogEntry(absl::string_view site, uint64_t position,
                                     const LogValue& logged, std::string core,
                                     EncodedPull* batch) const;

  // One append waiting for its group to be written (hub_log.cc).
  struct PendingAppend;
  // Queues `append` and returns once it is durable (or failed).
  void CommitAndWait(PendingAppend* append);
  void Enqueue(PendingAppend* append);
  // A group of appends staged into one batch (hub_log.cc).
  struct Staged;
  // The writer thread: takes groups off the queue and stages each while the
  // committer writes the one before, until the log is destroyed.
  void WriterLoop();
  // The committer thread: writes each staged group with one synced write,
  // then lets readers see it.
  void CommitterLoop();
  // The finisher thread: folds each written group's events into the
  // statistics and answers its appends, in order.
  void FinisherLoop();
  // Stages `group` on top of `under` (the group being written, or null);
  // sets each append's outcome but the write's.
  std::unique_ptr<Staged> Stage(std::vector<PendingAppend*> group, const Staged* under);
  // Writes `staged` and lets readers see it (committer only). Returns the
  // recent entries it made room for, for the finisher to free.
  RecentLog::Dropped Commit(Staged& staged);
  // Stage one append into `staged`, at the positions after its own (advanced).
  // Each event staged is added to its recent entries (kept once it is durable).
  absl::Status StagePushed(PendingAppend& append, Staged& staged);
  absl::Status StageOwn(PendingAppend& append, Staged& staged);
  // The head of `origin`'s chain: staged in the group or the one under it,
  // cached, or read (writer only).
  absl::StatusOr<ChainHead> StagingHead(const std::string& origin, const Staged& staged);

  std::unique_ptr<Store> store_;
  EventLog log_;
  const uint64_t epoch_;
  std::atomic<uint64_t> log_head_;
  HybridClock clock_;
  StatsModel stats_;  // folded by the finisher thread only (after Open)
  // The newest entries, for the pulls of centres following the log.
  RecentLog recent_;
  std::atomic<uint64_t> pulls_from_memory_{0};
  std::atomic<uint64_t> pulls_from_store_{0};
  // Chain heads as written (writer thread only: it learns a group's heads
  // once the committer has written it).
  std::unordered_map<std::string, ChainHead> written_heads_;
  mutable std::mutex queue_mu_;
  std::condition_variable queue_wake_;
  // Appends waiting, in arrival order.
  std::deque<PendingAppend*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;
  CommitCounts commit_counts_ ABSL_GUARDED_BY(queue_mu_);
  // Groups written, waiting for the finisher to answer them (and to free the
  // recent entries each dropped, off the writer's thread).
  struct Written {
    std::vector<PendingAppend*> group;
    RecentLog::Dropped dropped;
  };
  std::mutex finish_mu_;
  std::condition_variable finish_wake_;
  std::deque<Written> to_finish_ ABSL_GUARDED_BY(finish_mu_);
  bool finish_stopping_ ABSL_GUARDED_BY(finish_mu_) = false;
  // The group handed to the committer (owned by the writer), null once
  // written: the writer stages the next one meanwhile, reading through it.
  std::mutex commit_mu_;
  std::condition_variable commit_wake_;
  Staged* to_commit_ ABSL_GUARDED_BY(commit_mu_) = nullptr;
  bool commit_stopping_ ABSL_GUARDED_BY(commit_mu_) = false;
  // Last: started once everything above exists.
  std::thread finisher_;
  std::thread committer_;
  std::thread writer_;
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_HUB_LOG_H_
