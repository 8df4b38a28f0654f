// Partial replication (common/routing.h) driven message by message over real
// RocksDB stores: a centre gets what it is entitled to, withheld links for the
// rest, and every chain stays verifiable through recoveries.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/keys.h"
#include "common/routing.h"
#include "common/sha256.h"
#include "common/stock_view.h"
#include "common/transfer_view.h"
#include "common/workshop_view.h"
#include "tests/sim/sync_harness.h"
#include "tests/testing/shop.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::SyncWire;
using ::comptoir::testing::TempDir;

// Appends `core` at `node` as its own next event, without the till's rules.
absl::Status AppendAt(NodeStore& node, v1::EventCore core,
                      const v1::PersonalPart* personal = nullptr) {
  return node.Execute([&](CommandContext& ctx) { return ctx.Append(core, personal).status(); });
}

v1::EventCore Proposed(const std::string& id, const std::string& source,
                       const std::string& destination) {
  v1::EventCore core;
  v1::TransferProposed* proposed = core.mutable_transfer_proposed();
  proposed->set_transfer_id(id);
  proposed->set_source(source);
  proposed->set_destination(destination);
  v1::TransferItem* item = proposed->add_items();
  item->set_product_id("P");
  item->set_quantity(10);
  return core;
}

v1::EventCore Answered(const std::string& id) {
  v1::EventCore core;
  core.mutable_transfer_answered()->set_transfer_id(id);
  core.mutable_transfer_answered()->set_accepted(true);
  return core;
}

v1::EventCore Shipped(const std::string& id, const std::string& source,
                      const std::string& destination) {
  v1::EventCore core;
  v1::TransferShipped* shipped = core.mutable_transfer_shipped();
  shipped->set_transfer_id(id);
  shipped->set_source(source);
  shipped->set_destination(destination);
  v1::ShippedLot* lot = shipped->add_lots();
  lot->set_product_id("P");
  lot->set_lot_id("CAU-L-000001");
  lot->set_quantity(10);
  return core;
}

v1::EventCore Received(const std::string& id, const std::string& source,
                       const std::string& destination) {
  v1::EventCore core;
  v1::TransferReceived* received = core.mutable_transfer_received();
  received->set_transfer_id(id);
  received->set_source(source);
  received->set_destination(destination);
  v1::ReceivedItem* item = received->add_items();
  item->set_product_id("P");
  item->set_arrived(10);
  return core;
}

class RoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = HubLog::Open(dir_.Sub("hub")).value();
    for (const char* site : {"hem", "caudry", "lille"}) Reopen(site, dir_.Sub(site));
  }

  void Reopen(const std::string& site, const std::string& dir, bool recover = false) {
    nodes_[site].reset();
    nodes_[site] = NodeStore::Open({site, dir, nullptr, "", recover}).value();
  }

  NodeStore& node(const std::string& site) { return *nodes_[site]; }

  // Every centre pushes and pulls until nothing moves (twice round, so that
  // what one centre pushed reaches those that synced before it).
  void SyncAll(HubLog* hub = nullptr) {
    for (int round = 0; round < 2; ++round) {
      for (auto& [site, store] : nodes_) {
        SyncWire wire(store.get(), hub != nullptr ? hub : hub_.get());
        wire.Pump();
        ASSERT_TRUE(wire.node_error().ok()) << site << ": " << wire.node_error();
        ASSERT_TRUE(wire.hub_end().ok()) << site << ": " << wire.hub_end();
      }
    }
  }

  // A transfer of 10 units of P from caudry to hem, each step by the party
  // that owns it, syncing in between as centres would; then a sale at each.
  void TransferFromCaudryToHem() {
    ASSERT_TRUE(AppendAt(node("hem"), Proposed("HEM-T-000001", "caudry", "hem")).ok());
    SyncAll();
    ASSERT_TRUE(AppendAt(node("caudry"), Answered("HEM-T-000001")).ok());
    ASSERT_TRUE(AppendAt(node("caudry"), Shipped("HEM-T-000001", "caudry", "hem")).ok());
    SyncAll();
    ASSERT_TRUE(AppendAt(node("hem"), Received("HEM-T-000001", "caudry", "hem")).ok());
    ASSERT_TRUE(testing::AppendRawSale(node("hem")).ok());
    ASSERT_TRUE(testing::AppendRawSale(node("caudry")).ok());
    SyncAll();
  }

  // The kinds of `origin`'s events `site` holds in full, in seq order.
  std::vector<v1::EventCore::BodyCase> KindsHeld(const std::string& site, const std::string& origin) {
    std::vector<v1::EventCore::BodyCase> kinds;
    const std::vector<v1::EventRecord> records = node(site).ReadEvents(origin, 1, 1000).value();
    for (const v1::EventRecord& record : records) {
      v1::EventCore core;
      EXPECT_TRUE(core.ParseFromString(record.core()));
      kinds.push_back(core.body_case());
    }
    return kinds;
  }

  static uint64_t SalesOf(const v1::SalesSummary& summary, const std::string& origin) {
    for (const auto& row : summary.origins()) {
      if (row.origin() == origin) return row.sales();
    }
    return 0;
  }

  // The chain head `site` holds for `origin` is the hub's.
  void ExpectSameHead(const std::string& site, const std::string& origin) {
    uint64_t seq = 0;
    const v1::SyncStatus status = node(site).Status().value();
    for (const auto& row : status.origins()) {
      if (row.origin() == origin) seq = row.seq();
    }
    EXPECT_EQ(seq, hub_->HeadOf(origin)->seq)
        << site << " holds " << origin << "'s chain up to the hub's head";
  }

  TempDir dir_;
  std::unique_ptr<HubLog> hub_;
  std::map<std::string, std::unique_ptr<NodeStore>> nodes_;
};

