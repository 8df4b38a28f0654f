// What bad input gets from the hub's sync service over real gRPC on loopback:
// one table of cases (wrong credentials, forged origins, oversized messages and
// batches, truncated events, gaps, replays, forks, cursors beyond the log,
// protocol versions...). For each: the status code that tells the client what
// to do next, a message a person understands, the hub's log and heads
// unchanged, and the hub still serving a well-behaved centre right after.
#include <gtest/gtest.h>

#include <grpcpp/generic/generic_stub.h>

#include <functional>
#include <future>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/sync_protocol.h"
#include "tests/testing/shop.h"
#include "tests/testing/sync_fixtures.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::HelloFrom;
using ::comptoir::testing::PickFreePort;
using ::comptoir::testing::PushFrom;
using ::comptoir::testing::PushOf;
using ::comptoir::testing::RawExchange;
using ::comptoir::testing::RawExchangeResult;
using ::comptoir::testing::TempDir;
using ::comptoir::testing::TestHub;
using ::comptoir::testing::TestNode;
using ::comptoir::testing::WaitFor;

constexpr absl::Duration kPatience = absl::Seconds(30);
constexpr uint64_t kHemPushed = 3;  // hem's events the hub holds before each case
constexpr uint64_t kHemHolds = 6;   // hem's events on its own disk

// What a case may use to build its messages.
struct Scene {
  NodeStore* hem;  // hem's store: seqs 1..kHemHolds, the hub holds 1..kHemPushed
  std::string hem_token;
  HubLog* hub;
  ChainHead hem_head_at_hub;
};

// An event of `origin` chained onto `head`, a sale for `family_id`, with a
// personal part if `note` is not empty.
v1::EventRecord Seal(const std::string& origin, const ChainHead& head,
                     const std::string& family_id, const std::string& note = "") {
  v1::EventCore core;
  core.set_origin(origin);
  core.set_hlc(uint64_t{1764000000000} << 16);
  v1::SaleRecorded* sale = core.mutable_sale_recorded();
  sale->set_family_id(family_id);
  sale->add_lines()->set_product_id("P");
  v1::PersonalPart personal;
  personal.set_note(note);
  return SealEvent(head, std::move(core), note.empty() ? nullptr : &personal).record();
}

struct BadInput {
  const char* name;
  // The credential the stream carries: kHem (hem's token), or a literal.
  std::string token;
  std::function<std::vector<v1::NodeMessage>(const Scene&)> messages;
  grpc::StatusCode code;
  // A phrase the status message must contain.
  std::string says;
};

// gtest prints the case's name (also in ctest's test names).
void PrintTo(const BadInput& bad, std::ostream* os) { *os << bad.name; }

const char kHem[] = "<hem's token>";

