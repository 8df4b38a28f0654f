// The hub's network log: every accepted event of every origin, numbered by
// position (1, 2, 3, ... in arrival order), on one RocksDB.
//
// Layout (see common/keys.h): events and chain heads as in every EventLog;
// log: LogKey(position) -> EventKey(origin, seq); meta: epoch, log_head.
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
// Thread-safe: appends are serialised by an internal lock; reads are free.
#ifndef COMPTOIR_HUB_HUB_LOG_H_
#define COMPTOIR_HUB_HUB_LOG_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "common/event_log.h"
#include "common/hlc.h"
#include "common/store.h"
#include "common/sync_protocol.h"
#include "comptoir/v1/hub.pb.h"
#include "hub/stats_model.h"

namespace comptoir {

class HubLog : public HubSyncStore {
 public:
  // Opens or creates the hub's database in `dir`. With `new_epoch` (after
  // restoring a backup), draws a new epoch: every node then re-pulls from the
  // start and re-pushes what this log lacks.
  static absl::StatusOr<std::unique_ptr<HubLog>> Open(const std::string& dir,
                                                      bool new_epoch = false);

  uint64_t Epoch() const override { return epoch_; }
  absl::StatusOr<ChainHead> HeadOf(absl::string_view origin) override;
  uint64_t LogHead() override { return log_head_.load(); }
  absl::StatusOr<PushVerdict> AppendPushed(absl::string_view site,
                                           const std::vector<DecodedEvent>& events) override;
  absl::StatusOr<v1::PullBatch> ReadLogFor(absl::string_view site, uint64_t after,
                                           size_t max_events, size_t max_bytes,
                                           bool include_own) override;

  // Appends an event of origin "hub" (network configuration), durably.
  absl::StatusOr<DecodedEvent> AppendOwn(v1::EventCore core);

  // Time (hybrid clock, ms since the Unix epoch) of the latest event held from
  // `origin`; 0 when none.
  absl::StatusOr<int64_t> LatestEventMillis(absl::string_view origin) const;

  // The catalogue as folded on the hub.
  absl::StatusOr<v1::Catalogue> Catalogue() const;
  const Store& store() const { return *store_; }
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

  std::unique_ptr<Store> store_;
  EventLog log_;
  const uint64_t epoch_;
  std::atomic<uint64_t> log_head_;
  HybridClock clock_;
  StatsModel stats_;
  std::mutex append_mu_;  // one appender at a time (heads and positions)
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_HUB_LOG_H_
