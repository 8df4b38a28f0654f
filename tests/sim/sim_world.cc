#include "tests/sim/sim_world.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/keys.h"
#include "common/status_macros.h"

namespace comptoir::testing {
namespace {

const char* const kSites[] = {"hem", "lille", "caudry"};
// 2026-03-02 08:00 UTC: a Monday morning.
constexpr int64_t kStartMs = 1772438400000;
constexpr int64_t kStartingStock = 1000000;  // what OpenShop receives
constexpr int64_t kMaxClockOffsetMs = 12LL * 3600 * 1000;

}  // namespace

absl::Status SimWorld::UnlessRefused(absl::string_view site, absl::string_view what,
                                     const absl::Status& status) {
  if (IsRefusal(status)) return absl::OkStatus();
  return absl::Status(status.code(), absl::StrCat(site, " ", what, ": ", status.message()));
}

bool SimWorld::IsRefusal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnknown:
      return false;
    default:
      return true;
  }
}

void SimCounts::Add(const SimCounts& o) {
  steps += o.steps;
  confirmed += o.confirmed;
  retries += o.retries;
  messages += o.messages;
  drops += o.drops;
  zombie_deliveries += o.zombie_deliveries;
  duplicates += o.duplicates;
  clock_jumps += o.clock_jumps;
  power_cuts += o.power_cuts;
  disks_lost += o.disks_lost;
  restores += o.restores;
  written_off += o.written_off;
  transfers_proposed += o.transfers_proposed;
  transfers_received += o.transfers_received;
  transfers_short += o.transfers_short;
  transfers_cancelled += o.transfers_cancelled;
  family_edits += o.family_edits;
  events_checked += o.events_checked;
  links_checked += o.links_checked;
}

std::string SimCounts::Summary() const {
  return absl::StrCat(steps, " steps, ", confirmed, " till operations confirmed (", retries,
                      " retried), ", messages, " messages delivered, ", drops,
                      " connections dropped, ", zombie_deliveries,
                      " late deliveries from dead streams, ", duplicates,
                      " duplicate deliveries, ", clock_jumps, " clock jumps, ", power_cuts,
                      " power cuts, ", disks_lost, " disks lost, ", restores,
                      " restores from backups, ", transfers_proposed, " transfers proposed (",
                      transfers_received, " received, ", transfers_short,
                      " of them short or damaged; ", transfers_cancelled,
                      " cancelled or declined), ", family_edits, " family edits, ", events_checked,
                      " events checked byte for byte, ", links_checked,
                      " withheld links checked, ", written_off,
                      " confirmed events written off with a lost disk or an old backup "
                      "before reaching the hub, 0 lost otherwise");
}

absl::StatusOr<InstalledNetwork> InstalledNetwork::Install(std::shared_ptr<MemoryDisk> disk) {
  InstalledNetwork installed;
  installed.disk = disk;
  installed.hub_dir = "/installed/hub";
  ASSIGN_OR_RETURN(std::unique_ptr<HubLog> hub, HubLog::Open(installed.hub_dir, false, disk));
  std::vector<std::unique_ptr<NodeStore>> stores;
  for (const char* site : kSites) {
    installed.sites.push_back(site);
    installed.dirs.push_back(absl::StrCat("/installed/", site));
    NodeStore::Options options;
    options.site = site;
    options.dir = installed.dirs.back();
    options.clock = [] { return kStartMs; };
    options.memory_disk = disk;
    ASSIGN_OR_RETURN(std::unique_ptr<NodeStore> store, NodeStore::Open(options));
    Till till(store.get());
    ASSIGN_OR_RETURN(Shop shop, OpenShop(till));
    installed.shops.push_back(shop);
    stores.push_back(std::move(store));
  }
  for (int round = 0; round < 2; ++round) {
    for (auto& store : stores) {
      SyncWire wire(store.get(), hub.get());
      wire.Pump();
      if (wire.closed()) return absl::InternalError("installing the network: sync failed");
    }
  }
  return installed;
}

