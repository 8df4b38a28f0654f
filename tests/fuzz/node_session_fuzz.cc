// Fuzzes the node's side of the sync protocol: a NodeSession over a real
// NodeStore (site hem, three own sales; RocksDB on the memory disk, a fresh
// copy of a template for each input) fed the steps of the input (NodeOp in
// tests/fuzz/fuzz_support.h): raw HubMessages, Welcomes, pull batches of
// valid chains with mutations and withheld links, arbitrary event
// bodies sealed onto the right chain (so that they reach the projections),
// push acks, errors, and sales recorded at the till meanwhile.
//
// Invariants, after every step: no crash or sanitizer report; the node's own
// chain changes only by its own sales unless it is recovering; a refused pull
// changes nothing; the cursor never passes the `through` of a pull the node
// applied; an event that came only as a withheld link is not held, and its
// origin's head reaches it; pushes carry only own events, contiguous and within the batch
// limits, and none while recovering; an error ends the session. At the end:
// every chain the node holds verifies (across the links it holds without
// their events).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/event_log.h"
#include "common/sync_protocol.h"
#include "node/node_store.h"
#include "tests/fuzz/fuzz_support.h"

namespace comptoir::fuzz {
namespace {

constexpr int kMaxSteps = 48;
constexpr uint64_t kEpoch = 4242;
constexpr int64_t kNow = 1764000000000;  // a fixed clock: inputs replay exactly

struct World {
  std::string template_dir;
  // lille, lille forked at 3, hub, hem's own 1..3 and beyond, another hem.
  std::vector<std::vector<DecodedEvent>> chains;
};

World* world = nullptr;

std::unique_ptr<NodeStore> OpenNode(const std::string& dir) {
  NodeStore::Options options;
  options.site = "hem";
  options.dir = dir;
  options.clock = [] { return kNow; };
  options.memory_disk = FuzzDisk();
  return NodeStore::Open(options).value();
}

absl::Status RecordSale(NodeStore& node) {
  return node.Execute([](CommandContext& context) {
    v1::EventCore core;
    v1::SaleRecorded* sale = core.mutable_sale_recorded();
    sale->set_family_id("HEM-000001");
    v1::SaleLine* line = sale->add_lines();
    line->set_product_id("P");
    line->set_quantity(1);
    return context.Append(std::move(core), nullptr).status();
  });
}

std::map<std::string, ChainHead> Heads(NodeStore& node) {
  absl::StatusOr<std::map<std::string, ChainHead>> heads =
      EventLog(const_cast<Store*>(&node.store())).Heads();
  Require(heads.ok(), "cannot read the node's heads");
  return *heads;
}

bool SameHeads(const std::map<std::string, ChainHead>& a,
               const std::map<std::string, ChainHead>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [origin, head] : a) {
    auto other = b.find(origin);
    if (other == b.end() || other->second.seq != head.seq || other->second.hash != head.hash) {
      return false;
    }
  }
  return true;
}

void Setup() {
  QuietProtobufLogs();
  world = new World;
  world->template_dir = NewTemplateDir("node");
  std::vector<DecodedEvent> own;
  {
    std::unique_ptr<NodeStore> node = OpenNode(world->template_dir);
    for (int i = 0; i < 3; ++i) Require(RecordSale(*node).ok(), "cannot seed the node");
    const std::vector<v1::EventRecord> records = node->ReadOwn(1, 10, 1 << 20).value();
    for (const v1::EventRecord& record : records) own.push_back(DecodeRecord(record).value());
  }
  // Opened once more, the template's write-ahead log is flushed into tables:
  // each input's copy then opens without replaying it.
  OpenNode(world->template_dir);
  for (int i = 0; i < 3; ++i) own.push_back(SampleSale("hem", HeadAfter(own.back()), 0));
  std::vector<DecodedEvent> lille = SampleChain("lille", 6, 0);
  std::vector<DecodedEvent> fork(lille.begin(), lille.begin() + 2);
  for (int i = 0; i < 4; ++i) fork.push_back(SampleSale("lille", HeadAfter(fork.back()), 1));
  world->chains = {lille, fork, SampleChain("hub", 3, 0), own, SampleChain("hem", 5, 1)};
}

class Run {
 public:
  Run(NodeStore* node, Reader* in) : node_(node), in_(in), session_(node) {}

