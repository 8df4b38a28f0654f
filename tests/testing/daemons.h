// A small network of real daemons for process-level tests: starts
// comptoir-hub and comptoir-node binaries on loopback (ports chosen at run
// time, addresses read from --ready-file), talks to them over gRPC, runs the
// comptoir CLI, and kills whatever is still running when destroyed.
//
//   DaemonNetwork net({HUB_BIN, NODE_BIN, CLI_BIN});
//   net.StartHub();
//   net.StartNode("hem");
//   Shop shop = net.OpenShop("hem");
//   net.Sell("hem", shop, "sale-1");
//   WaitFor([&] { return net.SalesAt("hub")["hem"] == 1; }, absl::Seconds(60));
//
// Not thread-safe: one test thread drives it.
#ifndef COMPTOIR_TESTS_TESTING_DAEMONS_H_
#define COMPTOIR_TESTS_TESTING_DAEMONS_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "comptoir/v1/hub.grpc.pb.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "tests/testing/shop.h"
#include "tests/testing/test_util.h"

namespace comptoir::testing {

struct Binaries {
  std::string hub;
  std::string node;
  std::string cli;
};

class DaemonNetwork {
 public:
  explicit DaemonNetwork(Binaries binaries);
  ~DaemonNetwork();
  DaemonNetwork(const DaemonNetwork&) = delete;
  DaemonNetwork& operator=(const DaemonNetwork&) = delete;

  const TempDir& dir() const { return dir_; }
  // The hub's fixed address (chosen at construction so nodes can be told it).
  const std::string& hub_address() const { return hub_address_; }
  // Where a daemon's data lives: <tmp>/data/<name>.
  std::string DataDir(const std::string& name) const { return dir_.Sub("data/" + name); }

  // Starts the hub on hub_address() with --data DataDir("hub") plus `extra`;
  // true once it announced its address. On failure, `error` gets its log.
  bool StartHub(const std::vector<std::string>& extra = {}, std::string* error = nullptr);
  // Where the node of `site` listens and which hub address it syncs with, for
  // every later StartNode(site), when not the defaults (any free port, and
  // hub_address()): a fixed port keeps the till's address across restarts, and
  // the hub may be reached through a proxy (tests/testing/chaos_proxy.h).
  void PlaceNode(const std::string& site, const std::string& listen, const std::string& hub);
  // Starts a node for `site` on a free port, syncing with the hub, plus `extra`.
  bool StartNode(const std::string& site, const std::vector<std::string>& extra = {},
                 std::string* error = nullptr);
  // Starts a node from a whole argv (a settings file, no hub...) whose data
  // is in `data_dir`; Address(name) is then its administrator's socket.
  bool StartNodeProcess(const std::string& name, std::vector<std::string> argv,
                        const std::string& data_dir, std::string* error);
  // Starts any argv under `name`, adding --ready-file; true once it announced.
  bool Start(const std::string& name, std::vector<std::string> argv, std::string* error);
  // SIGTERM and wait; returns whether it exited with status 0.
  bool Stop(const std::string& name);
  // SIGKILL and wait.
  void Kill(const std::string& name);
  bool Running(const std::string& name) const;

  // Where to call a daemon: the hub's gRPC address; a node's administrator's
  // socket ("unix:<data>/comptoir.sock"), so that tests act as the centre's
  // administrator without logging in.
  const std::string& Address(const std::string& name) { return daemons_[name].address; }
  // The hub administrator's socket ("unix:<data>/comptoir.sock"): Channel("hub")
  // calls the hub's services through it.
  std::string HubAdminAddress() const;
  // A node's TCP address, where people log in (AccountService.LogIn).
  const std::string& TcpAddress(const std::string& name) { return daemons_[name].tcp_address; }
  std::string Log(const std::string& name) const { return ReadFile(dir_.Sub(name + ".log")); }
  std::shared_ptr<grpc::Channel> Channel(const std::string& name);

  // A family with a referral and a local product with plenty of stock at `name`.
  Shop OpenShop(const std::string& name);
  grpc::Status Sell(const std::string& name, const Shop& shop, const std::string& request_id,
                    v1::RecordSaleResponse* response = nullptr);
  // Sales per origin as counted by a node's or the hub's projections (empty on error).
  std::map<std::string, uint64_t> SalesAt(const std::string& name);
  v1::SyncStatus NodeStatus(const std::string& name);
  v1::HubStatus HubStatus();

  // Runs the comptoir CLI; returns stdout and stderr together, sets the exit code.
  std::string RunCli(const std::vector<std::string>& args, int* exit_code);
  // Runs any command the same way (e.g. `comptoir-hub restore ...`).
  static std::string Run(const std::vector<std::string>& argv, int* exit_code);

 private:
  struct Daemon {
    std::unique_ptr<Subprocess> process;
    std::string address;
    std::string tcp_address;  // nodes only
  };
  Binaries binaries_;
  TempDir dir_;
  std::string hub_address_;
  std::map<std::string, Daemon> daemons_;
  std::map<std::string, std::pair<std::string, std::string>> placements_;  // listen, hub
};

// The administrator's socket of a node whose data is in `data_dir`, as a
// gRPC address.
std::string AdminSocketOf(const std::string& data_dir);

// Registers a family with a referral, a local product and plenty of its stock
// through a centre's till API, so that the centre can sell. A field of the
// result is empty if the call that makes it failed.
Shop OpenShopThrough(v1::TillService::Stub& till);

}  // namespace comptoir::testing

#endif  // COMPTOIR_TESTS_TESTING_DAEMONS_H_
