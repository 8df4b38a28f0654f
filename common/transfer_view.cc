#include "common/transfer_view.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/catalogue_view.h"
#include "common/keys.h"
#include "common/status_macros.h"
#include "common/stock_view.h"
#include "common/view_io.h"

namespace comptoir {
namespace {

v1::TransferView::State StateOf(const v1::TransferView& view, bool accepted, bool declined,
                                bool cancelled) {
  if (!view.received().empty()) return v1::TransferView::RECEIVED;
  if (!view.shipped().empty()) return v1::TransferView::SHIPPED;
  if (cancelled) return v1::TransferView::CANCELLED;
  if (declined) return v1::TransferView::DECLINED;
  if (accepted) return v1::TransferView::ACCEPTED;
  return v1::TransferView::PROPOSED;
}

// The flags behind the state are kept in the record as the strongest state
// each kind of event has set; see StateOf.
// Each remembers the site that set it (empty in records of before
// 2026-12-03), so that an answer or a cancellation folded before its transfer's
// proposal (a hub restored from an old backup gets events back in any order)
// can be checked once the parties are known: one from a site that may not
// write it is dropped then (common/authority.h).
//   transferflags id -> "abc" [0x00 accepted_by 0x00 declined_by 0x00 cancelled_by]
// with a, b, c '1' or '0'.
struct Flags {
  bool accepted = false, declined = false, cancelled = false;
  std::string accepted_by, declined_by, cancelled_by;
};

Flags DecodeFlags(absl::string_view bytes) {
  Flags flags;
  if (bytes.size() < 3) return flags;
  flags.accepted = bytes[0] == '1';
  flags.declined = bytes[1] == '1';
  flags.cancelled = bytes[2] == '1';
  if (bytes.size() > 3) {
    std::vector<std::string> by = absl::StrSplit(bytes.substr(4), '\0');
    by.resize(3);
    flags.accepted_by = by[0];
    flags.declined_by = by[1];
    flags.cancelled_by = by[2];
  }
  return flags;
}

std::string EncodeFlags(const Flags& flags) {
  std::string bytes = absl::StrCat(flags.accepted ? "1" : "0", flags.declined ? "1" : "0",
                                   flags.cancelled ? "1" : "0");
  bytes.push_back('\0');
  absl::StrAppend(&bytes, flags.accepted_by, std::string(1, '\0'), flags.declined_by,
                  std::string(1, '\0'), flags.cancelled_by);
  return bytes;
}

// Drops what a site that may not write it set before the proposal was known:
// an answer by the proposer or by a third site, a cancellation by a third site.
void DropUnentitled(const v1::TransferView& view, Flags& flags) {
  auto party = [&](const std::string& site) {
    return site == view.source() || site == view.destination();
  };
  auto may_answer = [&](const std::string& site) {
    return site.empty() || (party(site) && site != view.proposed_by());
  };
  if (flags.accepted && !may_answer(flags.accepted_by)) flags.accepted = false;
  if (flags.declined && !may_answer(flags.declined_by)) flags.declined = false;
  if (flags.cancelled && !flags.cancelled_by.empty() && !party(flags.cancelled_by)) {
    flags.cancelled = false;
  }
}

// Surplus (per site and lot, units still offered to other centres):
//   surplus site lot -> fixed64 units
// A mark sets it; each shipment of the lot, by the same site, takes its units
// off (never below 0: a shipment beyond the surplus leaves none). Both events
// are the site's own, so every replica folds them in the same order and holds
// the same figure; a transfer cancelled before shipping takes nothing.
void PutUnits(Batch& batch, const std::string& key, int64_t units) {
  std::string value;
  AppendBigEndian64(&value, static_cast<uint64_t>(units));
  batch.Put(Column::kViews, key, value);
}

absl::Status TakeShippedFromSurplus(const Store& store, Batch& batch, absl::string_view site,
                                    const v1::ShippedLot& lot) {
  const std::string key = ViewKey({"surplus", site, lot.lot_id()});
  ASSIGN_OR_RETURN(std::optional<std::string> held, store.Get(Column::kViews, key, &batch));
  if (!held.has_value()) return absl::OkStatus();
  const int64_t marked = static_cast<int64_t>(ReadBigEndian64(*held).value_or(0));
  PutUnits(batch, key, std::max<int64_t>(0, marked - lot.quantity()));
  return absl::OkStatus();
}

// The texts come from the event's personal part (PersonalPart.note, and
// item_reasons for a reception): empty where this replica does not hold it.
absl::Status FoldTransferEvent(const Store& store, Batch& batch, const DecodedEvent& event,
                               const std::string& transfer_id) {
  const v1::EventCore& core = event.core();
  const v1::PersonalPart personal = PersonalOf(event.record());
  const std::string key = ViewKey({"transfer", transfer_id});
  const std::string flags_key = ViewKey({"transferflags", transfer_id});
  ASSIGN_OR_RETURN(std::optional<v1::TransferView> held,
                   GetRecord<v1::TransferView>(store, key, &batch));
  v1::TransferView view = held.value_or(v1::TransferView());
  view.set_transfer_id(transfer_id);
  ASSIGN_OR_RETURN(std::optional<std::string> flag_bytes,
                   store.Get(Column::kViews, flags_key, &batch));
  Flags flags = flag_bytes.has_value() ? DecodeFlags(*flag_bytes) : Flags();
  switch (core.body_case()) {
    case v1::EventCore::kTransferProposed: {
      const v1::TransferProposed& proposed = core.transfer_proposed();
      view.set_source(proposed.source());
      view.set_destination(proposed.destination());
      view.set_proposed_by(core.origin());
      *view.mutable_items() = proposed.items();
      view.set_note(personal.note());
      const bool had_reason = flags.declined || flags.cancelled;
      DropUnentitled(view, flags);
      if (had_reason && !flags.declined && !flags.cancelled) view.clear_reason();
      break;
    }
    case v1::EventCore::kTransferAnswered: {
      const bool accepted = core.transfer_answered().accepted();
      (accepted ? flags.accepted : flags.declined) = true;
      std::string& by = accepted ? flags.accepted_by : flags.declined_by;
      if (by.empty()) by = core.origin();
      if (!accepted) view.set_reason(personal.note());
      break;
    }
    case v1::EventCore::kTransferCancelled:
      flags.cancelled = true;
      if (flags.cancelled_by.empty()) flags.cancelled_by = core.origin();
      view.set_reason(personal.note());
      break;
    case v1::EventCore::kTransferShipped: {
      const v1::TransferShipped& shipped = core.transfer_shipped();
      view.set_source(shipped.source());
      view.set_destination(shipped.destination());
      *view.mutable_shipped() = shipped.lots();
      view.set_shipped_day(shipped.day());
      for (const v1::ShippedLot& lot : shipped.lots()) {
        // Units leave the source's lot and its stock.
        ASSIGN_OR_RETURN(std::optional<v1::Lot> source_lot,
                         GetRecord<v1::Lot>(store, ViewKey({"lot", core.origin(), lot.lot_id()}), &batch));
        if (source_lot.has_value()) {
          source_lot->set_remaining(source_lot->remaining() - lot.quantity());
          StageLot(batch, core.origin(), *source_lot);
        }
        RETURN_IF_ERROR(AddToCounter(store, batch, ViewKey({"stock", core.origin(), lot.product_id()}),
                                     -lot.quantity())
                            .status());
        RETURN_IF_ERROR(AddToLedger(store, batch, core.origin(), lot.product_id(), "out", lot.quantity()));
        RETURN_IF_ERROR(TakeShippedFromSurplus(store, batch, core.origin(), lot));
      }
      break;
    }
    case v1::EventCore::kTransferReceived: {
      const v1::TransferReceived& received = core.transfer_received();
      view.set_source(received.source());
      view.set_destination(received.destination());
      view.clear_received();
      for (int i = 0; i < received.items_size(); ++i) {
        const v1::ReceivedItem& item = received.items(i);
        v1::ReceivedLine* line = view.add_received();
        line->set_product_id(item.product_id());
        line->set_arrived(item.arrived());
        line->set_damaged(item.damaged());
        if (i < personal.item_reasons_size()) line->set_reason(personal.item_reasons(i));
        *line->mutable_new_lots() = item.new_lots();
      }
      view.set_received_day(received.day());
      for (const v1::ReceivedItem& item : received.items()) {
        for (const v1::ShippedLot& lot : item.new_lots()) {
          v1::Lot new_lot;
          new_lot.set_lot_id(lot.lot_id());
          new_lot.set_product_id(item.product_id());
          new_lot.set_quantity_received(lot.quantity());
          new_lot.set_remaining(lot.quantity());
          new_lot.set_donor_id(lot.donor_id());
          new_lot.set_lot_number(lot.lot_number());
          new_lot.set_expiry_kind(lot.expiry_kind());
          new_lot.set_expiry_day(lot.expiry_day());
          new_lot.set_received_day(received.day());
          StageLot(batch, core.origin(), new_lot);
        }
        RETURN_IF_ERROR(AddToCounter(store, batch, ViewKey({"stock", core.origin(), item.product_id()}),
                                     item.arrived() - item.damaged())
                            .status());
        RETURN_IF_ERROR(AddToLedger(store, batch, core.origin(), item.product_id(), "in", item.arrived()));
        if (item.damaged() != 0) {
          RETURN_IF_ERROR(
              AddToLedger(store, batch, core.origin(), item.product_id(), "adjusted", -item.damaged()));
        }
      }
      break;
    }
    default:
      break;
  }
  view.set_state(StateOf(view, flags.accepted, flags.declined, flags.cancelled));
  PutRecord(batch, key, view);
  batch.Put(Column::kViews, flags_key, EncodeFlags(flags));
  return absl::OkStatus();
}

}  // namespace

absl::Status FoldTransfer(const Store& store, Batch& batch, const DecodedEvent& event) {
  const v1::EventCore& core = event.core();
  switch (core.body_case()) {
    case v1::EventCore::kTransferProposed:
      return FoldTransferEvent(store, batch, event, core.transfer_proposed().transfer_id());
    case v1::EventCore::kTransferAnswered:
      return FoldTransferEvent(store, batch, event, core.transfer_answered().transfer_id());
    case v1::EventCore::kTransferCancelled:
      return FoldTransferEvent(store, batch, event, core.transfer_cancelled().transfer_id());
    case v1::EventCore::kTransferShipped:
      return FoldTransferEvent(store, batch, event, core.transfer_shipped().transfer_id());
    case v1::EventCore::kTransferReceived:
      return FoldTransferEvent(store, batch, event, core.transfer_received().transfer_id());
    case v1::EventCore::kSurplusMarked:
      PutUnits(batch, ViewKey({"surplus", core.origin(), core.surplus_marked().lot_id()}),
               core.surplus_marked().quantity());
      return absl::OkStatus();
    case v1::EventCore::kMinimumSet:
      PutUnits(batch, ViewKey({"minimum", core.origin(), core.minimum_set().product_id()}),
               core.minimum_set().minimum());
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

absl::StatusOr<std::optional<v1::TransferView>> FindTransfer(const Store& store,
                                                             absl::string_view transfer_id,
                                                             const Batch* batch) {
  return GetRecord<v1::TransferView>(store, ViewKey({"transfer", transfer_id}), batch);
}

absl::StatusOr<std::vector<v1::TransferView>> ListTransfers(const Store& store,
                                                            const v1::ListTransfersRequest& request) {
  std::vector<v1::TransferView> transfers;
  RETURN_IF_ERROR(ScanViews(store, ViewPrefix({"transfer"}), [&](absl::string_view, absl::string_view v) {
    v1::TransferView view;
    if (!view.ParseFromArray(v.data(), static_cast<int>(v.size()))) return true;
    if (!request.site().empty() && view.source() != request.site() &&
        view.destination() != request.site()) {
      return true;
    }
    const bool closed = view.state() == v1::TransferView::RECEIVED ||
                        view.state() == v1::TransferView::CANCELLED ||
                        view.state() == v1::TransferView::DECLINED;
    if (request.open_only() && closed) return true;
    transfers.push_back(std::move(view));
    return true;
  }));
  return transfers;
}

absl::StatusOr<v1::ListSurplusResponse> ListSurplus(const Store& store) {
  v1::ListSurplusResponse response;
  std::vector<std::pair<std::string, std::pair<std::string, int64_t>>> marked;
  const std::string prefix = ViewPrefix({"surplus"});
  RETURN_IF_ERROR(ScanViews(store, prefix, [&](absl::string_view key, absl::string_view value) {
    std::vector<std::string> parts = SplitViewKey(key, prefix);  // site, lot
    if (parts.size() != 2) return true;
    marked.push_back({parts[0], {parts[1], static_cast<int64_t>(ReadBigEndian64(value).value_or(0))}});
    return true;
  }));
  for (const auto& [site, lot_and_quantity] : marked) {
    ASSIGN_OR_RETURN(std::optional<v1::Lot> lot, FindLot(store, site, lot_and_quantity.first));
    if (!lot.has_value()) continue;
    const int64_t available = std::min(lot_and_quantity.second, lot->remaining());
    if (available <= 0) continue;
    v1::SurplusEntry* entry = response.add_surplus();
    entry->set_site(site);
    entry->set_product_id(lot->product_id());
    ASSIGN_OR_RETURN(std::optional<v1::Product> product, FindProduct(store, lot->product_id()));
    if (product.has_value()) entry->set_product_name(product->name());
    entry->set_lot_id(lot->lot_id());
    entry->set_quantity(available);
    entry->set_expiry_kind(lot->expiry_kind());
    entry->set_expiry_day(lot->expiry_day());
    entry->set_donor_id(lot->donor_id());
  }
  return response;
}

absl::StatusOr<v1::ListNeedsResponse> ListNeeds(const Store& store) {
  v1::ListNeedsResponse response;
  const std::string prefix = ViewPrefix({"minimum"});
  std::vector<std::tuple<std::string, std::string, int64_t>> minimums;
  RETURN_IF_ERROR(ScanViews(store, prefix, [&](absl::string_view key, absl::string_view value) {
    std::vector<std::string> parts = SplitViewKey(key, prefix);  // site, product
    if (parts.size() != 2) return true;
    minimums.emplace_back(parts[0], parts[1], static_cast<int64_t>(ReadBigEndian64(value).value_or(0)));
    return true;
  }));
  for (const auto& [site, product_id, minimum] : minimums) {
    ASSIGN_OR_RETURN(int64_t stock, StockOf(store, site, product_id));
    if (minimum <= 0 || stock >= minimum) continue;
    v1::Need* need = response.add_needs();
    need->set_site(site);
    need->set_product_id(product_id);
    ASSIGN_OR_RETURN(std::optional<v1::Product> product, FindProduct(store, product_id));
    if (product.has_value()) need->set_product_name(product->name());
    need->set_stock(stock);
    need->set_minimum(minimum);
    need->set_missing(minimum - stock);
  }
  return response;
}

absl::StatusOr<Balances> ReadBalances(const Store& store) {
  Balances balances;
  const std::string prefix = ViewPrefix({"ledger"});
  RETURN_IF_ERROR(ScanViews(store, prefix, [&](absl::string_view key, absl::string_view value) {
    std::vector<std::string> parts = SplitViewKey(key, prefix);  // site, product, kind
    if (parts.size() != 3) return true;
    const int64_t units = static_cast<int64_t>(ReadBigEndian64(value).value_or(0));
    for (const std::string& site : {parts[0], std::string()}) {
      ProductBalance& balance = balances[site][parts[1]];
      if (parts[2] == "donated") balance.donated += units;
      if (parts[2] == "in") balance.transferred_in += units;
      if (parts[2] == "adjusted") balance.adjusted += units;
      if (parts[2] == "sold") balance.sold += units;
      if (parts[2] == "out") balance.transferred_out += units;
    }
    return true;
  }));
  for (auto& [site, products] : balances) {
    if (site.empty()) continue;
    for (auto& [product, balance] : products) {
      ASSIGN_OR_RETURN(balance.stock, StockOf(store, site, product));
      balances[""][product].stock += balance.stock;
    }
  }
  ASSIGN_OR_RETURN(std::vector<v1::TransferView> transfers,
                   ListTransfers(store, v1::ListTransfersRequest()));
  for (const v1::TransferView& transfer : transfers) {
    std::map<std::string, int64_t> shipped;
    for (const v1::ShippedLot& lot : transfer.shipped()) shipped[lot.product_id()] += lot.quantity();
    std::map<std::string, int64_t> arrived;
    for (const v1::ReceivedLine& item : transfer.received()) arrived[item.product_id()] += item.arrived();
    for (const auto& [product, units] : shipped) {
      ProductBalance& network = balances[""][product];
      if (transfer.received().empty()) {
        network.in_transit += units;
      } else {
        network.lost_in_transit += units - arrived[product];
      }
    }
  }
  return balances;
}

absl::Status CheckConservation(const Store& store) {
  ASSIGN_OR_RETURN(Balances balances, ReadBalances(store));
  for (const auto& [site, products] : balances) {
    for (const auto& [product, b] : products) {
      if (!site.empty()) {
        const int64_t expected = b.donated + b.transferred_in + b.adjusted - b.sold - b.transferred_out;
        if (expected != b.stock) {
          return absl::FailedPreconditionError(absl::StrCat(
              site, "/", product, ": donated ", b.donated, " + in ", b.transferred_in, " + adjusted ",
              b.adjusted, " - sold ", b.sold, " - out ", b.transferred_out, " = ", expected,
              " but stock is ", b.stock));
        }
      } else if (b.transferred_out != b.transferred_in + b.in_transit + b.lost_in_transit) {
        return absl::FailedPreconditionError(absl::StrCat(
            "network/", product, ": out ", b.transferred_out, " != in ", b.transferred_in,
            " + in transit ", b.in_transit, " + lost ", b.lost_in_transit));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace comptoir
