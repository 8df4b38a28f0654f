// Till commands: moving stock between centres (surplus and needs: till_surplus.cc).
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/limits.h"
#include "common/catalogue_view.h"
#include "common/civil_day.h"
#include "common/ids.h"
#include "common/keys.h"
#include "common/network_defaults.h"
#include "common/status_macros.h"
#include "common/stock_view.h"
#include "common/transfer_view.h"
#include "node/till.h"

namespace comptoir {
namespace {


absl::StatusOr<v1::TransferView> RequireTransfer(const Store& store, absl::string_view id) {
  if (!IsWellFormedId(id)) return absl::InvalidArgumentError("Numéro de transfert mal formé.");
  ASSIGN_OR_RETURN(std::optional<v1::TransferView> transfer, FindTransfer(store, id));
  if (!transfer.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "Transfert ", id, " inconnu dans ce centre (pas encore reçu de l'autre centre ? un "
        "transfert n'est visible que des deux centres concernés)."));
  }
  return *std::move(transfer);
}

const char* StateName(v1::TransferView::State state) {
  switch (state) {
    case v1::TransferView::PROPOSED: return "proposé";
    case v1::TransferView::ACCEPTED: return "accepté";
    case v1::TransferView::DECLINED: return "refusé";
    case v1::TransferView::CANCELLED: return "annulé";
    case v1::TransferView::SHIPPED: return "expédié";
    case v1::TransferView::RECEIVED: return "reçu";
    default: return "inconnu";
  }
}

absl::Status WrongState(const v1::TransferView& transfer, absl::string_view action) {
  return absl::FailedPreconditionError(absl::StrCat("Impossible ", action, " le transfert ",
                                                    transfer.transfer_id(), " : il est ",
                                                    StateName(transfer.state()), "."));
}

// Units of `product` this site can take out of its lots today (not past DLC).
absl::StatusOr<FefoPlan> PlanFromLots(const Store& store, absl::string_view site,
                                      absl::string_view product, int64_t quantity,
                                      absl::string_view today) {
  ASSIGN_OR_RETURN(std::vector<v1::Lot> lots, LotsInFefoOrder(store, site, product));
  return PlanFefo(lots, quantity, today);
}

// The shipment of `transfer` from `site` today: the exact lots, earliest
// expiry first; FailedPrecondition (in French) if this site may not ship it
// now or its lots cannot cover it.
absl::StatusOr<v1::TransferShipped> PlanShipment(const Store& store, const std::string& site,
                                                 const std::string& today,
                                                 const v1::TransferView& transfer) {
  if (transfer.source() != site) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Seul le centre expéditeur (", CentreName(transfer.source()), ") expédie ce transfert."));
  }
  if (transfer.state() == v1::TransferView::PROPOSED) {
    return absl::FailedPreconditionError(
        transfer.proposed_by() == site ? "Le centre destinataire n'a pas encore accepté cette offre."
                                       : "Acceptez d'abord cette demande, puis expédiez.");
  }
  if (transfer.state() != v1::TransferView::ACCEPTED) return WrongState(transfer, "d'expédier");
  v1::TransferShipped shipped;
  shipped.set_transfer_id(transfer.transfer_id());
  shipped.set_source(transfer.source());
  shipped.set_destination(transfer.destination());
  shipped.set_day(today);
  for (const v1::TransferItem& item : transfer.items()) {
    ASSIGN_OR_RETURN(std::vector<v1::Lot> lots, LotsInFefoOrder(store, site, item.product_id()));
    FefoPlan plan = PlanFefo(lots, item.quantity(), today);
    if (plan.shortfall > 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Stock insuffisant pour expédier ", item.quantity(), " ", item.product_id(), " : il en manque ",
          plan.shortfall, plan.past_dlc > 0 ? " (les lots à DLC dépassée ne s'expédient pas)" : "",
          "."));
    }
    for (const v1::LotTake& take : plan.takes) {
      for (const v1::Lot& lot : lots) {
        if (lot.lot_id() != take.lot_id()) continue;
        v1::ShippedLot* out = shipped.add_lots();
        out->set_product_id(item.product_id());
        out->set_lot_id(lot.lot_id());
        out->set_quantity(take.quantity());
        out->set_donor_id(lot.donor_id());
        out->set_lot_number(lot.lot_number());
        out->set_expiry_kind(lot.expiry_kind());
        out->set_expiry_day(lot.expiry_day());
      }
    }
  }
  return shipped;
}

