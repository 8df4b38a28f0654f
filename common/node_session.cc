// The node's side of the sync protocol (see common/sync_protocol.h).
#include "absl/strings/str_cat.h"
#include "common/arena_message.h"
#include "common/status_macros.h"
#include "common/sync_protocol.h"

namespace comptoir {

absl::StatusOr<v1::NodeMessage> NodeSession::Start() {
  ASSIGN_OR_RETURN(NodeCursor cursor, store_->Cursor());
  started_ = true;
  v1::NodeMessage message;
  v1::Hello* hello = message.mutable_hello();
  hello->set_site(store_->Site());
  hello->set_protocol_version(kProtocolVersion);
  hello->set_hub_epoch(cursor.hub_epoch);
  hello->set_cursor(cursor.position);
  hello->set_recover(store_->Recovering());
  ASSIGN_OR_RETURN(ChainHead own, store_->OwnHead());
  hello->set_own_seq(own.seq);
  return message;
}

DecodedPull DecodePull(std::shared_ptr<const v1::HubMessage> message) {
  DecodedPull pull;
  const v1::PullBatch& batch = message->pull();
  pull.events.reserve(static_cast<size_t>(batch.entries_size()));
  for (const v1::LogEntry& entry : batch.entries()) {
    if (entry.has_withheld()) {
      // Never read (StagePulled checks for the link first); a status without
      // a message costs no allocation on the sync stream.
      pull.events.push_back(absl::Status(absl::StatusCode::kFailedPrecondition, ""));
    } else {
      pull.events.push_back(DecodeRecordIn(message, entry.event()));
    }
  }
  pull.message = std::move(message);
  return pull;
}

absl::StatusOr<std::vector<EncodedNodeMessage>> NodeSession::OnHubMessage(
    const v1::HubMessage& message) {
  return OnHubMessages({CopyOnArena(message)});
}

absl::StatusOr<std::vector<EncodedNodeMessage>> NodeSession::OnHubMessages(
    const std::vector<std::shared_ptr<const v1::HubMessage>>& messages) {
  std::vector<EncodedNodeMessage> out;
  for (size_t i = 0; i < messages.size();) {
    std::vector<EncodedNodeMessage> reply;
    if (messages[i]->has_pull()) {
      std::vector<DecodedPull> decoded;
      for (; i < messages.size() && messages[i]->has_pull(); ++i) {
        decoded.push_back(DecodePull(messages[i]));
      }
      std::vector<const DecodedPull*> pulls;
      for (const DecodedPull& pull : decoded) pulls.push_back(&pull);
      ASSIGN_OR_RETURN(reply, OnPulls(pulls));
    } else {
      ASSIGN_OR_RETURN(reply, OnOther(*messages[i]));
      ++i;
    }
    for (EncodedNodeMessage& message : reply) out.push_back(std::move(message));
  }
  return out;
}

absl::StatusOr<std::vector<EncodedNodeMessage>> NodeSession::OnOther(
    const v1::HubMessage& message) {
  if (!started_) return absl::FailedPreconditionError("hub message before Hello was sent");
  switch (message.msg_case()) {
    case v1::HubMessage::kWelcome:
      return OnWelcome(message.welcome());
    case v1::HubMessage::kPushAck:
      if (!welcomed_) return absl::InternalError("hub sent PushAck before Welcome");
      return OnPushAck(message.push_ack());
    case v1::HubMessage::kError:
      return ToStatus(message.error());
    case v1::HubMessage::kPull:  // OnPulls
    case v1::HubMessage::MSG_NOT_SET:
      break;
  }
  return absl::InternalError("hub sent an empty or unknown message");
}

absl::StatusOr<std::vector<EncodedNodeMessage>> NodeSession::OnWelcome(const v1::Welcome& welcome) {
  if (welcomed_) return absl::InternalError("hub sent a second Welcome");
  ASSIGN_OR_RETURN(NodeCursor cursor, store_->Cursor());
  if (cursor.hub_epoch != welcome.hub_epoch()) {
    // A different hub log (new hub, or one restored from a backup): our cursor
    // means nothing there. Re-pull from the start; applying is idempotent.
    RETURN_IF_ERROR(store_->ResetCursor(welcome.hub_epoch()));
  }
  ASSIGN_OR_RETURN(ChainHead own, store_->OwnHead());
  if (welcome.high_water() <= own.seq && store_->Recovering()) {
    // Nothing (more) to recover: the hub holds no event of this site beyond ours.
    RETURN_IF_ERROR(store_->SetRecoveryTarget(welcome.high_water()));
  }
  if (welcome.high_water() > own.seq) {
    // The hub holds more of this site's history than this node: its disk was
    // lost or restored from an old backup. Recover the missing tail from the
    // hub before creating anything (seqs must never be reused); the pulled
    // events must chain onto what this node holds, so a real fork is refused.
    const bool was_recovering = store_->Recovering();
    RETURN_IF_ERROR(store_->SetRecoveryTarget(welcome.high_water()));
    if (!was_recovering) {
      return absl::AbortedError(absl::StrCat(
          "the hub holds events of ", store_->Site(), " up to seq ", welcome.high_water(),
          " but this node only up to ", own.seq, ": recovering them before anything else"));
    }
  }
  if (welcome.high_water() > 0) {
    ASSIGN_OR_RETURN(std::optional<v1::EventRecord> held, store_->ReadOwnAt(welcome.high_water()));
    if (held.has_value()) {
      ASSIGN_OR_RETURN(DecodedEvent decoded, DecodeRecord(*held));
      if (decoded.hash != welcome.high_water_hash()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "fork: the hub's event ", store_->Site(), "/", welcome.high_water(),
            " differs from this node's; sync stopped, nothing overwritten"));
      }
    }
  }
  welcomed_ = true;
  epoch_ = welcome.hub_epoch();
  max_push_events_ =
      welcome.max_push_events() == 0
          ? kLegacyMaxPushEvents
          : std::min<size_t>(welcome.max_push_events(), kMaxBatchEvents);
  acked_ = welcome.high_water();
  pushed_through_ = acked_;
  push_in_flight_.clear();
  RETURN_IF_ERROR(store_->RecordAcked(acked_));
  return FillPushWindow();
}

