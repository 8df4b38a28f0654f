#include "common/event_checks.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/account_view.h"
#include "common/authority.h"
#include "common/civil_day.h"
#include "common/ids.h"
#include "common/operator_check.h"
#include "common/keys.h"
#include "common/limits.h"
#include "common/money.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

// Collects the first value out of its limits; later checks then do nothing.
class Limits {
 public:
  void Range(absl::string_view what, int64_t value, int64_t low, int64_t high) {
    if (!first_.empty() || (value >= low && value <= high)) return;
    first_ = absl::StrCat(what, " is ", value, ", outside ", low, "..", high);
  }
  void Text(absl::string_view what, absl::string_view text, size_t max_bytes) {
    if (!first_.empty() || text.size() <= max_bytes) return;
    first_ = absl::StrCat(what, " holds ", text.size(), " bytes, more than ", max_bytes);
  }
  // An id of a record or a catalogue entry; empty is left to the folds.
  void Id(absl::string_view what, absl::string_view id) {
    if (!first_.empty() || id.empty() || IsWellFormedId(id)) return;
    first_ = absl::StrCat(what, " is not a well-formed id (1 to 40 letters, digits, '-', '_', '.')");
  }
  // The id of the record an event makes or changes: never empty.
  void RequiredId(absl::string_view what, absl::string_view id) {
    if (!first_.empty()) return;
    if (id.empty()) {
      first_ = absl::StrCat(what, " has no id");
      return;
    }
    Id(what, id);
  }
  void Site(absl::string_view what, absl::string_view site) {
    if (!first_.empty() || IsValidSiteId(site)) return;
    first_ = absl::StrCat(what, " '", site.substr(0, 40), "' is not a site id");
  }
  // A civil day "YYYY-MM-DD"; empty is allowed (early events have none).
  void Day(absl::string_view what, absl::string_view day) {
    if (!first_.empty() || day.empty() || IsValidDay(day)) return;
    first_ = absl::StrCat(what, " '", day.substr(0, 40), "' is not a day (YYYY-MM-DD)");
  }
  void Count(absl::string_view what, int count, int max) {
    if (!first_.empty() || count <= max) return;
    first_ = absl::StrCat(what, ": ", count, ", more than ", max);
  }
  void Login(absl::string_view login) {
    if (!first_.empty() || IsValidLogin(login)) return;
    first_ = "the login is not 1 to 64 of a-z, 0-9, '.', '_', '-'";
  }
  // An Argon2id hash as libsodium writes it, never a password in clear.
  void PasswordHash(absl::string_view hash) {
    if (!first_.empty() || (absl::StartsWith(hash, "$argon2id$") && hash.size() <= 256)) return;
    first_ = "the password hash is not an Argon2id hash";
  }
  absl::Status Result(const v1::EventCore& core) const {
    if (first_.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("event ", core.origin(), "/", core.seq(), ": ", first_));
  }

 private:
  std::string first_;
};

void CheckSale(const v1::SaleRecorded& sale, Limits& limits) {
  limits.Id("the sale's family", sale.family_id());
  limits.Text("the sale's request id", sale.request_id(), kMaxRequestIdBytes);
  limits.Text("the receipt number", sale.receipt_no(), 40);
  limits.Day("the sale's day", sale.day());
  limits.Count("sale lines", sale.lines_size(), kMaxSaleLines);
  limits.Count("recorded sale lines", sale.recorded_lines_size(), kMaxSaleLines);
  for (const v1::SaleLine& line : sale.lines()) {
    limits.Id("a sale line's product", line.product_id());
    limits.Range("a sale line's quantity", line.quantity(), 1, kMaxSaleQuantity);
  }
  constexpr int64_t kMaxLineCents = kMaxPriceCents * kMaxSaleQuantity;
  for (const v1::RecordedLine& line : sale.recorded_lines()) {
    limits.Id("a sale line's product", line.product_id());
    limits.Range("a sale line's quantity", line.quantity(), 1, kMaxSaleQuantity);
    limits.Range("a sale line's unit price", line.unit_price_cents(), 0, kMaxPriceCents);
    limits.Range("a sale line's shop value", line.reference_cents(), 0, kMaxLineCents);
    limits.Range("a sale line's amount paid", line.family_cents(), 0, line.reference_cents());
    limits.Range("a sale line's discount", line.discount_bp(), 0, kFullRateBp);
    limits.Range("a sale line's shortfall", line.shortfall(), 0, line.quantity());
    limits.Text("a sale line's product name", line.product_name(), kMaxLabelBytes);
    limits.Count("lots of a sale line", line.lots_size(), kMaxSaleLines);
    for (const v1::LotTake& take : line.lots()) {
      limits.Id("a sale line's lot", take.lot_id());
      limits.Range("units taken from a lot", take.quantity(), 1, line.quantity());
    }
  }
  constexpr int64_t kMaxSaleCents = kMaxLineCents * kMaxSaleLines;
  limits.Range("the sale's shop value", sale.reference_total_cents(), 0, kMaxSaleCents);
  limits.Range("the sale's amount paid", sale.family_total_cents(), 0,
               sale.reference_total_cents());
}

