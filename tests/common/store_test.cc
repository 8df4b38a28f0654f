#include "common/store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/event_log.h"
#include "common/keys.h"
#include "common/memory_disk.h"
#include "common/projection.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;

// A store in `dir`; null (and the test failed) if it cannot be opened.
std::unique_ptr<Store> OpenStoreIn(const TempDir& dir) {
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open({dir.path()});
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

TEST(KeysTest, BigEndianKeysSortNumerically) {
  EXPECT_LT(EventKey("hem", 9), EventKey("hem", 10));
  EXPECT_LT(EventKey("hem", 255), EventKey("hem", 256));
  EXPECT_LT(LogKey(1), LogKey(1ull << 40));
  // One origin's keys never interleave with another's, even a prefix of it.
  EXPECT_LT(EventKey("hem", ~0ull), EventKey("hema", 1));
  std::string origin;
  uint64_t seq = 0;
  ASSERT_TRUE(ParseEventKey(EventKey("caudry", 77), &origin, &seq));
  EXPECT_EQ(origin, "caudry");
  EXPECT_EQ(seq, 77u);
}

TEST(KeysTest, SiteIds) {
  EXPECT_TRUE(IsValidSiteId("hem"));
  EXPECT_TRUE(IsValidSiteId("armentieres"));
  EXPECT_FALSE(IsValidSiteId(""));
  EXPECT_FALSE(IsValidSiteId("Hem"));
  EXPECT_FALSE(IsValidSiteId(std::string("h\0m", 3)));
  EXPECT_FALSE(IsValidSiteId(std::string(33, 'a')));
}

TEST(StoreTest, WrittenBatchIsReadBackAfterReopen) {
  TempDir dir;
  {
    auto store = Store::Open({dir.path()});
    ASSERT_TRUE(store.ok()) << store.status();
    Batch batch;
    batch.Put(Column::kMeta, "a", "1");
    batch.Put(Column::kViews, "a", "2");
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  auto store = Store::Open({dir.path()});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Get(Column::kMeta, "a").value(), std::optional<std::string>("1"));
  EXPECT_EQ((*store)->Get(Column::kViews, "a").value(), std::optional<std::string>("2"));
  EXPECT_EQ((*store)->Get(Column::kEvents, "a").value(), std::nullopt);
}

TEST(MemoryDiskTest, APowerCutKeepsWhatWasSyncedAndLosesWhatWasNot) {
  auto disk = std::make_shared<MemoryDisk>();
  auto synced = Store::Open({"/disk/synced", true, disk}).value();
  auto unsynced = Store::Open({"/disk/unsynced", false, disk}).value();
  Batch batch;
  batch.Put(Column::kMeta, "sale", "1");
  ASSERT_TRUE(synced->Write(batch).ok());
  ASSERT_TRUE(unsynced->Write(batch).ok());
  EXPECT_GT(disk->UnsyncedBytes(), 0u) << "the unsynced write sits in the file, not on the disk";
  // The power goes while both databases are open.
  ASSERT_TRUE(disk->PowerLossCopy("/disk/synced", "/disk/synced-after").ok());
  ASSERT_TRUE(disk->PowerLossCopy("/disk/unsynced", "/disk/unsynced-after").ok());
  auto synced_after = Store::Open({"/disk/synced-after", true, disk}).value();
  auto unsynced_after = Store::Open({"/disk/unsynced-after", true, disk}).value();
  EXPECT_EQ(synced_after->Get(Column::kMeta, "sale").value(), std::optional<std::string>("1"));
  EXPECT_EQ(unsynced_after->Get(Column::kMeta, "sale").value(), std::nullopt);
  EXPECT_FALSE(std::filesystem::exists("/disk")) << "nothing reached the real disk";
}

TEST(StoreTest, ReadsThroughABatchSeeItsPendingWrites) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStoreIn(dir);
  ASSERT_NE(store, nullptr);
  Batch batch;
  batch.Put(Column::kViews, "k", "pending");
  EXPECT_EQ(store->Get(Column::kViews, "k", &batch).value(),
            std::optional<std::string>("pending"));
  EXPECT_EQ(store->Get(Column::kViews, "k").value(), std::nullopt) << "not committed yet";
  batch.Delete(Column::kViews, "k");
  EXPECT_EQ(store->Get(Column::kViews, "k", &batch).value(), std::nullopt);
}

