// comptoir-bench: the figures of BENCHMARKS.md, each beside its raw baseline,
// measured in one run on the same machine (these machines are noisy: only
// side-by-side ratios mean something).
//
//   build/tests/comptoir-bench [--sales N] [--events N] [--propagations N] [--stats-centres C]
//                              [--streams S] [--fanin-events N] [--fanin-batch B]
//                              [--fanin-mode both|pull|push] [--hub-binary PATH]
//                              [--families N] [--backup-events N]
//                              [--export-events N]
//                              [--only sale|propagation|stats|fanin|catchup|search|backup|export|erase]
//                              [--help]
//
// 1. Sale latency: a 5-line sale (family check, referral, ceiling, FEFO lots,
//    receipt number) through TillService over loopback gRPC, durable.
//    Baseline: a raw synced RocksDB WriteBatch of the same size.
// 2. Catch-up: a node holding N events recorded offline connects; time until
//    the hub holds them durably, then until an empty second node has pulled
//    them. Baseline: synced RocksDB ingest of the same bytes in batches of the
//    sync's size (kMaxBatchEvents).
// 3. Live propagation: connected network, sale at A until applied at B.
// 4. Cold start: opening a node whose log holds N events.
// 5. Statistics: a year of activity of C centres (350 households each, about
//    20 visits a year each, 3-line baskets) folded into the hub's StatsModel;
//    latency of the network report for the year and of one centre's report;
//    the fold's time per sale (the model's calls only) and the model's memory
//    (heap in use after building it, less before).
//    Baseline (6 centres): reading and parsing the same sales back from
//    RocksDB, i.e. what a report that rescanned the log would cost at least.
// 6. Hub fan-in: S node streams (1,000 by default) pushing N events each in
//    batches of B and pulling, against the real comptoir-hub binary; aggregate
//    events/s and the hub's resident memory (tests/bench/fanin_bench.h), then
//    the same with nodes that do not pull. Baselines: the same streams against
//    a plain gRPC sink, and raw synced RocksDB batches.
// 7. Family search: the till's SearchFamilies over N families (5,000 by
//    default): a typo, a name, a card number (tests/bench/search_bench.h).
//    Baseline: reading and parsing every family record once.
// 9. Household export (right of access): Till::ExportFamily of one household
//    on a node holding N events (100,000 by default), which reads the whole
//    log once. Baseline: reading every event's bytes once (a raw scan).
// 8. Backups of a node holding N events (100,000 by default): the encrypted
//    backup and its checked restore. Baselines: a plain checkpoint, and
//    restoring it by copying its files (what backups were before encryption).
#include <grpcpp/grpcpp.h>
#include <malloc.h>

#include <algorithm>
#include <random>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/backup.h"
#include "common/ids.h"
#include "common/civil_day.h"
#include "common/daemon.h"
#include "common/keys.h"
#include "common/logging.h"
#include "common/store.h"
#include "common/sync_protocol.h"
#include "hub/hub_log.h"
#include "hub/hub_service.h"
#include "hub/stats_model.h"
#include "hub/sync_service.h"
#include "node/node_store.h"
#include "node/notice.h"
#include "node/sync_client.h"
#include "node/till.h"
#include "node/till_service.h"
#include "tests/bench/fanin_bench.h"
#include "tests/bench/search_bench.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using Clock = std::chrono::steady_clock;

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// CPU time of the whole process (every thread), in seconds. Less moved by the
// host's noise than elapsed time: a figure to compare changes by.
double ProcessCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[index];
}

struct Row {
  std::string figure;
  std::string value;
  std::string baseline;
  std::string ratio;
};
std::vector<Row> rows;

void Report(const std::string& figure, double value, double baseline, const std::string& unit,
            int decimals = 1) {
  rows.push_back({figure, absl::StrFormat("%.*f %s", decimals, value, unit),
                  baseline > 0 ? absl::StrFormat("%.*f %s", decimals, baseline, unit) : "-",
                  baseline > 0 ? absl::StrFormat("%.2fx", value / baseline) : "-"});
  std::printf("  %-44s %14s  baseline %14s  ratio %s\n", figure.c_str(), rows.back().value.c_str(),
              rows.back().baseline.c_str(), rows.back().ratio.c_str());
  std::fflush(stdout);
}

