// Till commands: surplus and needs (what a centre offers the others, what it
// wants to keep), and the network's lists of both (common/transfer_view.h).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/catalogue_view.h"
#include "common/limits.h"
#include "common/status_macros.h"
#include "common/stock_view.h"
#include "common/transfer_view.h"
#include "node/till.h"

namespace comptoir {

absl::StatusOr<v1::Lot> Till::MarkSurplus(const v1::MarkSurplusRequest& request) {
  if (request.quantity() < 0) return absl::InvalidArgumentError("Quantité invalide.");
  v1::Lot lot;
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<v1::Lot> found, FindLot(ctx.store(), ctx.site(), request.lot_id()));
    if (!found.has_value()) {
      return absl::NotFoundError(absl::StrCat("Lot ", request.lot_id(), " introuvable dans ce centre."));
    }
    if (found->expiry_kind() == v1::DLC && found->expiry_day() < ctx.today()) {
      return absl::FailedPreconditionError("Ce lot a dépassé sa DLC : il ne peut pas être donné.");
    }
    lot = *found;
    v1::EventCore core;
    core.mutable_surplus_marked()->set_lot_id(found->lot_id());
    core.mutable_surplus_marked()->set_product_id(found->product_id());
    core.mutable_surplus_marked()->set_quantity(std::min(request.quantity(), found->remaining()));
    return ctx.Append(std::move(core), nullptr).status();
  }));
  return lot;
}

absl::StatusOr<v1::Need> Till::SetMinimum(const v1::SetMinimumRequest& request) {
  if (request.minimum() < 0 || request.minimum() > kMaxLotQuantity) {
    return absl::InvalidArgumentError("Minimum invalide.");
  }
  v1::Need need;
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<v1::Product> product, FindProduct(ctx.store(), request.product_id()));
    if (!product.has_value()) {
      return absl::NotFoundError(absl::StrCat("Produit inconnu : ", request.product_id(), "."));
    }
    ASSIGN_OR_RETURN(int64_t stock, StockOf(ctx.store(), ctx.site(), request.product_id()));
    need.set_site(ctx.site());
    need.set_product_id(product->product_id());
    need.set_product_name(product->name());
    need.set_stock(stock);
    need.set_minimum(request.minimum());
    need.set_missing(std::max<int64_t>(0, request.minimum() - stock));
    v1::EventCore core;
    core.mutable_minimum_set()->set_product_id(request.product_id());
    core.mutable_minimum_set()->set_minimum(request.minimum());
    return ctx.Append(std::move(core), nullptr).status();
  }));
  return need;
}

absl::StatusOr<v1::ListSurplusResponse> Till::ListSurplus() { return comptoir::ListSurplus(node_->store()); }
absl::StatusOr<v1::ListNeedsResponse> Till::ListNeeds() { return comptoir::ListNeeds(node_->store()); }

}  // namespace comptoir
