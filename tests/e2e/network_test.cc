// Process-level tests: the real comptoir-hub, comptoir-node and comptoir
// binaries, started, stopped (cleanly and with kill -9) and restarted.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/event_codec.h"
#include "comptoir/v1/hub.grpc.pb.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "common/civil_day.h"
#include "tests/testing/shop.h"
#include "tests/testing/daemons.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::PickFreePort;
using ::comptoir::testing::ReadFile;
using ::comptoir::testing::Subprocess;
using ::comptoir::testing::TempDir;
using ::comptoir::testing::WaitFor;

constexpr absl::Duration kPatience = absl::Seconds(60);

// A daemon process and the address it announced in its ready file.
struct Daemon {
  std::unique_ptr<Subprocess> process;
  std::string address;
};

class NetworkTest : public ::testing::Test {
 protected:
  NetworkTest() : hub_address_("127.0.0.1:" + std::to_string(PickFreePort())) {}

  ~NetworkTest() override {
    // Every process started is stopped, whatever happened.
    for (auto& [name, daemon] : daemons_) {
      if (daemon.process && daemon.process->running()) daemon.process->Stop(SIGKILL);
    }
  }

  void StartDaemon(const std::string& name, std::vector<std::string> argv) {
    const std::string ready = dir_.Sub(name + ".addr");
    std::filesystem::remove(ready);
    argv.push_back("--ready-file");
    argv.push_back(ready);
    Daemon& daemon = daemons_[name];
    daemon.process = std::make_unique<Subprocess>(argv, dir_.Sub(name + ".log"));
    ASSERT_TRUE(daemon.process->Start()) << argv[0];
    ASSERT_TRUE(WaitFor([&] { return !ReadFile(ready).empty(); }, kPatience))
        << name << " did not start; its log:\n" << ReadFile(dir_.Sub(name + ".log"));
    daemon.address = std::string(absl::StripAsciiWhitespace(ReadFile(ready)));
  }

  void StartHub() {
    // The dashboard on any free port: its default (the gRPC port + 1000) might be taken.
    StartDaemon("hub", {HUB_BIN, "--data", dir_.Sub("data/hub"), "--listen", hub_address_,
                        "--http-listen", "127.0.0.1:0"});
  }

  void StartNode(const std::string& site, const std::string& hub = "") {
    StartDaemon(site, {NODE_BIN, "--site", site, "--data", dir_.Sub("data/" + site), "--listen",
                       "127.0.0.1:0", "--hub", hub.empty() ? hub_address_ : hub,
                       "--http-listen", "127.0.0.1:0"});
    // The test acts as the centre's administrator, through its socket.
    daemons_[site].address = testing::AdminSocketOf(dir_.Sub("data/" + site));
  }

  // The family as `name` knows it, or the RPC's error code.
  grpc::StatusCode GetFamily(const std::string& name, const std::string& family_id,
                             v1::FamilyView* family) {
    v1::GetFamilyRequest request;
    request.set_family_id(family_id);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return v1::TillService::NewStub(Channel(name))->GetFamily(&context, request, family).error_code();
  }

  grpc::Status UpdateFamily(const std::string& name, const v1::UpdateFamilyRequest& request) {
    v1::FamilyView family;
    grpc::ClientContext context;
    return v1::TillService::NewStub(Channel(name))->UpdateFamily(&context, request, &family);
  }

  // Stops with SIGTERM and expects a clean exit.
  void Stop(const std::string& name) {
    const int status = daemons_[name].process->Stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << name << " did not stop cleanly; its log:\n" << ReadFile(dir_.Sub(name + ".log"));
  }