TEST(StoreTest, AnUnsyncedWriteIsLostByAPowerCutUntilASyncedWriteFollows) {
  auto disk = std::make_shared<MemoryDisk>();
  auto store = Store::Open({"/disk/db", true, disk}).value();
  Batch mark;
  mark.Put(Column::kMeta, "mark", "1");
  ASSERT_TRUE(store->WriteUnsynced(mark).ok());
  EXPECT_EQ(store->Get(Column::kMeta, "mark").value(), std::optional<std::string>("1"));
  ASSERT_TRUE(disk->PowerLossCopy("/disk/db", "/disk/cut-before").ok());
  Batch sale;
  sale.Put(Column::kEvents, "sale", "1");
  ASSERT_TRUE(store->Write(sale).ok());
  ASSERT_TRUE(disk->PowerLossCopy("/disk/db", "/disk/cut-after").ok());
  auto before = Store::Open({"/disk/cut-before", true, disk}).value();
  EXPECT_EQ(before->Get(Column::kMeta, "mark").value(), std::nullopt) << "never synced";
  auto after = Store::Open({"/disk/cut-after", true, disk}).value();
  EXPECT_EQ(after->Get(Column::kMeta, "mark").value(), std::optional<std::string>("1"))
      << "the synced write after it made it durable too";
  EXPECT_EQ(after->Get(Column::kEvents, "sale").value(), std::optional<std::string>("1"));
}

TEST(StoreTest, ABatchReadsThroughTheBatchUnderIt) {
  TempDir dir;
  auto store = Store::Open({dir.path()}).value();
  Batch committed;
  committed.Put(Column::kViews, "a", "stored");
  committed.Put(Column::kViews, "b", "stored");
  committed.Put(Column::kViews, "c", "stored");
  ASSERT_TRUE(store->Write(committed).ok());
  Batch under;  // being written while `over` is staged
  under.Put(Column::kViews, "a", "under");
  under.Delete(Column::kViews, "b");
  Batch over;
  over.ReadThrough(&under);
  over.Put(Column::kViews, "c", "over");
  over.Put(Column::kViews, "d", "over");
  EXPECT_EQ(store->Get(Column::kViews, "a", &over).value(), std::optional<std::string>("under"));
  EXPECT_EQ(store->Get(Column::kViews, "b", &over).value(), std::nullopt) << "deleted under";
  EXPECT_EQ(store->Get(Column::kViews, "c", &over).value(), std::optional<std::string>("over"));
  EXPECT_EQ(store->Get(Column::kViews, "d", &over).value(), std::optional<std::string>("over"));
  EXPECT_EQ(over.Count(), 2) << "only its own writes are written";
  ASSERT_TRUE(store->Write(over).ok());
  EXPECT_EQ(store->Get(Column::kViews, "a").value(), std::optional<std::string>("stored"));
  over.ReadThrough(nullptr);
  EXPECT_EQ(store->Get(Column::kViews, "a", &over).value(), std::optional<std::string>("stored"));
}

TEST(StoreTest, ABatchWritesEachKeysLastWriteOnce) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStoreIn(dir);
  ASSERT_NE(store, nullptr);
  Batch seed;
  seed.Put(Column::kViews, "deleted", "held");
  ASSERT_TRUE(store->Write(seed).ok());
  Batch batch;
  batch.Put(Column::kViews, "k", "first");
  batch.Put(Column::kViews, "k", "second");
  batch.Put(Column::kMeta, "k", "same key, other column");
  batch.Put(Column::kViews, "deleted", "rewritten");
  batch.Delete(Column::kViews, "deleted");
  batch.Delete(Column::kViews, "gone");
  batch.Put(Column::kViews, "gone", "back");
  EXPECT_EQ(batch.Count(), 4) << "one operation per key and column";
  EXPECT_EQ(store->Get(Column::kViews, "k", &batch).value(),
            std::optional<std::string>("second"));
  ASSERT_TRUE(store->Write(batch).ok());
  EXPECT_EQ(store->Get(Column::kViews, "k").value(), std::optional<std::string>("second"));
  EXPECT_EQ(store->Get(Column::kMeta, "k").value(),
            std::optional<std::string>("same key, other column"));
  EXPECT_EQ(store->Get(Column::kViews, "deleted").value(), std::nullopt);
  EXPECT_EQ(store->Get(Column::kViews, "gone").value(), std::optional<std::string>("back"));
}

