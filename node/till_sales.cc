// Till commands: sales, voids, receipts.
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/catalogue_view.h"
#include "common/civil_day.h"
#include "common/family_view.h"
#include "common/ids.h"
#include "common/keys.h"
#include "common/money.h"
#include "common/projection.h"
#include "common/status_macros.h"
#include "common/stock_view.h"
#include "common/view_io.h"
#include "node/receipt.h"
#include "node/till.h"

namespace comptoir {
namespace {

constexpr size_t kMaxRequestIdLength = 128;
constexpr int kMaxLines = 200;
constexpr int64_t kMaxQuantity = 100000;

// One requested line, whichever way it was given.
struct WantedLine {
  std::string product_id;
  std::string barcode;
  int64_t quantity = 0;
  uint32_t member_id = 0;
};

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
  if (request.request_id().size() > kMaxRequestIdLength) {
    return absl::InvalidArgumentError("request_id trop long (128 caractères au plus).");
  }
  if (lines.empty()) return absl::InvalidArgumentError("Le panier est vide.");
  if (lines.size() > static_cast<size_t>(kMaxLines)) {
    return absl::InvalidArgumentError(absl::StrCat("Un panier a au plus ", kMaxLines, " lignes."));
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
    if (line.quantity <= 0 || line.quantity > kMaxQuantity) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Ligne ", i + 1, " (", line.product_id.empty() ? line.barcode : line.product_id,
          ") : la quantité doit être entre 1 et ", kMaxQuantity, " (reçu ", line.quantity, ")."));
    }
  }
  return lines;
}

bool SameSale(const v1::SaleRecorded& recorded, const v1::RecordSaleRequest& request,
              const std::vector<WantedLine>& wanted) {
  if (recorded.family_id() != request.family_id() ||
      recorded.lines_size() != static_cast<int>(wanted.size())) {
    return false;
  }
  for (size_t i = 0; i < wanted.size(); ++i) {
    const v1::SaleLine& line = recorded.lines(static_cast<int>(i));
    const bool same_product =
        wanted[i].product_id.empty() || wanted[i].product_id == line.product_id();
    if (!same_product || line.quantity() != wanted[i].quantity) return false;
  }
  return true;
}

// What is left of the ceiling of the referral covering `day` after the
// family's spending that month; nullopt when no ceiling applies.
absl::StatusOr<std::optional<int64_t>> CeilingRemaining(const Store& store,
                                                        absl::string_view family_id,
                                                        absl::string_view day) {
  ASSIGN_OR_RETURN(std::vector<v1::ReferralView> referrals, ReferralsOf(store, family_id));
  std::optional<v1::ReferralView> referral = ReferralCovering(referrals, day);
  if (!referral.has_value() || referral->monthly_ceiling_cents() <= 0) {
    return std::optional<int64_t>();
  }
  ASSIGN_OR_RETURN(int64_t spent, SpentInMonth(store, family_id, MonthOf(day)));
  return std::optional<int64_t>(referral->monthly_ceiling_cents() - spent);
}

// The confirmed oversales of a priced sale, for the volunteer.
std::vector<std::string> ConfirmedWarnings(const v1::SaleRecorded& sale) {
  std::vector<std::string> warnings;
  for (const v1::RecordedLine& line : sale.recorded_lines()) {
    if (line.shortfall() > 0) {
      warnings.push_back(absl::StrCat("Stock négatif confirmé pour ", line.product_name(), " : ",
                                      line.shortfall(), " vendu(s) au-delà du stock enregistré."));
    }
  }
  return warnings;
}

v1::RecordSaleResponse ResponseFor(const DecodedEvent& event, std::optional<int64_t> remaining) {
  const v1::SaleRecorded& sale = event.core.sale_recorded();
  v1::RecordSaleResponse response;
  response.set_origin(event.core.origin());
  response.set_seq(event.core.seq());
  response.set_hlc(event.core.hlc());
  response.set_receipt_no(sale.receipt_no());
  response.set_reference_total_cents(sale.reference_total_cents());
  response.set_family_total_cents(sale.family_total_cents());
  response.set_saved_cents(sale.reference_total_cents() - sale.family_total_cents());
  if (remaining.has_value()) response.set_ceiling_remaining_cents(*remaining);
  for (std::string& warning : ConfirmedWarnings(sale)) response.add_warnings(std::move(warning));
  response.set_receipt_text(RenderReceipt(event.core, remaining, false));
  return response;
}

