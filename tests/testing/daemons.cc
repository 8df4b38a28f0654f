#include "tests/testing/daemons.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/civil_day.h"
#include "node/notice.h"

namespace comptoir::testing {
namespace {

constexpr absl::Duration kStartPatience = absl::Seconds(60);

void SetDeadline(grpc::ClientContext* context, int seconds = 10) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

std::string Quote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace

DaemonNetwork::DaemonNetwork(Binaries binaries)
    : binaries_(std::move(binaries)),
      hub_address_("127.0.0.1:" + std::to_string(PickFreePort())) {
  std::filesystem::create_directories(dir_.Sub("data"));
}

DaemonNetwork::~DaemonNetwork() {
  for (auto& [name, daemon] : daemons_) {
    if (daemon.process && daemon.process->running()) daemon.process->Stop(SIGKILL);
  }
}

bool DaemonNetwork::Start(const std::string& name, std::vector<std::string> argv,
                          std::string* error) {
  const std::string ready = dir_.Sub(name + ".addr");
  std::filesystem::remove(ready);
  argv.push_back("--ready-file");
  argv.push_back(ready);
  Daemon& daemon = daemons_[name];
  daemon.process = std::make_unique<Subprocess>(argv, dir_.Sub(name + ".log"));
  bool exited = false;
  const bool started =
      daemon.process->Start() && WaitFor(
                                     [&] {
                                       int status = 0;
                                       if (daemon.process->Exited(&status)) exited = true;
                                       return exited || !ReadFile(ready).empty();
                                     },
                                     kStartPatience);
  if (!started || exited) {
    if (error != nullptr) *error = absl::StrCat(name, " did not start; its log:\n", Log(name));
    return false;
  }
  daemon.address = std::string(absl::StripAsciiWhitespace(ReadFile(ready)));
  return true;
}

bool DaemonNetwork::StartHub(const std::vector<std::string>& extra, std::string* error) {
  // The dashboard on any free port: its default (the gRPC port + 1000) might be taken.
  std::vector<std::string> argv = {binaries_.hub, "--data",        DataDir("hub"),  "--listen",
                                   hub_address_,  "--http-listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Start("hub", argv, error);
}

std::string DaemonNetwork::HubAdminAddress() const { return AdminSocketOf(DataDir("hub")); }

bool DaemonNetwork::StartNode(const std::string& site, const std::vector<std::string>& extra,
                              std::string* error) {
  std::string listen = "127.0.0.1:0";
  std::string hub = hub_address_;
  if (auto placed = placements_.find(site); placed != placements_.end()) {
    std::tie(listen, hub) = placed->second;
  }
  std::vector<std::string> argv = {binaries_.node, "--site", site, "--data", DataDir(site),
                                   "--listen",     listen,   "--hub", hub};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return StartNodeProcess(site, argv, DataDir(site), error);
}

bool DaemonNetwork::StartNodeProcess(const std::string& name, std::vector<std::string> argv,
                                     const std::string& data_dir, std::string* error) {
  if (!Start(name, std::move(argv), error)) return false;
  // The tests act as the centre's administrator, through its socket.
  Daemon& daemon = daemons_[name];
  daemon.tcp_address = daemon.address;
  daemon.address = AdminSocketOf(data_dir);
  return true;
}

std::string AdminSocketOf(const std::string& data_dir) {
  return "unix:" + data_dir + "/comptoir.sock";
}

void DaemonNetwork::PlaceNode(const std::string& site, const std::string& listen,
                              const std::string& hub) {
  placements_[site] = {listen, hub};
}

bool DaemonNetwork::Stop(const std::string& name) {
  auto it = daemons_.find(name);
  if (it == daemons_.end() || !it->second.process || !it->second.process->running()) return false;
  const int status = it->second.process->Stop(SIGTERM);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void DaemonNetwork::Kill(const std::string& name) {
  auto it = daemons_.find(name);
  if (it != daemons_.end() && it->second.process && it->second.process->running()) {
    it->second.process->Stop(SIGKILL);
  }
}

bool DaemonNetwork::Running(const std::string& name) const {
  auto it = daemons_.find(name);
  return it != daemons_.end() && it->second.process && it->second.process->running();
}

std::shared_ptr<grpc::Channel> DaemonNetwork::Channel(const std::string& name) {
  // A channel of its own: a node restarted on the same socket must not be
  // reached through a connection of gRPC's shared pool still backing off
  // from the previous process.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // The hub's services answer the tests as its administrator, through its socket.
  const std::string address = name == "hub" ? HubAdminAddress() : daemons_[name].address;
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

Shop DaemonNetwork::OpenShop(const std::string& name) {
  auto till = v1::TillService::NewStub(Channel(name));
  return OpenShopThrough(*till);
}

Shop OpenShopThrough(v1::TillService::Stub& stub) {
  v1::TillService::Stub* till = &stub;
  Shop shop;
  {
    v1::RegisterFamilyRequest request;
    request.set_notice_version(std::string(CurrentNoticeVersion()));
    request.set_family_name("Lefebvre");
    request.set_household_type(v1::SINGLE_PARENT);
    request.add_income_sources(v1::RSA);
    v1::MemberInput* member = request.add_members();
    member->set_first_name("Nadia");
    member->set_sex(v1::FEMALE);
    member->set_birth_year(1985);
    v1::FamilyView family;
    grpc::ClientContext context;
    SetDeadline(&context);
    if (till->RegisterFamily(&context, request, &family).ok()) shop.family_id = family.family_id();
  }
  {
    v1::GrantReferralRequest request;
    request.set_family_id(shop.family_id);
    request.set_prescriber_id("ccas-hem");
    request.set_end_day(*AddDays(ParisDay(absl::ToUnixMillis(absl::Now())), 90));
    v1::ReferralView referral;
    grpc::ClientContext context;
    SetDeadline(&context);
    till->GrantReferral(&context, request, &referral);
  }
  {
    v1::DefineLocalProductRequest request;
    request.set_name("Lait demi-écrémé 1 L");
    request.set_department("epicerie");
    request.set_reference_price_cents(109);
    v1::Product product;
    grpc::ClientContext context;
    SetDeadline(&context);
    if (till->DefineLocalProduct(&context, request, &product).ok()) {
      shop.product_id = product.product_id();
    }
  }
  {
    v1::ReceiveStockRequest request;
    request.set_product_id(shop.product_id);
    request.set_quantity(1000000);
    request.set_donor_id("leclerc");
    v1::Lot lot;
    grpc::ClientContext context;
    SetDeadline(&context);
    till->ReceiveStock(&context, request, &lot);
  }
  return shop;
}

grpc::Status DaemonNetwork::Sell(const std::string& name, const Shop& shop,
                                 const std::string& request_id, v1::RecordSaleResponse* response) {
  v1::RecordSaleRequest request;
  request.set_family_id(shop.family_id);
  request.set_request_id(request_id);
  auto* line = request.add_lines();
  line->set_product_id(shop.product_id);
  line->set_quantity(1);
  v1::RecordSaleResponse ignored;
  grpc::ClientContext context;
  SetDeadline(&context, 20);
  return v1::TillService::NewStub(Channel(name))
      ->RecordSale(&context, request, response != nullptr ? response : &ignored);
}

std::map<std::string, uint64_t> DaemonNetwork::SalesAt(const std::string& name) {
  v1::SalesSummary summary;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status =
      name == "hub"
          ? v1::HubService::NewStub(Channel(name))->GetSalesSummary(&context, {}, &summary)
          : v1::NodeService::NewStub(Channel(name))->GetSalesSummary(&context, {}, &summary);
  std::map<std::string, uint64_t> sales;
  if (!status.ok()) return sales;
  for (const auto& row : summary.origins()) sales[row.origin()] = row.sales();
  return sales;
}

v1::SyncStatus DaemonNetwork::NodeStatus(const std::string& name) {
  v1::SyncStatus status;
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::NodeService::NewStub(Channel(name))->GetSyncStatus(&context, {}, &status);
  return status;
}

v1::HubStatus DaemonNetwork::HubStatus() {
  v1::HubStatus status;
  grpc::ClientContext context;
  SetDeadline(&context);
  v1::HubService::NewStub(Channel("hub"))->GetHubStatus(&context, {}, &status);
  return status;
}

std::string DaemonNetwork::RunCli(const std::vector<std::string>& args, int* exit_code) {
  std::vector<std::string> argv = {binaries_.cli};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, exit_code);
}

std::string DaemonNetwork::Run(const std::vector<std::string>& argv, int* exit_code) {
  std::string command;
  for (const auto& arg : argv) absl::StrAppend(&command, Quote(arg), " ");
  command += "2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pipe != nullptr ? pclose(pipe) : -1;
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

}  // namespace comptoir::testing
