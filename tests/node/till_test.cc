// The till's rules, over a real node store (RocksDB in a temporary directory).
#include "node/till.h"

#include <gtest/gtest.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "common/civil_day.h"
#include "node/notice.h"
#include "tests/sim/sync_harness.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::SyncWire;
using ::comptoir::testing::TempDir;

// 2026-03-10 12:00 in Paris (11:00 UTC).
constexpr int64_t kTuesdayNoon = 1773140400000;
constexpr int64_t kDay = 24 * 3600 * 1000;

class TillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(ParisDay(kTuesdayNoon), "2026-03-10");
    node_ = Open("hem");
    till_ = std::make_unique<Till>(node_.get());
  }

  std::unique_ptr<NodeStore> Open(const std::string& site) {
    auto node = NodeStore::Open({site, dir_.Sub(site), [this] { return *now_ms_; }, ""});
    EXPECT_TRUE(node.ok()) << node.status();
    return *std::move(node);
  }

  std::string RegisterFamily(Till& till, const std::string& name = "Dupont") {
    v1::RegisterFamilyRequest request;
    request.set_notice_version(std::string(CurrentNoticeVersion()));
    request.set_family_name(name);
    request.set_household_type(v1::SINGLE_PARENT);
    request.add_income_sources(v1::RSA);
    for (auto [first, sex, year] : {std::tuple{"Amélie", v1::FEMALE, 1990u},
                                    std::tuple{"Léo", v1::MALE, 2015u}}) {
      v1::MemberInput* member = request.add_members();
      member->set_first_name(first);
      member->set_sex(sex);
      member->set_birth_year(year);
    }
    auto family = till.RegisterFamily(request);
    EXPECT_TRUE(family.ok()) << family.status();
    return family->family_id();
  }

  std::string Refer(Till& till, const std::string& family, const std::string& end_day,
                    int64_t ceiling_cents = 0) {
    v1::GrantReferralRequest request;
    request.set_family_id(family);
    request.set_prescriber_id("ccas-roubaix");
    request.set_end_day(end_day);
    request.set_monthly_ceiling_cents(ceiling_cents);
    request.set_project("Retrouver un emploi");
    auto referral = till.GrantReferral(request);
    EXPECT_TRUE(referral.ok()) << referral.status();
    return referral->referral_id();
  }

  std::string Product(Till& till, const std::string& name, const std::string& department,
                      int64_t price_cents, const std::string& barcode = "") {
    v1::DefineLocalProductRequest request;
    request.set_name(name);
    request.set_department(department);
    request.set_reference_price_cents(price_cents);
    request.set_barcode(barcode);
    auto product = till.DefineLocalProduct(request);
    EXPECT_TRUE(product.ok()) << product.status();
    return product->product_id();
  }

  std::string Receive(Till& till, const std::string& product, int64_t quantity,
                      v1::ExpiryKind kind = v1::EXPIRY_KIND_UNSPECIFIED,
                      const std::string& expiry = "") {
    v1::ReceiveStockRequest request;
    request.set_product_id(product);
    request.set_quantity(quantity);
    request.set_donor_id("fondation-carrefour");
    request.set_expiry_kind(kind);
    request.set_expiry_day(expiry);
    auto lot = till.ReceiveStock(request);
    EXPECT_TRUE(lot.ok()) << lot.status();
    return lot->lot_id();
  }

  absl::StatusOr<v1::RecordSaleResponse> Sell(const std::string& family, const std::string& product,
                                              int64_t quantity, bool allow_negative = false,
                                              uint32_t member = 0) {
    v1::RecordSaleRequest request;
    request.set_family_id(family);
    v1::SaleLineRequest* item = request.add_items();
    item->set_product_id(product);
    item->set_quantity(quantity);
    item->set_member_id(member);
    request.set_payment_method(v1::CASH);
    request.set_allow_negative_stock(allow_negative);
    return till_->RecordSale(request);
  }

  int64_t StockOf(const std::string& product) {
    v1::GetStockRequest request;
    request.set_product_id(product);
    return till_->GetStock(request)->products(0).quantity();
  }

  std::shared_ptr<int64_t> now_ms_ = std::make_shared<int64_t>(kTuesdayNoon);
  TempDir dir_;
  std::unique_ptr<NodeStore> node_;
  std::unique_ptr<Till> till_;
};

