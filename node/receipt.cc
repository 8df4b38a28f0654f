#include "node/receipt.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/civil_day.h"
#include "common/money.h"
#include "common/network_defaults.h"

namespace comptoir {
namespace {

constexpr int kWidth = 40;

// Byte length over-counts UTF-8 accents; count code points for alignment.
int Columns(absl::string_view text) {
  int columns = 0;
  for (unsigned char c : text) columns += (c & 0xC0) != 0x80;
  return columns;
}

std::string Row(absl::string_view left, absl::string_view right) {
  if (right.empty()) return absl::StrCat(left, "\n");
  const int pad = std::max(1, kWidth - Columns(left) - Columns(right));
  return absl::StrCat(left, std::string(pad, ' '), right, "\n");
}

// "Famille Dupont, carte HEM-000123" (the card alone if the name is not held here).
std::string FamilyLine(absl::string_view card, const v1::FamilyRecord* family) {
  if (family == nullptr || family->family_name().empty()) return absl::StrCat("Carte ", card, "\n");
  return absl::StrCat("Famille ", family->family_name(), ", carte ", card, "\n");
}

// "  pour Léo": the person served, by first name (or number if not held here).
std::string ServedLine(uint32_t member_id, const v1::FamilyRecord* family) {
  if (family != nullptr) {
    auto name = family->first_names().find(member_id);
    if (name != family->first_names().end() && !name->second.empty()) {
      return absl::StrCat("  pour ", name->second, "\n");
    }
  }
  return absl::StrCat("  pour la personne n° ", member_id, "\n");
}

}  // namespace

const char* PaymentName(v1::PaymentMethod method) {
  switch (method) {
    case v1::CASH: return "espèces";
    case v1::CARD: return "carte";
    case v1::CHEQUE: return "chèque";
    case v1::OTHER_PAYMENT: return "autre";
    default: return "non précisé";
  }
}

std::string RenderReceipt(const v1::EventCore& core, const v1::FamilyRecord* family,
                          std::optional<int64_t> ceiling_remaining_cents, bool voided) {
  const v1::SaleRecorded& sale = core.sale_recorded();
  const std::string rule(kWidth, '-');
  std::string text = absl::StrCat("PACTE 59 - centre solidaire (", CentreName(core.origin()), ")\n");
  absl::StrAppend(&text, "Ticket ", sale.receipt_no(), " du ", FrenchDay(sale.day()), "\n");
  absl::StrAppend(&text, FamilyLine(sale.family_id(), family));
  if (voided) absl::StrAppend(&text, "*** VENTE ANNULÉE ***\n");
  absl::StrAppend(&text, rule, "\n");
  for (const v1::RecordedLine& line : sale.recorded_lines()) {
    const std::string name = line.product_name().empty() ? line.product_id() : line.product_name();
    absl::StrAppend(&text, Row(absl::StrCat(name, " x", line.quantity()),
                               FormatEuros(line.family_cents())));
    absl::StrAppend(&text, Row(absl::StrFormat("  prix boutique %s, remise %d %%",
                                               FormatEuros(line.reference_cents()),
                                               line.discount_bp() / 100),
                               ""));
    if (line.member_id() != 0) absl::StrAppend(&text, ServedLine(line.member_id(), family));
  }
  absl::StrAppend(&text, rule, "\n");
  absl::StrAppend(&text, Row("Total prix boutique", FormatEuros(sale.reference_total_cents())));
  absl::StrAppend(&text, Row("Vous payez", FormatEuros(sale.family_total_cents())));
  absl::StrAppend(&text, Row("Vous économisez",
                             FormatEuros(sale.reference_total_cents() - sale.family_total_cents())));
  if (ceiling_remaining_cents.has_value()) {
    absl::StrAppend(&text, Row("Reste sur le plafond du mois", FormatEuros(*ceiling_remaining_cents)));
  }
  absl::StrAppend(&text, "Paiement : ", PaymentName(sale.payment_method()), "\n");
  absl::StrAppend(&text, "Merci et à bientôt !\n");
  return text;
}

}  // namespace comptoir
