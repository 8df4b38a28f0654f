// Who may write what: the writer table. A valid credential proves a site,
// never a right to write another's records; this table is checked where an
// event arrives (the hub refuses a push that breaks it, every replica's folds
// ignore such an event: common/event_checks.h).
//
//   kind                                  writer
//   DepartmentDefined, PrescriberDefined,  head office ("hub") only
//   DonorDefined, RunningCostsSet
//   ProductDefined                        head office, any product; a centre,
//                                         its own local items (ids under its
//                                         card prefix), never another's barcode
//   SaleRecorded                          its centre (receipt under its prefix)
//   SaleVoided                            the centre of the sale, once, naming
//                                         the sale exactly as it was recorded
//   FamilyRegistered, ReferralGranted     the registering centre (ids under its
//                                         prefix)
//   FamilyUpdated, ReferralRenewed,       any centre (a family may shop at any
//   ReferralEnded                         centre; fields are last-writer-wins),
//                                         on the referral's own family
//   StockReceived, StockAdjusted,         the centre whose stock it is (folds key
//   SurplusMarked, MinimumSet             lots and counters by origin; new lots
//                                         under its prefix)
//   WorkshopScheduled                     its centre (id under its prefix)
//   WorkshopRegistered, WorkshopAttended  the workshop's centre
//   TransferProposed                      its source (an offer) or destination
//                                         (a request), id under its prefix
//   TransferAnswered                      the party that did not propose
//   TransferCancelled                     either party
//   TransferShipped                       the source
//   TransferReceived                      the destination
//   AccountCreated, AccountChanged,       head office, any account; a centre,
//   PasswordSet                           its own volunteers and coordinators
//                                         (ids under its prefix), never the
//                                         head-office or statistics role
//   a kind this build does not know       its origin (stored and forwarded,
//                                         never folded)
//
// Card prefixes ("HEM" in HEM-000123) belong to one site each: the first
// event of a site that makes an id claims that id's prefix for the site
// (views: "prefix" P -> site, "siteprefix" site -> P), and from then on no
// other site's id may start with it, nor that site's with another. Head
// office's ids (catalogue codes) are not prefixed.
#ifndef COMPTOIR_COMMON_AUTHORITY_H_
#define COMPTOIR_COMMON_AUTHORITY_H_

#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"

namespace comptoir {

// The origin of head office's events.
inline constexpr absl::string_view kHeadOfficeOrigin = "hub";

// Who writes a kind of event (the table above).
enum class Writer {
  kHeadOffice,     // "hub" only
  kCatalogue,      // head office, or a centre for its own local items
  kOwnCentre,      // the centre whose record it is (under its card prefix)
  kSaleCentre,     // the centre of the voided sale
  kAnyCentre,      // any centre (family profile fields, referral periods)
  kWorkshopCentre, // the centre of the workshop
  kTransferParty,  // one party of the transfer, by step
  kAccounts,       // head office, or a centre for its own volunteers and coordinators
  kAnySite,        // any centre or head office (a household's erasure)
  kUnknownKind,    // a kind this build cannot read: its origin
};
Writer WriterOf(v1::EventCore::BodyCase body);

// The card prefixes claimed in one replica's store, remembered once durable,
// so that checking the events of a catch-up does not read the claim of their
// origin again for each one. One per store (an EventLog holds it).
// Thread-safe.
class PrefixClaims {
 public:
  // The prefix `site` has claimed: remembered, else read from the store (and
  // remembered), else read through `batch` (staged, not remembered).
  absl::StatusOr<std::optional<std::string>> PrefixOf(const Store& store, const Batch* batch,
                                                      absl::string_view site);

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::string> prefix_of_ ABSL_GUARDED_BY(mu_);
};

// OK when `core`'s origin may write it, given what the replica's views hold
// (read through `batch` when given; `claims`, when given, remembers card
// prefixes). PermissionDenied with a sentence saying who may write it
// otherwise; an error of the store as it came.
absl::Status CheckWriter(const Store& store, const Batch* batch, const v1::EventCore& core,
                         PrefixClaims* claims = nullptr);

// Stages into `batch` what an accepted event establishes for later checks
// (the claim of its origin's card prefix). Call after CheckWriter passed.
absl::Status StageWriterFacts(const Store& store, Batch& batch, const v1::EventCore& core,
                              PrefixClaims* claims = nullptr);

// OK when `id` starts with the card prefix `core`'s origin has claimed, or
// with one no site has claimed yet; PermissionDenied (ForbiddenEvent, naming
// it `what`) otherwise.
absl::Status CheckOwnPrefix(const Store& store, const Batch* batch, const v1::EventCore& core,
                            absl::string_view what, absl::string_view id,
                            PrefixClaims* claims = nullptr);

// PermissionDenied for a refused event: "event hem/12 (sale_voided): <why>".
absl::Status ForbiddenEvent(const v1::EventCore& core, absl::string_view why);

// The card prefix of a site's id ("HEM" for "HEM-2026-000451"), or nullopt
// when the id does not start with a well-formed prefix and a '-'.
std::optional<std::string> CardPrefixOf(absl::string_view id);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_AUTHORITY_H_
