#include "common/authority.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/ids.h"
#include "common/keys.h"
#include "common/status_macros.h"
#include "common/view_io.h"
#include "comptoir/v1/till.pb.h"
#include "comptoir/v1/views.pb.h"

namespace comptoir {
namespace {

absl::Status Forbidden(const v1::EventCore& core, absl::string_view why) {
  return absl::PermissionDeniedError(absl::StrCat("event ", core.origin(), "/", core.seq(), " (",
                                                  v1::EventCore::descriptor()
                                                      ->FindFieldByNumber(core.body_case())
                                                      ->name(),
                                                  "): ", why));
}

// Where the checks read: the store, through the batch being staged, and the
// claims remembered (may be null).
struct Reads {
  const Store& store;
  const Batch* batch;
  PrefixClaims* claims;
};

bool IsHeadOffice(const v1::EventCore& core) { return core.origin() == kHeadOfficeOrigin; }

// The prefix `site` has claimed, if any.
absl::StatusOr<std::optional<std::string>> ClaimedPrefix(const Store& store, const Batch* batch,
                                                         absl::string_view site) {
  return store.Get(Column::kViews, ViewKey({"siteprefix", site}), batch);
}

// OK when `id` (made by `core`'s origin, a centre) starts with that centre's
// card prefix: the one it claimed, or one no other centre has claimed.
absl::Status RequireOwnPrefix(const Reads& reads, const v1::EventCore& core, absl::string_view what,
                              absl::string_view id) {
  const Store& store = reads.store;
  const Batch* batch = reads.batch;
  const std::optional<std::string> prefix = CardPrefixOf(id);
  if (!prefix.has_value()) {
    return Forbidden(core, absl::StrCat(what, " '", id.substr(0, 40),
                                        "' does not start with a centre's card prefix"));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> own, reads.claims != nullptr
                                                      ? reads.claims->PrefixOf(store, batch, core.origin())
                                                      : ClaimedPrefix(store, batch, core.origin()));
  if (own.has_value()) {
    if (*own == *prefix) return absl::OkStatus();
    return Forbidden(core, absl::StrCat(what, " '", id, "' does not start with ", core.origin(),
                                        "'s card prefix ", *own, ": a centre writes only its own records"));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> owner,
                   store.Get(Column::kViews, ViewKey({"prefix", *prefix}), batch));
  if (owner.has_value() && *owner != core.origin()) {
    return Forbidden(core, absl::StrCat(what, " '", id, "' starts with ", *prefix,
                                        ", the card prefix of centre ", *owner,
                                        ": a centre writes only its own records (two centres "
                                        "cannot share a card prefix)"));
  }
  return absl::OkStatus();
}

// The id that carries the origin's card prefix, for the kinds that make one.
absl::string_view PrefixedId(const v1::EventCore& core) {
  switch (core.body_case()) {
    case v1::EventCore::kSaleRecorded:
      return core.sale_recorded().receipt_no();  // empty in early events
    case v1::EventCore::kSaleVoided:
      return core.sale_voided().receipt_no();
    case v1::EventCore::kFamilyRegistered:
      return core.family_registered().family_id();
    case v1::EventCore::kReferralGranted:
      return core.referral_granted().referral_id();
    case v1::EventCore::kProductDefined:
      return core.product_defined().product().product_id();
    case v1::EventCore::kStockReceived:
      return core.stock_received().lot_id();
    case v1::EventCore::kWorkshopScheduled:
      return core.workshop_scheduled().workshop_id();
    case v1::EventCore::kTransferProposed:
      return core.transfer_proposed().transfer_id();
    case v1::EventCore::kAccountCreated:
      return core.account_created().account_id();
    default:
      return {};
  }
}

absl::Status CheckVoid(const Reads& reads, const v1::EventCore& core) {
  const Store& store = reads.store;
  const Batch* batch = reads.batch;
  const v1::SaleVoided& voided = core.sale_voided();
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store.Get(Column::kEvents, EventKey(core.origin(), voided.sale_seq()), batch));
  v1::EventCore sale_core;
  if (!bytes.has_value() || !sale_core.ParseFromString(*bytes) || !sale_core.has_sale_recorded()) {
    return Forbidden(core, absl::StrCat("event ", core.origin(), "/", voided.sale_seq(),
                                        " is not a sale of ", core.origin(),
                                        ": a centre voids only its own sales"));
  }
  const v1::SaleRecorded& sale = sale_core.sale_recorded();
  if (sale.receipt_no() != voided.receipt_no() || sale.family_id() != voided.family_id() ||
      sale.day() != voided.sale_day() ||
      sale.family_total_cents() != voided.family_total_cents() ||
      sale.reference_total_cents() != voided.reference_total_cents()) {
    return Forbidden(core, absl::StrCat("the void does not name sale ", core.origin(), "/",
                                        voided.sale_seq(), " as it was recorded (receipt ",
                                        sale.receipt_no(), ", family ", sale.family_id(), ")"));
  }
  if (!voided.receipt_no().empty()) {
    ASSIGN_OR_RETURN(std::optional<v1::SaleIndex> index,
                     GetRecord<v1::SaleIndex>(store, ViewKey({"receipt", voided.receipt_no()}), batch));
    if (index.has_value() && index->voided()) {
      return Forbidden(core, absl::StrCat("receipt ", voided.receipt_no(), " is already voided"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCatalogueProduct(const Reads& reads, const v1::EventCore& core) {
  const Store& store = reads.store;
  const Batch* batch = reads.batch;
  if (IsHeadOffice(core)) return absl::OkStatus();
  const std::string& id = core.product_defined().product().product_id();
  ASSIGN_OR_RETURN(std::optional<v1::Product> held,
                   GetRecord<v1::Product>(store, ViewKey({"product", id}), batch));
  if (held.has_value() && held->defined_by() != core.origin()) {
    return Forbidden(core, absl::StrCat("product ", id, " belongs to ",
                                        held->defined_by() == kHeadOfficeOrigin
                                            ? std::string("head office's catalogue")
                                            : absl::StrCat("centre ", held->defined_by()),
                                        ": a centre defines only its own local items"));
  }
  return RequireOwnPrefix(reads, core, "product", id);
}

absl::Status CheckReferralChange(const Reads& reads, const v1::EventCore& core) {
  const Store& store = reads.store;
  const Batch* batch = reads.batch;
  const bool renewed = core.has_referral_renewed();
  const std::string& referral_id =
      renewed ? core.referral_renewed().referral_id() : core.referral_ended().referral_id();
  const std::string& family_id =
      renewed ? core.referral_renewed().family_id() : core.referral_ended().family_id();
  ASSIGN_OR_RETURN(std::optional<v1::ReferralRecord> held,
                   GetRecord<v1::ReferralRecord>(store, ViewKey({"referral", referral_id}), batch));
  // A referral not known yet (a hub restored from an old backup has not got
  // it back) changes nothing until it is: nothing to protect.
  if (held.has_value() && held->referral().family_id() != family_id) {
    return Forbidden(core, absl::StrCat("referral ", referral_id, " belongs to family ",
                                        held->referral().family_id(), ", not ", family_id));
  }
  return absl::OkStatus();
}

absl::Status CheckWorkshopSeat(const Reads& reads, const v1::EventCore& core) {
  const Store& store = reads.store;
  const Batch* batch = reads.batch;
  const std::string& id = core.has_workshop_registered() ? core.workshop_registered().workshop_id()
                                                         : core.workshop_attended().workshop_id();
  ASSIGN_OR_RETURN(std::optional<v1::WorkshopView> workshop,
                   GetRecord<v1::WorkshopView>(store, ViewKey({"workshop", id}), batch));
  if (workshop.has_value()) {
    if (workshop->site() == core.origin()) return absl::OkStatus();
    return Forbidden(core, absl::StrCat("workshop ", id, " is organised by ", workshop->site(),
                                        ": only its centre records its seats"));
  }
  return RequireOwnPrefix(reads, core, "workshop", id);
}

absl::Status CheckTransferStep(const Reads& reads, const v1::EventCore& core) {
  const Store& store = reads.store;
  const Batch* batch = reads.batch;
  const std::string& origin = core.origin();
  std::string id, source, destination;
  switch (core.body_case()) {
    case v1::EventCore::kTransferProposed:
      id = core.transfer_proposed().transfer_id();
      source = core.transfer_proposed().source();
      destination = core.transfer_proposed().destination();
      if (origin != source && origin != destination) {
        return Forbidden(core, "a transfer is proposed by its source or its destination");
      }
      break;
    case v1::EventCore::kTransferShipped:
      id = core.transfer_shipped().transfer_id();
      source = core.transfer_shipped().source();
      destination = core.transfer_shipped().destination();
      if (origin != source) return Forbidden(core, "a transfer is shipped by its source");
      break;
    case v1::EventCore::kTransferReceived:
      id = core.transfer_received().transfer_id();
      source = core.transfer_received().source();
      destination = core.transfer_received().destination();
      if (origin != destination) return Forbidden(core, "a transfer is received by its destination");
      break;
    case v1::EventCore::kTransferAnswered:
      id = core.transfer_answered().transfer_id();
      break;
    default:
      id = core.transfer_cancelled().transfer_id();
      break;
  }
  if (!source.empty() && source == destination) {
    return Forbidden(core, "a transfer's source and destination are two different centres");
  }
  ASSIGN_OR_RETURN(std::optional<v1::TransferView> held,
                   GetRecord<v1::TransferView>(store, ViewKey({"transfer", id}), batch));
  const bool known = held.has_value() && !held->source().empty();
  if (core.has_transfer_proposed()) {
    if (held.has_value() && !held->proposed_by().empty()) {
      return Forbidden(core, absl::StrCat("transfer ", id, " was already proposed"));
    }
    // Its shipment may be known first (a hub restored from an old backup gets
    // the parties' events back in any order): the parties must agree.
    if (known && (held->source() != source || held->destination() != destination)) {
      return Forbidden(core, absl::StrCat("transfer ", id, " goes from ", held->source(), " to ",
                                          held->destination(), ", not from ", source, " to ",
                                          destination));
    }
    return RequireOwnPrefix(reads, core, "transfer", id);
  }
  // A step of a transfer not known yet (its proposal is not back at a hub
  // restored from an old backup; a third centre sees only shipments and
  // receptions) is checked on what it says of itself.
  if (!known) return absl::OkStatus();
  if (!source.empty() && (held->source() != source || held->destination() != destination)) {
    return Forbidden(core, absl::StrCat("transfer ", id, " goes from ", held->source(), " to ",
                                        held->destination(), ", not from ", source, " to ",
                                        destination));
  }
  const bool party = origin == held->source() || origin == held->destination();
  if (!party) {
    return Forbidden(core, absl::StrCat("transfer ", id, " is between ", held->source(), " and ",
                                        held->destination(), ": only they act on it"));
  }
  if (core.has_transfer_answered() && !held->proposed_by().empty() &&
      origin == held->proposed_by()) {
    return Forbidden(core, absl::StrCat("transfer ", id,
                                        " is answered by the party that did not propose it"));
  }
  return absl::OkStatus();
}

// Head office writes any account. A centre creates and changes only the
// volunteers and coordinators of its own site (their ids under its prefix),
// never a head-office or statistics account, and never gives one of those
// roles.
absl::Status CheckAccountChange(const Reads& reads, const v1::EventCore& core) {
  if (IsHeadOffice(core)) return absl::OkStatus();
  auto centre_role = [](v1::Role role) {
    return role == v1::VOLUNTEER || role == v1::COORDINATOR;
  };
  if (core.has_account_created()) {
    const v1::AccountCreated& created = core.account_created();
    if (created.site() != core.origin()) {
      return Forbidden(core, absl::StrCat("a centre creates accounts of its own site only, not of ",
                                          created.site()));
    }
    if (!centre_role(created.role())) {
      return Forbidden(core, "only head office creates head-office or statistics accounts");
    }
    return RequireOwnPrefix(reads, core, "account", created.account_id());
  }
  const std::string& id = core.has_account_changed() ? core.account_changed().account_id()
                                                     : core.password_set().account_id();
  if (core.has_account_changed() && core.account_changed().has_role() &&
      !centre_role(core.account_changed().role())) {
    return Forbidden(core, "only head office gives the head-office or statistics role");
  }
  ASSIGN_OR_RETURN(std::optional<v1::AccountRecord> account,
                   GetRecord<v1::AccountRecord>(reads.store, ViewKey({"account", id}), reads.batch));
  if (!account.has_value() || account->site().empty()) {
    // Not known yet (its creation is not back at a restored hub): the id
    // must at least be one this centre makes.
    return RequireOwnPrefix(reads, core, "account", id);
  }
  if (account->site() != core.origin()) {
    return Forbidden(core, absl::StrCat("account ", id, " belongs to ", account->site(),
                                        ": a centre changes its own accounts only"));
  }
  return absl::OkStatus();
}

}  // namespace

Writer WriterOf(v1::EventCore::BodyCase body) {
  switch (body) {
    case v1::EventCore::kDepartmentDefined:
    case v1::EventCore::kPrescriberDefined:
    case v1::EventCore::kDonorDefined:
    case v1::EventCore::kRunningCostsSet:
      return Writer::kHeadOffice;
    case v1::EventCore::kProductDefined:
      return Writer::kCatalogue;
    case v1::EventCore::kSaleRecorded:
    case v1::EventCore::kFamilyRegistered:
    case v1::EventCore::kReferralGranted:
    case v1::EventCore::kStockReceived:
    case v1::EventCore::kStockAdjusted:
    case v1::EventCore::kSurplusMarked:
    case v1::EventCore::kMinimumSet:
    case v1::EventCore::kWorkshopScheduled:
      return Writer::kOwnCentre;
    case v1::EventCore::kSaleVoided:
      return Writer::kSaleCentre;
    case v1::EventCore::kFamilyUpdated:
    case v1::EventCore::kReferralRenewed:
    case v1::EventCore::kReferralEnded:
      return Writer::kAnyCentre;
    case v1::EventCore::kWorkshopRegistered:
    case v1::EventCore::kWorkshopAttended:
      return Writer::kWorkshopCentre;
    case v1::EventCore::kTransferProposed:
    case v1::EventCore::kTransferAnswered:
    case v1::EventCore::kTransferCancelled:
    case v1::EventCore::kTransferShipped:
    case v1::EventCore::kTransferReceived:
      return Writer::kTransferParty;
    case v1::EventCore::kAccountCreated:
    case v1::EventCore::kAccountChanged:
    case v1::EventCore::kPasswordSet:
      return Writer::kAccounts;
    case v1::EventCore::kFamilyErased:
      return Writer::kAnySite;
    case v1::EventCore::BODY_NOT_SET:
      return Writer::kUnknownKind;
  }
  return Writer::kUnknownKind;
}

absl::Status CheckWriter(const Store& store, const Batch* batch, const v1::EventCore& core,
                         PrefixClaims* claims) {
  const Reads reads{store, batch, claims};
  const Writer writer = WriterOf(core.body_case());
  if (writer == Writer::kUnknownKind) return absl::OkStatus();
  if (writer == Writer::kHeadOffice) {
    if (IsHeadOffice(core)) return absl::OkStatus();
    return Forbidden(core, "only head office writes the network's configuration");
  }
  if (writer == Writer::kAccounts) return CheckAccountChange(reads, core);
  if (writer == Writer::kAnySite) return absl::OkStatus();
  if (IsHeadOffice(core) && writer != Writer::kCatalogue) {
    return Forbidden(core, "head office does not write a centre's records");
  }
  switch (writer) {
    case Writer::kCatalogue:
      return CheckCatalogueProduct(reads, core);
    case Writer::kSaleCentre:
      RETURN_IF_ERROR(CheckVoid(reads, core));
      break;
    case Writer::kAnyCentre:
      if (!core.has_family_updated()) return CheckReferralChange(reads, core);
      return absl::OkStatus();
    case Writer::kWorkshopCentre:
      return CheckWorkshopSeat(reads, core);
    case Writer::kTransferParty:
      return CheckTransferStep(reads, core);
    default:
      break;
  }
  const absl::string_view id = PrefixedId(core);
  if (id.empty()) return absl::OkStatus();
  return RequireOwnPrefix(reads, core, "id", id);
}

absl::Status StageWriterFacts(const Store& store, Batch& batch, const v1::EventCore& core,
                              PrefixClaims* claims) {
  if (IsHeadOffice(core)) return absl::OkStatus();
  const absl::string_view id = PrefixedId(core);
  if (id.empty()) return absl::OkStatus();
  const std::optional<std::string> prefix = CardPrefixOf(id);
  if (!prefix.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::optional<std::string> own,
                   claims != nullptr ? claims->PrefixOf(store, &batch, core.origin())
                                     : ClaimedPrefix(store, &batch, core.origin()));
  if (own.has_value()) return absl::OkStatus();
  batch.Put(Column::kViews, ViewKey({"siteprefix", core.origin()}), *prefix);
  batch.Put(Column::kViews, ViewKey({"prefix", *prefix}), core.origin());
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> PrefixClaims::PrefixOf(const Store& store,
                                                                  const Batch* batch,
                                                                  absl::string_view site) {
  {
    absl::MutexLock lock(&mu_);
    if (auto known = prefix_of_.find(site); known != prefix_of_.end()) return known->second;
  }
  // What the store holds is durable: a claim is never changed or removed, so
  // it can be remembered for good. One only staged in `batch` cannot (its
  // write may still fail).
  ASSIGN_OR_RETURN(std::optional<std::string> stored, ClaimedPrefix(store, nullptr, site));
  if (stored.has_value()) {
    absl::MutexLock lock(&mu_);
    prefix_of_.emplace(std::string(site), *stored);
    return stored;
  }
  if (batch == nullptr) return stored;
  return ClaimedPrefix(store, batch, site);
}

absl::Status CheckOwnPrefix(const Store& store, const Batch* batch, const v1::EventCore& core,
                            absl::string_view what, absl::string_view id, PrefixClaims* claims) {
  return RequireOwnPrefix(Reads{store, batch, claims}, core, what, id);
}

absl::Status ForbiddenEvent(const v1::EventCore& core, absl::string_view why) {
  return Forbidden(core, why);
}

std::optional<std::string> CardPrefixOf(absl::string_view id) {
  const size_t dash = id.find('-');
  if (dash == absl::string_view::npos) return std::nullopt;
  absl::string_view prefix = id.substr(0, dash);
  if (!IsValidCardPrefix(prefix)) return std::nullopt;
  return std::string(prefix);
}

}  // namespace comptoir
