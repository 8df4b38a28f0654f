// comptoir catalogue ... | stock ... | hub define-...
#include "absl/strings/str_cat.h"
#include "common/money.h"
#include "comptoir/v1/hub.grpc.pb.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "node/cli/cli_commands.h"
#include "node/cli/cli_enums.h"

namespace comptoir::cli {
namespace {

void PrintCatalogue(const v1::Catalogue& catalogue) {
  std::cout << "Rayons :\n";
  for (const auto& d : catalogue.departments()) {
    std::cout << "  " << d.code() << "  " << d.name() << "  remise " << d.discount_bp() / 100
              << (d.discount_bp() % 100 ? absl::StrCat(",", d.discount_bp() % 100) : "") << " %"
              << (d.serves_persons() ? "  (prestation à une personne)" : "") << "\n";
  }
  std::cout << "Produits :\n";
  if (catalogue.products().empty()) std::cout << "  (aucun)\n";
  for (const auto& p : catalogue.products()) {
    std::cout << "  " << p.product_id() << "  " << p.name() << "  " << p.department() << "  "
              << FormatEuros(p.reference_price_cents()) << "/" << p.unit()
              << (p.barcode().empty() ? "" : "  code " + p.barcode())
              << (p.withdrawn() ? "  (retiré)" : "") << "\n";
  }
  std::cout << "Prescripteurs :";
  for (const auto& p : catalogue.prescribers()) std::cout << "  " << p.prescriber_id();
  std::cout << "\nDonateurs :";
  for (const auto& d : catalogue.donors()) std::cout << "  " << d.donor_id();
  std::cout << "\n";
}

void PrintLot(const v1::Lot& lot) {
  std::cout << "  lot " << lot.lot_id() << "  " << lot.remaining() << "/" << lot.quantity_received();
  if (lot.expiry_kind() != v1::EXPIRY_KIND_UNSPECIFIED) {
    std::cout << "  " << (lot.expiry_kind() == v1::DLC ? "DLC " : "DDM ") << lot.expiry_day();
  }
  if (!lot.donor_id().empty()) std::cout << "  don " << lot.donor_id();
  if (!lot.lot_number().empty()) std::cout << "  n° " << lot.lot_number();
  std::cout << "  reçu le " << lot.received_day() << "\n";
}

void PrintLevel(const v1::StockLevel& level) {
  std::cout << level.product().product_id() << "  " << level.product().name() << " : "
            << level.quantity() << " en stock\n";
  for (const auto& lot : level.lots()) PrintLot(lot);
}

}  // namespace

void AddStockCommands(CLI::App& app, CLI::App& hub, const Globals& globals, int& result) {
  CLI::App* catalogue = app.add_subcommand("catalogue", "Departments, products, prescribers, donors");
  static bool from_hub = false;
  catalogue->add_flag("--from-hub", from_hub, "The hub's catalogue instead of the node's copy");
  catalogue->callback([&, catalogue] {
    if (!catalogue->get_subcommands().empty()) return;
    result = from_hub ? Call<v1::HubService>(globals, globals.hub, &v1::HubService::Stub::GetCatalogue,
                                             v1::GetCatalogueRequest(), PrintCatalogue)
                      : Call<v1::TillService>(globals, globals.node,
                                              &v1::TillService::Stub::GetCatalogue,
                                              v1::GetCatalogueRequest(), PrintCatalogue);
  });
  static std::string name;
  static std::string department;
  static std::string price;
  static std::string unit;
  static std::string barcode;
  CLI::App* local = catalogue->add_subcommand("add-local", "Add an item of this centre only");
  local->add_option("--name", name, "Name shown at the till")->required();
  local->add_option("--department", department, "Department code, e.g. pret-a-porter")->required();
  local->add_option("--price", price, "Shop price in euros, e.g. 45,00")->required();
  local->add_option("--unit", unit, "pièce, kg, litre...");
  local->add_option("--barcode", barcode, "Code a scanner reads");
  local->callback([&] {
    v1::DefineLocalProductRequest request;
    request.set_name(name);
    request.set_department(department);
    int64_t cents = 0;
    if (!ParseAmount(price, &cents)) {
      result = Usage("--price " + price + ": expected an amount in euros, e.g. 12,50");
      return;
    }
    request.set_reference_price_cents(cents);
    request.set_unit(unit);
    request.set_barcode(barcode);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::DefineLocalProduct,
                                   request, [](const v1::Product& product) {
                                     std::cout << "Article " << product.product_id() << " créé.\n";
                                   });
  });