using Kinds = std::vector<v1::EventCore::BodyCase>;

TEST_F(RoutingTest, ATransfersNegotiationStaysWithItsCentresAndItsStockMovementsReachEveryone) {
  TransferFromCaudryToHem();
  const Kinds hem_events = {v1::EventCore::kTransferProposed, v1::EventCore::kTransferReceived,
                            v1::EventCore::kSaleRecorded};
  const Kinds caudry_events = {v1::EventCore::kTransferAnswered, v1::EventCore::kTransferShipped,
                               v1::EventCore::kSaleRecorded};
  EXPECT_EQ(KindsHeld("caudry", "hem"), hem_events);
  EXPECT_EQ(KindsHeld("hem", "caudry"), caudry_events);
  for (const char* site : {"hem", "caudry"}) {
    auto transfer = FindTransfer(node(site).store(), "HEM-T-000001").value();
    ASSERT_TRUE(transfer.has_value()) << site;
    EXPECT_EQ(transfer->state(), v1::TransferView::RECEIVED) << site;
    EXPECT_EQ(transfer->items_size(), 1) << site << " holds what was asked";
  }
  EXPECT_EQ(FindTransfer(hub_->store(), "HEM-T-000001").value()->state(),
            v1::TransferView::RECEIVED);

  // Lille, a third centre, holds the sales and the two stock movements in
  // full, and of the negotiation only its place in each chain.
  EXPECT_EQ(KindsHeld("lille", "hem"),
            Kinds({v1::EventCore::kTransferReceived, v1::EventCore::kSaleRecorded}));
  EXPECT_EQ(KindsHeld("lille", "caudry"),
            Kinds({v1::EventCore::kTransferShipped, v1::EventCore::kSaleRecorded}));
  for (const char* origin : {"hem", "caudry"}) {
    const std::vector<v1::EventRecord> at_lille = node("lille").ReadEvents(origin, 1, 10).value();
    const std::vector<v1::EventRecord> at_origin = node(origin).ReadEvents(origin, 2, 10).value();
    ASSERT_EQ(at_lille.size(), at_origin.size()) << origin;
    for (size_t i = 0; i < at_lille.size(); ++i) {
      EXPECT_EQ(at_lille[i].core(), at_origin[i].core()) << origin << "/" << i + 2 << ", byte for byte";
    }
    ExpectSameHead("lille", origin);
    // The link is kept (an audit can walk the chain), not just the head.
    auto link = node("lille").store().Get(Column::kMeta, WithheldKey(origin, 1)).value();
    ASSERT_TRUE(link.has_value()) << origin;
    EXPECT_EQ(link->size(), 2 * kHashSize);
    EXPECT_EQ(link->substr(kHashSize), Sha256(node(origin).ReadEvents(origin, 1, 1)->front().core()))
        << "the link carries the withheld core's hash";
  }
  // Lille's figures: the sales count, and each party's stock is the hub's,
  // the units moved included (what its surplus and needs lists read).
  EXPECT_EQ(SalesOf(*node("lille").Sales(), "hem"), 1u);
  EXPECT_EQ(SalesOf(*node("lille").Sales(), "caudry"), 1u);
  for (const char* site : {"hem", "caudry"}) {
    EXPECT_EQ(StockOf(node("lille").store(), site, "P").value(),
              StockOf(hub_->store(), site, "P").value())
        << site;
  }
  EXPECT_EQ(StockOf(node("lille").store(), "hem", "P").value(), 10);
  EXPECT_EQ(StockOf(node("lille").store(), "caudry", "P").value(), -10)
      << "shipped from a lot this test never received: only the movement counts here";
  auto seen = FindTransfer(node("lille").store(), "HEM-T-000001").value();
  ASSERT_TRUE(seen.has_value()) << "the movement is known";
  EXPECT_EQ(seen->state(), v1::TransferView::RECEIVED);
  EXPECT_EQ(seen->items_size(), 0) << "what was asked is the parties' business";
  EXPECT_TRUE(seen->proposed_by().empty());
  EXPECT_TRUE(CheckConservation(node("lille").store()).ok()) << CheckConservation(node("lille").store());

  // What went down the wire to lille: withheld links without content.
  const v1::PullBatch batch = hub_->ReadLogFor("lille", 0, 1000, 1 << 20, false)->ToBatch().value();
  int links = 0;
  for (const v1::LogEntry& entry : batch.entries()) {
    if (!entry.has_withheld()) continue;
    ++links;
    EXPECT_FALSE(entry.has_event());
    EXPECT_EQ(entry.withheld().hash().size(), kHashSize);
  }
  EXPECT_EQ(links, 2) << "the proposal and the answer";
}

