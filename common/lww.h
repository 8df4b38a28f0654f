// Last-writer-wins fields: the write with the greatest (hlc, origin) holds,
// so that every replica converges whatever order the writes arrive in. A
// record keeps the stamp of the write each field holds in a `stamps` map
// (FamilyRecord, ReferralRecord, AccountRecord: views.proto).
#ifndef COMPTOIR_COMMON_LWW_H_
#define COMPTOIR_COMMON_LWW_H_

#include <string>

#include "comptoir/v1/events.pb.h"
#include "comptoir/v1/views.pb.h"

namespace comptoir {

// The stamp of `core`'s writes.
inline v1::Stamp StampOf(const v1::EventCore& core) {
  v1::Stamp stamp;
  stamp.set_hlc(core.hlc());
  stamp.set_origin(core.origin());
  return stamp;
}

// Whether a write stamped `incoming` to `field` wins over the one held.
inline bool StampWins(const v1::Stamp& incoming,
                      const google::protobuf::Map<std::string, v1::Stamp>& stamps,
                      const std::string& field) {
  auto it = stamps.find(field);
  if (it == stamps.end()) return true;
  const v1::Stamp& held = it->second;
  if (incoming.hlc() != held.hlc()) return incoming.hlc() > held.hlc();
  return incoming.origin() > held.origin();
}

// Sets `field` of `record` through `set` if the write stamped `stamp` wins.
template <typename Record, typename Setter>
void WriteIfNewer(Record& record, const v1::Stamp& stamp, const std::string& field, Setter set) {
  if (!StampWins(stamp, record.stamps(), field)) return;
  set();
  (*record.mutable_stamps())[field] = stamp;
}

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_LWW_H_
