// comptoir: the command-line client of a centre's node and of the hub. It only
// talks to the daemons' gRPC APIs; it never opens their databases.
//
//   comptoir sale --family HEM-000123 --line EPI-LAIT-1L:2 --line EPI-PATES:1
//   comptoir sync status --json
//   comptoir hub status --hub 127.0.0.1:7400
//
// Exit status: 0 done, 1 the daemon refused or could not be reached, 2 bad usage.
#include <grpcpp/grpcpp.h>
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/event_codec.h"
#include "common/hlc.h"
#include "common/sha256.h"
#include "comptoir/v1/hub.grpc.pb.h"
#include "comptoir/v1/till.grpc.pb.h"

namespace {

struct Globals {
  std::string node = "127.0.0.1:7401";
  std::string hub = "127.0.0.1:7400";
  bool json = false;
  double timeout_seconds = 10;
};

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::shared_ptr<grpc::Channel> Connect(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

void SetDeadline(grpc::ClientContext* context, const Globals& globals) {
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(
                            globals.timeout_seconds * 1000)));
}

int Fail(const grpc::Status& status, const std::string& address) {
  std::string hint;
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    hint = absl::StrCat(" (is the daemon running at ", address, "?)");
  }
  std::fprintf(stderr, "error: %s%s [%s]\n", status.error_message().c_str(), hint.c_str(),
               absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())).c_str());
  return 1;
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

std::string FormatTime(int64_t unix_ms) {
  if (unix_ms == 0) return "never";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Z", absl::FromUnixMillis(unix_ms),
                          absl::LocalTimeZone());
}

int RecordSale(const Globals& globals, const std::string& family,
               const std::vector<std::string>& lines, const std::string& request_id) {
  comptoir::v1::RecordSaleRequest request;
  request.set_family_id(family);
  request.set_request_id(request_id);
  for (const std::string& text : lines) {
    const std::string::size_type colon = text.rfind(':');
    int64_t quantity = 1;
    std::string product = text;
    if (colon != std::string::npos) {
      product = text.substr(0, colon);
      if (!absl::SimpleAtoi(text.substr(colon + 1), &quantity)) {
        std::fprintf(stderr, "error: line '%s': quantity after ':' must be a whole number\n",
                     text.c_str());
        return 2;
      }
    }
    comptoir::v1::SaleLine* line = request.add_lines();
    line->set_product_id(product);
    line->set_quantity(quantity);
  }
  auto stub = comptoir::v1::TillService::NewStub(Connect(globals.node));
  grpc::ClientContext context;
  SetDeadline(&context, globals);
  comptoir::v1::RecordSaleResponse response;
  grpc::Status status = stub->RecordSale(&context, request, &response);
  if (!status.ok()) return Fail(status, globals.node);
  if (globals.json) {
    std::cout << ToJson(response) << "\n";
  } else {
    std::cout << (response.duplicate() ? "Sale already recorded as " : "Sale recorded as ")
              << response.origin() << "/" << response.seq() << "\n";
  }
  return 0;
}

int SyncStatus(const Globals& globals) {
  auto stub = comptoir::v1::NodeService::NewStub(Connect(globals.node));
  grpc::ClientContext context;
  SetDeadline(&context, globals);
  comptoir::v1::SyncStatus status;
  grpc::Status rpc = stub->GetSyncStatus(&context, comptoir::v1::GetSyncStatusRequest(), &status);
  if (!rpc.ok()) return Fail(rpc, globals.node);
  if (globals.json) {
    std::cout << ToJson(status) << "\n";
    return 0;
  }
  std::cout << "site:              " << status.site() << "\n"
            << "hub:               "
            << (status.hub_address().empty() ? "none configured" : status.hub_address()) << "\n"
            << "connected:         " << (status.connected() ? "yes" : "no") << "\n"
            << "last contact:      " << FormatTime(status.last_contact_unix_ms()) << "\n"
            << "own seq:           " << status.own_seq() << "\n"
            << "acknowledged:      " << status.acked_high_water() << "\n"
            << "waiting to send:   " << status.pending_push() << "\n"
            << "hub cursor:        " << status.hub_cursor() << "\n";
  if (!status.last_error().empty()) std::cout << "last error:        " << status.last_error() << "\n";
  for (const auto& origin : status.origins()) {
    std::cout << "  events from " << origin.origin() << ": " << origin.seq() << "\n";
  }
  return 0;
}

void PrintSales(const comptoir::v1::SalesSummary& summary) {
  if (summary.origins().empty()) std::cout << "no sales yet\n";
  for (const auto& row : summary.origins()) {
    std::cout << row.origin() << ": " << row.sales() << (row.sales() == 1 ? " sale, " : " sales, ")
              << row.units() << (row.units() == 1 ? " unit\n" : " units\n");
  }
}

int Sales(const Globals& globals, bool from_hub) {
  comptoir::v1::SalesSummary summary;
  grpc::ClientContext context;
  SetDeadline(&context, globals);
  grpc::Status rpc;
  if (from_hub) {
    rpc = comptoir::v1::HubService::NewStub(Connect(globals.hub))
              ->GetSalesSummary(&context, {}, &summary);
  } else {
    rpc = comptoir::v1::NodeService::NewStub(Connect(globals.node))
              ->GetSalesSummary(&context, {}, &summary);
  }
  if (!rpc.ok()) return Fail(rpc, from_hub ? globals.hub : globals.node);
  if (globals.json) {
    std::cout << ToJson(summary) << "\n";
  } else {
    PrintSales(summary);
  }
  return 0;
}