SimWorld::SimWorld(uint64_t seed, const InstalledNetwork& installed)
    : seed_(seed), installed_(installed), random_(seed), disk_(installed.disk),
      now_ms_(kStartMs) {}

SimWorld::~SimWorld() {
  // Streams hold pointers into the stores: close them first.
  zombies_.clear();
  for (Node& node : nodes_) node.wire.reset();
  nodes_.clear();
  hub_.reset();
  disk_->DeleteAll(absl::StrCat("/sim", seed_, "/")).IgnoreError();
}

std::string SimWorld::NextDir(const std::string& name) {
  return absl::StrCat("/sim", seed_, "/", name, ".", ++dirs_);
}

absl::Status SimWorld::OpenHub(const std::string& dir, bool new_epoch) {
  const std::string old_dir = hub_dir_;
  hub_.reset();
  hub_dir_ = dir;
  ASSIGN_OR_RETURN(hub_, HubLog::Open(dir, new_epoch, disk_));
  return DeleteOldDir(old_dir);
}

absl::Status SimWorld::DeleteOldDir(const std::string& dir) {
  // Nothing reads a process's directory once it has moved on (backups are
  // copies): deleting it keeps the memory disk small, and its listings and
  // renames, which go through every file on it, fast.
  if (dir.empty()) return absl::OkStatus();
  return disk_->DeleteAll(dir + "/");
}

absl::Status SimWorld::OpenNode(Node& node, const std::string& dir, bool recover) {
  node.till.reset();  // a process ends before the next one starts
  node.store.reset();
  const std::string old_dir = node.dir;
  node.dir = dir;
  ++node.incarnation;
  node.last_pull.Clear();
  node.last_push.Clear();
  NodeStore::Options options;
  options.site = node.site;
  options.dir = dir;
  std::shared_ptr<int64_t> offset = node.clock_offset_ms;
  options.clock = [this, offset] { return now_ms_ + *offset; };
  options.recover_from_hub = recover;
  options.memory_disk = disk_;
  ASSIGN_OR_RETURN(node.store, NodeStore::Open(options));
  node.till = std::make_unique<Till>(node.store.get());
  return DeleteOldDir(old_dir);
}

uint64_t SimWorld::OwnSeq(Node& node) {
  absl::StatusOr<ChainHead> head = node.store->OwnHead();
  return head.ok() ? head->seq : 0;
}

absl::Status SimWorld::Start() {
  const std::string hub_dir = NextDir("hub");
  RETURN_IF_ERROR(disk_->PowerLossCopy(installed_.hub_dir, hub_dir));
  RETURN_IF_ERROR(OpenHub(hub_dir, false));
  nodes_.resize(installed_.sites.size());
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    node.site = installed_.sites[i];
    node.shop = installed_.shops[i];
    node.clock_offset_ms = std::make_shared<int64_t>(0);
    const std::string dir = NextDir(node.site);
    RETURN_IF_ERROR(disk_->PowerLossCopy(installed_.dirs[i], dir));
    RETURN_IF_ERROR(OpenNode(node, dir, false));
    for (uint64_t seq = 1; seq <= OwnSeq(node); ++seq) node.ledger[seq] = OwnEvent{};
  }
  return absl::OkStatus();
}

absl::Status SimWorld::Run(int steps) {
  for (int i = 0; i < steps; ++i) {
    ++counts_.steps;
    now_ms_ += 1 + static_cast<int64_t>(random_() % 30000);
    absl::Status status = Step();
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("step ", i, ": ", status.message(),
                                                      "\nlast steps:\n", TraceTail()));
    }
  }
  return absl::OkStatus();
}

