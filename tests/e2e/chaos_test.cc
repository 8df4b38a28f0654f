// Jepsen-style chaos over the real binaries: a hub and three centres, each
// centre reaching the hub through its own ChaosProxy, while the tills keep
// selling. A seeded schedule cuts, delays, half-opens and partitions the
// links and kill -9s nodes and the hub; at the end everything is healed and
// restarted, and a checker asks what a user relies on: every sale a till
// confirmed is at the hub exactly once, nothing is there that no till
// recorded, and every centre sees what the hub sees.
//
// The seed is printed; replay a run with
//   COMPTOIR_CHAOS_SEED=<seed> build/tests/chaos_test --gtest_filter='Chaos*'
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "common/event_codec.h"
#include "comptoir/v1/hub.grpc.pb.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "tests/testing/chaos_proxy.h"
#include "tests/testing/daemons.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::ChaosProxy;
using ::comptoir::testing::DaemonNetwork;
using ::comptoir::testing::PickFreePort;
using ::comptoir::testing::Shop;
using ::comptoir::testing::WaitFor;

constexpr absl::Duration kPatience = absl::Seconds(90);
// How long faults are injected; with start-up and convergence the test takes
// about twice this.
constexpr absl::Duration kChaosDuration = absl::Seconds(40);
// Both ends ping after a second of silence, so that a half-open link is
// noticed within seconds rather than the default's half minute.
const std::vector<std::string> kKeepalive = {"--sync-keepalive", "1"};
const std::vector<std::string> kSites = {"hem", "lille", "caudry"};
constexpr int kTillsPerSite = 2;
constexpr int64_t kInitialStock = 1000000;  // OpenShopThrough's stock

uint64_t ChaosSeed() {
  const char* fixed = std::getenv("COMPTOIR_CHAOS_SEED");
  uint64_t seed = 0;
  if (fixed != nullptr && absl::SimpleAtoi(fixed, &seed)) return seed;
  return std::random_device{}();
}

void SetDeadline(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

// A channel that retries connecting quickly: a till restarted after kill -9
// must not wait for gRPC's default backoff (up to two minutes).
std::shared_ptr<grpc::Channel> TillChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 300);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// What the client saw of one sale the till answered OK.
struct Confirmed {
  std::string site;
  uint64_t seq = 0;
  std::string receipt_no;
};

// The tills of every centre, selling on their own threads: each sale has a
// unique request id and is retried with the same id until the till answers
// OK (the till is idempotent); only then does it count as confirmed.
class Tills {
 public:
  ~Tills() { StopAndJoin(); }

  void Start(const std::string& site, const std::string& address, const Shop& shop, int till,
             uint64_t seed) {
    threads_.emplace_back([=] { Sell(site, address, shop, till, seed); });
  }

