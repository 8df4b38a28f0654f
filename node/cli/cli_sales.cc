// comptoir sale | void | receipt | receipts
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/money.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "node/cli/cli_commands.h"
#include "node/cli/cli_enums.h"

namespace comptoir::cli {
namespace {

// "PRODUCT[:QUANTITY[:MEMBER]]"; false if a number is malformed.
bool ParseLine(const std::string& text, v1::SaleLineRequest* item, bool barcode) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  if (parts.empty() || parts.size() > 3 || parts[0].empty()) return false;
  if (barcode) {
    item->set_barcode(parts[0]);
  } else {
    item->set_product_id(parts[0]);
  }
  int64_t quantity = 1;
  if (parts.size() >= 2 && !absl::SimpleAtoi(parts[1], &quantity)) return false;
  item->set_quantity(quantity);
  uint32_t member = 0;
  if (parts.size() == 3 && !absl::SimpleAtoi(parts[2], &member)) return false;
  item->set_member_id(member);
  return true;
}

}  // namespace

void AddSaleCommands(CLI::App& app, const Globals& globals, int& result) {
  static std::string family;
  static std::vector<std::string> lines;
  static std::vector<std::string> barcodes;
  static std::string request_id;
  static int payment = v1::PAYMENT_METHOD_UNSPECIFIED;
  static bool allow_negative = false;
  CLI::App* sale = app.add_subcommand("sale", "Record a sale at the node's till; prints the receipt");
  sale->add_option("--family", family, "Family card id, e.g. HEM-000123")->required();
  sale->add_option("--line", lines, "PRODUCT[:QUANTITY[:MEMBER]] (member served, hair salon)");
  sale->add_option("--barcode", barcodes, "BARCODE[:QUANTITY[:MEMBER]], as a scanner reads it");
  sale->add_option("--payment", payment, "cash, card, cheque or other")
      ->transform(CLI::CheckedTransformer(PaymentWords(), CLI::ignore_case));
  sale->add_flag("--allow-negative-stock", allow_negative,
                 "The volunteer confirms selling more than the recorded stock");
  sale->add_option("--request-id", request_id,
                   "Idempotency key: retrying with it never records twice");
  sale->callback([&] {
    v1::RecordSaleRequest request;
    request.set_family_id(family);
    request.set_request_id(request_id);
    request.set_payment_method(static_cast<v1::PaymentMethod>(payment));
    request.set_allow_negative_stock(allow_negative);
    for (const std::string& line : lines) {
      if (!ParseLine(line, request.add_items(), false)) {
        result = Usage("--line " + line + ": expected PRODUCT[:QUANTITY[:MEMBER]]");
        return;
      }
    }
    for (const std::string& code : barcodes) {
      if (!ParseLine(code, request.add_items(), true)) {
        result = Usage("--barcode " + code + ": expected BARCODE[:QUANTITY[:MEMBER]]");
        return;
      }
    }
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::RecordSale,
                                   request, [](const v1::RecordSaleResponse& response) {
                                     if (response.duplicate()) std::cout << "(already recorded)\n";
                                     for (const auto& warning : response.warnings()) {
                                       std::cout << "ATTENTION : " << warning << "\n";
                                     }
                                     std::cout << response.receipt_text();
                                   });
  });

  static std::string receipt_no;
  static std::string reason;
  CLI::App* void_sale = app.add_subcommand("void", "Cancel a sale of this centre (reversing event)");
  void_sale->add_option("receipt", receipt_no, "Receipt number, e.g. HEM-2026-000451")->required();
  void_sale->add_option("--reason", reason, "Why (kept with the event)")->required();
  void_sale->callback([&] {
    v1::VoidSaleRequest request;
    request.set_receipt_no(receipt_no);
    request.set_reason(reason);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::VoidSale, request,
                                   [](const v1::VoidSaleResponse& response) {
                                     std::cout << "Vente " << response.receipt_no()
                                               << " annulée.\n";
                                   });
  });

  CLI::App* receipt = app.add_subcommand("receipt", "Print the receipt of a sale again");
  receipt->add_option("receipt", receipt_no, "Receipt number")->required();
  receipt->callback([&] {
    v1::GetReceiptRequest request;
    request.set_receipt_no(receipt_no);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::GetReceipt,
                                   request,
                                   [](const v1::Receipt& response) { std::cout << response.text(); });
  });

  static std::string day;
  CLI::App* receipts = app.add_subcommand("receipts", "This centre's receipts of a day, newest first");
  receipts->add_option("--day", day, "YYYY-MM-DD (default: today, Europe/Paris)");
  receipts->callback([&] {
    v1::ListReceiptsRequest request;
    request.set_day(day);
    request.set_limit(200);
    result = Call<v1::TillService>(
        globals, globals.node, &v1::TillService::Stub::ListReceipts, request,
        [](const v1::ListReceiptsResponse& response) {
          if (response.receipts().empty()) std::cout << "Aucune vente ce jour-là.\n";
          for (const v1::ReceiptSummary& receipt : response.receipts()) {
            std::cout << receipt.time() << "  " << receipt.receipt_no() << "  " << receipt.family_id()
                      << "  " << receipt.family_name() << "  "
                      << FormatEuros(receipt.family_total_cents())
                      << (receipt.voided() ? "  annulé" : "") << "\n";
          }
          if (!response.next_before().empty()) std::cout << "(les 200 dernières seulement)\n";
        });
  });
}

}  // namespace comptoir::cli