// The hub prepares a group's batch on its writer thread and writes it on its
// committer: what is written is the batch as it stands at the write, even if
// it changed after it was prepared.
TEST(StoreTest, APreparedBatchWritesWhatItHoldsAtTheWrite) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStoreIn(dir);
  ASSERT_NE(store, nullptr);
  Batch prepared;
  prepared.Put(Column::kViews, "a", "1");
  prepared.Put(Column::kViews, "b", "2");
  store->Prepare(prepared);
  ASSERT_TRUE(store->Write(prepared).ok());
  EXPECT_EQ(store->Get(Column::kViews, "a").value(), std::optional<std::string>("1"));
  EXPECT_EQ(store->Get(Column::kViews, "b").value(), std::optional<std::string>("2"));

  Batch changed;
  changed.Put(Column::kViews, "a", "old");
  store->Prepare(changed);
  changed.Put(Column::kViews, "a", "new");
  changed.Delete(Column::kViews, "b");
  changed.Put(Column::kMeta, "c", "3");
  ASSERT_TRUE(store->Write(changed).ok());
  EXPECT_EQ(store->Get(Column::kViews, "a").value(), std::optional<std::string>("new"));
  EXPECT_EQ(store->Get(Column::kViews, "b").value(), std::nullopt);
  EXPECT_EQ(store->Get(Column::kMeta, "c").value(), std::optional<std::string>("3"));
}

TEST(StoreTest, SecondOpenOfTheSameDirectoryIsRefusedClearly) {
  TempDir dir;
  auto first = Store::Open({dir.path()});
  ASSERT_TRUE(first.ok());
  auto second = Store::Open({dir.path()});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
}

TEST(StoreTest, ScanVisitsARangeInKeyOrder) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStoreIn(dir);
  ASSERT_NE(store, nullptr);
  Batch batch;
  for (uint64_t seq : {3, 1, 2, 10}) batch.Put(Column::kEvents, EventKey("hem", seq), "x");
  batch.Put(Column::kEvents, EventKey("lille", 1), "y");
  ASSERT_TRUE(store->Write(batch).ok());
  std::vector<uint64_t> seen;
  ASSERT_TRUE(store
                  ->Scan(Column::kEvents, EventKeyPrefix("hem"), PrefixEnd(EventKeyPrefix("hem")),
                         [&](absl::string_view key, absl::string_view) {
                           std::string origin;
                           uint64_t seq;
                           ParseEventKey(key, &origin, &seq);
                           seen.push_back(seq);
                           return true;
                         })
                  .ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3, 10}));
}

// An event log over a store in a temporary directory.
class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStoreIn(dir_);
    ASSERT_NE(store_, nullptr);
    log_ = std::make_unique<EventLog>(store_.get());
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<EventLog> log_;
};

TEST_F(EventLogTest, StagedEventsUpdateHeadAndViewsInTheSameBatch) {
  EventLog& log = *log_;
  Batch batch;
  ChainHead head;
  for (int i = 0; i < 3; ++i) {
    v1::EventCore core;
    core.set_origin("hem");
    core.set_hlc(1000 + i);
    auto* line = core.mutable_sale_recorded()->add_lines();
    line->set_product_id("P");
    line->set_quantity(i + 1);
    DecodedEvent event = SealEvent(head, core, nullptr);
    ASSERT_EQ(CheckLink(log.Head("hem", &batch).value(), event), Link::kNext);
    ASSERT_TRUE(log.Stage(batch, event, EventLog::Admission::kRefuse).ok());
    head = HeadAfter(event);
  }
  EXPECT_EQ(log.Head("hem").value().seq, 0u) << "nothing visible before the write";
  ASSERT_TRUE(store_->Write(batch).ok());
  EXPECT_EQ(log.Head("hem").value().seq, 3u);
  EXPECT_EQ(log.Head("hem").value().hash, head.hash);
  auto sales = ReadSalesSummary(*store_);
  ASSERT_TRUE(sales.ok());
  ASSERT_EQ(sales->origins_size(), 1);
  EXPECT_EQ(sales->origins(0).sales(), 3u);
  EXPECT_EQ(sales->origins(0).units(), 6);
  auto range = log.ReadRange("hem", 2, 10, 1 << 20);
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->size(), 2u);
  EXPECT_EQ(DecodeRecord((*range)[0]).value().core().seq(), 2u);
}

