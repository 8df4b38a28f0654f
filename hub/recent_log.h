// The newest entries of the hub's network log, kept in memory for the pulls
// of connected centres. A centre that follows the log asks, again and again,
// for what was appended since its last batch: those pulls are served from here,
// with no scan of the log column, no read of each core, no parse and no hash.
// Older positions, and a centre recovering its own events, are read from the
// store (HubLog::ReadLogFor), which gives the same batches.
//
// Each entry keeps the decoded event the hub appended (shared with the append
// that made it: nothing is copied) and its route; a pull gives each centre
// other than the origin the event (its personal part only if that travels) or
// its withheld link (common/routing.h). An entry whose route was not settled
// when it was appended makes a pull that reaches it go to the store, which
// routes it again. An entry is encoded for the wire (EncodeLogEntry) by the
// first pull that needs that form (the event, the event with its personal
// part where it travels, the withheld link), a whole group at a time; every
// later pull shares those bytes, and sends them without copying (EncodedPull::Frame).
//
//   RecentLog recent(kEntries);
//   recent.Add(first_position, std::move(entries));    // the log's writer
//   std::optional<EncodedPull> batch = recent.Read("lille", after, head, ...);
//
// Thread-safe: one thread adds, any number read.
#ifndef COMPTOIR_HUB_RECENT_LOG_H_
#define COMPTOIR_HUB_RECENT_LOG_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "common/encoded_pull.h"
#include "common/event_codec.h"
#include "common/routing.h"
#include "common/sha256.h"
#include "comptoir/v1/sync.pb.h"

namespace comptoir {

// Size counted against a pull batch's byte budget for one withheld link.
inline constexpr size_t kWithheldLinkBytes = 2 * kHashSize + 48;

class RecentLog {
 public:
  struct Entry {
    std::shared_ptr<const DecodedEvent> event;
    Route route;  // as the log records it: not settled means routed at each pull
  };

  // Keeps at least the last `capacity` entries added (older groups are dropped
  // whole, oldest first).
  explicit RecentLog(size_t capacity) : capacity_(capacity) {}

  // The entries at positions first, first + 1, ..., durable in the store.
  // Called in position order; a call that does not follow the last entry held
  // drops everything held first. Returns what it dropped, for the caller to
  // release on a thread where freeing a few thousand events costs it nothing
  // (readers may still hold some of it: the last one frees it).
  using Dropped = std::vector<std::shared_ptr<const void>>;
  [[nodiscard]] Dropped Add(uint64_t first, std::vector<Entry> entries);
  // Drops every entry (after an erasure: they may hold a personal part the
  // store no longer has); pulls read the store until the next Add.
  [[nodiscard]] Dropped Clear();

  // The pull batch HubLog::ReadLogFor gives `site` (its own events skipped)
  // for the positions after `after` up to `head`, within the same limits, if
  // every entry it needs is held here with a settled route; nullopt otherwise.
  std::optional<EncodedPull> Read(absl::string_view site, uint64_t after, uint64_t head,
                                  size_t max_events, size_t max_bytes,
                                  size_t max_scanned) const;

 private:
  // The forms an entry goes out in.
  enum Form { kEvent, kEventWithPersonal, kWithheld, kForms };
  // Every entry of a group encoded in one form, one after the other: entries
  // that a pull sends in a row are one span of these bytes.
  struct Encoding {
    std::string bytes;
    std::vector<size_t> ends;  // entry i is bytes[ends[i - 1], ends[i]) (0 before the first)
  };
  struct Group {
    explicit Group(uint64_t first, std::vector<Entry> entries);
    ~Group();
    // The bytes of entry `index` (at position first + index) in `form`. The
    // first caller encodes the whole group in that form (concurrent callers
    // may each encode it; one copy is kept).
    absl::string_view Encoded(size_t index, Form form) const;

    const uint64_t first;
    const std::vector<Entry> entries;
    // Null until a pull needs the form; owned.
    mutable std::atomic<const Encoding*> encoded[kForms] = {};
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  // Consecutive positions, oldest first; readers keep a group alive while
  // they copy from it, outside the lock.
  std::deque<std::shared_ptr<const Group>> groups_ ABSL_GUARDED_BY(mu_);
  size_t held_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_RECENT_LOG_H_