  // A channel of its own: a node restarted on the same socket must not be
  // reached through a connection of gRPC's shared pool still backing off.
  std::shared_ptr<grpc::Channel> Channel(const std::string& name) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(AdminAddress(name), grpc::InsecureChannelCredentials(), args);
  }

  // The tests act as each daemon's administrator, through its socket.
  std::string AdminAddress(const std::string& name) {
    return name == "hub" ? testing::AdminSocketOf(dir_.Sub("data/hub")) : daemons_[name].address;
  }

  // Registers a family with a referral, a local product and its stock at
  // `name`, through the till's API, so that the centre can sell.
  testing::Shop OpenShop(const std::string& name) {
    auto till = v1::TillService::NewStub(Channel(name));
    testing::Shop shop = testing::OpenShopThrough(*till);
    EXPECT_FALSE(shop.family_id.empty() || shop.product_id.empty()) << name << " cannot sell";
    return shop;
  }

  // Records a sale; returns the response or the RPC's status.
  grpc::Status Sell(v1::TillService::Stub& till, const testing::Shop& shop,
                    const std::string& request_id, v1::RecordSaleResponse* response) {
    v1::RecordSaleRequest request;
    request.set_family_id(shop.family_id);
    request.set_request_id(request_id);
    auto* line = request.add_lines();
    line->set_product_id(shop.product_id);
    line->set_quantity(2);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return till.RecordSale(&context, request, response);
  }

  // Sales per origin as counted by a node's or the hub's projections.
  std::map<std::string, uint64_t> SalesAt(const std::string& name) {
    v1::SalesSummary summary;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status status =
        name == "hub" ? v1::HubService::NewStub(Channel(name))->GetSalesSummary(&context, {}, &summary)
                      : v1::NodeService::NewStub(Channel(name))->GetSalesSummary(&context, {}, &summary);
    std::map<std::string, uint64_t> sales;
    if (!status.ok()) return sales;
    for (const auto& row : summary.origins()) sales[row.origin()] = row.sales();
    return sales;
  }

  v1::SyncStatus NodeStatus(const std::string& name) {
    v1::SyncStatus status;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::NodeService::NewStub(Channel(name))->GetSyncStatus(&context, {}, &status);
    return status;
  }

  // Highest seq the hub holds from `origin`.
  uint64_t HubHolds(const std::string& origin) {
    const v1::HubStatus status = HubStatus();
    for (const auto& row : status.origins()) {
      if (row.origin() == origin) return row.seq();
    }
    return 0;
  }

  v1::HubStatus HubStatus() {
    v1::HubStatus status;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::HubService::NewStub(Channel("hub"))->GetHubStatus(&context, {}, &status);
    return status;
  }

  // Runs the comptoir CLI and returns its stdout.
  std::string RunCli(const std::vector<std::string>& args, int* exit_code) {
    std::string command = CLI_BIN;
    for (const auto& arg : args) command += " '" + arg + "'";
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    char buffer[4096];
    while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    const int status = pipe != nullptr ? pclose(pipe) : -1;
    *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return output;
  }

  TempDir dir_;
  std::string hub_address_;
  std::map<std::string, Daemon> daemons_;
};

