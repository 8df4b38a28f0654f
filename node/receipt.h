// The text receipt of a sale, in French, for a 40-column printer or a screen.
#ifndef COMPTOIR_NODE_RECEIPT_H_
#define COMPTOIR_NODE_RECEIPT_H_

#include <optional>
#include <string>

#include "comptoir/v1/events.pb.h"

namespace comptoir {

// `sale` is the sale's core; `ceiling_remaining_cents` is what is left of the
// family's monthly ceiling (nullopt: no ceiling); `voided` marks it cancelled.
std::string RenderReceipt(const v1::EventCore& sale, std::optional<int64_t> ceiling_remaining_cents,
                          bool voided);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_RECEIPT_H_
