#include "common/projection.h"

#include "absl/strings/str_cat.h"
#include "common/account_view.h"
#include "common/catalogue_view.h"
#include "common/civil_day.h"
#include "common/family_view.h"
#include "common/keys.h"
#include "common/status_macros.h"
#include "common/stock_view.h"
#include "common/transfer_view.h"
#include "common/view_io.h"
#include "common/workshop_view.h"

namespace comptoir {
namespace {

struct SalesRow {
  uint64_t sales = 0;
  uint64_t units = 0;
  uint64_t voided = 0;
};

absl::StatusOr<SalesRow> ReadRow(const Store& store, const Batch* batch, absl::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, store.Get(Column::kViews, key, batch));
  SalesRow row;
  if (value.has_value()) {
    row.sales = ReadBigEndian64(*value, 0).value_or(0);
    row.units = ReadBigEndian64(*value, 8).value_or(0);
    row.voided = ReadBigEndian64(*value, 16).value_or(0);
  }
  return row;
}

void WriteRow(Batch& batch, absl::string_view key, const SalesRow& row) {
  std::string value;
  AppendBigEndian64(&value, row.sales);
  AppendBigEndian64(&value, row.units);
  AppendBigEndian64(&value, row.voided);
  batch.Put(Column::kViews, key, value);
}

absl::Status FoldSale(const Store& store, Batch& batch, const v1::EventCore& core) {
  const v1::SaleRecorded& sale = core.sale_recorded();
  const std::string key = SalesKey(core.origin());
  ASSIGN_OR_RETURN(SalesRow row, ReadRow(store, &batch, key));
  row.sales += 1;
  for (const v1::SaleLine& line : sale.lines()) row.units += static_cast<uint64_t>(line.quantity());
  WriteRow(batch, key, row);
  if (!sale.receipt_no().empty()) {
    v1::SaleIndex index;
    index.set_origin(core.origin());
    index.set_seq(core.seq());
    PutRecord(batch, ViewKey({"receipt", sale.receipt_no()}), index);
  }
  if (!sale.day().empty()) {
    RETURN_IF_ERROR(AddSpending(store, batch, sale.family_id(), MonthOf(sale.day()),
                                sale.family_total_cents()));
  }
  return MoveSaleStock(store, batch, core.origin(), sale, -1);
}

absl::Status FoldVoid(const Store& store, Batch& batch, const v1::EventCore& core) {
  const v1::SaleVoided& voided = core.sale_voided();
  const std::string key = SalesKey(core.origin());
  ASSIGN_OR_RETURN(SalesRow row, ReadRow(store, &batch, key));
  row.voided += 1;
  WriteRow(batch, key, row);
  const std::string index_key = ViewKey({"receipt", voided.receipt_no()});
  ASSIGN_OR_RETURN(std::optional<v1::SaleIndex> index,
                   GetRecord<v1::SaleIndex>(store, index_key, &batch));
  v1::SaleIndex updated = index.value_or(v1::SaleIndex());
  updated.set_origin(core.origin());
  updated.set_seq(voided.sale_seq());
  updated.set_voided(true);
  PutRecord(batch, index_key, updated);
  if (!voided.sale_day().empty()) {
    RETURN_IF_ERROR(AddSpending(store, batch, voided.family_id(), MonthOf(voided.sale_day()),
                                -voided.family_total_cents()));
  }
  // Put the units back into the lots the sale took them from.
  ASSIGN_OR_RETURN(std::optional<std::string> sale_bytes,
                   store.Get(Column::kEvents, EventKey(core.origin(), voided.sale_seq()), &batch));
  if (!sale_bytes.has_value()) return absl::OkStatus();
  v1::EventCore sale;
  if (!sale.ParseFromString(*sale_bytes) || !sale.has_sale_recorded()) {
    return absl::DataLossError(absl::StrCat("voided sale ", core.origin(), "/",
                                            voided.sale_seq(), " is not a sale"));
  }
  return MoveSaleStock(store, batch, core.origin(), sale.sale_recorded(), +1);
}

}  // namespace

absl::Status ApplyToViews(const Store& store, Batch& batch, const DecodedEvent& event) {
  const v1::EventCore& core = event.core();
  switch (core.body_case()) {
    case v1::EventCore::kSaleRecorded:
      return FoldSale(store, batch, core);
    case v1::EventCore::kSaleVoided:
      return FoldVoid(store, batch, core);
    case v1::EventCore::kFamilyRegistered:
    case v1::EventCore::kFamilyUpdated:
    case v1::EventCore::kReferralGranted:
    case v1::EventCore::kReferralRenewed:
    case v1::EventCore::kReferralEnded:
    case v1::EventCore::kFamilyErased:
      return FoldFamily(store, batch, event);
    case v1::EventCore::kDepartmentDefined:
    case v1::EventCore::kProductDefined:
    case v1::EventCore::kPrescriberDefined:
    case v1::EventCore::kDonorDefined:
      return FoldCatalogue(store, batch, core);
    case v1::EventCore::kStockReceived:
    case v1::EventCore::kStockAdjusted:
      return FoldStock(store, batch, core);
    case v1::EventCore::kWorkshopScheduled:
    case v1::EventCore::kWorkshopRegistered:
    case v1::EventCore::kWorkshopAttended:
      return FoldWorkshop(store, batch, core);
    case v1::EventCore::kTransferProposed:
    case v1::EventCore::kTransferAnswered:
    case v1::EventCore::kTransferCancelled:
    case v1::EventCore::kTransferShipped:
    case v1::EventCore::kTransferReceived:
    case v1::EventCore::kSurplusMarked:
    case v1::EventCore::kMinimumSet:
      return FoldTransfer(store, batch, event);
    case v1::EventCore::kAccountCreated:
    case v1::EventCore::kAccountChanged:
    case v1::EventCore::kPasswordSet:
      return FoldAccount(store, batch, core);
    case v1::EventCore::kRunningCostsSet:
      // Head office's budget figures: only the hub's statistics use them.
      return absl::OkStatus();
    case v1::EventCore::BODY_NOT_SET:
      // An event kind this build does not know: stored and forwarded, not folded.
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::SalesSummary> ReadSalesSummary(const Store& store) {
  v1::SalesSummary summary;
  RETURN_IF_ERROR(store.Scan(Column::kViews, kSalesPrefix, PrefixEnd(kSalesPrefix),
                             [&](absl::string_view key, absl::string_view value) {
                               v1::OriginSales* row = summary.add_origins();
                               row->set_origin(std::string(key.substr(kSalesPrefix.size())));
                               row->set_sales(ReadBigEndian64(value, 0).value_or(0));
                               row->set_units(
                                   static_cast<int64_t>(ReadBigEndian64(value, 8).value_or(0)));
                               row->set_voided(ReadBigEndian64(value, 16).value_or(0));
                               return true;
                             }));
  return summary;
}

absl::StatusOr<std::optional<v1::SaleIndex>> FindReceipt(const Store& store,
                                                         absl::string_view receipt_no) {
  return GetRecord<v1::SaleIndex>(store, ViewKey({"receipt", receipt_no}));
}

}  // namespace comptoir
