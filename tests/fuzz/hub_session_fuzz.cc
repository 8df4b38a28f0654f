// Fuzzes the hub's side of the sync protocol: a HubSession over a real HubLog
// (RocksDB on the memory disk, a fresh copy for each input of a template that
// holds the hub's defaults, hem 1..3, lille 1..2, and caudry 1: a transfer
// proposed by caudry to lille, which hem gets as a withheld link) fed the
// steps of the input (HubOp in
// tests/fuzz/fuzz_support.h): raw NodeMessages, Hellos, pushes of valid chains
// with mutations, arbitrary event bodies sealed onto the right chain (so that
// they reach the statistics), oversized batches, pull acks and pulls.
//
// Invariants, after every step: no crash or sanitizer report; a refusal ends
// the session with the status code of its SyncError and a message; only the
// session's own site's chain grows, by exactly what the log head grows; a
// PushAck gives the site's real head; pull batches move forward, stay within
// the log, never carry the node's own events unless it recovers, and carry
// only the events the site is entitled to (others as withheld links); the cursor
// the node acknowledged is within the log. At the end: every chain the hub
// holds verifies and the log names each held event once.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/event_log.h"
#include "common/routing.h"
#include "common/sync_protocol.h"
#include "common/transfer_view.h"
#include "hub/hub_log.h"
#include "tests/fuzz/fuzz_support.h"

namespace comptoir::fuzz {
namespace {

constexpr int kMaxSteps = 48;

// One process's template and sample chains: hem, hem forked at 3, lille.
struct World {
  std::string template_dir;
  uint64_t epoch = 0;
  std::vector<std::vector<DecodedEvent>> chains;
};

World* world = nullptr;

// The sites an input plays with ("other" proposed a transfer to lille).
struct Cast {
  std::string hem = "hem", lille = "lille", other = "caudry";
};

std::map<std::string, ChainHead> HeadsOf(HubLog& hub, const std::vector<std::string>& origins) {
  std::map<std::string, ChainHead> heads;
  for (const std::string& origin : origins) {
    absl::StatusOr<ChainHead> head = hub.HeadOf(origin);
    Require(head.ok(), "cannot read a head");
    if (head->seq > 0) heads[origin] = *head;
  }
  return heads;
}

// The log names each held event exactly once, at positions 1..head, and every
// chain verifies.
void RequireWholeHubValid(HubLog& hub) {
  RequireValidChains(hub.store());
  absl::StatusOr<std::map<std::string, ChainHead>> heads =
      EventLog(const_cast<Store*>(&hub.store())).Heads();
  Require(heads.ok(), "cannot read the heads");
  uint64_t held = 0;
  for (const auto& [origin, head] : *heads) held += head.seq;
  Require(held == hub.LogHead(), "events held and log entries differ");
  uint64_t position = 0;
  while (position < hub.LogHead()) {
    absl::StatusOr<EncodedPull> encoded =
        hub.ReadLogFor("", position, 4096, size_t{1} << 40, true);
    Require(encoded.ok(), "cannot read the log");
    absl::StatusOr<v1::PullBatch> batch = encoded->ToBatch();
    Require(batch.ok() && batch->through() > position, "cannot read the log");
    for (const v1::LogEntry& entry : batch->entries()) {
      Require(entry.position() == ++position, "the log has a hole");
    }
  }
}

void Seed(HubLog& hub, const std::vector<DecodedEvent>& chain, size_t count) {
  const std::vector<DecodedEvent> events(chain.begin(), chain.begin() + count);
  absl::StatusOr<PushVerdict> verdict = hub.AppendPushed(events[0].core().origin(), events);
  Require(verdict.ok() && !verdict->error.has_value(), "cannot seed the hub");
}

void Setup() {
  QuietProtobufLogs();
  world = new World;
  const Cast cast;
  std::vector<DecodedEvent> hem = SampleChain(cast.hem, 8, 0);
  std::vector<DecodedEvent> fork(hem.begin(), hem.begin() + 2);
  for (int i = 0; i < 6; ++i) {
    fork.push_back(i % 2 == 0 ? SampleFamily(cast.hem, HeadAfter(fork.back()), 1)
                              : SampleSale(cast.hem, HeadAfter(fork.back()), 1));
  }
  world->chains = {hem, fork, SampleChain(cast.lille, 4, 0)};
  v1::EventCore proposal;
  proposal.set_origin(cast.other);
  proposal.set_hlc(uint64_t{1764000000000} << 16);
  v1::TransferProposed* proposed = proposal.mutable_transfer_proposed();
  proposed->set_transfer_id("CAU-T-0001");
  proposed->set_source(cast.other);
  proposed->set_destination(cast.lille);
  v1::TransferItem* item = proposed->add_items();
  item->set_product_id("EPI-LAIT-1L");
  item->set_quantity(4);
  world->template_dir = NewTemplateDir("hub");
  {
    std::unique_ptr<HubLog> hub = HubLog::Open(world->template_dir, false, FuzzDisk()).value();
    world->epoch = hub->Epoch();
    Seed(*hub, world->chains[0], 3);
    Seed(*hub, world->chains[2], 2);
    Seed(*hub, {SealEvent(ChainHead(), proposal, nullptr)}, 1);
  }
  // Opened once more, the template's write-ahead log is flushed into tables:
  // each copy then opens without replaying it.
  Require(HubLog::Open(world->template_dir, false, FuzzDisk()).ok(), "cannot reopen the template");
}

class Run {
 public:
  Run(HubLog* hub, const Cast* cast, Reader* in, const std::string& authenticated)
      : hub_(hub), cast_(cast), in_(in), session_(hub, authenticated),
        origins_{cast->hem, cast->lille, cast->other, "hub"} {}

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
          *message.mutable_push()->add_events() = world->chains[0][0].record();
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

