// comptoir sync status | sales | events | hub status
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/event_codec.h"
#include "common/hlc.h"
#include "common/sha256.h"
#include "comptoir/v1/hub.grpc.pb.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "node/cli/cli_commands.h"

namespace comptoir::cli {
namespace {

void PrintSyncStatus(const v1::SyncStatus& status) {
  std::cout << "site:              " << status.site() << "\n"
            << "hub:               "
            << (status.hub_address().empty() ? "none configured" : status.hub_address()) << "\n"
            << "connected:         " << (status.connected() ? "yes" : "no") << "\n"
            << "last contact:      " << FormatTime(status.last_contact_unix_ms()) << "\n"
            << "own seq:           " << status.own_seq() << "\n"
            << "acknowledged:      " << status.acked_high_water() << "\n"
            << "waiting to send:   " << status.pending_push() << "\n"
            << "hub cursor:        " << status.hub_cursor() << "\n";
  if (status.recovering()) {
    std::cout << "RECOVERING:        getting this centre's history back from the hub; "
                 "the till is closed until then\n";
  }
  if (!status.last_error().empty()) std::cout << "last error:        " << status.last_error() << "\n";
  for (const auto& origin : status.origins()) {
    std::cout << "  events from " << origin.origin() << ": " << origin.seq() << "\n";
  }
}

void PrintSales(const v1::SalesSummary& summary) {
  if (summary.origins().empty()) std::cout << "no sales yet\n";
  for (const auto& row : summary.origins()) {
    std::cout << row.origin() << ": " << row.sales() << (row.sales() == 1 ? " sale, " : " sales, ")
              << row.units() << (row.units() == 1 ? " unit" : " units");
    if (row.voided() > 0) std::cout << ", " << row.voided() << " voided";
    std::cout << "\n";
  }
}

void PrintHubStatus(const v1::HubStatus& status) {
  std::cout << "hub epoch:  " << status.hub_epoch() << "\n"
            << "log head:   " << status.log_head() << "\n"
            << "connected:  "
            << (status.connected_sites().empty() ? std::string("none")
                                                 : absl::StrJoin(status.connected_sites(), ", "))
            << "\n";
  for (const auto& origin : status.origins()) {
    std::cout << "  events from " << origin.origin() << ": " << origin.seq() << "\n";
  }
}

int Events(const Globals& globals, bool from_hub, const std::string& origin, uint64_t from,
           uint32_t limit) {
  const std::string& address = from_hub ? globals.hub : globals.node;
  grpc::ClientContext context;
  SetDeadline(&context, globals);
  AttachSession(&context, globals, address);
  v1::ReadEventsRequest request;
  request.set_origin(origin);
  request.set_from_seq(from);
  request.set_limit(limit);
  v1::ReadEventsResponse response;
  grpc::Status rpc =
      from_hub ? v1::HubService::NewStub(Connect(address))->ReadEvents(&context, request, &response)
               : v1::NodeService::NewStub(Connect(address))->ReadEvents(&context, request, &response);
  if (!rpc.ok()) return Fail(rpc, address);
  std::vector<std::string> json_rows;
  for (const auto& record : response.events()) {
    absl::StatusOr<DecodedEvent> event = DecodeRecord(record);
    if (!event.ok()) return Usage(std::string(event.status().message()));
    if (globals.json) {
      json_rows.push_back(absl::StrCat("{\"hash\":\"", ToHex(event->hash),
                                       "\",\"core\":", ToJson(event->core()), "}"));
      continue;
    }
    const auto& core = event->core();
    const google::protobuf::FieldDescriptor* body =
        core.GetReflection()->GetOneofFieldDescriptor(core, core.GetDescriptor()->oneof_decl(0));
    std::cout << core.origin() << "/" << core.seq() << "  "
              << FormatTime(HybridClock::PhysicalMillis(core.hlc())) << "  "
              << ToHex(event->hash).substr(0, 12) << "  "
              << (body != nullptr ? body->name() : std::string("(kind unknown to this client)"))
              << "\n";
  }
  if (globals.json) std::cout << "[" << absl::StrJoin(json_rows, ",") << "]\n";
  return 0;
}

}  // namespace

void AddSyncCommands(CLI::App& app, CLI::App& hub, const Globals& globals, int& result) {
  CLI::App* sync = app.add_subcommand("sync", "Sync with the hub");
  sync->require_subcommand(1);
  sync->add_subcommand("status", "Where the node stands with the hub")->callback([&] {
    result = Call<v1::NodeService>(globals, globals.node, &v1::NodeService::Stub::GetSyncStatus,
                                   v1::GetSyncStatusRequest(), PrintSyncStatus);
  });

  static bool from_hub = false;
  CLI::App* sales = app.add_subcommand("sales", "Sales counted per origin");
  sales->add_flag("--from-hub", from_hub, "Ask the hub instead of the node");
  sales->callback([&] {
    result = from_hub ? Call<v1::HubService>(globals, globals.hub,
                                             &v1::HubService::Stub::GetSalesSummary,
                                             v1::GetSalesSummaryRequest(), PrintSales)
                      : Call<v1::NodeService>(globals, globals.node,
                                              &v1::NodeService::Stub::GetSalesSummary,
                                              v1::GetSalesSummaryRequest(), PrintSales);
  });

  static std::string origin;
  static uint64_t from = 1;
  static uint32_t limit = 20;
  CLI::App* events = app.add_subcommand("events", "Events a node holds from one origin");
  events->add_option("--origin", origin, "Site id, e.g. hem")->required();
  events->add_option("--from", from, "First seq")->capture_default_str();
  events->add_option("--limit", limit, "At most this many (max 1000)")->capture_default_str();
  static bool events_from_hub = false;
  events->add_flag("--from-hub", events_from_hub,
                   "Ask the hub instead of the node (on the hub's machine only)");
  events->callback([&] { result = Events(globals, events_from_hub, origin, from, limit); });

  hub.add_subcommand("health", "Each centre's sync health: contact, freshness, backlog")
      ->callback([&] {
        result = Call<v1::HubService>(
            globals, globals.hub, &v1::HubService::Stub::GetSyncHealth, v1::GetSyncHealthRequest(),
            [](const v1::SyncHealth& health) {
              std::cout << "log head: " << health.log_head() << "\n";
              for (const auto& site : health.sites()) {
                std::cout << site.site() << (site.connected() ? "  connected" : "  offline")
                          << "  last contact " << FormatTime(site.last_contact_unix_ms())
                          << "  latest event " << FormatTime(site.latest_event_unix_ms())
                          << "  held " << site.events_held() << "  lag " << site.lag_events()
                          << "  waiting to push " << site.pending_push() << "\n";
              }
            });
      });
  hub.add_subcommand("status", "The network log and what the hub holds from each centre")
      ->callback([&] {
        result = Call<v1::HubService>(globals, globals.hub, &v1::HubService::Stub::GetHubStatus,
                                      v1::GetHubStatusRequest(), PrintHubStatus);
      });
}

}  // namespace comptoir::cli