// The earlier result of a retried request, or an error if its key was used
// for another sale.
absl::StatusOr<v1::RecordSaleResponse> EarlierResult(const Store& store, const std::string& site,
                                                     uint64_t seq,
                                                     const v1::RecordSaleRequest& request,
                                                     const std::vector<WantedLine>& wanted) {
  ASSIGN_OR_RETURN(std::optional<std::string> core_bytes,
                   store.Get(Column::kEvents, EventKey(site, seq)));
  if (!core_bytes.has_value()) {
    return absl::DataLossError(absl::StrCat("request ", request.request_id(),
                                            " points to a missing event ", site, "/", seq));
  }
  v1::EventRecord record;
  record.set_core(*core_bytes);
  ASSIGN_OR_RETURN(DecodedEvent event, DecodeRecord(std::move(record)));
  if (!SameSale(event.core.sale_recorded(), request, wanted)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id '", request.request_id(), "' a déjà servi pour une autre vente (", site, "/",
        seq, ") ; utilisez un nouvel identifiant."));
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> remaining,
                   CeilingRemaining(store, request.family_id(), event.core.sale_recorded().day()));
  v1::RecordSaleResponse response = ResponseFor(event, remaining);
  response.set_duplicate(true);
  return response;
}

// A basket priced and checked against the rules, not yet numbered nor written.
struct PricedSale {
  v1::SaleRecorded sale;
  // What is left of the monthly ceiling after it; nullopt when no ceiling.
  std::optional<int64_t> remaining;
};

// Prices `wanted` for the family of `request` on `today` at `site`: family
// known, referral covering today, products sellable, member served where the
// department serves persons, lots earliest expiry first, ceiling. Returns the
// volunteer's French refusal when a rule says no. Reads `store` only.
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

}  // namespace

