// Routing: what of an event travels where. One table (AudienceOf, in
// routing.cc, with the reason for each kind), used by the hub when it appends
// an event (the route is recorded in the log value) and when it streams the
// network log to a centre.
//
// The hub holds every event. A centre gets the core of another origin's event
// only if it is in the event's audience:
//   kNetwork       every centre (what any till needs: catalogue, families,
//                  referrals, spending, stock);
//   kParties       the sites the event names (a transfer's source and
//                  destination, for its negotiation; its shipment and
//                  reception move stock and go to the whole network);
//   kOriginAndHub  no other centre.
// For an event it is not entitled to, a centre gets a withheld link instead
// (origin, seq, prev_hash, hash: no content), so that its copy of the
// origin's chain stays verifiable. A centre always gets its own events in
// full when it recovers its history.
//
// A personal part goes, besides the origin and the hub, to its kind's personal
// audience (PersonalAudienceOf): every centre that gets the core for family
// events (the names a volunteer needs to recognise a household at the
// counter); the transfer's two parties for a transfer's note and reasons (its
// negotiation, and what did not arrive and why: the source must know); no
// other centre for the rest (a referral's project or end reason, a void's
// reason, a stock adjustment's comment stay at their origin and the hub).
//
// Unknown kinds (a newer origin's event this build cannot read) go to the
// whole network, without their personal part: cores never hold personal data
// (events.proto), so forwarding is safe, and dropping them would lose what a
// newer centre needs. Their route is not recorded at append time, so an
// upgraded hub routes them with its own table.
#ifndef COMPTOIR_COMMON_ROUTING_H_
#define COMPTOIR_COMMON_ROUTING_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "comptoir/v1/events.pb.h"

namespace comptoir {

// Who, besides the origin and the hub, gets an event's core. The values are
// stored in the hub's log: never renumber them.
enum class Audience : uint8_t {
  kNetwork = 1,
  kParties = 2,
  kOriginAndHub = 3,
};

// The audience of an event kind; kNetwork for a kind this build does not know.
Audience AudienceOf(v1::EventCore::BodyCase body);

// Who, besides the origin and the hub, gets an event's personal part. The
// values are stored in the hub's log: never renumber them.
enum class PersonalAudience : uint8_t {
  kNone = 0,      // no other centre
  kWithCore = 1,  // every centre entitled to the core
  kParties = 2,   // the sites the event names (Route::parties), if entitled to the core
};

// The personal audience of an event kind; kNone for a kind this build does not know.
PersonalAudience PersonalAudienceOf(v1::EventCore::BodyCase body);

// Where one event goes.
struct Route {
  Audience audience = Audience::kNetwork;
  // The sites named by the event (audience or personal kParties only).
  std::vector<std::string> parties;
  PersonalAudience personal = PersonalAudience::kNone;
  // False when the route is a default rather than a decision (a kind this
  // build does not know; a transfer whose parties are not known yet): the hub
  // does not record it, and decides again at each pull.
  bool settled = true;
};

// The source and destination of a transfer the caller knows (answers and
// cancellations name only the transfer id), or nullopt.
using TransferPartiesLookup =
    std::function<std::optional<std::pair<std::string, std::string>>(absl::string_view)>;

// The route of `core`. A transfer event whose parties cannot be found (an
// answer or a cancellation of a transfer unknown to `parties`: only while a
// hub restored from a backup has not yet got the proposal back) goes to the
// whole network rather than be lost to the other party, unsettled.
Route RouteOf(const v1::EventCore& core, const TransferPartiesLookup& parties);

// Whether `site`, a centre other than the event's origin, gets its core.
bool Entitled(const Route& route, absl::string_view site);
// Whether `site`, a centre other than the event's origin, gets its personal part.
bool PersonalEntitled(const Route& route, absl::string_view site);

// The hub's log value: which event sits at a position, and its route.
//   origin 0x00 be64(seq)          no route recorded (written by an older hub,
//                                  or an unsettled route): decide from the core
//   0x01 audience personal n (len site){n} origin 0x00 be64(seq)
// (personal: a PersonalAudience; hubs before 2026-12-04 wrote 0 or 1, the
// same meanings.)
// Site ids never start with 0x01, so the first byte tells the two apart.
std::string EncodeLogValue(absl::string_view origin, uint64_t seq, const Route& route);
struct LogValue {
  std::string origin;
  uint64_t seq = 0;
  std::optional<Route> route;  // nullopt: decide from the core
};
// nullopt when malformed.
std::optional<LogValue> DecodeLogValue(absl::string_view value);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_ROUTING_H_
