// Workshops (ateliers) as a replica knows them: sessions and their seats.
// A workshop is changed only by the centre that runs it, so the view needs
// no merging: it is the fold of that centre's events in order.
#ifndef COMPTOIR_COMMON_WORKSHOP_VIEW_H_
#define COMPTOIR_COMMON_WORKSHOP_VIEW_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"
#include "comptoir/v1/till.pb.h"

namespace comptoir {

// WorkshopScheduled, WorkshopRegistered, WorkshopAttended.
absl::Status FoldWorkshop(const Store& store, Batch& batch, const v1::EventCore& core);

absl::StatusOr<std::optional<v1::WorkshopView>> FindWorkshop(const Store& store,
                                                             absl::string_view workshop_id);
// Every workshop held here, in id order.
absl::StatusOr<std::vector<v1::WorkshopView>> AllWorkshops(const Store& store);

// What each donor gave, per site and in total (folded with stock receptions).
absl::StatusOr<v1::DonorReport> ReadDonorReport(const Store& store);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_WORKSHOP_VIEW_H_
