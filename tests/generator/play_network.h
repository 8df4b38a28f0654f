// Plays generated activity (tests/generator/activity.h) on a network: one
// NodeStore per centre under `dir/<site>` with a clock the generator drives,
// each syncing with the hub at `hub_address` over real gRPC. The hub is a
// real one (a comptoir-hub process, or an in-process hub in tests); the
// generator settles the network by asking it, through HubService, what it
// holds. When it returns, the hub holds every event played, and the node
// directories can be served by comptoir-node.
#ifndef COMPTOIR_TESTS_GENERATOR_PLAY_NETWORK_H_
#define COMPTOIR_TESTS_GENERATOR_PLAY_NETWORK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/generator/activity.h"

namespace comptoir::generator {

struct NetworkOptions {
  std::string hub_address;
  // Where the hub's status is read (its administrator's socket,
  // "unix:<hub data>/comptoir.sock"); hub_address when empty (a hub in the
  // test's own process, serving its services to the test).
  std::string hub_admin_address;
  std::string dir;
  std::vector<std::string> sites;
  // If set, each centre's credential is read from token_dir/<site>.
  std::string token_dir;
};

absl::StatusOr<Facts> PlayNetwork(const ActivityOptions& activity, const NetworkOptions& network);

}  // namespace comptoir::generator

#endif  // COMPTOIR_TESTS_GENERATOR_PLAY_NETWORK_H_