void CheckVoid(const v1::SaleVoided& voided, Limits& limits) {
  limits.Text("the voided receipt number", voided.receipt_no(), 40);
  limits.Day("the void's day", voided.day());
  limits.Day("the voided sale's day", voided.sale_day());
  limits.Id("the voided sale's family", voided.family_id());
  constexpr int64_t kMaxSaleCents = kMaxPriceCents * kMaxSaleQuantity * kMaxSaleLines;
  limits.Range("the voided sale's shop value", voided.reference_total_cents(), 0, kMaxSaleCents);
  limits.Range("the voided sale's amount paid", voided.family_total_cents(), 0,
               voided.reference_total_cents());
}

void CheckMembers(const google::protobuf::RepeatedPtrField<v1::Member>& members,
                  Limits& limits) {
  limits.Count("members of a household", members.size(), kMaxMembers);
  for (const v1::Member& member : members) {
    limits.Range("a member's id", member.member_id(), 1, 1000);
    if (member.birth_year() != 0) limits.Range("a member's birth year", member.birth_year(), 1880, 2200);
  }
}

void CheckFamily(const v1::EventCore& core, Limits& limits) {
  switch (core.body_case()) {
    case v1::EventCore::kFamilyRegistered: {
      const v1::FamilyRegistered& family = core.family_registered();
      limits.RequiredId("the family", family.family_id());
      limits.Text("the reste-à-vivre band", family.reste_a_vivre_band(), 32);
      limits.Text("the postcode", family.postcode(), 10);
      limits.Day("the registration's day", family.day());
      limits.Id("the information notice's version", family.notice_version());
      limits.Count("income sources", family.income_sources_size(), 16);
      CheckMembers(family.members(), limits);
      break;
    }
    case v1::EventCore::kFamilyUpdated: {
      const v1::FamilyUpdated& update = core.family_updated();
      limits.RequiredId("the family", update.family_id());
      limits.Text("the reste-à-vivre band", update.reste_a_vivre_band(), 32);
      limits.Text("the postcode", update.postcode(), 10);
      limits.Id("the information notice's version", update.notice_version());
      limits.Day("the day the notice was given", update.notice_day());
      limits.Count("income sources", update.income_sources().sources_size(), 16);
      CheckMembers(update.members().members(), limits);
      break;
    }
    case v1::EventCore::kReferralGranted: {
      const v1::ReferralGranted& granted = core.referral_granted();
      limits.RequiredId("the referral", granted.referral_id());
      limits.Id("the referral's family", granted.family_id());
      limits.Id("the prescriber", granted.prescriber_id());
      limits.Day("the referral's start", granted.start_day());
      limits.Day("the referral's end", granted.end_day());
      limits.Range("the monthly ceiling", granted.monthly_ceiling_cents(), 0, kMaxCeilingCents);
      break;
    }
    case v1::EventCore::kReferralRenewed: {
      const v1::ReferralRenewed& renewed = core.referral_renewed();
      limits.RequiredId("the referral", renewed.referral_id());
      limits.Id("the referral's family", renewed.family_id());
      limits.Day("the referral's end", renewed.end_day());
      limits.Day("the renewal's day", renewed.day());
      if (renewed.has_monthly_ceiling_cents()) {
        limits.Range("the monthly ceiling", renewed.monthly_ceiling_cents(), 0, kMaxCeilingCents);
      }
      break;
    }
    case v1::EventCore::kReferralEnded: {
      const v1::ReferralEnded& ended = core.referral_ended();
      limits.RequiredId("the referral", ended.referral_id());
      limits.Id("the referral's family", ended.family_id());
      limits.Day("the referral's end", ended.end_day());
      break;
    }
    case v1::EventCore::kFamilyErased: {
      const v1::FamilyErased& erased = core.family_erased();
      limits.RequiredId("the family", erased.family_id());
      limits.Day("the erasure's day", erased.day());
      limits.Range("the erasure's cause", static_cast<int64_t>(erased.cause()), 1, 2);
      break;
    }
    default:
      break;
  }
}