  // Stops starting sales; each till still gets its current sale confirmed.
  void StopAndJoin() {
    stopping_ = true;
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

  size_t ConfirmedCount() {
    std::lock_guard<std::mutex> lock(mu_);
    return confirmed_.size();
  }

  std::map<std::string, Confirmed> confirmed() {
    std::lock_guard<std::mutex> lock(mu_);
    return confirmed_;
  }
  std::set<std::string> attempted() {
    std::lock_guard<std::mutex> lock(mu_);
    return attempted_;
  }
  std::vector<std::string> errors() {
    std::lock_guard<std::mutex> lock(mu_);
    return errors_;
  }
  uint64_t retries() const { return retries_; }
  uint64_t duplicates_answered() const { return duplicates_answered_; }

 private:
  void Sell(const std::string& site, const std::string& address, const Shop& shop, int till,
            uint64_t seed) {
    auto stub = v1::TillService::NewStub(TillChannel(address));
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<int> pause_ms(0, 20);
    for (int i = 0; !stopping_; ++i) {
      const std::string id = absl::StrCat(site, "-till", till, "-", i);
      {
        std::lock_guard<std::mutex> lock(mu_);
        attempted_.insert(id);
      }
      v1::RecordSaleRequest request;
      request.set_family_id(shop.family_id);
      request.set_request_id(id);
      v1::SaleLine* line = request.add_lines();
      line->set_product_id(shop.product_id);
      line->set_quantity(1);
      absl::Time give_up = absl::InfiniteFuture();
      while (true) {
        if (stopping_ && give_up == absl::InfiniteFuture()) give_up = absl::Now() + kPatience;
        v1::RecordSaleResponse response;
        grpc::ClientContext context;
        SetDeadline(&context, absl::Seconds(5));
        const grpc::Status status = stub->RecordSale(&context, request, &response);
        if (status.ok()) {
          if (response.duplicate()) duplicates_answered_++;
          std::lock_guard<std::mutex> lock(mu_);
          confirmed_[id] = {response.origin(), response.seq(), response.receipt_no()};
          break;
        }
        const grpc::StatusCode code = status.error_code();
        if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::DEADLINE_EXCEEDED &&
            code != grpc::StatusCode::CANCELLED && code != grpc::StatusCode::ABORTED) {
          std::lock_guard<std::mutex> lock(mu_);
          errors_.push_back(absl::StrCat(id, ": ", code, " ", status.error_message()));
          break;
        }
        if (absl::Now() > give_up) {
          std::lock_guard<std::mutex> lock(mu_);
          errors_.push_back(absl::StrCat(id, ": never confirmed: ", status.error_message()));
          break;
        }
        retries_++;
        // The till's pace of retries (a volunteer pressing again), not a wait
        // for a condition: the retry itself is what is tested.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      // The till's selling pace, a few baskets a second per till.
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    }
  }

  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::set<std::string> attempted_;
  std::map<std::string, Confirmed> confirmed_;
  std::vector<std::string> errors_;
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> duplicates_answered_{0};
};

// Every event `name` (a node, or "hub") holds from `origin`, in seq order.
std::vector<v1::EventRecord> AllEvents(DaemonNetwork& net, const std::string& name,
                                       const std::string& origin, bool* ok) {
  std::vector<v1::EventRecord> events;
  *ok = true;
  while (true) {
    v1::ReadEventsRequest request;
    request.set_origin(origin);
    request.set_from_seq(events.size() + 1);
    request.set_limit(1000);
    v1::ReadEventsResponse response;
    grpc::ClientContext context;
    SetDeadline(&context, absl::Seconds(20));
    const grpc::Status status =
        name == "hub"
            ? v1::HubService::NewStub(net.Channel(name))->ReadEvents(&context, request, &response)
            : v1::NodeService::NewStub(net.Channel(name))->ReadEvents(&context, request, &response);
    if (!status.ok()) {
      *ok = false;
      return events;
    }
    if (response.events_size() == 0) return events;
    for (v1::EventRecord& record : *response.mutable_events()) events.push_back(std::move(record));
  }
}

// origin -> "sales/units/voided", the part of a sales summary that must agree.
std::map<std::string, std::string> SalesView(DaemonNetwork& net, const std::string& name) {
  v1::SalesSummary summary;
  grpc::ClientContext context;
  SetDeadline(&context, absl::Seconds(10));
  const grpc::Status status =
      name == "hub"
          ? v1::HubService::NewStub(net.Channel(name))->GetSalesSummary(&context, {}, &summary)
          : v1::NodeService::NewStub(net.Channel(name))->GetSalesSummary(&context, {}, &summary);
  std::map<std::string, std::string> view;
  if (!status.ok()) return {{"error", status.error_message()}};
  for (const auto& row : summary.origins()) {
    view[row.origin()] = absl::StrCat(row.sales(), "/", row.units(), "/", row.voided());
  }
  return view;
}

uint64_t HubHolds(DaemonNetwork& net, const std::string& origin) {
  const v1::HubStatus status = net.HubStatus();
  for (const auto& row : status.origins()) {
    if (row.origin() == origin) return row.seq();
  }
  return 0;
}

// Every centre is connected, has pushed everything and pulled the whole log,
// recovers nothing, sees the same sales as the hub, and the hub agrees.
bool Converged(DaemonNetwork& net, std::string* why) {
  const std::map<std::string, std::string> at_hub = SalesView(net, "hub");
  v1::SyncHealth health;
  {
    grpc::ClientContext context;
    SetDeadline(&context, absl::Seconds(10));
    if (!v1::HubService::NewStub(net.Channel("hub"))->GetSyncHealth(&context, {}, &health).ok()) {
      *why = "no sync health from the hub";
      return false;
    }
  }
  for (const std::string& site : kSites) {
    const v1::SyncStatus status = net.NodeStatus(site);
    if (!status.connected() || status.recovering() || status.pending_push() != 0 ||
        HubHolds(net, site) != status.own_seq()) {
      *why = absl::StrCat(site, ": ", status.ShortDebugString(), "; hub holds ",
                          HubHolds(net, site), ", log head ", health.log_head());
      return false;
    }
    for (const v1::SiteHealth& seen : health.sites()) {
      if (seen.site() == site && (!seen.connected() || seen.pending_push() != 0 ||
                                  seen.lag_events() != 0)) {
        *why = absl::StrCat("the hub sees ", seen.ShortDebugString());
        return false;
      }
    }
    const std::map<std::string, std::string> at_site = SalesView(net, site);
    if (at_site != at_hub) {
      *why = absl::StrCat(site, " sees ", absl::StrJoin(at_site, ", ", absl::PairFormatter("=")),
                          "; the hub ", absl::StrJoin(at_hub, ", ", absl::PairFormatter("=")));
      return false;
    }
  }
  return true;
}

int64_t StockAt(DaemonNetwork& net, const std::string& site, const std::string& product_id) {
  v1::GetStockRequest request;
  request.set_product_id(product_id);
  v1::StockReport report;
  grpc::ClientContext context;
  SetDeadline(&context, absl::Seconds(10));
  if (!v1::TillService::NewStub(net.Channel(site))->GetStock(&context, request, &report).ok() ||
      report.products_size() != 1) {
    return -1;
  }
  return report.products(0).quantity();
}

// The receipt's running number: "HEM-2026-000451" -> 451.
uint64_t ReceiptNumber(const std::string& receipt_no) {
  uint64_t number = 0;
  return absl::SimpleAtoi(receipt_no.substr(receipt_no.rfind('-') + 1), &number) ? number : 0;
}

TEST(ChaosTest, ConfirmedSalesSurviveCutsDelaysHalfOpenLinksPartitionsAndKillNine) {
  const uint64_t seed = ChaosSeed();
  std::printf("chaos seed: %llu (replay: COMPTOIR_CHAOS_SEED=%llu build/tests/chaos_test)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  ::testing::Test::RecordProperty("chaos_seed", std::to_string(seed));
  std::mt19937_64 random(seed);
  const absl::Time started = absl::Now();

  DaemonNetwork net({HUB_BIN, NODE_BIN, CLI_BIN});
  std::map<std::string, std::unique_ptr<ChaosProxy>> proxies;
  std::map<std::string, std::string> till_address;
  std::vector<std::string> node_flags = kKeepalive;
  node_flags.insert(node_flags.end(), {"--http-listen", "127.0.0.1:0"});
  std::string error;
  ASSERT_TRUE(net.StartHub(kKeepalive, &error)) << error;
  for (const std::string& site : kSites) {
    auto proxy = ChaosProxy::Start(net.hub_address());
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxies[site] = *std::move(proxy);
    // A fixed TCP address across restarts, as in production; the hub through its proxy.
    till_address[site] = absl::StrCat("127.0.0.1:", PickFreePort());
    net.PlaceNode(site, till_address[site], proxies[site]->address());
    ASSERT_TRUE(net.StartNode(site, node_flags, &error)) << error;
  }
  std::map<std::string, Shop> shops;
  for (const std::string& site : kSites) {
    shops[site] = net.OpenShop(site);
    ASSERT_FALSE(shops[site].family_id.empty() || shops[site].product_id.empty()) << site;
  }
  Tills tills;
  for (const std::string& site : kSites) {
    for (int till = 0; till < kTillsPerSite; ++till) {
      // Through the centre's administrator socket (a fixed path, found again
      // after a restart): sessions do not outlive a killed node.
      tills.Start(site, net.Address(site), shops[site], till, random());
    }
  }

  // The fault schedule. Its pace is the schedule's own clock (a fault every
  // 150-600 ms, drawn from the seeded generator); it waits for no condition.
  std::map<std::string, int> faults;  // kind -> times injected
  int heals = 0;
  std::map<std::string, int> down;  // daemon -> schedule steps until its restart
  auto restart = [&](const std::string& name) {
    const bool ok = name == "hub" ? net.StartHub(kKeepalive, &error)
                                  : net.StartNode(name, node_flags, &error);
    EXPECT_TRUE(ok) << error;
    down.erase(name);
  };
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
  const absl::Time chaos_end = absl::Now() + kChaosDuration;
  while (absl::Now() < chaos_end && !::testing::Test::HasFailure()) {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 600)(random)));
    for (auto it = down.begin(); it != down.end();) {
      const std::string name = it->first;
      if (--it->second > 0) {
        ++it;
        continue;
      }
      ++it;
      restart(name);
    }
    const std::string site = kSites[pick(static_cast<int>(kSites.size()))];
    ChaosProxy& proxy = *proxies[site];
    std::string kind;
    std::string detail;
    switch (pick(12)) {
      case 0:
      case 1:
        kind = "cut";
        proxy.Cut();
        break;
      case 2:
      case 3: {
        kind = "delay";
        const int ms = std::uniform_int_distribution<int>(5, 400)(random);
        detail = absl::StrCat(ms, " ms");
        proxy.SetDelay(absl::Milliseconds(ms));
        break;
      }
      case 4:
      case 5: {
        kind = "half_open";
        const ChaosProxy::Direction direction =
            std::vector<ChaosProxy::Direction>{ChaosProxy::kToTarget, ChaosProxy::kToClient,
                                               ChaosProxy::kBoth}[pick(3)];
        detail = direction == ChaosProxy::kToTarget   ? "to hub"
                 : direction == ChaosProxy::kToClient ? "to node"
                                                      : "both ways";
        proxy.HalfOpen(direction);
        break;
      }
      case 6:
        kind = "partition";
        proxy.Refuse();
        proxy.Cut();
        break;
      case 7:
      case 8:
        kind = "heal";
        proxy.Heal();
        break;
      case 9:
      case 10:
        if (down.count(site) != 0) continue;
        kind = "kill_node";
        net.Kill(site);
        down[site] = 1 + pick(4);
        break;
      default:
        if (down.count("hub") != 0) continue;
        kind = "kill_hub";
        net.Kill("hub");
        down["hub"] = 1 + pick(4);
        break;
    }
    if (kind == "heal") {
      heals++;
    } else {
      faults[kind]++;
    }
    std::printf("chaos +%.1fs %s %s%s%s (confirmed so far: %zu)\n",
                absl::ToDoubleSeconds(absl::Now() - started), kind.c_str(),
                kind == "kill_hub" ? "" : site.c_str(), detail.empty() ? "" : " ",
                detail.c_str(), tills.ConfirmedCount());
    std::fflush(stdout);
  }

  // Heal everything, restart whatever is down, and let the tills finish.
  for (auto& [site, proxy] : proxies) proxy->Heal();
  if (down.count("hub") != 0) restart("hub");
  for (const std::string& site : kSites) {
    if (down.count(site) != 0) restart(site);
  }
  tills.StopAndJoin();
  const absl::Time healed = absl::Now();
  std::string why;
  ASSERT_TRUE(WaitFor([&] { return Converged(net, &why); }, kPatience))
      << "no convergence: " << why << "\nhub log:\n" << net.Log("hub");
  const absl::Duration convergence = absl::Now() - healed;

  // The checker.
  const std::map<std::string, Confirmed> confirmed = tills.confirmed();
  const std::set<std::string> attempted = tills.attempted();
  EXPECT_TRUE(tills.errors().empty()) << absl::StrJoin(tills.errors(), "\n");
  std::map<std::string, int> at_hub;  // request id -> sale events at the hub
  std::map<std::string, uint64_t> per_site;
  uint64_t events_checked = 0;
  uint64_t strays = 0;
  for (const std::string& site : kSites) {
    bool ok = false;
    const std::vector<v1::EventRecord> hub_events = AllEvents(net, "hub", site, &ok);
    ASSERT_TRUE(ok) << "cannot read " << site << "'s events at the hub";
    const std::vector<v1::EventRecord> own_events = AllEvents(net, site, site, &ok);
    ASSERT_TRUE(ok) << "cannot read " << site << "'s events at " << site;
    ASSERT_EQ(own_events.size(), hub_events.size()) << site;
    uint64_t receipts = 0;
    for (size_t i = 0; i < hub_events.size(); ++i) {
      events_checked++;
      EXPECT_EQ(hub_events[i].core(), own_events[i].core())
          << site << "/" << i + 1 << ": the hub holds the bytes the centre wrote";
      absl::StatusOr<DecodedEvent> event = DecodeRecord(hub_events[i]);
      ASSERT_TRUE(event.ok()) << event.status();
      EXPECT_EQ(event->core().origin(), site);
      EXPECT_EQ(event->core().seq(), i + 1) << "gap-free seq";
      if (!event->core().has_sale_recorded()) continue;
      const v1::SaleRecorded& sale = event->core().sale_recorded();
      EXPECT_EQ(ReceiptNumber(sale.receipt_no()), ++receipts)
          << site << " receipts are gap-free: " << sale.receipt_no();
      if (++at_hub[sale.request_id()] > 1) {
        ADD_FAILURE() << "sale " << sale.request_id() << " is at the hub twice";
      }
      if (attempted.count(sale.request_id()) == 0) {
        strays++;
        ADD_FAILURE() << "sale " << site << "/" << event->core().seq() << " ("
                      << sale.request_id() << ") was recorded by no till";
      }
      auto it = confirmed.find(sale.request_id());
      if (it != confirmed.end()) {
        EXPECT_EQ(it->second.site, site);
        EXPECT_EQ(it->second.seq, event->core().seq()) << sale.request_id();
        EXPECT_EQ(it->second.receipt_no, sale.receipt_no()) << sale.request_id();
      }
    }
    per_site[site] = receipts;
    EXPECT_EQ(StockAt(net, site, shops[site].product_id),
              kInitialStock - static_cast<int64_t>(receipts))
        << site << "'s stock counts each sale once";
  }
  uint64_t losses = 0;
  for (const auto& [id, sale] : confirmed) {
    if (at_hub.count(id) == 0) {
      losses++;
      ADD_FAILURE() << "confirmed sale " << id << " (" << sale.site << "/" << sale.seq
                    << ") is not at the hub";
    }
  }
  uint64_t duplicates = 0;
  for (const auto& [id, count] : at_hub) duplicates += count > 1 ? count - 1 : 0;
  EXPECT_EQ(attempted.size(), confirmed.size()) << "every sale a till started was confirmed";
  // Faults are expected; errors are not (a refused push, a log that cannot be read).
  std::vector<std::string> daemons = kSites;
  daemons.push_back("hub");
  for (const std::string& name : daemons) {
    for (absl::string_view line : absl::StrSplit(net.Log(name), '\n')) {
      if (absl::StrContains(line, " ERROR ")) ADD_FAILURE() << name << ": " << line;
    }
  }

  std::vector<std::string> fault_counts;
  int total_faults = 0;
  for (const auto& [kind, count] : faults) {
    fault_counts.push_back(absl::StrCat(kind, "=", count));
    total_faults += count;
  }
  std::printf(
      "chaos summary: seed=%llu runtime=%.1fs convergence=%.1fs sales_confirmed=%zu (%s) "
      "retries=%llu duplicate_answers=%llu faults=%d (%s) heals=%d events_checked=%llu losses=%llu "
      "duplicates=%llu strays=%llu\n",
      static_cast<unsigned long long>(seed), absl::ToDoubleSeconds(absl::Now() - started),
      absl::ToDoubleSeconds(convergence), confirmed.size(),
      absl::StrJoin(per_site, " ", absl::PairFormatter("=")).c_str(),
      static_cast<unsigned long long>(tills.retries()),
      static_cast<unsigned long long>(tills.duplicates_answered()), total_faults,
      absl::StrJoin(fault_counts, " ").c_str(), heals,
      static_cast<unsigned long long>(events_checked),
      static_cast<unsigned long long>(losses), static_cast<unsigned long long>(duplicates),
      static_cast<unsigned long long>(strays));
  std::fflush(stdout);
}

}  // namespace
}  // namespace comptoir
