// The simulation's records written by several centres: transfers of stock
// (proposed by either party, answered by the other, cancelled by either while
// not shipped, shipped by the source, received by the destination with
// shortfalls and damage) and edits of one family at several centres. Each
// step goes through the real Till API and keeps what the till confirmed in the
// centre's ledger, for the checks at the end (sim_checks.cc).
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/transfer_view.h"
#include "tests/sim/sim_world.h"

namespace comptoir::testing {
namespace {

const char* const kFamilyNames[] = {"Martin", "Durand", "Lefebvre"};
const char* const kPostcodes[] = {"59510", "59000", "59280"};

// The transfer an event is about ("" for other kinds).
std::string TransferIdOf(const v1::EventCore& core) {
  switch (core.body_case()) {
    case v1::EventCore::kTransferProposed: return core.transfer_proposed().transfer_id();
    case v1::EventCore::kTransferAnswered: return core.transfer_answered().transfer_id();
    case v1::EventCore::kTransferCancelled: return core.transfer_cancelled().transfer_id();
    case v1::EventCore::kTransferShipped: return core.transfer_shipped().transfer_id();
    case v1::EventCore::kTransferReceived: return core.transfer_received().transfer_id();
    default: return "";
  }
}

}  // namespace

bool SimWorld::Matches(const v1::EventCore& core, const OwnEvent& event) {
  switch (event.kind) {
    case OwnEvent::kSale:
      return core.has_sale_recorded() && core.sale_recorded().receipt_no() == event.receipt_no;
    case OwnEvent::kVoid:
      return core.has_sale_voided() && core.sale_voided().receipt_no() == event.receipt_no;
    case OwnEvent::kStock:
      return core.has_stock_received() && core.stock_received().quantity() == event.quantity;
    case OwnEvent::kTransfer:
      return core.body_case() == event.body && TransferIdOf(core) == event.transfer_id;
    case OwnEvent::kFamilyEdit: {
      if (!core.has_family_updated()) return false;
      const v1::FamilyUpdated& updated = core.family_updated();
      return updated.family_id() == event.family_id &&
             updated.has_household_type() == event.household_type.has_value() &&
             updated.has_postcode() == event.postcode.has_value() &&
             updated.family_name_set() == event.family_name.has_value();
    }
    default:
      return true;
  }
}

absl::StatusOr<std::optional<SimWorld::Pick>> SimWorld::PickTransfer(
    Node& preferred, const std::string& role,
    std::initializer_list<v1::TransferView::State> states) {
  // The preferred centre first, then the others: a transfer moves on only
  // when the centre whose turn it is acts, which a random pick rarely hits.
  const size_t first = static_cast<size_t>(&preferred - nodes_.data());
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[(first + i) % nodes_.size()];
    v1::ListTransfersRequest request;
    request.set_site(node.site);
    ASSIGN_OR_RETURN(v1::ListTransfersResponse listed, node.till->ListTransfers(request));
    std::vector<v1::TransferView> candidates;
    for (const v1::TransferView& transfer : listed.transfers()) {
      if (std::find(states.begin(), states.end(), transfer.state()) == states.end()) continue;
      const bool fits = role == "source"        ? transfer.source() == node.site
                        : role == "destination" ? transfer.destination() == node.site
                        : role == "answerer"    ? transfer.proposed_by() != node.site
                                                : true;
      if (fits) candidates.push_back(transfer);
    }
    if (!candidates.empty()) return Pick{&node, candidates[random_() % candidates.size()]};
  }
  return std::optional<Pick>();
}

absl::Status SimWorld::ConfirmTransfer(Node& node, const v1::TransferView& view, int body,
                                       std::map<std::string, int64_t> stock_change) {
  OwnEvent event;
  event.kind = OwnEvent::kTransfer;
  event.body = body;
  event.transfer_id = view.transfer_id();
  event.stock_change = std::move(stock_change);
  node.ledger[OwnSeq(node)] = event;
  ++counts_.confirmed;
  if (node.wire) node.wire->LocalAppend();
  return WireError(node);
}

