// The hub's network log under concurrent appends (group commit): real HubLog
// on RocksDB in a temporary directory, real threads.
#include "hub/hub_log.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/event_codec.h"
#include "common/keys.h"
#include "common/routing.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;
using ::comptoir::testing::WaitFor;

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
    head = ChainHead{event.core.seq(), event.hash};
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
            verdict->high_water < batch.back().core.seq()) {
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
      absl::StatusOr<v1::PullBatch> batch = hub->ReadLogFor("reader", after, 64, 1 << 20, false);
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

}  // namespace
}  // namespace comptoir
