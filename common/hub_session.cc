// The hub's side of the sync protocol (see common/sync_protocol.h).
#include "absl/strings/str_cat.h"
#include "common/arena_message.h"
#include "common/keys.h"
#include "common/status_macros.h"
#include "common/sync_protocol.h"

namespace comptoir {

HubSession::Reply HubSession::Refuse(v1::SyncError::Reason reason, std::string message,
                                     uint64_t high_water) {
  Reply reply;
  v1::SyncError* error = reply.messages.emplace_back().mutable_error();
  error->set_reason(reason);
  error->set_message(std::move(message));
  error->set_high_water(high_water);
  reply.end = ToStatus(*error);
  ended_ = true;
  return reply;
}

HubSession::Reply HubSession::OnNodeMessage(const v1::NodeMessage& message, PushMode mode) {
  return OnNodeMessage(CopyOnArena(message), mode);
}

HubSession::Reply HubSession::OnNodeMessage(std::shared_ptr<const v1::NodeMessage> message,
                                            PushMode mode) {
  return OnNodeMessage(DecodeNodeMessage(std::move(message)), mode);
}

HubSession::Reply HubSession::OnNodeMessage(DecodedNodeMessage decoded, PushMode mode) {
  if (ended_) {
    Reply reply;
    reply.end = absl::FailedPreconditionError("this sync stream already ended");
    return reply;
  }
  Reply reply = Handle(decoded, mode);
  if (!reply.end.ok()) ended_ = true;
  return reply;
}

HubSession::Reply HubSession::Handle(DecodedNodeMessage& decoded, PushMode mode) {
  const v1::NodeMessage& message = *decoded.message;
  if (!established_ && message.msg_case() != v1::NodeMessage::kHello) {
    return Refuse(v1::SyncError::BAD_HELLO, "the first message of a sync stream must be Hello",
                  0);
  }
  switch (message.msg_case()) {
    case v1::NodeMessage::kHello:
      if (established_) return Refuse(v1::SyncError::BAD_HELLO, "Hello sent twice", 0);
      return OnHello(message.hello());
    case v1::NodeMessage::kPush: {
      Reply pushed = OnPush(decoded);
      if (!pushed.push.has_value() || mode == PushMode::kDeferred) return pushed;
      return OnPushAppended(store_->AppendPushed(site_, *pushed.push));
    }
    case v1::NodeMessage::kPullAck: {
      const uint64_t cursor = message.pull_ack().cursor();
      if (cursor > sent_through_) {
        return Refuse(v1::SyncError::CURSOR_BEYOND_LOG,
                      absl::StrCat("the node acknowledged the hub's log up to position ", cursor,
                                   " but was sent entries only up to ", sent_through_,
                                   " (log head ", store_->LogHead(), ")"),
                      0);
      }
      while (!pull_in_flight_.empty() && pull_in_flight_.front() <= cursor) {
        pull_in_flight_.pop_front();
      }
      node_cursor_ = std::max(node_cursor_, cursor);
      return Reply();
    }
    case v1::NodeMessage::MSG_NOT_SET:
      break;
  }
  return Refuse(v1::SyncError::MALFORMED, "empty or unknown node message", 0);
}

HubSession::Reply HubSession::OnHello(const v1::Hello& hello) {
  if (!IsValidSiteId(hello.site())) {
    return Refuse(v1::SyncError::BAD_HELLO,
                  absl::StrCat("invalid site id '", hello.site(),
                               "' (1-32 characters among a-z, 0-9, '_' and '-')"),
                  0);
  }
  if (!authenticated_site_.empty() && hello.site() != authenticated_site_) {
    return Refuse(v1::SyncError::NOT_AUTHORIZED,
                  absl::StrCat("this stream's credential belongs to site '", authenticated_site_,
                               "': it cannot sync as '", hello.site(), "'"),
                  0);
  }
  if (hello.protocol_version() != kProtocolVersion) {
    // A node of protocol 1 cannot read withheld links: it would take the next
    // event of an origin for a gap. Refuse it plainly instead of sending it
    // events it is not entitled to.
    return Refuse(v1::SyncError::UNSUPPORTED_VERSION,
                  absl::StrCat("node speaks sync protocol ", hello.protocol_version(),
                               ", this hub speaks ", kProtocolVersion,
                               hello.protocol_version() < kProtocolVersion
                                   ? ": upgrade comptoir-node on this centre (the till keeps "
                                     "working offline meanwhile)"
                                   : ": upgrade comptoir-hub"),
                  0);
  }
  const bool same_log = hello.hub_epoch() == store_->Epoch();
  const uint64_t log_head = store_->LogHead();
  if (same_log && hello.cursor() > log_head) {
    // The node applied positions this log does not have: the hub lost the end
    // of its log without drawing a new epoch. Streaming from log_head would
    // make the node skip the next events forever.
    return Refuse(v1::SyncError::CURSOR_BEYOND_LOG,
                  absl::StrCat("site '", hello.site(), "' has applied this hub's log (epoch ",
                               store_->Epoch(), ") up to position ", hello.cursor(),
                               " but the log ends at ", log_head,
                               ": the hub lost entries without drawing a new epoch; restart it "
                               "with --new-epoch (or restore its backup with `comptoir-hub "
                               "restore`) so that every centre re-syncs"),
                  0);
  }
  absl::StatusOr<ChainHead> head = store_->HeadOf(hello.site());
  if (!head.ok()) {
    Reply reply;
    reply.end = head.status();
    return reply;
  }
  site_ = hello.site();
  recover_ = hello.recover();
  node_own_seq_ = hello.own_seq();
  established_ = true;
  // A cursor from another hub log means nothing here: stream from the start.
  sent_through_ = same_log ? hello.cursor() : 0;
  node_cursor_ = sent_through_;

  Reply reply;
  v1::Welcome* welcome = reply.messages.emplace_back().mutable_welcome();
  welcome->set_hub_epoch(store_->Epoch());
  welcome->set_high_water(head->seq);
  if (head->seq > 0) welcome->set_high_water_hash(head->hash);
  welcome->set_log_head(log_head);
  welcome->set_pull_from(sent_through_);
  welcome->set_max_push_events(static_cast<uint32_t>(kMaxBatchEvents));
  return reply;
}

DecodedNodeMessage DecodeNodeMessage(std::shared_ptr<const v1::NodeMessage> message) {
  DecodedNodeMessage decoded;
  decoded.message = std::move(message);
  if (!decoded.message->has_push()) return decoded;
  const v1::PushBatch& push = decoded.message->push();
  if (std::optional<std::string> too_large = BatchLimitsExceeded(push)) {
    decoded.refusal = {v1::SyncError::BATCH_TOO_LARGE, *std::move(too_large)};
    return decoded;
  }
  decoded.events.reserve(push.events_size());
  for (const v1::EventRecord& record : push.events()) {
    absl::StatusOr<DecodedEvent> event = DecodeRecordIn(decoded.message, record);
    if (!event.ok()) {
      // Append nothing from a batch that holds garbage.
      decoded.refusal = {v1::SyncError::MALFORMED,
                         absl::StrCat("event ", decoded.events.size() + 1,
                                      " of the pushed batch is unreadable (",
                                      event.status().message(),
                                      "): nothing of this batch was appended")};
      decoded.events.clear();
      return decoded;
    }
    decoded.events.push_back(*std::move(event));
  }
  return decoded;
}

HubSession::Reply HubSession::OnPush(DecodedNodeMessage& decoded) {
  if (decoded.refusal.has_value()) {
    absl::StatusOr<ChainHead> head = store_->HeadOf(site_);
    return Refuse(decoded.refusal->reason, std::move(decoded.refusal->message),
                  head.ok() ? head->seq : 0);
  }
  std::vector<DecodedEvent>& events = decoded.events;
  if (!events.empty()) node_own_seq_ = std::max(node_own_seq_, events.back().core().seq());
  Reply reply;
  reply.push = std::move(events);
  return reply;
}

HubSession::Reply HubSession::OnPushAppended(const absl::StatusOr<PushVerdict>& verdict) {
  Reply reply;
  if (!verdict.ok()) {
    reply.end = verdict.status();
    ended_ = true;
    return reply;
  }
  reply.messages.emplace_back().mutable_push_ack()->set_high_water(verdict->high_water);
  if (verdict->error.has_value()) {
    reply.end = ToStatus(*verdict->error);
    *reply.messages.emplace_back().mutable_error() = *verdict->error;
    ended_ = true;
  }
  return reply;
}

absl::StatusOr<std::optional<EncodedPull>> HubSession::NextPull() {
  if (!established_ || ended_ || pull_in_flight_.size() >= kMaxPullBatchesInFlight) {
    return std::optional<EncodedPull>();
  }
  while (sent_through_ < store_->LogHead()) {
    ASSIGN_OR_RETURN(EncodedPull batch,
                     store_->ReadLogFor(site_, sent_through_, kMaxBatchEvents, kMaxBatchBytes,
                                        recover_));
    if (batch.through() <= sent_through_) break;
    sent_through_ = batch.through();
    // A stretch of entries this node does not get (its own): move past it
    // without sending; the next real batch's `through` covers it.
    if (batch.entries_size() == 0) continue;
    pull_in_flight_.push_back(sent_through_);
    return std::optional<EncodedPull>(std::move(batch));
  }
  return std::optional<EncodedPull>();
}

}  // namespace comptoir