TEST_F(TillTest, ASaleShowsBothPricesPerLineWithTheDepartmentsDiscount) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-06-30");
  const std::string rice = Product(*till_, "Riz 1 kg", "epicerie", 1299);
  const std::string coat = Product(*till_, "Manteau enfant", "pret-a-porter", 4500);
  const std::string cut = Product(*till_, "Coupe enfant", "coiffure", 1500);
  Receive(*till_, rice, 10);
  Receive(*till_, coat, 1);
  v1::RecordSaleRequest request;
  request.set_family_id(family);
  request.set_payment_method(v1::CARD);
  for (auto [product, quantity, member] :
       {std::tuple{rice, 2, 0u}, std::tuple{coat, 1, 0u}, std::tuple{cut, 1, 2u}}) {
    v1::SaleLineRequest* item = request.add_items();
    item->set_product_id(product);
    item->set_quantity(quantity);
    item->set_member_id(member);
  }
  auto sale = till_->RecordSale(request);
  ASSERT_TRUE(sale.ok()) << sale.status();
  // 25,98 € -> 5,20 € ; 45,00 € -> 9,00 € ; 15,00 € at 70 % -> 4,50 €.
  EXPECT_EQ(sale->reference_total_cents(), 2598 + 4500 + 1500);
  EXPECT_EQ(sale->family_total_cents(), 520 + 900 + 450);
  EXPECT_EQ(sale->saved_cents(), 8598 - 1870);
  EXPECT_EQ(sale->receipt_no(), "HEM-2026-000001");
  EXPECT_FALSE(sale->has_ceiling_remaining_cents());
  EXPECT_NE(sale->receipt_text().find("Vous payez"), std::string::npos) << sale->receipt_text();
  EXPECT_NE(sale->receipt_text().find("18,70 €"), std::string::npos) << sale->receipt_text();
  EXPECT_NE(sale->receipt_text().find("remise 70 %"), std::string::npos);
  EXPECT_EQ(StockOf(rice), 8);
  EXPECT_EQ(StockOf(coat), 0);
}

TEST_F(TillTest, AHairSalonLineNamesAMemberOfTheHousehold) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-06-30");
  const std::string cut = Product(*till_, "Coupe", "coiffure", 1200);
  EXPECT_EQ(Sell(family, cut, 1).status().code(), absl::StatusCode::kInvalidArgument);
  auto stranger = Sell(family, cut, 1, false, 9);
  EXPECT_EQ(stranger.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(stranger.status().message().find("n° 9"), absl::string_view::npos) << stranger.status();
  auto sale = Sell(family, cut, 1, false, 1);
  ASSERT_TRUE(sale.ok()) << sale.status();
  EXPECT_EQ(sale->family_total_cents(), 360);
}

// The receipt names the household (name and card) and, under a salon line, the
// first name of the person served; nobody else of the household, nothing more.
TEST_F(TillTest, TheReceiptNamesTheFamilyAndThePersonServedAtTheSalon) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-06-30");
  const std::string cut = Product(*till_, "Coupe enfant", "coiffure", 1500);
  const std::string rice = Product(*till_, "Riz 1 kg", "epicerie", 1299);
  Receive(*till_, rice, 5);
  v1::RecordSaleRequest request;
  request.set_family_id(family);
  request.set_payment_method(v1::CASH);
  for (auto [product, member] : {std::pair{rice, 0u}, std::pair{cut, 2u}}) {
    v1::SaleLineRequest* item = request.add_items();
    item->set_product_id(product);
    item->set_quantity(1);
    item->set_member_id(member);
  }
  auto sale = till_->RecordSale(request);
  ASSERT_TRUE(sale.ok()) << sale.status();
  const std::string& text = sale->receipt_text();
  EXPECT_EQ(text.find("PACTE 59 - centre solidaire (Hem)\n"), 0u) << "the centre by name: " << text;
  EXPECT_NE(text.find("Famille Dupont, carte " + family + "\n"), std::string::npos) << text;
  const size_t cut_line = text.find("Coupe enfant x1");
  const size_t served = text.find("  pour Léo\n");
  ASSERT_NE(served, std::string::npos) << text;
  EXPECT_GT(served, cut_line) << "under the salon line: " << text;
  EXPECT_EQ(text.find("  pour", text.find("Riz 1 kg")), served) << "nobody is served rice: " << text;
  EXPECT_EQ(text.find("Amélie"), std::string::npos) << "only the person served: " << text;
  EXPECT_EQ(text.find("2015"), std::string::npos) << "no birth year: " << text;
  v1::GetReceiptRequest again;
  again.set_receipt_no(sale->receipt_no());
  auto shown = till_->GetReceipt(again);
  ASSERT_TRUE(shown.ok()) << shown.status();
  EXPECT_EQ(shown->text(), text) << "shown again, the same receipt";
}

