// Transfers between centres: the state machine, its refusals, conservation of
// stock, and convergence whatever the order in which the centres sync.
#include <gtest/gtest.h>

#include "common/civil_day.h"
#include "common/stock_view.h"
#include "common/transfer_view.h"
#include "node/till.h"
#include "tests/sim/sync_harness.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::SyncWire;
using ::comptoir::testing::TempDir;

constexpr int64_t kTuesdayNoon = 1773140400000;  // 2026-03-10 12:00 in Paris
constexpr int64_t kDay = 24 * 3600 * 1000;

struct Centre {
  std::unique_ptr<NodeStore> node;
  std::unique_ptr<Till> till;
};

class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = HubLog::Open(dir_.Sub("hub")).value();
    for (const char* site : {"caudry", "maubeuge", "hem"}) {
      Centre& centre = centres_[site];
      centre.node = NodeStore::Open({site, dir_.Sub(site), [this] { return *now_ms_; }, ""}).value();
      centre.till = std::make_unique<Till>(centre.node.get());
    }
    // Head office's catalogue, known everywhere.
    v1::EventCore core;
    v1::Product* product = core.mutable_product_defined()->mutable_product();
    product->set_product_id("EPI-YAOURT");
    product->set_name("Yaourt nature");
    product->set_department("epicerie");
    product->set_reference_price_cents(30);
    ASSERT_TRUE(hub_->AppendOwn(core).ok());
    product->set_product_id("PAP-MANTEAU-ENF");
    product->set_name("Manteau enfant");
    product->set_department("pret-a-porter");
    product->set_reference_price_cents(4500);
    ASSERT_TRUE(hub_->AppendOwn(core).ok());
    SyncAll();
  }

  Till& till(const std::string& site) { return *centres_[site].till; }
  void Sync(const std::string& site) { SyncWire(centres_[site].node.get(), hub_.get()).Pump(); }
  void SyncAll() {
    for (int round = 0; round < 2; ++round) {
      for (auto& [site, centre] : centres_) Sync(site);
    }
  }

  std::string Receive(const std::string& site, const std::string& product, int64_t quantity,
                      v1::ExpiryKind kind = v1::EXPIRY_KIND_UNSPECIFIED, const std::string& day = "") {
    v1::ReceiveStockRequest request;
    request.set_product_id(product);
    request.set_quantity(quantity);
    request.set_donor_id("fondation-kiabi");
    request.set_lot_number("K-42");
    request.set_expiry_kind(kind);
    request.set_expiry_day(day);
    auto lot = till(site).ReceiveStock(request);
    EXPECT_TRUE(lot.ok()) << lot.status();
    return lot->lot_id();
  }

  absl::StatusOr<v1::TransferView> Propose(const std::string& site, v1::ProposeTransferRequest::Kind kind,
                                           const std::string& other, const std::string& product,
                                           int64_t quantity) {
    v1::ProposeTransferRequest request;
    request.set_kind(kind);
    request.set_other_site(other);
    v1::TransferItem* item = request.add_items();
    item->set_product_id(product);
    item->set_quantity(quantity);
    return till(site).ProposeTransfer(request);
  }

  absl::StatusOr<v1::TransferView> Answer(const std::string& site, const std::string& id, bool accept) {
    v1::AnswerTransferRequest request;
    request.set_transfer_id(id);
    request.set_accept(accept);
    return till(site).AnswerTransfer(request);
  }

  absl::StatusOr<v1::TransferView> Ship(const std::string& site, const std::string& id) {
    v1::ShipTransferRequest request;
    request.set_transfer_id(id);
    return till(site).ShipTransfer(request);
  }

  absl::StatusOr<v1::TransferView> ReceiveAll(const std::string& site, const std::string& id) {
    v1::ReceiveTransferRequest request;
    request.set_transfer_id(id);
    return till(site).ReceiveTransfer(request);
  }

  int64_t StockOf(const std::string& site, const std::string& product) {
    return comptoir::StockOf(centres_[site].node->store(), site, product).value();
  }

  // Conservation holds at every replica and at the hub.
  void ExpectConserved() {
    EXPECT_TRUE(CheckConservation(hub_->store()).ok()) << CheckConservation(hub_->store());
    for (auto& [site, centre] : centres_) {
      absl::Status status = CheckConservation(centre.node->store());
      EXPECT_TRUE(status.ok()) << site << ": " << status;
    }
  }

  std::shared_ptr<int64_t> now_ms_ = std::make_shared<int64_t>(kTuesdayNoon);
  TempDir dir_;
  std::unique_ptr<HubLog> hub_;
  std::map<std::string, Centre> centres_;
};

