#include "tests/fuzz/fuzz_support.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

#include "common/ids.h"
#include "common/event_log.h"
#include "common/sha256.h"
#include "google/protobuf/stubs/logging.h"

namespace comptoir::fuzz {
namespace {

std::atomic<uint64_t> next_dir{0};

}  // namespace

uint8_t Reader::U8() { return offset_ < size_ ? data_[offset_++] : 0; }

uint16_t Reader::U16() {
  const uint16_t high = U8();
  return static_cast<uint16_t>(high << 8 | U8());
}

uint64_t Reader::U64() {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = value << 8 | U8();
  return value;
}

std::string Reader::Bytes(size_t n) {
  const size_t take = offset_ < size_ ? std::min(n, size_ - offset_) : 0;
  std::string out(reinterpret_cast<const char*>(data_ + offset_), take);
  offset_ += take;
  return out;
}

Writer& Writer::U8(uint8_t value) {
  data_.push_back(static_cast<char>(value));
  return *this;
}

Writer& Writer::U16(uint16_t value) { return U8(value >> 8).U8(value & 0xff); }

Writer& Writer::U64(uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) U8(static_cast<uint8_t>(value >> shift));
  return *this;
}

Writer& Writer::Chunk(const std::string& bytes) {
  U16(static_cast<uint16_t>(bytes.size()));
  data_ += bytes.substr(0, 0xffff);
  return *this;
}

void QuietProtobufLogs() { google::protobuf::SetLogHandler(nullptr); }

void Require(bool condition, const std::string& what) {
  if (condition) return;
  std::fprintf(stderr, "INVARIANT BROKEN: %s\n", what.c_str());
  std::abort();
}

const std::shared_ptr<MemoryDisk>& FuzzDisk() {
  static const auto* disk = new std::shared_ptr<MemoryDisk>(std::make_shared<MemoryDisk>());
  return *disk;
}

ScratchDir::ScratchDir(const std::string& template_dir) {
  path_ = "/fuzz/run-" + std::to_string(next_dir++);
  const absl::Status copied = FuzzDisk()->PowerLossCopy(template_dir, path_);
  Require(copied.ok(), "cannot copy the template database: " + copied.ToString());
}

ScratchDir::~ScratchDir() { FuzzDisk()->DeleteAll(path_ + "/").IgnoreError(); }

std::string NewTemplateDir(const std::string& name) { return "/fuzz/template-" + name; }

DecodedEvent SampleSale(const std::string& origin, const ChainHead& head, int variant) {
  v1::EventCore core;
  core.set_origin(origin);
  core.set_hlc((uint64_t{1764000000000} + head.seq * 1000) << 16);
  v1::SaleRecorded* sale = core.mutable_sale_recorded();
  sale->set_family_id("HEM-000001");
  sale->set_day("2026-11-25");
  v1::SaleLine* line = sale->add_lines();
  line->set_product_id(variant == 0 ? "EPI-LAIT-1L" : "PAP-PULL");
  line->set_quantity(1 + variant);
  return SealEvent(head, std::move(core), nullptr);
}

DecodedEvent SampleFamily(const std::string& origin, const ChainHead& head, int variant) {
  v1::EventCore core;
  core.set_origin(origin);
  core.set_hlc((uint64_t{1764000000000} + head.seq * 1000) << 16);
  v1::FamilyRegistered* family = core.mutable_family_registered();
  // Under the origin's card prefix: a centre registers only its own cards.
  family->set_family_id(DefaultCardPrefix(origin) + "-00000" + std::to_string(head.seq + 1));
  family->set_household_type(v1::HouseholdType(1 + variant % 3));
  family->add_income_sources(v1::IncomeSource(1 + variant % 4));
  family->set_day("2026-11-25");
  v1::PersonalPart personal;
  personal.set_salt(std::string(16, static_cast<char>('a' + variant)));
  personal.set_family_name(variant == 0 ? "Martin" : "Durand");
  return SealEvent(head, std::move(core), &personal);
}