  bool Start() {
    absl::StatusOr<v1::NodeMessage> hello = session_.Start();
    Require(hello.ok(), "Start failed: " + hello.status().ToString());
    Require(hello->hello().site() == "hem" && hello->hello().protocol_version() == kProtocolVersion,
            "a wrong Hello");
    return true;
  }

  bool Step() {
    switch (in_->U8() % kNodeOpCount) {
      case kNodeRaw: {
        v1::HubMessage message;
        if (!message.ParseFromString(in_->Bytes(in_->U16()))) message.Clear();
        return Deliver(message);
      }
      case kNodeWelcome:
        return Deliver(Welcome());
      case kNodePull:
        return Deliver(PullFromChain());
      case kNodePullSealed:
        return Deliver(PullSealed());
      case kNodePushAck: {
        const uint8_t which = in_->U8();
        const uint64_t raw = in_->U64();
        const uint64_t choices[] = {pushed_through_, session_.acked(), session_.acked() + 1,
                                    pushed_through_ + 1, raw};
        v1::HubMessage message;
        message.mutable_push_ack()->set_high_water(choices[which % 5]);
        return Deliver(message);
      }
      case kNodeError: {
        v1::HubMessage message;
        message.mutable_error()->set_reason(v1::SyncError::Reason(in_->U8() % 12));
        message.mutable_error()->set_message(in_->Bytes(in_->U16()));
        return Deliver(message);
      }
      case kNodeLocalAppend: {
        const int count = in_->U8() % 3;
        for (int i = 0; i < count; ++i) {
          const bool recovering = node_->Recovering();
          const absl::Status sold = RecordSale(*node_);
          Require(sold.ok() != recovering, "a sale while recovering, or none otherwise: " +
                                               sold.ToString());
        }
        absl::StatusOr<std::vector<EncodedNodeMessage>> out = session_.OnLocalAppend();
        Require(out.ok(), "OnLocalAppend failed: " + out.status().ToString());
        CheckOutgoing(*out);
        return true;
      }
    }
    return true;
  }

  void Finish() { RequireValidChains(node_->store(), {}, /*withheld_links=*/true); }

 private:
  v1::HubMessage Welcome() {
    const uint8_t epoch = in_->U8();
    const uint8_t high_water = in_->U8();
    const uint8_t hash = in_->U8();
    const uint8_t log_head = in_->U8();
    const uint64_t raw = in_->U64();
    const uint64_t own = node_->OwnHead()->seq;
    const uint64_t epochs[] = {kEpoch, kEpoch, kEpoch + 1, 0};
    const uint64_t high_waters[] = {own, own, own - std::min<uint64_t>(own, 1), own + 1, own + 3,
                                    raw % 16};
    v1::HubMessage message;
    v1::Welcome* welcome = message.mutable_welcome();
    welcome->set_hub_epoch(epochs[epoch % 4]);
    welcome->set_high_water(high_waters[high_water % 6]);
    const std::vector<DecodedEvent>& own_chain = world->chains[3];
    const uint64_t seq = welcome->high_water();
    if (hash % 3 == 0 && seq > 0) {
      absl::StatusOr<std::optional<v1::EventRecord>> held = node_->ReadOwnAt(seq);
      if (held.ok() && held->has_value()) {
        welcome->set_high_water_hash(DecodeRecord(**held)->hash);
      } else if (seq <= own_chain.size()) {
        welcome->set_high_water_hash(own_chain[seq - 1].hash);
      }
    } else if (hash % 3 == 1) {
      welcome->set_high_water_hash(std::string(32, 'x'));
    }
    const uint64_t heads[] = {next_position_ - 1, next_position_ + 4, raw};
    welcome->set_log_head(heads[log_head % 3]);
    return message;
  }

