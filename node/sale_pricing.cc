#include "node/sale_pricing.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/limits.h"
#include "common/catalogue_view.h"
#include "common/civil_day.h"
#include "common/family_view.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/status_macros.h"
#include "common/stock_view.h"

namespace comptoir {
namespace {


}  // namespace

absl::StatusOr<std::vector<WantedLine>> WantedLines(const v1::RecordSaleRequest& request) {
  std::vector<WantedLine> lines;
  for (const v1::SaleLine& line : request.lines()) {
    lines.push_back({line.product_id(), "", line.quantity(), 0});
  }
  for (const v1::SaleLineRequest& item : request.items()) {
    lines.push_back({item.product_id(), item.barcode(), item.quantity(), item.member_id()});
  }
  if (request.family_id().empty()) {
    return absl::InvalidArgumentError("Indiquez la carte de la famille (family_id).");
  }
  if (!IsWellFormedId(request.family_id())) {
    return absl::InvalidArgumentError(
        absl::StrCat("Numéro de carte mal formé : « ", request.family_id(), " »."));
  }
  if (request.request_id().size() > kMaxRequestIdBytes) {
    return absl::InvalidArgumentError("request_id trop long (128 caractères au plus).");
  }
  if (lines.empty()) return absl::InvalidArgumentError("Le panier est vide.");
  if (lines.size() > static_cast<size_t>(kMaxSaleLines)) {
    return absl::InvalidArgumentError(absl::StrCat("Un panier a au plus ", kMaxSaleLines, " lignes."));
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const WantedLine& line = lines[i];
    if (line.product_id.empty() == line.barcode.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Ligne ", i + 1, " : indiquez un produit ou un code-barres (un seul)."));
    }
    if (!IsWellFormedId(line.product_id.empty() ? line.barcode : line.product_id)) {
      return absl::InvalidArgumentError(absl::StrCat("Ligne ", i + 1, " : référence mal formée."));
    }
    if (line.quantity <= 0 || line.quantity > kMaxSaleQuantity) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Ligne ", i + 1, " (", line.product_id.empty() ? line.barcode : line.product_id,
          ") : la quantité doit être entre 1 et ", kMaxSaleQuantity, " (reçu ", line.quantity, ")."));
    }
  }
  return lines;
}