TEST_F(TransferTest, ARequestIsAcceptedShippedAndReceivedWithProvenance) {
  Receive("caudry", "EPI-YAOURT", 120, v1::DLC, "2026-03-20");
  Receive("caudry", "EPI-YAOURT", 80, v1::DLC, "2026-03-14");
  SyncAll();
  auto request = Propose("maubeuge", v1::ProposeTransferRequest::REQUEST, "caudry", "EPI-YAOURT", 100);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->transfer_id(), "MAU-T-000001");
  EXPECT_EQ(request->source(), "caudry");
  EXPECT_EQ(request->state(), v1::TransferView::PROPOSED);
  SyncAll();
  ASSERT_TRUE(Answer("caudry", request->transfer_id(), true).ok());
  auto shipped = Ship("caudry", request->transfer_id());
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  ASSERT_EQ(shipped->shipped_size(), 2) << "earliest expiry first: 80 of the 14th, then 20";
  EXPECT_EQ(shipped->shipped(0).quantity(), 80);
  EXPECT_EQ(shipped->shipped(0).expiry_day(), "2026-03-14");
  EXPECT_EQ(shipped->shipped(1).quantity(), 20);
  EXPECT_EQ(StockOf("caudry", "EPI-YAOURT"), 100);
  SyncAll();
  auto received = ReceiveAll("maubeuge", request->transfer_id());
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->state(), v1::TransferView::RECEIVED);
  EXPECT_EQ(StockOf("maubeuge", "EPI-YAOURT"), 100);
  // The goods keep their donor, lot number and dates.
  v1::GetStockRequest stock;
  stock.set_product_id("EPI-YAOURT");
  auto level = till("maubeuge").GetStock(stock);
  ASSERT_EQ(level->products(0).lots_size(), 2);
  EXPECT_EQ(level->products(0).lots(0).expiry_day(), "2026-03-14");
  EXPECT_EQ(level->products(0).lots(0).donor_id(), "fondation-kiabi");
  EXPECT_EQ(level->products(0).lots(0).lot_number(), "K-42");
  SyncAll();
  ExpectConserved();
  v1::ListTransfersRequest all;
  for (const char* site : {"caudry", "maubeuge"}) {
    auto list = till(site).ListTransfers(all);
    ASSERT_EQ(list->transfers_size(), 1) << site;
    EXPECT_EQ(list->transfers(0).SerializeAsString(), received->SerializeAsString()) << site;
  }
  // Hem, a third centre, knows the goods moved (its lists read stock), not
  // what was asked (common/routing.h).
  auto at_hem = till("hem").ListTransfers(all);
  ASSERT_EQ(at_hem->transfers_size(), 1);
  EXPECT_EQ(at_hem->transfers(0).state(), v1::TransferView::RECEIVED);
  v1::TransferView movements = *received;  // what hem holds: the goods, as they moved
  movements.clear_items();
  movements.clear_note();
  movements.clear_proposed_by();
  EXPECT_EQ(at_hem->transfers(0).SerializeAsString(), movements.SerializeAsString());
  EXPECT_EQ(at_hem->transfers(0).items_size(), 0);
  EXPECT_TRUE(at_hem->transfers(0).note().empty());
}

