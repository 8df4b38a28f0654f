#include "common/event_codec.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/arena_message.h"
#include "common/sha256.h"
#include "comptoir/v1/sync.pb.h"

namespace comptoir {
namespace {

v1::EventCore SaleCore(const std::string& origin, const std::string& family) {
  v1::EventCore core;
  core.set_origin(origin);
  core.set_hlc(123456);
  v1::SaleRecorded* sale = core.mutable_sale_recorded();
  sale->set_family_id(family);
  v1::SaleLine* line = sale->add_lines();
  line->set_product_id("EPI-LAIT-1L");
  line->set_quantity(2);
  return core;
}

// Builds a chain of `n` events from `origin`.
std::vector<DecodedEvent> Chain(const std::string& origin, int n) {
  std::vector<DecodedEvent> events;
  ChainHead head;
  for (int i = 0; i < n; ++i) {
    events.push_back(SealEvent(head, SaleCore(origin, "HEM-00000" + std::to_string(i)), nullptr));
    head = HeadAfter(events.back());
  }
  return events;
}

TEST(Sha256Test, MatchesTheStandardTestVector) {
  EXPECT_EQ(ToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// One hashing context is reused per thread: each hash must start afresh.
TEST(Sha256Test, EachHashStartsAfreshOnEveryThread) {
  auto check = [] {
    for (int round = 0; round < 3; ++round) {
      EXPECT_EQ(ToHex(Sha256("")),
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      EXPECT_EQ(ToHex(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
      EXPECT_EQ(ToHex(Sha256("abc")),
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
  };
  check();
  std::thread other(check);
  other.join();
}

TEST(EventCodecTest, SealedEventDecodesToTheSameCoreAndHash) {
  const DecodedEvent sealed = SealEvent(ChainHead{}, SaleCore("hem", "HEM-000123"), nullptr);
  EXPECT_EQ(sealed.core().seq(), 1u);
  EXPECT_EQ(sealed.core().prev_hash(), ZeroHash());
  absl::StatusOr<DecodedEvent> decoded = DecodeRecord(sealed.record());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->record().core(), sealed.record().core()) << "bytes are forwarded verbatim";
  EXPECT_EQ(decoded->hash, Sha256(sealed.record().core()));
  EXPECT_EQ(decoded->core().sale_recorded().family_id(), "HEM-000123");
}

TEST(EventCodecTest, EachEventChainsToThePreviousOne) {
  std::vector<DecodedEvent> events = Chain("hem", 5);
  ChainHead head;
  for (const DecodedEvent& event : events) {
    ASSERT_EQ(CheckLink(head, event), Link::kNext);
    EXPECT_EQ(event.core().prev_hash(), head.seq == 0 ? ZeroHash() : head.hash);
    head = HeadAfter(event);
  }
  EXPECT_EQ(head.seq, 5u);
}

TEST(EventCodecTest, DetectsDuplicatesGapsAndBrokenChains) {
  std::vector<DecodedEvent> events = Chain("hem", 4);
  const ChainHead after_two = HeadAfter(events[1]);
  EXPECT_EQ(CheckLink(after_two, events[0]), Link::kAlreadyHeld);
  EXPECT_EQ(CheckLink(after_two, events[1]), Link::kAlreadyHeld);
  EXPECT_EQ(CheckLink(after_two, events[2]), Link::kNext);
  EXPECT_EQ(CheckLink(after_two, events[3]), Link::kGap);
  // Same seq as the next link, but chained to something else (another history).
  DecodedEvent forged = SealEvent(ChainHead{2, std::string(kHashSize, 'x')},
                                  SaleCore("hem", "HEM-999999"), nullptr);
  EXPECT_EQ(CheckLink(after_two, forged), Link::kBrokenChain);
}

TEST(EventCodecTest, TamperedBytesChangeTheHashAndBreakTheNextLink) {
  std::vector<DecodedEvent> events = Chain("hem", 2);
  v1::EventRecord tampered = events[0].record();
  v1::EventCore core = events[0].core();
  core.mutable_sale_recorded()->mutable_lines(0)->set_quantity(200);
  core.SerializeToString(tampered.mutable_core());
  absl::StatusOr<DecodedEvent> decoded = DecodeRecord(tampered);
  ASSERT_TRUE(decoded.ok());
  EXPECT_NE(decoded->hash, events[0].hash);
  EXPECT_EQ(CheckLink(HeadAfter(*decoded), events[1]), Link::kBrokenChain);
}

TEST(EventCodecTest, PersonalPartIsDigestedAndDetachable) {
  v1::PersonalPart personal;
  personal.set_salt(std::string(16, '\x07'));
  personal.set_note("Mme Dupont, allergie arachide");
  const DecodedEvent sealed = SealEvent(ChainHead{}, SaleCore("hem", "HEM-1"), &personal);
  EXPECT_EQ(sealed.core().personal_digest(), Sha256(sealed.record().personal()));
  EXPECT_EQ(sealed.record().core().find("Dupont"), std::string::npos)
      << "personal data must not be in the chained core";

  v1::EventRecord erased = sealed.record();
  erased.clear_personal();  // RGPD erasure: the chain still verifies
  absl::StatusOr<DecodedEvent> decoded = DecodeRecord(erased);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->hash, sealed.hash);

  v1::EventRecord swapped = sealed.record();
  swapped.set_personal("someone else's data");
  EXPECT_EQ(DecodeRecord(swapped).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EventCodecTest, RejectsMalformedRecordsWithReadableErrors) {
  v1::EventRecord garbage;
  garbage.set_core("\xff\xff\xff not a protobuf");
  EXPECT_EQ(DecodeRecord(garbage).status().code(), absl::StatusCode::kInvalidArgument);

  v1::EventCore no_origin = SaleCore("", "HEM-1");
  no_origin.set_seq(1);
  no_origin.set_prev_hash(ZeroHash());
  v1::EventRecord record;
  no_origin.SerializeToString(record.mutable_core());
  absl::Status status = DecodeRecord(record).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("origin"), absl::string_view::npos) << status;

  v1::EventCore short_hash = SaleCore("hem", "HEM-1");
  short_hash.set_seq(1);
  short_hash.set_prev_hash("abc");
  short_hash.SerializeToString(record.mutable_core());
  EXPECT_EQ(DecodeRecord(record).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EventCodecTest, UnknownFieldsSurviveBecauseBytesAreForwardedVerbatim) {
  DecodedEvent sealed = SealEvent(ChainHead{}, SaleCore("hem", "HEM-1"), nullptr);
  // A newer origin appended a field this build does not know (field 999, varint 1).
  std::string newer = sealed.record().core() + std::string("\xb8\x3e\x01", 3);
  v1::EventRecord record;
  record.set_core(newer);
  absl::StatusOr<DecodedEvent> decoded = DecodeRecord(record);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->record().core(), newer);
  EXPECT_EQ(decoded->hash, Sha256(newer));
}

// A pushed batch is parsed on an arena of its own; its events refer to the
// records there instead of copying them, and keep the arena alive after the
// message's own pointer is gone (the hub drops events long after parsing).
TEST(EventCodecTest, EventsDecodedOnAnArenaReferToTheirBatchAndKeepItAlive) {
  const std::vector<DecodedEvent> chain = Chain("hem", 3);
  v1::NodeMessage wire;
  for (const DecodedEvent& event : chain) *wire.mutable_push()->add_events() = event.record();
  const std::string bytes = wire.SerializeAsString();

  std::shared_ptr<v1::NodeMessage> message = NewOnArena<v1::NodeMessage>(bytes.size());
  ASSERT_TRUE(message->ParseFromString(bytes));
  ASSERT_NE(message->GetArena(), nullptr);
  std::vector<DecodedEvent> decoded;
  for (const v1::EventRecord& record : message->push().events()) {
    absl::StatusOr<DecodedEvent> event = DecodeRecordIn(message, record);
    ASSERT_TRUE(event.ok()) << event.status();
    EXPECT_EQ(&event->record(), &record) << "the record must be referred to, not copied";
    EXPECT_EQ(event->core().GetArena(), message->GetArena());
    decoded.push_back(*std::move(event));
  }
  const DecodedEvent copy = decoded[1];  // shares, does not copy
  EXPECT_EQ(&copy.core(), &decoded[1].core());
  message.reset();
  decoded.clear();  // `copy` alone keeps the batch alive
  EXPECT_EQ(copy.core().seq(), 2u);
  EXPECT_EQ(copy.hash, chain[1].hash);
  EXPECT_EQ(copy.record().core(), chain[1].record().core());
  EXPECT_EQ(CheckLink(HeadAfter(chain[0]), copy), Link::kNext);
}

// The checks are the same on an arena as off it, and a record that is not on
// an arena is decoded by copying it.
TEST(EventCodecTest, DecodingOnAnArenaRefusesWhatDecodeRecordRefuses) {
  std::shared_ptr<v1::NodeMessage> message = NewOnArena<v1::NodeMessage>(0);
  v1::EventRecord* garbage = message->mutable_push()->add_events();
  garbage->set_core("\xff\xff\xff not a protobuf");
  absl::Status status = DecodeRecordIn(message, *garbage).status();
  EXPECT_EQ(status, DecodeRecord(*garbage).status());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);

  v1::PersonalPart personal;
  personal.set_note("Mme Dupont");
  v1::EventRecord* swapped = message->mutable_push()->add_events();
  *swapped = SealEvent(ChainHead{}, SaleCore("hem", "HEM-1"), &personal).record();
  swapped->set_personal("someone else's data");
  status = DecodeRecordIn(message, *swapped).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("digest"), absl::string_view::npos) << status;

  auto on_heap = std::make_shared<v1::EventRecord>(Chain("hem", 1)[0].record());
  absl::StatusOr<DecodedEvent> copied = DecodeRecordIn(on_heap, *on_heap);
  ASSERT_TRUE(copied.ok()) << copied.status();
  EXPECT_NE(&copied->record(), on_heap.get());
  EXPECT_EQ(copied->record().core(), on_heap->core());
}

}  // namespace
}  // namespace comptoir