// A transfer's texts are personal parts (format 2) that reach the other
// party, never a third centre; a void's reason and a stock comment stay.
TEST_F(RoutingTest, ATransfersTextsReachTheOtherPartyAndOtherTextsStayAtTheirCentre) {
  const std::optional<v1::PersonalPart> note = PersonalNote("pour la distribution de Noël");
  ASSERT_TRUE(AppendAt(node("hem"), Proposed("HEM-T-000001", "caudry", "hem"), &*note).ok());
  SyncAll();
  v1::EventCore declined = Answered("HEM-T-000001");
  declined.mutable_transfer_answered()->set_accepted(false);
  const std::optional<v1::PersonalPart> why = PersonalNote("plus de yaourts chez Maryse");
  ASSERT_TRUE(AppendAt(node("caudry"), declined, &*why).ok());
  SyncAll();
  EXPECT_EQ(FindTransfer(node("caudry").store(), "HEM-T-000001").value()->note(),
            "pour la distribution de Noël");
  const v1::TransferView at_hem = *FindTransfer(node("hem").store(), "HEM-T-000001").value();
  EXPECT_EQ(at_hem.state(), v1::TransferView::DECLINED);
  EXPECT_EQ(at_hem.reason(), "plus de yaourts chez Maryse");

  // A reception: everyone gets the stock movement, only the source its reasons.
  ASSERT_TRUE(AppendAt(node("hem"), Proposed("HEM-T-000002", "caudry", "hem")).ok());
  SyncAll();
  ASSERT_TRUE(AppendAt(node("caudry"), Answered("HEM-T-000002")).ok());
  ASSERT_TRUE(AppendAt(node("caudry"), Shipped("HEM-T-000002", "caudry", "hem")).ok());
  SyncAll();
  v1::PersonalPart reasons = NewPersonalPart();
  reasons.add_item_reasons("2 cartons écrasés");
  ASSERT_TRUE(AppendAt(node("hem"), Received("HEM-T-000002", "caudry", "hem"), &reasons).ok());
  v1::EventCore adjusted;
  adjusted.mutable_stock_adjusted()->set_product_id("P");
  adjusted.mutable_stock_adjusted()->set_delta(-1);
  adjusted.mutable_stock_adjusted()->set_reason(v1::OTHER_ADJUSTMENT);
  const std::optional<v1::PersonalPart> comment = PersonalNote("cassé par Kevin");
  ASSERT_TRUE(AppendAt(node("hem"), adjusted, &*comment).ok());
  SyncAll();
  const v1::TransferView received = *FindTransfer(node("caudry").store(), "HEM-T-000002").value();
  ASSERT_EQ(received.received_size(), 1);
  EXPECT_EQ(received.received(0).reason(), "2 cartons écrasés");
  const v1::TransferView third = *FindTransfer(node("lille").store(), "HEM-T-000002").value();
  ASSERT_EQ(third.received_size(), 1) << "lille folds the movement";
  EXPECT_EQ(third.received(0).reason(), "") << "but not why";

  for (const char* origin : {"hem", "caudry"}) {
    for (const v1::EventRecord& record : node("lille").ReadEvents(origin, 1, 100).value()) {
      EXPECT_TRUE(record.personal().empty()) << "lille holds no text of " << origin;
    }
  }
  // Caudry holds hem's proposal and reception texts, not its stock comment.
  const std::vector<v1::EventRecord> at_caudry = node("caudry").ReadEvents("hem", 1, 100).value();
  ASSERT_EQ(at_caudry.size(), 4u);
  EXPECT_FALSE(at_caudry[0].personal().empty()) << "the note";
  EXPECT_FALSE(at_caudry[2].personal().empty()) << "the reception's reasons";
  EXPECT_TRUE(at_caudry[3].personal().empty()) << "a stock comment stays at hem and the hub";
  EXPECT_FALSE(hub_->store().Get(Column::kPersonal, EventKey("hem", 4))->value_or("").empty());
}

