#include "node/node_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include "common/event_codec.h"
#include "tests/testing/test_util.h"

#ifndef CRASH_WRITER_PATH
#error "CRASH_WRITER_PATH must be defined by the build"
#endif

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;

v1::RecordSaleRequest Sale(const std::string& family, const std::string& request_id = "") {
  v1::RecordSaleRequest request;
  request.set_family_id(family);
  request.set_request_id(request_id);
  auto* line = request.add_lines();
  line->set_product_id("EPI-LAIT-1L");
  line->set_quantity(2);
  return request;
}

std::unique_ptr<NodeStore> OpenNode(const std::string& site, const std::string& dir) {
  auto store = NodeStore::Open({site, dir, nullptr});
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
      EXPECT_EQ(CheckLink(head, *event), Link::kNext) << origin << "/" << event->core.seq();
      head = HeadAfter(*event);
    }
    from = head.seq + 1;
  }
  return head.seq;
}

TEST(NodeStoreTest, RecordsSalesWithGapFreeSeqs) {
  TempDir dir;
  auto node = OpenNode("hem", dir.path());
  for (uint64_t i = 1; i <= 5; ++i) {
    auto response = node->RecordSale(Sale("HEM-000001"));
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->seq(), i);
    EXPECT_EQ(response->origin(), "hem");
  }
  EXPECT_EQ(VerifyChain(*node, "hem"), 5u);
  auto status = node->Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->own_seq(), 5u);
  EXPECT_EQ(status->pending_push(), 5u);
}

TEST(NodeStoreTest, InvalidSalesAreRefusedWithAReasonAndWriteNothing) {
  TempDir dir;
  auto node = OpenNode("hem", dir.path());
  v1::RecordSaleRequest no_family = Sale("");
  v1::RecordSaleRequest no_lines = Sale("HEM-1");
  no_lines.clear_lines();
  v1::RecordSaleRequest zero = Sale("HEM-1");
  zero.mutable_lines(0)->set_quantity(0);
  v1::RecordSaleRequest negative = Sale("HEM-1");
  negative.mutable_lines(0)->set_quantity(-3);
  v1::RecordSaleRequest no_product = Sale("HEM-1");
  no_product.mutable_lines(0)->clear_product_id();
  for (const auto* bad : {&no_family, &no_lines, &zero, &negative, &no_product}) {
    auto response = node->RecordSale(*bad);
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_FALSE(response.status().message().empty());
  }
  EXPECT_EQ(node->Status()->own_seq(), 0u);
  EXPECT_EQ(node->Sales()->origins_size(), 0);
}

TEST(NodeStoreTest, RetriedRequestIsRecordedOnce) {
  TempDir dir;
  auto node = OpenNode("hem", dir.path());
  auto first = node->RecordSale(Sale("HEM-000007", "till-1-0001"));
  ASSERT_TRUE(first.ok());
  auto retry = node->RecordSale(Sale("HEM-000007", "till-1-0001"));
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->duplicate());
  EXPECT_EQ(retry->seq(), first->seq());
  EXPECT_EQ(node->Status()->own_seq(), 1u);
  // The same key for a different sale is a mistake, not a retry.
  auto reused = node->RecordSale(Sale("HEM-000008", "till-1-0001"));
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists) << reused.status();
}

TEST(NodeStoreTest, StateSurvivesReopenAndSiteIsChecked) {
  TempDir dir;
  {
    auto node = OpenNode("hem", dir.path());
    ASSERT_TRUE(node->RecordSale(Sale("HEM-1")).ok());
    ASSERT_TRUE(node->RecordAcked(1).ok());
  }
  auto wrong = NodeStore::Open({"lille", dir.path(), nullptr});
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition) << wrong.status();
  auto bad_site = NodeStore::Open({"Hem Centre", dir.path() + "/x", nullptr});
  EXPECT_EQ(bad_site.status().code(), absl::StatusCode::kInvalidArgument);

  auto node = OpenNode("hem", dir.path());
  auto status = node->Status();
  EXPECT_EQ(status->own_seq(), 1u);
  EXPECT_EQ(status->acked_high_water(), 1u);
  auto next = node->RecordSale(Sale("HEM-1"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->seq(), 2u);
}

TEST(NodeStoreTest, ClockNeverGoesBelowWhatWasWrittenEvenIfTheMachineClockIsBehind) {
  TempDir dir;
  uint64_t first_hlc = 0;
  {
    auto node = NodeStore::Open({"hem", dir.path(), [] { return int64_t{2'000'000'000'000}; }});
    ASSERT_TRUE(node.ok());
    first_hlc = (*node)->RecordSale(Sale("HEM-1"))->hlc();
  }
  // After a restart, the machine's clock is a day behind.
  auto node = NodeStore::Open({"hem", dir.path(), [] { return int64_t{1'999'913'600'000}; }});
  ASSERT_TRUE(node.ok());
  auto second = (*node)->RecordSale(Sale("HEM-1"));
  ASSERT_TRUE(second.ok());
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
      ASSERT_EQ(std::sscanf(buffer, "%llu %199s", &seq, request_id), 2) << buffer;
      acknowledged[seq] = request_id;
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
    EXPECT_EQ(DecodeRecord((*record)[0])->core.sale_recorded().request_id(), request_id);
  }
  auto sales = node->Sales();
  ASSERT_EQ(sales->origins_size(), 1);
  EXPECT_EQ(sales->origins(0).sales(), held) << "views and log disagree after the crash";
  // And the till goes on from where the log stands.
  auto next = node->RecordSale(Sale("HEM-1"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->seq(), held + 1);
}

INSTANTIATE_TEST_SUITE_P(AtVariousMoments, KillNineTest, ::testing::Values(1, 7, 60, 250));

}  // namespace
}  // namespace comptoir
