// A deterministic simulated network (FoundationDB-style): a hub and three
// centres, each a real store (RocksDB on a MemoryDisk), their tills used
// through the real Till API (sales, voids, stock receipts, transfers between
// centres from proposal to receipt with shortfalls and damage, cancellations,
// and edits of the same family at several centres, often while they are
// offline), synchronising through the sans-IO protocol core
// over SyncWires whose messages a seeded scheduler delivers, drops,
// duplicates and reorders. Faults:
//   - connections drop (what was in flight is lost) and come back later;
//   - a dropped stream may live on at the hub ("zombie"): its remaining pushes
//     reach the hub after the node has reconnected on a new stream;
//   - old pull batches and old pushes are delivered again;
//   - machine clocks jump backwards and forwards by up to 12 hours;
//   - power cuts of a centre or of the hub: the process dies and its disk
//     keeps only what was synced (MemoryDisk::PowerLossCopy);
//   - a centre's disk is lost and it is re-provisioned empty;
//   - a centre or the hub is restored from one of its earlier backups (the
//     hub with a new epoch, as `comptoir-hub restore` does).
// Destructive faults (lost disk, restores) follow a single-failure rule: a
// second one waits until the network has resynchronised after the first.
// What a lost disk or an old backup takes with it (a centre's events that had
// not reached the hub) is written off in the ledger, and counted.
//
// At the end clocks are corrected, everyone reconnects and the network goes
// quiet; Check() then verifies that every replica holds every event it is
// entitled to exactly once (byte for byte the hub's chains; the others as
// withheld links, its chain heads the hub's), every confirmed till operation
// not written off is at the hub exactly once and nothing else is, clocks
// stayed monotonic along every chain, each centre's stock of every product
// equals what its ledger says, stock is conserved at every centre and across
// the network (in transit, lost in transit) on every replica and the hub,
// every replica's stock figures for every centre are the hub's, family records
// are identical everywhere and each field holds the edit with the greatest
// (hlc, origin), and every centre's views agree (digest).
//
// Not thread-safe; one World per seed.
#ifndef COMPTOIR_TESTS_SIM_SIM_WORLD_H_
#define COMPTOIR_TESTS_SIM_SIM_WORLD_H_

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/memory_disk.h"
#include "hub/hub_log.h"
#include "node/node_store.h"
#include "node/till.h"
#include "tests/sim/sync_harness.h"
#include "tests/testing/shop.h"

namespace comptoir::testing {

// What happened during one seed, for the summary in RELIABILITY.md.
struct SimCounts {
  uint64_t steps = 0;
  uint64_t confirmed = 0;        // till operations answered OK (all kinds)
  uint64_t retries = 0;          // sales retried with their request id
  uint64_t messages = 0;         // protocol messages delivered
  uint64_t drops = 0;            // connections dropped with messages in flight
  uint64_t zombie_deliveries = 0;
  uint64_t duplicates = 0;       // old pulls and pushes delivered again
  uint64_t clock_jumps = 0;
  uint64_t power_cuts = 0;       // centres and hub
  uint64_t disks_lost = 0;
  uint64_t restores = 0;         // centres and hub
  uint64_t written_off = 0;      // confirmed events that never left a lost disk
  uint64_t transfers_proposed = 0;
  uint64_t transfers_received = 0;   // of which received (with a shortfall or damage: below)
  uint64_t transfers_short = 0;
  uint64_t transfers_cancelled = 0;  // cancelled or declined
  uint64_t family_edits = 0;
  uint64_t events_checked = 0;   // events compared byte for byte at the end
  uint64_t links_checked = 0;    // events a replica is not entitled to, held as links
  void Add(const SimCounts& other);
  std::string Summary() const;
};

// The network as installed before any trouble: a hub and three centres, each
// with a family, a product and stock, all synced once. Made once per disk and
// copied by every seed (opening fresh databases is most of a seed's cost).
struct InstalledNetwork {
  std::shared_ptr<MemoryDisk> disk;
  std::string hub_dir;
  std::vector<std::string> sites;
  std::vector<std::string> dirs;
  std::vector<Shop> shops;
  static absl::StatusOr<InstalledNetwork> Install(std::shared_ptr<MemoryDisk> disk);
};

class SimWorld {
 public:
  SimWorld(uint64_t seed, const InstalledNetwork& installed);
  ~SimWorld();
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  // Opens a copy of the installed network; Run() plays random steps;
  // Finish() corrects the clocks, heals the network and checks it. Each
  // returns the first violation found.
  absl::Status Start();
  absl::Status Run(int steps);
  absl::Status Finish();
  const SimCounts& counts() const { return counts_; }