TEST_F(NetworkTest, OfflineSalesReachTheHubAndAnotherCentreExactlyOnceAcrossRestarts) {
  StartNode("hem");
  StartNode("lille");
  const testing::Shop shop = OpenShop("hem");  // 4 events
  auto till = v1::TillService::NewStub(Channel("hem"));
  for (int i = 0; i < 500; ++i) {
    v1::RecordSaleResponse response;
    grpc::Status status = Sell(*till, shop, "offline-" + std::to_string(i), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.seq(), static_cast<uint64_t>(i + 5));
  }
  // The CLI reports the backlog while the hub is down.
  int exit_code = -1;
  const std::string json =
      RunCli({"--node", daemons_["hem"].address, "sync", "status", "--json"}, &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_NE(json.find("\"pending_push\":\"504\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"connected\":false"), std::string::npos) << json;

  StartHub();
  ASSERT_TRUE(WaitFor([&] { return SalesAt("lille")["hem"] == 500; }, kPatience))
      << "lille has " << SalesAt("lille")["hem"] << " of hem's sales";
  EXPECT_EQ(SalesAt("hub")["hem"], 500u);
  EXPECT_EQ(HubHolds("hem"), 504u);
  EXPECT_EQ(HubStatus().log_head(), HubHolds("hub") + 504) << "every event once";
  ASSERT_TRUE(WaitFor([&] { return NodeStatus("hem").pending_push() == 0; }, kPatience));

  // Every process is restarted.
  Stop("hub");
  Stop("hem");
  Stop("lille");
  StartHub();
  StartNode("hem");
  StartNode("lille");
  ASSERT_TRUE(WaitFor([&] { return NodeStatus("hem").connected() && NodeStatus("lille").connected(); },
                      kPatience));
  const testing::Shop lille_shop = OpenShop("lille");
  auto lille_till = v1::TillService::NewStub(Channel("lille"));
  v1::RecordSaleResponse response;
  ASSERT_TRUE(Sell(*lille_till, lille_shop, "after-restart", &response).ok());
  ASSERT_TRUE(WaitFor([&] { return SalesAt("hem")["lille"] == 1; }, kPatience));
  for (const std::string name : {"hub", "hem", "lille"}) {
    auto sales = SalesAt(name);
    EXPECT_EQ(sales["hem"], 500u) << name << ": nothing lost, nothing duplicated";
    EXPECT_EQ(sales["lille"], 1u) << name;
  }
  EXPECT_EQ(HubStatus().log_head(), HubHolds("hub") + 504 + 5);
}

TEST_F(NetworkTest, KillNineDuringABurstLosesNoConfirmedSale) {
  StartHub();
  StartNode("hem");
  StartNode("lille");
  const testing::Shop shop = OpenShop("hem");
  std::mutex mu;
  std::map<uint64_t, std::string> confirmed;  // seq -> request id
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      auto till = v1::TillService::NewStub(Channel("hem"));
      for (int i = 0; !stop; ++i) {
        const std::string id = absl::StrCat("burst-", c, "-", i);
        v1::RecordSaleResponse response;
        if (!Sell(*till, shop, id, &response).ok()) return;  // the node is gone
        std::lock_guard<std::mutex> lock(mu);
        confirmed[response.seq()] = id;
      }
    });
  }
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return confirmed.size() >= 300;
  }, kPatience));
  daemons_["hem"].process->Stop(SIGKILL);  // mid-burst
  stop = true;
  for (auto& client : clients) client.join();

  StartNode("hem");
  auto node = v1::NodeService::NewStub(Channel("hem"));
  for (const auto& [seq, id] : confirmed) {
    v1::ReadEventsRequest request;
    request.set_origin("hem");
    request.set_from_seq(seq);
    request.set_limit(1);
    v1::ReadEventsResponse events;
    grpc::ClientContext context;
    ASSERT_TRUE(node->ReadEvents(&context, request, &events).ok());
    ASSERT_EQ(events.events_size(), 1) << "confirmed sale hem/" << seq << " is missing";
    EXPECT_EQ(DecodeRecord(events.events(0))->core().sale_recorded().request_id(), id);
  }
  const uint64_t held = NodeStatus("hem").own_seq();
  EXPECT_GE(held, confirmed.rbegin()->first);
  const uint64_t sales_held = SalesAt("hem")["hem"];
  EXPECT_GE(sales_held, confirmed.size());
  ASSERT_TRUE(WaitFor([&] { return SalesAt("lille")["hem"] == sales_held; }, kPatience));
  EXPECT_EQ(SalesAt("hub")["hem"], sales_held);
  EXPECT_EQ(HubHolds("hem"), held);
}