TEST_F(RoutingTest, WorkshopSeatsAndRunningCostsStayWithTheirOriginAndTheHub) {
  v1::EventCore scheduled;
  scheduled.mutable_workshop_scheduled()->set_workshop_id("HEM-W-000001");
  scheduled.mutable_workshop_scheduled()->set_theme("Atelier cuisine");
  scheduled.mutable_workshop_scheduled()->set_places(8);
  ASSERT_TRUE(AppendAt(node("hem"), scheduled).ok());
  v1::EventCore registered;
  registered.mutable_workshop_registered()->set_workshop_id("HEM-W-000001");
  registered.mutable_workshop_registered()->set_family_id("HEM-000002");
  ASSERT_TRUE(AppendAt(node("hem"), registered).ok());
  v1::EventCore costs;
  costs.mutable_running_costs_set()->set_site("hem");
  costs.mutable_running_costs_set()->set_year(2026);
  costs.mutable_running_costs_set()->set_amount_cents(1200000);
  ASSERT_TRUE(hub_->AppendOwn(costs).ok());
  v1::EventCore donor;
  donor.mutable_donor_defined()->mutable_donor()->set_donor_id("leclerc-hem");
  ASSERT_TRUE(hub_->AppendOwn(donor).ok());
  SyncAll();
  EXPECT_EQ(KindsHeld("lille", "hem"), Kinds{v1::EventCore::kWorkshopScheduled});
  auto workshop = FindWorkshop(node("lille").store(), "HEM-W-000001").value();
  ASSERT_TRUE(workshop.has_value()) << "every till lists the network's workshops";
  EXPECT_EQ(workshop->seats_size(), 0) << "but not who registered";
  EXPECT_EQ(FindWorkshop(hub_->store(), "HEM-W-000001").value()->seats_size(), 1);
  const Kinds at_lille = KindsHeld("lille", "hub");
  EXPECT_EQ(std::count(at_lille.begin(), at_lille.end(), v1::EventCore::kRunningCostsSet), 0);
  EXPECT_EQ(at_lille.back(), v1::EventCore::kDonorDefined)
      << "the hub's next event links onto the withheld one";
  ExpectSameHead("lille", "hub");
  ExpectSameHead("lille", "hem");
}

