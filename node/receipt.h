// The text receipt of a sale, in French, for a 40-column printer or a screen.
#ifndef COMPTOIR_NODE_RECEIPT_H_
#define COMPTOIR_NODE_RECEIPT_H_

#include <optional>
#include <string>

#include "comptoir/v1/domain.pb.h"
#include "comptoir/v1/events.pb.h"
#include "comptoir/v1/views.pb.h"

namespace comptoir {

// `sale` is the sale's core; `family` the household as this centre knows it
// (nullptr if unknown here), for its name and the first name of the person
// served on a line of a department that serves persons (hair salon): the
// receipt names nobody else and nothing more (it is the centre's printout);
// `ceiling_remaining_cents` is what is left of the family's monthly ceiling
// (nullopt: no ceiling); `voided` marks it cancelled.
std::string RenderReceipt(const v1::EventCore& sale, const v1::FamilyRecord* family,
                          std::optional<int64_t> ceiling_remaining_cents, bool voided);

// The payment method as the receipt prints it: "espèces", "carte", "chèque".
const char* PaymentName(v1::PaymentMethod method);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_RECEIPT_H_