// Whether the lots planned are the ones the volunteer was shown (same lots,
// same units, same order).
bool SameLots(const google::protobuf::RepeatedPtrField<v1::ShippedLot>& planned,
              const google::protobuf::RepeatedPtrField<v1::LotTake>& shown) {
  if (planned.size() != shown.size()) return false;
  for (int i = 0; i < planned.size(); ++i) {
    if (planned[i].lot_id() != shown[i].lot_id() || planned[i].quantity() != shown[i].quantity()) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<v1::TransferView> Till::ProposeTransfer(const v1::ProposeTransferRequest& request) {
  const bool offer = request.kind() == v1::ProposeTransferRequest::OFFER;
  if (request.kind() != v1::ProposeTransferRequest::REQUEST && !offer) {
    return absl::InvalidArgumentError("Précisez s'il s'agit d'une demande ou d'une offre.");
  }
  if (!IsValidSiteId(request.other_site()) || request.other_site() == "hub" ||
      request.other_site() == node_->Site()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Centre invalide : « ", request.other_site(), " » (un autre centre du réseau)."));
  }
  if (request.items().empty() || request.items_size() > kMaxTransferItems) {
    return absl::InvalidArgumentError("Indiquez entre 1 et 100 produits à transférer.");
  }
  if (request.note().size() > kMaxTextBytes) return absl::InvalidArgumentError("Note trop longue.");
  std::string transfer_id;
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    for (const v1::TransferItem& item : request.items()) {
      if (item.quantity() <= 0 || item.quantity() > kMaxLotQuantity) {
        return absl::InvalidArgumentError(
            absl::StrCat("Quantité invalide pour ", item.product_id(), " : ", item.quantity(), "."));
      }
      ASSIGN_OR_RETURN(std::optional<v1::Product> product, FindProduct(ctx.store(), item.product_id()));
      if (!product.has_value()) {
        return absl::NotFoundError(absl::StrCat("Produit inconnu : ", item.product_id(), "."));
      }
      if (product->untracked()) {
        return absl::FailedPreconditionError(absl::StrCat(product->name(), " n'a pas de stock."));
      }
      if (offer) {
        ASSIGN_OR_RETURN(FefoPlan plan, PlanFromLots(ctx.store(), ctx.site(), item.product_id(),
                                                     item.quantity(), ctx.today()));
        if (plan.shortfall > 0) {
          return absl::FailedPreconditionError(absl::StrCat(
              "Ce centre n'a que ", item.quantity() - plan.shortfall, " ", product->name(),
              " utilisable(s) : impossible d'en offrir ", item.quantity(), "."));
        }
      }
    }
    ASSIGN_OR_RETURN(uint64_t number, ctx.NextNumber("transfer"));
    transfer_id = LocalId(ctx.prefix(), 'T', number);
    v1::EventCore core;
    v1::TransferProposed* proposed = core.mutable_transfer_proposed();
    proposed->set_transfer_id(transfer_id);
    proposed->set_source(offer ? ctx.site() : request.other_site());
    proposed->set_destination(offer ? request.other_site() : ctx.site());
    *proposed->mutable_items() = request.items();
    // The note is free text: personal part, sent to the other party only.
    const std::optional<v1::PersonalPart> note = PersonalNote(request.note());
    return ctx.Append(std::move(core), note.has_value() ? &*note : nullptr).status();
  }));
  return RequireTransfer(node_->store(), transfer_id);
}

absl::StatusOr<v1::TransferView> Till::AnswerTransfer(const v1::AnswerTransferRequest& request) {
  if (request.reason().size() > kMaxTextBytes) return absl::InvalidArgumentError("Motif trop long.");
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::TransferView transfer, RequireTransfer(ctx.store(), request.transfer_id()));
    const bool party = transfer.source() == ctx.site() || transfer.destination() == ctx.site();
    if (!party || transfer.proposed_by() == ctx.site()) {
      return absl::FailedPreconditionError(
          "Seul l'autre centre concerné peut accepter ou refuser ce transfert.");
    }
    if (transfer.state() != v1::TransferView::PROPOSED) {
      return WrongState(transfer, request.accept() ? "d'accepter" : "de refuser");
    }
    v1::EventCore core;
    v1::TransferAnswered* answered = core.mutable_transfer_answered();
    answered->set_transfer_id(request.transfer_id());
    answered->set_accepted(request.accept());
    const std::optional<v1::PersonalPart> reason = PersonalNote(request.reason());
    return ctx.Append(std::move(core), reason.has_value() ? &*reason : nullptr).status();
  }));
  return RequireTransfer(node_->store(), request.transfer_id());
}

