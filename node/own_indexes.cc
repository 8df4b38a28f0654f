#include "node/own_indexes.h"

#include <optional>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/keys.h"
#include "common/status_macros.h"
#include "common/view_io.h"

namespace comptoir {
namespace {

// The number at the end of one of our ids ("HEM-L-000042" -> 42), if the id
// is ours: it starts with our prefix and ends with digits.
std::optional<uint64_t> OwnNumber(absl::string_view prefix, absl::string_view id) {
  if (!absl::ConsumePrefix(&id, prefix) || !absl::ConsumePrefix(&id, "-")) return std::nullopt;
  const size_t dash = id.rfind('-');
  uint64_t number = 0;
  if (!absl::SimpleAtoi(dash == absl::string_view::npos ? id : id.substr(dash + 1), &number)) {
    return std::nullopt;
  }
  return number;
}

absl::Status RaiseCounter(const Store& store, Batch& batch, absl::string_view counter,
                          std::optional<uint64_t> number) {
  if (!number.has_value()) return absl::OkStatus();
  const std::string key = CounterKey(counter);
  ASSIGN_OR_RETURN(int64_t current, ReadCounter(store, key, &batch, Column::kMeta));
  if (current >= static_cast<int64_t>(*number)) return absl::OkStatus();
  return AddToCounter(store, batch, key, static_cast<int64_t>(*number) - current, Column::kMeta)
      .status();
}

}  // namespace

std::string DaySaleKey(absl::string_view day, absl::string_view receipt_no) {
  return ViewKey({"daysale", day, receipt_no});
}

std::string DaySalePrefix(absl::string_view day) { return ViewPrefix({"daysale", day}); }

void StageDaySale(Batch& batch, const v1::SaleRecorded& sale) {
  if (sale.receipt_no().empty() || sale.day().empty()) return;
  batch.Put(Column::kViews, DaySaleKey(sale.day(), sale.receipt_no()), "");
}

absl::Status StageOwnIndexes(const Store& store, Batch& batch, absl::string_view prefix,
                             const DecodedEvent& event) {
  const v1::EventCore& core = event.core();
  switch (core.body_case()) {
    case v1::EventCore::kSaleRecorded: {
      const v1::SaleRecorded& sale = core.sale_recorded();
      // "HEM-2026-000451": counter "receipt-2026".
      std::vector<absl::string_view> parts = absl::StrSplit(sale.receipt_no(), '-');
      if (parts.size() == 3 && parts[0] == prefix) {
        RETURN_IF_ERROR(RaiseCounter(store, batch, absl::StrCat("receipt-", parts[1]),
                                     OwnNumber(prefix, sale.receipt_no())));
        StageDaySale(batch, sale);
      }
      if (!sale.request_id().empty()) {
        std::string seq;
        AppendBigEndian64(&seq, core.seq());
        batch.Put(Column::kViews, RequestKey(sale.request_id()), seq);
      }
      return absl::OkStatus();
    }
    case v1::EventCore::kFamilyRegistered:
      return RaiseCounter(store, batch, "family",
                          OwnNumber(prefix, core.family_registered().family_id()));
    case v1::EventCore::kReferralGranted:
      return RaiseCounter(store, batch, "referral",
                          OwnNumber(prefix, core.referral_granted().referral_id()));
    case v1::EventCore::kProductDefined:
      return RaiseCounter(store, batch, "product",
                          OwnNumber(prefix, core.product_defined().product().product_id()));
    case v1::EventCore::kStockReceived:
      return RaiseCounter(store, batch, "lot", OwnNumber(prefix, core.stock_received().lot_id()));
    case v1::EventCore::kTransferProposed:
      return RaiseCounter(store, batch, "transfer",
                          OwnNumber(prefix, core.transfer_proposed().transfer_id()));
    case v1::EventCore::kTransferReceived:
      for (const v1::ReceivedItem& item : core.transfer_received().items()) {
        for (const v1::ShippedLot& lot : item.new_lots()) {
          RETURN_IF_ERROR(RaiseCounter(store, batch, "lot", OwnNumber(prefix, lot.lot_id())));
        }
      }
      return absl::OkStatus();
    case v1::EventCore::kWorkshopScheduled:
      return RaiseCounter(store, batch, "workshop",
                          OwnNumber(prefix, core.workshop_scheduled().workshop_id()));
    default:
      return absl::OkStatus();
  }
}

}  // namespace comptoir
