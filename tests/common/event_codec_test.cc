#include "common/event_codec.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/sha256.h"

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
  EXPECT_EQ(sealed.core.seq(), 1u);
  EXPECT_EQ(sealed.core.prev_hash(), ZeroHash());
  absl::StatusOr<DecodedEvent> decoded = DecodeRecord(sealed.record);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->record.core(), sealed.record.core()) << "bytes are forwarded verbatim";
  EXPECT_EQ(decoded->hash, Sha256(sealed.record.core()));
  EXPECT_EQ(decoded->core.sale_recorded().family_id(), "HEM-000123");
}

TEST(EventCodecTest, EachEventChainsToThePreviousOne) {
  std::vector<DecodedEvent> events = Chain("hem", 5);
  ChainHead head;
  for (const DecodedEvent& event : events) {
    ASSERT_EQ(CheckLink(head, event), Link::kNext);
    EXPECT_EQ(event.core.prev_hash(), head.seq == 0 ? ZeroHash() : head.hash);
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
  v1::EventRecord tampered = events[0].record;
  v1::EventCore core = events[0].core;
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
  EXPECT_EQ(sealed.core.personal_digest(), Sha256(sealed.record.personal()));
  EXPECT_EQ(sealed.record.core().find("Dupont"), std::string::npos)
      << "personal data must not be in the chained core";

  v1::EventRecord erased = sealed.record;
  erased.clear_personal();  // RGPD erasure: the chain still verifies
  absl::StatusOr<DecodedEvent> decoded = DecodeRecord(erased);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->hash, sealed.hash);

  v1::EventRecord swapped = sealed.record;
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
  std::string newer = sealed.record.core() + std::string("\xb8\x3e\x01", 3);
  v1::EventRecord record;
  record.set_core(newer);
  absl::StatusOr<DecodedEvent> decoded = DecodeRecord(record);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->record.core(), newer);
  EXPECT_EQ(decoded->hash, Sha256(newer));
}

}  // namespace
}  // namespace comptoir
