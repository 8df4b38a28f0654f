// Stock lots of every centre whose stock events this replica holds, and the
// first-expiry-first-out (FEFO) rule. A centre's stock is changed only by its
// own events, so the view is keyed by site and needs no merging.
//
// Units move: StockReceived adds a lot; StockAdjusted adds or removes units
// (of a lot, or of the product when no lot is named); a sale takes units from
// the lots its lines name (plus any confirmed shortfall, which only lowers
// the product total); a void puts them back.
#ifndef COMPTOIR_COMMON_STOCK_VIEW_H_
#define COMPTOIR_COMMON_STOCK_VIEW_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"
#include "comptoir/v1/till.pb.h"

namespace comptoir {

// StockReceived, StockAdjusted.
absl::Status FoldStock(const Store& store, Batch& batch, const v1::EventCore& core);
// Takes (sign -1) or puts back (sign +1) the units of a sale of `site`.
absl::Status MoveSaleStock(const Store& store, Batch& batch, absl::string_view site,
                           const v1::SaleRecorded& sale, int sign);

// Stores a lot record (and keeps its FEFO entry only while it has units left).
void StageLot(Batch& batch, absl::string_view site, const v1::Lot& lot);

// Ledger entries per site and product; `kind` is one of "donated", "in",
// "adjusted", "sold", "out" (see common/transfer_view.h for the balance).
absl::Status AddToLedger(const Store& store, Batch& batch, absl::string_view site,
                         absl::string_view product_id, absl::string_view kind, int64_t units);

absl::StatusOr<std::optional<v1::Lot>> FindLot(const Store& store, absl::string_view site,
                                               absl::string_view lot_id);
// Lots of a product with units left, earliest expiry first (undated last).
absl::StatusOr<std::vector<v1::Lot>> LotsInFefoOrder(const Store& store, absl::string_view site,
                                                     absl::string_view product_id);
// Units of a product in stock at `site` (negative after a confirmed oversale).
absl::StatusOr<int64_t> StockOf(const Store& store, absl::string_view site,
                                absl::string_view product_id);
// Products `site` has ever held, with their stock.
absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> StockLevels(const Store& store,
                                                                        absl::string_view site);

struct FefoPlan {
  std::vector<v1::LotTake> takes;
  // Units the lots could not cover.
  int64_t shortfall = 0;
  // Units left in lots past their DLC (held, but not for sale).
  int64_t past_dlc = 0;
};
// Which lots `quantity` units come from on `today`: earliest expiry first,
// skipping lots past their DLC (never sold after it); DDM lots may be sold.
FefoPlan PlanFefo(const std::vector<v1::Lot>& lots_in_fefo_order, int64_t quantity,
                  absl::string_view today);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_STOCK_VIEW_H_