absl::StatusOr<v1::TransferView> Till::CancelTransfer(const v1::CancelTransferRequest& request) {
  if (request.reason().size() > kMaxTextBytes) return absl::InvalidArgumentError("Motif trop long.");
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::TransferView transfer, RequireTransfer(ctx.store(), request.transfer_id()));
    if (transfer.source() != ctx.site() && transfer.destination() != ctx.site()) {
      return absl::FailedPreconditionError("Ce centre n'est pas concerné par ce transfert.");
    }
    if (transfer.state() != v1::TransferView::PROPOSED &&
        transfer.state() != v1::TransferView::ACCEPTED) {
      return WrongState(transfer, "d'annuler");
    }
    v1::EventCore core;
    core.mutable_transfer_cancelled()->set_transfer_id(request.transfer_id());
    const std::optional<v1::PersonalPart> reason = PersonalNote(request.reason());
    return ctx.Append(std::move(core), reason.has_value() ? &*reason : nullptr).status();
  }));
  return RequireTransfer(node_->store(), request.transfer_id());
}

absl::StatusOr<v1::TransferView> Till::ShipTransfer(const v1::ShipTransferRequest& request) {
  if (request.preview()) {
    ASSIGN_OR_RETURN(v1::TransferView transfer, RequireTransfer(node_->store(), request.transfer_id()));
    ASSIGN_OR_RETURN(v1::TransferShipped plan,
                     PlanShipment(node_->store(), node_->Site(), node_->Today(), transfer));
    *transfer.mutable_shipped() = plan.lots();
    transfer.set_shipped_day(plan.day());
    return transfer;
  }
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::TransferView transfer, RequireTransfer(ctx.store(), request.transfer_id()));
    v1::EventCore core;
    ASSIGN_OR_RETURN(*core.mutable_transfer_shipped(),
                     PlanShipment(ctx.store(), ctx.site(), ctx.today(), transfer));
    if (!request.expected_lots().empty() &&
        !SameLots(core.transfer_shipped().lots(), request.expected_lots())) {
      return absl::AbortedError(
          "Le stock a changé depuis l'affichage du contenu du carton : rien n'est expédié, "
          "vérifiez à nouveau ce qu'il faut y mettre.");
    }
    return ctx.Append(std::move(core), nullptr).status();
  }));
  return RequireTransfer(node_->store(), request.transfer_id());
}