 private:
  struct OwnEvent {
    enum Kind { kSetup, kSale, kVoid, kStock, kTransfer, kFamilyEdit } kind = kSetup;
    int64_t quantity = 0;     // units sold, received, or given back by a void
    std::string receipt_no;   // sales and voids
    std::string request_id;   // sales
    std::string family_id;    // sales, family edits
    bool voided = false;      // sales
    // Transfers: the event's kind (v1::EventCore::BodyCase) and the transfer.
    int body = 0;
    std::string transfer_id;
    // Family edits: the fields set.
    std::optional<int> household_type;
    std::optional<std::string> postcode, family_name;
    // Units of each product this event adds to (or takes from) the centre's stock.
    std::map<std::string, int64_t> stock_change;
  };
  // Failures a till or a stream may legitimately answer under faults;
  // anything else (Internal, DataLoss, Unknown...) is a bug the simulation reports.
  static bool IsRefusal(const absl::Status& status);
  // What a step returns when the till did not do what `site` asked for
  // (`what`: "sale", "transfer answer"...): OK for a refusal (the step simply
  // did not happen), otherwise the failure, naming the site and the step.
  static absl::Status UnlessRefused(absl::string_view site, absl::string_view what,
                                    const absl::Status& status);
  // Whether the hub's `core` is the event the sim confirmed as `event`.
  static bool Matches(const v1::EventCore& core, const OwnEvent& event);
  struct Node {
    std::string site;
    int incarnation = 0;
    std::string dir;
    std::shared_ptr<int64_t> clock_offset_ms;
    std::unique_ptr<NodeStore> store;
    std::unique_ptr<Till> till;
    std::unique_ptr<SyncWire> wire;
    Shop shop;
    std::map<uint64_t, OwnEvent> ledger;  // own seq -> what the sim confirmed
    std::map<uint64_t, OwnEvent> written_off;  // lost with a disk or an old backup
    std::vector<std::pair<std::string, uint64_t>> backups;  // directory, own head
    v1::PullBatch last_pull;
    uint64_t last_pull_epoch = 0;  // the hub epoch last_pull was read from
    v1::PushBatch last_push;
  };

  absl::Status Step();
  // The last steps, for the failure message.
  void Trace(std::string line);
  std::string TraceTail() const;
  absl::Status OpenNode(Node& node, const std::string& dir, bool recover);
  absl::Status OpenHub(const std::string& dir, bool new_epoch);
  std::string NextDir(const std::string& name);
  // Deletes the directory a process left (closed) for a new one; "" is none.
  absl::Status DeleteOldDir(const std::string& dir);
  absl::Status WireError(Node& node);
  uint64_t OwnSeq(Node& node);

  absl::Status Sell(Node& node);
  absl::Status RetrySale(Node& node);
  absl::Status Void(Node& node);
  absl::Status ReceiveStock(Node& node);
  // Transfers and family edits (sim_transfers.cc).
  absl::Status ProposeTransfer(Node& node);
  // These act at `preferred` or, when it has nothing to do, at another centre.
  absl::Status AnswerTransfer(Node& preferred);
  absl::Status CancelTransfer(Node& preferred);
  absl::Status ShipTransfer(Node& preferred);
  absl::Status ReceiveTransfer(Node& preferred);
  // `node` answers `proposal` (mostly yes), ships `accepted`, receives
  // `shipment` (sometimes short or damaged).
  absl::Status Answer(Node& node, const v1::TransferView& proposal);
  absl::Status Ship(Node& node, const v1::TransferView& accepted);
  absl::Status ReceiveShipment(Node& node, const v1::TransferView& shipment);
  // Once the network is quiet, about two in three transfers waiting for an
  // answer, a shipment or a receipt get it, the network healing after each
  // round; the rest stay proposed, accepted or in transit for the checks.
  absl::Status SettleSomeTransfers();
  absl::Status EditFamily(Node& node);
  // A transfer in one of `states` where a centre (`preferred` if it can,
  // else another) plays `role` ("source", "destination", "answerer": the
  // party that did not propose, "party"); nullopt when none.
  struct Pick {
    Node* node;
    v1::TransferView transfer;
  };
  absl::StatusOr<std::optional<Pick>> PickTransfer(
      Node& preferred, const std::string& role,
      std::initializer_list<v1::TransferView::State> states);
  // Records a confirmed transfer event of `node`.
  absl::Status ConfirmTransfer(Node& node, const v1::TransferView& view, int body,
                               std::map<std::string, int64_t> stock_change);
  // End checks across replicas (sim_checks.cc).
  // Every replica holds what it is entitled to of `origin`'s chain.
  absl::Status CheckReplicasOf(const std::string& origin);
  // Stock conservation everywhere; every replica's figures are the hub's.
  absl::Status CheckStockEverywhere();
  // Family records identical everywhere, each field the greatest edit's.
  absl::Status CheckFamilies(const std::map<std::string, std::map<uint64_t, OwnEvent>>& confirmed);
  void Disconnect(Node& node, bool keep_zombie);
  // One queued message, or (together) all of them at once.
  absl::Status DeliverDown(Node& node, bool together);
  absl::Status DeliverUp(Node& node);
  absl::Status ReplayPull(Node& node);
  absl::Status ReplayPush(Node& node);
  absl::Status PowerCutNode(Node& node);
  absl::Status PowerCutHub();
  absl::Status LoseDisk(Node& node);
  absl::Status RestoreNode(Node& node);
  absl::Status RestoreHub();
  absl::Status Backup(Node& node);
  absl::Status BackupHub();
  void WriteOff(Node& node, uint64_t kept_through);
  void KillZombies(const Node& node);
  // Everyone connects and messages flow until nothing moves.
  absl::Status Heal();
  absl::Status Check();
  absl::StatusOr<std::vector<std::string>> HubChain(const std::string& origin);
  absl::StatusOr<std::string> Digest(Node& node);

  const uint64_t seed_;
  const InstalledNetwork& installed_;
  std::mt19937_64 random_;
  std::shared_ptr<MemoryDisk> disk_;
  int64_t now_ms_;
  int dirs_ = 0;
  std::string hub_dir_;
  std::unique_ptr<HubLog> hub_;
  std::vector<std::string> hub_backups_;
  std::vector<Node> nodes_;
  std::vector<std::pair<std::string, std::unique_ptr<SyncWire>>> zombies_;  // site, stream
  bool destructive_pending_ = false;
  uint64_t requests_ = 0;
  SimCounts counts_;
  std::deque<std::string> trace_;
};

}  // namespace comptoir::testing

#endif  // COMPTOIR_TESTS_SIM_SIM_WORLD_H_