std::vector<DecodedEvent> SampleChain(const std::string& origin, size_t count, int variant) {
  std::vector<DecodedEvent> chain;
  ChainHead head;
  for (size_t i = 0; i < count; ++i) {
    chain.push_back(i % 2 == 0 ? SampleSale(origin, head, variant)
                               : SampleFamily(origin, head, variant));
    head = HeadAfter(chain.back());
  }
  return chain;
}

v1::WithheldLink LinkOf(const v1::EventRecord& record) {
  v1::EventCore core;
  core.ParseFromString(record.core());  // a mutated core may parse only in part
  v1::WithheldLink link;
  link.set_origin(core.origin());
  link.set_seq(core.seq());
  link.set_prev_hash(core.prev_hash());
  link.set_hash(Sha256(record.core()));
  return link;
}

void Mutate(std::vector<v1::EventRecord>& records, uint8_t mutation, uint16_t parameter) {
  if (records.empty()) return;
  // The high byte picks the event, the low byte the offset.
  v1::EventRecord& first = records[(parameter >> 8) % records.size()];
  parameter &= 0xff;
  switch (mutation % kMutationCount) {
    case kFlipCoreByte:
      if (!first.core().empty()) (*first.mutable_core())[parameter % first.core().size()] ^= 0x5a;
      break;
    case kTruncateCore:
      if (!first.core().empty()) first.mutable_core()->resize(parameter % first.core().size());
      break;
    case kTruncatePersonal:
      if (!first.personal().empty()) {
        first.mutable_personal()->resize(parameter % first.personal().size());
      }
      break;
    case kGarbagePersonal:
      first.set_personal(first.core());
      break;
    case kDropPersonal:
      first.clear_personal();
      break;
    case kDuplicateFirst:
      records.insert(records.begin(), records.front());
      break;
    case kSwapFirstTwo:
      if (records.size() > 1) std::swap(records[0], records[1]);
      break;
    case kReverse:
      std::reverse(records.begin(), records.end());
      break;
    default:
      break;
  }
}

void RequireValidChains(const Store& store, const std::vector<std::string>& origins,
                        bool withheld_links) {
  EventLog log(const_cast<Store*>(&store));  // reads only
  std::map<std::string, ChainHead> heads;
  if (origins.empty()) {
    absl::StatusOr<std::map<std::string, ChainHead>> all = log.Heads();
    Require(all.ok(), "cannot read the chain heads");
    heads = *std::move(all);
  } else {
    for (const std::string& origin : origins) {
      absl::StatusOr<ChainHead> head = log.Head(origin);
      Require(head.ok(), "cannot read a chain head");
      heads[origin] = *head;
    }
  }
  for (const auto& [origin, head] : heads) {
    std::optional<ChainHead> current = ChainHead();  // nullopt after a link
    for (uint64_t seq = 1; seq <= head.seq; ++seq) {
      absl::StatusOr<std::optional<v1::EventRecord>> record = log.Read(origin, seq);
      Require(record.ok(), "cannot read an event");
      if (!record->has_value()) {
        Require(withheld_links, "the head of " + origin + " is " + std::to_string(head.seq) +
                                    " but seq " + std::to_string(seq) + " is not held");
        current.reset();
        continue;
      }
      absl::StatusOr<DecodedEvent> event = DecodeRecord(**record);
      Require(event.ok(), "a held event does not decode: " + event.status().ToString());
      Require(event->core().origin() == origin && event->core().seq() == seq,
              "event stored under " + origin + "/" + std::to_string(seq) + " says otherwise");
      Require(!current.has_value() || CheckLink(*current, *event) == Link::kNext,
              "held event " + origin + "/" + std::to_string(seq) + " does not chain");
      current = HeadAfter(*event);
    }
    Require(!current.has_value() || current->hash == head.hash || head.seq == 0,
            "the head hash of " + origin + " is not its last event's");
  }
}

}  // namespace comptoir::fuzz