absl::StatusOr<PricedSale> PriceSale(const Store& store, const std::string& site,
                                     const std::string& today,
                                     const v1::RecordSaleRequest& request,
                                     const std::vector<WantedLine>& wanted) {
  ASSIGN_OR_RETURN(std::optional<v1::FamilyRecord> family,
                   FindFamily(store, request.family_id()));
  if (!family.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "Famille ", request.family_id(),
        " inconnue dans ce centre (carte mal saisie, ou inscrite ailleurs et pas encore "
        "reçue)."));
  }
  ASSIGN_OR_RETURN(std::vector<v1::ReferralView> referrals,
                   ReferralsOf(store, request.family_id()));
  std::optional<v1::ReferralView> referral = ReferralCovering(referrals, today);
  if (!referral.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "La famille ", request.family_id(), " n'a pas d'orientation valable aujourd'hui (",
        FrenchDay(today), ") : elle ne peut pas faire d'achat. Voir le prescripteur."));
  }

  v1::SaleRecorded sale;
  sale.set_family_id(request.family_id());
  sale.set_request_id(request.request_id());
  sale.set_payment_method(request.payment_method());
  sale.set_day(today);
  // Lots already planned by earlier lines of this basket.
  std::map<std::string, std::vector<v1::Lot>> lots_left;
  for (size_t i = 0; i < wanted.size(); ++i) {
    const WantedLine& want = wanted[i];
    std::optional<v1::Product> product;
    if (!want.product_id.empty()) {
      ASSIGN_OR_RETURN(product, FindProduct(store, want.product_id));
    } else {
      ASSIGN_OR_RETURN(product, FindProductByBarcode(store, want.barcode));
    }
    const std::string asked = want.product_id.empty() ? want.barcode : want.product_id;
    if (!product.has_value()) {
      return absl::NotFoundError(absl::StrCat("Produit inconnu : ", asked, "."));
    }
    if (product->withdrawn()) {
      return absl::FailedPreconditionError(
          absl::StrCat("Le produit ", product->name(), " n'est plus en vente."));
    }
    ASSIGN_OR_RETURN(std::optional<v1::Department> department,
                     FindDepartment(store, product->department()));
    if (!department.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Le rayon « ", product->department(), " » du produit ", product->name(),
          " n'est pas configuré dans ce centre."));
    }
    if (department->serves_persons()) {
      bool known = false;
      for (const v1::Member& member : family->members()) known |= member.member_id() == want.member_id;
      if (want.member_id == 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Ligne ", i + 1, " (", product->name(), ") : indiquez la personne du foyer servie."));
      }
      if (!known) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Ligne ", i + 1, " (", product->name(), ") : la personne n° ", want.member_id,
            " ne fait pas partie du foyer ", request.family_id(), "."));
      }
    }
    v1::RecordedLine* line = sale.add_recorded_lines();
    line->set_product_id(product->product_id());
    line->set_product_name(product->name());
    line->set_quantity(want.quantity);
    line->set_department(department->code());
    line->set_unit_price_cents(product->reference_price_cents());
    line->set_reference_cents(product->reference_price_cents() * want.quantity);
    line->set_discount_bp(department->discount_bp());
    line->set_family_cents(FamilyPriceCents(line->reference_cents(), department->discount_bp()));
    if (department->serves_persons()) line->set_member_id(want.member_id);
    v1::SaleLine* simple = sale.add_lines();
    simple->set_product_id(product->product_id());
    simple->set_quantity(want.quantity);

    if (!product->untracked()) {
      auto lots = lots_left.find(product->product_id());
      if (lots == lots_left.end()) {
        ASSIGN_OR_RETURN(std::vector<v1::Lot> fefo,
                         LotsInFefoOrder(store, site, product->product_id()));
        lots = lots_left.emplace(product->product_id(), std::move(fefo)).first;
      }
      FefoPlan plan = PlanFefo(lots->second, want.quantity, today);
      for (const v1::LotTake& take : plan.takes) {
        *line->add_lots() = take;
        for (v1::Lot& lot : lots->second) {
          if (lot.lot_id() == take.lot_id()) lot.set_remaining(lot.remaining() - take.quantity());
        }
      }
      if (plan.shortfall > 0) {
        if (!request.allow_negative_stock()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "Stock insuffisant pour ", product->name(), " : il manque ", plan.shortfall,
              " unité(s)",
              plan.past_dlc > 0
                  ? absl::StrCat(" (", plan.past_dlc,
                                 " unité(s) en stock ont dépassé leur DLC : à retirer, pas à vendre)")
                  : "",
              ". Vérifiez le rayon ; si le stock enregistré est faux, confirmez pour vendre "
              "quand même."));
        }
        line->set_shortfall(plan.shortfall);
        sale.set_negative_stock_confirmed(true);
      }
    }
    sale.set_reference_total_cents(sale.reference_total_cents() + line->reference_cents());
    sale.set_family_total_cents(sale.family_total_cents() + line->family_cents());
  }

  PricedSale priced;
  if (referral->monthly_ceiling_cents() > 0) {
    ASSIGN_OR_RETURN(int64_t spent,
                     SpentInMonth(store, request.family_id(), MonthOf(today)));
    const int64_t left = referral->monthly_ceiling_cents() - spent;
    if (sale.family_total_cents() > left) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Plafond mensuel dépassé : la famille a déjà dépensé ", FormatEuros(spent),
          " ce mois-ci sur un plafond de ", FormatEuros(referral->monthly_ceiling_cents()),
          " ; ce panier coûte ", FormatEuros(sale.family_total_cents()), " et il reste ",
          FormatEuros(std::max<int64_t>(left, 0)), "."));
    }
    priced.remaining = left - sale.family_total_cents();
  }
  priced.sale = std::move(sale);
  return priced;
}

}  // namespace comptoir