TEST_F(TransferTest, IllegalTransitionsAreRefusedAndChangeNothing) {
  const std::string lot = Receive("caudry", "PAP-MANTEAU-ENF", 10);
  SyncAll();
  auto offer = Propose("caudry", v1::ProposeTransferRequest::OFFER, "maubeuge", "PAP-MANTEAU-ENF", 5);
  ASSERT_TRUE(offer.ok()) << offer.status();
  const std::string id = offer->transfer_id();
  EXPECT_EQ(Propose("caudry", v1::ProposeTransferRequest::OFFER, "maubeuge", "PAP-MANTEAU-ENF", 50)
                .status().code(),
            absl::StatusCode::kFailedPrecondition) << "cannot offer what it does not hold";
  EXPECT_EQ(Answer("caudry", id, true).status().code(), absl::StatusCode::kFailedPrecondition)
      << "the proposer does not answer its own offer";
  EXPECT_EQ(Ship("caudry", id).status().code(), absl::StatusCode::kFailedPrecondition)
      << "not accepted yet";
  SyncAll();
  ASSERT_TRUE(Answer("maubeuge", id, false).ok());
  SyncAll();
  EXPECT_EQ(Ship("caudry", id).status().code(), absl::StatusCode::kFailedPrecondition)
      << "declined";
  EXPECT_EQ(Answer("maubeuge", id, true).status().code(), absl::StatusCode::kFailedPrecondition);

  auto second = Propose("caudry", v1::ProposeTransferRequest::OFFER, "maubeuge", "PAP-MANTEAU-ENF", 5);
  SyncAll();
  ASSERT_TRUE(Answer("maubeuge", second->transfer_id(), true).ok());
  SyncAll();
  // Meanwhile Caudry sold or lost some coats: it cannot ship more than its lots hold.
  v1::AdjustStockRequest adjust;
  adjust.set_product_id("PAP-MANTEAU-ENF");
  adjust.set_lot_id(lot);
  adjust.set_delta(-8);
  adjust.set_reason(v1::DAMAGED);
  ASSERT_TRUE(till("caudry").AdjustStock(adjust).ok());
  const uint64_t before = centres_["caudry"].node->Status()->own_seq();
  EXPECT_EQ(Ship("caudry", second->transfer_id()).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Ship("maubeuge", second->transfer_id()).status().code(),
            absl::StatusCode::kFailedPrecondition) << "only the source ships";
  EXPECT_EQ(Ship("hem", second->transfer_id()).status().code(), absl::StatusCode::kNotFound)
      << "a third centre never hears of it";
  EXPECT_EQ(centres_["caudry"].node->Status()->own_seq(), before);
  adjust.set_delta(8);
  adjust.set_reason(v1::STOCKTAKE);
  ASSERT_TRUE(till("caudry").AdjustStock(adjust).ok());
  ASSERT_TRUE(Ship("caudry", second->transfer_id()).ok());
  v1::CancelTransferRequest cancel;
  cancel.set_transfer_id(second->transfer_id());
  EXPECT_EQ(till("caudry").CancelTransfer(cancel).status().code(),
            absl::StatusCode::kFailedPrecondition) << "shipped: too late to cancel";
  SyncAll();
  EXPECT_EQ(ReceiveAll("caudry", second->transfer_id()).status().code(),
            absl::StatusCode::kFailedPrecondition) << "wrong centre";
  EXPECT_EQ(ReceiveAll("hem", second->transfer_id()).status().code(),
            absl::StatusCode::kFailedPrecondition) << "hem knows the shipment, not its to receive";
  ASSERT_TRUE(ReceiveAll("maubeuge", second->transfer_id()).ok());
  EXPECT_EQ(ReceiveAll("maubeuge", second->transfer_id()).status().code(),
            absl::StatusCode::kFailedPrecondition) << "received twice";
  SyncAll();
  ExpectConserved();
}