std::vector<BadInput> Cases() {
  return {
      {"NoCredential", "", [](const Scene&) { return std::vector{HelloFrom("hem")}; },
       grpc::StatusCode::UNAUTHENTICATED, "credential is missing, unknown or revoked"},
      {"UnknownCredential", "not-a-token",
       [](const Scene&) { return std::vector{HelloFrom("hem")}; },
       grpc::StatusCode::UNAUTHENTICATED, "credential is missing, unknown or revoked"},
      {"HelloAsAnotherSite", kHem, [](const Scene&) { return std::vector{HelloFrom("lille")}; },
       grpc::StatusCode::PERMISSION_DENIED, "credential belongs to site 'hem'"},
      {"EventsOfAnotherOrigin", kHem,
       [](const Scene&) {
         return std::vector{HelloFrom("hem"), PushOf({Seal("lille", ChainHead(), "F")})};
       },
       grpc::StatusCode::PERMISSION_DENIED, "a site may only push its own events"},
      {"InvalidSiteId", kHem, [](const Scene&) { return std::vector{HelloFrom("Hem; DROP")}; },
       grpc::StatusCode::INVALID_ARGUMENT, "invalid site id"},
      {"FirstMessageNotAHello", kHem,
       [](const Scene& s) { return std::vector{PushFrom(*s.hem, 4, 4)}; },
       grpc::StatusCode::INVALID_ARGUMENT, "first message of a sync stream must be Hello"},
      {"HelloTwice", kHem,
       [](const Scene&) { return std::vector{HelloFrom("hem"), HelloFrom("hem")}; },
       grpc::StatusCode::INVALID_ARGUMENT, "Hello sent twice"},
      {"OtherProtocolVersion", kHem,
       [](const Scene&) {
         v1::NodeMessage hello = HelloFrom("hem");
         hello.mutable_hello()->set_protocol_version(kProtocolVersion + 1);
         return std::vector{hello};
       },
       grpc::StatusCode::FAILED_PRECONDITION, "this hub speaks"},
      {"MessageOverTheReceiveLimit", kHem,
       [](const Scene& s) {
         return std::vector{HelloFrom("hem"),
                            PushOf({Seal("hem", s.hem_head_at_hub, std::string(17 << 20, 'x'))})};
       },
       grpc::StatusCode::RESOURCE_EXHAUSTED, "larger than max"},
      {"BatchOfTooManyEvents", kHem,
       [](const Scene& s) {
         std::vector<v1::EventRecord> records(kMaxBatchEvents + 1,
                                              PushFrom(*s.hem, 1, 1).push().events(0));
         return std::vector{HelloFrom("hem"), PushOf(records)};
       },
       grpc::StatusCode::RESOURCE_EXHAUSTED, "at most 1024 events"},
      {"BatchOfTooManyBytes", kHem,
       [](const Scene& s) {
         const v1::EventRecord first =
             Seal("hem", s.hem_head_at_hub, std::string(kMaxBatchBytes / 2 + 1, 'a'));
         const v1::EventRecord second =
             Seal("hem", HeadAfter(DecodeRecord(first).value()), std::string(kMaxBatchBytes / 2 + 1, 'b'));
         return std::vector{HelloFrom("hem"), PushOf({first, second})};
       },
       grpc::StatusCode::RESOURCE_EXHAUSTED, "bytes of event cores"},
      {"TruncatedEventCore", kHem,
       [](const Scene& s) {
         v1::NodeMessage push = PushFrom(*s.hem, 4, 5);
         std::string* core = push.mutable_push()->mutable_events(0)->mutable_core();
         core->resize(core->size() - 5);
         return std::vector{HelloFrom("hem"), push};
       },
       grpc::StatusCode::INVALID_ARGUMENT, "nothing of this batch was appended"},
      {"TruncatedPersonalPart", kHem,
       [](const Scene& s) {
         v1::EventRecord record = Seal("hem", s.hem_head_at_hub, "F", "a note about the family");
         record.mutable_personal()->resize(record.personal().size() / 2);
         return std::vector{HelloFrom("hem"), PushOf({record})};
       },
       grpc::StatusCode::INVALID_ARGUMENT, "personal part that does not match its digest"},
      {"Gap", kHem, [](const Scene& s) { return std::vector{HelloFrom("hem"), PushFrom(*s.hem, 5, 6)}; },
       grpc::StatusCode::ABORTED, "events 4..4 are missing; push again from seq 4"},
      {"Fork", kHem,
       [](const Scene& s) {
         ChainHead second{s.hem_head_at_hub.seq - 1, ""};
         second.hash = DecodeRecord(*s.hem->ReadOwnAt(second.seq).value()).value().hash;
         return std::vector{HelloFrom("hem"), PushOf({Seal("hem", second, "another family")})};
       },
       grpc::StatusCode::FAILED_PRECONDITION, "differs from the copy the hub already holds"},
      {"BrokenChain", kHem,
       [](const Scene& s) {
         return std::vector{HelloFrom("hem"),
                            PushOf({Seal("hem", ChainHead{kHemPushed, std::string(32, 'z')}, "F")})};
       },
       grpc::StatusCode::FAILED_PRECONDITION, "does not chain to the hub's copy"},
      {"CursorBeyondTheLog", kHem,
       [](const Scene& s) {
         v1::NodeMessage hello = HelloFrom("hem");
         hello.mutable_hello()->set_hub_epoch(s.hub->Epoch());
         hello.mutable_hello()->set_cursor(s.hub->LogHead() + 10);
         return std::vector{hello};
       },
       grpc::StatusCode::OUT_OF_RANGE, "the hub lost entries without drawing a new epoch"},
      {"AckOfAPullNeverSent", kHem,
       [](const Scene& s) {
         v1::NodeMessage ack;
         ack.mutable_pull_ack()->set_cursor(s.hub->LogHead() + 100);
         return std::vector{HelloFrom("hem"), ack};
       },
       grpc::StatusCode::OUT_OF_RANGE, "but was sent entries only up to"},
      {"EmptyMessage", kHem, [](const Scene&) { return std::vector{HelloFrom("hem"), v1::NodeMessage()}; },
       grpc::StatusCode::INVALID_ARGUMENT, "empty or unknown node message"},
  };
}

// A hub with credentials that holds hem's first events.
class HubWithHemTest : public ::testing::Test {
 protected:
  HubWithHemTest() : hub_(dir_.Sub("hub"), "127.0.0.1:" + std::to_string(PickFreePort())) {}

