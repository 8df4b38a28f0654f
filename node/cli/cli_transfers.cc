// comptoir transfer ... | surplus ... | minimum | needs
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "comptoir/v1/hub.grpc.pb.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "node/cli/cli_commands.h"

namespace comptoir::cli {
namespace {

const char* StateWord(v1::TransferView::State state) {
  switch (state) {
    case v1::TransferView::PROPOSED: return "proposé";
    case v1::TransferView::ACCEPTED: return "accepté";
    case v1::TransferView::DECLINED: return "refusé";
    case v1::TransferView::CANCELLED: return "annulé";
    case v1::TransferView::SHIPPED: return "en transit";
    case v1::TransferView::RECEIVED: return "reçu";
    default: return "?";
  }
}

void PrintTransfer(const v1::TransferView& t) {
  std::cout << t.transfer_id() << "  " << t.source() << " -> " << t.destination() << "  "
            << StateWord(t.state()) << "  ("
            << (t.proposed_by() == t.destination() ? "demande" : "offre") << ")\n";
  for (const auto& item : t.items()) {
    std::cout << "  demandé/offert : " << item.product_id() << " x" << item.quantity() << "\n";
  }
  for (const auto& lot : t.shipped()) {
    std::cout << "  expédié " << t.shipped_day() << " : " << lot.product_id() << " x" << lot.quantity()
              << " (lot " << lot.lot_id();
    if (!lot.expiry_day().empty()) std::cout << ", " << (lot.expiry_kind() == v1::DLC ? "DLC " : "DDM ") << lot.expiry_day();
    if (!lot.donor_id().empty()) std::cout << ", don " << lot.donor_id();
    std::cout << ")\n";
  }
  for (const auto& item : t.received()) {
    std::cout << "  reçu " << t.received_day() << " : " << item.product_id() << " arrivés " << item.arrived()
              << ", abîmés " << item.damaged() << (item.reason().empty() ? "" : " — " + item.reason()) << "\n";
  }
  if (!t.reason().empty() && t.received().empty()) std::cout << "  motif : " << t.reason() << "\n";
}

void PrintTransfers(const v1::ListTransfersResponse& response) {
  if (response.transfers().empty()) std::cout << "aucun transfert\n";
  for (const auto& t : response.transfers()) PrintTransfer(t);
}

void PrintSurplus(const v1::ListSurplusResponse& response) {
  if (response.surplus().empty()) std::cout << "aucun surplus\n";
  for (const auto& s : response.surplus()) {
    std::cout << s.site() << "  " << s.product_id() << "  " << s.product_name() << "  x" << s.quantity()
              << "  lot " << s.lot_id();
    if (!s.expiry_day().empty()) std::cout << "  jusqu'au " << s.expiry_day();
    std::cout << "\n";
  }
}

void PrintNeeds(const v1::ListNeedsResponse& response) {
  if (response.needs().empty()) std::cout << "aucun besoin\n";
  for (const auto& n : response.needs()) {
    std::cout << n.site() << "  " << n.product_id() << "  " << n.product_name() << " : " << n.stock()
              << " en stock, minimum " << n.minimum() << ", manque " << n.missing() << "\n";
  }
}

// "PRODUCT:QUANTITY".
bool ParseItem(const std::string& text, v1::TransferItem* item) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  int64_t quantity = 0;
  if (parts.size() != 2 || parts[0].empty() || !absl::SimpleAtoi(parts[1], &quantity)) return false;
  item->set_product_id(parts[0]);
  item->set_quantity(quantity);
  return true;
}

}  // namespace