TEST_F(TillTest, ASaleNeedsAReferralCoveringToday) {
  const std::string family = RegisterFamily(*till_);
  const std::string rice = Product(*till_, "Riz", "epicerie", 200);
  Receive(*till_, rice, 100);
  auto refused = Sell(family, rice, 1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("orientation"), absl::string_view::npos);

  const std::string referral = Refer(*till_, family, "2026-03-31");
  ASSERT_TRUE(Sell(family, rice, 1).ok());
  *now_ms_ += 30 * kDay;  // April 9th: the referral is over
  EXPECT_EQ(Sell(family, rice, 1).status().code(), absl::StatusCode::kFailedPrecondition);
  auto view = till_->GetFamily([&] { v1::GetFamilyRequest r; r.set_family_id(family); return r; }());
  EXPECT_FALSE(view->may_shop_today());
  EXPECT_NE(view->refusal().find("31/03/2026"), std::string::npos) << view->refusal();

  v1::RenewReferralRequest renew;
  renew.set_referral_id(referral);
  renew.set_end_day("2026-09-30");
  ASSERT_TRUE(till_->RenewReferral(renew).ok());
  ASSERT_TRUE(Sell(family, rice, 1).ok());

  v1::EndReferralRequest end;
  end.set_referral_id(referral);
  end.set_end_day("2026-10-31");  // after its last day: that would lengthen it
  const uint64_t before = node_->Status()->own_seq();
  auto longer = till_->EndReferral(end);
  EXPECT_EQ(longer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(longer.status().message().find("finit déjà le 30/09/2026"), absl::string_view::npos)
      << longer.status();
  EXPECT_EQ(node_->Status()->own_seq(), before) << "a refused end writes nothing";
  end.set_end_day("2026-04-08");
  ASSERT_TRUE(till_->EndReferral(end).ok());
  EXPECT_EQ(Sell(family, rice, 1).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(TillTest, TheMonthlyCeilingIsEnforcedAndResetsNextMonth) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31", 1000);  // 10 € a month
  const std::string coat = Product(*till_, "Manteau", "pret-a-porter", 2500);  // 5 € for the family
  Receive(*till_, coat, 10);
  auto first = Sell(family, coat, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->ceiling_remaining_cents(), 500);
  auto second = Sell(family, coat, 1);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->ceiling_remaining_cents(), 0);
  auto third = Sell(family, coat, 1);
  EXPECT_EQ(third.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(third.status().message().find("Plafond"), absl::string_view::npos) << third.status();
  EXPECT_EQ(StockOf(coat), 8) << "a refused sale takes nothing";
  *now_ms_ += 25 * kDay;  // April
  EXPECT_TRUE(Sell(family, coat, 1).ok());
}

TEST_F(TillTest, AQuotePricesTheBasketLikeTheSaleAndWritesNothing) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31", 1000);  // 10 € a month
  const std::string coat = Product(*till_, "Manteau", "pret-a-porter", 2500);
  const std::string cut = Product(*till_, "Coupe", "coiffure", 1299);
  Receive(*till_, coat, 1);
  v1::RecordSaleRequest basket;
  basket.set_family_id(family);
  v1::SaleLineRequest* line = basket.add_items();
  line->set_product_id(coat);
  line->set_quantity(1);
  line = basket.add_items();
  line->set_product_id(cut);
  line->set_quantity(1);
  line->set_member_id(2);
  auto quote = till_->QuoteSale(basket);
  ASSERT_TRUE(quote.ok()) << quote.status();
  ASSERT_EQ(quote->lines_size(), 2);
  EXPECT_EQ(quote->lines(0).family_cents(), 500);
  EXPECT_EQ(quote->lines(1).family_cents(), 390);  // 12,99 € at 70 %: 3,897 -> 3,90
  EXPECT_EQ(quote->lines(1).member_id(), 2u);
  EXPECT_EQ(quote->family_total_cents(), 890);
  EXPECT_EQ(quote->saved_cents(), 2500 + 1299 - 890);
  EXPECT_EQ(quote->ceiling_remaining_cents(), 110);
  auto status = node_->Status();
  ASSERT_TRUE(status.ok());
  const uint64_t seq_before = status->own_seq();
  EXPECT_TRUE(till_->QuoteSale(basket).ok());
  EXPECT_EQ(node_->Status()->own_seq(), seq_before) << "a quote writes nothing";
  EXPECT_EQ(StockOf(coat), 1);

  auto sale = till_->RecordSale(basket);
  ASSERT_TRUE(sale.ok()) << sale.status();
  EXPECT_EQ(sale->family_total_cents(), quote->family_total_cents());
  EXPECT_EQ(sale->ceiling_remaining_cents(), quote->ceiling_remaining_cents());
  // Now the same basket is refused for the sale's reasons, in the same words.
  auto refused_quote = till_->QuoteSale(basket);
  auto refused_sale = till_->RecordSale(basket);
  EXPECT_EQ(refused_quote.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused_quote.status(), refused_sale.status());
}

TEST_F(TillTest, TheCeilingCountsPurchasesMadeAtOtherCentres) {
  auto hub = HubLog::Open(dir_.Sub("hub")).value();
  auto lille = Open("lille");
  Till lille_till(lille.get());
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31", 1000);
  const std::string rice_hem = Product(*till_, "Riz", "epicerie", 2500);
  Receive(*till_, rice_hem, 10);
  const std::string rice_lille = Product(lille_till, "Riz", "epicerie", 2500);
  Receive(lille_till, rice_lille, 10);
  SyncWire(node_.get(), hub.get()).Pump();
  SyncWire(lille.get(), hub.get()).Pump();

  // The family spends 5 € at Lille, which syncs.
  v1::RecordSaleRequest request;
  request.set_family_id(family);
  v1::SaleLine* line = request.add_lines();
  line->set_product_id(rice_lille);
  line->set_quantity(1);
  auto at_lille = lille_till.RecordSale(request);
  ASSERT_TRUE(at_lille.ok()) << at_lille.status();
  EXPECT_EQ(at_lille->ceiling_remaining_cents(), 500);
  SyncWire(lille.get(), hub.get()).Pump();
  SyncWire(node_.get(), hub.get()).Pump();

  // Back at Hem: only 5 € left.
  EXPECT_EQ(Sell(family, rice_hem, 2).status().code(), absl::StatusCode::kFailedPrecondition);
  auto ok = Sell(family, rice_hem, 1);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->ceiling_remaining_cents(), 0);
}