// A node serving its till over loopback gRPC.
struct ServedNode {
  ServedNode(const std::string& site, const std::string& dir, const std::string& hub) {
    store = NodeStore::Open({site, dir, nullptr, ""}).value();
    till = std::make_unique<Till>(store.get());
    accounts = std::make_unique<Accounts>(store.get());
    service = std::make_unique<TillServiceImpl>(till.get(), SessionGate::Administrator(accounts.get()));
    server = StartGrpcServer("127.0.0.1:0", {service.get()}).value();
    if (!hub.empty()) {
      SyncClient::Options options;
      options.hub_address = hub;
      options.max_backoff = absl::Milliseconds(200);
      client = std::make_unique<SyncClient>(store.get(), options);
      SyncClient* raw = client.get();
      store->SetLocalAppendListener([raw] { raw->NotifyLocalAppend(); });
      client->Start();
    }
  }
  ~ServedNode() {
    if (client) client->Stop();
    server.server->Shutdown();
  }
  std::unique_ptr<NodeStore> store;
  std::unique_ptr<Till> till;
  std::unique_ptr<Accounts> accounts;
  std::unique_ptr<TillServiceImpl> service;
  RunningServer server;
  std::unique_ptr<SyncClient> client;
};

struct ServedHub {
  explicit ServedHub(const std::string& dir, const std::string& listen = "127.0.0.1:0") {
    log = HubLog::Open(dir).value();
    sync = std::make_unique<SyncServiceImpl>(log.get());
    server = StartGrpcServer(listen, {sync.get()}).value();
  }
  ~ServedHub() { server.server->Shutdown(std::chrono::system_clock::now()); }
  std::unique_ptr<HubLog> log;
  std::unique_ptr<SyncServiceImpl> sync;
  RunningServer server;
};

void BenchSaleLatency(int sales) {
  testing::TempDir dir;
  ServedNode node("hem", dir.Sub("hem"), "");
  Till& till = *node.till;
  v1::RegisterFamilyRequest family;
  family.set_notice_version(std::string(CurrentNoticeVersion()));
  family.set_family_name("Bench");
  family.set_household_type(v1::SINGLE_PARENT);
  auto* member = family.add_members();
  member->set_first_name("A");
  member->set_sex(v1::FEMALE);
  member->set_birth_year(1990);
  const std::string family_id = till.RegisterFamily(family)->family_id();
  v1::GrantReferralRequest referral;
  referral.set_family_id(family_id);
  referral.set_prescriber_id("ccas-hem");
  referral.set_end_day(*AddDays(node.store->Today(), 30));

  till.GrantReferral(referral).value();
  std::vector<std::string> products;
  for (int p = 0; p < 5; ++p) {
    v1::DefineLocalProductRequest product;
    product.set_name(absl::StrCat("Produit ", p));
    product.set_department("epicerie");
    product.set_reference_price_cents(100 + 37 * p);
    products.push_back(till.DefineLocalProduct(product)->product_id());
    for (int lot = 0; lot < 3; ++lot) {  // several lots: FEFO has a choice to make
      v1::ReceiveStockRequest stock;
      stock.set_product_id(products.back());
      stock.set_quantity(sales * 2);
      stock.set_expiry_kind(v1::DDM);
      stock.set_expiry_day(*AddDays(node.store->Today(), 30 + lot));
      till.ReceiveStock(stock).value();
    }
  }
  auto stub = v1::TillService::NewStub(
      grpc::CreateChannel(node.server.address, grpc::InsecureChannelCredentials()));
  std::vector<double> latencies;
  size_t bytes = 0;
  for (int i = 0; i < sales; ++i) {
    v1::RecordSaleRequest request;
    request.set_family_id(family_id);
    request.set_payment_method(v1::CASH);
    for (const std::string& product : products) {
      auto* line = request.add_lines();
      line->set_product_id(product);
      line->set_quantity(1);
    }
    v1::RecordSaleResponse response;
    grpc::ClientContext context;
    const auto start = Clock::now();
    grpc::Status status = stub->RecordSale(&context, request, &response);
    latencies.push_back(Micros(Clock::now() - start));
    if (!status.ok()) {
      std::fprintf(stderr, "sale failed: %s\n", status.error_message().c_str());
      std::exit(1);
    }
    bytes += response.receipt_text().size() / 4;  // rough: sized below from the event itself
  }
  // The same-size baseline: one synced batch with the sale event's bytes, its
  // views and counters (about 10 keys, 2 KiB), straight into RocksDB.
  auto raw = Store::Open({dir.Sub("raw")}).value();
  std::vector<double> raw_latencies;
  const std::string value(160, 'x');
  for (int i = 0; i < sales; ++i) {
    Batch batch;
    batch.Put(Column::kEvents, EventKey("hem", i + 1), std::string(900, 'e'));
    for (int k = 0; k < 10; ++k) batch.Put(Column::kViews, absl::StrCat("k", k, "-", i % 64), value);
    const auto start = Clock::now();
    raw->Write(batch).IgnoreError();
    raw_latencies.push_back(Micros(Clock::now() - start));
  }
  (void)bytes;
  std::printf("Sale latency (%d sales, 5 lines, through gRPC, synced):\n", sales);
  Report("sale p50", Percentile(latencies, 0.50), Percentile(raw_latencies, 0.50), "us");
  Report("sale p99", Percentile(latencies, 0.99), Percentile(raw_latencies, 0.99), "us");
  Report("sale p99.9", Percentile(latencies, 0.999), Percentile(raw_latencies, 0.999), "us");
}

