// Fuzzes the hub's side of the sync protocol: a HubSession over a real HubLog
// (RocksDB in a scratch directory copied from a template that holds the hub's
// defaults, hem 1..3 and lille 1..2) fed the steps of the input (HubOp in
// tests/fuzz/fuzz_support.h): raw NodeMessages, Hellos, pushes of valid chains
// with mutations, arbitrary event bodies sealed onto the right chain (so that
// they reach the statistics), oversized batches, pull acks and pulls.
//
// Invariants, after every step: no crash or sanitizer report; a refusal ends
// the session with the status code of its SyncError and a message; only the
// session's own site's chain grows, by exactly what the log head grows; a
// PushAck gives the site's real head; pull batches move forward, stay within
// the log and never carry the node's own events unless it recovers; the cursor
// the node acknowledged is within the log. At the end: every chain the hub
// holds verifies and the log names each held event once.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/event_log.h"
#include "common/sync_protocol.h"
#include "hub/hub_log.h"
#include "tests/fuzz/fuzz_support.h"

namespace comptoir::fuzz {
namespace {

constexpr int kMaxSteps = 48;

struct World {
  std::string template_dir;
  uint64_t epoch = 0;
  std::vector<std::vector<DecodedEvent>> chains;  // hem, hem forked at 3, lille
};

World* world = nullptr;

const char* const kSites[] = {"hem", "lille", "hub", "caudry", "", "Bad Site"};

std::map<std::string, ChainHead> Heads(HubLog& hub) {
  absl::StatusOr<std::map<std::string, ChainHead>> heads =
      EventLog(const_cast<Store*>(&hub.store())).Heads();
  Require(heads.ok(), "cannot read the hub's heads");
  return *heads;
}

void Setup() {
  world = new World;
  std::vector<DecodedEvent> hem = SampleChain("hem", 8, 0);
  std::vector<DecodedEvent> fork(hem.begin(), hem.begin() + 2);
  for (int i = 0; i < 6; ++i) {
    fork.push_back(i % 2 == 0 ? SampleFamily("hem", HeadAfter(fork.back()), 1)
                              : SampleSale("hem", HeadAfter(fork.back()), 1));
  }
  world->chains = {hem, fork, SampleChain("lille", 4, 0)};
  world->template_dir = NewTemplateDir("hub");
  std::unique_ptr<HubLog> hub = HubLog::Open(world->template_dir).value();
  world->epoch = hub->Epoch();
  auto seed = [&](const std::vector<DecodedEvent>& chain, size_t count) {
    const std::vector<DecodedEvent> events(chain.begin(), chain.begin() + count);
    absl::StatusOr<PushVerdict> verdict = hub->AppendPushed(events[0].core.origin(), events);
    Require(verdict.ok() && !verdict->error.has_value(), "cannot seed the hub");
  };
  seed(world->chains[0], 3);
  seed(world->chains[2], 2);
  hub.reset();
  // Opened once more, the template's write-ahead log is flushed into tables:
  // each input's copy then opens without replaying it.
  Require(HubLog::Open(world->template_dir).ok(), "cannot reopen the template");
}

class Run {
 public:
  Run(HubLog* hub, Reader* in, const std::string& authenticated)
      : hub_(hub), in_(in), session_(hub, authenticated) {}

  // Runs the steps; false once the session has ended.
  bool Step() {
    switch (in_->U8() % kHubOpCount) {
      case kHubRaw: {
        v1::NodeMessage message;
        if (!message.ParseFromString(in_->Bytes(in_->U16()))) message.Clear();
        return Deliver(message);
      }
      case kHubHello:
        return Deliver(Hello());
      case kHubPush:
        return Deliver(PushFromChain());
      case kHubPushSealed:
        return Deliver(PushSealed());
      case kHubPushMany: {
        v1::NodeMessage message;
        const size_t count = in_->U16() % (kMaxBatchEvents + 64);
        for (size_t i = 0; i < count; ++i) {
          *message.mutable_push()->add_events() = world->chains[0][0].record;
        }
        return Deliver(message);
      }
      case kHubPullAck: {
        const uint8_t which = in_->U8();
        const uint64_t raw = in_->U64();
        const uint64_t choices[] = {last_through_, session_.node_cursor(), hub_->LogHead(),
                                    last_through_ + 1, raw};
        v1::NodeMessage message;
        message.mutable_pull_ack()->set_cursor(choices[which % 5]);
        return Deliver(message);
      }
      case kHubNextPull:
        for (int n = in_->U8() % 8; n >= 0; --n) Pull();
        return true;
    }
    return true;
  }

