#include "node/node_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <set>

#include "common/event_codec.h"
#include "node/till.h"
#include "tests/testing/shop.h"
#include "tests/testing/test_util.h"

#ifndef CRASH_WRITER_PATH
#error "CRASH_WRITER_PATH must be defined by the build"
#endif

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;

std::unique_ptr<NodeStore> OpenNode(const std::string& site, const std::string& dir) {
  auto store = NodeStore::Open({site, dir, nullptr, ""});
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

// Checks the whole chain of `origin` in `store`: seqs 1..n, each linked to the
// previous one; returns n.
uint64_t VerifyChain(NodeStore& store, const std::string& origin) {
  ChainHead head;
  uint64_t from = 1;
  while (true) {
    auto batch = store.ReadEvents(origin, from, 1000);
    EXPECT_TRUE(batch.ok());
    if (!batch.ok() || batch->empty()) break;
    for (const auto& record : *batch) {
      auto event = DecodeRecord(record);
      EXPECT_TRUE(event.ok());
      EXPECT_EQ(CheckLink(head, *event), Link::kNext) << origin << "/" << event->core().seq();
      head = HeadAfter(*event);
    }
    from = head.seq + 1;
  }
  return head.seq;
}

TEST(NodeStoreTest, EveryCommandIsOneEventOnAGapFreeChain) {
  TempDir dir;
  auto node = OpenNode("hem", dir.path());
  Till till(node.get());
  auto shop = testing::OpenShop(till);  // family, referral, product, stock: 4 events
  ASSERT_TRUE(shop.ok()) << shop.status();
  for (uint64_t i = 1; i <= 5; ++i) {
    auto response = testing::SellAt(till, *shop);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->seq(), 4 + i);
    EXPECT_EQ(response->origin(), "hem");
  }
  EXPECT_EQ(VerifyChain(*node, "hem"), 9u);
  auto status = node->Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->own_seq(), 9u);
  EXPECT_EQ(status->pending_push(), 9u);
}

TEST(NodeStoreTest, ARefusedCommandWritesNothing) {
  TempDir dir;
  auto node = OpenNode("hem", dir.path());
  Till till(node.get());
  auto shop = testing::OpenShop(till);
  ASSERT_TRUE(shop.ok());
  const uint64_t before = node->Status()->own_seq();
  EXPECT_FALSE(testing::SellAt(till, *shop, 0).ok());
  EXPECT_FALSE(testing::SellAt(till, *shop, 2'000'000).ok()) << "more than the stock";
  EXPECT_EQ(node->Status()->own_seq(), before);
}

// The node runs the hub's checks on its own events before it writes them
// (common/event_checks.h): a command whose event the hub would refuse is
// refused at the till and writes nothing, so a centre never holds an event
// that would stop its sync.
TEST(NodeStoreTest, AnOwnEventTheHubWouldRefuseIsRefusedAndWritesNothing) {
  TempDir dir;
  auto node = OpenNode("hem", dir.path());
  // Each command also writes a key of its own, which must be there only if
  // the command was accepted.
  auto append = [&](const std::string& probe, v1::EventCore core) {
    return node->Execute([&](CommandContext& ctx) {
      ctx.batch().Put(Column::kViews, probe, "x");
      return ctx.Append(std::move(core), nullptr).status();
    });
  };
  auto wrote = [&](const std::string& probe) {
    return node->store().Get(Column::kViews, probe).value().has_value();
  };
  v1::EventCore own_family;
  own_family.mutable_family_registered()->set_family_id("HEM-000001");
  ASSERT_TRUE(append("probe-own", own_family).ok()) << "hem's first card claims the prefix HEM";
  const uint64_t before = node->Status()->own_seq();

  v1::EventCore department;
  department.mutable_department_defined()->mutable_department()->set_code("epicerie");
  const absl::Status not_writer = append("probe-department", department);
  EXPECT_EQ(not_writer.code(), absl::StatusCode::kPermissionDenied) << not_writer;
  v1::EventCore other_family;
  other_family.mutable_family_registered()->set_family_id("LIL-000001");
  EXPECT_EQ(append("probe-prefix", other_family).code(), absl::StatusCode::kPermissionDenied)
      << "not hem's card prefix";
  v1::EventCore sale;
  sale.mutable_sale_recorded()->add_lines()->set_product_id("P");  // a line of no units
  EXPECT_EQ(append("probe-sale", sale).code(), absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(node->Status()->own_seq(), before);
  EXPECT_TRUE(wrote("probe-own"));
  EXPECT_FALSE(wrote("probe-department"));
  EXPECT_FALSE(wrote("probe-prefix"));
  EXPECT_FALSE(wrote("probe-sale"));
}

TEST(NodeStoreTest, StateSurvivesReopenAndSiteIsChecked) {
  TempDir dir;
  {
    auto node = OpenNode("hem", dir.path());
    Till till(node.get());
    ASSERT_TRUE(testing::OpenShop(till).ok());
    ASSERT_TRUE(node->RecordAcked(1).ok());
  }
  auto wrong = NodeStore::Open({"lille", dir.path(), nullptr, ""});
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition) << wrong.status();
  auto bad_site = NodeStore::Open({"Hem Centre", dir.path() + "/x", nullptr, ""});
  EXPECT_EQ(bad_site.status().code(), absl::StatusCode::kInvalidArgument);
  auto other_prefix = NodeStore::Open({"hem", dir.path(), nullptr, "HM"});
  EXPECT_EQ(other_prefix.status().code(), absl::StatusCode::kFailedPrecondition);

  auto node = OpenNode("hem", dir.path());
  auto status = node->Status();
  EXPECT_EQ(status->own_seq(), 4u);
  EXPECT_EQ(status->acked_high_water(), 1u);
  EXPECT_EQ(node->card_prefix(), "HEM");
}