// Appends `count` bare sale events to `node` in large batches (a bench loader,
// not the till: what is measured is syncing them).
void Preload(NodeStore& node, int count) {
  constexpr int kPerBatch = 10000;
  for (int done = 0; done < count; done += kPerBatch) {
    node.Execute([&](CommandContext& ctx) {
          for (int i = done; i < std::min(count, done + kPerBatch); ++i) {
            v1::EventCore core;
            v1::SaleRecorded* sale = core.mutable_sale_recorded();
            sale->set_family_id(absl::StrCat("HEM-", 100000 + i % 500));
            // A receipt number, as every till sale has: the hub checks that
            // it carries the centre's own card prefix (common/authority.h).
            sale->set_receipt_no(ReceiptNo("HEM", 2026, static_cast<uint64_t>(i) + 1));
            for (int l = 0; l < 5; ++l) {
              auto* line = sale->add_lines();
              line->set_product_id(absl::StrCat("EPI-PRODUIT-", (i + l) % 300));
              line->set_quantity(1 + l);
            }
            auto appended = ctx.Append(std::move(core), nullptr);
            if (!appended.ok()) return appended.status();
          }
          return absl::OkStatus();
        })
        .IgnoreError();
  }
}

void BenchCatchUpAndColdStart(int events) {
  testing::TempDir dir;
  uint64_t event_bytes = 0;
  {
    auto node = NodeStore::Open({"hem", dir.Sub("hem"), nullptr, ""}).value();
    Preload(*node, events);
    for (uint64_t seq = 1; seq <= static_cast<uint64_t>(events); seq += 997) {
      event_bytes += node->ReadEvents("hem", seq, 1)->at(0).core().size();
    }
    event_bytes = event_bytes * events / ((events + 996) / 997);
  }
  // Cold start: open the node with the whole log.
  std::vector<double> opens;
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    auto node = NodeStore::Open({"hem", dir.Sub("hem"), nullptr, ""}).value();
    opens.push_back(Micros(Clock::now() - start) / 1000);
  }
  // Baseline: synced RocksDB ingest of the same bytes, in batches of the
  // sync's size.
  double raw_seconds = 0;
  double raw_cpu = 0;
  {
    auto raw = Store::Open({dir.Sub("raw")}).value();
    const std::string value(event_bytes / events, 'e');
    const double cpu_start = ProcessCpuSeconds();
    const auto start = Clock::now();
    const int per_batch = static_cast<int>(kMaxBatchEvents);
    for (int done = 0; done < events; done += per_batch) {
      Batch batch;
      for (int i = done; i < std::min(events, done + per_batch); ++i) {
        batch.Put(Column::kEvents, EventKey("hem", i + 1), value);
        batch.Put(Column::kLog, LogKey(i + 1), EventKey("hem", i + 1));
      }
      raw->Write(batch).IgnoreError();
    }
    raw_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    raw_cpu = ProcessCpuSeconds() - cpu_start;
  }
  const std::string hub_address = "127.0.0.1:" + std::to_string(testing::PickFreePort());
  ServedHub hub(dir.Sub("hub"), hub_address);
  const double push_cpu_start = ProcessCpuSeconds();
  const auto start = Clock::now();
  double push_seconds = 0;
  double pull_seconds = 0;
  double push_cpu = 0;
  double pull_cpu = 0;
  {
    ServedNode node("hem", dir.Sub("hem"), hub_address);
    testing::WaitFor([&] { return hub.log->HeadOf("hem")->seq == static_cast<uint64_t>(events); },
                     absl::Hours(1));
    push_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    push_cpu = ProcessCpuSeconds() - push_cpu_start;
  }
  const HubLog::CommitCounts commits = hub.log->commit_counts();
  const double pull_cpu_start = ProcessCpuSeconds();
  const auto pull_start = Clock::now();
  {
    ServedNode empty("lille", dir.Sub("lille"), hub_address);
    testing::WaitFor([&] { return empty.store->Status()->hub_cursor() >= hub.log->LogHead(); },
                     absl::Hours(1));
    pull_seconds = std::chrono::duration<double>(Clock::now() - pull_start).count();
    pull_cpu = ProcessCpuSeconds() - pull_cpu_start;
  }
  std::printf("Catch-up (%d events, %.1f MB of event bytes):\n", events, event_bytes / 1e6);
  Report("catch-up push to hub, events/s", events / push_seconds, events / raw_seconds, "ev/s");
  Report("catch-up pull by empty node, events/s", events / pull_seconds, events / raw_seconds, "ev/s");
  Report("catch-up push, MB/s", event_bytes / 1e6 / push_seconds, event_bytes / 1e6 / raw_seconds, "MB/s");
  // Node, hub and gRPC all run in this process: their CPU for the whole push
  // or pull, per event, against the raw ingest's.
  Report("catch-up push, CPU per event", push_cpu * 1e6 / events, raw_cpu * 1e6 / events, "us", 2);
  Report("catch-up pull, CPU per event", pull_cpu * 1e6 / events, raw_cpu * 1e6 / events, "us", 2);
  std::printf("  hub: %llu pushed batches in %llu synced writes\n",
              static_cast<unsigned long long>(commits.appends),
              static_cast<unsigned long long>(commits.writes));
  std::printf("Cold start (%d events in the log):\n", events);
  Report("node open, median of 5", Percentile(opens, 0.5), 0, "ms");
}

