// What the till shows of a family: its FamilyView (members, postcode,
// referrals, whether it may shop today and what is left of its ceiling), as
// every family command answers and a search lists.
#ifndef COMPTOIR_NODE_FAMILY_CARD_H_
#define COMPTOIR_NODE_FAMILY_CARD_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/store.h"
#include "comptoir/v1/till.pb.h"
#include "comptoir/v1/views.pb.h"

namespace comptoir {

// The view of `record` on `today` ("YYYY-MM-DD"); an error only when the
// store cannot be read. Defined in till_families.cc.
absl::StatusOr<v1::FamilyView> FamilyViewOf(const Store& store, const v1::FamilyRecord& record,
                                            absl::string_view today);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_FAMILY_CARD_H_
