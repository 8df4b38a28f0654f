// Projections: the views folded from events, identical on nodes and on the hub.
//
// A projection update is staged in the same Batch as the event it folds, so
// views and log can never disagree after a crash. Every fold here gives the
// same state whatever the interleaving of different origins (counters add).
//
// Views (layouts in common/keys.h):
//   sales per origin: number of sale events, units sold.
#ifndef COMPTOIR_COMMON_PROJECTION_H_
#define COMPTOIR_COMMON_PROJECTION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"
#include "comptoir/v1/till.pb.h"

namespace comptoir {

// Stages the view updates for one newly appended event into `batch`.
// Reads go through the batch, so several events in one batch fold correctly.
absl::Status ApplyToViews(const Store& store, Batch& batch, const v1::EventCore& core);

// The sales view, one row per origin, in origin order.
absl::StatusOr<v1::SalesSummary> ReadSalesSummary(const Store& store);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_PROJECTION_H_