void CheckCatalogue(const v1::EventCore& core, Limits& limits) {
  switch (core.body_case()) {
    case v1::EventCore::kDepartmentDefined: {
      const v1::Department& department = core.department_defined().department();
      limits.RequiredId("the department", department.code());
      limits.Text("the department's name", department.name(), kMaxLabelBytes);
      limits.Range("the discount", department.discount_bp(), 0, kFullRateBp);
      break;
    }
    case v1::EventCore::kProductDefined: {
      const v1::Product& product = core.product_defined().product();
      limits.RequiredId("the product", product.product_id());
      limits.Text("the product's name", product.name(), kMaxLabelBytes);
      limits.Id("the product's department", product.department());
      limits.Range("the product's price", product.reference_price_cents(), 0, kMaxPriceCents);
      limits.Text("the product's unit", product.unit(), 20);
      limits.Text("the product's barcode", product.barcode(), 40);
      limits.Text("the product's author", product.defined_by(), 32);
      break;
    }
    case v1::EventCore::kPrescriberDefined:
      limits.RequiredId("the prescriber", core.prescriber_defined().prescriber().prescriber_id());
      limits.Text("the prescriber's name", core.prescriber_defined().prescriber().name(),
                  kMaxLabelBytes);
      break;
    case v1::EventCore::kDonorDefined:
      limits.RequiredId("the donor", core.donor_defined().donor().donor_id());
      limits.Text("the donor's name", core.donor_defined().donor().name(), kMaxLabelBytes);
      break;
    case v1::EventCore::kRunningCostsSet: {
      const v1::RunningCostsSet& costs = core.running_costs_set();
      limits.Site("the running costs' centre", costs.site());
      limits.Range("the year", costs.year(), 2000, 2200);
      limits.Range("the running costs", costs.amount_cents(), 0, kMaxRunningCostsCents);
      break;
    }
    default:
      break;
  }
}

void CheckLot(const v1::ShippedLot& lot, Limits& limits) {
  limits.Id("a lot's product", lot.product_id());
  limits.Id("a lot", lot.lot_id());
  limits.Range("a lot's units", lot.quantity(), 1, kMaxLotQuantity);
  limits.Id("a lot's donor", lot.donor_id());
  limits.Text("a lot's number", lot.lot_number(), 40);
  limits.Day("a lot's date", lot.expiry_day());
}

