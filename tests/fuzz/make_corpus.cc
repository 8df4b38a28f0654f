// Writes the fuzz targets' seed corpus (tests/fuzz/corpus/<target>/): a few
// inputs per target that walk the protocol's main paths, so that a fuzzing run
// starts deep instead of from empty inputs. Deterministic; rerun it after
// changing the input format (tests/fuzz/fuzz_support.h) and commit the result:
//
//   build/tests/comptoir-fuzz-corpus tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/sync_protocol.h"
#include "comptoir/v1/events.pb.h"
#include "comptoir/v1/sync.pb.h"
#include "tests/fuzz/fuzz_support.h"

namespace comptoir::fuzz {
namespace {

// Bodies for the "sealed" steps: what the folds see.
std::vector<std::string> SampleCores() {
  std::vector<v1::EventCore> cores(7);
  cores[0] = SampleSale("x", ChainHead(), 0).core();
  cores[1] = SampleFamily("x", ChainHead(), 1).core();
  v1::StockReceived* stock = cores[2].mutable_stock_received();
  stock->set_lot_id("HEM-L-0001");
  stock->set_product_id("EPI-LAIT-1L");
  stock->set_quantity(12);
  stock->set_donor_id("kiabi");
  stock->set_received_day("2026-11-25");
  stock->set_expiry_day("2026-12-01");
  v1::ReferralGranted* referral = cores[3].mutable_referral_granted();
  referral->set_referral_id("HEM-R-0001");
  referral->set_family_id("HEM-000001");
  referral->set_prescriber_id("ccas-hem");
  referral->set_start_day("2026-11-01");
  referral->set_end_day("2027-02-01");
  referral->set_monthly_ceiling_cents(5000);
  v1::TransferShipped* transfer = cores[4].mutable_transfer_shipped();
  transfer->set_transfer_id("HEM-T-0001");
  transfer->set_source("hem");
  transfer->set_destination("lille");
  transfer->set_day("2026-11-25");
  v1::ShippedLot* lot = transfer->add_lots();
  lot->set_product_id("EPI-LAIT-1L");
  lot->set_lot_id("HEM-L-0001");
  lot->set_quantity(3);
  v1::WorkshopScheduled* workshop = cores[5].mutable_workshop_scheduled();
  workshop->set_workshop_id("HEM-W-0001");
  workshop->set_theme("cuisine");
  workshop->set_day("2026-12-02");
  workshop->set_places(8);
  v1::TransferProposed* proposed = cores[6].mutable_transfer_proposed();
  proposed->set_transfer_id("LIL-T-0001");
  proposed->set_source("lille");
  proposed->set_destination("caudry");
  v1::TransferItem* item = proposed->add_items();
  item->set_product_id("EPI-LAIT-1L");
  item->set_quantity(2);
  std::vector<std::string> out;
  for (v1::EventCore& core : cores) {
    core.clear_origin();
    out.push_back(core.SerializeAsString());
  }
  return out;
}

void Save(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
}

// Operands in the order the targets read them (tests/fuzz/*_fuzz.cc).
Writer& HubHello(Writer& w, uint8_t site, uint8_t version = 0, uint8_t cursor = 0) {
  return w.U8(kHubHello).U8(site).U8(version).U8(0).U8(cursor).U64(0).U8(0).U64(3);
}
Writer& HubPush(Writer& w, uint8_t chain, uint8_t from, uint8_t count, uint8_t mutation = kKeep,
                uint16_t parameter = 0) {
  return w.U8(kHubPush).U8(chain).U8(from).U8(count).U8(mutation).U16(parameter);
}
Writer& NodeWelcome(Writer& w, uint8_t epoch, uint8_t high_water) {
  return w.U8(kNodeWelcome).U8(epoch).U8(high_water).U8(0).U8(1).U64(0);
}
Writer& NodePull(Writer& w, uint8_t chain, uint8_t from, uint8_t count, uint8_t mutation = kKeep,
                 uint8_t through = 0, uint8_t withheld = 0) {
  return w.U8(kNodePull).U8(chain).U8(from).U8(count).U8(mutation).U16(0).U8(through).U8(withheld);
}

void WriteHubSeeds(const std::string& dir) {
  const std::vector<std::string> cores = SampleCores();
  {
    Writer w;  // the normal path: Hello, the rest of hem's chain, pulls, acks
    w.U8(0);
    HubHello(w, 0);
    HubPush(w, 0, 3, 3);
    w.U8(kHubNextPull).U8(3).U8(kHubPullAck).U8(0).U64(0);
    HubPush(w, 0, 6, 2);
    Save(dir, "normal", w.data());
  }
  const struct { const char* name; uint8_t chain, from, count, mutation; } pushes[] = {
      {"duplicate", 0, 0, 3, kKeep},     {"fork", 1, 1, 4, kKeep},
      {"gap", 0, 5, 2, kKeep},           {"wrong_origin", 2, 0, 2, kKeep},
      {"truncated", 0, 3, 2, kTruncateCore}, {"bad_personal", 0, 3, 2, kGarbagePersonal},
      {"reordered", 0, 3, 3, kSwapFirstTwo}};
  for (const auto& push : pushes) {
    Writer w;
    w.U8(0);
    HubHello(w, 0);
    HubPush(w, push.chain, push.from, push.count, push.mutation, 0x0107);
    Save(dir, push.name, w.data());
  }
  for (size_t i = 0; i < cores.size(); ++i) {
    Writer w;  // any body, sealed onto hem's chain: reaches the statistics
    w.U8(1);
    HubHello(w, 0);
    w.U8(kHubPushSealed).U8(0).U8(0).U8(i % 2).Chunk(cores[i]);
    w.U8(kHubNextPull).U8(1);
    Save(dir, "sealed_" + std::to_string(i), w.data());
  }
  Writer beyond;
  beyond.U8(0);
  HubHello(beyond, 0, 0, 3);
  Save(dir, "cursor_beyond", beyond.data());
  Writer ack;
  ack.U8(0);
  HubHello(ack, 1);
  ack.U8(kHubPullAck).U8(3).U64(0);
  Save(dir, "ack_beyond", ack.data());
  Writer many;
  many.U8(0);
  HubHello(many, 0);
  many.U8(kHubPushMany).U16(kMaxBatchEvents + 1);
  Save(dir, "too_many", many.data());
  Writer forged;
  forged.U8(1);  // authenticated as hem
  HubHello(forged, 1);
  Save(dir, "forged_site", forged.data());
  Writer version;
  version.U8(0);
  HubHello(version, 0, 3);
  Save(dir, "version", version.data());
  for (uint8_t site : {0, 1}) {  // hem gets caudry's transfer to lille withheld, lille in full
    Writer w;
    w.U8(0);
    HubHello(w, site);
    w.U8(kHubNextPull).U8(2);
    Save(dir, site == 0 ? "withheld_pull" : "parties_pull", w.data());
  }
  Writer raw;
  raw.U8(0).U8(kHubRaw).Chunk(std::string("\x0a\x05\x0a\x03hem", 7));
  Save(dir, "raw_hello", raw.data());
}

void WriteNodeSeeds(const std::string& dir) {
  const std::vector<std::string> cores = SampleCores();
  {
    Writer w;  // the normal path: Welcome, pulls, own sales pushed and acked
    w.U8(2);
    NodeWelcome(w, 0, 0);
    NodePull(w, 0, 0, 4);
    w.U8(kNodeLocalAppend).U8(2).U8(kNodePushAck).U8(0).U64(0);
    NodePull(w, 2, 0, 3);
    Save(dir, "normal", w.data());
  }
  const struct { const char* name; uint8_t chain, from, count, mutation, through; } pulls[] = {
      {"fork", 1, 0, 5, kKeep, 0},          {"gap", 0, 3, 2, kKeep, 0},
      {"own_beyond", 3, 2, 3, kKeep, 0},    {"own_fork", 4, 0, 2, kKeep, 0},
      {"through_beyond", 0, 0, 2, kKeep, 4}, {"truncated", 0, 0, 2, kTruncateCore, 0},
      {"duplicate", 0, 0, 3, kDuplicateFirst, 0}};
  for (const auto& pull : pulls) {
    Writer w;
    w.U8(2);
    NodeWelcome(w, 0, 0);
    NodePull(w, pull.chain, pull.from, pull.count, pull.mutation, pull.through);
    Save(dir, pull.name, w.data());
  }
  {
    Writer w;  // recovering: the hub holds hem up to 6, the node up to 3
    w.U8(3);
    NodeWelcome(w, 0, 4);
    NodePull(w, 3, 0, 6);
    w.U8(kNodeLocalAppend).U8(1);
    Save(dir, "recovery", w.data());
  }
  for (size_t i = 0; i < cores.size(); ++i) {
    Writer w;
    w.U8(2);
    NodeWelcome(w, 0, 0);
    w.U8(kNodePullSealed).U8(i % 2).U8(0).U8(i % 2).Chunk(cores[i]).U8(0).U8(0);
    Save(dir, "sealed_" + std::to_string(i), w.data());
  }
  {
    Writer w;  // lille 2..3 withheld (a transfer between two other centres), then 4 in full
    w.U8(2);
    NodeWelcome(w, 0, 0);
    NodePull(w, 0, 0, 4, kKeep, 0, 0b0110);
    Save(dir, "withheld", w.data());
  }
  {
    Writer w;  // a withheld link that does not link (a gap)
    w.U8(2);
    NodeWelcome(w, 0, 0);
    NodePull(w, 0, 2, 1, kKeep, 0, 0b0001);
    Save(dir, "withheld_gap", w.data());
  }
  Writer epoch;
  epoch.U8(2);
  NodeWelcome(epoch, 2, 0);
  NodePull(epoch, 0, 0, 2);
  Save(dir, "new_epoch", epoch.data());
  Writer error;
  error.U8(0).U8(kNodeError).U8(3).Chunk("gap");
  Save(dir, "error", error.data());
  Writer silent;  // found by the fuzzer: a refusal without a message
  NodeWelcome(silent.U8(2), 0, 0);
  silent.U8(kNodeError).U8(v1::SyncError::WRONG_ORIGIN).Chunk("");
  Save(dir, "error_without_message", silent.data());
}

void WriteCodecSeeds(const std::string& dir) {
  int n = 0;
  for (const auto& chain : {SampleChain("hem", 3, 0), SampleChain("hub", 2, 1)}) {
    for (const DecodedEvent& event : chain) {
      Save(dir, "record_" + std::to_string(n++), event.record().SerializeAsString());
    }
  }
  for (const std::string& core : SampleCores()) {
    v1::EventRecord record;
    v1::EventCore parsed;
    parsed.ParseFromString(core);
    parsed.set_origin("lille");
    record.set_core(SealEvent(ChainHead(), parsed, nullptr).record().core());
    Save(dir, "record_" + std::to_string(n++), record.SerializeAsString());
  }
}

}  // namespace
}  // namespace comptoir::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR (tests/fuzz/corpus)\n", argv[0]);
    return 2;
  }
  const std::string root = argv[1];
  comptoir::fuzz::WriteCodecSeeds(root + "/event_codec");
  comptoir::fuzz::WriteHubSeeds(root + "/hub_session");
  comptoir::fuzz::WriteNodeSeeds(root + "/node_session");
  return 0;
}