TEST_F(TillTest, SalesTakeTheEarliestExpiryFirstAndNeverSellPastADlc) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31");
  const std::string yoghurt = Product(*till_, "Yaourt", "epicerie", 40);
  const std::string late = Receive(*till_, yoghurt, 5, v1::DLC, "2026-03-20");
  const std::string soon = Receive(*till_, yoghurt, 3, v1::DLC, "2026-03-12");
  const std::string undated = Receive(*till_, yoghurt, 2);
  auto sale = Sell(family, yoghurt, 4);
  ASSERT_TRUE(sale.ok()) << sale.status();
  v1::GetStockRequest stock_request;
  stock_request.set_product_id(yoghurt);
  auto stock = till_->GetStock(stock_request);
  ASSERT_EQ(stock->products(0).lots_size(), 2) << "the lot of the 12th is used up";
  EXPECT_EQ(stock->products(0).lots(0).lot_id(), late);
  EXPECT_EQ(stock->products(0).lots(0).remaining(), 4);
  EXPECT_EQ(stock->products(0).lots(1).lot_id(), undated);

  // On the 21st, the lot of the 20th is past its DLC: only the undated units sell.
  *now_ms_ += 11 * kDay;
  auto too_many = Sell(family, yoghurt, 3);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(too_many.status().message().find("DLC"), absl::string_view::npos);
  ASSERT_TRUE(Sell(family, yoghurt, 2).ok());
  EXPECT_EQ(StockOf(yoghurt), 4) << "the 4 expired units are still counted until removed";

  // Removing expired units names the lot.
  v1::AdjustStockRequest adjust;
  adjust.set_product_id(yoghurt);
  adjust.set_delta(-4);
  adjust.set_reason(v1::EXPIRED);
  EXPECT_EQ(till_->AdjustStock(adjust).status().code(), absl::StatusCode::kInvalidArgument);
  adjust.set_lot_id(late);
  adjust.set_delta(-5);
  EXPECT_EQ(till_->AdjustStock(adjust).status().code(), absl::StatusCode::kFailedPrecondition);
  adjust.set_delta(-4);
  auto level = till_->AdjustStock(adjust);
  ASSERT_TRUE(level.ok()) << level.status();
  EXPECT_EQ(level->quantity(), 0);
}

TEST_F(TillTest, BestBeforeLotsMayStillBeSold) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31");
  const std::string pasta = Product(*till_, "Pâtes", "epicerie", 90);
  Receive(*till_, pasta, 2, v1::DDM, "2026-03-11");
  *now_ms_ += 5 * kDay;
  EXPECT_TRUE(Sell(family, pasta, 2).ok());
}

TEST_F(TillTest, OversellingNeedsAnExplicitConfirmationWhichIsRecorded) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31");
  const std::string soap = Product(*till_, "Savon", "epicerie", 150);
  Receive(*till_, soap, 1);
  auto refused = Sell(family, soap, 3);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StockOf(soap), 1);
  auto confirmed = Sell(family, soap, 3, /*allow_negative=*/true);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  ASSERT_EQ(confirmed->warnings_size(), 1);
  EXPECT_NE(confirmed->warnings(0).find("Stock négatif"), std::string::npos);
  EXPECT_EQ(StockOf(soap), -2);
  // A stocktake puts it right.
  v1::AdjustStockRequest adjust;
  adjust.set_product_id(soap);
  adjust.set_delta(2);
  adjust.set_reason(v1::STOCKTAKE);
  EXPECT_EQ(till_->AdjustStock(adjust)->quantity(), 0);
}