// The schedule's menu: each action's weight (per thousand) and name.
enum Action {
  kSell, kRetrySale, kVoid, kReceiveStock, kProposeTransfer, kAnswerTransfer, kCancelTransfer,
  kShipTransfer, kReceiveTransfer, kEditFamily, kDeliverUp, kDeliverDown, kDeliverDownTogether,
  kDisconnect, kConnect, kZombie, kReplayPull, kReplayPush, kClockJump, kPowerCutNode,
  kPowerCutHub, kBackup, kBackupHub, kLoseDisk, kRestoreNode, kRestoreHub, kHeal, kActionCount
};
constexpr struct {
  int weight;
  const char* name;
} kActions[kActionCount] = {
    {130, "sell"}, {30, "retry a sale"}, {30, "void"}, {30, "receive stock"},
    {35, "propose a transfer"}, {40, "answer a transfer"}, {5, "cancel a transfer"},
    {35, "ship a transfer"}, {35, "receive a transfer"}, {30, "edit a family"},
    {130, "deliver up"}, {100, "deliver down"}, {30, "deliver down all queued at once"},
    {40, "drop connection"}, {90, "connect"},
    {30, "late delivery from a dead stream"}, {20, "old pull again"}, {20, "old push again"},
    {35, "clock jump"}, {15, "power cut"}, {5, "hub power cut"}, {25, "backup"},
    {10, "hub backup"}, {10, "disk lost"}, {10, "restore from backup"},
    {10, "hub restored from backup"}, {20, "heal"}};

absl::Status SimWorld::Step() {
  Node& node = nodes_[random_() % nodes_.size()];
  int pick = static_cast<int>(random_() % 1000);
  int action = 0;
  while (action + 1 < kActionCount && pick >= kActions[action].weight) {
    pick -= kActions[action].weight;
    ++action;
  }
  Trace(absl::StrCat(node.site, ": ", kActions[action].name));
  switch (action) {
    case kSell: return Sell(node);
    case kRetrySale: return RetrySale(node);
    case kVoid: return Void(node);
    case kReceiveStock: return ReceiveStock(node);
    case kProposeTransfer: return ProposeTransfer(node);
    case kAnswerTransfer: return AnswerTransfer(node);
    case kCancelTransfer: return CancelTransfer(node);
    case kShipTransfer: return ShipTransfer(node);
    case kReceiveTransfer: return ReceiveTransfer(node);
    case kEditFamily: return EditFamily(node);
    case kDeliverUp: return DeliverUp(node);
    case kDeliverDown: return DeliverDown(node, /*together=*/false);
    case kDeliverDownTogether: return DeliverDown(node, /*together=*/true);
    case kDisconnect:  // the hub may not notice at once
      Disconnect(node, random_() % 2 == 0);
      return absl::OkStatus();
    case kConnect:
      if (!node.wire || node.wire->closed()) {
        node.wire = std::make_unique<SyncWire>(node.store.get(), hub_.get());
      }
      return absl::OkStatus();
    case kZombie:
      if (!zombies_.empty()) {
        SyncWire& zombie = *zombies_[random_() % zombies_.size()].second;
        if (zombie.DeliverUp()) ++counts_.zombie_deliveries;
      }
      return absl::OkStatus();
    case kReplayPull: return ReplayPull(node);
    case kReplayPush: return ReplayPush(node);
    case kClockJump: {  // NTP, a dead battery, a volunteer
      const int64_t jump = static_cast<int64_t>(random_() % (6 * 3600 * 1000)) - 3 * 3600 * 1000;
      *node.clock_offset_ms =
          std::clamp(*node.clock_offset_ms + jump, -kMaxClockOffsetMs, kMaxClockOffsetMs);
      ++counts_.clock_jumps;
      return absl::OkStatus();
    }
    case kPowerCutNode: return PowerCutNode(node);
    case kPowerCutHub: return PowerCutHub();
    case kBackup: return Backup(node);
    case kBackupHub: return BackupHub();
    case kLoseDisk: return destructive_pending_ ? absl::OkStatus() : LoseDisk(node);
    case kRestoreNode: return destructive_pending_ ? absl::OkStatus() : RestoreNode(node);
    case kRestoreHub: return destructive_pending_ ? absl::OkStatus() : RestoreHub();
    default: return Heal();
  }
}