  // Every chain verifies and the log names each held event once.
  void Finish() { RequireWholeHubValid(*hub_); }

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
    const std::string sites[] = {cast_->hem, cast_->lille, "hub", cast_->other, "", "Bad Site"};
    hello->set_site(sites[site % 6]);
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
      records.push_back(chain[i].record());
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
    const std::string origins[] = {session_.site().empty() ? cast_->hem : session_.site(),
                                   cast_->lille, "hub"};
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
    *message.mutable_push()->add_events() = event.record();
    return message;
  }

  // The parties of a transfer as the hub's views know them.
  TransferPartiesLookup PartiesAtHub() const {
    return [this](absl::string_view id) -> std::optional<std::pair<std::string, std::string>> {
      absl::StatusOr<std::optional<v1::TransferView>> transfer = FindTransfer(hub_->store(), id);
      Require(transfer.ok(), "cannot read a transfer");
      if (!transfer->has_value()) return std::nullopt;
      return std::make_pair((*transfer)->source(), (*transfer)->destination());
    };
  }

  bool Deliver(const v1::NodeMessage& message) {
    const bool was_established = session_.established();
    const std::string site_before = session_.site();
    const uint64_t log_before = hub_->LogHead();
    const std::map<std::string, ChainHead> heads_before = HeadsOf(*hub_, origins_);

    HubSession::Reply reply = session_.OnNodeMessage(message);

    const uint64_t log_after = hub_->LogHead();
    const std::map<std::string, ChainHead> heads_after = HeadsOf(*hub_, origins_);
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
    absl::StatusOr<std::optional<EncodedPull>> pull = session_.NextPull();
    Require(pull.ok() && !pull->has_value(), "an ended session still sends pulls");
    return false;
  }

  void Pull() {
    absl::StatusOr<std::optional<EncodedPull>> next = session_.NextPull();
    Require(next.ok(), "NextPull failed: " + next.status().ToString());
    if (!next->has_value()) return;
    Require(session_.established(), "a pull before the Hello");
    absl::StatusOr<v1::HubMessage> sent = (*next)->ToMessage();
    Require(sent.ok() && sent->has_pull(), "a pull batch's bytes are not a HubMessage");
    const v1::PullBatch& batch = sent->pull();
    uint64_t last = last_through_;
    for (const v1::LogEntry& entry : batch.entries()) {
      Require(entry.position() > last, "pull positions do not move forward");
      last = entry.position();
      if (entry.has_withheld()) {  // an event this centre is not entitled to
        const v1::WithheldLink& link = entry.withheld();
        Require(link.seq() > 0 && link.hash().size() == 32 && link.prev_hash().size() == 32,
                "the hub sent a malformed withheld link");
        Require(link.origin() != session_.site(), "the hub withheld a node's own event");
        continue;
      }
      absl::StatusOr<DecodedEvent> event = DecodeRecord(entry.event());
      Require(event.ok(), "the hub sent an event that does not decode");
      Require(recover_ || event->core().origin() != session_.site(),
              "the hub sent a node its own event while not recovering");
      Require(event->core().origin() == session_.site() ||
                  Entitled(RouteOf(event->core(), PartiesAtHub()), session_.site()),
              "the hub sent " + session_.site() + " an event it is not entitled to");
    }
    Require(batch.through() >= last && batch.through() <= hub_->LogHead(),
            "a pull batch's through is outside the log");
    Require(batch.entries_size() > 0, "an empty pull batch was sent");
    last_through_ = batch.through();
  }

  HubLog* hub_;
  const Cast* cast_;
  Reader* in_;
  HubSession session_;
  const std::vector<std::string> origins_;  // all this input may touch
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
  std::unique_ptr<HubLog> hub = HubLog::Open(dir.path(), false, FuzzDisk()).value();
  Require(hub->Epoch() == world->epoch, "the copied hub has another epoch");
  const Cast cast;
  Reader in(data, size);
  const std::string authenticated[] = {"", cast.hem, cast.lille, ""};
  Run run(hub.get(), &cast, &in, authenticated[in.U8() % 4]);
  for (int step = 0; step < kMaxSteps && !in.done(); ++step) {
    if (!run.Step()) break;
  }
  run.Finish();
  return 0;
}