  void Finish() {
    RequireValidChains(hub_->store());
    // The log names each held event exactly once, at positions 1..head.
    absl::StatusOr<v1::PullBatch> all = hub_->ReadLogFor("", 0, 1 << 20, size_t{1} << 40, true);
    Require(all.ok(), "cannot read the log");
    Require(static_cast<uint64_t>(all->entries_size()) == hub_->LogHead(),
            "the log does not hold one entry per position");
    uint64_t held = 0;
    for (const auto& [origin, head] : Heads(*hub_)) held += head.seq;
    Require(held == hub_->LogHead(), "events held and log entries differ");
  }

 private:
  v1::NodeMessage Hello() {
    const uint8_t site = in_->U8();
    const uint8_t version = in_->U8();
    const uint8_t epoch = in_->U8();
    const uint8_t cursor = in_->U8();
    const uint64_t raw = in_->U64();
    const uint8_t recover = in_->U8();
    const uint64_t own_seq = in_->U64();
    v1::NodeMessage message;
    v1::Hello* hello = message.mutable_hello();
    hello->set_site(kSites[site % 6]);
    const uint32_t versions[] = {kProtocolVersion, kProtocolVersion, 0, kProtocolVersion + 1,
                                 static_cast<uint32_t>(raw)};
    hello->set_protocol_version(versions[version % 5]);
    const uint64_t epochs[] = {world->epoch, world->epoch, 0, raw};
    hello->set_hub_epoch(epochs[epoch % 4]);
    const uint64_t cursors[] = {0, hub_->LogHead(), hub_->LogHead() / 2, hub_->LogHead() + 1, raw};
    hello->set_cursor(cursors[cursor % 5]);
    hello->set_recover(recover & 1);
    hello->set_own_seq(own_seq);
    return message;
  }

  v1::NodeMessage PushFromChain() {
    const std::vector<DecodedEvent>& chain = world->chains[in_->U8() % world->chains.size()];
    const size_t from = in_->U8() % chain.size();
    const size_t count = in_->U8() % 6;
    const uint8_t mutation = in_->U8();
    const uint16_t parameter = in_->U16();
    std::vector<v1::EventRecord> records;
    for (size_t i = from; i < chain.size() && i < from + count; ++i) {
      records.push_back(chain[i].record);
    }
    Mutate(records, mutation, parameter);
    v1::NodeMessage message;
    for (v1::EventRecord& record : records) *message.mutable_push()->add_events() = record;
    return message;
  }

  // Any body the fuzzer makes, sealed onto the chain of the chosen origin: it
  // passes the chain checks and reaches the hub's folds.
  v1::NodeMessage PushSealed() {
    const uint8_t origin_choice = in_->U8();
    const uint8_t offset = in_->U8();
    const uint8_t with_personal = in_->U8();
    v1::EventCore core;
    if (!core.ParseFromString(in_->Bytes(in_->U16()))) core.Clear();
    const std::string origins[] = {session_.site().empty() ? "hem" : session_.site(), "lille",
                                   "hub"};
    const std::string origin = origins[origin_choice % 3];
    ChainHead head = hub_->HeadOf(origin).value_or(ChainHead());
    // Offset 0: the next link; others: a gap or an already held seq.
    if (offset % 4 == 1) head.seq += 1 + offset / 4;
    if (offset % 4 == 2) head.seq -= std::min<uint64_t>(head.seq, 1 + offset / 4);
    core.set_origin(origin);
    v1::PersonalPart personal;
    personal.set_note("note");
    DecodedEvent event = SealEvent(head, std::move(core), with_personal & 1 ? &personal : nullptr);
    v1::NodeMessage message;
    *message.mutable_push()->add_events() = event.record;
    return message;
  }