void SimWorld::Trace(std::string line) {
  trace_.push_back(std::move(line));
  if (trace_.size() > 40) trace_.pop_front();
}

std::string SimWorld::TraceTail() const {
  std::string tail;
  for (const std::string& line : trace_) absl::StrAppend(&tail, "  ", line, "\n");
  return tail;
}

absl::Status SimWorld::WireError(Node& node) {
  if (!node.wire || !node.wire->closed()) return absl::OkStatus();
  absl::Status error = !node.wire->node_error().ok() ? node.wire->node_error()
                                                     : node.wire->hub_end();
  node.wire.reset();
  // Aborted: the node must reconnect (it starts recovering, or the hub changed).
  if (error.code() == absl::StatusCode::kAborted) return absl::OkStatus();
  return absl::Status(error.code(), absl::StrCat(node.site, "'s stream ended: ", error.message()));
}

absl::Status SimWorld::Sell(Node& node) {
  // Mostly the centre's own family; sometimes another centre's (roaming).
  const Node& home = random_() % 10 < 7 ? node : nodes_[random_() % nodes_.size()];
  Shop shop{home.shop.family_id, node.shop.product_id};
  const int64_t quantity = 1 + static_cast<int64_t>(random_() % 3);
  const std::string request_id = absl::StrCat(node.site, "-", ++requests_);
  absl::StatusOr<v1::RecordSaleResponse> sale = SellAt(*node.till, shop, quantity, request_id);
  if (!sale.ok()) {
    return UnlessRefused(node.site, "sale", sale.status());
  }
  OwnEvent event;
  event.kind = OwnEvent::kSale;
  event.quantity = quantity;
  event.stock_change[node.shop.product_id] = -quantity;
  event.receipt_no = sale->receipt_no();
  event.request_id = request_id;
  event.family_id = shop.family_id;
  node.ledger[OwnSeq(node)] = event;
  ++counts_.confirmed;
  if (node.wire) node.wire->LocalAppend();
  return WireError(node);
}

absl::Status SimWorld::RetrySale(Node& node) {
  // The till's client did not see the answer and sends the same request again.
  std::vector<std::pair<uint64_t, OwnEvent*>> sales;
  for (auto& [seq, event] : node.ledger) {
    if (event.kind == OwnEvent::kSale) sales.emplace_back(seq, &event);
  }
  if (sales.empty()) return absl::OkStatus();
  auto [seq, event] = sales[random_() % sales.size()];
  const uint64_t head = OwnSeq(node);
  absl::StatusOr<v1::RecordSaleResponse> again = SellAt(
      *node.till, Shop{event->family_id, node.shop.product_id}, event->quantity,
      event->request_id);
  ++counts_.retries;
  if (!again.ok()) {
    if (again.status().code() == absl::StatusCode::kUnavailable) return absl::OkStatus();
    return absl::InternalError(absl::StrCat(node.site, " retry of ", event->request_id,
                                            " (seq ", seq, ") refused: ", again.status().ToString()));
  }
  if (again->receipt_no() != event->receipt_no || OwnSeq(node) != head) {
    return absl::InternalError(absl::StrCat(
        node.site, " retry of ", event->request_id, " recorded a second sale: receipt ",
        again->receipt_no(), " instead of ", event->receipt_no));
  }
  return absl::OkStatus();
}

absl::Status SimWorld::Void(Node& node) {
  std::vector<OwnEvent*> sales;
  for (auto& [seq, event] : node.ledger) {
    if (event.kind == OwnEvent::kSale && !event.voided) sales.push_back(&event);
  }
  if (sales.empty()) return absl::OkStatus();
  OwnEvent* sale = sales[random_() % sales.size()];
  v1::VoidSaleRequest request;
  request.set_receipt_no(sale->receipt_no);
  request.set_reason("erreur de saisie");
  absl::StatusOr<v1::VoidSaleResponse> voided = node.till->VoidSale(request);
  if (!voided.ok()) {
    return UnlessRefused(node.site, "void", voided.status());
  }
  OwnEvent event;
  event.kind = OwnEvent::kVoid;
  event.quantity = sale->quantity;
  event.stock_change[node.shop.product_id] = sale->quantity;
  event.receipt_no = sale->receipt_no;
  node.ledger[voided->void_seq()] = event;
  sale->voided = true;
  ++counts_.confirmed;
  if (node.wire) node.wire->LocalAppend();
  return WireError(node);
}

