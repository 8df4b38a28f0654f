// Sealing, decoding and chaining events (format in proto/comptoir/v1/events.proto).
//
// An origin seals an event once: SealEvent serialises the core and returns the
// record whose core bytes are then stored and forwarded verbatim. Everyone else
// only decodes, and checks the chain with CheckLink:
//
//   prev_hash(seq 1)   = 32 zero bytes
//   prev_hash(seq n+1) = SHA-256(core bytes of seq n)
#ifndef COMPTOIR_COMMON_EVENT_CODEC_H_
#define COMPTOIR_COMMON_EVENT_CODEC_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "comptoir/v1/events.pb.h"

namespace comptoir {

// The version of the event schema this build writes and folds
// (events.proto, "Formats"). Every event sealed here carries it in
// EventCore.format; 0 (absent) reads as 1. An event of a newer format is
// stored and forwarded but not folded (EventLog::Stage), as an unknown kind.
inline constexpr uint32_t kEventFormat = 2;

// The format of `core`: 1 for events written before formats were numbered.
inline uint32_t FormatOf(const v1::EventCore& core) {
  return core.format() == 0 ? 1 : core.format();
}

// The last event held from one origin: its seq and the hash of its core bytes.
// seq 0 means none, and then hash is the zero hash.
struct ChainHead {
  uint64_t seq = 0;
  std::string hash;
};

// 32 zero bytes: the prev_hash of every origin's first event.
const std::string& ZeroHash();

// An event with its core parsed. `record()` keeps the exact bytes.
//
// The record and the parsed core are immutable and shared: copying an event
// only counts a reference. They live on the heap for an event sealed or
// decoded alone, or on the protobuf arena of the message a batch of events
// arrived in (DecodeRecordIn), so that decoding a pushed batch allocates a few
// arena blocks instead of every line and string, and frees them at once when
// the batch's last event is dropped. Thread-compatible; the shared parts are
// never written after decoding, so copies may be read from any thread.
class DecodedEvent {
 public:
  // An empty record and core (seq 0, no origin).
  DecodedEvent();

  const v1::EventRecord& record() const { return *record_; }
  const v1::EventCore& core() const { return *core_; }

  // SHA-256 of record().core().
  std::string hash;

 private:
  friend DecodedEvent SealEvent(const ChainHead& head, v1::EventCore core,
                                const v1::PersonalPart* personal);
  friend absl::StatusOr<DecodedEvent> DecodeRecord(v1::EventRecord record);
  friend absl::StatusOr<DecodedEvent> DecodeRecordIn(std::shared_ptr<const void> owner,
                                                     const v1::EventRecord& record);
  // Owns `record` and `core` on the heap.
  static DecodedEvent Owning(v1::EventRecord record, v1::EventCore core, std::string hash);

  std::shared_ptr<const void> owner_;  // keeps *record_ and *core_ alive
  const v1::EventRecord* record_;
  const v1::EventCore* core_;
};

// Builds the record for `core` (origin, seq, hlc and body set by the caller;
// prev_hash taken from `head`, seq forced to head.seq + 1, format set to
// kEventFormat unless the caller set one) and optional personal part.
DecodedEvent SealEvent(const ChainHead& head, v1::EventCore core,
                       const v1::PersonalPart* personal);

// A fresh personal part: 16 random bytes of salt (so that its digest in the
// core cannot be guessed from a short text), nothing else yet.
v1::PersonalPart NewPersonalPart();
// A personal part holding the text a person typed at the till (a reason, a
// comment, a note), for SealEvent; nullopt when the text is empty: the event
// then has no personal part.
std::optional<v1::PersonalPart> PersonalNote(absl::string_view note);
// The personal part of `record`, or an empty one when the replica does not
// hold it (never had one, erased, or not routed here) or it does not parse.
v1::PersonalPart PersonalOf(const v1::EventRecord& record);

// Parses and validates a record: the core parses, has an origin, seq >= 1, a
// 32-byte prev_hash, and a personal part (when present) matching its digest.
// Returns InvalidArgument with a readable message otherwise.
absl::StatusOr<DecodedEvent> DecodeRecord(v1::EventRecord record);
// The same for a record on a protobuf arena that `owner` keeps alive (a
// message parsed with NewOnArena): the event refers to the record instead of
// copying it, parses its core on the same arena, and holds `owner`. A record
// not on an arena is copied, as DecodeRecord does.
absl::StatusOr<DecodedEvent> DecodeRecordIn(std::shared_ptr<const void> owner,
                                            const v1::EventRecord& record);

// How an event relates to the chain head held for its origin.
enum class Link {
  kNext,         // seq == head.seq + 1 and prev_hash matches: append it.
  kAlreadyHeld,  // seq <= head.seq: a duplicate (or a fork: compare bytes).
  kGap,          // seq > head.seq + 1: events are missing before it.
  kBrokenChain,  // seq == head.seq + 1 but prev_hash differs.
};
Link CheckLink(const ChainHead& head, const DecodedEvent& event);
// The same for a link known only by its seq and prev_hash (a withheld link).
Link CheckLink(const ChainHead& head, uint64_t seq, absl::string_view prev_hash);

// The head after appending `event`.
ChainHead HeadAfter(const DecodedEvent& event);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_EVENT_CODEC_H_
