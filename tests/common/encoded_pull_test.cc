#include "common/encoded_pull.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace comptoir {
namespace {

v1::LogEntry EventEntry(uint64_t position, const std::string& core,
                        const std::string& personal = "") {
  v1::LogEntry entry;
  entry.set_position(position);
  entry.mutable_event()->set_core(core);
  if (!personal.empty()) entry.mutable_event()->set_personal(personal);
  return entry;
}

v1::LogEntry WithheldEntry(uint64_t position) {
  v1::LogEntry entry;
  entry.set_position(position);
  v1::WithheldLink* link = entry.mutable_withheld();
  link->set_origin("caudry");
  link->set_seq(41);
  link->set_prev_hash(std::string(32, '\x01'));
  link->set_hash(std::string(32, '\x02'));
  return entry;
}

// The bytes protobuf itself gives the same batch: what a node parses.
std::string Expected(const v1::PullBatch& batch) {
  v1::HubMessage message;
  *message.mutable_pull() = batch;
  return message.SerializeAsString();
}

TEST(EncodedPullTest, OwnAndSharedEntriesMakeTheBytesProtobufMakes) {
  // A core long enough for multi-byte lengths, positions past 2^35, and a
  // batch over 16 KiB so that the batch's own length takes three bytes.
  const std::string long_core(20000, 'c');
  auto shared = std::make_shared<std::string>(EncodeLogEntry(EventEntry(uint64_t{1} << 36, "s")));
  v1::PullBatch batch;
  EncodedPull pull;
  *batch.add_entries() = EventEntry(7, long_core, "personal");
  pull.Add(EventEntry(7, long_core, "personal"));
  *batch.add_entries() = EventEntry(uint64_t{1} << 36, "s");
  pull.AddShared(shared, *shared);
  *batch.add_entries() = WithheldEntry((uint64_t{1} << 36) + 1);
  pull.Add(WithheldEntry((uint64_t{1} << 36) + 1));
  batch.set_through((uint64_t{1} << 36) + 5);
  batch.set_log_head((uint64_t{1} << 36) + 9);
  pull.set_through(batch.through());
  pull.set_log_head(batch.log_head());

  EXPECT_EQ(pull.entries_size(), 3);
  EXPECT_EQ(pull.ByteSize(), Expected(batch).size());
  EXPECT_EQ(pull.Serialize(), Expected(batch));
  absl::StatusOr<v1::PullBatch> decoded = pull.ToBatch();
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->SerializeAsString(), batch.SerializeAsString());
}

TEST(EncodedPullTest, AnEmptyBatchIsStillAPull) {
  // Zero fields are not written (proto3), but the message must still be a pull.
  EncodedPull pull;
  EXPECT_EQ(pull.Serialize(), Expected(v1::PullBatch()));
  absl::StatusOr<v1::HubMessage> message = pull.ToMessage();
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_TRUE(message->has_pull());
  EXPECT_EQ(message->pull().entries_size(), 0);
}

TEST(EncodedPullTest, KeepsSharedBytesAliveOnceAPerOwner) {
  auto owner = std::make_shared<std::string>(EncodeLogEntry(EventEntry(1, "a")) +
                                             EncodeLogEntry(EventEntry(2, "b")));
  const size_t first = EncodeLogEntry(EventEntry(1, "a")).size();
  EncodedPull pull;
  pull.AddShared(owner, absl::string_view(*owner).substr(0, first));
  pull.AddShared(owner, absl::string_view(*owner).substr(first));
  EXPECT_EQ(owner.use_count(), 2) << "one reference for consecutive entries of one owner";
  const std::weak_ptr<std::string> watch = owner;
  owner.reset();
  EXPECT_FALSE(watch.expired()) << "the batch keeps its entries' bytes";
  v1::PullBatch batch;
  *batch.add_entries() = EventEntry(1, "a");
  *batch.add_entries() = EventEntry(2, "b");
  EXPECT_EQ(pull.Serialize(), Expected(batch));
}

TEST(EncodedPullTest, FramedPiecesAreTheSameBytesAndEntriesInARowAreOneSpan) {
  // Three entries one after the other in their owner's memory, as the recent
  // log keeps a group's entries; then one of the batch's own.
  const std::string first = EncodeLogEntry(EventEntry(1, "a"));
  const std::string second = EncodeLogEntry(EventEntry(2, "b"));
  const std::string third = EncodeLogEntry(WithheldEntry(3));
  auto owner = std::make_shared<std::string>(first + second + third);
  const absl::string_view all(*owner);
  EncodedPull pull;
  pull.AddShared(owner, all.substr(0, first.size()));
  pull.AddShared(owner, all.substr(first.size(), second.size()));
  pull.AddShared(owner, all.substr(first.size() + second.size()));
  pull.Add(EventEntry(9, "own"));
  pull.set_through(9);
  pull.set_log_head(12);

  const EncodedPull::Framed framed = pull.Frame();
  ASSERT_EQ(framed.entries.size(), 2u) << "the owner's run, then the batch's own bytes";
  EXPECT_EQ(framed.entries[0].bytes, all);
  EXPECT_EQ(framed.entries[0].owner, owner);
  std::string joined = framed.head;
  for (const EncodedPull::Span& span : framed.entries) joined += std::string(span.bytes);
  joined += framed.tail;
  EXPECT_EQ(joined, pull.Serialize());
  EXPECT_EQ(pull.entries_size(), 4);
  absl::StatusOr<v1::PullBatch> batch = pull.ToBatch();
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->entries_size(), 4);
  EXPECT_TRUE(batch->entries(2).has_withheld());
  EXPECT_EQ(batch->entries(3).event().core(), "own");
}

}  // namespace
}  // namespace comptoir