absl::Status SimWorld::ReceiveStock(Node& node) {
  v1::ReceiveStockRequest request;
  request.set_product_id(node.shop.product_id);
  request.set_quantity(1 + static_cast<int64_t>(random_() % 20));
  absl::StatusOr<v1::Lot> lot = node.till->ReceiveStock(request);
  if (!lot.ok()) {
    return UnlessRefused(node.site, "stock", lot.status());
  }
  OwnEvent event;
  event.kind = OwnEvent::kStock;
  event.quantity = request.quantity();
  event.stock_change[node.shop.product_id] = request.quantity();
  node.ledger[OwnSeq(node)] = event;
  ++counts_.confirmed;
  if (node.wire) node.wire->LocalAppend();
  return WireError(node);
}

void SimWorld::Disconnect(Node& node, bool keep_zombie) {
  if (!node.wire) return;
  ++counts_.drops;
  if (keep_zombie && !node.wire->closed() && !node.wire->up().empty()) {
    zombies_.emplace_back(node.site, std::move(node.wire));
  }
  node.wire.reset();
}

absl::Status SimWorld::DeliverUp(Node& node) {
  if (!node.wire) return absl::OkStatus();
  if (!node.wire->up().empty() && node.wire->up().front().has_push()) {
    node.last_push = node.wire->up().front().push();
  }
  if (node.wire->DeliverUp()) ++counts_.messages;
  return WireError(node);
}

absl::Status SimWorld::DeliverDown(Node& node, bool together) {
  if (!node.wire) return absl::OkStatus();
  if (!node.wire->closed() && node.wire->down().empty()) node.wire->FillPulls();
  // The last pull batch delivered is the one an old delivery may bring again.
  const size_t delivered = together ? node.wire->down().size()
                                    : std::min<size_t>(1, node.wire->down().size());
  bool pull = false;
  for (size_t i = 0; i < delivered; ++i) {
    if (!node.wire->down()[i].has_pull()) continue;
    node.last_pull = node.wire->down()[i].pull();
    pull = true;
  }
  if (together ? node.wire->DeliverDownTogether() : node.wire->DeliverDown()) {
    counts_.messages += delivered;
  }
  // A batch belongs to the hub log it was read from: remember which.
  if (pull) node.last_pull_epoch = node.store->Cursor().value_or(NodeCursor{}).hub_epoch;
  return WireError(node);
}

absl::Status SimWorld::ReplayPull(Node& node) {
  if (node.last_pull.entries_size() == 0) return absl::OkStatus();
  ASSIGN_OR_RETURN(NodeCursor cursor, node.store->Cursor());
  if (cursor.hub_epoch != hub_->Epoch() || node.last_pull_epoch != cursor.hub_epoch) {
    return absl::OkStatus();
  }
  ++counts_.duplicates;
  absl::Status applied = node.store->ApplyPulled(cursor.hub_epoch, node.last_pull);
  if (!applied.ok()) {
    return absl::Status(applied.code(),
                        absl::StrCat(node.site, " refused an old pull again: ", applied.message()));
  }
  return absl::OkStatus();
}

absl::Status SimWorld::ReplayPush(Node& node) {
  if (node.last_push.events_size() == 0) return absl::OkStatus();
  std::vector<DecodedEvent> events;
  for (const v1::EventRecord& record : node.last_push.events()) {
    ASSIGN_OR_RETURN(DecodedEvent event, DecodeRecord(record));
    events.push_back(std::move(event));
  }
  ++counts_.duplicates;
  ASSIGN_OR_RETURN(PushVerdict verdict, hub_->AppendPushed(node.site, events));
  // After a hub restore the old push may lie beyond what the hub holds: a gap,
  // refused. Anything else would mean a duplicate was mistaken for news.
  if (verdict.error.has_value() && verdict.error->reason() != v1::SyncError::GAP) {
    return absl::InternalError(absl::StrCat("a duplicate push from ", node.site,
                                            " was refused: ", verdict.error->message()));
  }
  return absl::OkStatus();
}

