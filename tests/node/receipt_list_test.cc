// The till's list of a day's receipts (Till::ListReceipts), over a real node
// store (RocksDB in a temporary directory).
#include <gtest/gtest.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/civil_day.h"
#include "node/till.h"
#include "tests/sim/sync_harness.h"
#include "tests/testing/shop.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::OpenShop;
using ::comptoir::testing::RecoverFromHub;
using ::comptoir::testing::SellAt;
using ::comptoir::testing::Shop;
using ::comptoir::testing::SyncWire;
using ::comptoir::testing::TempDir;

// 2026-03-10 14:05 in Paris (13:05 UTC).
constexpr int64_t kTuesday1405 = 1773147900000;
constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kDay = 24 * 60 * kMinute;

class ReceiptListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(ParisDay(kTuesday1405), "2026-03-10");
    ASSERT_EQ(ParisTime(kTuesday1405), "14:05");
    auto shop = OpenShop(till_);
    ASSERT_TRUE(shop.ok()) << shop.status();
    shop_ = *shop;
  }

  std::string Sell(int64_t quantity) {
    auto sale = SellAt(till_, shop_, quantity);
    EXPECT_TRUE(sale.ok()) << sale.status();
    return sale->receipt_no();
  }

  absl::StatusOr<v1::ListReceiptsResponse> List(const std::string& day = "", uint32_t limit = 0,
                                                const std::string& before = "") {
    v1::ListReceiptsRequest request;
    request.set_day(day);
    request.set_limit(limit);
    request.set_before(before);
    return till_.ListReceipts(request);
  }

  // "14:05 HEM-2026-000001 Martin 1,89 voided" per receipt listed.
  static std::vector<std::string> Lines(const v1::ListReceiptsResponse& list) {
    std::vector<std::string> lines;
    for (const v1::ReceiptSummary& receipt : list.receipts()) {
      lines.push_back(absl::StrCat(receipt.time(), " ", receipt.receipt_no(), " ",
                                   receipt.family_id(), " ", receipt.family_name(), " ",
                                   receipt.family_total_cents(), receipt.voided() ? " voided" : ""));
    }
    return lines;
  }

  std::shared_ptr<int64_t> now_ms_ = std::make_shared<int64_t>(kTuesday1405 - kDay);
  TempDir dir_;
  std::unique_ptr<NodeStore> node_ =
      NodeStore::Open({"hem", dir_.Sub("hem"), [this] { return *now_ms_; }, ""}).value();
  Till till_{node_.get()};
  Shop shop_;
};

TEST_F(ReceiptListTest, TodaysSalesNewestFirstWithTimeFamilyTotalAndVoid) {
  const std::string yesterday = Sell(1);
  *now_ms_ = kTuesday1405;
  const std::string first = Sell(2);
  *now_ms_ += 7 * kMinute;
  const std::string second = Sell(1);
  v1::VoidSaleRequest void_request;
  void_request.set_receipt_no(first);
  ASSERT_TRUE(till_.VoidSale(void_request).ok());

  auto today = List();
  ASSERT_TRUE(today.ok()) << today.status();
  EXPECT_EQ(today->day(), "2026-03-10");
  const std::string family = absl::StrCat(shop_.family_id, " Martin");
  EXPECT_EQ(Lines(*today), (std::vector<std::string>{
                               absl::StrCat("14:12 ", second, " ", family, " 38"),
                               absl::StrCat("14:05 ", first, " ", family, " 76 voided")}));
  EXPECT_EQ(today->next_before(), "");

  auto monday = List("2026-03-09");
  ASSERT_TRUE(monday.ok()) << monday.status();
  ASSERT_EQ(monday->receipts_size(), 1);
  EXPECT_EQ(monday->receipts(0).receipt_no(), yesterday);
  EXPECT_EQ(List("2026-03-11")->receipts_size(), 0);
}

TEST_F(ReceiptListTest, ALongDayComesInPages) {
  *now_ms_ = kTuesday1405;
  std::vector<std::string> sold;
  for (int i = 0; i < 5; ++i) sold.push_back(Sell(1));
  auto page = List("", 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->receipts_size(), 2);
  EXPECT_EQ(page->receipts(0).receipt_no(), sold[4]);
  EXPECT_EQ(page->receipts(1).receipt_no(), sold[3]);
  std::vector<std::string> seen = {sold[4], sold[3]};
  while (!page->next_before().empty()) {
    page = List("", 2, page->next_before());
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& receipt : page->receipts()) seen.push_back(receipt.receipt_no());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{sold[4], sold[3], sold[2], sold[1], sold[0]}));
}

// The list is an index of the centre's own (node/own_indexes.h): a centre that
// lost its disk and recovered its history from the hub lists its day again.
TEST_F(ReceiptListTest, ACentreRecoveredFromTheHubListsItsDayAgain) {
  *now_ms_ = kTuesday1405;
  const std::string sold = Sell(1);
  auto hub = HubLog::Open(dir_.Sub("hub")).value();
  SyncWire(node_.get(), hub.get()).Pump();
  auto rebuilt = RecoverFromHub("hem", dir_.Sub("hem-rebuilt"), [this] { return *now_ms_; },
                                hub.get());
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  auto listed = Till(rebuilt->get()).ListReceipts(v1::ListReceiptsRequest());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->receipts_size(), 1);
  EXPECT_EQ(listed->receipts(0).receipt_no(), sold);
  EXPECT_EQ(listed->receipts(0).family_name(), "Martin");
}

TEST_F(ReceiptListTest, ABadDayIsRefusedInFrench) {
  auto refused = List("10/03/2026");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("Date invalide"), std::string::npos);
  EXPECT_EQ(List("2026-02-30").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace comptoir