TEST_F(RoutingTest, ACentreRecoveringItsHistoryGetsItsOwnEventsInFull) {
  TransferFromCaudryToHem();
  // Caudry's disk is lost; it is re-provisioned empty and recovers from the hub.
  TempDir empty;
  Reopen("caudry", empty.path(), /*recover=*/true);
  SyncAll();
  EXPECT_FALSE(node("caudry").Recovering());
  const Kinds own = {v1::EventCore::kTransferAnswered, v1::EventCore::kTransferShipped,
                     v1::EventCore::kSaleRecorded};
  EXPECT_EQ(KindsHeld("caudry", "caudry"), own);
  EXPECT_EQ(node("caudry").OwnHead()->hash, hub_->HeadOf("caudry")->hash);
  EXPECT_EQ(FindTransfer(node("caudry").store(), "HEM-T-000001").value()->state(),
            v1::TransferView::RECEIVED)
      << "hem's side of the transfer comes back too: caudry is a party";
  ASSERT_TRUE(testing::AppendRawSale(node("caudry")).ok());
  SyncAll();
  EXPECT_EQ(SalesOf(*node("lille").Sales(), "caudry"), 2u);
}

TEST_F(RoutingTest, ALostDiskAndAHubWithANewEpochStillConverge) {
  TransferFromCaudryToHem();
  // Lille's disk is lost; it pulls everything again, withheld links included.
  TempDir lille_empty;
  Reopen("lille", lille_empty.path());
  SyncAll();
  EXPECT_EQ(KindsHeld("lille", "hem"),
            Kinds({v1::EventCore::kTransferReceived, v1::EventCore::kSaleRecorded}));
  ExpectSameHead("lille", "hem");
  ExpectSameHead("lille", "caudry");

  // The hub is replaced by an empty one (a new epoch): centres re-push their
  // own events and re-pull the whole new log, links again, idempotently.
  auto fresh = HubLog::Open(dir_.Sub("hub2")).value();
  SyncAll(fresh.get());
  // Caudry re-pushed its answer before hem re-pushed the proposal: the new hub
  // could not tell the parties then, so it routes the answer when it is read,
  // by which time it knows them.
  const v1::PullBatch for_lille = fresh->ReadLogFor("lille", 0, 1000, 1 << 20, false)->ToBatch().value();
  int answer_entries = 0;
  for (const v1::LogEntry& entry : for_lille.entries()) {
    if (!entry.has_withheld() || entry.withheld().origin() != "caudry") continue;
    answer_entries += entry.withheld().seq() == 1;
  }
  EXPECT_EQ(answer_entries, 1) << "caudry/1 (the answer) is withheld from lille";
  ASSERT_TRUE(testing::AppendRawSale(node("hem")).ok());
  SyncAll(fresh.get());
  hub_ = std::move(fresh);
  EXPECT_EQ(hub_->HeadOf("hem")->seq, 4u);
  EXPECT_EQ(hub_->HeadOf("caudry")->seq, 3u);
  EXPECT_EQ(KindsHeld("lille", "hem"),
            Kinds({v1::EventCore::kTransferReceived, v1::EventCore::kSaleRecorded,
                   v1::EventCore::kSaleRecorded}));
  EXPECT_EQ(SalesOf(*node("lille").Sales(), "hem"), 2u) << "no double counting";
  ExpectSameHead("lille", "hem");
  EXPECT_EQ(FindTransfer(node("lille").store(), "HEM-T-000001").value()->items_size(), 0);
  EXPECT_EQ(StockOf(node("lille").store(), "hem", "P").value(), 10) << "received once";
  EXPECT_EQ(FindTransfer(hub_->store(), "HEM-T-000001").value()->state(),
            v1::TransferView::RECEIVED);
}

