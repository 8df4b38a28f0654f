// Deterministic simulation of the sync protocol (FoundationDB-style): seeded
// random schedules of sales, message deliveries, disconnections (losing what
// was in flight), node restarts and re-deliveries, over real stores. Whatever
// the schedule, once everyone is connected and quiet, every replica holds every
// event exactly once and every view agrees.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "tests/sim/sync_harness.h"
#include "tests/testing/shop.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::SyncWire;
using ::comptoir::testing::TempDir;

const char* const kSites[] = {"hem", "lille", "caudry"};

struct SimNode {
  std::string site;
  std::string dir;
  std::unique_ptr<NodeStore> store;
  std::unique_ptr<SyncWire> wire;  // null: disconnected
  v1::PullBatch last_pull;         // for re-delivery
};

std::map<std::string, std::pair<uint64_t, int64_t>> Views(const v1::SalesSummary& summary) {
  std::map<std::string, std::pair<uint64_t, int64_t>> views;
  for (const auto& row : summary.origins()) views[row.origin()] = {row.sales(), row.units()};
  return views;
}

class SyncSimulationTest : public ::testing::TestWithParam<int> {};

TEST_P(SyncSimulationTest, ReplicasConvergeWhateverTheSchedule) {
  const int seed = GetParam();
  std::mt19937 random(seed);
  TempDir dir;
  auto hub = HubLog::Open(dir.Sub("hub")).value();
  std::vector<SimNode> nodes;
  for (const char* site : kSites) {
    SimNode node;
    node.site = site;
    node.dir = dir.Sub(site);
    node.store = NodeStore::Open({site, node.dir, nullptr, ""}).value();
    nodes.push_back(std::move(node));
  }
  std::map<std::string, int64_t> units_sold;
  std::map<std::string, uint64_t> sales_made;

  for (int step = 0; step < 250; ++step) {
    SimNode& node = nodes[random() % nodes.size()];
    const int action = static_cast<int>(random() % 100);
    if (action < 25) {  // a sale at the till, connected or not
      const int64_t quantity = 1 + random() % 4;
      ASSERT_TRUE(testing::AppendRawSale(*node.store, quantity).ok());
      units_sold[node.site] += quantity;
      sales_made[node.site] += 1;
      if (node.wire) node.wire->LocalAppend();
    } else if (action < 45) {
      if (node.wire) node.wire->DeliverUp();
    } else if (action < 65) {
      if (node.wire) {
        const bool had_pull = !node.wire->down().empty() && node.wire->down().front().has_pull();
        if (had_pull) node.last_pull = node.wire->down().front().pull();
        node.wire->DeliverDown();
      }
    } else if (action < 75) {  // the connection drops: in-flight messages are lost
      node.wire.reset();
    } else if (action < 85) {
      if (!node.wire || node.wire->closed()) {
        node.wire = std::make_unique<SyncWire>(node.store.get(), hub.get());
      }
    } else if (action < 92) {  // the node restarts
      node.wire.reset();
      node.store.reset();
      node.store = NodeStore::Open({node.site, node.dir, nullptr, ""}).value();
    } else {  // an old pull batch is delivered again (duplicate, reordered)
      if (node.last_pull.entries_size() > 0) {
        const uint64_t epoch = node.store->Status()->hub_epoch();
        if (epoch == hub->Epoch()) {
          ASSERT_TRUE(node.store->ApplyPulled(epoch, node.last_pull).ok());
        }
      }
    }
    if (node.wire && node.wire->closed()) {
      // Protocol errors are bugs here: no schedule should cause one.
      ASSERT_TRUE(node.wire->node_error().ok()) << "seed " << seed << ": " << node.wire->node_error();
      ASSERT_TRUE(node.wire->hub_end().ok()) << "seed " << seed << ": " << node.wire->hub_end();
    }
  }

  // Heal: everyone connects and the network goes quiet.
  for (int round = 0; round < 3; ++round) {
    for (SimNode& node : nodes) {
      node.wire = std::make_unique<SyncWire>(node.store.get(), hub.get());
      node.wire->Pump();
      ASSERT_TRUE(node.wire->node_error().ok()) << node.wire->node_error();
      ASSERT_TRUE(node.wire->hub_end().ok()) << node.wire->hub_end();
    }
  }

  auto expected = Views(*hub->Sales());
  for (const char* site : kSites) {
    EXPECT_EQ(hub->HeadOf(site)->seq, sales_made[site]) << site;
    EXPECT_EQ(expected[site].first, sales_made[site]) << site;
    EXPECT_EQ(expected[site].second, units_sold[site]) << site;
  }
  for (SimNode& node : nodes) {
    EXPECT_EQ(Views(*node.store->Sales()), expected) << node.site << " (seed " << seed << ")";
    EXPECT_EQ(node.store->Status()->pending_push(), 0u) << node.site;
  }
  EXPECT_EQ(hub->LogHead(), hub->HeadOf("hub")->seq + sales_made["hem"] + sales_made["lille"] +
                                sales_made["caudry"]);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SyncSimulationTest, ::testing::Range(1, 21));

}  // namespace
}  // namespace comptoir
