// The hub's network log under concurrent appends (group commit): real HubLog
// on RocksDB in a temporary directory, real threads.
#include "hub/hub_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/event_codec.h"
#include "common/keys.h"
#include "common/memory_disk.h"
#include "common/routing.h"
#include "hub/recent_log.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;
using ::comptoir::testing::WaitFor;

// A pull batch as a node receives it: the bytes the log gives, parsed.
absl::StatusOr<v1::PullBatch> Decoded(absl::StatusOr<EncodedPull> pull) {
  if (!pull.ok()) return pull.status();
  return pull->ToBatch();
}

// `count` chained sale events of `site`, in batches of `per_batch`.
std::vector<std::vector<DecodedEvent>> Batches(const std::string& site, int count, int per_batch) {
  std::vector<std::vector<DecodedEvent>> batches;
  ChainHead head{0, ZeroHash()};
  for (int i = 0; i < count; ++i) {
    if (i % per_batch == 0) batches.emplace_back();
    v1::EventCore core;
    core.set_origin(site);
    core.set_hlc(HybridClock::FromMillis(1795000000000LL + i));
    core.mutable_sale_recorded()->set_family_id(absl::StrCat("F-", i % 7));
    DecodedEvent event = SealEvent(head, std::move(core), nullptr);
    head = ChainHead{event.core().seq(), event.hash};
    batches.back().push_back(std::move(event));
  }
  return batches;
}

// Every log entry in position order, as "origin/seq".
std::vector<std::string> LogEntries(const HubLog& hub) {
  std::vector<std::string> entries;
  uint64_t expected = 1;
  EXPECT_TRUE(hub.store()
                  .Scan(Column::kLog, "", "",
                        [&](absl::string_view key, absl::string_view value) {
                          EXPECT_EQ(ReadBigEndian64(key).value_or(0), expected++) << "a gap";
                          std::optional<LogValue> entry = DecodeLogValue(value);
                          EXPECT_TRUE(entry.has_value()) << "a malformed log value";
                          if (entry.has_value()) {
                            entries.push_back(absl::StrCat(entry->origin, "/", entry->seq));
                          }
                          return true;
                        })
                  .ok());
  return entries;
}

// The log's "origin/seq" entries hold each origin's events in seq order, from 1, without a gap.
void ExpectEachOriginInSeqOrder(const std::vector<std::string>& entries) {
  std::map<std::string, uint64_t> last_seq;
  for (const std::string& entry : entries) {
    const std::string origin = entry.substr(0, entry.find('/'));
    const uint64_t seq = std::stoull(entry.substr(entry.find('/') + 1));
    EXPECT_EQ(seq, last_seq[origin] + 1) << entry;
    last_seq[origin] = seq;
  }
}

