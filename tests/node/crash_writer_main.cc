// Test helper: records sales into a node's store as fast as it can and prints
// "<seq> <request_id>" after each one is acknowledged (durable), so that a test
// can kill it with SIGKILL at any moment and check what survived.
//   comptoir_crash_writer DIR SITE COUNT
#include <cstdio>
#include <cstdlib>
#include <string>

#include "node/node_store.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DIR SITE COUNT\n", argv[0]);
    return 2;
  }
  auto store = comptoir::NodeStore::Open({argv[2], argv[1], nullptr});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  const int count = std::atoi(argv[3]);
  for (int i = 0; i < count; ++i) {
    comptoir::v1::RecordSaleRequest request;
    request.set_family_id("HEM-000042");
    request.set_request_id("crash-" + std::to_string(i) + "-" + std::to_string(getpid()));
    auto* line = request.add_lines();
    line->set_product_id("EPI-RIZ-1KG");
    line->set_quantity(1 + i % 3);
    auto response = (*store)->RecordSale(request);
    if (!response.ok()) {
      std::fprintf(stderr, "%s\n", response.status().ToString().c_str());
      return 1;
    }
    std::printf("%llu %s\n", static_cast<unsigned long long>(response->seq()),
                request.request_id().c_str());
    std::fflush(stdout);
  }
  return 0;
}
