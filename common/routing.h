// Routing: what of an event travels where. One table, used by the hub when it
// streams the network log to a centre.
//
// Today every event's core goes to every centre (the till of any centre must
// recognise a family, know its rights and its spending). Personal parts stay
// at their origin and the hub, except the names of a household (family
// events), which a centre's volunteer needs to recognise the family at the
// counter; a referral's project and till notes never leave.
#ifndef COMPTOIR_COMMON_ROUTING_H_
#define COMPTOIR_COMMON_ROUTING_H_

#include "comptoir/v1/events.pb.h"

namespace comptoir {

// Whether the personal part of an event of this kind is sent to other centres.
bool PersonalPartTravels(v1::EventCore::BodyCase body);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_ROUTING_H_