TEST_F(TransferTest, ALotPastItsUseByDateIsNeverShipped) {
  Receive("caudry", "EPI-YAOURT", 30, v1::DLC, "2026-03-11");
  SyncAll();
  auto offer = Propose("caudry", v1::ProposeTransferRequest::OFFER, "maubeuge", "EPI-YAOURT", 30);
  ASSERT_TRUE(offer.ok());
  SyncAll();
  ASSERT_TRUE(Answer("maubeuge", offer->transfer_id(), true).ok());
  SyncAll();
  *now_ms_ += 2 * kDay;  // the 12th: the yoghurts are past their DLC
  auto shipped = Ship("caudry", offer->transfer_id());
  EXPECT_EQ(shipped.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(shipped.status().message().find("DLC"), absl::string_view::npos) << shipped.status();
}

TEST_F(TransferTest, AShortfallAndDamageAreRecordedWithAReasonAndConserved) {
  Receive("caudry", "PAP-MANTEAU-ENF", 200);
  SyncAll();
  auto offer = Propose("caudry", v1::ProposeTransferRequest::OFFER, "maubeuge", "PAP-MANTEAU-ENF", 200);
  SyncAll();
  ASSERT_TRUE(Answer("maubeuge", offer->transfer_id(), true).ok());
  SyncAll();
  ASSERT_TRUE(Ship("caudry", offer->transfer_id()).ok());
  SyncAll();
  v1::ReceiveTransferRequest request;
  request.set_transfer_id(offer->transfer_id());
  v1::ReceiveItemRequest* item = request.add_items();
  item->set_product_id("PAP-MANTEAU-ENF");
  item->set_arrived(190);
  item->set_damaged(4);
  EXPECT_EQ(till("maubeuge").ReceiveTransfer(request).status().code(),
            absl::StatusCode::kInvalidArgument) << "a difference needs a reason";
  item->set_reason("10 cartons manquants, 4 manteaux déchirés");
  // Every shipped product is accounted for, once; an unannounced one needs a reason.
  const uint64_t before = centres_["maubeuge"].node->Status()->own_seq();
  {
    v1::ReceiveTransferRequest yoghurts_only;
    yoghurts_only.set_transfer_id(offer->transfer_id());
    v1::ReceiveItemRequest* yoghurt = yoghurts_only.add_items();
    yoghurt->set_product_id("EPI-YAOURT");
    yoghurt->set_arrived(5);
    yoghurt->set_reason("ajoutés par Caudry");
    auto refused = till("maubeuge").ReceiveTransfer(yoghurts_only);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find("PAP-MANTEAU-ENF a été expédié"), absl::string_view::npos)
        << refused.status();
    v1::ReceiveTransferRequest twice = request;
    *twice.add_items() = request.items(0);
    EXPECT_EQ(till("maubeuge").ReceiveTransfer(twice).status().code(),
              absl::StatusCode::kInvalidArgument) << "the coats listed twice would count twice";
    v1::ReceiveTransferRequest unannounced = request;
    yoghurt = unannounced.add_items();
    yoghurt->set_product_id("EPI-YAOURT");
    yoghurt->set_arrived(5);
    auto no_reason = till("maubeuge").ReceiveTransfer(unannounced);
    EXPECT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(no_reason.status().message().find("ne fait pas partie de l'expédition"),
              absl::string_view::npos) << no_reason.status();
  }
  EXPECT_EQ(centres_["maubeuge"].node->Status()->own_seq(), before) << "nothing written";
  auto received = till("maubeuge").ReceiveTransfer(request);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(StockOf("maubeuge", "PAP-MANTEAU-ENF"), 186);
  SyncAll();
  ExpectConserved();
  Balances balances = ReadBalances(hub_->store()).value();
  EXPECT_EQ(balances[""]["PAP-MANTEAU-ENF"].lost_in_transit, 10);
  EXPECT_EQ(balances[""]["PAP-MANTEAU-ENF"].transferred_out, 200);
  EXPECT_EQ(balances[""]["PAP-MANTEAU-ENF"].in_transit, 0);
}