TEST_F(NetworkTest, FamiliesAreKnownAtEveryCentreAndEditsConverge) {
  StartHub();
  StartNode("hem");
  StartNode("lille");
  // A family registered at Hem shops at Lille once synced.
  const testing::Shop hem_shop = OpenShop("hem");
  const testing::Shop lille_shop = OpenShop("lille");
  v1::FamilyView family;
  // The registration and the referral are two events: wait for both (under
  // load, Lille may pull the first before Hem has pushed the second).
  ASSERT_TRUE(WaitFor([&] {
    return GetFamily("lille", hem_shop.family_id, &family) == grpc::StatusCode::OK &&
           family.may_shop_today();
  }, kPatience)) << "the family and its referral reach Lille";
  EXPECT_EQ(family.family_name(), "Lefebvre") << "the name travels so that Lille recognises her";
  auto lille_till = v1::TillService::NewStub(Channel("lille"));
  testing::Shop at_lille{hem_shop.family_id, lille_shop.product_id};
  v1::RecordSaleResponse sale;
  grpc::Status sold = Sell(*lille_till, at_lille, "hem-family-at-lille", &sale);
  ASSERT_TRUE(sold.ok()) << sold.error_message();
  const int year = YearOf(ParisDay(absl::ToUnixMillis(absl::Now())));
  EXPECT_EQ(sale.receipt_no().substr(0, 9), absl::StrCat("LIL-", year, "-")) << sale.receipt_no();

  // A family registered at Lille while Lille is offline is known at Hem after it reconnects.
  Stop("lille");
  StartNode("lille", "127.0.0.1:" + std::to_string(PickFreePort()));  // no hub there
  const testing::Shop offline_shop = OpenShop("lille");
  EXPECT_EQ(GetFamily("hem", offline_shop.family_id, &family), grpc::StatusCode::NOT_FOUND);
  Stop("lille");
  StartNode("lille");
  ASSERT_TRUE(WaitFor([&] { return GetFamily("hem", offline_shop.family_id, &family) == grpc::StatusCode::OK; },
                      kPatience));

  // Both centres edit the same family while the hub is down; they converge.
  Stop("hub");
  v1::UpdateFamilyRequest at_hem;
  at_hem.set_family_id(hem_shop.family_id);
  at_hem.set_household_type(v1::COUPLE_WITH_CHILDREN);
  at_hem.set_postcode("59510");
  ASSERT_TRUE(UpdateFamily("hem", at_hem).ok());
  v1::UpdateFamilyRequest at_lille_edit;
  at_lille_edit.set_family_id(hem_shop.family_id);
  at_lille_edit.set_postcode("59000");
  at_lille_edit.set_family_name("Lefebvre-Nour");
  ASSERT_TRUE(UpdateFamily("lille", at_lille_edit).ok());
  StartHub();
  v1::FamilyView at_hem_view;
  v1::FamilyView at_lille_view;
  ASSERT_TRUE(WaitFor([&] {
    return GetFamily("hem", hem_shop.family_id, &at_hem_view) == grpc::StatusCode::OK &&
           GetFamily("lille", hem_shop.family_id, &at_lille_view) == grpc::StatusCode::OK &&
           at_hem_view.family_name() == "Lefebvre-Nour" &&
           at_lille_view.household_type() == v1::COUPLE_WITH_CHILDREN;
  }, kPatience));
  EXPECT_EQ(at_hem_view.postcode(), at_lille_view.postcode());
  EXPECT_EQ(at_hem_view.postcode(), "59000") << "Lille's edit came later";
  EXPECT_EQ(at_hem_view.spent_this_month_cents(), at_lille_view.spent_this_month_cents())
      << "both count the purchase made at Lille";
  EXPECT_GT(at_hem_view.spent_this_month_cents(), 0);
}