TEST_F(RoutingTest, LogValuesWrittenBeforeRoutingAreRoutedFromTheCore) {
  TransferFromCaudryToHem();
  // Rewrite the log as an older hub wrote it: the event key alone.
  hub_.reset();
  {
    std::unique_ptr<Store> store = Store::Open({dir_.Sub("hub")}).value();
    Batch batch;
    ASSERT_TRUE(store
                    ->Scan(Column::kLog, "", "",
                           [&](absl::string_view key, absl::string_view value) {
                             std::optional<LogValue> logged = DecodeLogValue(value);
                             EXPECT_TRUE(logged.has_value() && logged->route.has_value());
                             batch.Put(Column::kLog, key, EventKey(logged->origin, logged->seq));
                             return true;
                           })
                    .ok());
    ASSERT_TRUE(store->Write(batch).ok());
  }
  hub_ = HubLog::Open(dir_.Sub("hub")).value();
  TempDir lille_empty;
  Reopen("lille", lille_empty.path());
  SyncAll();
  EXPECT_EQ(KindsHeld("lille", "hem"),
            Kinds({v1::EventCore::kTransferReceived, v1::EventCore::kSaleRecorded}));
  EXPECT_EQ(KindsHeld("lille", "caudry"),
            Kinds({v1::EventCore::kTransferShipped, v1::EventCore::kSaleRecorded}))
      << "the answer's parties come from the hub's transfer record";
  ExpectSameHead("lille", "caudry");
}

