// The sync protocol core driven message by message over real RocksDB stores.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "common/keys.h"
#include "common/status_macros.h"
#include "common/sha256.h"
#include "node/notice.h"
#include "node/till.h"
#include "tests/sim/sync_harness.h"
#include "tests/testing/shop.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::SyncWire;
using ::comptoir::testing::TempDir;

class SyncProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = HubLog::Open(dir_.Sub("hub")).value();
    hem_ = NodeStore::Open({"hem", dir_.Sub("hem"), nullptr, ""}).value();
    lille_ = NodeStore::Open({"lille", dir_.Sub("lille"), nullptr, ""}).value();
    base_ = hub_->LogHead();  // the hub's own configuration events
  }

  static void Sell(NodeStore& node, int count, int quantity = 1) {
    for (int i = 0; i < count; ++i) ASSERT_TRUE(testing::AppendRawSale(node, quantity).ok());
  }

  // `count` bare sales in one command (one write): for tests that need
  // batches' worth of events.
  static void SellAtOnce(NodeStore& node, int count) {
    ASSERT_TRUE(node.Execute([&](CommandContext& ctx) {
                      for (int i = 0; i < count; ++i) {
                        v1::EventCore core;
                        v1::SaleLine* line = core.mutable_sale_recorded()->add_lines();
                        line->set_product_id("P");
                        line->set_quantity(1);
                        RETURN_IF_ERROR(ctx.Append(std::move(core), nullptr).status());
                      }
                      return absl::OkStatus();
                    })
                    .ok());
  }

  static uint64_t SalesOf(const v1::SalesSummary& summary, const std::string& origin) {
    for (const auto& row : summary.origins()) {
      if (row.origin() == origin) return row.sales();
    }
    return 0;
  }

  // A push batch of `site`'s events [from, to] as sealed by `node`.
  static v1::NodeMessage PushOf(NodeStore& node, uint64_t from, uint64_t to) {
    v1::NodeMessage message;
    std::vector<v1::EventRecord> records = node.ReadOwn(from, to - from + 1, 1 << 30).value();
    for (auto& record : records) {
      *message.mutable_push()->add_events() = record;
    }
    return message;
  }

  static v1::NodeMessage Hello(const std::string& site, uint32_t version = kProtocolVersion) {
    v1::NodeMessage message;
    message.mutable_hello()->set_site(site);
    message.mutable_hello()->set_protocol_version(version);
    return message;
  }

  TempDir dir_;
  std::unique_ptr<HubLog> hub_;
  std::unique_ptr<NodeStore> hem_;
  std::unique_ptr<NodeStore> lille_;
  uint64_t base_ = 0;
};

TEST_F(SyncProtocolTest, HandshakePushesOfflineSalesAndAcknowledgesThem) {
  Sell(*hem_, 3);
  SyncWire wire(hem_.get(), hub_.get());
  ASSERT_TRUE(wire.DeliverUp());  // Hello
  ASSERT_EQ(wire.down().size(), 1u);
  ASSERT_TRUE(wire.down().front().has_welcome());
  EXPECT_EQ(wire.down().front().welcome().high_water(), 0u);
  EXPECT_EQ(wire.down().front().welcome().hub_epoch(), hub_->Epoch());
  wire.Pump();
  ASSERT_TRUE(wire.node_error().ok()) << wire.node_error();
  ASSERT_TRUE(wire.hub_end().ok()) << wire.hub_end();
  EXPECT_EQ(hub_->HeadOf("hem")->seq, 3u);
  EXPECT_EQ(hub_->LogHead(), base_ + 3);
  EXPECT_EQ(wire.node_session().acked(), 3u);
  EXPECT_EQ(hem_->Status()->acked_high_water(), 3u) << "ack is persisted";
  EXPECT_EQ(hem_->Status()->hub_epoch(), hub_->Epoch());
  EXPECT_EQ(SalesOf(*hub_->Sales(), "hem"), 3u);

  // Live: a new sale flows as soon as the node says so.
  Sell(*hem_, 1);
  wire.LocalAppend();
  wire.Pump();
  EXPECT_EQ(hub_->HeadOf("hem")->seq, 4u);
}

TEST_F(SyncProtocolTest, PullBringsOtherCentresEventsButNeverTheNodesOwn) {
  Sell(*hem_, 5);
  Sell(*lille_, 2);
  SyncWire hem_wire(hem_.get(), hub_.get());
  hem_wire.Pump();
  SyncWire lille_wire(lille_.get(), hub_.get());
  lille_wire.Pump();
  hem_wire.Pump();  // hem now pulls lille's two sales
  ASSERT_TRUE(lille_wire.node_error().ok()) << lille_wire.node_error();
  EXPECT_EQ(SalesOf(*lille_->Sales(), "hem"), 5u);
  EXPECT_EQ(SalesOf(*lille_->Sales(), "lille"), 2u);
  EXPECT_EQ(SalesOf(*hem_->Sales(), "lille"), 2u);
  EXPECT_EQ(SalesOf(*hem_->Sales(), "hem"), 5u) << "own events are never pulled back twice";
  EXPECT_EQ(lille_->Status()->hub_cursor(), hub_->LogHead());
  EXPECT_EQ(hem_->Status()->hub_cursor(), hub_->LogHead());
}