TEST_F(NetworkTest, CaudryShipsToAnOfflineMaubeugeWhichReceivesAShortfallWhileCaudryIsOffline) {
  StartHub();
  StartNode("caudry");
  StartNode("maubeuge");
  StartNode("hem");  // a third centre: it sees the goods move, not the negotiation
  {
    v1::Product coat;
    coat.set_product_id("PAP-MANTEAU-ENF");
    coat.set_name("Manteau enfant");
    coat.set_department("pret-a-porter");
    coat.set_reference_price_cents(4500);
    grpc::ClientContext context;
    v1::Product published;
    ASSERT_TRUE(v1::HubService::NewStub(Channel("hub"))->DefineProduct(&context, coat, &published).ok());
  }
  auto caudry = [&] { return v1::TillService::NewStub(Channel("caudry")); };
  auto maubeuge = [&] { return v1::TillService::NewStub(Channel("maubeuge")); };
  auto transfer_at = [&](const std::string& name, const std::string& id) {
    v1::ListTransfersRequest request;
    v1::ListTransfersResponse response;
    grpc::ClientContext context;
    if (name == "hub") {
      v1::HubService::NewStub(Channel("hub"))->ListTransfers(&context, request, &response);
    } else {
      v1::TillService::NewStub(Channel(name))->ListTransfers(&context, request, &response);
    }
    for (const auto& transfer : response.transfers()) {
      if (transfer.transfer_id() == id) return transfer;
    }
    return v1::TransferView();
  };
  ASSERT_TRUE(WaitFor([&] {
    v1::ReceiveStockRequest request;
    request.set_product_id("PAP-MANTEAU-ENF");
    request.set_quantity(200);
    request.set_donor_id("fondation-kiabi");
    v1::Lot lot;
    grpc::ClientContext context;
    return caudry()->ReceiveStock(&context, request, &lot).ok();
  }, kPatience)) << "the catalogue reaches Caudry";
  std::string id;
  ASSERT_TRUE(WaitFor([&] {
    v1::ProposeTransferRequest request;
    request.set_kind(v1::ProposeTransferRequest::REQUEST);
    request.set_other_site("caudry");
    v1::TransferItem* item = request.add_items();
    item->set_product_id("PAP-MANTEAU-ENF");
    item->set_quantity(200);
    v1::TransferView view;
    grpc::ClientContext context;
    if (!maubeuge()->ProposeTransfer(&context, request, &view).ok()) return false;
    id = view.transfer_id();
    return true;
  }, kPatience));
  ASSERT_TRUE(WaitFor([&] { return !transfer_at("caudry", id).transfer_id().empty(); }, kPatience));
  {
    v1::AnswerTransferRequest request;
    request.set_transfer_id(id);
    request.set_accept(true);
    v1::TransferView view;
    grpc::ClientContext context;
    ASSERT_TRUE(caudry()->AnswerTransfer(&context, request, &view).ok());
  }
  // Maubeuge goes offline; Caudry ships.
  Stop("maubeuge");
  StartNode("maubeuge", "127.0.0.1:" + std::to_string(PickFreePort()));
  {
    v1::ShipTransferRequest request;
    request.set_transfer_id(id);
    v1::TransferView view;
    grpc::ClientContext context;
    grpc::Status shipped = caudry()->ShipTransfer(&context, request, &view);
    ASSERT_TRUE(shipped.ok()) << shipped.error_message();
  }
  ASSERT_TRUE(WaitFor([&] { return transfer_at("hub", id).state() == v1::TransferView::SHIPPED; },
                      kPatience));
  // Caudry goes offline; Maubeuge comes back, learns of the shipment, receives 190 of 200.
  Stop("caudry");
  Stop("maubeuge");
  StartNode("maubeuge");
  ASSERT_TRUE(WaitFor([&] { return transfer_at("maubeuge", id).state() == v1::TransferView::SHIPPED; },
                      kPatience));
  {
    v1::ReceiveTransferRequest request;
    request.set_transfer_id(id);
    v1::ReceiveItemRequest* item = request.add_items();
    item->set_product_id("PAP-MANTEAU-ENF");
    item->set_arrived(190);
    item->set_reason("un carton de 10 manquant");
    v1::TransferView view;
    grpc::ClientContext context;
    grpc::Status received = maubeuge()->ReceiveTransfer(&context, request, &view);
    ASSERT_TRUE(received.ok()) << received.error_message();
  }
  StartNode("caudry");
  ASSERT_TRUE(WaitFor([&] {
    return transfer_at("caudry", id).state() == v1::TransferView::RECEIVED &&
           transfer_at("hub", id).state() == v1::TransferView::RECEIVED;
  }, kPatience));
  const v1::TransferView at_hub = transfer_at("hub", id);
  EXPECT_EQ(at_hub.SerializeAsString(), transfer_at("caudry", id).SerializeAsString());
  EXPECT_EQ(at_hub.SerializeAsString(), transfer_at("maubeuge", id).SerializeAsString());
  ASSERT_EQ(at_hub.received_size(), 1);
  EXPECT_EQ(at_hub.received(0).arrived(), 190);
  int64_t shipped_units = 0;
  for (const auto& lot : at_hub.shipped()) shipped_units += lot.quantity();
  EXPECT_EQ(shipped_units, 200) << "the hub counts the transfer once";
  v1::ListTransfersRequest all;
  v1::ListTransfersResponse network;
  grpc::ClientContext context;
  ASSERT_TRUE(v1::HubService::NewStub(Channel("hub"))->ListTransfers(&context, all, &network).ok());
  EXPECT_EQ(network.transfers_size(), 1);

  // Hem follows both chains up to the hub's heads. Of the transfer it holds
  // the stock movements (shipment, reception), which its surplus and needs
  // lists read, and not the request or the answer (common/routing.h).
  auto head_at_hem = [&](const std::string& origin) {
    const v1::SyncStatus status = NodeStatus("hem");
    for (const auto& row : status.origins()) {
      if (row.origin() == origin) return row.seq();
    }
    return uint64_t{0};
  };
  ASSERT_TRUE(WaitFor([&] {
    return head_at_hem("caudry") == HubHolds("caudry") && head_at_hem("maubeuge") == HubHolds("maubeuge");
  }, kPatience)) << "hem's chains reach the hub's heads through withheld links";
  std::map<std::string, std::vector<v1::EventCore::BodyCase>> kinds;
  for (const char* origin : {"caudry", "maubeuge"}) {
    v1::ReadEventsRequest request;
    request.set_origin(origin);
    v1::ReadEventsResponse response;
    grpc::ClientContext read_context;
    ASSERT_TRUE(v1::NodeService::NewStub(Channel("hem"))->ReadEvents(&read_context, request, &response).ok());
    for (const v1::EventRecord& record : response.events()) {
      v1::EventCore core;
      ASSERT_TRUE(core.ParseFromString(record.core()));
      kinds[origin].push_back(core.body_case());
    }
  }
  EXPECT_EQ(kinds["caudry"], std::vector<v1::EventCore::BodyCase>(
                                 {v1::EventCore::kStockReceived, v1::EventCore::kTransferShipped}));
  EXPECT_EQ(kinds["maubeuge"],
            std::vector<v1::EventCore::BodyCase>{v1::EventCore::kTransferReceived});
  const v1::TransferView at_hem = transfer_at("hem", id);
  EXPECT_EQ(at_hem.state(), v1::TransferView::RECEIVED);
  v1::TransferView movements = at_hub;  // the goods as they moved, without the request
  movements.clear_items();
  movements.clear_note();
  movements.clear_proposed_by();
  // Why what arrived differs is for the two parties (the reception's personal part).
  for (v1::ReceivedLine& line : *movements.mutable_received()) line.clear_reason();
  EXPECT_EQ(at_hem.SerializeAsString(), movements.SerializeAsString())
      << "what Maubeuge asked for, and why its goods differ, stay between the two";
  ASSERT_EQ(at_hub.received_size(), 1);
  EXPECT_EQ(at_hub.received(0).reason(), "un carton de 10 manquant") << "the hub holds it";
}