absl::StatusOr<v1::RecordSaleResponse> Till::RecordSale(const v1::RecordSaleRequest& original) {
  // Card ids are upper case ("hem-000001" typed at the till means HEM-000001).
  v1::RecordSaleRequest request = original;
  request.set_family_id(absl::AsciiStrToUpper(request.family_id()));
  ASSIGN_OR_RETURN(std::vector<WantedLine> wanted, WantedLines(request));
  v1::RecordSaleResponse response;
  RETURN_IF_ERROR(node_->Execute([&](CommandContext& ctx) -> absl::Status {
    const Store& store = ctx.store();
    if (!request.request_id().empty()) {
      ASSIGN_OR_RETURN(std::optional<std::string> seen,
                       store.Get(Column::kViews, RequestKey(request.request_id())));
      if (seen.has_value()) {
        ASSIGN_OR_RETURN(response, EarlierResult(store, ctx.site(),
                                                 ReadBigEndian64(*seen).value_or(0), request,
                                                 wanted));
        return absl::OkStatus();
      }
    }
    ASSIGN_OR_RETURN(PricedSale priced,
                     PriceSale(store, ctx.site(), ctx.today(), request, wanted));
    v1::SaleRecorded sale = std::move(priced.sale);
    const std::optional<int64_t> remaining = priced.remaining;
    const int year = YearOf(ctx.today());
    ASSIGN_OR_RETURN(uint64_t number, ctx.NextNumber(absl::StrCat("receipt-", year)));
    sale.set_receipt_no(ReceiptNo(ctx.prefix(), year, number));
    v1::EventCore core;
    *core.mutable_sale_recorded() = std::move(sale);
    ASSIGN_OR_RETURN(DecodedEvent event, ctx.Append(std::move(core), nullptr));
    if (!request.request_id().empty()) {
      std::string seq_value;
      AppendBigEndian64(&seq_value, event.core.seq());
      ctx.batch().Put(Column::kViews, RequestKey(request.request_id()), seq_value);
    }
    response = ResponseFor(event, remaining);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::SaleQuote> Till::QuoteSale(const v1::RecordSaleRequest& original) {
  v1::RecordSaleRequest request = original;
  request.set_family_id(absl::AsciiStrToUpper(request.family_id()));
  ASSIGN_OR_RETURN(std::vector<WantedLine> wanted, WantedLines(request));
  ASSIGN_OR_RETURN(PricedSale priced,
                   PriceSale(node_->store(), node_->Site(), node_->Today(), request, wanted));
  v1::SaleQuote quote;
  for (const v1::RecordedLine& line : priced.sale.recorded_lines()) *quote.add_lines() = line;
  quote.set_reference_total_cents(priced.sale.reference_total_cents());
  quote.set_family_total_cents(priced.sale.family_total_cents());
  quote.set_saved_cents(priced.sale.reference_total_cents() - priced.sale.family_total_cents());
  if (priced.remaining.has_value()) quote.set_ceiling_remaining_cents(*priced.remaining);
  for (std::string& warning : ConfirmedWarnings(priced.sale)) quote.add_warnings(std::move(warning));
  return quote;
}

absl::StatusOr<v1::VoidSaleResponse> Till::VoidSale(const v1::VoidSaleRequest& request) {
  if (request.receipt_no().empty()) {
    return absl::InvalidArgumentError("Indiquez le numéro du ticket à annuler.");
  }
  if (request.reason().size() > 500) {
    return absl::InvalidArgumentError("Motif trop long (500 caractères au plus).");
  }
  v1::VoidSaleResponse response;
  RETURN_IF_ERROR(node_->Execute([&](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<v1::SaleIndex> index,
                     FindReceipt(ctx.store(), request.receipt_no()));
    if (!index.has_value()) {
      return absl::NotFoundError(absl::StrCat("Ticket ", request.receipt_no(), " introuvable."));
    }
    if (index->origin() != ctx.site()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Le ticket ", request.receipt_no(), " a été émis par le centre ", index->origin(),
          " : seul ce centre peut l'annuler."));
    }
    if (index->voided()) {
      return absl::FailedPreconditionError(
          absl::StrCat("Le ticket ", request.receipt_no(), " est déjà annulé."));
    }
    ASSIGN_OR_RETURN(std::optional<std::string> core_bytes,
                     ctx.store().Get(Column::kEvents, EventKey(ctx.site(), index->seq())));
    v1::EventCore sale_core;
    if (!core_bytes.has_value() || !sale_core.ParseFromString(*core_bytes)) {
      return absl::DataLossError(absl::StrCat("sale of receipt ", request.receipt_no(),
                                              " is missing from the log"));
    }
    const v1::SaleRecorded& sale = sale_core.sale_recorded();
    v1::EventCore core;
    v1::SaleVoided* voided = core.mutable_sale_voided();
    voided->set_receipt_no(request.receipt_no());
    voided->set_sale_seq(index->seq());
    voided->set_reason(request.reason());
    voided->set_day(ctx.today());
    voided->set_family_id(sale.family_id());
    voided->set_sale_day(sale.day());
    voided->set_family_total_cents(sale.family_total_cents());
    voided->set_reference_total_cents(sale.reference_total_cents());
    ASSIGN_OR_RETURN(DecodedEvent event, ctx.Append(std::move(core), nullptr));
    response.set_receipt_no(request.receipt_no());
    response.set_void_seq(event.core.seq());
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::Receipt> Till::GetReceipt(const v1::GetReceiptRequest& request) {
  const Store& store = node_->store();
  ASSIGN_OR_RETURN(std::optional<v1::SaleIndex> index, FindReceipt(store, request.receipt_no()));
  if (!index.has_value()) {
    return absl::NotFoundError(absl::StrCat("Ticket ", request.receipt_no(), " introuvable."));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> core_bytes,
                   store.Get(Column::kEvents, EventKey(index->origin(), index->seq())));
  v1::EventCore core;
  if (!core_bytes.has_value() || !core.ParseFromString(*core_bytes)) {
    return absl::NotFoundError(absl::StrCat("Le détail du ticket ", request.receipt_no(),
                                            " n'est pas conservé dans ce centre."));
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> remaining,
                   CeilingRemaining(store, core.sale_recorded().family_id(),
                                    core.sale_recorded().day()));
  v1::Receipt receipt;
  receipt.set_receipt_no(request.receipt_no());
  receipt.set_voided(index->voided());
  receipt.set_text(RenderReceipt(core, remaining, index->voided()));
  return receipt;
}

}  // namespace comptoir
