#include "common/projection.h"

#include "common/keys.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

absl::Status ApplySale(const Store& store, Batch& batch, const v1::EventCore& core) {
  const std::string key = SalesKey(core.origin());
  ASSIGN_OR_RETURN(std::optional<std::string> current, store.Get(Column::kViews, key, &batch));
  uint64_t sales = 0;
  uint64_t units = 0;
  if (current.has_value()) {
    sales = ReadBigEndian64(*current, 0).value_or(0);
    units = ReadBigEndian64(*current, 8).value_or(0);
  }
  sales += 1;
  for (const v1::SaleLine& line : core.sale_recorded().lines()) {
    units += static_cast<uint64_t>(line.quantity());
  }
  std::string value;
  AppendBigEndian64(&value, sales);
  AppendBigEndian64(&value, units);
  batch.Put(Column::kViews, key, value);
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyToViews(const Store& store, Batch& batch, const v1::EventCore& core) {
  switch (core.body_case()) {
    case v1::EventCore::kSaleRecorded:
      return ApplySale(store, batch, core);
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
                               return true;
                             }));
  return summary;
}

}  // namespace comptoir