void CheckStockAndTransfers(const v1::EventCore& core, Limits& limits) {
  switch (core.body_case()) {
    case v1::EventCore::kStockReceived: {
      const v1::StockReceived& received = core.stock_received();
      limits.RequiredId("the lot", received.lot_id());
      limits.Id("the lot's product", received.product_id());
      limits.Range("the lot's units", received.quantity(), 1, kMaxLotQuantity);
      limits.Id("the donor", received.donor_id());
      limits.Text("the lot number", received.lot_number(), 40);
      limits.Day("the lot's date", received.expiry_day());
      limits.Day("the reception's day", received.received_day());
      limits.Range("the lot's shop value", received.reference_value_cents(), 0,
                   kMaxPriceCents * kMaxLotQuantity);
      break;
    }
    case v1::EventCore::kStockAdjusted: {
      const v1::StockAdjusted& adjusted = core.stock_adjusted();
      limits.Id("the adjusted product", adjusted.product_id());
      limits.Id("the adjusted lot", adjusted.lot_id());
      limits.Range("the adjustment", adjusted.delta(), -kMaxLotQuantity, kMaxLotQuantity);
      limits.Day("the adjustment's day", adjusted.day());
      break;
    }
    case v1::EventCore::kSurplusMarked:
      limits.Id("the surplus lot", core.surplus_marked().lot_id());
      limits.Id("the surplus product", core.surplus_marked().product_id());
      limits.Range("the surplus", core.surplus_marked().quantity(), 0, kMaxLotQuantity);
      break;
    case v1::EventCore::kMinimumSet:
      limits.Id("the product", core.minimum_set().product_id());
      limits.Range("the minimum", core.minimum_set().minimum(), 0, kMaxLotQuantity);
      break;
    case v1::EventCore::kTransferProposed: {
      const v1::TransferProposed& proposed = core.transfer_proposed();
      limits.RequiredId("the transfer", proposed.transfer_id());
      limits.Site("the transfer's source", proposed.source());
      limits.Site("the transfer's destination", proposed.destination());
      limits.Count("transfer items", proposed.items_size(), kMaxTransferItems);
      for (const v1::TransferItem& item : proposed.items()) {
        limits.Id("a transfer item's product", item.product_id());
        limits.Range("a transfer item's units", item.quantity(), 1, kMaxLotQuantity);
      }
      break;
    }
    case v1::EventCore::kTransferAnswered:
      limits.RequiredId("the transfer", core.transfer_answered().transfer_id());
      break;
    case v1::EventCore::kTransferCancelled:
      limits.RequiredId("the transfer", core.transfer_cancelled().transfer_id());
      break;
    case v1::EventCore::kTransferShipped: {
      const v1::TransferShipped& shipped = core.transfer_shipped();
      limits.RequiredId("the transfer", shipped.transfer_id());
      limits.Site("the transfer's source", shipped.source());
      limits.Site("the transfer's destination", shipped.destination());
      limits.Day("the shipment's day", shipped.day());
      limits.Count("shipped lots", shipped.lots_size(), kMaxTransferItems * 10);
      for (const v1::ShippedLot& lot : shipped.lots()) CheckLot(lot, limits);
      break;
    }
    case v1::EventCore::kTransferReceived: {
      const v1::TransferReceived& received = core.transfer_received();
      limits.RequiredId("the transfer", received.transfer_id());
      limits.Site("the transfer's source", received.source());
      limits.Site("the transfer's destination", received.destination());
      limits.Day("the reception's day", received.day());
      limits.Count("received items", received.items_size(), kMaxTransferItems);
      for (const v1::ReceivedItem& item : received.items()) {
        limits.Id("a received item's product", item.product_id());
        limits.Range("units arrived", item.arrived(), 0, kMaxLotQuantity);
        limits.Range("units damaged", item.damaged(), 0, item.arrived());
        limits.Count("new lots of a received item", item.new_lots_size(), kMaxTransferItems * 10);
        for (const v1::ShippedLot& lot : item.new_lots()) CheckLot(lot, limits);
      }
      break;
    }
    default:
      break;
  }
}

void CheckAccount(const v1::EventCore& core, Limits& limits) {
  switch (core.body_case()) {
    case v1::EventCore::kAccountCreated:
      limits.RequiredId("the account", core.account_created().account_id());
      limits.Login(core.account_created().login());
      limits.Site("the account's site", core.account_created().site());
      break;
    case v1::EventCore::kAccountChanged:
      limits.RequiredId("the account", core.account_changed().account_id());
      break;
    case v1::EventCore::kPasswordSet:
      limits.RequiredId("the account", core.password_set().account_id());
      limits.PasswordHash(core.password_set().password_hash());
      break;
    default:
      break;
  }
}

