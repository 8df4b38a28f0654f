// Sets up a centre so that it can sell: one family with a referral covering
// today, one local product with plenty of stock. For tests whose subject is
// not the till's rules (sync, crashes) but that need real sales.
#ifndef COMPTOIR_TESTS_TESTING_SHOP_H_
#define COMPTOIR_TESTS_TESTING_SHOP_H_

#include <string>

#include "absl/status/statusor.h"
#include "node/till.h"

namespace comptoir::testing {

struct Shop {
  std::string family_id;
  std::string product_id;
};

absl::StatusOr<Shop> OpenShop(Till& till);

// Sells `quantity` units of the shop's product to its family.
absl::StatusOr<v1::RecordSaleResponse> SellAt(Till& till, const Shop& shop, int64_t quantity = 1,
                                              const std::string& request_id = "");

// Appends a bare sale event (family "FAM-1", product "P") without the till's
// rules: for sync tests, where events are what moves and their content does
// not matter.
absl::Status AppendRawSale(NodeStore& node, int64_t quantity = 1);

}  // namespace comptoir::testing

#endif  // COMPTOIR_TESTS_TESTING_SHOP_H_
