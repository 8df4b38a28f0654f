// Till commands: catalogue (local items) and stock lots.
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/authority.h"
#include "common/limits.h"
#include "common/catalogue_view.h"
#include "common/civil_day.h"
#include "common/ids.h"
#include "common/network_defaults.h"
#include "common/status_macros.h"
#include "common/stock_view.h"
#include "node/till.h"

namespace comptoir {
namespace {


absl::StatusOr<v1::Product> RequireProduct(const Store& store, absl::string_view product_id,
                                           absl::string_view barcode) {
  std::optional<v1::Product> product;
  if (!product_id.empty()) {
    ASSIGN_OR_RETURN(product, FindProduct(store, product_id));
  } else if (!barcode.empty()) {
    ASSIGN_OR_RETURN(product, FindProductByBarcode(store, barcode));
  } else {
    return absl::InvalidArgumentError("Indiquez un produit ou un code-barres.");
  }
  if (!product.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("Produit inconnu : ", product_id.empty() ? barcode : product_id, "."));
  }
  return *std::move(product);
}

absl::StatusOr<v1::StockLevel> LevelOf(const Store& store, absl::string_view site,
                                       const v1::Product& product, absl::string_view last_day) {
  v1::StockLevel level;
  *level.mutable_product() = product;
  ASSIGN_OR_RETURN(int64_t quantity, StockOf(store, site, product.product_id()));
  level.set_quantity(quantity);
  ASSIGN_OR_RETURN(std::vector<v1::Lot> lots, LotsInFefoOrder(store, site, product.product_id()));
  for (v1::Lot& lot : lots) {
    const bool dated = lot.expiry_kind() != v1::EXPIRY_KIND_UNSPECIFIED;
    if (!last_day.empty() && (!dated || lot.expiry_day() > last_day)) continue;
    *level.add_lots() = std::move(lot);
  }
  return level;
}

}  // namespace

// The catalogue, and the network's centres as this one knows them: itself and
// every centre whose events it holds (what sync has brought; the hub is not a
// centre).
absl::StatusOr<v1::Catalogue> Till::GetCatalogue() {
  ASSIGN_OR_RETURN(v1::Catalogue catalogue, ReadCatalogue(node_->store()));
  ASSIGN_OR_RETURN(v1::SyncStatus status, node_->Status());
  std::set<std::string> sites = {node_->Site()};
  for (const v1::OriginCount& origin : status.origins()) {
    if (origin.origin() != kHeadOfficeOrigin) sites.insert(origin.origin());
  }
  for (const std::string& site : sites) {
    v1::Centre* centre = catalogue.add_centres();
    centre->set_site(site);
    centre->set_name(CentreName(site));
  }
  return catalogue;
}

absl::StatusOr<v1::Product> Till::DefineLocalProduct(const v1::DefineLocalProductRequest& request) {
  if (absl::StripAsciiWhitespace(request.name()).empty() || request.name().size() > kMaxLabelBytes) {
    return absl::InvalidArgumentError("Indiquez le nom de l'article.");
  }
  if (request.reference_price_cents() < 0 || request.reference_price_cents() > kMaxPriceCents) {
    return absl::InvalidArgumentError("Prix boutique invalide.");
  }
  if (request.unit().size() > 20 || request.barcode().size() > 40) {
    return absl::InvalidArgumentError("Unité ou code-barres trop long.");
  }
  v1::Product product;
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<v1::Department> department,
                     FindDepartment(ctx.store(), request.department()));
    if (!department.has_value()) {
      return absl::NotFoundError(absl::StrCat("Rayon inconnu : « ", request.department(), " »."));
    }
    if (!request.barcode().empty()) {
      ASSIGN_OR_RETURN(std::optional<v1::Product> taken,
                       FindProductByBarcode(ctx.store(), request.barcode()));
      if (taken.has_value()) {
        return absl::AlreadyExistsError(absl::StrCat("Le code-barres ", request.barcode(),
                                                     " est déjà celui de ", taken->name(), "."));
      }
    }
    ASSIGN_OR_RETURN(uint64_t number, ctx.NextNumber("product"));
    product.set_product_id(LocalId(ctx.prefix(), 'P', number));
    product.set_name(std::string(absl::StripAsciiWhitespace(request.name())));
    product.set_department(department->code());
    product.set_reference_price_cents(request.reference_price_cents());
    product.set_unit(request.unit().empty() ? "pièce" : request.unit());
    product.set_barcode(request.barcode());
    product.set_defined_by(ctx.site());
    product.set_untracked(department->serves_persons());
    v1::EventCore core;
    *core.mutable_product_defined()->mutable_product() = product;
    return ctx.Append(std::move(core), nullptr).status();
  }));
  return product;
}

