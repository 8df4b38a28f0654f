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
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "comptoir/v1/events.pb.h"

namespace comptoir {

// The last event held from one origin: its seq and the hash of its core bytes.
// seq 0 means none, and then hash is the zero hash.
struct ChainHead {
  uint64_t seq = 0;
  std::string hash;
};

// 32 zero bytes: the prev_hash of every origin's first event.
const std::string& ZeroHash();

// An event with its core parsed. `record` keeps the exact bytes.
struct DecodedEvent {
  v1::EventRecord record;
  v1::EventCore core;
  // SHA-256 of record.core().
  std::string hash;
};

// Builds the record for `core` (origin, seq, hlc and body set by the caller;
// prev_hash taken from `head`, seq forced to head.seq + 1) and optional personal part.
DecodedEvent SealEvent(const ChainHead& head, v1::EventCore core,
                       const v1::PersonalPart* personal);

// Parses and validates a record: the core parses, has an origin, seq >= 1, a
// 32-byte prev_hash, and a personal part (when present) matching its digest.
// Returns InvalidArgument with a readable message otherwise.
absl::StatusOr<DecodedEvent> DecodeRecord(v1::EventRecord record);

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