void BenchPropagation(int count) {
  testing::TempDir dir;
  ServedHub hub(dir.Sub("hub"));
  ServedNode a("hem", dir.Sub("hem"), hub.server.address);
  ServedNode b("lille", dir.Sub("lille"), hub.server.address);
  testing::WaitFor([&] { return a.client->state().connected && b.client->state().connected; },
                   absl::Minutes(1));
  std::vector<double> latencies;
  for (int i = 0; i < count; ++i) {
    const auto start = Clock::now();
    a.store->Execute([&](CommandContext& ctx) {
      v1::EventCore core;
      core.mutable_sale_recorded()->set_family_id("HEM-000001");
      return ctx.Append(std::move(core), nullptr).status();
    }).IgnoreError();
    const uint64_t want = static_cast<uint64_t>(i + 1);
    while (true) {
      auto status = b.store->Status();
      bool done = false;
      for (const auto& origin : status->origins()) done |= origin.origin() == "hem" && origin.seq() >= want;
      if (done) break;
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    latencies.push_back(Micros(Clock::now() - start));
  }
  std::printf("Live propagation (%d sales, A -> hub -> B, each applied durably at B):\n", count);
  Report("propagation p50", Percentile(latencies, 0.5) / 1000, 0, "ms");
  Report("propagation p99", Percentile(latencies, 0.99) / 1000, 0, "ms");
}

// 7. Backups of a node holding `events` events: the encrypted backup file
// (checkpoint, then libsodium secretstream into one file, common/backup.h)
// and its restore (decrypt and check every chunk into a staging directory),
// beside what backups were before encryption: the checkpoint directory alone,
// and restoring it by copying its files.
void BenchBackup(int events) {
  testing::TempDir dir;
  auto node = NodeStore::Open({"hem", dir.Sub("hem"), nullptr, ""}).value();
  Preload(*node, events);
  auto key = BackupKey::Create(dir.Sub("backup.key")).value();
  auto seconds_of = [](auto&& action) {
    const auto start = Clock::now();
    action();
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  // A first checkpoint flushes the memtables, so that neither figure pays for it.
  node->store().Checkpoint(dir.Sub("warm-up")).IgnoreError();
  const double plain_backup =
      seconds_of([&] { node->store().Checkpoint(dir.Sub("plain")).IgnoreError(); });
  v1::BackupInfo info;
  info.set_kind("node");
  info.set_site("hem");
  info.set_dest(dir.Sub("hem.backup"));
  uint64_t bytes = 0;
  const double encrypted_backup = seconds_of([&] {
    bytes = WriteBackup(node->store(), {key.get(), CheckpointDirFor(dir.Sub("hem"))}, info)
                .value()
                .bytes();
  });
  const double plain_restore = seconds_of([&] {
    std::filesystem::copy(dir.Sub("plain"), dir.Sub("plain-restored"),
                          std::filesystem::copy_options::recursive);
  });
  const double encrypted_restore = seconds_of(
      [&] { DecryptToDirectory(dir.Sub("hem.backup"), *key, dir.Sub("restored")).IgnoreError(); });
  std::printf("Backups (%d events, %.1f MB of database files, file of %.1f MB):\n", events,
              bytes / 1e6, std::filesystem::file_size(dir.Sub("hem.backup")) / 1e6);
  Report("backup, encrypted file vs plain checkpoint", encrypted_backup * 1e3, plain_backup * 1e3,
         "ms");
  Report("restore, decrypt and check vs copy", encrypted_restore * 1e3, plain_restore * 1e3, "ms");
  Report("restore, decrypt and check, MB/s", bytes / 1e6 / encrypted_restore,
         bytes / 1e6 / plain_restore, "MB/s");
}

void BenchFamilyExport(int events) {
  testing::TempDir dir;
  auto node = NodeStore::Open({"hem", dir.Sub("hem"), nullptr, ""}).value();
  Till till(node.get());
  v1::RegisterFamilyRequest household;
  household.set_family_name("Dupont");
  household.set_household_type(v1::SINGLE_PARENT);
  household.set_notice_version(std::string(CurrentNoticeVersion()));
  v1::MemberInput* member = household.add_members();
  member->set_first_name("Amélie");
  member->set_sex(v1::FEMALE);
  member->set_birth_year(1990);
  const std::string card = till.RegisterFamily(household).value().family_id();
  Preload(*node, events);
  v1::ExportFamilyRequest request;
  request.set_family_id(card);
  request.set_html(true);
  auto millis_of = [](auto&& action) {
    const auto start = Clock::now();
    action();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };
  till.ExportFamily(request).IgnoreError();  // warm the block cache, as a second export would be
  std::vector<double> exports, scans;
  for (int round = 0; round < 5; ++round) {
    exports.push_back(millis_of([&] { till.ExportFamily(request).IgnoreError(); }));
    scans.push_back(millis_of([&] {
      size_t bytes = 0;
      node->store()
          .Scan(Column::kEvents, "", "",
                [&](absl::string_view, absl::string_view value) {
                  bytes += value.size();
                  return true;
                })
          .IgnoreError();
    }));
  }
  std::sort(exports.begin(), exports.end());
  std::sort(scans.begin(), scans.end());
  std::printf("Household export, %d events held:\n", events);
  Report("export of one household (document included), median of 5", exports[2], scans[2], "ms");
}

// Erasing one household (GDPR) at a centre holding `families` registered
// households and `events` other events: the event, the purge of its personal
// parts and the rewrite of the files (Store::Expunge), against that rewrite
// alone (RocksDB's flush and compaction of the same columns).
void BenchErasure(int families, int events) {
  testing::TempDir dir;
  auto node = NodeStore::Open({"hem", dir.Sub("hem"), nullptr, ""}).value();
  Till till(node.get());
  std::vector<std::string> cards;
  for (int f = 0; f < families; ++f) {
    v1::RegisterFamilyRequest household;
    household.set_family_name(absl::StrCat("Famille", f));
    household.set_household_type(v1::SINGLE_PARENT);
    household.set_notice_version(std::string(CurrentNoticeVersion()));
    v1::MemberInput* member = household.add_members();
    member->set_first_name("Amélie");
    member->set_sex(v1::FEMALE);
    member->set_birth_year(1990);
    cards.push_back(till.RegisterFamily(household).value().family_id());
  }
  Preload(*node, events);
  auto millis_of = [](auto&& action) {
    const auto start = Clock::now();
    action();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };
  std::vector<double> erasures, rewrites;
  for (int round = 0; round < 5; ++round) {
    v1::EraseFamilyRequest request;
    request.set_family_id(cards[static_cast<size_t>(round) * cards.size() / 5]);
    erasures.push_back(millis_of([&] { till.EraseFamily(request).IgnoreError(); }));
    rewrites.push_back(millis_of([&] { node->writable_store()->Expunge().IgnoreError(); }));
  }
  std::sort(erasures.begin(), erasures.end());
  std::sort(rewrites.begin(), rewrites.end());
  std::printf("Household erasure, %d households and %d events held:\n", families, events);
  Report("erasure of one household (files rewritten), median of 5", erasures[2], rewrites[2], "ms");
}

// Sales events of a synthetic year for `centres` centres, folded one by one.
class NoLookups : public StatsModel::Context {
 public:
  std::optional<v1::EventCore> Core(absl::string_view, uint64_t) const override {
    return std::nullopt;
  }
  int64_t ReferencePrice(absl::string_view) const override { return 0; }
};

// Bytes the allocator has handed out and not taken back (glibc).
double HeapMiB() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd) / (1024.0 * 1024.0);
}

