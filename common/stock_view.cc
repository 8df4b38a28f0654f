#include "common/stock_view.h"

#include "common/keys.h"
#include "common/status_macros.h"
#include "common/view_io.h"

namespace comptoir {
namespace {

constexpr absl::string_view kNoExpiry = "9999-12-31";

std::string FefoKey(absl::string_view site, const v1::Lot& lot) {
  const bool dated = lot.expiry_kind() != v1::EXPIRY_KIND_UNSPECIFIED && !lot.expiry_day().empty();
  return ViewKey({"fefo", site, lot.product_id(), dated ? absl::string_view(lot.expiry_day())
                                                        : kNoExpiry, lot.lot_id()});
}

}  // namespace

void StageLot(Batch& batch, absl::string_view site, const v1::Lot& lot) {
  PutRecord(batch, ViewKey({"lot", site, lot.lot_id()}), lot);
  if (lot.remaining() > 0) {
    batch.Put(Column::kViews, FefoKey(site, lot), "");
  } else {
    batch.Delete(Column::kViews, FefoKey(site, lot));
  }
}

absl::Status AddToLedger(const Store& store, Batch& batch, absl::string_view site,
                         absl::string_view product_id, absl::string_view kind, int64_t units) {
  return AddToCounter(store, batch, ViewKey({"ledger", site, product_id, kind}), units).status();
}

namespace {

absl::Status MoveLotUnits(const Store& store, Batch& batch, absl::string_view site,
                          absl::string_view lot_id, int64_t delta) {
  ASSIGN_OR_RETURN(std::optional<v1::Lot> lot,
                   GetRecord<v1::Lot>(store, ViewKey({"lot", site, lot_id}), &batch));
  if (!lot.has_value()) {
    // The lot's reception is not held here (partial replication): totals only.
    return absl::OkStatus();
  }
  lot->set_remaining(lot->remaining() + delta);
  StageLot(batch, site, *lot);
  return absl::OkStatus();
}

}  // namespace

absl::Status FoldStock(const Store& store, Batch& batch, const v1::EventCore& core) {
  const std::string& site = core.origin();
  if (core.has_stock_received()) {
    const v1::StockReceived& received = core.stock_received();
    v1::Lot lot;
    lot.set_lot_id(received.lot_id());
    lot.set_product_id(received.product_id());
    lot.set_quantity_received(received.quantity());
    lot.set_remaining(received.quantity());
    lot.set_donor_id(received.donor_id());
    lot.set_lot_number(received.lot_number());
    lot.set_expiry_kind(received.expiry_kind());
    lot.set_expiry_day(received.expiry_day());
    lot.set_received_day(received.received_day());
    StageLot(batch, site, lot);
    RETURN_IF_ERROR(AddToCounter(store, batch, ViewKey({"stock", site, received.product_id()}),
                                 received.quantity())
                        .status());
    RETURN_IF_ERROR(AddToLedger(store, batch, site, received.product_id(), "donated",
                                received.quantity()));
    if (!received.donor_id().empty()) {
      const std::string gift = ViewKey({"gift", received.donor_id(), site});
      ASSIGN_OR_RETURN(std::optional<std::string> value, store.Get(Column::kViews, gift, &batch));
      uint64_t units = value.has_value() ? ReadBigEndian64(*value, 0).value_or(0) : 0;
      uint64_t cents = value.has_value() ? ReadBigEndian64(*value, 8).value_or(0) : 0;
      units += static_cast<uint64_t>(received.quantity());
      cents += static_cast<uint64_t>(received.reference_value_cents());
      std::string encoded;
      AppendBigEndian64(&encoded, units);
      AppendBigEndian64(&encoded, cents);
      batch.Put(Column::kViews, gift, encoded);
    }
    return absl::OkStatus();
  }
  if (core.has_stock_adjusted()) {
    const v1::StockAdjusted& adjusted = core.stock_adjusted();
    if (!adjusted.lot_id().empty()) {
      RETURN_IF_ERROR(MoveLotUnits(store, batch, site, adjusted.lot_id(), adjusted.delta()));
    }
    RETURN_IF_ERROR(AddToLedger(store, batch, site, adjusted.product_id(), "adjusted",
                                adjusted.delta()));
    return AddToCounter(store, batch, ViewKey({"stock", site, adjusted.product_id()}),
                        adjusted.delta())
        .status();
  }
  return absl::OkStatus();
}

absl::Status MoveSaleStock(const Store& store, Batch& batch, absl::string_view site,
                           const v1::SaleRecorded& sale, int sign) {
  for (const v1::RecordedLine& line : sale.recorded_lines()) {
    // Units leave stock from lots, plus any confirmed shortfall; a service
    // (untracked product) has neither and never touches stock.
    int64_t units = line.shortfall();
    for (const v1::LotTake& take : line.lots()) {
      RETURN_IF_ERROR(MoveLotUnits(store, batch, site, take.lot_id(), sign * take.quantity()));
      units += take.quantity();
    }
    if (units == 0) continue;
    RETURN_IF_ERROR(AddToCounter(store, batch, ViewKey({"stock", site, line.product_id()}),
                                 sign * units)
                        .status());
    RETURN_IF_ERROR(AddToLedger(store, batch, site, line.product_id(), "sold", -sign * units));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::Lot>> FindLot(const Store& store, absl::string_view site,
                                               absl::string_view lot_id) {
  return GetRecord<v1::Lot>(store, ViewKey({"lot", site, lot_id}));
}

absl::StatusOr<std::vector<v1::Lot>> LotsInFefoOrder(const Store& store, absl::string_view site,
                                                     absl::string_view product_id) {
  std::vector<std::string> lot_ids;
  RETURN_IF_ERROR(ScanViews(store, ViewPrefix({"fefo", site, product_id}),
                            [&](absl::string_view key, absl::string_view) {
                              lot_ids.emplace_back(key.substr(key.rfind('\0') + 1));
                              return true;
                            }));
  std::vector<v1::Lot> lots;
  for (const std::string& id : lot_ids) {
    ASSIGN_OR_RETURN(std::optional<v1::Lot> lot, FindLot(store, site, id));
    if (lot.has_value()) lots.push_back(*std::move(lot));
  }
  return lots;
}

absl::StatusOr<int64_t> StockOf(const Store& store, absl::string_view site,
                                absl::string_view product_id) {
  return ReadCounter(store, ViewKey({"stock", site, product_id}));
}

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> StockLevels(const Store& store,
                                                                        absl::string_view site) {
  std::vector<std::pair<std::string, int64_t>> levels;
  const std::string prefix = ViewPrefix({"stock", site});
  RETURN_IF_ERROR(ScanViews(store, prefix, [&](absl::string_view key, absl::string_view value) {
    levels.emplace_back(std::string(key.substr(prefix.size())),
                        static_cast<int64_t>(ReadBigEndian64(value).value_or(0)));
    return true;
  }));
  return levels;
}

FefoPlan PlanFefo(const std::vector<v1::Lot>& lots, int64_t quantity, absl::string_view today) {
  FefoPlan plan;
  int64_t needed = quantity;
  for (const v1::Lot& lot : lots) {
    if (lot.remaining() <= 0) continue;
    if (lot.expiry_kind() == v1::DLC && lot.expiry_day() < today) {  // never past a DLC
      plan.past_dlc += lot.remaining();
      continue;
    }
    if (needed <= 0) continue;
    const int64_t take = std::min(needed, lot.remaining());
    v1::LotTake* lot_take = &plan.takes.emplace_back();
    lot_take->set_lot_id(lot.lot_id());
    lot_take->set_quantity(take);
    needed -= take;
  }
  plan.shortfall = needed;
  return plan;
}

}  // namespace comptoir