TEST(NodeStoreTest, ClockNeverGoesBelowWhatWasWrittenEvenIfTheMachineClockIsBehind) {
  TempDir dir;
  uint64_t first_hlc = 0;
  testing::Shop shop;
  {
    auto node = NodeStore::Open({"hem", dir.path(), [] { return int64_t{2'000'000'000'000}; }, ""});
    ASSERT_TRUE(node.ok());
    Till till(node->get());
    shop = testing::OpenShop(till).value();
    first_hlc = testing::SellAt(till, shop)->hlc();
  }
  // After a restart, the machine's clock is an hour behind.
  auto node = NodeStore::Open({"hem", dir.path(), [] { return int64_t{1'999'996'400'000}; }, ""});
  ASSERT_TRUE(node.ok());
  Till till(node->get());
  auto second = testing::SellAt(till, shop);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_GT(second->hlc(), first_hlc);
}

// The crash test: a writer process is killed with SIGKILL at various moments
// of a burst of sales. Every sale it reported as recorded must be there after
// reopening, the chain must verify, and the views must match the log exactly
// (an append is one batch: event, head and views together or not at all).
class KillNineTest : public ::testing::TestWithParam<int> {};

TEST_P(KillNineTest, AcknowledgedSalesSurviveKillNine) {
  const int kill_after = GetParam();
  TempDir dir;
  const std::string db = dir.Sub("hem");
  std::map<uint64_t, std::string> acknowledged;
  std::set<std::string> receipts;
  for (int round = 0; round < 2; ++round) {  // crash, reopen, crash again
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execl(CRASH_WRITER_PATH, CRASH_WRITER_PATH, db.c_str(), "hem", "100000", nullptr);
      _exit(127);
    }
    close(out[1]);
    FILE* lines = fdopen(out[0], "r");
    char buffer[256];
    int seen = 0;
    while (seen < kill_after && std::fgets(buffer, sizeof buffer, lines) != nullptr) {
      unsigned long long seq = 0;
      char request_id[200];
      char receipt[64];
      ASSERT_EQ(std::sscanf(buffer, "%llu %199s %63s", &seq, request_id, receipt), 3) << buffer;
      acknowledged[seq] = request_id;
      receipts.insert(receipt);
      ++seen;
    }
    kill(pid, SIGKILL);  // in the middle of the next append
    int status = 0;
    waitpid(pid, &status, 0);
    std::fclose(lines);
    ASSERT_EQ(seen, kill_after) << "writer stopped early";
  }

  auto node = OpenNode("hem", db);
  ASSERT_NE(node, nullptr);
  const uint64_t held = VerifyChain(*node, "hem");
  ASSERT_GE(held, acknowledged.rbegin()->first);
  for (const auto& [seq, request_id] : acknowledged) {
    auto record = node->ReadEvents("hem", seq, 1);
    ASSERT_TRUE(record.ok());
    ASSERT_EQ(record->size(), 1u);
    EXPECT_EQ(DecodeRecord((*record)[0])->core().sale_recorded().request_id(), request_id);
  }
  // Receipt numbers are gap-free: every number up to the last one held is a
  // sale, and every acknowledged receipt is among them.
  Till till(node.get());
  uint64_t sales_held = 0;
  std::set<std::string> held_receipts;
  for (uint64_t seq = 1; seq <= held; ++seq) {
    auto core = DecodeRecord((*node->ReadEvents("hem", seq, 1))[0])->core();
    if (!core.has_sale_recorded()) continue;
    ++sales_held;
    held_receipts.insert(core.sale_recorded().receipt_no());
    const std::string& receipt = core.sale_recorded().receipt_no();
    EXPECT_EQ(std::stoull(receipt.substr(receipt.rfind('-') + 1)), sales_held) << receipt;
  }
  for (const std::string& receipt : receipts) EXPECT_TRUE(held_receipts.count(receipt)) << receipt;
  auto sales = node->Sales();
  ASSERT_EQ(sales->origins_size(), 1);
  EXPECT_EQ(sales->origins(0).sales(), sales_held) << "views and log disagree after the crash";
  // And the till goes on from where the log stands.
  auto catalogue = till.GetCatalogue();
  testing::Shop shop{"HEM-000001", catalogue->products(0).product_id()};
  auto next = testing::SellAt(till, shop);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->seq(), held + 1);
}

INSTANTIATE_TEST_SUITE_P(AtVariousMoments, KillNineTest, ::testing::Values(1, 7, 60, 250));

}  // namespace
}  // namespace comptoir
