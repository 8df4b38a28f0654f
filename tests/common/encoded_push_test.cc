#include "common/encoded_push.h"

#include <gtest/gtest.h>

#include <string>

namespace comptoir {
namespace {

// A node frames its pushes from the stored bytes; the hub parses them with
// protobuf. The frame must be exactly the bytes protobuf gives the same
// message, lengths of one, two and three bytes included.
TEST(EncodedPushTest, APushIsTheBytesProtobufMakesOfTheSameBatch) {
  v1::NodeMessage expected;
  v1::PushBatch* batch = expected.mutable_push();
  EncodedNodeMessage push = EncodedNodeMessage::Push();
  const std::string cores[] = {"c", std::string(200, 'x'), std::string(20000, 'y'), "last"};
  const std::string personals[] = {"", "household of four", "", std::string(300, 'p')};
  for (int i = 0; i < 4; ++i) {
    v1::EventRecord* record = batch->add_events();
    record->set_core(cores[i]);
    record->set_personal(personals[i]);
    push.AddEvent(cores[i], personals[i]);
  }
  EXPECT_TRUE(push.is_push());
  EXPECT_EQ(push.push_events(), 4);
  EXPECT_EQ(push.Serialize(), expected.SerializeAsString());
  EXPECT_EQ(push.ByteSize(), expected.ByteSizeLong());
  EXPECT_EQ(push.head() + push.body(), push.Serialize());
  absl::StatusOr<v1::NodeMessage> parsed = push.ToMessage();
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->push().events_size(), 4);
  EXPECT_EQ(parsed->push().events(2).core(), cores[2]);
  EXPECT_EQ(parsed->push().events(1).personal(), personals[1]);
  EXPECT_TRUE(parsed->push().events(0).personal().empty());
}

TEST(EncodedPushTest, AnEmptyPushAndOtherMessagesAreWhatProtobufSends) {
  EncodedNodeMessage empty = EncodedNodeMessage::Push();
  EXPECT_EQ(empty.push_events(), 0);
  v1::NodeMessage empty_push;
  empty_push.mutable_push();
  EXPECT_EQ(empty.Serialize(), empty_push.SerializeAsString());

  v1::NodeMessage ack;
  ack.mutable_pull_ack()->set_cursor(1234567);
  EncodedNodeMessage encoded(ack);
  EXPECT_FALSE(encoded.is_push());
  EXPECT_EQ(encoded.push_events(), 0);
  EXPECT_TRUE(encoded.head().empty());
  EXPECT_EQ(encoded.Serialize(), ack.SerializeAsString());
  EXPECT_EQ(encoded.ToMessage()->pull_ack().cursor(), 1234567u);
  EXPECT_EQ(encoded.TakeBody(), ack.SerializeAsString());
}

}  // namespace
}  // namespace comptoir