void BenchStats(int centres) {
  // Serialized sales for the baseline, in one buffer reserved before the
  // model's memory is measured (so that it does not count).
  const bool keep_cores = centres <= 6;
  std::string cores;
  std::vector<size_t> core_ends;
  if (keep_cores) {
    cores.reserve(static_cast<size_t>(centres) * 350 * 20 * 400);
    core_ends.reserve(static_cast<size_t>(centres) * 350 * 20);
  }
  const double heap_before = HeapMiB();
  auto model_holder = std::make_unique<StatsModel>();
  StatsModel& model = *model_holder;
  NoLookups lookups;
  Clock::duration folding{};  // time inside the model's calls only, not making the events
  std::mt19937_64 random(centres);
  const int32_t first = *DayNumber("2026-01-01");
  const char* departments[] = {"epicerie", "pret-a-porter", "coiffure"};
  size_t sales = 0;
  for (int c = 0; c < centres; ++c) {
    const std::string site = absl::StrCat("c", c);
    for (int f = 0; f < 350; ++f) {
      const std::string family = absl::StrCat("C", c, "-", f);
      v1::FamilyRecord record;
      record.set_family_id(family);
      record.set_household_type(static_cast<v1::HouseholdType>(1 + random() % 5));
      record.add_income_sources(static_cast<v1::IncomeSource>(1 + random() % 8));
      record.set_reste_a_vivre_band(random() % 2 ? "0-150" : "150-300");
      for (int m = 0; m < 3; ++m) record.add_members()->set_birth_year(1960 + random() % 60);
      const auto set_start = Clock::now();
      model.SetHousehold(record);
      folding += Clock::now() - set_start;
      for (int v = 0; v < 20; ++v) {
        v1::EventCore core;
        core.set_origin(site);
        core.set_seq(++sales);
        v1::SaleRecorded* sale = core.mutable_sale_recorded();
        sale->set_family_id(family);
        sale->set_day(DayFromNumber(first + static_cast<int32_t>(random() % 365)));
        for (int l = 0; l < 3; ++l) {
          v1::RecordedLine* line = sale->add_recorded_lines();
          line->set_department(departments[l == 2 && random() % 10 == 0 ? 2 : random() % 2]);
          line->set_quantity(1 + random() % 3);
          line->set_reference_cents(100 + random() % 2000);
          line->set_family_cents(line->reference_cents() / 5);
          if (line->department() == "coiffure") line->set_member_id(1);
        }
        const auto fold_start = Clock::now();
        model.Fold(core, lookups);
        folding += Clock::now() - fold_start;
        if (keep_cores) {
          if (!core.AppendToString(&cores)) std::abort();
          core_ends.push_back(cores.size());
        }
      }
    }
  }
  if (keep_cores && cores.size() > cores.capacity() / 2) std::abort();  // grew: reserve more
  const double model_mib = HeapMiB() - heap_before;
  StatsModel::Query year;
  year.from_day = first;
  year.to_day = first + 364;
  std::vector<double> network, one;
  for (int i = 0; i < 15; ++i) {
    const auto start = Clock::now();
    v1::StatsRow row = model.Row(year);
    network.push_back(Micros(Clock::now() - start));
    if (row.baskets() != static_cast<int64_t>(sales)) std::abort();  // the fold lost something
    StatsModel::Query centre = year;
    centre.site = "c0";
    const auto start_one = Clock::now();
    model.Row(centre);
    one.push_back(Micros(Clock::now() - start_one));
  }
  double baseline = 0;
  if (keep_cores) {
    testing::TempDir dir;
    auto store = Store::Open({dir.Sub("raw"), false}).value();
    for (size_t i = 0; i < core_ends.size();) {
      Batch batch;
      for (size_t n = 0; n < 1000 && i < core_ends.size(); ++n, ++i) {
        const size_t begin = i == 0 ? 0 : core_ends[i - 1];
        batch.Put(Column::kEvents, EventKey("c0", i + 1),
                  absl::string_view(cores).substr(begin, core_ends[i] - begin));
      }
      if (!store->Write(batch).ok()) std::abort();
    }
    std::vector<double> scans;
    for (int i = 0; i < 5; ++i) {
      const auto start = Clock::now();
      int64_t baskets = 0;
      (void)store->Scan(Column::kEvents, "", "", [&](absl::string_view, absl::string_view value) {
        v1::EventCore core;
        baskets += core.ParseFromArray(value.data(), static_cast<int>(value.size()));
        return true;
      });
      scans.push_back(Micros(Clock::now() - start));
    }
    baseline = Percentile(scans, 0.5) / 1000;
  }
  const std::string label = absl::StrCat(centres, " centres, ", sales, " sales");
  Report(absl::StrCat("stats: network year report (", label, ") p50"),
         Percentile(network, 0.5) / 1000, baseline, "ms", 2);
  Report(absl::StrCat("stats: one centre's year report (", label, ") p50"),
         Percentile(one, 0.5) / 1000, 0, "ms", 2);
  Report(absl::StrCat("stats: fold per sale, in the append path (", label, ")"),
         Micros(folding) / static_cast<double>(sales), 0, "us", 2);
  Report(absl::StrCat("stats: model memory, heap in use (", label, ")"), model_mib, 0, "MiB");
}

