// Pricing a basket: what RecordSale and QuoteSale share. Both prices of every
// line (common/money.h), lots earliest expiry first, the member served, the
// referral and the monthly ceiling, checked against the centre's views; a
// refusal is the volunteer's French message. Nothing here writes.
#ifndef COMPTOIR_NODE_SALE_PRICING_H_
#define COMPTOIR_NODE_SALE_PRICING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "comptoir/v1/till.pb.h"
#include "common/store.h"

namespace comptoir {

// One requested line, whichever way it was given.
struct WantedLine {
  std::string product_id;
  std::string barcode;
  int64_t quantity = 0;
  uint32_t member_id = 0;
};

// The lines of `request` (simple lines, then items), after checking the
// request's shape; InvalidArgument (French) when malformed.
absl::StatusOr<std::vector<WantedLine>> WantedLines(const v1::RecordSaleRequest& request);

// A basket priced and checked against the rules, not yet numbered nor written.
struct PricedSale {
  v1::SaleRecorded sale;
  // What is left of the monthly ceiling after it; nullopt when no ceiling.
  std::optional<int64_t> remaining;
};

// Prices `wanted` for the family of `request` on `today` at `site`: family
// known, referral covering today, products sellable, member served where the
// department serves persons, lots earliest expiry first, ceiling. Returns the
// volunteer's French refusal when a rule says no. Reads `store` only.
absl::StatusOr<PricedSale> PriceSale(const Store& store, const std::string& site,
                                     const std::string& today,
                                     const v1::RecordSaleRequest& request,
                                     const std::vector<WantedLine>& wanted);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_SALE_PRICING_H_