TEST_F(RoutingTest, AWithheldLinkThatDoesNotChainIsRefusedAndNothingIsWritten) {
  TransferFromCaudryToHem();
  const v1::PullBatch good = hub_->ReadLogFor("lille", 0, 1000, 1 << 20, false)->ToBatch().value();
  TempDir other;
  auto fresh = NodeStore::Open({"lille", other.path(), nullptr, ""}).value();
  ASSERT_TRUE(fresh->ResetCursor(hub_->Epoch()).ok());
  v1::PullBatch forged = good;
  for (v1::LogEntry& entry : *forged.mutable_entries()) {
    if (entry.has_withheld() && entry.withheld().origin() == "caudry" && entry.withheld().seq() == 1) {
      entry.mutable_withheld()->set_prev_hash(std::string(kHashSize, 'x'));
    }
  }
  absl::Status applied = fresh->ApplyPulled(hub_->Epoch(), forged);
  EXPECT_EQ(applied.code(), absl::StatusCode::kDataLoss) << applied;
  EXPECT_NE(applied.message().find("does not chain"), absl::string_view::npos) << applied;
  EXPECT_EQ(fresh->Status()->hub_cursor(), 0u) << "nothing applied";
  EXPECT_EQ(fresh->Status()->origins_size(), 0);

  // A hub that withholds a centre's own event is not believed either.
  v1::PullBatch own;
  own.set_through(1);
  v1::WithheldLink* link = own.add_entries()->mutable_withheld();
  link->set_origin("lille");
  link->set_seq(1);
  link->set_prev_hash(ZeroHash());
  link->set_hash(std::string(kHashSize, 'y'));
  EXPECT_EQ(fresh->ApplyPulled(hub_->Epoch(), own).code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(fresh->ApplyPulled(hub_->Epoch(), good).ok()) << "the real batch applies";
}

TEST_F(RoutingTest, ANodeOfTheOldProtocolIsRefusedPlainlyAndGetsNothing) {
  TransferFromCaudryToHem();
  HubSession session(hub_.get());
  v1::NodeMessage hello;
  hello.mutable_hello()->set_site("lille");
  hello.mutable_hello()->set_protocol_version(1);
  HubSession::Reply reply = session.OnNodeMessage(hello);
  EXPECT_EQ(reply.end.code(), absl::StatusCode::kFailedPrecondition) << reply.end;
  EXPECT_NE(reply.end.message().find("upgrade comptoir-node"), absl::string_view::npos)
      << reply.end;
  ASSERT_EQ(reply.messages.size(), 1u);
  EXPECT_EQ(reply.messages[0].error().reason(), v1::SyncError::UNSUPPORTED_VERSION);
  EXPECT_FALSE(session.NextPull().value().has_value()) << "no pull before a valid Hello";
}

TEST(RoutingTable, WhatATillNeedsTravelsAndUnknownKindsTravelWithoutPersonalData) {
  // Any centre's till checks a family's rights and monthly ceiling offline.
  for (auto kind : {v1::EventCore::kFamilyRegistered, v1::EventCore::kReferralGranted,
                    v1::EventCore::kSaleRecorded, v1::EventCore::kSaleVoided,
                    v1::EventCore::kStockReceived, v1::EventCore::kProductDefined}) {
    EXPECT_EQ(AudienceOf(kind), Audience::kNetwork) << kind;
  }
  EXPECT_EQ(PersonalAudienceOf(v1::EventCore::kSaleVoided), PersonalAudience::kNone)
      << "a void's reason stays";
  EXPECT_EQ(PersonalAudienceOf(v1::EventCore::kStockAdjusted), PersonalAudience::kNone)
      << "a stock comment stays";
  EXPECT_EQ(PersonalAudienceOf(v1::EventCore::kReferralGranted), PersonalAudience::kNone)
      << "the project stays";
  EXPECT_EQ(PersonalAudienceOf(v1::EventCore::kReferralEnded), PersonalAudience::kNone)
      << "the end's reason stays";
  EXPECT_EQ(PersonalAudienceOf(v1::EventCore::kFamilyRegistered), PersonalAudience::kWithCore)
      << "names, to recognise";
  for (auto kind : {v1::EventCore::kTransferProposed, v1::EventCore::kTransferAnswered,
                    v1::EventCore::kTransferCancelled, v1::EventCore::kTransferReceived}) {
    EXPECT_EQ(PersonalAudienceOf(kind), PersonalAudience::kParties) << kind;
  }

  v1::EventCore unknown;  // a kind of a newer origin: no known body
  const Route route = RouteOf(unknown, nullptr);
  EXPECT_EQ(route.audience, Audience::kNetwork);
  EXPECT_EQ(route.personal, PersonalAudience::kNone);
  EXPECT_FALSE(route.settled) << "decided again by an upgraded hub";
  EXPECT_FALSE(DecodeLogValue(EncodeLogValue("hem", 7, route))->route.has_value());

  const Route transfer = RouteOf(Proposed("T", "caudry", "hem"), nullptr);
  EXPECT_TRUE(Entitled(transfer, "caudry"));
  EXPECT_TRUE(Entitled(transfer, "hem"));
  EXPECT_FALSE(Entitled(transfer, "lille"));
  const std::optional<LogValue> logged = DecodeLogValue(EncodeLogValue("hem", 7, transfer));
  ASSERT_TRUE(logged.has_value() && logged->route.has_value());
  EXPECT_EQ(logged->origin, "hem");
  EXPECT_EQ(logged->seq, 7u);
  EXPECT_EQ(logged->route->parties, transfer.parties);
  EXPECT_TRUE(PersonalEntitled(transfer, "caudry")) << "the note reaches the other party";
  EXPECT_FALSE(PersonalEntitled(transfer, "lille"));

  // A reception moves stock everywhere; why items differ goes to the parties.
  const Route reception = RouteOf(Received("T", "caudry", "hem"), nullptr);
  EXPECT_TRUE(reception.settled);
  EXPECT_TRUE(Entitled(reception, "lille"));
  EXPECT_FALSE(PersonalEntitled(reception, "lille"));
  EXPECT_TRUE(PersonalEntitled(reception, "caudry"));
  const std::optional<LogValue> reception_logged =
      DecodeLogValue(EncodeLogValue("hem", 8, reception));
  ASSERT_TRUE(reception_logged.has_value() && reception_logged->route.has_value());
  EXPECT_EQ(reception_logged->route->personal, PersonalAudience::kParties);
  EXPECT_TRUE(PersonalEntitled(*reception_logged->route, "caudry"));
  EXPECT_FALSE(PersonalEntitled(*reception_logged->route, "lille"));
  // An answer to a transfer nobody knows yet: everyone rather than nobody.
  const Route orphan = RouteOf(Answered("T"), [](absl::string_view) {
    return std::optional<std::pair<std::string, std::string>>();
  });
  EXPECT_EQ(orphan.audience, Audience::kNetwork);
  EXPECT_FALSE(orphan.settled);
}

}  // namespace
}  // namespace comptoir