TEST(HubLogTest, ConcurrentPushesFromManySitesLandExactlyOnceWithGapFreePositions) {
  TempDir dir;
  std::unique_ptr<HubLog> hub = HubLog::Open(dir.Sub("hub")).value();
  const uint64_t head_at_start = hub->LogHead();
  constexpr int kSites = 16;
  constexpr int kEvents = 120;
  // Each site pushes from its own thread, each batch twice (a node resending
  // after a lost ack); site s0 also from a second thread at the same time (a
  // node reconnecting while its old stream is still open).
  std::map<std::string, std::vector<std::vector<DecodedEvent>>> batches;
  for (int s = 0; s < kSites; ++s) {
    const std::string site = absl::StrCat("s", s);
    batches[site] = Batches(site, kEvents, 1 + s % 7);
  }
  std::vector<std::thread> pushers;
  std::atomic<int> failures{0};
  auto push_all = [&](const std::string& site) {
    for (const std::vector<DecodedEvent>& batch : batches[site]) {
      for (int again = 0; again < 2; ++again) {
        absl::StatusOr<PushVerdict> verdict = hub->AppendPushed(site, batch);
        if (!verdict.ok() || verdict->error.has_value() ||
            verdict->high_water < batch.back().core().seq()) {
          failures++;
        }
      }
    }
  };
  for (const auto& [site, unused] : batches) pushers.emplace_back(push_all, site);
  pushers.emplace_back(push_all, "s0");
  // A pulling node follows the log meanwhile: it must never see a position
  // that is not there yet, or miss one.
  std::vector<std::string> pulled;
  std::atomic<bool> pushing{true};
  std::thread puller([&] {
    uint64_t after = head_at_start;
    while (true) {
      const bool last_round = !pushing.load();
      absl::StatusOr<v1::PullBatch> batch =
          Decoded(hub->ReadLogFor("reader", after, 64, 1 << 20, false));
      ASSERT_TRUE(batch.ok()) << batch.status();
      for (const v1::LogEntry& entry : batch->entries()) {
        ASSERT_EQ(entry.position(), after + 1);
        v1::EventCore core;
        ASSERT_TRUE(core.ParseFromString(entry.event().core()));
        pulled.push_back(absl::StrCat(core.origin(), "/", core.seq()));
        after = entry.position();
      }
      if (last_round && batch->entries_size() == 0) break;
    }
  });
  for (std::thread& pusher : pushers) pusher.join();
  pushing = false;
  puller.join();

  EXPECT_EQ(failures.load(), 0);
  const std::vector<std::string> entries = LogEntries(*hub);
  EXPECT_EQ(entries.size(), hub->LogHead());
  EXPECT_EQ(hub->LogHead(), head_at_start + kSites * kEvents);
  // Each event once, each site's events in seq order.
  std::set<std::string> distinct(entries.begin(), entries.end());
  EXPECT_EQ(distinct.size(), entries.size());
  ExpectEachOriginInSeqOrder(entries);
  for (int s = 0; s < kSites; ++s) {
    EXPECT_EQ(hub->HeadOf(absl::StrCat("s", s))->seq, static_cast<uint64_t>(kEvents));
  }
  EXPECT_EQ(pulled, std::vector<std::string>(entries.begin() + head_at_start, entries.end()));
  // Statistics folded each sale once.
  const v1::SalesSummary sales = hub->Sales().value();
  EXPECT_EQ(sales.origins_size(), kSites);
  for (const v1::OriginSales& row : sales.origins()) {
    EXPECT_EQ(row.sales(), static_cast<uint64_t>(kEvents)) << row.origin();
  }
  const HubLog::CommitCounts counts = hub->commit_counts();
  EXPECT_LE(counts.writes, counts.appends);

  // All of it is durable: the same after reopening.
  hub.reset();
  hub = HubLog::Open(dir.Sub("hub")).value();
  EXPECT_EQ(LogEntries(*hub), entries);
}

TEST(HubLogTest, RefusedPushInAGroupLeavesTheOthersWhole) {
  TempDir dir;
  std::unique_ptr<HubLog> hub = HubLog::Open(dir.Sub("hub")).value();
  const uint64_t head_at_start = hub->LogHead();
  constexpr int kSites = 8;
  std::vector<std::thread> pushers;
  std::atomic<int> refused{0};
  for (int s = 0; s < kSites; ++s) {
    pushers.emplace_back([&, s] {
      const std::string site = absl::StrCat("s", s);
      std::vector<std::vector<DecodedEvent>> batches = Batches(site, 40, 4);
      for (size_t b = 0; b < batches.size(); ++b) {
        if (s % 2 == 1 && b == 5) {
          // Odd sites skip a batch: every later push is a gap, refused.
          continue;
        }
        absl::StatusOr<PushVerdict> verdict = hub->AppendPushed(site, batches[b]);
        ASSERT_TRUE(verdict.ok()) << verdict.status();
        if (verdict->error.has_value()) {
          EXPECT_EQ(verdict->error->reason(), v1::SyncError::GAP);
          EXPECT_EQ(verdict->high_water, 20u);
          refused++;
        }
      }
    });
  }
  for (std::thread& pusher : pushers) pusher.join();
  EXPECT_EQ(refused.load(), (kSites / 2) * 4);
  for (int s = 0; s < kSites; ++s) {
    EXPECT_EQ(hub->HeadOf(absl::StrCat("s", s))->seq, s % 2 == 1 ? 20u : 40u);
  }
  const std::vector<std::string> entries = LogEntries(*hub);
  EXPECT_EQ(entries.size(), hub->LogHead());
  EXPECT_EQ(hub->LogHead(), head_at_start + (kSites / 2) * 40 + (kSites / 2) * 20);
}