absl::Status SimWorld::PowerCutNode(Node& node) {
  Disconnect(node, random_() % 2 == 0);
  const std::string after = NextDir(node.site);
  RETURN_IF_ERROR(disk_->PowerLossCopy(node.dir, after));
  ++counts_.power_cuts;
  return OpenNode(node, after, false);
}

absl::Status SimWorld::PowerCutHub() {
  zombies_.clear();
  for (Node& node : nodes_) node.wire.reset();
  const std::string after = NextDir("hub");
  RETURN_IF_ERROR(disk_->PowerLossCopy(hub_dir_, after));
  hub_.reset();
  ++counts_.power_cuts;
  return OpenHub(after, false);
}

void SimWorld::KillZombies(const Node& node) {
  // Re-installing a centre takes far longer than a dead connection lives.
  zombies_.erase(std::remove_if(zombies_.begin(), zombies_.end(),
                                [&](const auto& zombie) { return zombie.first == node.site; }),
                 zombies_.end());
}

void SimWorld::WriteOff(Node& node, uint64_t kept_through) {
  for (auto it = node.ledger.upper_bound(kept_through); it != node.ledger.end();) {
    node.written_off[it->first] = it->second;
    ++counts_.written_off;
    it = node.ledger.erase(it);
  }
  // A backup holding events written off belongs to a past that the centre
  // will now write differently: restoring it would be a fork (detected, but
  // not what this simulation is about), so it is thrown away.
  node.backups.erase(std::remove_if(node.backups.begin(), node.backups.end(),
                                    [&](const auto& backup) { return backup.second > kept_through; }),
                     node.backups.end());
}

absl::Status SimWorld::LoseDisk(Node& node) {
  Disconnect(node, false);
  KillZombies(node);
  WriteOff(node, hub_->HeadOf(node.site)->seq);
  ++counts_.disks_lost;
  destructive_pending_ = true;
  return OpenNode(node, NextDir(node.site), /*recover=*/true);
}

absl::Status SimWorld::Backup(Node& node) {
  const std::string dir = NextDir(node.site + "-backup");
  RETURN_IF_ERROR(disk_->PowerLossCopy(node.dir, dir));
  node.backups.emplace_back(dir, OwnSeq(node));
  return absl::OkStatus();
}

absl::Status SimWorld::BackupHub() {
  const std::string dir = NextDir("hub-backup");
  RETURN_IF_ERROR(disk_->PowerLossCopy(hub_dir_, dir));
  hub_backups_.push_back(dir);
  return absl::OkStatus();
}

absl::Status SimWorld::RestoreNode(Node& node) {
  if (node.backups.empty()) return absl::OkStatus();
  const auto& [backup, backup_head] = node.backups[random_() % node.backups.size()];
  Disconnect(node, false);
  KillZombies(node);
  // Kept: what the backup holds, and what the hub holds (recovered from it).
  WriteOff(node, std::max(backup_head, hub_->HeadOf(node.site)->seq));
  const std::string dir = NextDir(node.site);
  RETURN_IF_ERROR(disk_->PowerLossCopy(backup, dir));
  ++counts_.restores;
  destructive_pending_ = true;
  // As `comptoir-node restore` does: recover from the hub before selling.
  return OpenNode(node, dir, /*recover=*/true);
}

absl::Status SimWorld::RestoreHub() {
  if (hub_backups_.empty()) return absl::OkStatus();
  const std::string& backup = hub_backups_[random_() % hub_backups_.size()];
  zombies_.clear();
  for (Node& node : nodes_) node.wire.reset();
  const std::string dir = NextDir("hub");
  RETURN_IF_ERROR(disk_->PowerLossCopy(backup, dir));
  hub_.reset();
  ++counts_.restores;
  destructive_pending_ = true;
  return OpenHub(dir, /*new_epoch=*/true);
}