absl::StatusOr<v1::TransferView> Till::ReceiveTransfer(const v1::ReceiveTransferRequest& request) {
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::TransferView transfer, RequireTransfer(ctx.store(), request.transfer_id()));
    if (transfer.destination() != ctx.site()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Ce transfert va à ", CentreName(transfer.destination()), " : il ne peut pas être reçu ici."));
    }
    if (transfer.state() == v1::TransferView::RECEIVED) {
      return absl::FailedPreconditionError("Ce transfert a déjà été reçu.");
    }
    // What was shipped, per product, when this centre knows the shipment.
    std::map<std::string, std::vector<v1::ShippedLot>> shipped;
    for (const v1::ShippedLot& lot : transfer.shipped()) shipped[lot.product_id()].push_back(lot);
    std::vector<v1::ReceiveItemRequest> items(request.items().begin(), request.items().end());
    if (items.empty()) {
      if (shipped.empty()) {
        return absl::FailedPreconditionError(
            "L'expédition n'est pas encore connue ici : indiquez ce qui est arrivé, produit par produit.");
      }
      for (const auto& [product, lots] : shipped) {
        v1::ReceiveItemRequest item;
        item.set_product_id(product);
        for (const v1::ShippedLot& lot : lots) item.set_arrived(item.arrived() + lot.quantity());
        items.push_back(item);
      }
    }
    // Each product once; when the shipment is known, every shipped product
    // accounted for (a product left out would vanish from the network's
    // stock without a trace: what did not arrive is said with its reason).
    std::set<std::string> listed;
    for (const v1::ReceiveItemRequest& item : items) {
      if (!listed.insert(item.product_id()).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("Le produit ", item.product_id(), " est indiqué deux fois."));
      }
    }
    for (const auto& [product, lots] : shipped) {
      if (listed.count(product) == 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Le produit ", product, " a été expédié : indiquez combien en est arrivé (0 si rien, "
            "avec la raison)."));
      }
    }
    v1::EventCore core;
    v1::TransferReceived* received = core.mutable_transfer_received();
    received->set_transfer_id(transfer.transfer_id());
    received->set_source(transfer.source());
    received->set_destination(transfer.destination());
    received->set_day(ctx.today());
    // Why items differ: free text, in the personal part (by item), sent to
    // the source only; the reception itself goes to the whole network.
    v1::PersonalPart reasons = NewPersonalPart();
    bool any_reason = false;
    for (const v1::ReceiveItemRequest& item : items) {
      ASSIGN_OR_RETURN(std::optional<v1::Product> product, FindProduct(ctx.store(), item.product_id()));
      if (!product.has_value()) {
        return absl::NotFoundError(absl::StrCat("Produit inconnu : ", item.product_id(), "."));
      }
      if (item.arrived() < 0 || item.damaged() < 0 || item.damaged() > item.arrived() ||
          item.arrived() > kMaxLotQuantity) {
        return absl::InvalidArgumentError(absl::StrCat(
            product->name(), " : les quantités arrivées et abîmées sont invalides."));
      }
      int64_t shipped_units = 0;
      auto lots = shipped.find(item.product_id());
      if (lots != shipped.end()) {
        for (const v1::ShippedLot& lot : lots->second) shipped_units += lot.quantity();
        if ((item.arrived() != shipped_units || item.damaged() > 0) && item.reason().empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              product->name(), " : ", shipped_units, " expédié(s), ", item.arrived(), " arrivé(s), ",
              item.damaged(), " abîmé(s) ; indiquez la raison de l'écart."));
        }
      } else if (!shipped.empty() && item.reason().empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            product->name(), " ne fait pas partie de l'expédition : indiquez la raison."));
      }
      if (item.reason().size() > kMaxTextBytes) {
        return absl::InvalidArgumentError(
            absl::StrCat(product->name(), " : raison trop longue (500 caractères au plus)."));
      }
      v1::ReceivedItem* out = received->add_items();
      out->set_product_id(item.product_id());
      out->set_arrived(item.arrived());
      out->set_damaged(item.damaged());
      reasons.add_item_reasons(item.reason());
      any_reason = any_reason || !item.reason().empty();
      // Usable units go into new lots that keep the goods' provenance.
      int64_t good = item.arrived() - item.damaged();
      std::vector<v1::ShippedLot> sources;
      if (lots != shipped.end()) {
        sources = lots->second;
      } else {
        v1::ShippedLot described;
        described.set_donor_id(item.donor_id());
        described.set_lot_number(item.lot_number());
        described.set_expiry_kind(item.expiry_kind());
        described.set_expiry_day(item.expiry_day());
        described.set_quantity(good);
        sources.push_back(described);
      }
      for (size_t i = 0; i < sources.size() && good > 0; ++i) {
        const bool last = i + 1 == sources.size();
        const int64_t units = last ? good : std::min(good, sources[i].quantity());
        if (units <= 0) continue;
        ASSIGN_OR_RETURN(uint64_t number, ctx.NextNumber("lot"));
        v1::ShippedLot* lot = out->add_new_lots();
        *lot = sources[i];
        lot->set_product_id(item.product_id());
        lot->set_lot_id(LocalId(ctx.prefix(), 'L', number));
        lot->set_quantity(units);
        good -= units;
      }
    }
    return ctx.Append(std::move(core), any_reason ? &reasons : nullptr).status();
  }));
  return RequireTransfer(node_->store(), request.transfer_id());
}

absl::StatusOr<v1::ListTransfersResponse> Till::ListTransfers(const v1::ListTransfersRequest& request) {
  ASSIGN_OR_RETURN(std::vector<v1::TransferView> transfers, comptoir::ListTransfers(node_->store(), request));
  v1::ListTransfersResponse response;
  for (v1::TransferView& transfer : transfers) *response.add_transfers() = std::move(transfer);
  return response;
}

}  // namespace comptoir