TEST_F(TillTest, AVoidReversesTheSaleWithoutEditingIt) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31", 1000);
  const std::string coat = Product(*till_, "Manteau", "pret-a-porter", 2500);
  Receive(*till_, coat, 2);
  auto sale = Sell(family, coat, 2);
  ASSERT_TRUE(sale.ok());
  EXPECT_EQ(StockOf(coat), 0);
  v1::VoidSaleRequest request;
  request.set_receipt_no(sale->receipt_no());
  request.set_reason("erreur de caisse");
  auto voided = till_->VoidSale(request);
  ASSERT_TRUE(voided.ok()) << voided.status();
  EXPECT_GT(voided->void_seq(), sale->seq());
  EXPECT_EQ(StockOf(coat), 2);
  auto again = Sell(family, coat, 2);
  ASSERT_TRUE(again.ok()) << "the ceiling was given back: " << again.status();
  request.set_receipt_no(again->receipt_no());
  EXPECT_TRUE(till_->VoidSale(request).ok()) << "the second sale is a new receipt";
  request.set_receipt_no(sale->receipt_no());
  EXPECT_EQ(till_->VoidSale(request).status().code(), absl::StatusCode::kFailedPrecondition)
      << "already voided";
  // The original sale is still in the log, unchanged; the receipt says it is voided.
  v1::GetReceiptRequest receipt;
  receipt.set_receipt_no(sale->receipt_no());
  auto text = till_->GetReceipt(receipt);
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->voided());
  EXPECT_NE(text->text().find("ANNULÉE"), std::string::npos);
  request.set_receipt_no("HEM-2026-999999");
  EXPECT_EQ(till_->VoidSale(request).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TillTest, ReceiptNumbersAreGapFreeAcrossRefusalsAndRestarts) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31");
  const std::string rice = Product(*till_, "Riz", "epicerie", 200);
  Receive(*till_, rice, 100);
  EXPECT_EQ(Sell(family, rice, 1)->receipt_no(), "HEM-2026-000001");
  EXPECT_FALSE(Sell(family, rice, 1000).ok());
  EXPECT_FALSE(Sell("HEM-999999", rice, 1).ok());
  EXPECT_EQ(Sell(family, rice, 1)->receipt_no(), "HEM-2026-000002");
  till_.reset();
  node_.reset();
  node_ = Open("hem");
  till_ = std::make_unique<Till>(node_.get());
  EXPECT_EQ(Sell(family, rice, 1)->receipt_no(), "HEM-2026-000003");
  *now_ms_ += 300 * kDay;  // 2027: a new series
  Refer(*till_, family, "2027-12-31");
  EXPECT_EQ(Sell(family, rice, 1)->receipt_no(), "HEM-2027-000001");
}

