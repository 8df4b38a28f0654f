// Transfers of stock between centres, surplus and needs, and the stock
// ledger that proves nothing is created or lost.
//
// A transfer's record merges its events whatever their order: each kind of
// event is written by one party only, and the state shown is the strongest
// held (PROPOSED < ACCEPTED < DECLINED < CANCELLED < SHIPPED < RECEIVED), so a
// cancel that crosses a shipment is void and every replica ends with the same
// record.
//
// Surplus offered: the units a centre marked on a lot less what it shipped
// from that lot since (never below 0), and never more than the lot holds.
//
// Ledger (per site and product, counters that only add):
//   donated + transferred_in + adjusted - sold - transferred_out = stock
// and network-wide, per product, once every event is known:
//   transferred_out = transferred_in + in_transit + lost_in_transit
#ifndef COMPTOIR_COMMON_TRANSFER_VIEW_H_
#define COMPTOIR_COMMON_TRANSFER_VIEW_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/event_codec.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"
#include "comptoir/v1/till.pb.h"

namespace comptoir {

// TransferProposed/Answered/Cancelled/Shipped/Received, SurplusMarked, MinimumSet.
// The note and reasons come from the event's personal part, where held.
absl::Status FoldTransfer(const Store& store, Batch& batch, const DecodedEvent& event);

// The transfer's record, seeing `batch`'s pending writes when given.
absl::StatusOr<std::optional<v1::TransferView>> FindTransfer(const Store& store,
                                                             absl::string_view transfer_id,
                                                             const Batch* batch = nullptr);
absl::StatusOr<std::vector<v1::TransferView>> ListTransfers(const Store& store,
                                                            const v1::ListTransfersRequest& request);
// Every centre's surplus still offered (see above), lot by lot.
absl::StatusOr<v1::ListSurplusResponse> ListSurplus(const Store& store);
absl::StatusOr<v1::ListNeedsResponse> ListNeeds(const Store& store);

// One product's balance, for checking conservation.
struct ProductBalance {
  int64_t donated = 0, transferred_in = 0, adjusted = 0, sold = 0, transferred_out = 0;
  int64_t stock = 0;
  int64_t in_transit = 0, lost_in_transit = 0;  // network-wide rows only
};
// site -> product -> balance, plus site "" for the network-wide sums.
using Balances = std::map<std::string, std::map<std::string, ProductBalance>>;
absl::StatusOr<Balances> ReadBalances(const Store& store);
// OK if every centre's ledger matches its stock and the network's transfers
// account for every unit; FailedPrecondition naming the first mismatch otherwise.
absl::Status CheckConservation(const Store& store);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_TRANSFER_VIEW_H_