TEST_F(SyncProtocolTest, ACentreWhoseOwnEventsEndTheLogIsNotBehind) {
  Sell(*lille_, 2);
  SyncWire lille_wire(lille_.get(), hub_.get());
  lille_wire.Pump();
  SyncWire hem_wire(hem_.get(), hub_.get());
  hem_wire.Pump();  // hem pulls lille's sales
  Sell(*hem_, 5);
  hem_wire.LocalAppend();
  hem_wire.Pump();  // then pushes its own after them
  ASSERT_TRUE(hem_wire.node_error().ok()) << hem_wire.node_error();
  ASSERT_EQ(hub_->LogHead(), base_ + 7);
  EXPECT_EQ(hem_->Status()->hub_cursor(), base_ + 2) << "its own events are not sent back";
  EXPECT_EQ(hem_wire.hub_session().caught_up_through(), hub_->LogHead())
      << "yet it holds everything it gets";
  // While a batch is on its way, the node is where it acknowledged.
  Sell(*lille_, 1);
  lille_wire.LocalAppend();
  lille_wire.Pump();
  absl::StatusOr<std::optional<EncodedPull>> sent = hem_wire.hub_session().NextPull();
  ASSERT_TRUE(sent.ok() && sent->has_value());
  EXPECT_EQ(hem_wire.hub_session().caught_up_through(), base_ + 2);
}

TEST_F(SyncProtocolTest, DuplicatePushIsIgnored) {
  Sell(*hem_, 4);
  SyncWire wire(hem_.get(), hub_.get());
  wire.Pump();
  ASSERT_EQ(hub_->LogHead(), base_ + 4);
  // The same batch arrives again (a retry after a lost ack), then an overlapping one.
  HubSession session(hub_.get());
  ASSERT_TRUE(session.OnNodeMessage(Hello("hem")).end.ok());
  for (auto push : {PushOf(*hem_, 1, 4), PushOf(*hem_, 2, 3)}) {
    HubSession::Reply reply = session.OnNodeMessage(push);
    ASSERT_TRUE(reply.end.ok()) << reply.end;
    ASSERT_EQ(reply.messages.size(), 1u);
    EXPECT_EQ(reply.messages[0].push_ack().high_water(), 4u);
  }
  EXPECT_EQ(hub_->LogHead(), base_ + 4);
  EXPECT_EQ(SalesOf(*hub_->Sales(), "hem"), 4u);
}

// Both sides decode a batch in the message it arrived in, on that message's
// arena: the events refer to its records (no copy) and keep it alive until
// the last of them is dropped, long after the transport let go of it.
TEST_F(SyncProtocolTest, BatchesOnAnArenaAreDecodedInPlaceAndKeptAliveByTheirEvents) {
  Sell(*hem_, 3);
  HubSession session(hub_.get());
  ASSERT_TRUE(session.OnNodeMessage(Hello("hem")).end.ok());
  std::shared_ptr<v1::NodeMessage> push = CopyOnArena(PushOf(*hem_, 1, 3));
  const v1::EventRecord* pushed_second = &push->push().events(1);
  HubSession::Reply reply =
      session.OnNodeMessage(std::shared_ptr<const v1::NodeMessage>(push),
                            HubSession::PushMode::kDeferred);
  ASSERT_TRUE(reply.end.ok()) << reply.end;
  ASSERT_TRUE(reply.push.has_value());
  std::vector<DecodedEvent> events = *std::move(reply.push);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(&events[1].record(), pushed_second);
  EXPECT_EQ(events[1].core().GetArena(), push->GetArena());
  push.reset();  // the transport is done with it; the events still hold it
  EXPECT_EQ(events[2].core().seq(), 3u);
  ASSERT_TRUE(session.OnPushAppended(hub_->AppendPushed("hem", events)).end.ok());
  EXPECT_EQ(SalesOf(*hub_->Sales(), "hem"), 3u);

  std::shared_ptr<v1::HubMessage> pull = NewOnArena<v1::HubMessage>(0);
  *pull->mutable_pull() = hub_->ReadLogFor("lille", 0, 100, 1 << 20, false)->ToBatch().value();
  DecodedPull decoded = DecodePull(pull);
  const int last = pull->pull().entries_size() - 1;
  ASSERT_GE(last, 2);
  const v1::EventRecord* pulled_last = &pull->pull().entries(last).event();
  pull.reset();
  ASSERT_TRUE(decoded.events[last].ok()) << decoded.events[last].status();
  EXPECT_EQ(&decoded.events[last]->record(), pulled_last);
  EXPECT_EQ(decoded.events[last]->core().origin(), "hem");
  EXPECT_EQ(decoded.batch().entries(last).position(), decoded.batch().through());
}