  // A batch at positions next_position_, ... with `through` and `log_head`
  // chosen around them (valid or not), some entries as withheld links.
  v1::HubMessage Batch(std::vector<v1::EventRecord> records) {
    const uint8_t through_choice = in_->U8();
    const uint8_t withheld = in_->U8();
    v1::HubMessage message;
    v1::PullBatch* batch = message.mutable_pull();
    uint64_t position = next_position_;
    for (size_t i = 0; i < records.size(); ++i) {
      v1::LogEntry* entry = batch->add_entries();
      entry->set_position(position++);
      if (i < 8 && (withheld >> i & 1)) {
        *entry->mutable_withheld() = LinkOf(records[i]);
      } else {
        *entry->mutable_event() = std::move(records[i]);
      }
    }
    const uint64_t last = position - 1;
    const uint64_t throughs[] = {last, last, last + 2, last - std::min<uint64_t>(last, 1),
                                 last + 1000};
    batch->set_through(throughs[through_choice % 5]);
    batch->set_log_head(through_choice & 0x80 ? batch->through() - 1 : batch->through() + 1);
    return message;
  }

  v1::HubMessage PullFromChain() {
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
    return Batch(std::move(records));
  }

  // Any body the fuzzer makes, sealed onto the node's copy of the chosen
  // origin's chain: it passes the chain checks and reaches the projections.
  v1::HubMessage PullSealed() {
    const uint8_t origin_choice = in_->U8();
    const uint8_t offset = in_->U8();
    const uint8_t with_personal = in_->U8();
    v1::EventCore core;
    if (!core.ParseFromString(in_->Bytes(in_->U16()))) core.Clear();
    const std::string origins[] = {"lille", "hub", "hem"};
    const std::string origin = origins[origin_choice % 3];
    ChainHead head = Heads(*node_)[origin];
    if (offset % 4 == 1) head.seq += 1 + offset / 4;
    if (offset % 4 == 2) head.seq -= std::min<uint64_t>(head.seq, 1 + offset / 4);
    core.set_origin(origin);
    v1::PersonalPart personal;
    personal.set_family_name("Martin");
    DecodedEvent event = SealEvent(head, std::move(core), with_personal & 1 ? &personal : nullptr);
    return Batch({event.record()});
  }

  // (origin, seq) of the batch's withheld links that no entry of it carries
  // in full and the node did not hold before.
  std::vector<std::pair<std::string, uint64_t>> OnlyWithheld(const v1::HubMessage& message) {
    std::vector<std::pair<std::string, uint64_t>> links;
    if (!message.has_pull()) return links;
    for (const v1::LogEntry& entry : message.pull().entries()) {
      if (!entry.has_withheld()) continue;
      const v1::WithheldLink& link = entry.withheld();
      bool in_full = false;
      for (const v1::LogEntry& other : message.pull().entries()) {
        v1::EventCore core;
        if (other.has_event() && core.ParseFromString(other.event().core()) &&
            core.origin() == link.origin() && core.seq() == link.seq()) {
          in_full = true;
        }
      }
      if (!in_full && !Held(link.origin(), link.seq())) links.emplace_back(link.origin(), link.seq());
    }
    return links;
  }

  bool Held(const std::string& origin, uint64_t seq) {
    absl::StatusOr<std::optional<v1::EventRecord>> record = node_->events().Read(origin, seq);
    Require(record.ok(), "cannot read an event");
    return record->has_value();
  }