TEST_F(TillTest, EveryCommandRefusesBadInputAndWritesNothing) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31");
  const std::string rice = Product(*till_, "Riz", "epicerie", 200, "3560070123456");
  Receive(*till_, rice, 10);
  const uint64_t before = node_->Status()->own_seq();
  EXPECT_EQ(Sell("HEM-424242", rice, 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Sell(family, "EPI-INCONNU", 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Sell(family, rice, -1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Sell("", rice, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Sell("HEM 0001; --", rice, 1).status().code(), absl::StatusCode::kInvalidArgument);
  v1::RegisterFamilyRequest no_members;
  no_members.set_family_name("X");
  no_members.set_household_type(v1::SINGLE_PERSON);
  EXPECT_EQ(till_->RegisterFamily(no_members).status().code(), absl::StatusCode::kInvalidArgument);
  v1::GrantReferralRequest bad_dates;
  bad_dates.set_family_id(family);
  bad_dates.set_prescriber_id("ccas-hem");
  bad_dates.set_end_day("2026-02-30");
  EXPECT_EQ(till_->GrantReferral(bad_dates).status().code(), absl::StatusCode::kInvalidArgument);
  bad_dates.set_end_day("2026-05-01");
  bad_dates.set_prescriber_id("ccas-nulle-part");
  EXPECT_EQ(till_->GrantReferral(bad_dates).status().code(), absl::StatusCode::kNotFound);
  v1::ReceiveStockRequest expired;
  expired.set_product_id(rice);
  expired.set_quantity(5);
  expired.set_expiry_kind(v1::DLC);
  expired.set_expiry_day("2026-03-01");
  EXPECT_EQ(till_->ReceiveStock(expired).status().code(), absl::StatusCode::kFailedPrecondition);
  expired.set_expiry_day("");
  EXPECT_EQ(till_->ReceiveStock(expired).status().code(), absl::StatusCode::kInvalidArgument);
  v1::DefineLocalProductRequest same_barcode;
  same_barcode.set_name("Autre riz");
  same_barcode.set_department("epicerie");
  same_barcode.set_barcode("3560070123456");
  EXPECT_EQ(till_->DefineLocalProduct(same_barcode).status().code(),
            absl::StatusCode::kAlreadyExists);
  same_barcode.set_barcode("");
  same_barcode.set_department("boulangerie");
  EXPECT_EQ(till_->DefineLocalProduct(same_barcode).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(node_->Status()->own_seq(), before) << "nothing was written";
}

TEST_F(TillTest, AScannerTypesTheBarcode) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31");
  const std::string rice = Product(*till_, "Riz", "epicerie", 200, "3560070123456");
  Receive(*till_, rice, 10);
  v1::RecordSaleRequest request;
  request.set_family_id(family);
  v1::SaleLineRequest* item = request.add_items();
  item->set_barcode("3560070123456");
  item->set_quantity(2);
  auto sale = till_->RecordSale(request);
  ASSERT_TRUE(sale.ok()) << sale.status();
  EXPECT_EQ(StockOf(rice), 8);
}

TEST_F(TillTest, FamiliesAreFoundByCardOrNameIgnoringCaseAndAccents) {
  const std::string dupont = RegisterFamily(*till_, "Dupont");
  RegisterFamily(*till_, "Lefèvre");
  auto search = [&](const std::string& query) {
    v1::SearchFamiliesRequest request;
    request.set_query(query);
    std::vector<std::string> names;
    const v1::SearchFamiliesResponse found = till_->SearchFamilies(request).value();
    for (const auto& family : found.families()) {
      names.push_back(family.family_name());
    }
    return names;
  };
  EXPECT_EQ(search("lefevre"), std::vector<std::string>{"Lefèvre"});
  EXPECT_EQ(search("DUP"), std::vector<std::string>{"Dupont"});
  EXPECT_EQ(search(dupont), std::vector<std::string>{"Dupont"});
  v1::GetFamilyRequest typed;
  typed.set_family_id("hem-000001");  // as typed, lower case
  EXPECT_EQ(till_->GetFamily(typed)->family_id(), "HEM-000001");
  EXPECT_EQ(search("amelie dupont"), std::vector<std::string>{"Dupont"});
  EXPECT_EQ(dupont, "HEM-000001");
}

TEST_F(TillTest, EditsOfOneFamilyAtTwoOfflineCentresConvergeFieldByField) {
  auto hub = HubLog::Open(dir_.Sub("hub")).value();
  auto lille = Open("lille");
  Till lille_till(lille.get());
  const std::string family = RegisterFamily(*till_);
  SyncWire(node_.get(), hub.get()).Pump();
  SyncWire(lille.get(), hub.get()).Pump();

  // Offline: Hem changes the household type, then Lille changes the postcode
  // and (later) the household type too.
  v1::UpdateFamilyRequest at_hem;
  at_hem.set_family_id(family);
  at_hem.set_household_type(v1::COUPLE_WITH_CHILDREN);
  at_hem.set_postcode("59510");
  ASSERT_TRUE(till_->UpdateFamily(at_hem).ok());
  *now_ms_ += 60000;
  v1::UpdateFamilyRequest at_lille;
  at_lille.set_family_id(family);
  at_lille.set_postcode("59000");
  at_lille.set_family_name("Dupont-Martin");
  ASSERT_TRUE(lille_till.UpdateFamily(at_lille).ok());

  // Lille reconnects first, then Hem: each receives the other's edit.
  SyncWire(lille.get(), hub.get()).Pump();
  SyncWire(node_.get(), hub.get()).Pump();
  SyncWire(lille.get(), hub.get()).Pump();
  v1::GetFamilyRequest get;
  get.set_family_id(family);
  auto at_hem_view = till_->GetFamily(get);
  auto at_lille_view = lille_till.GetFamily(get);
  ASSERT_TRUE(at_hem_view.ok() && at_lille_view.ok());
  EXPECT_EQ(at_hem_view->SerializeAsString(), at_lille_view->SerializeAsString());
  EXPECT_EQ(at_hem_view->household_type(), v1::COUPLE_WITH_CHILDREN);  // only Hem set it
  EXPECT_EQ(at_hem_view->postcode(), "59000");                         // Lille wrote later
  EXPECT_EQ(at_hem_view->family_name(), "Dupont-Martin");
  EXPECT_EQ(at_hem_view->members_size(), 2);
  EXPECT_EQ(at_hem_view->members(0).first_name(), "Amélie");
}

TEST_F(TillTest, ARetriedSaleIsRecordedOnce) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31");
  const std::string rice = Product(*till_, "Riz", "epicerie", 200);
  Receive(*till_, rice, 10);
  v1::RecordSaleRequest request;
  request.set_family_id(family);
  request.set_request_id("till-1-0001");
  v1::SaleLine* line = request.add_lines();
  line->set_product_id(rice);
  line->set_quantity(2);
  auto first = till_->RecordSale(request);
  auto retry = till_->RecordSale(request);
  ASSERT_TRUE(first.ok() && retry.ok());
  EXPECT_TRUE(retry->duplicate());
  EXPECT_EQ(retry->receipt_no(), first->receipt_no());
  EXPECT_EQ(StockOf(rice), 8);
  line->set_quantity(3);
  EXPECT_EQ(till_->RecordSale(request).status().code(), absl::StatusCode::kAlreadyExists);
}

// A haircut for member `member` of `family`, paid cash, under `key`.
v1::RecordSaleRequest HaircutFor(const std::string& family, const std::string& cut,
                                 uint32_t member, const std::string& key) {
  v1::RecordSaleRequest request;
  request.set_family_id(family);
  request.set_request_id(key);
  request.set_payment_method(v1::CASH);
  v1::SaleLineRequest* item = request.add_items();
  item->set_product_id(cut);
  item->set_quantity(1);
  item->set_member_id(member);
  return request;
}

TEST_F(TillTest, AKeyReusedForAnotherSaleIsRefusedAndRecordsNothing) {
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31");
  const std::string cut = Product(*till_, "Coupe enfant", "coiffure", 1500);
  const std::string rice = Product(*till_, "Riz", "epicerie", 200);
  Receive(*till_, rice, 10);
  auto first = till_->RecordSale(HaircutFor(family, cut, 1, "caisse-1-0007"));
  ASSERT_TRUE(first.ok()) << first.status();
  const uint64_t before = node_->Status()->own_seq();

  // Léo's haircut sent with the key of Amélie's: another sale, not a retry.
  auto second = till_->RecordSale(HaircutFor(family, cut, 2, "caisse-1-0007"));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists) << second.status();
  EXPECT_NE(second.status().message().find("a déjà servi pour une autre vente"),
            absl::string_view::npos)
      << second.status();
  // Every part of the request counts: payment, confirmation, lines.
  v1::RecordSaleRequest by_card = HaircutFor(family, cut, 1, "caisse-1-0007");
  by_card.set_payment_method(v1::CARD);
  EXPECT_EQ(till_->RecordSale(by_card).status().code(), absl::StatusCode::kAlreadyExists);
  v1::RecordSaleRequest confirmed = HaircutFor(family, cut, 1, "caisse-1-0007");
  confirmed.set_allow_negative_stock(true);
  EXPECT_EQ(till_->RecordSale(confirmed).status().code(), absl::StatusCode::kAlreadyExists);
  v1::RecordSaleRequest more = HaircutFor(family, cut, 1, "caisse-1-0007");
  v1::SaleLineRequest* extra = more.add_items();
  extra->set_product_id(rice);
  extra->set_quantity(1);
  EXPECT_EQ(till_->RecordSale(more).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(node_->Status()->own_seq(), before) << "nothing was recorded";
  EXPECT_EQ(StockOf(rice), 10);

  // The same request again (the card typed in lower case is the same card)
  // is a retry: the first receipt, nothing new.
  for (const std::string& card : {family, absl::AsciiStrToLower(family)}) {
    auto retry = till_->RecordSale(HaircutFor(card, cut, 1, "caisse-1-0007"));
    ASSERT_TRUE(retry.ok()) << retry.status();
    EXPECT_TRUE(retry->duplicate());
    EXPECT_EQ(retry->receipt_no(), first->receipt_no());
    EXPECT_EQ(retry->receipt_text(), first->receipt_text());
  }
  EXPECT_EQ(node_->Status()->own_seq(), before);
  // Léo's haircut under its own key is recorded.
  auto own_key = till_->RecordSale(HaircutFor(family, cut, 2, "caisse-1-0008"));
  ASSERT_TRUE(own_key.ok()) << own_key.status();
  EXPECT_NE(own_key->receipt_no(), first->receipt_no());
}

TEST_F(TillTest, AKeyReusedForAnotherRegistrationIsRefused) {
  v1::RegisterFamilyRequest request;
  request.set_notice_version(std::string(CurrentNoticeVersion()));
  request.set_family_name("Durand");
  request.set_household_type(v1::SINGLE_PERSON);
  request.set_request_id("accueil-0001");
  v1::MemberInput* member = request.add_members();
  member->set_first_name("Paul");
  member->set_sex(v1::MALE);
  member->set_birth_year(1961);
  auto first = till_->RegisterFamily(request);
  ASSERT_TRUE(first.ok()) << first.status();
  const uint64_t before = node_->Status()->own_seq();

  auto retry = till_->RegisterFamily(request);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->family_id(), first->family_id());
  EXPECT_EQ(node_->Status()->own_seq(), before) << "a retry registers nothing";

  v1::RegisterFamilyRequest other = request;
  other.set_family_name("Lefebvre");
  auto refused = till_->RegisterFamily(other);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists) << refused.status();
  EXPECT_NE(refused.status().message().find("a déjà servi pour une autre inscription"),
            absl::string_view::npos)
      << refused.status();
  other = request;
  other.mutable_members(0)->set_birth_year(1962);
  EXPECT_EQ(till_->RegisterFamily(other).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(node_->Status()->own_seq(), before) << "nothing was recorded";
}

// A centre that recovered its history from the hub rebuilt its keys from the
// events, which do not carry the request's digest: what the sale recorded
// (member served, payment, lines) is compared instead.
TEST_F(TillTest, AfterRecoveryAReusedKeyIsComparedWithTheRecordedSale) {
  auto hub = HubLog::Open(dir_.Sub("hub")).value();
  const std::string family = RegisterFamily(*till_);
  Refer(*till_, family, "2026-12-31");
  const std::string cut = Product(*till_, "Coupe enfant", "coiffure", 1500);
  auto first = till_->RecordSale(HaircutFor(family, cut, 1, "caisse-1-0007"));
  ASSERT_TRUE(first.ok()) << first.status();
  SyncWire(node_.get(), hub.get()).Pump();
  // The disk is lost; the centre is re-provisioned and recovers from the hub.
  auto recovered = testing::RecoverFromHub("hem", dir_.Sub("hem-rebuilt"),
                                           [this] { return *now_ms_; }, hub.get());
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  std::unique_ptr<NodeStore> rebuilt = *std::move(recovered);
  Till again(rebuilt.get());
  const uint64_t before = rebuilt->Status()->own_seq();

  EXPECT_EQ(again.RecordSale(HaircutFor(family, cut, 2, "caisse-1-0007")).status().code(),
            absl::StatusCode::kAlreadyExists);
  v1::RecordSaleRequest by_card = HaircutFor(family, cut, 1, "caisse-1-0007");
  by_card.set_payment_method(v1::CARD);
  EXPECT_EQ(again.RecordSale(by_card).status().code(), absl::StatusCode::kAlreadyExists);
  auto retry = again.RecordSale(HaircutFor(family, cut, 1, "caisse-1-0007"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->duplicate());
  EXPECT_EQ(retry->receipt_no(), first->receipt_no());
  EXPECT_EQ(rebuilt->Status()->own_seq(), before) << "nothing was recorded";
}

}  // namespace
}  // namespace comptoir