absl::StatusOr<v1::Lot> Till::ReceiveStock(const v1::ReceiveStockRequest& request) {
  if (request.quantity() <= 0 || request.quantity() > kMaxLotQuantity) {
    return absl::InvalidArgumentError(
        absl::StrCat("Quantité invalide : ", request.quantity(), " (entre 1 et ", kMaxLotQuantity, ")."));
  }
  const bool dated = request.expiry_kind() == v1::DLC || request.expiry_kind() == v1::DDM;
  if (!v1::ExpiryKind_IsValid(request.expiry_kind())) {
    return absl::InvalidArgumentError("Type de date invalide (DLC ou DDM).");
  }
  if (dated && !IsValidDay(request.expiry_day())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Indiquez la date ", request.expiry_kind() == v1::DLC ? "limite de consommation" : "de durabilité minimale",
        " (AAAA-MM-JJ)."));
  }
  if (!dated && !request.expiry_day().empty()) {
    return absl::InvalidArgumentError("Une date est donnée : précisez s'il s'agit d'une DLC ou d'une DDM.");
  }
  if (request.lot_number().size() > 40) return absl::InvalidArgumentError("Numéro de lot trop long.");
  v1::Lot lot;
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::Product product,
                     RequireProduct(ctx.store(), request.product_id(), request.barcode()));
    if (product.untracked()) {
      return absl::FailedPreconditionError(
          absl::StrCat(product.name(), " est une prestation : elle n'a pas de stock."));
    }
    if (request.expiry_kind() == v1::DLC && request.expiry_day() < ctx.today()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "DLC dépassée (", FrenchDay(request.expiry_day()), ") : ce lot ne peut pas être mis en vente."));
    }
    if (!request.donor_id().empty()) {
      ASSIGN_OR_RETURN(std::optional<v1::Donor> donor, FindDonor(ctx.store(), request.donor_id()));
      if (!donor.has_value()) {
        return absl::NotFoundError(absl::StrCat("Donateur inconnu : « ", request.donor_id(), " »."));
      }
    }
    ASSIGN_OR_RETURN(uint64_t number, ctx.NextNumber("lot"));
    v1::EventCore core;
    v1::StockReceived* received = core.mutable_stock_received();
    received->set_lot_id(LocalId(ctx.prefix(), 'L', number));
    received->set_product_id(product.product_id());
    received->set_quantity(request.quantity());
    received->set_donor_id(request.donor_id());
    received->set_lot_number(request.lot_number());
    received->set_expiry_kind(request.expiry_kind());
    received->set_expiry_day(request.expiry_day());
    received->set_received_day(ctx.today());
    received->set_reference_value_cents(product.reference_price_cents() * request.quantity());
    ASSIGN_OR_RETURN(DecodedEvent event, ctx.Append(std::move(core), nullptr));
    lot.set_lot_id(received->lot_id());
    const v1::StockReceived& stored = event.core().stock_received();
    lot.set_product_id(stored.product_id());
    lot.set_quantity_received(stored.quantity());
    lot.set_remaining(stored.quantity());
    lot.set_donor_id(stored.donor_id());
    lot.set_lot_number(stored.lot_number());
    lot.set_expiry_kind(stored.expiry_kind());
    lot.set_expiry_day(stored.expiry_day());
    lot.set_received_day(stored.received_day());
    lot.set_lot_id(stored.lot_id());
    return absl::OkStatus();
  }));
  return lot;
}