// The sync service decodes a message before it takes the stream's lock, with
// no session at hand: the session then answers it as it would have answered
// the message itself, refusals included (with the site's high-water, which
// only the session can tell).
TEST_F(SyncProtocolTest, AMessageDecodedAheadIsAnsweredAsTheMessageItselfWouldBe) {
  Sell(*hem_, 4);
  HubSession session(hub_.get());
  ASSERT_TRUE(session.OnNodeMessage(DecodeNodeMessage(CopyOnArena(Hello("hem")))).end.ok());
  DecodedNodeMessage first = DecodeNodeMessage(CopyOnArena(PushOf(*hem_, 1, 2)));
  ASSERT_FALSE(first.refusal.has_value());
  ASSERT_EQ(first.events.size(), 2u);
  EXPECT_EQ(first.events[0].core().GetArena(), first.message->GetArena());
  HubSession::Reply reply = session.OnNodeMessage(std::move(first));
  ASSERT_TRUE(reply.end.ok()) << reply.end;
  EXPECT_EQ(reply.messages.at(0).push_ack().high_water(), 2u);

  v1::NodeMessage spoiled = PushOf(*hem_, 3, 4);
  spoiled.mutable_push()->mutable_events(1)->set_core("\xff\xffgarbage");
  DecodedNodeMessage bad = DecodeNodeMessage(CopyOnArena(spoiled));
  ASSERT_TRUE(bad.refusal.has_value());
  EXPECT_TRUE(bad.events.empty()) << "nothing of a batch holding garbage is kept";
  reply = session.OnNodeMessage(std::move(bad));
  EXPECT_EQ(reply.end.code(), absl::StatusCode::kInvalidArgument);
  const v1::SyncError& error = reply.messages.back().error();
  EXPECT_EQ(error.reason(), v1::SyncError::MALFORMED);
  EXPECT_EQ(error.high_water(), 2u);
  EXPECT_NE(error.message().find("event 2 of the pushed batch is unreadable"), std::string::npos)
      << error.message();
  EXPECT_EQ(hub_->HeadOf("hem")->seq, 2u) << "nothing of the spoiled batch was appended";
}

TEST_F(SyncProtocolTest, DuplicatePullDeliveryIsIgnored) {
  Sell(*hem_, 3);
  SyncWire(hem_.get(), hub_.get()).Pump();
  v1::PullBatch batch = hub_->ReadLogFor("lille", 0, 100, 1 << 20, false)->ToBatch().value();
  ASSERT_EQ(static_cast<uint64_t>(batch.entries_size()), base_ + 3);
  ASSERT_TRUE(lille_->ResetCursor(hub_->Epoch()).ok());
  ASSERT_TRUE(lille_->ApplyPulled(hub_->Epoch(), batch).ok());
  ASSERT_TRUE(lille_->ApplyPulled(hub_->Epoch(), batch).ok());
  // Reordered: an older, partial batch arrives after the full one.
  v1::PullBatch partial = hub_->ReadLogFor("lille", 0, 1, 1 << 20, false)->ToBatch().value();
  ASSERT_TRUE(lille_->ApplyPulled(hub_->Epoch(), partial).ok());
  EXPECT_EQ(SalesOf(*lille_->Sales(), "hem"), 3u);
  EXPECT_EQ(lille_->Status()->hub_cursor(), base_ + 3) << "the cursor never moves back";
}

TEST_F(SyncProtocolTest, GapIsRefusedWithAClearErrorAndNothingIsAppended) {
  Sell(*hem_, 5);
  HubSession session(hub_.get());
  ASSERT_TRUE(session.OnNodeMessage(Hello("hem")).end.ok());
  HubSession::Reply reply = session.OnNodeMessage(PushOf(*hem_, 3, 5));
  EXPECT_EQ(reply.end.code(), absl::StatusCode::kAborted) << reply.end;
  ASSERT_FALSE(reply.messages.empty());
  const v1::SyncError& error = reply.messages.back().error();
  EXPECT_EQ(error.reason(), v1::SyncError::GAP);
  EXPECT_NE(error.message().find("missing"), std::string::npos) << error.message();
  EXPECT_EQ(error.high_water(), 0u);
  EXPECT_EQ(hub_->LogHead(), base_ + 0);
}

