// Families, referrals and monthly spending as a replica knows them.
//
// Family fields are last-writer-wins registers, each with the (hlc, origin)
// stamp of the write it holds: a write replaces a field only if its stamp is
// greater, so replicas converge whatever the order in which they receive
// edits made at several centres. Referral end days and ceilings work the
// same way. Monthly spending adds the family price of every sale (and
// subtracts voided ones) from every centre whose sales this replica holds.
#ifndef COMPTOIR_COMMON_FAMILY_VIEW_H_
#define COMPTOIR_COMMON_FAMILY_VIEW_H_

#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "common/event_codec.h"
#include "common/store.h"
#include "comptoir/v1/views.pb.h"

namespace comptoir {

// FamilyRegistered, FamilyUpdated, ReferralGranted/Renewed/Ended, FamilyErased.
absl::Status FoldFamily(const Store& store, Batch& batch, const DecodedEvent& event);

// The household's names leave its record, which keeps the erasure's day (the
// earliest, if erased twice) so that its card shows "données effacées"; the
// family is marked erased and its purge pending (common/erasure.h drops the
// personal parts once the batch is written).
absl::Status EraseFamilyRecord(const Store& store, Batch& batch, absl::string_view family_id,
                               absl::string_view day);

// Adds `delta_cents` to what `family_id` spent in `month` ("YYYY-MM").
absl::Status AddSpending(const Store& store, Batch& batch, absl::string_view family_id,
                         absl::string_view month, int64_t delta_cents);
absl::StatusOr<int64_t> SpentInMonth(const Store& store, absl::string_view family_id,
                                     absl::string_view month);

absl::StatusOr<std::optional<v1::FamilyRecord>> FindFamily(const Store& store,
                                                           absl::string_view family_id);
absl::StatusOr<std::vector<v1::FamilyRecord>> AllFamilies(const Store& store);
// Calls visit(record) for every family, in card order, without keeping them
// all in memory (AllFamilies forwards to it).
absl::Status ForEachFamily(const Store& store,
                           const std::function<void(v1::FamilyRecord)>& visit);
absl::StatusOr<std::optional<v1::ReferralRecord>> FindReferral(const Store& store,
                                                               absl::string_view referral_id);
absl::StatusOr<std::vector<v1::ReferralView>> ReferralsOf(const Store& store,
                                                          absl::string_view family_id);

// The referral covering `day` (not ended before it), preferring the one that
// lasts longest; nullopt if none.
std::optional<v1::ReferralView> ReferralCovering(const std::vector<v1::ReferralView>& referrals,
                                                 absl::string_view day);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_FAMILY_VIEW_H_
