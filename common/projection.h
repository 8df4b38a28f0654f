// Projections: the views folded from events, identical on nodes and on the hub.
//
// A projection update is staged in the same Batch as the event it folds, so
// views and log can never disagree after a crash. Every fold gives the same
// state whatever the interleaving of different origins: counters add,
// last-writer-wins registers compare (hlc, origin), a centre's stock is
// changed only by its own events.
//
// The folds live with their views: catalogue_view, family_view, stock_view,
// workshop_view;
// sales counters, receipts and monthly spending are folded here.
#ifndef COMPTOIR_COMMON_PROJECTION_H_
#define COMPTOIR_COMMON_PROJECTION_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/event_codec.h"
#include "common/store.h"
#include "comptoir/v1/till.pb.h"
#include "comptoir/v1/views.pb.h"

namespace comptoir {

// Stages the view updates for one newly appended event into `batch`.
// Reads go through the batch, so several events in one batch fold correctly.
absl::Status ApplyToViews(const Store& store, Batch& batch, const DecodedEvent& event);

// The sales view, one row per origin, in origin order.
absl::StatusOr<v1::SalesSummary> ReadSalesSummary(const Store& store);

// Where the sale with this receipt number is, if held.
absl::StatusOr<std::optional<v1::SaleIndex>> FindReceipt(const Store& store,
                                                         absl::string_view receipt_no);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_PROJECTION_H_
