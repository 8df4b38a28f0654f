// What a centre keeps about its own events besides the views every replica
// folds: the counters that number its ids (cards, receipts, lots, ...; kMeta,
// see CommandContext::NextNumber) and the idempotency keys of its sales
// (RequestKey -> seq, node/request_ids.h) and the list of its sales by day
// (DaySaleKey, for the till's list of today's receipts). The till's commands write them with
// each event; when a centre recovers its history from the hub (lost disk, old
// backup), they are rebuilt from the recovered events, so that ids are never
// handed out twice and a retried sale is still recognised (without the
// request's digest, which an event does not carry: such a key is compared
// with what the event recorded).
#ifndef COMPTOIR_NODE_OWN_INDEXES_H_
#define COMPTOIR_NODE_OWN_INDEXES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/event_codec.h"
#include "common/store.h"

namespace comptoir {

// The key listing one of this centre's sales under its day:
// views "daysale" day receipt_no -> "" (receipt numbers of a year sort in the
// order they were handed out, so a day's keys are in the order of its sales).
std::string DaySaleKey(absl::string_view day, absl::string_view receipt_no);
// Every DaySaleKey of `day` starts with this.
std::string DaySalePrefix(absl::string_view day);
// Stages the DaySaleKey of `sale` (nothing for a sale without receipt or day).
// Called with each new sale (Till::RecordSale) and each recovered one.
void StageDaySale(Batch& batch, const v1::SaleRecorded& sale);

// Stages into `batch` the counters and keys that `event` (one of this centre's
// own, whose ids start with `prefix`) implies: each counter is raised to the
// number in the event's id if it is below. Reads through `batch`.
absl::Status StageOwnIndexes(const Store& store, Batch& batch, absl::string_view prefix,
                             const DecodedEvent& event);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_OWN_INDEXES_H_
