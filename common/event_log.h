// The event log shared by nodes and the hub: events of every origin, keyed by
// (origin, seq), each origin a hash chain whose head is kept in meta.
//
// Stage() puts into one Batch: the core bytes, the personal part (apart, so it
// can be erased), the new chain head, and the projection updates. The caller
// writes the batch (synced) and only then reports success.
//
// A replica may hold, instead of some events of another origin, withheld links
// (common/routing.h): the link's hashes in meta and the head moved past it; its
// events column then has no entry at that seq.
//
// Thread-safety: reads are safe from any thread. Staging reads the head, so the
// owner must serialise the stage-and-write sequence (one writer at a time).
#ifndef COMPTOIR_COMMON_EVENT_LOG_H_
#define COMPTOIR_COMMON_EVENT_LOG_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/authority.h"
#include "common/event_codec.h"
#include "common/store.h"
#include "comptoir/v1/till.pb.h"

namespace comptoir {

class EventLog {
 public:
  // `store` is not owned and must outlive the log.
  explicit EventLog(Store* store) : store_(store) {}

  // The chain head held for `origin` (seq 0 if none), seeing `batch`'s pending writes.
  absl::StatusOr<ChainHead> Head(absl::string_view origin, const Batch* batch = nullptr) const;
  // Every origin's head.
  absl::StatusOr<std::map<std::string, ChainHead>> Heads() const;

  // What Stage does with an event whose values or writer are not allowed
  // (CheckEvent, common/event_checks.h).
  enum class Admission {
    kRefuse,        // an own command: the error comes back, nothing is staged
    kKeepUnfolded,  // an event pulled from the hub: its bytes are kept (the
                    // chain stays whole and verifiable) but no view folds it
    kChecked,       // the caller has run CheckEvent itself (the hub's push)
  };
  // Stages `event`, which must be the next link of its origin's chain
  // (CheckLink == kNext, checked by the caller), with its view updates. An
  // event of a newer format than kEventFormat (common/event_codec.h) is
  // stored and forwarded but not folded: this build cannot know what its
  // fields now mean. The first such event a log meets is logged as a warning
  // (the replica should be upgraded); the later ones are not.
  absl::Status Stage(Batch& batch, const DecodedEvent& event, Admission admission);
  // Stages a withheld link (an event of another origin this replica is not
  // entitled to), which must be the next link of its origin's chain
  // (CheckLink == kNext): the link is kept and becomes the head; no view changes.
  // `hash` is the SHA-256 of the withheld core, as the hub vouches for it: the
  // origin's next event held must carry it as prev_hash.
  void StageWithheld(Batch& batch, absl::string_view origin, uint64_t seq,
                     absl::string_view prev_hash, absl::string_view hash);

  // The record (origin, seq), or nullopt when not held.
  absl::StatusOr<std::optional<v1::EventRecord>> Read(absl::string_view origin,
                                                      uint64_t seq) const;
  // Records of `origin` from `from_seq` on, at most `max_events` and about
  // `max_bytes` (always at least one when any exists).
  absl::StatusOr<std::vector<v1::EventRecord>> ReadRange(absl::string_view origin,
                                                         uint64_t from_seq, size_t max_events,
                                                         size_t max_bytes) const;
  // The same records as ReadRange, each passed in order to `visit` as its
  // core and personal part (empty: none), which are valid only during the call.
  using RecordVisitor = std::function<void(absl::string_view core, absl::string_view personal)>;
  absl::Status VisitRange(absl::string_view origin, uint64_t from_seq, size_t max_events,
                          size_t max_bytes, const RecordVisitor& visit) const;

  Store* store() const { return store_; }
  // The card-prefix claims of this store, remembered for the writer checks
  // (common/authority.h).
  PrefixClaims* claims() const { return claims_.get(); }

  // Erasures (common/erasure.h). Stage() drops the personal part of an event
  // about an erased household, and notes when it staged a FamilyErased; the
  // owner calls PurgeIfDue() once the batch is written (and at start: a
  // purge interrupted by a crash is still pending in the store).
  // `register_path`: the erasure register this replica notes erasures in
  // (empty: none, for simulations and staging copies).
  void SetErasureRegister(std::string register_path);
  // Purges (common/erasure.h PurgeErasedFamilies) when an erasure was staged
  // since the last purge, or when `always`. Returns how many families.
  absl::StatusOr<int> PurgeIfDue(bool always = false);

 private:
  Store* store_;
  // Shared by copies of the log: they check against the same store.
  std::shared_ptr<PrefixClaims> claims_ = std::make_shared<PrefixClaims>();
  struct Erasures {
    std::string register_path;
    std::atomic<bool> purge_due{false};
  };
  std::shared_ptr<Erasures> erasures_ = std::make_shared<Erasures>();
  // Whether a newer format has been met (and said) already; shared by copies.
  std::shared_ptr<std::atomic<bool>> warned_newer_format_ =
      std::make_shared<std::atomic<bool>>(false);
};

// Answers a ReadEvents call (NodeService and HubService, the same on both) from
// `log`: InvalidArgument unless the origin is a site id; from_seq 0 reads from
// 1; limit 0 means 100, and at most 1000 events are returned.
absl::StatusOr<v1::ReadEventsResponse> AnswerReadEvents(const EventLog& log,
                                                        const v1::ReadEventsRequest& request);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_EVENT_LOG_H_
