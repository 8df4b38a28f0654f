#include "common/event_codec.h"

#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace comptoir {

const std::string& ZeroHash() {
  static const std::string* zero = new std::string(kHashSize, '\0');
  return *zero;
}

DecodedEvent::DecodedEvent()
    : record_(&v1::EventRecord::default_instance()), core_(&v1::EventCore::default_instance()) {}

DecodedEvent DecodedEvent::Owning(v1::EventRecord record, v1::EventCore core, std::string hash) {
  struct Parts {
    v1::EventRecord record;
    v1::EventCore core;
  };
  auto parts = std::make_shared<Parts>(Parts{std::move(record), std::move(core)});
  DecodedEvent event;
  event.record_ = &parts->record;
  event.core_ = &parts->core;
  event.owner_ = std::move(parts);
  event.hash = std::move(hash);
  return event;
}

DecodedEvent SealEvent(const ChainHead& head, v1::EventCore core,
                       const v1::PersonalPart* personal) {
  v1::EventRecord record;
  core.set_seq(head.seq + 1);
  core.set_prev_hash(head.seq == 0 ? ZeroHash() : head.hash);
  if (core.format() == 0) core.set_format(kEventFormat);
  if (personal != nullptr) {
    personal->SerializeToString(record.mutable_personal());
    core.set_personal_digest(Sha256(record.personal()));
  } else {
    core.clear_personal_digest();
  }
  core.SerializeToString(record.mutable_core());
  std::string hash = Sha256(record.core());
  return DecodedEvent::Owning(std::move(record), std::move(core), std::move(hash));
}

v1::PersonalPart NewPersonalPart() {
  v1::PersonalPart personal;
  personal.set_salt(RandomBytes(16));
  return personal;
}

std::optional<v1::PersonalPart> PersonalNote(absl::string_view note) {
  if (note.empty()) return std::nullopt;
  v1::PersonalPart personal = NewPersonalPart();
  personal.set_note(std::string(note));
  return personal;
}

v1::PersonalPart PersonalOf(const v1::EventRecord& record) {
  v1::PersonalPart personal;
  if (record.personal().empty() || !personal.ParseFromString(record.personal())) {
    return v1::PersonalPart();
  }
  return personal;
}

namespace {

// Parses record.core() into `core` and checks what DecodeRecord promises.
absl::Status ParseAndCheck(const v1::EventRecord& record, v1::EventCore& core) {
  if (!core.ParseFromString(record.core())) {
    return absl::InvalidArgumentError("its core bytes do not parse as an EventCore: truncated or corrupted");
  }
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
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DecodedEvent> DecodeRecord(v1::EventRecord record) {
  v1::EventCore core;
  RETURN_IF_ERROR(ParseAndCheck(record, core));
  std::string hash = Sha256(record.core());
  return DecodedEvent::Owning(std::move(record), std::move(core), std::move(hash));
}

absl::StatusOr<DecodedEvent> DecodeRecordIn(std::shared_ptr<const void> owner,
                                            const v1::EventRecord& record) {
  google::protobuf::Arena* arena = record.GetArena();
  if (arena == nullptr) return DecodeRecord(record);
  // Nothing on an arena is freed before the arena: a core that fails its
  // checks stays there until the message goes, which a refused batch ends soon.
  v1::EventCore* core = google::protobuf::Arena::CreateMessage<v1::EventCore>(arena);
  RETURN_IF_ERROR(ParseAndCheck(record, *core));
  DecodedEvent event;
  event.record_ = &record;
  event.core_ = core;
  event.owner_ = std::move(owner);
  event.hash = Sha256(record.core());
  return event;
}

Link CheckLink(const ChainHead& head, const DecodedEvent& event) {
  return CheckLink(head, event.core().seq(), event.core().prev_hash());
}

Link CheckLink(const ChainHead& head, uint64_t seq, absl::string_view prev_hash) {
  if (seq <= head.seq) return Link::kAlreadyHeld;
  if (seq > head.seq + 1) return Link::kGap;
  const std::string& expected = head.seq == 0 ? ZeroHash() : head.hash;
  return prev_hash == expected ? Link::kNext : Link::kBrokenChain;
}

ChainHead HeadAfter(const DecodedEvent& event) {
  return ChainHead{event.core().seq(), event.hash};
}

}  // namespace comptoir