  CLI::App* stock = app.add_subcommand("stock", "This centre's stock lots");
  stock->require_subcommand(1);
  static std::string product;
  static int64_t quantity = 0;
  static std::string donor;
  static std::string lot_number;
  static std::string dlc;
  static std::string ddm;
  CLI::App* receive = stock->add_subcommand("receive", "Receive a donation (one lot)");
  receive->add_option("--product", product, "Product id");
  receive->add_option("--barcode", barcode, "Or the product's barcode");
  receive->add_option("--quantity", quantity, "Units")->required();
  receive->add_option("--donor", donor, "Donor id, e.g. fondation-kiabi");
  receive->add_option("--lot-number", lot_number, "The supplier's lot number");
  auto* dlc_option = receive->add_option("--dlc", dlc, "Use-by date YYYY-MM-DD (never sold after)");
  receive->add_option("--ddm", ddm, "Best-before date YYYY-MM-DD")->excludes(dlc_option);
  receive->callback([&] {
    v1::ReceiveStockRequest request;
    request.set_product_id(product);
    request.set_barcode(barcode);
    request.set_quantity(quantity);
    request.set_donor_id(donor);
    request.set_lot_number(lot_number);
    if (!dlc.empty()) {
      request.set_expiry_kind(v1::DLC);
      request.set_expiry_day(dlc);
    } else if (!ddm.empty()) {
      request.set_expiry_kind(v1::DDM);
      request.set_expiry_day(ddm);
    }
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::ReceiveStock,
                                   request, [](const v1::Lot& lot) {
                                     std::cout << "Reçu :\n";
                                     PrintLot(lot);
                                   });
  });

  static std::string lot;
  static int64_t delta = 0;
  static int reason = 0;
  static std::string comment;
  CLI::App* adjust = stock->add_subcommand("adjust", "Correct the stock (stocktake, expired, damaged)");
  adjust->add_option("--product", product, "Product id")->required();
  adjust->add_option("--lot", lot, "Lot id (required for expired units)");
  adjust->add_option("--delta", delta, "Units to add (+) or remove (-)")->required();
  adjust->add_option("--reason", reason, "stocktake, expired, damaged or other")
      ->transform(CLI::CheckedTransformer(AdjustmentWords(), CLI::ignore_case))
      ->required();
  adjust->add_option("--comment", comment, "Free text");
  adjust->callback([&] {
    v1::AdjustStockRequest request;
    request.set_product_id(product);
    request.set_lot_id(lot);
    request.set_delta(delta);
    request.set_reason(static_cast<v1::AdjustmentReason>(reason));
    request.set_comment(comment);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::AdjustStock,
                                   request, PrintLevel);
  });

  static uint32_t within = 0;
  CLI::App* show = stock->add_subcommand("show", "Stock per product, lots earliest expiry first");
  show->add_option("--product", product, "One product only");
  show->add_option("--expiring-within", within, "Only lots whose date is within N days");
  show->callback([&] {
    v1::GetStockRequest request;
    request.set_product_id(product);
    request.set_expiring_within_days(within);
    result = Call<v1::TillService>(globals, globals.node, &v1::TillService::Stub::GetStock, request,
                                   [](const v1::StockReport& report) {
                                     if (report.products().empty()) {
                                       std::cout << (within > 0 ? "aucun lot n'arrive à sa date dans ce délai\n"
                                                                : "stock vide\n");
                                     }
                                     for (const auto& level : report.products()) PrintLevel(level);
                                   });
  });

  // Network configuration, on the hub.
  static std::string code;
  static double discount = 0;
  static bool serves_persons = false;
  CLI::App* define_department = hub.add_subcommand("define-department", "Add or change a department");
  define_department->add_option("--code", code, "e.g. esthetique")->required();
  define_department->add_option("--name", name, "e.g. \"Soins esthétiques\"")->required();
  define_department->add_option("--discount", discount, "Discount in percent, e.g. 70")->required();
  define_department->add_flag("--serves-persons", serves_persons,
                              "Lines name the household member served");
  define_department->callback([&] {
    v1::Department request;
    request.set_code(code);
    request.set_name(name);
    request.set_discount_bp(static_cast<uint32_t>(discount * 100 + 0.5));
    request.set_serves_persons(serves_persons);
    result = Call<v1::HubService>(globals, globals.hub, &v1::HubService::Stub::DefineDepartment,
                                  request, [](const v1::Department& d) {
                                    std::cout << "Department " << d.code() << " published.\n";
                                  });
  });

  static bool untracked = false;
  static bool withdrawn = false;
  CLI::App* define_product = hub.add_subcommand("define-product", "Add or change a catalogue product");
  define_product->add_option("--id", code, "e.g. EPI-LAIT-1L")->required();
  define_product->add_option("--name", name, "Name shown at the till")->required();
  define_product->add_option("--department", department, "Department code")->required();
  define_product->add_option("--price", price, "Shop price in euros")->required();
  define_product->add_option("--unit", unit, "pièce, kg, litre, prestation...");
  define_product->add_option("--barcode", barcode, "Code a scanner reads");
  define_product->add_flag("--untracked", untracked, "A service without stock (haircut)");
  define_product->add_flag("--withdrawn", withdrawn, "No longer sold");
  define_product->callback([&] {
    v1::Product request;
    request.set_product_id(code);
    request.set_name(name);
    request.set_department(department);
    int64_t cents = 0;
    if (!ParseAmount(price, &cents)) {
      result = Usage("--price " + price + ": expected an amount in euros, e.g. 1,09");
      return;
    }
    request.set_reference_price_cents(cents);
    request.set_unit(unit);
    request.set_barcode(barcode);
    request.set_untracked(untracked);
    request.set_withdrawn(withdrawn);
    result = Call<v1::HubService>(globals, globals.hub, &v1::HubService::Stub::DefineProduct,
                                  request, [](const v1::Product& p) {
                                    std::cout << "Product " << p.product_id() << " published.\n";
                                  });
  });

  CLI::App* define_prescriber = hub.add_subcommand("define-prescriber", "Add or rename a prescriber");
  define_prescriber->add_option("--id", code, "e.g. ccas-wattrelos")->required();
  define_prescriber->add_option("--name", name, "e.g. \"CCAS de Wattrelos\"")->required();
  define_prescriber->callback([&] {
    v1::Prescriber request;
    request.set_prescriber_id(code);
    request.set_name(name);
    result = Call<v1::HubService>(globals, globals.hub, &v1::HubService::Stub::DefinePrescriber,
                                  request, [](const v1::Prescriber& p) {
                                    std::cout << "Prescriber " << p.prescriber_id() << " published.\n";
                                  });
  });

  CLI::App* define_donor = hub.add_subcommand("define-donor", "Add or rename a donor");
  define_donor->add_option("--id", code, "e.g. banque-alimentaire")->required();
  define_donor->add_option("--name", name, "e.g. \"Banque alimentaire du Nord\"")->required();
  define_donor->callback([&] {
    v1::Donor request;
    request.set_donor_id(code);
    request.set_name(name);
    result = Call<v1::HubService>(globals, globals.hub, &v1::HubService::Stub::DefineDonor, request,
                                  [](const v1::Donor& d) {
                                    std::cout << "Donor " << d.donor_id() << " published.\n";
                                  });
  });
}

}  // namespace comptoir::cli