// What a stream's pushes queued with AppendPushedAsync got back, in the order
// their answers came. With `hub`, each answer also checks that the push is
// already in the store.
struct AsyncAnswers {
  std::mutex mu;
  std::vector<std::string> answers;  // "ok <high water>", "<reason> <high water>" or the status
  int count() {
    std::lock_guard<std::mutex> lock(mu);
    return static_cast<int>(answers.size());
  }
};

HubLog::PushDone Record(HubLog* hub, const std::string& site, AsyncAnswers* out) {
  return [hub, site, out](absl::StatusOr<PushVerdict> verdict) {
    std::string answer;
    if (!verdict.ok()) {
      answer = absl::StatusCodeToString(verdict.status().code());
    } else {
      answer = absl::StrCat(verdict->error.has_value()
                                ? v1::SyncError::Reason_Name(verdict->error->reason())
                                : "ok",
                            " ", verdict->high_water);
      // Answered only once durable: what the store holds already covers it.
      if (hub != nullptr) EXPECT_GE(hub->HeadOf(site)->seq, verdict->high_water);
    }
    std::lock_guard<std::mutex> lock(out->mu);
    out->answers.push_back(answer);
  };
}

// A node's pipelined batches are queued without waiting; they land in the
// order queued, and after one is refused nothing more of that stream lands,
// not even a batch that alone would have been accepted. Another stream's
// pushes, queued at the same time, are not disturbed.
TEST(HubLogTest, AStreamsQueuedPushesLandInOrderAndNoneAfterARefusal) {
  TempDir dir;
  std::unique_ptr<HubLog> hub = HubLog::Open(dir.Sub("hub")).value();
  const uint64_t head_at_start = hub->LogHead();
  const std::vector<std::vector<DecodedEvent>> a = Batches("a", 40, 10);
  const std::vector<std::vector<DecodedEvent>> b = Batches("b", 40, 10);
  AsyncAnswers a_answers;
  AsyncAnswers b_answers;
  std::shared_ptr<HubLog::PushSequence> a_stream = HubLog::NewPushSequence();
  std::shared_ptr<HubLog::PushSequence> b_stream = HubLog::NewPushSequence();
  // a: batches 0, 1, then 3 (a gap: refused), then 2 and 3 (fine on their own);
  // b: every batch in order, the last one twice (a resend: a duplicate).
  const int a_order[] = {0, 1, 3, 2, 3};
  const int b_order[] = {0, 1, 2, 3, 3};
  for (int i = 0; i < 5; ++i) {
    hub->AppendPushedAsync("a", a[a_order[i]], a_stream, Record(hub.get(), "a", &a_answers));
    hub->AppendPushedAsync("b", b[b_order[i]], b_stream, Record(hub.get(), "b", &b_answers));
  }
  ASSERT_TRUE(WaitFor([&] { return a_answers.count() == 5 && b_answers.count() == 5; },
                      absl::Seconds(30)));

  EXPECT_EQ(a_answers.answers, (std::vector<std::string>{"ok 10", "ok 20", "GAP 20", "ABORTED",
                                                         "ABORTED"}));
  EXPECT_EQ(b_answers.answers,
            (std::vector<std::string>{"ok 10", "ok 20", "ok 30", "ok 40", "ok 40"}));
  EXPECT_EQ(hub->HeadOf("a")->seq, 20u);
  EXPECT_EQ(hub->HeadOf("b")->seq, 40u);
  const std::vector<std::string> entries = LogEntries(*hub);
  EXPECT_EQ(hub->LogHead(), head_at_start + 60);
  EXPECT_EQ(entries.size(), hub->LogHead());
  ExpectEachOriginInSeqOrder(entries);
}

// Closing the log answers every push still queued, durably: nothing a node
// was told is held is lost, and nothing is left unanswered.
TEST(HubLogTest, ClosingTheLogAnswersEveryQueuedPushDurably) {
  TempDir dir;
  std::unique_ptr<HubLog> hub = HubLog::Open(dir.Sub("hub")).value();
  const uint64_t head_at_start = hub->LogHead();
  constexpr int kSites = 20;
  std::vector<AsyncAnswers> answers(kSites);
  for (int s = 0; s < kSites; ++s) {
    const std::string site = absl::StrCat("s", s);
    std::shared_ptr<HubLog::PushSequence> stream = HubLog::NewPushSequence();
    for (const std::vector<DecodedEvent>& batch : Batches(site, 30, 10)) {
      hub->AppendPushedAsync(site, batch, stream, Record(nullptr, site, &answers[s]));
    }
  }
  hub.reset();  // returns once every queued push is answered
  for (AsyncAnswers& site_answers : answers) {
    EXPECT_EQ(site_answers.answers, (std::vector<std::string>{"ok 10", "ok 20", "ok 30"}));
  }
  hub = HubLog::Open(dir.Sub("hub")).value();
  EXPECT_EQ(hub->LogHead(), head_at_start + kSites * 30);
  for (int s = 0; s < kSites; ++s) EXPECT_EQ(hub->HeadOf(absl::StrCat("s", s))->seq, 30u);
}

