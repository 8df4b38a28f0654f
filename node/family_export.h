// A household's right of access (GDPR Article 15): everything this node holds
// about one family, gathered from its views (the family record, referrals,
// workshops) and from its events (the situation history, each referral's
// renewals and end, every sale and void of the card at any centre whose
// sales this node holds), as a v1::FamilyExport (family_export.proto).
//
//   ASSIGN_OR_RETURN(v1::FamilyExport held, CollectFamilyExport(node, "HEM-000123"));
//
// No index leads from a family to its events: the events column is read
// once, and only the events whose bytes contain the card id are decoded
// (BENCHMARKS.md gives the time on a large log). Names come from the
// events' personal parts; once the family record says the data was erased,
// none is read, whatever is left on disk.
//
// Thread-safe: reads committed data only.
#ifndef COMPTOIR_NODE_FAMILY_EXPORT_H_
#define COMPTOIR_NODE_FAMILY_EXPORT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "comptoir/v1/family_export.pb.h"
#include "node/node_store.h"

namespace comptoir {

// InvalidArgument for a malformed card id, NotFound (in French) for a family
// this node does not know; storage errors as they come.
absl::StatusOr<v1::FamilyExport> CollectFamilyExport(const NodeStore& node,
                                                     absl::string_view family_id);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_FAMILY_EXPORT_H_