void BenchFanIn(bench::FanInOptions options, const std::string& modes) {
  for (bool pull : {true, false}) {
    if (modes != "both" && modes != (pull ? "pull" : "push")) continue;
    options.pull = pull;
    const bench::FanInResult result = bench::RunFanIn(options);
    const std::string label = absl::StrCat(options.streams, " streams, ",
                                           pull ? "push+pull" : "push only");
    std::printf("Hub fan-in (%s, %d events each in batches of %d, real comptoir-hub):\n",
                label.c_str(), options.events_per_stream, options.batch_events);
    if (!result.ok) {
      std::printf("  failed: %s\n", result.error.c_str());
      continue;
    }
    Report(absl::StrCat("fan-in push, ", label, " (vs gRPC sink)"), result.push_events_per_second,
           result.grpc_sink_events_per_second, "ev/s");
    Report(absl::StrCat("fan-in push, ", label, " (vs raw, 1 writer)"),
           result.push_events_per_second, result.raw_one_writer_events_per_second, "ev/s");
    Report(absl::StrCat("fan-in push, ", label, " (vs raw, 32 writers)"),
           result.push_events_per_second, result.raw_many_writers_events_per_second, "ev/s");
    // Also in push only: each node is sent up to 4 pull batches before its window is full.
    Report(absl::StrCat("fan-in pulled meanwhile, ", label), result.pulled_events_per_second, 0,
           "ev/s");
    Report(absl::StrCat("fan-in hub RSS idle, ", label), result.hub_rss_idle_mib, 0, "MiB");
    Report(absl::StrCat("fan-in hub RSS connected, ", label), result.hub_rss_connected_mib, 0,
           "MiB");
    Report(absl::StrCat("fan-in hub RSS after push, ", label), result.hub_rss_end_mib, 0, "MiB");
    Report(absl::StrCat("fan-in hub peak RSS (VmHWM), ", label), result.hub_hwm_mib, 0, "MiB");
    Report(absl::StrCat("fan-in connect all, ", label), result.connect_seconds * 1000, 0, "ms");
    std::printf("  hub threads %d, appends per synced write %.2f\n", result.hub_threads,
                result.mean_group);
  }
}