  void SetUp() override {
    const std::string credentials = dir_.Sub("credentials");
    hem_token_ = CredentialStore::Issue(credentials, "hem").value();
    lille_token_ = CredentialStore::Issue(credentials, "lille").value();
    hub_.RequireCredentials(credentials);
    ASSERT_TRUE(hub_.Start().ok());
    hem_ = NodeStore::Open({"hem", dir_.Sub("hem"), nullptr, ""}).value();
    for (uint64_t i = 0; i < kHemHolds; ++i) ASSERT_TRUE(testing::AppendRawSale(*hem_).ok());
    const RawExchangeResult pushed = RawExchange(
        hub_.address(), {HelloFrom("hem"), PushFrom(*hem_, 1, kHemPushed)}, hem_token_);
    ASSERT_TRUE(pushed.status.ok()) << pushed.status.error_message();
    ASSERT_EQ(hub_.Holds("hem"), kHemPushed);
  }

  // Epoch, log head and every origin's head.
  std::string HubState() { return hub_.log()->Status().value().SerializeAsString(); }

  TempDir dir_;
  TestHub hub_;
  std::unique_ptr<NodeStore> hem_;
  std::string hem_token_;
  std::string lille_token_;
};

class BadInputTest : public HubWithHemTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(BadInputTest, GetsTheRightStatusChangesNothingAndTheHubServesOn) {
  const BadInput& bad = GetParam();
  const Scene scene{hem_.get(), hem_token_, hub_.log(), hub_.log()->HeadOf("hem").value()};
  const std::vector<v1::NodeMessage> messages = bad.messages(scene);
  const std::string before = HubState();

  const RawExchangeResult result =
      RawExchange(hub_.address(), messages, bad.token == kHem ? hem_token_ : bad.token);

  EXPECT_EQ(result.status.error_code(), bad.code) << result.status.error_message();
  EXPECT_NE(result.status.error_message().find(bad.says), std::string::npos)
      << result.status.error_message();
  if (result.error.reason() != v1::SyncError::REASON_UNSPECIFIED) {
    EXPECT_EQ(result.error.message(), result.status.error_message())
        << "the SyncError and the stream's status say the same";
  }
  EXPECT_EQ(HubState(), before) << "the hub's log and heads are unchanged";

  // Another centre syncs right after, both ways.
  TestNode lille("lille", dir_.Sub("lille"), hub_.address(), lille_token_);
  ASSERT_TRUE(lille.Sell(1));
  EXPECT_TRUE(WaitFor([&] { return hub_.Holds("lille") == 1; }, kPatience));
  EXPECT_TRUE(WaitFor([&] { return lille.SalesFrom("hem") == kHemPushed; }, kPatience));
}

INSTANTIATE_TEST_SUITE_P(Matrix, BadInputTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<BadInput>& info) {
                           return std::string(info.param.name);
                         });

// A replayed push (a retry after a lost ack) is not bad input: it is accepted
// as a no-op and acknowledged with the hub's high-water mark.
TEST_F(HubWithHemTest, AReplayedPushIsAcknowledgedAndChangesNothing) {
  const std::string before = HubState();
  const RawExchangeResult result = RawExchange(
      hub_.address(), {HelloFrom("hem"), PushFrom(*hem_, 1, kHemPushed), PushFrom(*hem_, 2, 3)},
      hem_token_);
  EXPECT_TRUE(result.status.ok()) << result.status.error_message();
  int acks = 0;
  for (const v1::HubMessage& reply : result.replies) {
    if (!reply.has_push_ack()) continue;
    ++acks;
    EXPECT_EQ(reply.push_ack().high_water(), kHemPushed);
  }
  EXPECT_EQ(acks, 2);
  EXPECT_EQ(HubState(), before);
}

// The hub's replies in order: "welcome", "ack <high water>" or the refusal's reason.
std::vector<std::string> Replies(const RawExchangeResult& result) {
  std::vector<std::string> replies;
  for (const v1::HubMessage& reply : result.replies) {
    if (reply.has_welcome()) replies.push_back("welcome");
    if (reply.has_push_ack()) replies.push_back(absl::StrCat("ack ", reply.push_ack().high_water()));
    if (reply.has_error()) replies.push_back(v1::SyncError::Reason_Name(reply.error().reason()));
  }
  return replies;
}

