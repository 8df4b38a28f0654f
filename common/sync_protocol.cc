// Shared parts of the sync protocol core: status mapping and push verification.
#include "common/sync_protocol.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace comptoir {

absl::StatusCode StatusCodeFor(v1::SyncError::Reason reason) {
  switch (reason) {
    case v1::SyncError::BAD_HELLO:
    case v1::SyncError::MALFORMED:
    case v1::SyncError::INVALID_EVENT:
      return absl::StatusCode::kInvalidArgument;
    case v1::SyncError::WRONG_ORIGIN:
    case v1::SyncError::NOT_AUTHORIZED:
    case v1::SyncError::NOT_WRITER:
      return absl::StatusCode::kPermissionDenied;
    case v1::SyncError::GAP:
      // The node should reconnect and push again from the hub's high-water mark.
      return absl::StatusCode::kAborted;
    case v1::SyncError::CURSOR_BEYOND_LOG:
      // Past the end of the hub's log: fine again once the hub's state changes
      // (a hub restored without a new epoch must get one).
      return absl::StatusCode::kOutOfRange;
    case v1::SyncError::BATCH_TOO_LARGE:
      // Send smaller batches.
      return absl::StatusCode::kResourceExhausted;
    case v1::SyncError::BROKEN_CHAIN:
    case v1::SyncError::FORK:
    case v1::SyncError::UNSUPPORTED_VERSION:
      // Retrying will not help until a person fixes the state.
      return absl::StatusCode::kFailedPrecondition;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::Status ToStatus(const v1::SyncError& error) {
  if (!error.message().empty()) return absl::Status(StatusCodeFor(error.reason()), error.message());
  // Still something for the person reading the node's logs.
  const std::string& name = v1::SyncError::Reason_Name(error.reason());
  return absl::Status(StatusCodeFor(error.reason()),
                      absl::StrCat("the hub refused the stream (",
                                   name.empty() ? absl::StrCat("reason ", error.reason()) : name,
                                   ") without saying why"));
}

std::optional<std::string> BatchLimitsExceeded(const v1::PushBatch& batch) {
  const size_t count = static_cast<size_t>(batch.events_size());
  if (count > kMaxBatchEvents) {
    return absl::StrCat("a push batch holds at most ", kMaxBatchEvents, " events; this one has ",
                        count, ": send smaller batches");
  }
  if (count < 2) return std::nullopt;  // a single event is always a valid batch
  size_t bytes = 0;
  for (const v1::EventRecord& record : batch.events()) bytes += record.core().size();
  if (bytes > kMaxBatchBytes) {
    return absl::StrCat("a push batch of several events holds at most ", kMaxBatchBytes,
                        " bytes of event cores; this one has ", bytes, ": send smaller batches");
  }
  return std::nullopt;
}

void RefuseFrom(PushVerdict& verdict, size_t accepted, const DecodedEvent& event,
                const absl::Status& why) {
  verdict.append.resize(accepted);
  v1::SyncError error;
  error.set_reason(why.code() == absl::StatusCode::kPermissionDenied ? v1::SyncError::NOT_WRITER
                                                                     : v1::SyncError::INVALID_EVENT);
  error.set_message(absl::StrCat(why.message(), "; nothing from ", event.core().origin(), "/",
                                 event.core().seq(), " on was taken in"));
  error.set_high_water(event.core().seq() - 1);
  verdict.high_water = event.core().seq() - 1;
  verdict.error = std::move(error);
}

absl::StatusOr<PushVerdict> VerifyPush(absl::string_view site, const ChainHead& head,
                                       const std::vector<DecodedEvent>& events,
                                       const HeldHashLookup& held_hash) {
  PushVerdict verdict;
  ChainHead current = head;
  auto refuse = [&](v1::SyncError::Reason reason, std::string message) {
    v1::SyncError error;
    error.set_reason(reason);
    error.set_message(std::move(message));
    error.set_high_water(current.seq);
    verdict.error = std::move(error);
  };
  for (size_t i = 0; i < events.size(); ++i) {
    const DecodedEvent& event = events[i];
    const std::string name = absl::StrCat(event.core().origin(), "/", event.core().seq());
    if (event.core().origin() != site) {
      refuse(v1::SyncError::WRONG_ORIGIN,
             absl::StrCat("event ", name, " was pushed by site ", site,
                          ": a site may only push its own events"));
      break;
    }
    const Link link = CheckLink(current, event);
    if (link == Link::kAlreadyHeld) {
      ASSIGN_OR_RETURN(std::optional<std::string> held, held_hash(event.core().seq()));
      if (held.has_value() && *held != event.hash) {
        refuse(v1::SyncError::FORK,
               absl::StrCat("event ", name,
                            " differs from the copy the hub already holds (a fork: the same seq "
                            "was written twice); both are kept, nothing is overwritten"));
        break;
      }
      continue;  // a duplicate: already held, nothing to do
    }
    if (link == Link::kGap) {
      refuse(v1::SyncError::GAP,
             absl::StrCat("event ", name, " arrived but the hub holds ", site, " only up to seq ",
                          current.seq, ": events ", current.seq + 1, "..",
                          event.core().seq() - 1, " are missing; push again from seq ",
                          current.seq + 1));
      break;
    }
    if (link == Link::kBrokenChain) {
      refuse(v1::SyncError::BROKEN_CHAIN,
             absl::StrCat("event ", name,
                          " does not chain to the hub's copy of its predecessor (prev_hash "
                          "mismatch): the site's log was altered or forked"));
      break;
    }
    verdict.append.push_back(i);
    current = HeadAfter(event);
  }
  verdict.high_water = current.seq;
  return verdict;
}

}  // namespace comptoir