TEST_F(NetworkTest, TheHubShowsTheEventsItHoldsFromACentre) {
  StartHub();
  StartNode("hem");
  const testing::Shop shop = OpenShop("hem");  // 4 events
  auto till = v1::TillService::NewStub(Channel("hem"));
  v1::RecordSaleResponse sale;
  ASSERT_TRUE(Sell(*till, shop, "shown-at-the-hub", &sale).ok());
  ASSERT_TRUE(WaitFor([&] { return HubHolds("hem") == sale.seq(); }, kPatience));
  int exit_code = -1;
  const std::string listing = RunCli(
      {"--hub", AdminAddress("hub"), "events", "--from-hub", "--origin", "hem", "--from", "5"},
      &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_NE(listing.find("hem/5 "), std::string::npos) << listing;
  EXPECT_NE(listing.find("sale_recorded"), std::string::npos) << listing;
  // The same bytes as at the centre.
  v1::ReadEventsRequest request;
  request.set_origin("hem");
  v1::ReadEventsResponse at_hub;
  v1::ReadEventsResponse at_hem;
  grpc::ClientContext hub_context;
  ASSERT_TRUE(v1::HubService::NewStub(Channel("hub"))->ReadEvents(&hub_context, request, &at_hub).ok());
  grpc::ClientContext hem_context;
  ASSERT_TRUE(v1::NodeService::NewStub(Channel("hem"))->ReadEvents(&hem_context, request, &at_hem).ok());
  ASSERT_EQ(at_hub.events_size(), 5);
  ASSERT_EQ(at_hem.events_size(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(at_hub.events(i).core(), at_hem.events(i).core());
  request.set_origin("Not a site");
  grpc::ClientContext bad_context;
  EXPECT_EQ(v1::HubService::NewStub(Channel("hub"))->ReadEvents(&bad_context, request, &at_hub).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(NetworkTest, TheCliExplainsRefusalsAndUnreachableDaemons) {
  StartNode("hem");
  const testing::Shop shop = OpenShop("hem");
  int exit_code = -1;
  std::string out = RunCli({"--node", daemons_["hem"].address, "sale", "--family", shop.family_id,
                            "--line", shop.product_id + ":2", "--json"},
                           &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_NE(out.find("\"seq\":\"5\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"receipt_no\":\"HEM-"), std::string::npos) << out;
  RunCli({"--node", daemons_["hem"].address, "sale", "--family", shop.family_id, "--line",
          shop.product_id + ":0"},
         &exit_code);
  EXPECT_EQ(exit_code, 1) << "a refused sale is an error";
  RunCli({"--node", "127.0.0.1:" + std::to_string(PickFreePort()), "--timeout", "1", "sync",
          "status"},
         &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_EQ(NodeStatus("hem").own_seq(), 5u) << "the refused sale wrote nothing";
}

}  // namespace
}  // namespace comptoir