// A write that fails (a disk gone bad) lets nothing through: its pushes, and
// the stream's pushes staged after it, get an error; the log, the heads and
// what the disk kept are as before it; and once the hub restarts on a good
// disk, the node's next push of the same batches lands.
TEST(HubLogTest, AFailedWriteLetsNothingThroughAndThePushesLandAfterARestart) {
  auto disk = std::make_shared<MemoryDisk>();
  std::unique_ptr<HubLog> hub = HubLog::Open("/disk/hub", false, disk).value();
  const uint64_t head_at_start = hub->LogHead();
  const std::vector<std::vector<DecodedEvent>> a = Batches("a", 40, 10);
  AsyncAnswers answers;
  std::shared_ptr<HubLog::PushSequence> stream = HubLog::NewPushSequence();
  hub->AppendPushedAsync("a", a[0], stream, Record(hub.get(), "a", &answers));
  ASSERT_TRUE(WaitFor([&] { return answers.count() == 1; }, absl::Seconds(30)));
  disk->FailSyncs("/disk/hub/");
  for (int i = 1; i < 4; ++i) {
    hub->AppendPushedAsync("a", a[i], stream, Record(nullptr, "a", &answers));
  }
  ASSERT_TRUE(WaitFor([&] { return answers.count() == 4; }, absl::Seconds(30)));
  ASSERT_EQ(answers.answers[0], "ok 10");
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(answers.answers[i].rfind("ok", 0), std::string::npos) << answers.answers[i];
  }
  EXPECT_EQ(hub->LogHead(), head_at_start + 10);
  EXPECT_EQ(hub->HeadOf("a")->seq, 10u);
  ASSERT_TRUE(disk->PowerLossCopy("/disk/hub", "/disk/kept").ok());
  hub.reset();

  hub = HubLog::Open("/disk/kept", false, disk).value();
  EXPECT_EQ(hub->LogHead(), head_at_start + 10);
  EXPECT_EQ(hub->HeadOf("a")->seq, 10u);
  AsyncAnswers again;
  std::shared_ptr<HubLog::PushSequence> next_stream = HubLog::NewPushSequence();
  for (int i = 1; i < 4; ++i) {
    hub->AppendPushedAsync("a", a[i], next_stream, Record(hub.get(), "a", &again));
  }
  ASSERT_TRUE(WaitFor([&] { return again.count() == 3; }, absl::Seconds(30)));
  EXPECT_EQ(again.answers, (std::vector<std::string>{"ok 20", "ok 30", "ok 40"}));
  const std::vector<std::string> entries = LogEntries(*hub);
  EXPECT_EQ(entries.size(), head_at_start + 40);
  ExpectEachOriginInSeqOrder(entries);
}