  bool Deliver(const v1::HubMessage& message) {
    const bool recovering = node_->Recovering();
    const std::map<std::string, ChainHead> heads_before = Heads(*node_);
    const NodeCursor cursor_before = node_->Cursor().value();
    const std::vector<std::pair<std::string, uint64_t>> only_withheld = OnlyWithheld(message);

    absl::StatusOr<std::vector<EncodedNodeMessage>> out = session_.OnHubMessage(message);

    const std::map<std::string, ChainHead> heads_after = Heads(*node_);
    const NodeCursor cursor_after = node_->Cursor().value();
    const ChainHead own_before = heads_before.count("hem") ? heads_before.at("hem") : ChainHead();
    const ChainHead own_after = heads_after.count("hem") ? heads_after.at("hem") : ChainHead();
    if (!recovering) {
      Require(own_after.seq == own_before.seq && own_after.hash == own_before.hash,
              "the node's own chain changed while it was not recovering");
    }
    if (message.has_pull()) {
      if (out.ok()) {
        Require(cursor_after.position == std::max(cursor_before.position, message.pull().through()),
                "the cursor is not where the applied batch brings it");
        next_position_ = std::max(next_position_, message.pull().through() + 1);
        for (const auto& [origin, seq] : only_withheld) {
          Require(!Held(origin, seq), "an event that came as a withheld link is held");
          Require(heads_after.count(origin) && heads_after.at(origin).seq >= seq,
                  "an applied withheld link is not in its origin's chain");
        }
      } else {
        Require(SameHeads(heads_after, heads_before), "a refused pull changed the events held");
        Require(cursor_after.position == cursor_before.position, "a refused pull moved the cursor");
      }
    } else if (!message.has_welcome()) {
      Require(SameHeads(heads_after, heads_before), "events changed without a pull");
      Require(cursor_after.position == cursor_before.position &&
                  cursor_after.hub_epoch == cursor_before.hub_epoch,
              "the cursor moved without a pull or a Welcome");
    }
    if (!out.ok()) {
      Require(!out.status().message().empty(), "an error without a message");
      return false;  // the adapter closes the stream
    }
    if (session_.welcomed()) {
      Require(cursor_after.hub_epoch == session_.hub_epoch(), "the cursor follows another epoch");
    }
    // After a Welcome, pushes start after the hub's high-water mark.
    if (message.has_welcome()) pushed_through_ = session_.acked();
    for (const v1::NodeMessage& reply : CheckOutgoing(*out)) {
      if (reply.has_pull_ack()) {
        Require(message.has_pull() && reply.pull_ack().cursor() == message.pull().through(),
                "a PullAck for something else than the batch applied");
      }
    }
    return true;
  }

  // Checks what the node sends, as the hub parses it, and returns it.
  std::vector<v1::NodeMessage> CheckOutgoing(const std::vector<EncodedNodeMessage>& encoded) {
    std::vector<v1::NodeMessage> out;
    for (const EncodedNodeMessage& bytes : encoded) {
      absl::StatusOr<v1::NodeMessage> parsed = bytes.ToMessage();
      Require(parsed.ok(), "the node framed a message the hub cannot parse");
      Require(parsed->has_push() == bytes.is_push() &&
                  (!bytes.is_push() || parsed->push().events_size() == bytes.push_events()),
              "a frame that is not the push it says");
      out.push_back(*std::move(parsed));
    }
    for (const v1::NodeMessage& message : out) {
      Require(!message.has_hello(), "a second Hello");
      if (!message.has_push()) continue;
      Require(!node_->Recovering(), "a push while recovering");
      Require(!BatchLimitsExceeded(message.push()).has_value(), "a push over the batch limits");
      for (const v1::EventRecord& record : message.push().events()) {
        absl::StatusOr<DecodedEvent> event = DecodeRecord(record);
        Require(event.ok() && event->core().origin() == "hem", "a push of a foreign or bad event");
        Require(event->core().seq() == pushed_through_ + 1, "pushed seqs are not contiguous");
        pushed_through_ = event->core().seq();
      }
    }
    return out;
  }

  NodeStore* node_;
  Reader* in_;
  NodeSession session_;
  uint64_t next_position_ = 1;  // of the next entry a generated pull carries
  uint64_t pushed_through_ = 0;
};

}  // namespace
}  // namespace comptoir::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace comptoir;
  using namespace comptoir::fuzz;
  if (world == nullptr) Setup();
  ScratchDir dir(world->template_dir);
  std::unique_ptr<NodeStore> node = OpenNode(dir.path());
  Reader in(data, size);
  const uint8_t setup = in.U8();
  if (setup & 1) Require(node->BeginRecovery().ok(), "cannot begin recovery");
  if (setup & 2) Require(node->ResetCursor(kEpoch).ok(), "cannot set the cursor");
  Run run(node.get(), &in);
  run.Start();
  for (int step = 0; step < kMaxSteps && !in.done(); ++step) {
    if (!run.Step()) break;
  }
  run.Finish();
  return 0;
}
