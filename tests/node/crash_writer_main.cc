// Test helper: records sales through the till as fast as it can and prints
// "<seq> <request_id> <receipt_no>" after each one is acknowledged (durable),
// so that a test can kill it with SIGKILL at any moment and check what
// survived. On first use it opens the shop (family, referral, product, stock).
//   comptoir_crash_writer DIR SITE COUNT
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "node/node_store.h"
#include "node/till.h"
#include "tests/testing/shop.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DIR SITE COUNT\n", argv[0]);
    return 2;
  }
  auto store = comptoir::NodeStore::Open({argv[2], argv[1], nullptr, ""});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  comptoir::Till till(store->get());
  comptoir::testing::Shop shop;
  auto catalogue = till.GetCatalogue();
  if (catalogue.ok() && catalogue->products_size() > 0) {
    shop.product_id = catalogue->products(0).product_id();
    auto family = till.SearchFamilies([] {
      comptoir::v1::SearchFamiliesRequest request;
      request.set_query("Martin");
      return request;
    }());
    if (family.ok() && family->families_size() > 0) shop.family_id = family->families(0).family_id();
  }
  if (shop.family_id.empty()) {
    auto opened = comptoir::testing::OpenShop(till);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
      return 1;
    }
    shop = *opened;
  }
  const int count = std::atoi(argv[3]);
  for (int i = 0; i < count; ++i) {
    const std::string request_id = "crash-" + std::to_string(i) + "-" + std::to_string(getpid());
    auto response = comptoir::testing::SellAt(till, shop, 1 + i % 3, request_id);
    if (!response.ok()) {
      std::fprintf(stderr, "%s\n", response.status().ToString().c_str());
      return 1;
    }
    std::printf("%llu %s %s\n", static_cast<unsigned long long>(response->seq()),
                request_id.c_str(), response->receipt_no().c_str());
    std::fflush(stdout);
  }
  return 0;
}