void CheckWorkshop(const v1::EventCore& core, Limits& limits) {
  switch (core.body_case()) {
    case v1::EventCore::kWorkshopScheduled:
      limits.RequiredId("the workshop", core.workshop_scheduled().workshop_id());
      limits.Text("the workshop's theme", core.workshop_scheduled().theme(), kMaxLabelBytes);
      limits.Day("the workshop's day", core.workshop_scheduled().day());
      limits.Range("the workshop's places", core.workshop_scheduled().places(), 0,
                   kMaxWorkshopPlaces);
      break;
    case v1::EventCore::kWorkshopRegistered:
      limits.RequiredId("the workshop", core.workshop_registered().workshop_id());
      limits.Id("the family", core.workshop_registered().family_id());
      break;
    case v1::EventCore::kWorkshopAttended:
      limits.RequiredId("the workshop", core.workshop_attended().workshop_id());
      limits.Id("the family", core.workshop_attended().family_id());
      break;
    default:
      break;
  }
}

}  // namespace

// The texts of a personal part (the till's free texts, names, a project).
void CheckPersonal(const v1::EventCore& core, const v1::PersonalPart& personal, Limits& limits) {
  limits.Text("the personal part's note", personal.note(), kMaxTextBytes);
  limits.Text("the family name", personal.family_name(), kMaxNameBytes);
  limits.Count("first names", personal.member_first_names_size(), kMaxMembers);
  for (const auto& [member, first_name] : personal.member_first_names()) {
    limits.Text("a first name", first_name, kMaxNameBytes);
  }
  limits.Text("the referral's project", personal.project(), kMaxProjectBytes);
  // One reason per received item at most.
  limits.Count("received items' reasons", personal.item_reasons_size(),
               core.has_transfer_received() ? core.transfer_received().items_size() : 0);
  for (const std::string& reason : personal.item_reasons()) {
    limits.Text("a received item's reason", reason, kMaxTextBytes);
  }
}

absl::Status CheckEventValues(const v1::EventCore& core, size_t event_bytes) {
  if (event_bytes > kMaxEventBytes) {
    return absl::InvalidArgumentError(absl::StrCat("event ", core.origin(), "/", core.seq(),
                                                   " holds ", event_bytes,
                                                   " bytes, more than an event may (",
                                                   kMaxEventBytes, ")"));
  }
  Limits limits;
  limits.Id("operator_id", core.operator_id());
  switch (core.body_case()) {
    case v1::EventCore::kSaleRecorded:
      CheckSale(core.sale_recorded(), limits);
      break;
    case v1::EventCore::kSaleVoided:
      CheckVoid(core.sale_voided(), limits);
      break;
    default:
      CheckFamily(core, limits);
      CheckCatalogue(core, limits);
      CheckStockAndTransfers(core, limits);
      CheckWorkshop(core, limits);
      CheckAccount(core, limits);
      break;
  }
  return limits.Result(core);
}

absl::Status CheckPersonalValues(const v1::EventCore& core, absl::string_view personal_bytes) {
  if (personal_bytes.empty()) return absl::OkStatus();
  v1::PersonalPart personal;
  if (!personal.ParseFromString(std::string(personal_bytes))) {
    return absl::InvalidArgumentError(absl::StrCat("event ", core.origin(), "/", core.seq(),
                                                   " carries a personal part that does not parse"));
  }
  Limits limits;
  CheckPersonal(core, personal, limits);
  return limits.Result(core);
}

absl::Status CheckEvent(const Store& store, const Batch* batch, const DecodedEvent& event,
                        PrefixClaims* claims) {
  const size_t event_bytes = event.record().core().size() + event.record().personal().size();
  if (FormatOf(event.core()) > kEventFormat) {
    // A newer build's event: this one cannot know its fields' limits or
    // writers. Like an unknown kind, only its size is checked; no replica of
    // this build folds it (EventLog::Stage).
    if (event_bytes <= kMaxEventBytes) return absl::OkStatus();
    return CheckEventValues(event.core(), event_bytes);  // refuses on the size alone
  }
  RETURN_IF_ERROR(CheckEventValues(event.core(), event_bytes));
  RETURN_IF_ERROR(CheckPersonalValues(event.core(), event.record().personal()));
  RETURN_IF_ERROR(CheckWriter(store, batch, event.core(), claims));
  return CheckOperator(store, batch, event.core(), claims);
}

}  // namespace comptoir