// Pulls of recent positions are served from the entries the hub keeps in
// memory (hub/recent_log.h). They must be exactly the batches the store
// gives: the same entries, personal parts and withheld links for each centre,
// the same `through` and limits. A reopened hub holds nothing in memory, so
// it reads every batch from the store.
TEST(HubLogTest, PullsFromMemoryAreTheBatchesTheStoreGives) {
  TempDir dir;
  std::map<std::string, ChainHead> heads;
  int hlc = 0;
  auto seal = [&](const std::string& site, v1::EventCore core,
                  const v1::PersonalPart* personal = nullptr) {
    core.set_origin(site);
    core.set_hlc(HybridClock::FromMillis(1795000000000LL + ++hlc));
    auto head = heads.try_emplace(site, ChainHead{0, ZeroHash()}).first;
    DecodedEvent event = SealEvent(head->second, std::move(core), personal);
    head->second = ChainHead{event.core().seq(), event.hash};
    return event;
  };
  // Ids carry their centre's card prefix ("HEM-0"): a centre writes only its own.
  auto CardPrefix = [](const std::string& site) { return DefaultCardPrefix(site); };
  auto sale = [](const std::string& family) {
    v1::EventCore core;
    core.mutable_sale_recorded()->set_family_id(family);
    return core;
  };
  // Every route: the whole network (sales), personal parts that travel
  // (families), the two parties of a transfer, the origin and the hub only
  // (workshop registrations), and a route not settled (an answer to a
  // transfer the hub does not know), which the store routes at each pull.
  std::vector<std::pair<std::string, std::vector<DecodedEvent>>> pushes;
  for (int round = 0; round < 3; ++round) {
    for (const std::string site : {"hem", "lille", "caudry"}) {
      std::vector<DecodedEvent> events;
      v1::EventCore family;
      family.mutable_family_registered()->set_family_id(absl::StrCat(CardPrefix(site), "-", round));
      v1::PersonalPart personal;
      personal.set_salt(std::string(16, 's'));
      personal.set_family_name(absl::StrCat("Famille ", site, " ", round));
      events.push_back(seal(site, family, &personal));
      events.push_back(seal(site, sale(absl::StrCat(CardPrefix(site), "-", round))));
      v1::EventCore proposal;
      proposal.mutable_transfer_proposed()->set_transfer_id(absl::StrCat(CardPrefix(site), "-T-", round));
      proposal.mutable_transfer_proposed()->set_source(site);
      proposal.mutable_transfer_proposed()->set_destination(site == "hem" ? "lille" : "hem");
      events.push_back(seal(site, proposal));
      v1::EventCore workshop;
      workshop.mutable_workshop_registered()->set_workshop_id(absl::StrCat(CardPrefix(site), "-W-", round));
      events.push_back(seal(site, workshop));
      if (round == 1) {
        v1::EventCore answer;
        answer.mutable_transfer_answered()->set_transfer_id("nowhere-T-9");
        events.push_back(seal(site, answer));
      }
      events.push_back(seal(site, sale(absl::StrCat(CardPrefix(site), "-", round))));
      pushes.emplace_back(site, std::move(events));
    }
  }
  // A long run of one centre's events, as a centre back online pushes them
  // (the store reads such runs with a range scan): sales, families with their
  // personal parts, workshops withheld from the others.
  std::vector<DecodedEvent> run;
  for (int i = 0; i < 12; ++i) {
    if (i % 3 == 1) {
      v1::EventCore family;
      family.mutable_family_registered()->set_family_id(absl::StrCat("LIL-run-", i));
      v1::PersonalPart personal;
      personal.set_salt(std::string(16, 's'));
      personal.set_family_name(absl::StrCat("Famille ", i));
      run.push_back(seal("lille", family, &personal));
    } else if (i % 3 == 2) {
      v1::EventCore workshop;
      workshop.mutable_workshop_registered()->set_workshop_id(absl::StrCat("LIL-W-run-", i));
      run.push_back(seal("lille", workshop));
    } else {
      run.push_back(seal("lille", sale(absl::StrCat("LIL-run-", i))));
    }
  }
  pushes.emplace_back("lille", std::move(run));
  struct Limits {
    size_t events;
    size_t bytes;
  };
  const std::vector<Limits> limits = {{kMaxBatchEvents, kMaxBatchBytes}, {3, kMaxBatchBytes},
                                      {kMaxBatchEvents, 400}};
  const std::vector<std::string> readers = {"hem", "lille", "caudry", "valenciennes"};
  std::map<std::string, std::string> from_memory;  // "site after limit" -> serialised batch
  uint64_t head = 0;
  // Every pull of every reader, from every position, within every limit.
  auto EveryPull = [&](HubLog& hub,
                       const std::function<void(const std::string&, const v1::PullBatch&)>& seen) {
    for (const std::string& site : readers) {
      for (uint64_t after = 0; after < head; ++after) {
        for (size_t l = 0; l < limits.size(); ++l) {
          absl::StatusOr<v1::PullBatch> batch =
              Decoded(hub.ReadLogFor(site, after, limits[l].events, limits[l].bytes, false));
          ASSERT_TRUE(batch.ok()) << batch.status();
          seen(absl::StrCat(site, " after ", after, " limit ", l), *batch);
        }
      }
    }
  };
  {
    auto hub = HubLog::Open(dir.path()).value();
    // Half through the streams' asynchronous path (the kept entries share
    // the pushed events), half through the synchronous one (copied).
    std::atomic<int> answered{0};
    for (size_t i = 0; i < pushes.size(); ++i) {
      if (i % 2 == 0) {
        ASSERT_TRUE(hub->AppendPushed(pushes[i].first, pushes[i].second).ok());
        continue;
      }
      std::vector<DecodedEvent> copy = pushes[i].second;
      hub->AppendPushedAsync(pushes[i].first, std::move(copy), HubLog::NewPushSequence(),
                             [&](absl::StatusOr<PushVerdict> verdict) {
                               EXPECT_TRUE(verdict.ok() && !verdict->error.has_value());
                               answered++;
                             });
      ASSERT_TRUE(WaitFor([&] { return answered.load() == static_cast<int>(i + 1) / 2; },
                          absl::Seconds(30)));
    }
    head = hub->LogHead();
    EveryPull(*hub, [&](const std::string& key, const v1::PullBatch& batch) {
      from_memory[key] = batch.SerializeAsString();
    });
    EXPECT_GT(hub->pull_counts().from_memory, 0u);
    EXPECT_GT(hub->pull_counts().from_store, 0u) << "pulls that reach the unsettled answer";
  }
  auto reopened = HubLog::Open(dir.path()).value();
  EveryPull(*reopened, [&](const std::string& key, const v1::PullBatch& batch) {
    EXPECT_EQ(batch.SerializeAsString(), from_memory[key]) << key << ":\n" << batch.DebugString();
  });
  EXPECT_EQ(reopened->pull_counts().from_memory, 0u);
}

