// Deterministic simulation of the whole sync (tests/sim/sim_world.h): for each
// seed, a hub and three centres live through a random schedule of till
// operations, message deliveries, drops, duplicates, late deliveries, clock
// jumps, power cuts, lost disks and restores from backups; then the network
// heals and SimWorld checks that nothing confirmed was lost or doubled and
// that every replica agrees.
//
// 10,000 seeds by default, in shards so that ctest runs them in parallel.
//   COMPTOIR_SIM_SEEDS=N   seeds in all (spread over the shards)
//   COMPTOIR_SIM_SEED=S    only seed S (the failure message says which)
//   COMPTOIR_SIM_STEPS=K   steps per seed (default 120)
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"
#include "common/logging.h"
#include "tests/sim/sim_world.h"

namespace comptoir {
namespace {

constexpr int kShards = 20;

int64_t EnvOr(const char* name, int64_t fallback) {
  const char* value = std::getenv(name);
  int64_t parsed = 0;
  return value != nullptr && absl::SimpleAtoi(value, &parsed) ? parsed : fallback;
}

// Plays one seed; returns the first violation, naming the seed.
absl::Status PlaySeed(uint64_t seed, int steps, const testing::InstalledNetwork& installed,
                      testing::SimCounts* counts) {
  testing::SimWorld world(seed, installed);
  absl::Status status = world.Start();
  if (status.ok()) status = world.Run(steps);
  if (status.ok()) status = world.Finish();
  counts->Add(world.counts());
  return status;
}

class SyncSimulationTest : public ::testing::TestWithParam<int> {};

TEST_P(SyncSimulationTest, NothingConfirmedIsLostAndEveryReplicaAgrees) {
  const int shard = GetParam();
  const int steps = static_cast<int>(EnvOr("COMPTOIR_SIM_STEPS", 120));
  const int64_t only = EnvOr("COMPTOIR_SIM_SEED", -1);
  const int64_t seeds = EnvOr("COMPTOIR_SIM_SEEDS", 10000);
  SetLogLevel(LogLevel::kError);  // recoveries are expected here; failures say enough
  auto installed = testing::InstalledNetwork::Install(std::make_shared<MemoryDisk>());
  ASSERT_TRUE(installed.ok()) << installed.status();
  testing::SimCounts counts;
  int64_t played = 0;
  for (int64_t seed = 1 + shard; seed <= seeds; seed += kShards) {
    if (only >= 0 && seed != only) continue;
    absl::Status status = PlaySeed(static_cast<uint64_t>(seed), steps, *installed, &counts);
    ++played;
    if (!status.ok()) {
      ADD_FAILURE() << "seed " << seed << ": " << status
                    << "\nreplay: COMPTOIR_SIM_SEED=" << seed
                    << " build/tests/sim_test --gtest_filter='Seeds/SyncSimulationTest.*/"
                    << (seed - 1) % kShards << "'";
      return;
    }
  }
  std::cout << "shard " << shard << ": " << played << " seeds, " << counts.Summary() << "\n";
}

INSTANTIATE_TEST_SUITE_P(Seeds, SyncSimulationTest, ::testing::Range(0, kShards));

}  // namespace
}  // namespace comptoir
