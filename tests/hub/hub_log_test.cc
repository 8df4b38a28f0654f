// The hub's network log under concurrent appends (group commit): real HubLog
// on RocksDB in a temporary directory, real threads.
#include "hub/hub_log.h"

#include <gtest/gtest.h>

#include <map>
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
  std::map<std::string, uint64_t> last_seq;
  for (const std::string& entry : entries) {
    const std::string origin = entry.substr(0, entry.find('/'));
    const uint64_t seq = std::stoull(entry.substr(entry.find('/') + 1));
    EXPECT_EQ(seq, last_seq[origin] + 1) << entry;
    last_seq[origin] = seq;
  }
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

}  // namespace
}  // namespace comptoir