absl::StatusOr<v1::StockLevel> Till::AdjustStock(const v1::AdjustStockRequest& request) {
  if (request.delta() == 0 || request.delta() > kMaxLotQuantity || request.delta() < -kMaxLotQuantity) {
    return absl::InvalidArgumentError("Indiquez combien d'unités ajouter (+) ou retirer (-).");
  }
  if (!v1::AdjustmentReason_IsValid(request.reason()) ||
      request.reason() == v1::ADJUSTMENT_REASON_UNSPECIFIED) {
    return absl::InvalidArgumentError("Indiquez le motif : inventaire, périmé, abîmé ou autre.");
  }
  if ((request.reason() == v1::EXPIRED || request.reason() == v1::DAMAGED) && request.delta() > 0) {
    return absl::InvalidArgumentError("Un produit périmé ou abîmé se retire du stock (quantité négative).");
  }
  if (request.comment().size() > kMaxTextBytes) return absl::InvalidArgumentError("Commentaire trop long.");
  v1::Product product;
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(product, RequireProduct(ctx.store(), request.product_id(), ""));
    if (product.untracked()) {
      return absl::FailedPreconditionError(absl::StrCat(product.name(), " n'a pas de stock."));
    }
    if (!request.lot_id().empty()) {
      ASSIGN_OR_RETURN(std::optional<v1::Lot> lot, FindLot(ctx.store(), ctx.site(), request.lot_id()));
      if (!lot.has_value() || lot->product_id() != product.product_id()) {
        return absl::NotFoundError(absl::StrCat("Lot ", request.lot_id(), " introuvable pour ",
                                                product.name(), " dans ce centre."));
      }
      if (lot->remaining() + request.delta() < 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "Le lot ", request.lot_id(), " ne compte que ", lot->remaining(), " unité(s)."));
      }
    } else if (request.reason() == v1::EXPIRED) {
      return absl::InvalidArgumentError("Pour retirer un produit périmé, indiquez le lot concerné.");
    }
    v1::EventCore core;
    v1::StockAdjusted* adjusted = core.mutable_stock_adjusted();
    adjusted->set_product_id(product.product_id());
    adjusted->set_lot_id(request.lot_id());
    adjusted->set_delta(request.delta());
    adjusted->set_reason(request.reason());
    adjusted->set_day(ctx.today());
    // The comment is free text: personal part, kept at this centre and the hub.
    const std::optional<v1::PersonalPart> comment = PersonalNote(request.comment());
    return ctx.Append(std::move(core), comment.has_value() ? &*comment : nullptr).status();
  }));
  return LevelOf(node_->store(), node_->Site(), product, "");
}

absl::StatusOr<v1::StockReport> Till::GetStock(const v1::GetStockRequest& request) {
  const Store& store = node_->store();
  std::string last_day;
  if (request.expiring_within_days() > 0) {
    last_day = AddDays(node_->Today(), request.expiring_within_days()).value_or("");
  }
  v1::StockReport report;
  if (!request.product_id().empty()) {
    ASSIGN_OR_RETURN(v1::Product product, RequireProduct(store, request.product_id(), ""));
    ASSIGN_OR_RETURN(*report.add_products(), LevelOf(store, node_->Site(), product, last_day));
    return report;
  }
  ASSIGN_OR_RETURN(auto levels, StockLevels(store, node_->Site()));
  for (const auto& [product_id, quantity] : levels) {
    ASSIGN_OR_RETURN(std::optional<v1::Product> product, FindProduct(store, product_id));
    if (!product.has_value()) continue;
    ASSIGN_OR_RETURN(v1::StockLevel level, LevelOf(store, node_->Site(), *product, last_day));
    if (!last_day.empty() && level.lots().empty()) continue;
    *report.add_products() = std::move(level);
  }
  return report;
}

}  // namespace comptoir