  bool Deliver(const v1::NodeMessage& message) {
    const bool was_established = session_.established();
    const std::string site_before = session_.site();
    const uint64_t log_before = hub_->LogHead();
    const std::map<std::string, ChainHead> heads_before = Heads(*hub_);

    HubSession::Reply reply = session_.OnNodeMessage(message);

    const uint64_t log_after = hub_->LogHead();
    const std::map<std::string, ChainHead> heads_after = Heads(*hub_);
    Require(log_after >= log_before, "the log head went back");
    const std::string site = session_.site();
    Require(was_established || !session_.established() || message.has_hello(),
            "a session was established by something else than a Hello");
    Require(!was_established || site == site_before, "the session's site changed");
    for (const auto& [origin, head] : heads_after) {
      auto before = heads_before.find(origin);
      const uint64_t seq_before = before == heads_before.end() ? 0 : before->second.seq;
      if (origin == site && message.has_push()) {
        Require(head.seq - seq_before == log_after - log_before,
                "the log grew by another amount than the site's chain");
      } else {
        Require(head.seq == seq_before && (seq_before == 0 || head.hash == before->second.hash),
                "the chain of " + origin + " changed during a message of " + site);
      }
    }
    if (!message.has_push()) Require(log_after == log_before, "the log grew without a push");

    if (!was_established && session_.established()) {
      recover_ = message.hello().recover();
      Require(!reply.messages.empty() && reply.messages[0].has_welcome(), "no Welcome");
      last_through_ = reply.messages[0].welcome().pull_from();
      Require(last_through_ <= log_after, "the Welcome's pull_from is past the log");
    }
    for (const v1::HubMessage& out : reply.messages) {
      if (out.has_push_ack()) {
        Require(out.push_ack().high_water() == hub_->HeadOf(site)->seq,
                "a PushAck does not give the site's head");
      }
    }
    if (session_.established()) {
      Require(session_.node_cursor() <= log_after, "the node's acknowledged cursor is past the log");
    }
    if (reply.end.ok()) return true;
    const absl::StatusCode code = reply.end.code();
    Require(code != absl::StatusCode::kInternal && code != absl::StatusCode::kUnknown,
            "a refusal with code " + reply.end.ToString());
    Require(!reply.end.message().empty(), "a refusal without a message");
    if (!reply.messages.empty() && reply.messages.back().has_error()) {
      const v1::SyncError& error = reply.messages.back().error();
      Require(StatusCodeFor(error.reason()) == code, "the status code is not the reason's");
      Require(error.message() == reply.end.message(), "the SyncError and the status differ");
    }
    // The session is over: nothing else is accepted and nothing more is sent.
    const uint64_t head = hub_->LogHead();
    Require(!session_.OnNodeMessage(message).end.ok(), "a session accepted a message after ending");
    Require(hub_->LogHead() == head, "an ended session appended");
    absl::StatusOr<std::optional<v1::HubMessage>> pull = session_.NextPull();
    Require(pull.ok() && !pull->has_value(), "an ended session still sends pulls");
    return false;
  }

  void Pull() {
    absl::StatusOr<std::optional<v1::HubMessage>> next = session_.NextPull();
    Require(next.ok(), "NextPull failed: " + next.status().ToString());
    if (!next->has_value()) return;
    Require(session_.established(), "a pull before the Hello");
    const v1::PullBatch& batch = (*next)->pull();
    uint64_t last = last_through_;
    for (const v1::LogEntry& entry : batch.entries()) {
      Require(entry.position() > last, "pull positions do not move forward");
      last = entry.position();
      absl::StatusOr<DecodedEvent> event = DecodeRecord(entry.event());
      Require(event.ok(), "the hub sent an event that does not decode");
      Require(recover_ || event->core.origin() != session_.site(),
              "the hub sent a node its own event while not recovering");
    }
    Require(batch.through() >= last && batch.through() <= hub_->LogHead(),
            "a pull batch's through is outside the log");
    Require(batch.entries_size() > 0, "an empty pull batch was sent");
    last_through_ = batch.through();
  }

  HubLog* hub_;
  Reader* in_;
  HubSession session_;
  uint64_t last_through_ = 0;  // of the last pull batch taken
  bool recover_ = false;       // the accepted Hello asked for the node's own events
};

}  // namespace
}  // namespace comptoir::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace comptoir;
  using namespace comptoir::fuzz;
  if (world == nullptr) Setup();
  ScratchDir dir(world->template_dir);
  std::unique_ptr<HubLog> hub = HubLog::Open(dir.path()).value();
  Require(hub->Epoch() == world->epoch, "the copied hub has another epoch");
  Reader in(data, size);
  const char* const authenticated[] = {"", "hem", "lille", ""};
  Run run(hub.get(), &in, authenticated[in.U8() % 4]);
  for (int step = 0; step < kMaxSteps && !in.done(); ++step) {
    if (!run.Step()) break;
  }
  run.Finish();
  return 0;
}