absl::StatusOr<std::vector<EncodedNodeMessage>> NodeSession::OnPushAck(const v1::PushAck& ack) {
  if (ack.high_water() > pushed_through_) {
    return absl::InternalError(absl::StrCat("hub acknowledged seq ", ack.high_water(),
                                            " but only ", pushed_through_, " were pushed"));
  }
  while (!push_in_flight_.empty() && push_in_flight_.front() <= ack.high_water()) {
    push_in_flight_.pop_front();
  }
  if (ack.high_water() > acked_) {
    acked_ = ack.high_water();
    RETURN_IF_ERROR(store_->RecordAcked(acked_));
  }
  return FillPushWindow();
}

namespace {

// The cursor moves to `through`: it must not claim more than the batch and the
// hub's log hold.
absl::Status CheckPullBatch(const v1::PullBatch& batch) {
  uint64_t last = 0;
  for (const v1::LogEntry& entry : batch.entries()) {
    if (entry.position() <= last) {
      return absl::InternalError(absl::StrCat("hub sent a pull batch whose log positions are not "
                                              "increasing (", entry.position(), " after ", last,
                                              "): nothing applied"));
    }
    last = entry.position();
  }
  if (batch.through() < last || batch.through() > batch.log_head()) {
    return absl::InternalError(absl::StrCat(
        "hub sent a pull batch through position ", batch.through(), " with entries up to ", last,
        " and a log head of ", batch.log_head(), ": nothing applied"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<EncodedNodeMessage>> NodeSession::OnPulls(
    const std::vector<const DecodedPull*>& pulls) {
  if (!started_) return absl::FailedPreconditionError("hub message before Hello was sent");
  if (!welcomed_) return absl::InternalError("hub sent PullBatch before Welcome");
  // The batches before a malformed one are applied, as they would have been
  // had they come one by one.
  std::vector<const DecodedPull*> valid;
  absl::Status malformed;
  for (const DecodedPull* pull : pulls) {
    malformed = CheckPullBatch(pull->batch());
    if (!malformed.ok()) break;
    valid.push_back(pull);
  }
  if (!valid.empty()) RETURN_IF_ERROR(store_->ApplyPulled(epoch_, valid));
  RETURN_IF_ERROR(malformed);
  v1::NodeMessage ack;
  ack.mutable_pull_ack()->set_cursor(valid.back()->batch().through());
  std::vector<EncodedNodeMessage> out;
  out.emplace_back(ack);
  return out;
}

absl::StatusOr<std::vector<EncodedNodeMessage>> NodeSession::OnLocalAppend() {
  if (!welcomed_) return std::vector<EncodedNodeMessage>();
  return FillPushWindow();
}

absl::StatusOr<std::vector<EncodedNodeMessage>> NodeSession::FillPushWindow() {
  std::vector<EncodedNodeMessage> out;
  if (store_->Recovering()) return out;  // nothing new exists until the history is back
  while (push_in_flight_.size() < kMaxPushBatchesInFlight) {
    ASSIGN_OR_RETURN(EncodedNodeMessage push,
                     store_->ReadOwnPush(pushed_through_ + 1, max_push_events_, kMaxBatchBytes));
    if (push.push_events() == 0) break;
    pushed_through_ += static_cast<uint64_t>(push.push_events());
    push_in_flight_.push_back(pushed_through_);
    out.push_back(std::move(push));
  }
  return out;
}

}  // namespace comptoir