// A node pipelines its pushes (the hub reads on while earlier ones are being
// written): the answers come in the order of the messages, and once a push is
// refused nothing the stream sent after it lands, not even a valid batch.
TEST_F(HubWithHemTest, PipelinedPushesAreAnsweredInOrderAndNothingLandsAfterARefusal) {
  const RawExchangeResult result = RawExchange(
      hub_.address(),
      {HelloFrom("hem"), PushFrom(*hem_, 4, 4), PushFrom(*hem_, 5, 5),
       PushOf({Seal("hem", ChainHead{5, std::string(32, 'z')}, "F")}), PushFrom(*hem_, 6, 6)},
      hem_token_);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << result.status.error_message();
  // The refused push is answered, as always, by the high-water mark, then why.
  EXPECT_EQ(Replies(result),
            (std::vector<std::string>{"welcome", "ack 4", "ack 5", "ack 5", "BROKEN_CHAIN"}));
  EXPECT_EQ(hub_.Holds("hem"), 5u);
}

// A message that ends the stream, read while the push before it is still
// being written, is answered after that push's ack.
TEST_F(HubWithHemTest, ABadMessageBehindAPushIsAnsweredAfterItsAck) {
  const RawExchangeResult result = RawExchange(
      hub_.address(), {HelloFrom("hem"), PushFrom(*hem_, 4, 6), v1::NodeMessage()}, hem_token_);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << result.status.error_message();
  EXPECT_EQ(Replies(result), (std::vector<std::string>{"welcome", "ack 6", "MALFORMED"}));
  EXPECT_EQ(hub_.Holds("hem"), kHemHolds);
}

// A sync stream that sends `frames` as they are (bytes the client chose, not
// necessarily NodeMessages), with `token`; what the hub answered and how it
// ended the stream.
class BytesExchange final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  BytesExchange(const std::string& address, const std::string& token,
                std::vector<std::string> frames)
      : frames_(std::move(frames)),
        stub_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())) {
    context_.AddMetadata("authorization", "Bearer " + token);
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    stub_.PrepareBidiStreamingCall(&context_, "/comptoir.v1.Sync/Exchange", grpc::StubOptions(),
                                   this);
    WriteNext();
    StartRead(&incoming_);
    StartCall();
  }

  // The hub's replies, decoded, and the stream's status, once it has ended.
  std::pair<std::vector<v1::HubMessage>, grpc::Status> Wait() {
    grpc::Status status = done_.get_future().get();
    return {replies_, status};
  }

  void OnWriteDone(bool ok) override {
    if (ok) WriteNext();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    v1::HubMessage reply;
    EXPECT_TRUE(grpc::SerializationTraits<v1::HubMessage>::Deserialize(&incoming_, &reply).ok());
    replies_.push_back(reply);
    StartRead(&incoming_);
  }
  void OnDone(const grpc::Status& status) override { done_.set_value(status); }

 private:
  void WriteNext() {
    if (next_ == frames_.size()) {
      StartWritesDone();
      return;
    }
    grpc::Slice slice(frames_[next_++]);
    writing_ = grpc::ByteBuffer(&slice, 1);
    StartWrite(&writing_);
  }

  std::vector<std::string> frames_;
  size_t next_ = 0;
  grpc::TemplatedGenericStub<grpc::ByteBuffer, grpc::ByteBuffer> stub_;
  grpc::ClientContext context_;
  grpc::ByteBuffer writing_;
  grpc::ByteBuffer incoming_;
  std::vector<v1::HubMessage> replies_;  // read by Wait once done_ is set
  std::promise<grpc::Status> done_;
};

// The hub reads the stream's bytes itself (hub/sync_service.h): bytes that do
// not parse as a NodeMessage end the stream with INVALID_ARGUMENT and a
// readable message, change nothing, and the hub serves on.
TEST_F(HubWithHemTest, BytesThatAreNotANodeMessageAreRefusedAndChangeNothing) {
  const std::string before = HubState();
  // Field 1 (the Hello) announces 100 bytes and carries 3.
  const std::string truncated = "\x0a\x64abc";
  BytesExchange exchange(hub_.address(), hem_token_,
                         {HelloFrom("hem").SerializeAsString(), truncated});
  const auto [replies, status] = exchange.Wait();

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("not a NodeMessage"), std::string::npos)
      << status.error_message();
  // The Hello before the bad bytes was answered (a pull of the hub's own
  // events may follow, sent before the bad bytes were read).
  ASSERT_FALSE(replies.empty());
  EXPECT_TRUE(replies[0].has_welcome());
  EXPECT_EQ(HubState(), before);
  const RawExchangeResult after = RawExchange(
      hub_.address(), {HelloFrom("hem"), PushFrom(*hem_, kHemPushed + 1, kHemHolds)}, hem_token_);
  EXPECT_TRUE(after.status.ok()) << after.status.error_message();
  EXPECT_EQ(hub_.Holds("hem"), kHemHolds);
}

}  // namespace
}  // namespace comptoir
