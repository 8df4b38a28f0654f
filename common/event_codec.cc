#include "common/event_codec.h"

#include "absl/strings/str_cat.h"
#include "common/sha256.h"

namespace comptoir {

const std::string& ZeroHash() {
  static const std::string* zero = new std::string(kHashSize, '\0');
  return *zero;
}

DecodedEvent SealEvent(const ChainHead& head, v1::EventCore core,
                       const v1::PersonalPart* personal) {
  DecodedEvent event;
  core.set_seq(head.seq + 1);
  core.set_prev_hash(head.seq == 0 ? ZeroHash() : head.hash);
  if (personal != nullptr) {
    personal->SerializeToString(event.record.mutable_personal());
    core.set_personal_digest(Sha256(event.record.personal()));
  } else {
    core.clear_personal_digest();
  }
  core.SerializeToString(event.record.mutable_core());
  event.hash = Sha256(event.record.core());
  event.core = std::move(core);
  return event;
}

absl::StatusOr<DecodedEvent> DecodeRecord(v1::EventRecord record) {
  DecodedEvent event;
  if (!event.core.ParseFromString(record.core())) {
    return absl::InvalidArgumentError("its core bytes do not parse as an EventCore: truncated or corrupted");
  }
  const v1::EventCore& core = event.core;
  if (core.origin().empty()) {
    return absl::InvalidArgumentError("event has no origin");
  }
  if (core.seq() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("event from ", core.origin(), " has seq 0 (seqs start at 1)"));
  }
  if (core.prev_hash().size() != kHashSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event ", core.origin(), "/", core.seq(), " has a prev_hash of ",
        core.prev_hash().size(), " bytes, expected ", kHashSize));
  }
  if (!record.personal().empty() && Sha256(record.personal()) != core.personal_digest()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event ", core.origin(), "/", core.seq(),
        " carries a personal part that does not match its digest"));
  }
  event.hash = Sha256(record.core());
  event.record = std::move(record);
  return event;
}

Link CheckLink(const ChainHead& head, const DecodedEvent& event) {
  return CheckLink(head, event.core.seq(), event.core.prev_hash());
}

Link CheckLink(const ChainHead& head, uint64_t seq, absl::string_view prev_hash) {
  if (seq <= head.seq) return Link::kAlreadyHeld;
  if (seq > head.seq + 1) return Link::kGap;
  const std::string& expected = head.seq == 0 ? ZeroHash() : head.hash;
  return prev_hash == expected ? Link::kNext : Link::kBrokenChain;
}

ChainHead HeadAfter(const DecodedEvent& event) {
  return ChainHead{event.core.seq(), event.hash};
}

}  // namespace comptoir
