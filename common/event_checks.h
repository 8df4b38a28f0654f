// What every replica checks of an event before it takes it in: that its
// values are within the limits (common/limits.h) and that its origin may
// write it (the writer table, common/authority.h). The till runs the same
// checks on its own events before it appends them, so an honest centre never
// writes an event its hub refuses.
//
//   hub, a pushed event    refused: SyncError NOT_WRITER or INVALID_EVENT,
//                          nothing of it or after it is written
//   node, a pulled event   stored (its chain must stay whole) but not folded
//                          into any view, and logged
//   node, its own command  refused: the command changes nothing
//
// Thread-compatible: pure functions of their arguments and the store.
#ifndef COMPTOIR_COMMON_EVENT_CHECKS_H_
#define COMPTOIR_COMMON_EVENT_CHECKS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "common/authority.h"
#include "common/event_codec.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"

namespace comptoir {

// OK when every amount, quantity, text and id of `core` is within the limits
// and the whole event (core and personal part, `event_bytes`) within
// kMaxEventBytes. InvalidArgument naming the first value that is not.
// Never reads a store: the same answer on every replica.
absl::Status CheckEventValues(const v1::EventCore& core, size_t event_bytes);

// OK when the texts of the personal part `personal_bytes` (empty: none) are
// within the limits: the till's free texts (kMaxTextBytes each, one reason per
// received item at most), names and a referral's project. InvalidArgument
// naming the first that is not, or when the bytes do not parse.
absl::Status CheckPersonalValues(const v1::EventCore& core, absl::string_view personal_bytes);

// CheckEventValues and CheckPersonalValues (only the size for an event of a
// newer format than kEventFormat), then CheckWriter (common/authority.h), reading the
// replica's views through `batch` (null: the store alone), so that the events
// staged before this one in the batch count (`claims`: see authority.h).
// InvalidArgument or
// PermissionDenied with a sentence for the person reading the logs.
absl::Status CheckEvent(const Store& store, const Batch* batch, const DecodedEvent& event,
                        PrefixClaims* claims = nullptr);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_EVENT_CHECKS_H_