void AddTransferCommands(CLI::App& app, const Globals& globals, int& result) {
  CLI::App* transfer = app.add_subcommand("transfer", "Move stock between centres");
  transfer->require_subcommand(1);
  static std::string other;
  static std::vector<std::string> items;
  static std::string note;
  auto propose = [&](v1::ProposeTransferRequest::Kind kind) {
    v1::ProposeTransferRequest request;
    request.set_kind(kind);
    request.set_other_site(other);
    request.set_note(note);
    for (const std::string& text : items) {
      if (!ParseItem(text, request.add_items())) {
        result = Usage("--item " + text + ": expected PRODUCT:QUANTITY");
        return;
      }
    }
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::ProposeTransfer,
                                   request, PrintTransfer);
  };
  CLI::App* ask = transfer->add_subcommand("request", "Ask another centre for goods");
  ask->add_option("--from", other, "The centre that has them, e.g. caudry")->required();
  ask->add_option("--item", items, "PRODUCT:QUANTITY (repeatable)")->required();
  ask->add_option("--note", note, "Free text");
  ask->callback([propose] { propose(v1::ProposeTransferRequest::REQUEST); });
  CLI::App* offer = transfer->add_subcommand("offer", "Offer goods to another centre");
  offer->add_option("--to", other, "The centre that lacks them, e.g. maubeuge")->required();
  offer->add_option("--item", items, "PRODUCT:QUANTITY (repeatable)")->required();
  offer->add_option("--note", note, "Free text");
  offer->callback([propose] { propose(v1::ProposeTransferRequest::OFFER); });

  static std::string id;
  static std::string reason;
  for (const bool accept : {true, false}) {
    CLI::App* answer = transfer->add_subcommand(accept ? "accept" : "decline",
                                                accept ? "Accept a request or an offer" : "Decline it");
    answer->add_option("transfer", id, "Transfer id, e.g. CAU-T-000007")->required();
    answer->add_option("--reason", reason, "Why");
    answer->callback([&, accept] {
      v1::AnswerTransferRequest request;
      request.set_transfer_id(id);
      request.set_accept(accept);
      request.set_reason(reason);
      result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::AnswerTransfer,
                                     request, PrintTransfer);
    });
  }
  CLI::App* cancel = transfer->add_subcommand("cancel", "Give up before shipping");
  cancel->add_option("transfer", id, "Transfer id")->required();
  cancel->add_option("--reason", reason, "Why");
  cancel->callback([&] {
    v1::CancelTransferRequest request;
    request.set_transfer_id(id);
    request.set_reason(reason);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::CancelTransfer,
                                   request, PrintTransfer);
  });
  CLI::App* ship = transfer->add_subcommand("ship", "Take the goods out of stock (earliest expiry first)");
  ship->add_option("transfer", id, "Transfer id")->required();
  ship->callback([&] {
    v1::ShipTransferRequest request;
    request.set_transfer_id(id);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::ShipTransfer,
                                   request, PrintTransfer);
  });
  static std::vector<std::string> arrived;
  CLI::App* receive = transfer->add_subcommand("receive", "Record what actually arrived");
  receive->add_option("transfer", id, "Transfer id")->required();
  receive->add_option("--item", arrived,
                      "PRODUCT:ARRIVED[:DAMAGED] (default: everything shipped, in good condition)");
  receive->add_option("--reason", reason, "Why it differs from what was shipped");
  receive->callback([&] {
    v1::ReceiveTransferRequest request;
    request.set_transfer_id(id);
    for (const std::string& text : arrived) {
      std::vector<std::string> parts = absl::StrSplit(text, ':');
      v1::ReceiveItemRequest* item = request.add_items();
      int64_t got = 0;
      int64_t damaged = 0;
      if (parts.size() < 2 || parts.size() > 3 || !absl::SimpleAtoi(parts[1], &got) ||
          (parts.size() == 3 && !absl::SimpleAtoi(parts[2], &damaged))) {
        result = Usage("--item " + text + ": expected PRODUCT:ARRIVED[:DAMAGED]");
        return;
      }
      item->set_product_id(parts[0]);
      item->set_arrived(got);
      item->set_damaged(damaged);
      item->set_reason(reason);
    }
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::ReceiveTransfer,
                                   request, PrintTransfer);
  });
  static std::string site;
  static bool open_only = false;
  static bool from_hub = false;
  CLI::App* list = transfer->add_subcommand("list", "Transfer history (of a centre, or the network)");
  list->add_option("--site", site, "Only transfers from or to this centre");
  list->add_flag("--open", open_only, "Only those not yet received, cancelled or declined");
  list->add_flag("--from-hub", from_hub, "Ask the hub (the whole network)");
  list->callback([&] {
    v1::ListTransfersRequest request;
    request.set_site(site);
    request.set_open_only(open_only);
    result = from_hub ? Call<v1::HubService>(globals, globals.hub, &v1::HubService::Stub::ListTransfers,
                                             request, PrintTransfers)
                      : Call<v1::TillService>(globals, globals.node,
                                              &v1::TillService::Stub::ListTransfers, request,
                                              PrintTransfers);
  });

  CLI::App* surplus = app.add_subcommand("surplus", "Surplus stock offered to other centres");
  surplus->require_subcommand(1);
  static std::string lot;
  static int64_t quantity = 0;
  CLI::App* mark = surplus->add_subcommand("mark", "Mark units of a lot as surplus (0 to unmark)");
  mark->add_option("lot", lot, "Lot id, e.g. CAU-L-000012")->required();
  mark->add_option("--quantity", quantity, "Units offered")->required();
  mark->callback([&] {
    v1::MarkSurplusRequest request;
    request.set_lot_id(lot);
    request.set_quantity(quantity);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::MarkSurplus, request,
                                   [](const v1::Lot& l) { std::cout << "Lot " << l.lot_id() << " signalé.\n"; });
  });
  CLI::App* show = surplus->add_subcommand("list", "The network's surplus: what, where, how much, until when");
  show->add_flag("--from-hub", from_hub, "Ask the hub");
  show->callback([&] {
    result = from_hub ? Call<v1::HubService>(globals, globals.hub, &v1::HubService::Stub::ListSurplus,
                                             v1::ListSurplusRequest(), PrintSurplus)
                      : Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::ListSurplus,
                                              v1::ListSurplusRequest(), PrintSurplus);
  });

  static std::string product;
  static int64_t minimum = 0;
  CLI::App* set_minimum = app.add_subcommand("minimum", "Units of a product this centre wants to keep");
  set_minimum->add_option("product", product, "Product id")->required();
  set_minimum->add_option("units", minimum, "Minimum (0: none)")->required();
  set_minimum->callback([&] {
    v1::SetMinimumRequest request;
    request.set_product_id(product);
    request.set_minimum(minimum);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::SetMinimum, request,
                                   [](const v1::Need& n) {
                                     std::cout << n.product_id() << " : minimum " << n.minimum()
                                               << ", en stock " << n.stock() << "\n";
                                   });
  });
  CLI::App* needs = app.add_subcommand("needs", "What centres lack (stock below their minimum)");
  needs->add_flag("--from-hub", from_hub, "Ask the hub");
  needs->callback([&] {
    result = from_hub ? Call<v1::HubService>(globals, globals.hub, &v1::HubService::Stub::ListNeeds,
                                             v1::ListNeedsRequest(), PrintNeeds)
                      : Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::ListNeeds,
                                              v1::ListNeedsRequest(), PrintNeeds);
  });
}

}  // namespace comptoir::cli
