#include "tests/testing/shop.h"

#include "common/civil_day.h"
#include "common/status_macros.h"
#include "node/notice.h"

namespace comptoir::testing {

absl::StatusOr<Shop> OpenShop(Till& till) {
  Shop shop;
  v1::RegisterFamilyRequest family;
  family.set_notice_version(std::string(CurrentNoticeVersion()));
  family.set_family_name("Martin");
  family.set_household_type(v1::SINGLE_PARENT);
  family.add_income_sources(v1::RSA);
  v1::MemberInput* member = family.add_members();
  member->set_first_name("Sophie");
  member->set_sex(v1::FEMALE);
  member->set_birth_year(1988);
  ASSIGN_OR_RETURN(v1::FamilyView registered, till.RegisterFamily(family));
  shop.family_id = registered.family_id();
  v1::GrantReferralRequest referral;
  referral.set_family_id(shop.family_id);
  referral.set_prescriber_id("ccas-hem");
  referral.set_end_day(AddDays(till.node()->Today(), 180).value());
  RETURN_IF_ERROR(till.GrantReferral(referral).status());
  v1::DefineLocalProductRequest product;
  product.set_name("Riz 1 kg");
  product.set_department("epicerie");
  product.set_reference_price_cents(189);
  ASSIGN_OR_RETURN(v1::Product defined, till.DefineLocalProduct(product));
  shop.product_id = defined.product_id();
  v1::ReceiveStockRequest stock;
  stock.set_product_id(shop.product_id);
  stock.set_quantity(1000000);
  RETURN_IF_ERROR(till.ReceiveStock(stock).status());
  return shop;
}

absl::StatusOr<v1::RecordSaleResponse> SellAt(Till& till, const Shop& shop, int64_t quantity,
                                              const std::string& request_id) {
  v1::RecordSaleRequest request;
  request.set_family_id(shop.family_id);
  request.set_request_id(request_id);
  v1::SaleLine* line = request.add_lines();
  line->set_product_id(shop.product_id);
  line->set_quantity(quantity);
  return till.RecordSale(request);
}

absl::Status AppendRawSale(NodeStore& node, int64_t quantity) {
  return node.Execute([&](CommandContext& ctx) {
    v1::EventCore core;
    v1::SaleRecorded* sale = core.mutable_sale_recorded();
    sale->set_family_id("FAM-1");
    v1::SaleLine* line = sale->add_lines();
    line->set_product_id("P");
    line->set_quantity(quantity);
    return ctx.Append(std::move(core), nullptr).status();
  });
}

}  // namespace comptoir::testing