TEST_F(TransferTest, AReceiptRecordedBeforeTheHubHasSeenTheShipmentStillConverges) {
  Receive("caudry", "EPI-YAOURT", 50, v1::DDM, "2026-04-30");
  SyncAll();
  auto request = Propose("maubeuge", v1::ProposeTransferRequest::REQUEST, "caudry", "EPI-YAOURT", 40);
  SyncAll();
  // Caudry accepts and ships, then loses its connection before syncing.
  ASSERT_TRUE(Answer("caudry", request->transfer_id(), true).ok());
  ASSERT_TRUE(Ship("caudry", request->transfer_id()).ok());
  // The goods arrive at Maubeuge, which records them from the delivery note.
  v1::ReceiveTransferRequest receive;
  receive.set_transfer_id(request->transfer_id());
  v1::ReceiveItemRequest* item = receive.add_items();
  item->set_product_id("EPI-YAOURT");
  item->set_arrived(40);
  item->set_donor_id("fondation-kiabi");
  item->set_expiry_kind(v1::DDM);
  item->set_expiry_day("2026-04-30");
  ASSERT_TRUE(till("maubeuge").ReceiveTransfer(receive).ok());
  Sync("maubeuge");  // the hub has the receipt, not the shipment
  Sync("hem");
  EXPECT_TRUE(CheckConservation(centres_["caudry"].node->store()).ok());
  Sync("caudry");  // now it has both
  SyncAll();
  ExpectConserved();
  for (const char* site : {"caudry", "maubeuge"}) {
    auto transfer = FindTransfer(centres_[site].node->store(), request->transfer_id()).value();
    ASSERT_TRUE(transfer.has_value()) << site;
    EXPECT_EQ(transfer->state(), v1::TransferView::RECEIVED) << site;
    EXPECT_EQ(transfer->shipped_size(), 1) << site;
  }
}

TEST_F(TransferTest, ACancelThatCrossesAShipmentIsVoid) {
  Receive("caudry", "PAP-MANTEAU-ENF", 10);
  SyncAll();
  auto request = Propose("maubeuge", v1::ProposeTransferRequest::REQUEST, "caudry", "PAP-MANTEAU-ENF", 3);
  SyncAll();
  ASSERT_TRUE(Answer("caudry", request->transfer_id(), true).ok());
  SyncAll();
  // Both offline: Maubeuge cancels while Caudry ships.
  v1::CancelTransferRequest cancel;
  cancel.set_transfer_id(request->transfer_id());
  cancel.set_reason("plus besoin");
  ASSERT_TRUE(till("maubeuge").CancelTransfer(cancel).ok());
  ASSERT_TRUE(Ship("caudry", request->transfer_id()).ok());
  SyncAll();
  for (const char* site : {"caudry", "maubeuge"}) {
    auto transfer = FindTransfer(centres_[site].node->store(), request->transfer_id()).value();
    ASSERT_TRUE(transfer.has_value()) << site;
    EXPECT_EQ(transfer->state(), v1::TransferView::SHIPPED) << site << ": the goods are on the road";
  }
  auto at_hem = FindTransfer(centres_["hem"].node->store(), request->transfer_id()).value();
  ASSERT_TRUE(at_hem.has_value()) << "the shipment moves stock: every centre hears of it";
  EXPECT_EQ(at_hem->state(), v1::TransferView::SHIPPED);
  EXPECT_TRUE(at_hem->reason().empty()) << "the cancellation is the parties' business";
  ASSERT_TRUE(ReceiveAll("maubeuge", request->transfer_id()).ok());
  SyncAll();
  ExpectConserved();
}