void BenchFamilySearch(int families) {
  std::printf("family search, %d families:\n", families);
  const bench::SearchTimes times = bench::RunFamilySearch(families, 200);
  const std::string of = absl::StrCat(" (", families, " families)");
  Report("search p50, a typo" + of, times.typo_p50 / 1000, times.scan_p50 / 1000, "ms", 2);
  Report("search p99, a typo" + of, times.typo_p99 / 1000, times.scan_p50 / 1000, "ms", 2);
  Report("search p50, a name" + of, times.name_p50 / 1000, times.scan_p50 / 1000, "ms", 2);
  Report("search p99, a name" + of, times.name_p99 / 1000, times.scan_p50 / 1000, "ms", 2);
  Report("search p50, a card number" + of, times.card_p50 / 1000, times.scan_p50 / 1000, "ms", 2);
  Report("search p99, a card number" + of, times.card_p99 / 1000, times.scan_p50 / 1000, "ms", 2);
}

}  // namespace
}  // namespace comptoir

int main(int argc, char** argv) {
  int sales = 10000;
  int events = 1000000;
  int propagations = 1000;
  int families = 5000;
  int backup_events = 100000;
  int export_events = 100000;
  std::vector<int> stats_centres = {6, 500};
  std::string only;  // empty: everything
  comptoir::bench::FanInOptions fanin;
  std::string fanin_modes = "both";  // push+pull, push only
  fanin.hub_binary = COMPTOIR_HUB_BIN;
  const char* const kUsage =
      "usage: comptoir-bench [--sales N] [--events N] [--propagations N] [--stats-centres C]\n"
      "                      [--streams S] [--fanin-events N] [--fanin-batch B]\n"
      "                      [--fanin-mode both|pull|push] [--hub-binary PATH]\n"
      "                      [--families N] [--backup-events N] [--export-events N]\n"
      "                      [--only sale|propagation|stats|fanin|catchup|search|backup|export|erase]\n"
      "Runs every figure of BENCHMARKS.md beside its raw baseline (or only one part).\n";
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf("%s", kUsage);
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "comptoir-bench: %s needs a value\n%s", flag.c_str(), kUsage);
      return 2;
    }
    const std::string text = argv[i + 1];
    const int value = std::atoi(text.c_str());
    if (flag == "--sales") sales = value;
    else if (flag == "--events") events = value;
    else if (flag == "--propagations") propagations = value;
    else if (flag == "--backup-events") backup_events = value;
    else if (flag == "--export-events") export_events = value;
    else if (flag == "--stats-centres") stats_centres = {value};
    else if (flag == "--streams") fanin.streams = value;
    else if (flag == "--fanin-events") fanin.events_per_stream = value;
    else if (flag == "--fanin-batch") fanin.batch_events = value;
    else if (flag == "--hub-binary") fanin.hub_binary = text;
    else if (flag == "--fanin-mode") fanin_modes = text;
    else if (flag == "--only") only = text;
    else if (flag == "--families") families = value;
    else {
      std::fprintf(stderr, "comptoir-bench: unknown option %s\n%s", flag.c_str(), kUsage);
      return 2;
    }
  }
  if (!only.empty() && only != "sale" && only != "propagation" && only != "stats" &&
      only != "fanin" && only != "catchup" && only != "search" && only != "backup" &&
      only != "export" && only != "erase") {
    std::fprintf(stderr, "comptoir-bench: --only %s is not a part of the bench\n%s", only.c_str(),
                 kUsage);
    return 2;
  }
  comptoir::SetLogLevel(comptoir::LogLevel::kWarning);
  std::printf("comptoir-bench: %d cores\n", static_cast<int>(std::thread::hardware_concurrency()));
  if (only.empty() || only == "sale") comptoir::BenchSaleLatency(sales);
  if (only.empty() || only == "propagation") comptoir::BenchPropagation(propagations);
  if (only.empty() || only == "catchup") comptoir::BenchCatchUpAndColdStart(events);
  if (only.empty() || only == "fanin") comptoir::BenchFanIn(fanin, fanin_modes);
  if (only.empty() || only == "search") comptoir::BenchFamilySearch(families);
  if (only.empty() || only == "backup") comptoir::BenchBackup(backup_events);
  if (only.empty() || only == "export") comptoir::BenchFamilyExport(export_events);
  if (only.empty() || only == "erase") comptoir::BenchErasure(families, export_events);
  if (only.empty() || only == "stats") {
    for (int centres : stats_centres) comptoir::BenchStats(centres);
  }
  std::printf("\n| figure | Comptoir | raw baseline | ratio |\n|---|---|---|---|\n");
  for (const auto& row : comptoir::rows) {
    std::printf("| %s | %s | %s | %s |\n", row.figure.c_str(), row.value.c_str(),
                row.baseline.c_str(), row.ratio.c_str());
  }
  return 0;
}