namespace comptoir {
namespace {

TEST_F(TillTest, WorkshopsHavePlacesRegistrationsAndAttendance) {
  const std::string family = RegisterFamily(*till_);
  const std::string other = RegisterFamily(*till_, "Benali");
  v1::ScheduleWorkshopRequest schedule;
  schedule.set_theme("Atelier cuisine");
  schedule.set_day("2026-03-12");
  schedule.set_places(2);
  auto workshop = till_->ScheduleWorkshop(schedule);
  ASSERT_TRUE(workshop.ok()) << workshop.status();
  EXPECT_EQ(workshop->workshop_id(), "HEM-W-000001");
  auto enrol = [&](const std::string& f, uint32_t member) {
    v1::WorkshopMemberRequest request;
    request.set_workshop_id(workshop->workshop_id());
    request.set_family_id(f);
    request.set_member_id(member);
    return till_->RegisterForWorkshop(request);
  };
  ASSERT_TRUE(enrol(family, 1).ok());
  EXPECT_EQ(enrol(family, 1).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(enrol(family, 7).status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(enrol(other, 2).ok());
  auto full = enrol(family, 2);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(full.status().message().find("complet"), absl::string_view::npos);

  v1::RecordAttendanceRequest attend;
  attend.set_workshop_id(workshop->workshop_id());
  attend.set_family_id(family);
  attend.set_member_id(1);
  attend.set_attended(true);
  EXPECT_EQ(till_->RecordAttendance(attend).status().code(), absl::StatusCode::kFailedPrecondition)
      << "not before the day";
  *now_ms_ += 2 * kDay;
  auto after = till_->RecordAttendance(attend);
  ASSERT_TRUE(after.ok()) << after.status();
  attend.set_family_id(other);
  attend.set_member_id(2);
  attend.set_attended(false);
  after = till_->RecordAttendance(attend);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->seats_size(), 2);
  EXPECT_TRUE(after->seats(0).attended());
  EXPECT_FALSE(after->seats(1).attended());
  attend.set_member_id(1);
  EXPECT_EQ(till_->RecordAttendance(attend).status().code(), absl::StatusCode::kFailedPrecondition)
      << "not registered";
  v1::ListWorkshopsRequest list;
  EXPECT_EQ(till_->ListWorkshops(list)->workshops_size(), 1);
  schedule.set_day("2026-03-01");
  EXPECT_EQ(till_->ScheduleWorkshop(schedule).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TillTest, DonorsReportWhatTheyGavePerCentre) {
  const std::string rice = Product(*till_, "Riz", "epicerie", 200);
  Receive(*till_, rice, 10);  // from fondation-carrefour (see Receive)
  Receive(*till_, rice, 5);
  auto report = till_->ListDonors();
  ASSERT_TRUE(report.ok());
  bool found = false;
  for (const auto& gifts : report->donors()) {
    if (gifts.donor().donor_id() != "fondation-carrefour") continue;
    found = true;
    EXPECT_EQ(gifts.donor().name(), "Fondation Carrefour");
    EXPECT_EQ(gifts.units(), 15);
    EXPECT_EQ(gifts.reference_value_cents(), 3000);
    ASSERT_EQ(gifts.by_site_size(), 1);
    EXPECT_EQ(gifts.by_site(0).site(), "hem");
  }
  EXPECT_TRUE(found);
  v1::ReceiveStockRequest unknown;
  unknown.set_product_id(rice);
  unknown.set_quantity(1);
  unknown.set_donor_id("donateur-inconnu");
  EXPECT_EQ(till_->ReceiveStock(unknown).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace comptoir
