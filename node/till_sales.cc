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
#include "node/own_indexes.h"
#include "node/receipt.h"
#include "node/request_ids.h"
#include "node/sale_pricing.h"
#include "node/till.h"

namespace comptoir {
namespace {

// Whether `recorded` is what `request` asks for, as far as the event tells
// (family; each line's product when named, quantity and member served; payment
// method; a negative-stock confirmation): for keys whose request digest is not
// kept (node/request_ids.h). A barcode line matches whatever product it named.
bool SameSale(const v1::SaleRecorded& recorded, const v1::RecordSaleRequest& request,
              const std::vector<WantedLine>& wanted) {
  if (recorded.family_id() != request.family_id() ||
      recorded.payment_method() != request.payment_method() ||
      (recorded.negative_stock_confirmed() && !request.allow_negative_stock()) ||
      recorded.lines_size() != static_cast<int>(wanted.size())) {
    return false;
  }
  for (size_t i = 0; i < wanted.size(); ++i) {
    const v1::SaleLine& line = recorded.lines(static_cast<int>(i));
    const bool same_product =
        wanted[i].product_id.empty() || wanted[i].product_id == line.product_id();
    if (!same_product || line.quantity() != wanted[i].quantity) return false;
    // The member is recorded where the department serves persons only.
    if (i < static_cast<size_t>(recorded.recorded_lines_size())) {
      const uint32_t served = recorded.recorded_lines(static_cast<int>(i)).member_id();
      if (served != 0 && served != wanted[i].member_id) return false;
    }
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

// The receipt of the sale `core`, naming the household as this centre knows it.
absl::StatusOr<std::string> ReceiptText(const Store& store, const v1::EventCore& core,
                                        std::optional<int64_t> remaining, bool voided) {
  ASSIGN_OR_RETURN(std::optional<v1::FamilyRecord> family,
                   FindFamily(store, core.sale_recorded().family_id()));
  return RenderReceipt(core, family.has_value() ? &*family : nullptr, remaining, voided);
}

absl::StatusOr<v1::RecordSaleResponse> ResponseFor(const Store& store, const DecodedEvent& event,
                                                   std::optional<int64_t> remaining) {
  const v1::SaleRecorded& sale = event.core().sale_recorded();
  v1::RecordSaleResponse response;
  response.set_origin(event.core().origin());
  response.set_seq(event.core().seq());
  response.set_hlc(event.core().hlc());
  response.set_receipt_no(sale.receipt_no());
  response.set_reference_total_cents(sale.reference_total_cents());
  response.set_family_total_cents(sale.family_total_cents());
  response.set_saved_cents(sale.reference_total_cents() - sale.family_total_cents());
  if (remaining.has_value()) response.set_ceiling_remaining_cents(*remaining);
  for (std::string& warning : ConfirmedWarnings(sale)) response.add_warnings(std::move(warning));
  ASSIGN_OR_RETURN(*response.mutable_receipt_text(),
                   ReceiptText(store, event.core(), remaining, false));
  return response;
}

// The earlier result of a retried request, or ALREADY_EXISTS if its key was
// used for another sale: another request (by digest), or, without a digest,
// an event that does not match it.
absl::StatusOr<v1::RecordSaleResponse> EarlierResult(const Store& store, const std::string& site,
                                                     const EarlierRequest& earlier,
                                                     const v1::RecordSaleRequest& request,
                                                     const std::vector<WantedLine>& wanted) {
  const uint64_t seq = ReadBigEndian64(earlier.result).value_or(0);
  ASSIGN_OR_RETURN(std::optional<std::string> core_bytes,
                   store.Get(Column::kEvents, EventKey(site, seq)));
  if (!core_bytes.has_value()) {
    return absl::DataLossError(absl::StrCat("request ", request.request_id(),
                                            " points to a missing event ", site, "/", seq));
  }
  v1::EventRecord record;
  record.set_core(*core_bytes);
  ASSIGN_OR_RETURN(DecodedEvent event, DecodeRecord(std::move(record)));
  const bool same = earlier.digest.has_value()
                        ? *earlier.digest == RequestDigest(request)
                        : SameSale(event.core().sale_recorded(), request, wanted);
  if (!same) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id '", request.request_id(), "' a déjà servi pour une autre vente (", site, "/",
        seq, ") ; utilisez un nouvel identifiant."));
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> remaining,
                   CeilingRemaining(store, request.family_id(), event.core().sale_recorded().day()));
  ASSIGN_OR_RETURN(v1::RecordSaleResponse response, ResponseFor(store, event, remaining));
  response.set_duplicate(true);
  return response;
}

}  // namespace

absl::StatusOr<v1::RecordSaleResponse> Till::RecordSale(const v1::RecordSaleRequest& original) {
  // Card ids are upper case ("hem-000001" typed at the till means HEM-000001).
  v1::RecordSaleRequest request = original;
  request.set_family_id(absl::AsciiStrToUpper(request.family_id()));
  ASSIGN_OR_RETURN(std::vector<WantedLine> wanted, WantedLines(request));
  v1::RecordSaleResponse response;
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
    const Store& store = ctx.store();
    if (!request.request_id().empty()) {
      ASSIGN_OR_RETURN(std::optional<EarlierRequest> earlier,
                       FindEarlierRequest(store, request.request_id()));
      if (earlier.has_value()) {
        ASSIGN_OR_RETURN(response, EarlierResult(store, ctx.site(), *earlier, request, wanted));
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
    StageDaySale(ctx.batch(), event.core().sale_recorded());
    if (!request.request_id().empty()) {
      std::string seq_value;
      AppendBigEndian64(&seq_value, event.core().seq());
      RememberRequest(ctx.batch(), request.request_id(), seq_value, request);
    }
    ASSIGN_OR_RETURN(response, ResponseFor(store, event, remaining));
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
  RETURN_IF_ERROR(Execute([&](CommandContext& ctx) -> absl::Status {
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
    voided->set_day(ctx.today());
    voided->set_family_id(sale.family_id());
    voided->set_sale_day(sale.day());
    voided->set_family_total_cents(sale.family_total_cents());
    voided->set_reference_total_cents(sale.reference_total_cents());
    // The reason is free text: personal part, kept at this centre and the hub.
    const std::optional<v1::PersonalPart> reason = PersonalNote(request.reason());
    ASSIGN_OR_RETURN(DecodedEvent event,
                     ctx.Append(std::move(core), reason.has_value() ? &*reason : nullptr));
    response.set_receipt_no(request.receipt_no());
    response.set_void_seq(event.core().seq());
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
  ASSIGN_OR_RETURN(*receipt.mutable_text(), ReceiptText(store, core, remaining, index->voided()));
  return receipt;
}

}  // namespace comptoir