// A range is read with each event's personal part beside its core, within
// the limits, and never past the head: what the node pushes.
TEST_F(EventLogTest, ARangeComesWithItsPersonalPartsWithinTheLimits) {
  EventLog& log = *log_;
  ChainHead head;
  for (int i = 1; i <= 5; ++i) {
    Batch batch;
    v1::EventCore core;
    core.set_origin("hem");
    core.mutable_family_registered()->set_family_id(absl::StrCat("HEM-", i));
    v1::PersonalPart personal;
    personal.set_family_name(absl::StrCat("Famille ", i));
    DecodedEvent event = SealEvent(head, core, i % 2 == 0 ? &personal : nullptr);
    ASSERT_TRUE(log.Stage(batch, event, EventLog::Admission::kRefuse).ok());
    ASSERT_TRUE(store_->Write(batch).ok());
    head = HeadAfter(event);
  }
  struct Seen {
    uint64_t seq;
    std::string family_name;
  };
  auto visit = [&](uint64_t from, size_t max_events, size_t max_bytes) {
    std::vector<Seen> seen;
    EXPECT_TRUE(log.VisitRange("hem", from, max_events, max_bytes,
                               [&](absl::string_view core, absl::string_view personal) {
                                 v1::EventCore parsed;
                                 v1::PersonalPart part;
                                 EXPECT_TRUE(parsed.ParseFromString(std::string(core)));
                                 EXPECT_TRUE(part.ParseFromString(std::string(personal)));
                                 seen.push_back({parsed.seq(), part.family_name()});
                               })
                    .ok());
    return seen;
  };
  std::vector<Seen> seen = visit(2, 3, 1 << 20);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].seq, 2u);
  EXPECT_EQ(seen[0].family_name, "Famille 2");
  EXPECT_EQ(seen[1].seq, 3u);
  EXPECT_EQ(seen[1].family_name, "") << "an event without a personal part gets none";
  EXPECT_EQ(seen[2].family_name, "Famille 4");
  EXPECT_EQ(visit(4, 100, 1 << 20).size(), 2u) << "up to the head";
  EXPECT_EQ(visit(1, 100, 1).size(), 1u) << "one event at least, whatever its size";
  EXPECT_TRUE(visit(6, 100, 1 << 20).empty());
  EXPECT_TRUE(visit(1, 100, 1 << 20).size() == 5u && visit(0, 100, 1 << 20).size() == 5u)
      << "from 0 reads from 1";
  // Past a withheld link (an event of another centre this replica does not
  // hold), the range goes on to the limits.
  Batch batch;
  v1::EventCore core;
  core.set_origin("hem");
  core.mutable_family_registered()->set_family_id("HEM-6");
  const DecodedEvent withheld = SealEvent(head, core, nullptr);
  log.StageWithheld(batch, "hem", 6, withheld.core().prev_hash(), withheld.hash);
  core.mutable_family_registered()->set_family_id("HEM-7");
  const DecodedEvent after = SealEvent(HeadAfter(withheld), core, nullptr);
  ASSERT_TRUE(log.Stage(batch, after, EventLog::Admission::kRefuse).ok());
  ASSERT_TRUE(store_->Write(batch).ok());
  seen = visit(4, 3, 1 << 20);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].seq, 7u);
  auto records = log.ReadRange("hem", 1, 100, 1 << 20);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 6u);
  EXPECT_TRUE((*records)[2].personal().empty());
  v1::PersonalPart fourth;
  ASSERT_TRUE(fourth.ParseFromString((*records)[3].personal()));
  EXPECT_EQ(fourth.family_name(), "Famille 4");
}

}  // namespace
}  // namespace comptoir