// The memory kept for pulls stays bounded: the oldest groups go, and a pull
// that reaches a position no longer held (or not yet held) is left to the store.
TEST(RecentLogTest, KeepsTheNewestEntriesAndLeavesTheRestToTheStore) {
  RecentLog recent(4);
  uint64_t next = 1;
  size_t dropped = 0;  // groups let go, handed back to the caller
  auto add = [&](int count, uint64_t first) {
    std::vector<RecentLog::Entry> entries;
    for (const std::vector<DecodedEvent>& batch : Batches("hem", count, count)) {
      for (const DecodedEvent& event : batch) {
        v1::EventCore core;
        core.mutable_sale_recorded();
        entries.push_back({std::make_shared<const DecodedEvent>(event), RouteOf(core, nullptr)});
      }
    }
    dropped += recent.Add(first, std::move(entries)).size();
    next = first + count;
  };
  auto positions = [&](uint64_t after, uint64_t head) -> std::optional<std::vector<uint64_t>> {
    std::optional<EncodedPull> encoded =
        recent.Read("lille", after, head, kMaxBatchEvents, kMaxBatchBytes, kMaxBatchEvents);
    if (!encoded.has_value()) return std::nullopt;
    absl::StatusOr<v1::PullBatch> batch = encoded->ToBatch();
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) return std::nullopt;
    std::vector<uint64_t> held;
    for (const v1::LogEntry& entry : batch->entries()) held.push_back(entry.position());
    EXPECT_EQ(batch->through(), held.empty() ? after : held.back());
    return held;
  };
  add(3, next);  // 1..3
  add(3, next);  // 4..6
  EXPECT_EQ(positions(0, 6), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
  add(2, next);  // 7..8: 1..3 go, 4 are still held
  EXPECT_EQ(positions(0, 8), std::nullopt) << "1..3 were dropped";
  EXPECT_EQ(dropped, 1u) << "and handed back";
  EXPECT_EQ(positions(3, 8), (std::vector<uint64_t>{4, 5, 6, 7, 8}));
  EXPECT_EQ(positions(5, 7), (std::vector<uint64_t>{6, 7})) << "up to the head given";
  EXPECT_EQ(positions(3, 9), std::nullopt) << "9 is not held yet";
  add(2, 20);  // not after 8: what was held no longer follows on
  EXPECT_EQ(positions(5, 8), std::nullopt);
  EXPECT_EQ(dropped, 3u) << "4..6 and 7..8 handed back too";
  EXPECT_EQ(positions(19, 21), (std::vector<uint64_t>{20, 21}));
}

}  // namespace
}  // namespace comptoir