absl::Status SimWorld::ProposeTransfer(Node& node) {
  Node* other = &nodes_[random_() % nodes_.size()];
  if (other == &node) return absl::OkStatus();
  const bool offer = random_() % 2 == 0;
  v1::ProposeTransferRequest request;
  request.set_kind(offer ? v1::ProposeTransferRequest::OFFER : v1::ProposeTransferRequest::REQUEST);
  request.set_other_site(other->site);
  v1::TransferItem* item = request.add_items();
  // Goods come from the source's own product (the one it holds).
  item->set_product_id(offer ? node.shop.product_id : other->shop.product_id);
  item->set_quantity(1 + static_cast<int64_t>(random_() % 40));
  absl::StatusOr<v1::TransferView> proposed = node.till->ProposeTransfer(request);
  if (!proposed.ok()) {
    return UnlessRefused(node.site, "transfer proposal", proposed.status());
  }
  ++counts_.transfers_proposed;
  return ConfirmTransfer(node, *proposed, v1::EventCore::kTransferProposed, {});
}

absl::Status SimWorld::AnswerTransfer(Node& preferred) {
  ASSIGN_OR_RETURN(std::optional<Pick> pick,
                   PickTransfer(preferred, "answerer", {v1::TransferView::PROPOSED}));
  if (!pick.has_value()) return absl::OkStatus();
  return Answer(*pick->node, pick->transfer);
}

absl::Status SimWorld::Answer(Node& node, const v1::TransferView& proposal) {
  const v1::TransferView* transfer = &proposal;
  v1::AnswerTransferRequest request;
  request.set_transfer_id(transfer->transfer_id());
  request.set_accept(random_() % 4 != 0);
  if (!request.accept()) request.set_reason("pas de place en réserve");
  absl::StatusOr<v1::TransferView> answered = node.till->AnswerTransfer(request);
  if (!answered.ok()) {
    return UnlessRefused(node.site, "transfer answer", answered.status());
  }
  if (!request.accept()) ++counts_.transfers_cancelled;
  return ConfirmTransfer(node, *answered, v1::EventCore::kTransferAnswered, {});
}

absl::Status SimWorld::CancelTransfer(Node& preferred) {
  ASSIGN_OR_RETURN(std::optional<Pick> pick,
                   PickTransfer(preferred, "party",
                                {v1::TransferView::PROPOSED, v1::TransferView::ACCEPTED}));
  if (!pick.has_value()) return absl::OkStatus();
  Node& node = *pick->node;
  const v1::TransferView* transfer = &pick->transfer;
  v1::CancelTransferRequest request;
  request.set_transfer_id(transfer->transfer_id());
  request.set_reason("plus besoin");
  absl::StatusOr<v1::TransferView> cancelled = node.till->CancelTransfer(request);
  if (!cancelled.ok()) {
    return UnlessRefused(node.site, "transfer cancel", cancelled.status());
  }
  ++counts_.transfers_cancelled;
  return ConfirmTransfer(node, *cancelled, v1::EventCore::kTransferCancelled, {});
}

absl::Status SimWorld::ShipTransfer(Node& preferred) {
  ASSIGN_OR_RETURN(std::optional<Pick> pick,
                   PickTransfer(preferred, "source", {v1::TransferView::ACCEPTED}));
  if (!pick.has_value()) return absl::OkStatus();
  return Ship(*pick->node, pick->transfer);
}

absl::Status SimWorld::Ship(Node& node, const v1::TransferView& accepted) {
  const v1::TransferView* transfer = &accepted;
  v1::ShipTransferRequest request;
  request.set_transfer_id(transfer->transfer_id());
  absl::StatusOr<v1::TransferView> shipped = node.till->ShipTransfer(request);
  if (!shipped.ok()) {
    return UnlessRefused(node.site, "transfer shipment", shipped.status());
  }
  std::map<std::string, int64_t> change;
  for (const v1::ShippedLot& lot : shipped->shipped()) change[lot.product_id()] -= lot.quantity();
  if (change.empty()) {
    return absl::InternalError(absl::StrCat(node.site, " shipped ", transfer->transfer_id(),
                                            " and its record shows nothing shipped"));
  }
  return ConfirmTransfer(node, *shipped, v1::EventCore::kTransferShipped, std::move(change));
}

absl::Status SimWorld::ReceiveTransfer(Node& preferred) {
  ASSIGN_OR_RETURN(std::optional<Pick> pick,
                   PickTransfer(preferred, "destination", {v1::TransferView::SHIPPED}));
  if (!pick.has_value()) return absl::OkStatus();
  return ReceiveShipment(*pick->node, pick->transfer);
}