int Events(const Globals& globals, const std::string& origin, uint64_t from, uint32_t limit) {
  auto stub = comptoir::v1::NodeService::NewStub(Connect(globals.node));
  grpc::ClientContext context;
  SetDeadline(&context, globals);
  comptoir::v1::ReadEventsRequest request;
  request.set_origin(origin);
  request.set_from_seq(from);
  request.set_limit(limit);
  comptoir::v1::ReadEventsResponse response;
  grpc::Status rpc = stub->ReadEvents(&context, request, &response);
  if (!rpc.ok()) return Fail(rpc, globals.node);
  std::vector<std::string> json_rows;
  for (const auto& record : response.events()) {
    absl::StatusOr<comptoir::DecodedEvent> event = comptoir::DecodeRecord(record);
    if (!event.ok()) {
      std::fprintf(stderr, "error: %s\n", std::string(event.status().message()).c_str());
      return 1;
    }
    if (globals.json) {
      json_rows.push_back(absl::StrCat("{\"hash\":\"", comptoir::ToHex(event->hash),
                                       "\",\"core\":", ToJson(event->core), "}"));
      continue;
    }
    const auto& core = event->core;
    std::cout << core.origin() << "/" << core.seq() << "  "
              << FormatTime(comptoir::HybridClock::PhysicalMillis(core.hlc())) << "  "
              << comptoir::ToHex(event->hash).substr(0, 12) << "  ";
    if (core.has_sale_recorded()) {
      std::cout << "sale to " << core.sale_recorded().family_id() << ":";
      for (const auto& line : core.sale_recorded().lines()) {
        std::cout << " " << line.product_id() << "x" << line.quantity();
      }
    } else {
      std::cout << "(event kind unknown to this client)";
    }
    std::cout << "\n";
  }
  if (globals.json) std::cout << "[" << absl::StrJoin(json_rows, ",") << "]\n";
  return 0;
}

int HubStatus(const Globals& globals) {
  auto stub = comptoir::v1::HubService::NewStub(Connect(globals.hub));
  grpc::ClientContext context;
  SetDeadline(&context, globals);
  comptoir::v1::HubStatus status;
  grpc::Status rpc = stub->GetHubStatus(&context, {}, &status);
  if (!rpc.ok()) return Fail(rpc, globals.hub);
  if (globals.json) {
    std::cout << ToJson(status) << "\n";
    return 0;
  }
  std::cout << "hub epoch:  " << status.hub_epoch() << "\n"
            << "log head:   " << status.log_head() << "\n"
            << "connected:  "
            << (status.connected_sites().empty()
                    ? std::string("none")
                    : absl::StrJoin(status.connected_sites(), ", "))
            << "\n";
  for (const auto& origin : status.origins()) {
    std::cout << "  events from " << origin.origin() << ": " << origin.seq() << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Globals globals;
  globals.node = EnvOr("COMPTOIR_NODE", globals.node);
  globals.hub = EnvOr("COMPTOIR_HUB", globals.hub);
  CLI::App app{"comptoir: command-line client for a Comptoir centre (node) and the hub"};
  app.require_subcommand(1);
  app.add_option("--node", globals.node, "Node address (env COMPTOIR_NODE)")
      ->capture_default_str();
  app.add_option("--hub", globals.hub, "Hub address (env COMPTOIR_HUB)")->capture_default_str();
  app.add_flag("--json", globals.json, "Print JSON (protobuf JSON mapping) instead of text");
  app.add_option("--timeout", globals.timeout_seconds, "Seconds to wait for the daemon")
      ->capture_default_str();
  app.fallthrough();

  int result = 0;
  std::string family;
  std::vector<std::string> lines;
  std::string request_id;
  CLI::App* sale = app.add_subcommand("sale", "Record a sale at the node's till");
  sale->add_option("--family", family, "Family card id, e.g. HEM-000123")->required();
  sale->add_option("--line", lines, "PRODUCT[:QUANTITY], repeatable")->required();
  sale->add_option("--request-id", request_id,
                   "Idempotency key: retrying with it never records twice");
  sale->callback([&] { result = RecordSale(globals, family, lines, request_id); });

  CLI::App* sync = app.add_subcommand("sync", "Sync with the hub");
  sync->require_subcommand(1);
  sync->add_subcommand("status", "Where the node stands with the hub")
      ->callback([&] { result = SyncStatus(globals); });

  bool from_hub = false;
  CLI::App* sales = app.add_subcommand("sales", "Sales counted per origin");
  sales->add_flag("--from-hub", from_hub, "Ask the hub instead of the node");
  sales->callback([&] { result = Sales(globals, from_hub); });

  std::string origin;
  uint64_t from = 1;
  uint32_t limit = 20;
  CLI::App* events = app.add_subcommand("events", "Events a node holds from one origin");
  events->add_option("--origin", origin, "Site id, e.g. hem")->required();
  events->add_option("--from", from, "First seq")->capture_default_str();
  events->add_option("--limit", limit, "At most this many (max 1000)")->capture_default_str();
  events->callback([&] { result = Events(globals, origin, from, limit); });

  CLI::App* hub = app.add_subcommand("hub", "The hub");
  hub->require_subcommand(1);
  hub->add_subcommand("status", "The network log and what the hub holds from each centre")
      ->callback([&] { result = HubStatus(globals); });

  CLI11_PARSE(app, argc, argv);
  return result;
}
