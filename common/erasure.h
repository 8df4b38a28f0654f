// Erasing a household's personal data (GDPR Article 17), at every replica.
//
// A FamilyErased event (events.proto) is folded like any other: the family's
// record loses its names and keeps the erasure's day (family_view.h), and the
// family is marked erased ("erased" view) with a purge pending ("purge" meta
// key), in the event's own batch. Once that batch is written, the owner of
// the log calls PurgeErasedFamilies, which deletes the personal parts of the
// family's events, the digest of its registration request, and rewrites the
// files (Store::Expunge), so that no byte of a name is left in the database.
// A crash in between leaves the purge pending: it runs at the next start.
//
// From then on, a personal part of that family's events that arrives (an
// event written by a centre that was offline, a hub re-sending its log) is
// not stored (EventLog::Stage asks IsErased).
//
// Restoring a backup must not bring a name back: every replica also notes
// each erasure it applies in its erasure register, a file beside its data
// directory ("<data>.erasures", one line per household: card id and day; no
// personal data), which a restore does not replace. Restoring, and every
// start, applies the register's erasures that the database lacks
// (ApplyErasureRegister) before anything is served.
#ifndef COMPTOIR_COMMON_ERASURE_H_
#define COMPTOIR_COMMON_ERASURE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"

namespace comptoir {

// The household an event is about, whose personal data its personal part
// may hold; empty for events about no household.
std::string FamilyOfEvent(const v1::EventCore& core);

// Whether `family_id`'s personal data was erased here (seeing `batch`).
absl::StatusOr<bool> IsErased(const Store& store, const Batch* batch,
                              absl::string_view family_id);

// Marks the family erased on `day` and its purge pending (the fold of
// FamilyErased, and ApplyErasureRegister).
void StageErasureMarks(Batch& batch, absl::string_view family_id, absl::string_view day);

// "<data_dir>.erasures".
std::string ErasureRegisterPath(const std::string& data_dir);

struct RegisteredErasure {
  std::string family_id;
  std::string day;
};
// The register's entries (none when the file does not exist). DataLoss for a
// malformed line.
absl::StatusOr<std::vector<RegisteredErasure>> ReadErasureRegister(const std::string& path);

// Runs the pending purges, if any: drops the personal parts of each family's
// events and the digest of its registration request, notes the family in the
// register at `register_path` (synced; skipped when empty), then expunges.
// Returns how many families were purged.
absl::StatusOr<int> PurgeErasedFamilies(Store& store, const std::string& register_path);

// Erases here every family of the register at `path` that this database does
// not hold as erased (a backup restored, data copied by hand), then purges.
// Returns how many families were erased.
absl::StatusOr<int> ApplyErasureRegister(Store& store, const std::string& path);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_ERASURE_H_