absl::Status SimWorld::ReceiveShipment(Node& node, const v1::TransferView& shipment) {
  const v1::TransferView* transfer = &shipment;
  std::map<std::string, int64_t> shipped;
  for (const v1::ShippedLot& lot : transfer->shipped()) shipped[lot.product_id()] += lot.quantity();
  v1::ReceiveTransferRequest request;
  request.set_transfer_id(transfer->transfer_id());
  bool short_or_damaged = false;
  for (const auto& [product, units] : shipped) {
    v1::ReceiveItemRequest* item = request.add_items();
    item->set_product_id(product);
    // A box lost on the way, or crushed.
    const int64_t missing = random_() % 4 == 0 ? std::min<int64_t>(units, random_() % 3 + 1) : 0;
    item->set_arrived(units - missing);
    item->set_damaged(random_() % 4 == 0 ? std::min<int64_t>(item->arrived(), random_() % 3 + 1) : 0);
    if (missing > 0 || item->damaged() > 0) {
      item->set_reason("carton abîmé pendant le transport");
      short_or_damaged = true;
    }
  }
  absl::StatusOr<v1::TransferView> received = node.till->ReceiveTransfer(request);
  if (!received.ok()) {
    return UnlessRefused(node.site, "transfer receipt", received.status());
  }
  std::map<std::string, int64_t> change;
  for (const v1::ReceiveItemRequest& item : request.items()) {
    change[item.product_id()] += item.arrived() - item.damaged();
  }
  ++counts_.transfers_received;
  if (short_or_damaged) ++counts_.transfers_short;
  return ConfirmTransfer(node, *received, v1::EventCore::kTransferReceived, std::move(change));
}

absl::Status SimWorld::SettleSomeTransfers() {
  // Three rounds, the network healed after each: proposals answered, accepted
  // transfers shipped, shipments received; each time about two in three, so
  // that some stay proposed, accepted or in transit for the checks.
  const struct {
    const char* role;
    v1::TransferView::State state;
  } rounds[] = {{"answerer", v1::TransferView::PROPOSED},
                {"source", v1::TransferView::ACCEPTED},
                {"destination", v1::TransferView::SHIPPED}};
  for (const auto& round : rounds) {
    for (Node& node : nodes_) {
      v1::ListTransfersRequest request;
      request.set_site(node.site);
      ASSIGN_OR_RETURN(v1::ListTransfersResponse listed, node.till->ListTransfers(request));
      for (const v1::TransferView& transfer : listed.transfers()) {
        const std::string& actor = std::string(round.role) == "source" ? transfer.source()
                                   : std::string(round.role) == "destination"
                                       ? transfer.destination()
                                       : (transfer.proposed_by() == transfer.source()
                                              ? transfer.destination()
                                              : transfer.source());
        if (transfer.state() != round.state || actor != node.site || random_() % 3 == 0) continue;
        Trace(absl::StrCat(node.site, ": ", round.role, " of ", transfer.transfer_id(),
                           " acts at the end"));
        if (round.state == v1::TransferView::PROPOSED) {
          RETURN_IF_ERROR(Answer(node, transfer));
        } else if (round.state == v1::TransferView::ACCEPTED) {
          RETURN_IF_ERROR(Ship(node, transfer));
        } else {
          RETURN_IF_ERROR(ReceiveShipment(node, transfer));
        }
      }
    }
    RETURN_IF_ERROR(Heal());
  }
  return absl::OkStatus();
}

absl::Status SimWorld::EditFamily(Node& node) {
  // One of the network's three families, wherever it was registered: two
  // centres often edit the same one while apart.
  const Node& home = nodes_[random_() % nodes_.size()];
  v1::UpdateFamilyRequest request;
  request.set_family_id(home.shop.family_id);
  OwnEvent event;
  event.kind = OwnEvent::kFamilyEdit;
  event.family_id = home.shop.family_id;
  const uint64_t fields = 1 + random_() % 7;  // a non-empty subset of three fields
  if (fields & 1) {
    event.household_type = 1 + static_cast<int>(random_() % 4);
    request.set_household_type(static_cast<v1::HouseholdType>(*event.household_type));
  }
  if (fields & 2) {
    event.postcode = kPostcodes[random_() % 3];
    request.set_postcode(*event.postcode);
  }
  if (fields & 4) {
    event.family_name = kFamilyNames[random_() % 3];
    request.set_family_name(*event.family_name);
  }
  absl::StatusOr<v1::FamilyView> updated = node.till->UpdateFamily(request);
  if (!updated.ok()) {
    return UnlessRefused(node.site, "family edit", updated.status());
  }
  node.ledger[OwnSeq(node)] = event;
  ++counts_.confirmed;
  ++counts_.family_edits;
  if (node.wire) node.wire->LocalAppend();
  return WireError(node);
}

}  // namespace comptoir::testing
