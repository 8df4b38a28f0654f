#include "tests/generator/play_network.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "comptoir/v1/hub.grpc.pb.h"
#include "node/node_store.h"
#include "node/sync_client.h"
#include "tests/testing/test_util.h"

namespace comptoir::generator {

namespace {

constexpr absl::Duration kSettlePatience = absl::Seconds(120);

struct Centre {
  std::unique_ptr<NodeStore> store;
  std::unique_ptr<Till> till;
  std::unique_ptr<SyncClient> sync;
  SyncClient::Options sync_options;

  void Connect() {
    sync = std::make_unique<SyncClient>(store.get(), sync_options);
    SyncClient* client = sync.get();
    store->SetLocalAppendListener([client] { client->NotifyLocalAppend(); });
    sync->Start();
  }
  void Disconnect() {
    if (!sync) return;
    store->SetLocalAppendListener(nullptr);
    sync->Stop();
    sync.reset();
  }
};

absl::StatusOr<std::string> ReadToken(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\n' || token.back() == ' ' || token.back() == '\r')) {
    token.pop_back();
  }
  if (token.empty()) return absl::NotFoundError(absl::StrCat("no credential in ", path));
  return token;
}

}  // namespace

absl::StatusOr<Facts> PlayNetwork(const ActivityOptions& activity, const NetworkOptions& network) {
  auto clock_ms = std::make_shared<std::atomic<int64_t>>(0);
  std::map<std::string, Centre> centres;
  std::map<std::string, Till*> tills;
  for (const std::string& site : network.sites) {
    const std::string site_dir = absl::StrCat(network.dir, "/", site);
    std::error_code error;
    if (std::filesystem::exists(site_dir, error)) {
      return absl::AlreadyExistsError(absl::StrCat(
          site_dir, " already exists: the generator plays on new centres only (the ground truth "
                    "would not count what is already there); choose another --data"));
    }
    Centre& centre = centres[site];
    NodeStore::Options options;
    options.site = site;
    options.dir = site_dir;
    options.clock = [clock_ms] { return clock_ms->load(); };
    ASSIGN_OR_RETURN(centre.store, NodeStore::Open(options));
    centre.till = std::make_unique<Till>(centre.store.get());
    centre.sync_options.hub_address = network.hub_address;
    centre.sync_options.max_backoff = absl::Milliseconds(200);
    if (!network.token_dir.empty()) {
      ASSIGN_OR_RETURN(centre.sync_options.token,
                       ReadToken(absl::StrCat(network.token_dir, "/", site)));
    }
    centre.Connect();
    tills[site] = centre.till.get();
  }
  auto hub = v1::HubService::NewStub(grpc::CreateChannel(
      network.hub_admin_address.empty() ? network.hub_address : network.hub_admin_address,
      grpc::InsecureChannelCredentials()));

  // Settled: the hub holds every event of `sites`, and each of them holds
  // every event of the others.
  auto settled = [&](const std::vector<std::string>& sites) -> bool {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::HubStatus hub_status;
    if (!hub->GetHubStatus(&context, v1::GetHubStatusRequest(), &hub_status).ok()) return false;
    auto held = [](const google::protobuf::RepeatedPtrField<v1::OriginCount>& origins,
                   const std::string& site) -> uint64_t {
      for (const v1::OriginCount& origin : origins) {
        if (origin.origin() == site) return origin.seq();
      }
      return 0;
    };
    std::map<std::string, v1::SyncStatus> nodes;
    for (const std::string& site : sites) {
      absl::StatusOr<v1::SyncStatus> node = centres[site].store->Status();
      if (!node.ok() || held(hub_status.origins(), site) != node->own_seq()) return false;
      nodes[site] = *std::move(node);
    }
    for (const auto& [site, node] : nodes) {
      for (const auto& [other, other_node] : nodes) {
        if (other != site && held(node.origins(), other) != other_node.own_seq()) return false;
      }
    }
    return true;
  };

  NetworkHooks hooks;
  hooks.set_time = [clock_ms](int64_t unix_ms) { clock_ms->store(unix_ms); };
  hooks.set_online = [&](const std::string& site, bool online) {
    if (online) {
      centres[site].Connect();
    } else {
      centres[site].Disconnect();
    }
    return absl::OkStatus();
  };
  hooks.settle = [&](const std::vector<std::string>& sites) -> absl::Status {
    if (testing::WaitFor([&] { return settled(sites); }, kSettlePatience)) return absl::OkStatus();
    return absl::DeadlineExceededError(
        absl::StrCat("the network did not sync within ", absl::FormatDuration(kSettlePatience),
                     " (is the hub at ", network.hub_address, " running?)"));
  };
  absl::StatusOr<Facts> facts = PlayActivity(activity, tills, hooks);
  for (auto& [site, centre] : centres) centre.Disconnect();
  return facts;
}

}  // namespace comptoir::generator