TEST_F(SyncProtocolTest, ValidPrefixIsKeptWhenABatchBreaksLater) {
  Sell(*hem_, 5);
  HubSession session(hub_.get());
  ASSERT_TRUE(session.OnNodeMessage(Hello("hem")).end.ok());
  v1::NodeMessage push = PushOf(*hem_, 1, 2);
  *push.mutable_push()->add_events() = PushOf(*hem_, 4, 4).push().events(0);  // 3 is missing
  HubSession::Reply reply = session.OnNodeMessage(push);
  EXPECT_EQ(reply.end.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(reply.messages.front().push_ack().high_water(), 2u);
  EXPECT_EQ(hub_->HeadOf("hem")->seq, 2u) << "what was valid is not lost";
}

TEST_F(SyncProtocolTest, BrokenChainIsRefused) {
  Sell(*hem_, 2);
  SyncWire(hem_.get(), hub_.get()).Pump();
  // An event 3 that claims a predecessor the hub does not hold.
  v1::EventCore core;
  core.set_origin("hem");
  core.set_hlc(1);
  core.mutable_sale_recorded()->set_family_id("X");
  DecodedEvent forged = SealEvent(ChainHead{2, std::string(kHashSize, 'z')}, core, nullptr);
  HubSession session(hub_.get());
  ASSERT_TRUE(session.OnNodeMessage(Hello("hem")).end.ok());
  v1::NodeMessage push;
  *push.mutable_push()->add_events() = forged.record();
  HubSession::Reply reply = session.OnNodeMessage(push);
  EXPECT_EQ(reply.end.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(reply.messages.back().error().reason(), v1::SyncError::BROKEN_CHAIN);
  EXPECT_EQ(hub_->HeadOf("hem")->seq, 2u);
}

TEST_F(SyncProtocolTest, AForkIsDetectedAndNeverOverwritesTheHubsCopy) {
  Sell(*hem_, 2);
  SyncWire(hem_.get(), hub_.get()).Pump();
  const std::string held = hub_->HeadOf("hem")->hash;
  // Another "hem" (a restored backup that went on selling) wrote a different seq 2.
  TempDir other_dir;
  auto other = NodeStore::Open({"hem", other_dir.path(), nullptr, ""}).value();
  ASSERT_TRUE(testing::AppendRawSale(*other, 1).ok());
  ASSERT_TRUE(testing::AppendRawSale(*other, 9).ok());
  HubSession session(hub_.get());
  ASSERT_TRUE(session.OnNodeMessage(Hello("hem")).end.ok());
  HubSession::Reply reply = session.OnNodeMessage(PushOf(*other, 1, 2));
  ASSERT_FALSE(reply.end.ok());
  EXPECT_EQ(reply.messages.back().error().reason(), v1::SyncError::FORK)
      << reply.messages.back().error().message();
  EXPECT_EQ(hub_->HeadOf("hem")->hash, held);

  // And the node side notices a fork at the hub's high-water mark on Welcome.
  SyncWire wire(other.get(), hub_.get());
  wire.Pump();
  EXPECT_EQ(wire.node_error().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(wire.node_error().message().find("fork"), absl::string_view::npos)
      << wire.node_error();
}

TEST_F(SyncProtocolTest, ASiteCannotPushAnotherSitesEvents) {
  Sell(*lille_, 1);
  HubSession session(hub_.get());
  ASSERT_TRUE(session.OnNodeMessage(Hello("hem")).end.ok());
  HubSession::Reply reply = session.OnNodeMessage(PushOf(*lille_, 1, 1));
  EXPECT_EQ(reply.end.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(reply.messages.back().error().reason(), v1::SyncError::WRONG_ORIGIN);
  EXPECT_EQ(hub_->LogHead(), base_ + 0);
}

TEST_F(SyncProtocolTest, BadHellosAndGarbageAreRefused) {
  {
    HubSession session(hub_.get());
    HubSession::Reply reply = session.OnNodeMessage(Hello("Not A Site"));
    EXPECT_EQ(reply.end.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(reply.messages.back().error().reason(), v1::SyncError::BAD_HELLO);
  }
  {
    HubSession session(hub_.get());
    HubSession::Reply reply = session.OnNodeMessage(Hello("hem", 99));
    EXPECT_EQ(reply.end.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(reply.messages.back().error().reason(), v1::SyncError::UNSUPPORTED_VERSION);
  }
  {
    HubSession session(hub_.get());
    v1::NodeMessage push;
    push.mutable_push()->add_events()->set_core("garbage");
    EXPECT_EQ(session.OnNodeMessage(push).end.code(), absl::StatusCode::kInvalidArgument)
        << "no push before Hello";
  }
  {
    HubSession session(hub_.get());
    ASSERT_TRUE(session.OnNodeMessage(Hello("hem")).end.ok());
    v1::NodeMessage push;
    push.mutable_push()->add_events()->set_core("\xff\xffgarbage");
    HubSession::Reply reply = session.OnNodeMessage(push);
    EXPECT_EQ(reply.end.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(reply.messages.back().error().reason(), v1::SyncError::MALFORMED);
  }
  EXPECT_EQ(hub_->LogHead(), base_ + 0);
}

TEST_F(SyncProtocolTest, AHubNeverWritesANodesOwnChainUnlessItRecovers) {
  Sell(*hem_, 2);
  SyncWire(hem_.get(), hub_.get()).Pump();
  // A hub sends a hem/3 that this hem never wrote, chained onto its head.
  v1::EventCore core;
  core.set_origin("hem");
  core.mutable_sale_recorded()->set_family_id("X");
  const DecodedEvent foreign = SealEvent(*hem_->OwnHead(), core, nullptr);
  v1::PullBatch tail;
  v1::LogEntry* entry = tail.add_entries();
  entry->set_position(3);
  *entry->mutable_event() = foreign.record();
  tail.set_through(3);
  tail.set_log_head(3);
  ASSERT_TRUE(hem_->ResetCursor(hub_->Epoch()).ok());
  const absl::Status refused = hem_->ApplyPulled(hub_->Epoch(), tail);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("while not recovering"), absl::string_view::npos) << refused;
  EXPECT_EQ(hem_->OwnHead()->seq, 2u) << "the node's own chain is untouched";
  EXPECT_EQ(hem_->Status()->hub_cursor(), 0u) << "nothing applied, the cursor did not move";
}

TEST_F(SyncProtocolTest, ANodeRefusesAPullBatchThatClaimsMoreThanTheLog) {
  Sell(*lille_, 2);
  SyncWire(lille_.get(), hub_.get()).Pump();
  SyncWire wire(hem_.get(), hub_.get());
  ASSERT_TRUE(wire.DeliverUp());
  ASSERT_TRUE(wire.DeliverDown());  // Welcome
  ASSERT_TRUE(wire.node_session().welcomed());
  v1::PullBatch batch = hub_->ReadLogFor("hem", 0, 100, 1 << 20, false)->ToBatch().value();
  for (auto mangle : std::vector<std::function<void(v1::PullBatch&)>>{
           [](v1::PullBatch& b) { b.set_through(b.log_head() + 1); },
           [](v1::PullBatch& b) { b.mutable_entries(1)->set_position(b.entries(0).position()); },
           [](v1::PullBatch& b) { b.set_through(b.entries(b.entries_size() - 1).position() - 1); }}) {
    v1::HubMessage message;
    *message.mutable_pull() = batch;
    mangle(*message.mutable_pull());
    auto out = wire.node_session().OnHubMessage(message);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInternal) << out.status();
    EXPECT_NE(out.status().message().find("nothing applied"), absl::string_view::npos);
    EXPECT_EQ(hem_->Status()->hub_cursor(), 0u) << "the cursor never passes what was applied";
    EXPECT_EQ(SalesOf(*hem_->Sales(), "lille"), 0u);
  }
}

// What the node's client does with pull batches that arrived while it was busy
// applying others: one write for all, one acknowledgement.
class PullsTogetherTest : public SyncProtocolTest {
 protected:
  void SetUp() override {
    SyncProtocolTest::SetUp();
    Sell(*lille_, 6);
    SyncWire(lille_.get(), hub_.get()).Pump();
    HubSession hub_session(hub_.get());
    HubSession::Reply welcome = hub_session.OnNodeMessage(Hello("hem"));
    ASSERT_TRUE(welcome.end.ok()) << welcome.end;
    session_ = std::make_unique<NodeSession>(hem_.get());
    ASSERT_TRUE(session_->Start().ok());
    messages_.push_back(CopyOnArena(welcome.messages.at(0)));
    // Three batches: the hub's own events and lille/1-2, then lille/3-4, then lille/5-6.
    uint64_t after = 0;
    for (uint64_t count : {base_ + 2, uint64_t{2}, uint64_t{2}}) {
      v1::HubMessage pull;
      *pull.mutable_pull() = hub_->ReadLogFor("hem", after, count, 1 << 20, false)->ToBatch().value();
      after = pull.pull().through();
      pulls_.push_back(pull);
    }
    ASSERT_EQ(after, base_ + 6);
  }

  // The node's replies, as the hub parses them.
  absl::StatusOr<std::vector<v1::NodeMessage>> Deliver() {
    for (const v1::HubMessage& pull : pulls_) messages_.push_back(CopyOnArena(pull));
    absl::StatusOr<std::vector<EncodedNodeMessage>> out = session_->OnHubMessages(messages_);
    if (!out.ok()) return out.status();
    std::vector<v1::NodeMessage> replies;
    for (const EncodedNodeMessage& reply : *out) {
      absl::StatusOr<v1::NodeMessage> parsed = reply.ToMessage();
      if (!parsed.ok()) return parsed.status();
      replies.push_back(*std::move(parsed));
    }
    return replies;
  }

  std::unique_ptr<NodeSession> session_;
  std::vector<std::shared_ptr<const v1::HubMessage>> messages_;
  std::vector<v1::HubMessage> pulls_;
};

TEST_F(PullsTogetherTest, AreAllAppliedAndAcknowledgedOnce) {
  absl::StatusOr<std::vector<v1::NodeMessage>> out = Deliver();
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 1u) << "one acknowledgement for the three batches";
  EXPECT_EQ(out->at(0).pull_ack().cursor(), base_ + 6);
  EXPECT_EQ(SalesOf(*hem_->Sales(), "lille"), 6u);
  EXPECT_EQ(hem_->Status()->hub_cursor(), base_ + 6);
}

TEST_F(PullsTogetherTest, ARefusedBatchKeepsTheOnesBeforeItAndNothingAfter) {
  // lille/3 altered on the way: it still names lille/2 as its predecessor, but
  // lille/4 no longer chains to it.
  v1::EventRecord* third = pulls_[1].mutable_pull()->mutable_entries(0)->mutable_event();
  v1::EventCore core;
  ASSERT_TRUE(core.ParseFromString(third->core()));
  core.mutable_sale_recorded()->set_family_id("LILLE-ALTERED");
  third->set_core(core.SerializeAsString());
  absl::StatusOr<std::vector<v1::NodeMessage>> out = Deliver();
  EXPECT_EQ(out.status().code(), absl::StatusCode::kDataLoss) << out.status();
  EXPECT_EQ(SalesOf(*hem_->Sales(), "lille"), 2u) << "the first batch is applied, alone";
  EXPECT_EQ(hem_->Status()->hub_cursor(), pulls_[0].pull().through());
  EXPECT_EQ(hem_->ReadEvents("lille", 3, 10)->size(), 0u) << "nothing of the refused batch";
}

TEST_F(PullsTogetherTest, AMalformedBatchKeepsTheOnesBeforeIt) {
  pulls_[2].mutable_pull()->set_through(pulls_[2].pull().log_head() + 1);
  absl::StatusOr<std::vector<v1::NodeMessage>> out = Deliver();
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInternal) << out.status();
  EXPECT_EQ(SalesOf(*hem_->Sales(), "lille"), 4u);
  EXPECT_EQ(hem_->Status()->hub_cursor(), pulls_[1].pull().through());
}

TEST_F(SyncProtocolTest, AnEndedHubSessionAcceptsNothingMore) {
  Sell(*hem_, 3);
  HubSession session(hub_.get());
  ASSERT_TRUE(session.OnNodeMessage(Hello("hem")).end.ok());
  v1::NodeMessage ack;
  ack.mutable_pull_ack()->set_cursor(hub_->LogHead() + 1);
  HubSession::Reply refused = session.OnNodeMessage(ack);
  EXPECT_EQ(refused.end.code(), absl::StatusCode::kOutOfRange) << refused.end;
  EXPECT_EQ(refused.messages.back().error().reason(), v1::SyncError::CURSOR_BEYOND_LOG);
  // Whatever arrives after the refusal (the adapter stops reading, but a
  // message may be in flight) changes nothing.
  EXPECT_FALSE(session.OnNodeMessage(PushOf(*hem_, 1, 3)).end.ok());
  EXPECT_EQ(hub_->LogHead(), base_);
  EXPECT_FALSE(session.NextPull()->has_value());
}

// Found by node_session_fuzz: a SyncError without a message ended the node's
// stream with an empty status message, leaving nothing to read in its logs.
TEST_F(SyncProtocolTest, AHubRefusalWithoutAMessageStillSaysSomething) {
  NodeSession session(hem_.get());
  ASSERT_TRUE(session.Start().ok());
  v1::HubMessage refusal;
  refusal.mutable_error()->set_reason(v1::SyncError::WRONG_ORIGIN);
  auto out = session.OnHubMessage(refusal);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(out.status().message(), "the hub refused the stream (WRONG_ORIGIN) without saying why");
  refusal.mutable_error()->set_reason(v1::SyncError::Reason(99));
  EXPECT_NE(session.OnHubMessage(refusal).status().message().find("reason 99"), std::string::npos);
}

TEST_F(SyncProtocolTest, ReconnectingNodeResumesFromItsCursor) {
  Sell(*hem_, 3);
  SyncWire(hem_.get(), hub_.get()).Pump();
  SyncWire(lille_.get(), hub_.get()).Pump();
  ASSERT_EQ(lille_->Status()->hub_cursor(), base_ + 3);
  Sell(*hem_, 2);
  SyncWire(hem_.get(), hub_.get()).Pump();
  // Lille reopens its store (a restart) and reconnects.
  lille_.reset();
  lille_ = NodeStore::Open({"lille", dir_.Sub("lille"), nullptr, ""}).value();
  SyncWire wire(lille_.get(), hub_.get());
  ASSERT_TRUE(wire.DeliverUp());
  EXPECT_EQ(wire.down().front().welcome().pull_from(), base_ + 3);
  wire.Pump();
  EXPECT_EQ(SalesOf(*lille_->Sales(), "hem"), 5u);
}

TEST_F(SyncProtocolTest, ANewHubEpochMakesNodesRepushAndRepullIdempotently) {
  Sell(*hem_, 3);
  Sell(*lille_, 2);
  SyncWire(hem_.get(), hub_.get()).Pump();
  SyncWire(lille_.get(), hub_.get()).Pump();
  SyncWire(hem_.get(), hub_.get()).Pump();
  // The hub's disk is replaced by an empty one: a new epoch.
  auto fresh = HubLog::Open(dir_.Sub("hub2")).value();
  ASSERT_NE(fresh->Epoch(), hub_->Epoch());
  SyncWire(hem_.get(), fresh.get()).Pump();
  SyncWire lille_wire(lille_.get(), fresh.get());
  lille_wire.Pump();
  ASSERT_TRUE(lille_wire.node_error().ok()) << lille_wire.node_error();
  SyncWire(hem_.get(), fresh.get()).Pump();
  EXPECT_EQ(fresh->HeadOf("hem")->seq, 3u);
  EXPECT_EQ(fresh->HeadOf("lille")->seq, 2u);
  EXPECT_EQ(SalesOf(*lille_->Sales(), "hem"), 3u) << "re-pulled without double counting";
  EXPECT_EQ(SalesOf(*hem_->Sales(), "lille"), 2u);
  EXPECT_EQ(lille_->Status()->hub_epoch(), fresh->Epoch());
}

TEST_F(SyncProtocolTest, ANodeThatLostItsDiskRecoversItsHistoryBeforeCreatingEvents) {
  Sell(*hem_, 3);
  SyncWire(hem_.get(), hub_.get()).Pump();
  // hem's disk is lost; it is re-provisioned empty, told to recover from the hub.
  TempDir empty_dir;
  auto rebuilt = NodeStore::Open({"hem", empty_dir.path(), nullptr, "", true}).value();
  EXPECT_EQ(testing::AppendRawSale(*rebuilt).code(), absl::StatusCode::kUnavailable)
      << "the till waits: a new event now would reuse seq 1";
  SyncWire wire(rebuilt.get(), hub_.get());
  wire.Pump();
  ASSERT_TRUE(wire.node_error().ok()) << wire.node_error();
  EXPECT_FALSE(rebuilt->Recovering());
  EXPECT_EQ(rebuilt->OwnHead()->seq, 3u);
  EXPECT_EQ(rebuilt->OwnHead()->hash, hub_->HeadOf("hem")->hash);
  EXPECT_EQ(SalesOf(*rebuilt->Sales(), "hem"), 3u);
  ASSERT_TRUE(testing::AppendRawSale(*rebuilt).ok());
  EXPECT_EQ(rebuilt->OwnHead()->seq, 4u) << "numbering goes on where it was";
  wire.LocalAppend();
  wire.Pump();
  EXPECT_EQ(hub_->HeadOf("hem")->seq, 4u);
}

TEST_F(SyncProtocolTest, ARecoveredCentreGoesOnNumberingAndRecognisesRetriedSales) {
  Till till(hem_.get());
  testing::Shop shop = testing::OpenShop(till).value();
  v1::RecordSaleResponse first = testing::SellAt(till, shop, 1, "caisse-1").value();
  SyncWire(hem_.get(), hub_.get()).Pump();
  // hem's disk is lost; the centre is re-provisioned and recovers from the hub.
  TempDir empty_dir;
  auto rebuilt = NodeStore::Open({"hem", empty_dir.path(), nullptr, "", true}).value();
  SyncWire(rebuilt.get(), hub_.get()).Pump();
  ASSERT_FALSE(rebuilt->Recovering());
  Till again(rebuilt.get());
  // The till's client had not seen the answer and sends the same sale again.
  v1::RecordSaleResponse retried = testing::SellAt(again, shop, 1, "caisse-1").value();
  EXPECT_EQ(retried.receipt_no(), first.receipt_no());
  EXPECT_TRUE(retried.duplicate());
  // New ids go on from the recovered ones: none is handed out twice.
  v1::RecordSaleResponse next = testing::SellAt(again, shop, 1, "caisse-2").value();
  EXPECT_NE(next.receipt_no(), first.receipt_no());
  EXPECT_EQ(next.receipt_no().substr(next.receipt_no().size() - 6), "000002");
  v1::RegisterFamilyRequest family;
  family.set_notice_version(std::string(CurrentNoticeVersion()));
  family.set_family_name("Durand");
  family.set_household_type(v1::SINGLE_PERSON);
  v1::MemberInput* member = family.add_members();
  member->set_first_name("Paul");
  member->set_sex(v1::MALE);
  member->set_birth_year(1961);
  EXPECT_NE(again.RegisterFamily(family).value().family_id(), shop.family_id);
  v1::ReceiveStockRequest stock;
  stock.set_product_id(shop.product_id);
  stock.set_quantity(5);
  v1::Lot lot = again.ReceiveStock(stock).value();
  EXPECT_EQ(lot.lot_id().substr(lot.lot_id().size() - 6), "000002") << lot.lot_id();
}

TEST_F(SyncProtocolTest, ANodeRestoredFromAnOldBackupRecoversItsTailInsteadOfForking) {
  Sell(*hem_, 3);
  SyncWire(hem_.get(), hub_.get()).Pump();
  hem_.reset();  // a backup of this moment
  std::filesystem::copy(dir_.Sub("hem"), dir_.Sub("hem-backup"), std::filesystem::copy_options::recursive);
  hem_ = NodeStore::Open({"hem", dir_.Sub("hem"), nullptr, ""}).value();
  Sell(*hem_, 2);
  SyncWire(hem_.get(), hub_.get()).Pump();
  hem_.reset();
  // The disk dies; the backup is restored. Nobody said "recover": the node notices.
  auto restored = NodeStore::Open({"hem", dir_.Sub("hem-backup"), nullptr, ""}).value();
  SyncWire first(restored.get(), hub_.get());
  first.Pump();
  EXPECT_EQ(first.node_error().code(), absl::StatusCode::kAborted) << first.node_error();
  EXPECT_TRUE(restored->Recovering());
  EXPECT_EQ(testing::AppendRawSale(*restored).code(), absl::StatusCode::kUnavailable);
  SyncWire second(restored.get(), hub_.get());  // the client reconnects at once
  second.Pump();
  ASSERT_TRUE(second.node_error().ok()) << second.node_error();
  EXPECT_EQ(restored->OwnHead()->seq, 5u);
  EXPECT_FALSE(restored->Recovering());
  EXPECT_EQ(SalesOf(*restored->Sales(), "hem"), 5u);
}

TEST_F(SyncProtocolTest, ARealForkIsDetectedAndNeitherSideIsOverwritten) {
  Sell(*hem_, 3);
  SyncWire(hem_.get(), hub_.get()).Pump();
  // An empty "hem" that nobody told to recover sells twice before reaching the hub.
  TempDir other_dir;
  auto other = NodeStore::Open({"hem", other_dir.path(), nullptr, ""}).value();
  Sell(*other, 2, 7);
  const std::string other_head = other->OwnHead()->hash;
  SyncWire(other.get(), hub_.get()).Pump();  // notices, starts recovering
  SyncWire wire(other.get(), hub_.get());
  wire.Pump();
  EXPECT_EQ(wire.node_error().code(), absl::StatusCode::kDataLoss) << wire.node_error();
  EXPECT_NE(wire.node_error().message().find("fork"), absl::string_view::npos);
  EXPECT_EQ(other->OwnHead()->seq, 2u);
  EXPECT_EQ(other->OwnHead()->hash, other_head) << "the node's own events are kept";
  EXPECT_EQ(hub_->HeadOf("hem")->seq, 3u) << "and so are the hub's";
  EXPECT_TRUE(other->Recovering()) << "the till stays closed until a person sorts it out";
}

TEST_F(SyncProtocolTest, AHubRestoredFromABackupWithANewEpochGetsEverythingBack) {
  Sell(*hem_, 3);
  Sell(*lille_, 1);
  SyncWire(hem_.get(), hub_.get()).Pump();
  SyncWire(lille_.get(), hub_.get()).Pump();
  hub_.reset();
  std::filesystem::copy(dir_.Sub("hub"), dir_.Sub("hub-backup"), std::filesystem::copy_options::recursive);
  hub_ = HubLog::Open(dir_.Sub("hub")).value();
  Sell(*hem_, 2);
  Sell(*lille_, 2);
  SyncWire(hem_.get(), hub_.get()).Pump();
  SyncWire(lille_.get(), hub_.get()).Pump();
  SyncWire(hem_.get(), hub_.get()).Pump();
  const uint64_t old_epoch = hub_->Epoch();
  hub_.reset();
  // The hub's disk dies; yesterday's backup is restored with --new-epoch.
  auto restored = HubLog::Open(dir_.Sub("hub-backup"), /*new_epoch=*/true).value();
  ASSERT_NE(restored->Epoch(), old_epoch);
  EXPECT_EQ(restored->HeadOf("hem")->seq, 3u);
  for (int round = 0; round < 2; ++round) {
    SyncWire(hem_.get(), restored.get()).Pump();
    SyncWire(lille_.get(), restored.get()).Pump();
  }
  EXPECT_EQ(restored->HeadOf("hem")->seq, 5u);
  EXPECT_EQ(restored->HeadOf("lille")->seq, 3u);
  EXPECT_EQ(SalesOf(*hem_->Sales(), "lille"), 3u) << "re-pulled without double counting";
  EXPECT_EQ(SalesOf(*lille_->Sales(), "hem"), 5u);
  EXPECT_EQ(SalesOf(*restored->Sales(), "hem"), 5u);
}

TEST_F(SyncProtocolTest, PullBatchesRespectTheFlowControlWindow) {
  // More than kMaxPullBatchesInFlight batches' worth of events.
  const int events = static_cast<int>(kMaxBatchEvents * (kMaxPullBatchesInFlight + 2));
  SellAtOnce(*hem_, events);
  SyncWire(hem_.get(), hub_.get()).Pump();
  SyncWire wire(lille_.get(), hub_.get());
  ASSERT_TRUE(wire.DeliverUp());   // Hello
  ASSERT_TRUE(wire.DeliverDown()); // Welcome
  wire.FillPulls();
  EXPECT_EQ(wire.down().size(), kMaxPullBatchesInFlight) << "the hub waits for acks";
  for (const auto& message : wire.down()) {
    EXPECT_LE(static_cast<size_t>(message.pull().entries_size()), kMaxBatchEvents);
  }
  wire.Pump();
  EXPECT_EQ(SalesOf(*lille_->Sales(), "hem"), static_cast<uint64_t>(events));
}

// A hub says in its Welcome how many events a push batch may hold; one that
// says nothing is older than that field and takes at most 512: a node never
// pushes more than its hub takes (it would be refused, and retry forever).
TEST_F(SyncProtocolTest, ANodePushesNoMoreEventsInABatchThanItsHubTakes) {
  const int events = static_cast<int>(kMaxBatchEvents) + 6;
  SellAtOnce(*hem_, events);
  for (const uint32_t announced : {0u, 100u, static_cast<uint32_t>(kMaxBatchEvents), 1u << 20}) {
    SCOPED_TRACE(announced);
    NodeSession session(hem_.get());
    ASSERT_TRUE(session.Start().ok());
    v1::HubMessage welcome;
    welcome.mutable_welcome()->set_hub_epoch(hub_->Epoch());
    welcome.mutable_welcome()->set_max_push_events(announced);
    absl::StatusOr<std::vector<EncodedNodeMessage>> pushes = session.OnHubMessage(welcome);
    ASSERT_TRUE(pushes.ok()) << pushes.status();
    const size_t limit = announced == 0 ? kLegacyMaxPushEvents
                                        : std::min<size_t>(announced, kMaxBatchEvents);
    ASSERT_FALSE(pushes->empty());
    EXPECT_EQ(static_cast<size_t>(pushes->front().push_events()), limit);
    size_t pushed = 0;
    for (const EncodedNodeMessage& push : *pushes) {
      pushed += static_cast<size_t>(push.push_events());
      EXPECT_LE(static_cast<size_t>(push.push_events()), limit);
      absl::StatusOr<v1::NodeMessage> parsed = push.ToMessage();
      ASSERT_TRUE(parsed.ok());
      EXPECT_FALSE(BatchLimitsExceeded(parsed->push()).has_value()) << "the hub would refuse it";
    }
    EXPECT_EQ(pushed, std::min<size_t>(events, limit * kMaxPushBatchesInFlight))
        << "the window is full, or everything is sent";
  }
  // This hub says what it takes.
  HubSession hub_session(hub_.get());
  HubSession::Reply reply = hub_session.OnNodeMessage(Hello("hem"));
  ASSERT_TRUE(reply.end.ok()) << reply.end;
  EXPECT_EQ(reply.messages.at(0).welcome().max_push_events(), kMaxBatchEvents);
}

}  // namespace
}  // namespace comptoir