TEST_F(TransferTest, StaffSeeWhereTheSurplusIsAndWhatCentresLack) {
  const std::string lot = Receive("caudry", "EPI-YAOURT", 300, v1::DLC, "2026-03-25");
  v1::MarkSurplusRequest mark;
  mark.set_lot_id(lot);
  mark.set_quantity(200);
  ASSERT_TRUE(till("caudry").MarkSurplus(mark).ok());
  v1::SetMinimumRequest minimum;
  minimum.set_product_id("EPI-YAOURT");
  minimum.set_minimum(60);
  ASSERT_TRUE(till("maubeuge").SetMinimum(minimum).ok());
  SyncAll();
  auto surplus = till("hem").ListSurplus();
  ASSERT_EQ(surplus->surplus_size(), 1);
  EXPECT_EQ(surplus->surplus(0).site(), "caudry");
  EXPECT_EQ(surplus->surplus(0).quantity(), 200);
  EXPECT_EQ(surplus->surplus(0).expiry_day(), "2026-03-25");
  EXPECT_EQ(ListSurplus(hub_->store())->surplus_size(), 1);
  auto needs = till("hem").ListNeeds();
  ASSERT_EQ(needs->needs_size(), 1);
  EXPECT_EQ(needs->needs(0).site(), "maubeuge");
  EXPECT_EQ(needs->needs(0).missing(), 60);

  // Maubeuge asks for 40 of Caudry's surplus; 38 arrive, 2 of them crushed.
  // Hem, which took no part in it, reads the same figures as the hub.
  auto request = Propose("maubeuge", v1::ProposeTransferRequest::REQUEST, "caudry", "EPI-YAOURT", 40);
  ASSERT_TRUE(request.ok()) << request.status();
  SyncAll();
  ASSERT_TRUE(Answer("caudry", request->transfer_id(), true).ok());
  SyncAll();
  ASSERT_TRUE(Ship("caudry", request->transfer_id()).ok());
  SyncAll();
  v1::ReceiveTransferRequest receive;
  receive.set_transfer_id(request->transfer_id());
  v1::ReceiveItemRequest* item = receive.add_items();
  item->set_product_id("EPI-YAOURT");
  item->set_arrived(38);
  item->set_damaged(2);
  item->set_reason("2 pots manquants, 2 écrasés");
  ASSERT_TRUE(till("maubeuge").ReceiveTransfer(receive).ok());
  SyncAll();
  EXPECT_EQ(StockOf("caudry", "EPI-YAOURT"), 260);
  EXPECT_EQ(StockOf("maubeuge", "EPI-YAOURT"), 36);
  for (const char* site : {"caudry", "maubeuge"}) {
    EXPECT_EQ(comptoir::StockOf(centres_["hem"].node->store(), site, "EPI-YAOURT").value(),
              comptoir::StockOf(hub_->store(), site, "EPI-YAOURT").value())
        << site << "'s stock as hem sees it";
  }
  EXPECT_EQ(till("hem").ListSurplus()->SerializeAsString(),
            ListSurplus(hub_->store())->SerializeAsString());
  auto needs_after = till("hem").ListNeeds();
  EXPECT_EQ(needs_after->SerializeAsString(), ListNeeds(hub_->store())->SerializeAsString());
  ASSERT_EQ(needs_after->needs_size(), 1);
  EXPECT_EQ(needs_after->needs(0).missing(), 24) << "60 wanted, 36 usable arrived";
  ExpectConserved();
}

// Lille's 60 surplus yoghurts, 40 shipped: every till and the hub offer 20
// (here Caudry's, seen from Maubeuge, Hem and the hub). A shipment beyond the
// surplus leaves none; a new mark after a shipment is the new offer; a
// transfer cancelled before shipping takes nothing.
TEST_F(TransferTest, TheSurplusOfferedIsTheMarkLessWhatWasShipped) {
  const std::string lot = Receive("caudry", "EPI-YAOURT", 100, v1::DLC, "2026-03-25");
  auto mark = [&](int64_t quantity) {
    v1::MarkSurplusRequest request;
    request.set_lot_id(lot);
    request.set_quantity(quantity);
    ASSERT_TRUE(till("caudry").MarkSurplus(request).ok());
    SyncAll();
  };
  auto ship = [&](int64_t quantity) {
    auto request = Propose("maubeuge", v1::ProposeTransferRequest::REQUEST, "caudry", "EPI-YAOURT", quantity);
    ASSERT_TRUE(request.ok()) << request.status();
    SyncAll();
    ASSERT_TRUE(Answer("caudry", request->transfer_id(), true).ok());
    ASSERT_TRUE(Ship("caudry", request->transfer_id()).ok());
    SyncAll();
  };
  // The units offered as every replica sees them; they must agree.
  auto offered = [&]() -> int64_t {
    const std::string at_hub = ListSurplus(hub_->store())->SerializeAsString();
    for (const char* site : {"caudry", "maubeuge", "hem"}) {
      EXPECT_EQ(till(site).ListSurplus()->SerializeAsString(), at_hub) << site;
    }
    auto surplus = ListSurplus(hub_->store()).value();
    EXPECT_LE(surplus.surplus_size(), 1);
    return surplus.surplus_size() == 0 ? 0 : surplus.surplus(0).quantity();
  };
  mark(60);
  EXPECT_EQ(offered(), 60);
  ship(40);
  EXPECT_EQ(StockOf("caudry", "EPI-YAOURT"), 60);
  EXPECT_EQ(offered(), 20) << "60 marked, 40 shipped";
  ship(30);
  EXPECT_EQ(offered(), 0) << "a shipment beyond the surplus leaves none, never less";
  mark(25);
  EXPECT_EQ(offered(), 25) << "a new mark after a shipment is the offer";
  auto cancelled = Propose("maubeuge", v1::ProposeTransferRequest::REQUEST, "caudry", "EPI-YAOURT", 10);
  ASSERT_TRUE(cancelled.ok());
  SyncAll();
  ASSERT_TRUE(Answer("caudry", cancelled->transfer_id(), true).ok());
  v1::CancelTransferRequest cancel;
  cancel.set_transfer_id(cancelled->transfer_id());
  cancel.set_reason("plus besoin");
  ASSERT_TRUE(till("maubeuge").CancelTransfer(cancel).ok());
  SyncAll();
  EXPECT_EQ(offered(), 25) << "nothing left: nothing is taken from the surplus";
  ship(5);
  EXPECT_EQ(offered(), 20);
  ExpectConserved();
}