absl::Status SimWorld::Heal() {
  for (int round = 0; round < 30; ++round) {
    uint64_t moved = 0;
    bool errors = false;
    for (Node& node : nodes_) {
      if (!node.wire || node.wire->closed()) {
        node.wire = std::make_unique<SyncWire>(node.store.get(), hub_.get());
      }
      while (node.wire && (node.wire->DeliverUp() || node.wire->DeliverDown())) ++moved;
      if (node.wire && node.wire->closed()) {
        errors = true;
        RETURN_IF_ERROR(WireError(node));
      }
    }
    counts_.messages += moved;
    if (moved == 0 && !errors) {
      destructive_pending_ = false;
      return absl::OkStatus();
    }
  }
  return absl::DeadlineExceededError("the network did not go quiet after 30 rounds");
}

absl::StatusOr<std::vector<std::string>> SimWorld::HubChain(const std::string& origin) {
  std::vector<std::string> cores;
  RETURN_IF_ERROR(hub_->store().Scan(Column::kEvents, EventKeyPrefix(origin),
                                     PrefixEnd(EventKeyPrefix(origin)),
                                     [&](absl::string_view, absl::string_view value) {
                                       cores.emplace_back(value);
                                       return true;
                                     }));
  return cores;
}

absl::StatusOr<std::string> SimWorld::Digest(Node& node) {
  std::string digest;
  ASSIGN_OR_RETURN(v1::SalesSummary sales, node.store->Sales());
  absl::StrAppend(&digest, sales.DebugString());
  ASSIGN_OR_RETURN(v1::DonorReport donors, node.till->ListDonors());
  absl::StrAppend(&digest, donors.DebugString());
  for (const Node& home : nodes_) {
    v1::GetFamilyRequest request;
    request.set_family_id(home.shop.family_id);
    ASSIGN_OR_RETURN(v1::FamilyView family, node.till->GetFamily(request));
    absl::StrAppend(&digest, family.DebugString());
  }
  ASSIGN_OR_RETURN(v1::ListSurplusResponse surplus, node.till->ListSurplus());
  absl::StrAppend(&digest, surplus.DebugString());
  ASSIGN_OR_RETURN(v1::ListNeedsResponse needs, node.till->ListNeeds());
  absl::StrAppend(&digest, needs.DebugString());
  return digest;
}

