// Fuzzes event decoding (common/event_codec.h): the input is an EventRecord's
// bytes (core and personal part as they travel). Whatever it holds, decoding
// never crashes; what decodes has an origin, a seq, a 32-byte prev_hash, a
// personal part matching its digest, and the SHA-256 of its exact core bytes;
// CheckLink and HeadAfter agree with the chain rule; and a record re-sealed on
// the same head decodes to the same core.
#include <cstdint>
#include <string>

#include "common/event_codec.h"
#include "common/sha256.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace comptoir;
  using comptoir::fuzz::Require;
  static const bool quiet = (comptoir::fuzz::QuietProtobufLogs(), true);
  (void)quiet;
  v1::EventRecord record;
  if (!record.ParseFromArray(data, static_cast<int>(size))) return 0;
  absl::StatusOr<DecodedEvent> event = DecodeRecord(record);
  if (!event.ok()) {
    Require(event.status().code() == absl::StatusCode::kInvalidArgument &&
                !event.status().message().empty(),
            "a refusal that is not InvalidArgument with a message");
    return 0;
  }
  const v1::EventCore& core = event->core();
  Require(!core.origin().empty() && core.seq() >= 1, "decoded without an origin or a seq");
  Require(core.prev_hash().size() == ZeroHash().size(), "decoded with a bad prev_hash");
  Require(event->record().core() == record.core(), "the core bytes were not kept verbatim");
  Require(event->hash == Sha256(record.core()), "the hash is not the core's");
  Require(record.personal().empty() || Sha256(record.personal()) == core.personal_digest(),
          "a personal part that does not match its digest was accepted");

  const ChainHead predecessor{core.seq() - 1, core.prev_hash()};
  const bool first = core.seq() == 1;
  const Link link = CheckLink(predecessor, *event);
  Require(link == (first ? (core.prev_hash() == ZeroHash() ? Link::kNext : Link::kBrokenChain)
                         : Link::kNext),
          "CheckLink disagrees with the chain rule");
  Require(CheckLink(ChainHead{core.seq(), event->hash}, *event) == Link::kAlreadyHeld,
          "an event is not held by its own head");
  if (!first) {
    Require(CheckLink(ChainHead(), *event) == Link::kGap, "a later event links to an empty chain");
  }
  const ChainHead after = HeadAfter(*event);
  Require(after.seq == core.seq() && after.hash == event->hash, "HeadAfter is wrong");

  // Sealing the parsed core again on the same head gives an event that decodes.
  v1::PersonalPart personal;
  const bool has_personal = !record.personal().empty() && personal.ParseFromString(record.personal());
  DecodedEvent resealed = SealEvent(first ? ChainHead() : predecessor, core,
                                    has_personal ? &personal : nullptr);
  absl::StatusOr<DecodedEvent> again = DecodeRecord(resealed.record());
  Require(again.ok(), "a re-sealed event does not decode: " + again.status().ToString());
  Require(again->core().origin() == core.origin() && again->core().seq() == core.seq(),
          "re-sealing changed the origin or seq");
  return 0;
}