// "Expédier" first shows what goes in the box: a preview plans the lots and
// writes nothing; shipping with the lots shown ships those, and if the stock
// changed meanwhile (another lot would go) nothing ships.
TEST_F(TransferTest, APreviewShowsTheLotsAndAChangedStockShipsNothing) {
  const std::string later = Receive("caudry", "EPI-YAOURT", 50, v1::DLC, "2026-03-25");
  auto request = Propose("maubeuge", v1::ProposeTransferRequest::REQUEST, "caudry", "EPI-YAOURT", 20);
  ASSERT_TRUE(request.ok()) << request.status();
  SyncAll();
  ASSERT_TRUE(Answer("caudry", request->transfer_id(), true).ok());
  v1::ShipTransferRequest ship;
  ship.set_transfer_id(request->transfer_id());
  ship.set_preview(true);
  auto preview = till("caudry").ShipTransfer(ship);
  ASSERT_TRUE(preview.ok()) << preview.status();
  EXPECT_EQ(preview->state(), v1::TransferView::ACCEPTED);
  ASSERT_EQ(preview->shipped_size(), 1);
  EXPECT_EQ(preview->shipped(0).lot_id(), later);
  EXPECT_EQ(preview->shipped(0).quantity(), 20);
  EXPECT_EQ(preview->shipped(0).expiry_day(), "2026-03-25");
  EXPECT_EQ(StockOf("caudry", "EPI-YAOURT"), 50) << "a preview writes nothing";
  // An earlier lot arrives: FEFO would now take it instead of the one shown.
  Receive("caudry", "EPI-YAOURT", 30, v1::DLC, "2026-03-15");
  ship.set_preview(false);
  v1::LotTake* shown = ship.add_expected_lots();
  shown->set_lot_id(later);
  shown->set_quantity(20);
  EXPECT_EQ(till("caudry").ShipTransfer(ship).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(StockOf("caudry", "EPI-YAOURT"), 80);
  ship.clear_expected_lots();
  ship.set_preview(true);
  auto again = till("caudry").ShipTransfer(ship);
  ASSERT_TRUE(again.ok());
  ship.set_preview(false);
  for (const v1::ShippedLot& lot : again->shipped()) {
    v1::LotTake* take = ship.add_expected_lots();
    take->set_lot_id(lot.lot_id());
    take->set_quantity(lot.quantity());
  }
  auto shipped = till("caudry").ShipTransfer(ship);
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_EQ(shipped->state(), v1::TransferView::SHIPPED);
  ASSERT_EQ(shipped->shipped_size(), again->shipped_size());
  for (int i = 0; i < again->shipped_size(); ++i) {
    EXPECT_EQ(shipped->shipped(i).SerializeAsString(), again->shipped(i).SerializeAsString()) << i;
  }
  EXPECT_EQ(StockOf("caudry", "EPI-YAOURT"), 60);
  SyncAll();
  ExpectConserved();
}

}  // namespace
}  // namespace comptoir