absl::Status SimWorld::Check() {
  // 1. Every replica holds every event it is entitled to exactly once: each
  // origin's chain at each centre is byte for byte the hub's, gap-free from
  // seq 1, with clocks increasing along it; the events a centre is not
  // entitled to are held as links only.
  for (const Node& origin : nodes_) {
    ASSIGN_OR_RETURN(std::vector<std::string> chain, HubChain(origin.site));
    uint64_t previous_hlc = 0;
    for (size_t i = 0; i < chain.size(); ++i) {
      v1::EventCore core;
      if (!core.ParseFromString(chain[i]) || core.seq() != i + 1) {
        return absl::DataLossError(absl::StrCat("hub's chain of ", origin.site, " at ", i + 1));
      }
      if (core.hlc() <= previous_hlc) {
        return absl::InternalError(absl::StrCat(origin.site, " seq ", core.seq(),
                                                ": clock went backwards along the chain"));
      }
      previous_hlc = core.hlc();
    }
    RETURN_IF_ERROR(CheckReplicasOf(origin.site));
  }

  // 2. Every confirmed till operation is at the hub exactly once (at the seq
  // the till gave it), and the hub holds nothing no till confirmed. An event
  // written off may come back: a dead stream delivered it before the loss.
  std::map<std::string, std::map<uint64_t, OwnEvent>> confirmed_at;
  for (Node& node : nodes_) {
    ASSIGN_OR_RETURN(std::vector<std::string> chain, HubChain(node.site));
    std::map<uint64_t, OwnEvent>& confirmed = confirmed_at[node.site];
    for (size_t i = 0; i < chain.size(); ++i) {
      const uint64_t seq = i + 1;
      v1::EventCore core;
      core.ParseFromString(chain[i]);
      auto held = node.ledger.find(seq);
      if (held != node.ledger.end() && Matches(core, held->second)) {
        confirmed[seq] = held->second;
        continue;
      }
      auto back = node.written_off.find(seq);
      if (back != node.written_off.end() && Matches(core, back->second)) {
        confirmed[seq] = back->second;
        --counts_.written_off;
        continue;
      }
      return absl::InternalError(absl::StrCat("the hub holds ", node.site, "/", seq,
                                              " which matches no confirmed operation"));
    }
    for (const auto& [seq, event] : node.ledger) {
      if (!confirmed.count(seq)) {
        return absl::InternalError(absl::StrCat(node.site, "/", seq, " (", event.receipt_no,
                                                event.transfer_id,
                                                ") was confirmed and is not at the hub"));
      }
    }
    // 3. Stock is conserved: what the centre shows of each product is what it
    // received (from donors and transfers, less damage), less what it sold
    // and shipped, plus what voids gave back.
    std::map<std::string, int64_t> expected = {{node.shop.product_id, kStartingStock}};
    for (const auto& [seq, event] : confirmed) {
      for (const auto& [product, units] : event.stock_change) expected[product] += units;
    }
    ASSIGN_OR_RETURN(v1::StockReport stock, node.till->GetStock(v1::GetStockRequest()));
    std::map<std::string, int64_t> shown;
    for (const v1::StockLevel& level : stock.products()) {
      shown[level.product().product_id()] = level.quantity();
    }
    for (const auto& [product, units] : expected) shown.emplace(product, 0);
    for (const auto& [product, units] : shown) {
      if (units != expected[product]) {
        return absl::InternalError(absl::StrCat(node.site, " shows ", units, " units of ", product,
                                                " in stock, its ledger says ", expected[product]));
      }
    }
    ASSIGN_OR_RETURN(v1::SyncStatus status, node.store->Status());
    if (status.pending_push() != 0 || node.store->Recovering()) {
      return absl::InternalError(absl::StrCat(node.site, " still has ", status.pending_push(),
                                              " events to push or is recovering"));
    }
  }
  RETURN_IF_ERROR(CheckStockEverywhere());
  RETURN_IF_ERROR(CheckFamilies(confirmed_at));

  // 4. Every centre's views agree, and agree with the hub's sales counts.
  ASSIGN_OR_RETURN(v1::SalesSummary hub_sales, hub_->Sales());
  ASSIGN_OR_RETURN(std::string first, Digest(nodes_[0]));
  for (Node& node : nodes_) {
    ASSIGN_OR_RETURN(v1::SalesSummary sales, node.store->Sales());
    if (sales.DebugString() != hub_sales.DebugString()) {
      return absl::InternalError(absl::StrCat(node.site, "'s sales summary differs from the hub's:\n",
                                              sales.DebugString(), "hub:\n",
                                              hub_sales.DebugString()));
    }
    ASSIGN_OR_RETURN(std::string digest, Digest(node));
    if (digest != first) {
      return absl::InternalError(absl::StrCat(node.site, "'s views differ from ", nodes_[0].site,
                                              "'s:\n", digest, "\n---\n", first));
    }
  }
  return absl::OkStatus();
}

absl::Status SimWorld::Finish() {
  // Clocks are put right (NTP) and everyone reconnects.
  for (Node& node : nodes_) *node.clock_offset_ms = 0;
  absl::Status status = Heal();
  // Transfers move on (some of them), and everyone hears of it.
  if (status.ok()) status = SettleSomeTransfers();
  if (status.ok()) status = Check();
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat("at the end: ", status.message(),
                                                  "\nlast steps:\n", TraceTail()));
}

}  // namespace comptoir::testing
