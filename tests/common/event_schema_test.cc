// The event schema keeps personal data out of the chained, replicated core
// (events.proto), and the README's "Event schema" says of every field whether
// it is core or personal:
//   - every string of EventCore, at any depth, is in kCoreStrings: an id, a
//     code, a day or a label from a list; a new name or free text fails here;
//   - the README's table names every field of the core's messages and of
//     PersonalPart, and no other;
//   - through the real till and RocksDB, the texts people type (names, first
//     names, reasons, comments) land in personal parts and in no core.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/keys.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"
#include "node/notice.h"
#include "node/till.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// What a string of the core may be.
enum class CoreString {
  kId,     // a record's or a site's id: "HEM-000123", "hem", "EPI-LAIT-1L"
  kCode,   // a code a machine or a list gives: a barcode, a postcode, a hash
  kDay,    // a civil day "YYYY-MM-DD"
  kLabel,  // a label from a list or the network's own configuration (a
           // product's name, a workshop's theme): never about a person
};

// Every string field the core may hold, by "Message.field". A field not here
// fails the test: decide whether it is personal (PersonalPart) or one of these.
const std::map<std::string, CoreString>& CoreStrings() {
  static const auto* strings = new std::map<std::string, CoreString>{
      {"EventCore.origin", CoreString::kId},
      {"EventCore.operator_id", CoreString::kId},
      {"SaleRecorded.family_id", CoreString::kId},
      {"SaleRecorded.request_id", CoreString::kId},
      {"SaleRecorded.receipt_no", CoreString::kId},
      {"SaleRecorded.day", CoreString::kDay},
      {"SaleLine.product_id", CoreString::kId},
      {"RecordedLine.product_id", CoreString::kId},
      {"RecordedLine.department", CoreString::kCode},
      {"RecordedLine.product_name", CoreString::kLabel},
      {"LotTake.lot_id", CoreString::kId},
      {"SaleVoided.receipt_no", CoreString::kId},
      {"SaleVoided.day", CoreString::kDay},
      {"SaleVoided.family_id", CoreString::kId},
      {"SaleVoided.sale_day", CoreString::kDay},
      {"FamilyRegistered.family_id", CoreString::kId},
      {"FamilyRegistered.reste_a_vivre_band", CoreString::kLabel},
      {"FamilyRegistered.postcode", CoreString::kCode},
      {"FamilyRegistered.day", CoreString::kDay},
      {"FamilyRegistered.notice_version", CoreString::kCode},
      {"FamilyUpdated.family_id", CoreString::kId},
      {"FamilyUpdated.reste_a_vivre_band", CoreString::kLabel},
      {"FamilyUpdated.postcode", CoreString::kCode},
      {"FamilyUpdated.notice_version", CoreString::kCode},
      {"FamilyUpdated.notice_day", CoreString::kDay},
      {"ReferralGranted.referral_id", CoreString::kId},
      {"ReferralGranted.family_id", CoreString::kId},
      {"ReferralGranted.prescriber_id", CoreString::kId},
      {"ReferralGranted.start_day", CoreString::kDay},
      {"ReferralGranted.end_day", CoreString::kDay},
      {"ReferralRenewed.referral_id", CoreString::kId},
      {"ReferralRenewed.family_id", CoreString::kId},
      {"ReferralRenewed.end_day", CoreString::kDay},
      {"ReferralRenewed.day", CoreString::kDay},
      {"ReferralEnded.referral_id", CoreString::kId},
      {"ReferralEnded.family_id", CoreString::kId},
      {"ReferralEnded.end_day", CoreString::kDay},
      {"Department.code", CoreString::kCode},
      {"Department.name", CoreString::kLabel},
      {"Product.product_id", CoreString::kId},
      {"Product.name", CoreString::kLabel},
      {"Product.department", CoreString::kCode},
      {"Product.unit", CoreString::kLabel},
      {"Product.barcode", CoreString::kCode},
      {"Product.defined_by", CoreString::kId},
      {"Prescriber.prescriber_id", CoreString::kId},
      {"Prescriber.name", CoreString::kLabel},
      {"Donor.donor_id", CoreString::kId},
      {"Donor.name", CoreString::kLabel},
      {"StockReceived.lot_id", CoreString::kId},
      {"StockReceived.product_id", CoreString::kId},
      {"StockReceived.donor_id", CoreString::kId},
      {"StockReceived.lot_number", CoreString::kCode},
      {"StockReceived.expiry_day", CoreString::kDay},
      {"StockReceived.received_day", CoreString::kDay},
      {"StockAdjusted.product_id", CoreString::kId},
      {"StockAdjusted.lot_id", CoreString::kId},
      {"StockAdjusted.day", CoreString::kDay},
      {"WorkshopScheduled.workshop_id", CoreString::kId},
      {"WorkshopScheduled.theme", CoreString::kLabel},
      {"WorkshopScheduled.day", CoreString::kDay},
      {"WorkshopRegistered.workshop_id", CoreString::kId},
      {"WorkshopRegistered.family_id", CoreString::kId},
      {"WorkshopAttended.workshop_id", CoreString::kId},
      {"WorkshopAttended.family_id", CoreString::kId},
      {"TransferProposed.transfer_id", CoreString::kId},
      {"TransferProposed.source", CoreString::kId},
      {"TransferProposed.destination", CoreString::kId},
      {"TransferItem.product_id", CoreString::kId},
      {"TransferAnswered.transfer_id", CoreString::kId},
      {"TransferCancelled.transfer_id", CoreString::kId},
      {"TransferShipped.transfer_id", CoreString::kId},
      {"TransferShipped.source", CoreString::kId},
      {"TransferShipped.destination", CoreString::kId},
      {"TransferShipped.day", CoreString::kDay},
      {"ShippedLot.product_id", CoreString::kId},
      {"ShippedLot.lot_id", CoreString::kId},
      {"ShippedLot.donor_id", CoreString::kId},
      {"ShippedLot.lot_number", CoreString::kCode},
      {"ShippedLot.expiry_day", CoreString::kDay},
      {"TransferReceived.transfer_id", CoreString::kId},
      {"TransferReceived.source", CoreString::kId},
      {"TransferReceived.destination", CoreString::kId},
      {"TransferReceived.day", CoreString::kDay},
      {"ReceivedItem.product_id", CoreString::kId},
      {"SurplusMarked.lot_id", CoreString::kId},
      {"SurplusMarked.product_id", CoreString::kId},
      {"MinimumSet.product_id", CoreString::kId},
      {"RunningCostsSet.site", CoreString::kId},
      {"AccountCreated.account_id", CoreString::kId},
      {"AccountCreated.login", CoreString::kId},
      {"AccountCreated.site", CoreString::kId},
      {"AccountChanged.account_id", CoreString::kId},
      {"PasswordSet.account_id", CoreString::kId},
      {"PasswordSet.password_hash", CoreString::kCode},
      {"FamilyErased.family_id", CoreString::kId},
      {"FamilyErased.day", CoreString::kDay},
  };
  return *strings;
}

// Every field of `message` and of the messages it holds, once, by
// "Message.field", with its descriptor.
void Walk(const Descriptor* message, std::set<const Descriptor*>& seen,
          std::map<std::string, const FieldDescriptor*>& fields) {
  if (!seen.insert(message).second) return;
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    fields[message->name() + "." + field->name()] = field;
    if (field->message_type() != nullptr && !field->is_map()) {
      Walk(field->message_type(), seen, fields);
    }
  }
}

std::map<std::string, const FieldDescriptor*> FieldsOf(const Descriptor* root) {
  std::set<const Descriptor*> seen;
  std::map<std::string, const FieldDescriptor*> fields;
  Walk(root, seen, fields);
  return fields;
}

TEST(EventSchema, EveryStringOfTheCoreIsAnIdACodeADayOrALabel) {
  for (const auto& [name, field] : FieldsOf(v1::EventCore::descriptor())) {
    if (field->type() != FieldDescriptor::TYPE_STRING) continue;
    EXPECT_TRUE(CoreStrings().count(name))
        << name << " is a string in the core, chained and sent to every centre for good: if a "
        << "person can type it (a name, a reason, a note), it belongs in PersonalPart; if it is "
        << "an id, a code, a day or a label from a list, add it to CoreStrings()";
  }
  // And the allowlist names no field that is gone.
  const auto fields = FieldsOf(v1::EventCore::descriptor());
  for (const auto& [name, kind] : CoreStrings()) {
    EXPECT_TRUE(fields.count(name)) << name << " is no longer a field of the core";
  }
}

// The rows of the README's "Event schema" section: "| `Message.field` | core | ... |".
std::map<std::string, std::string> ReadmeSchemaRows() {
  std::ifstream in(std::string(COMPTOIR_SOURCE_DIR) + "/README.md");
  EXPECT_TRUE(in.good()) << "README.md not found";
  std::map<std::string, std::string> rows;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "## ")) in_section = line == "## Event schema";
    if (!in_section || !absl::StartsWith(line, "| `")) continue;
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    if (cells.size() < 4) continue;
    std::string name(absl::StripAsciiWhitespace(cells[1]));
    name = std::string(absl::StripSuffix(absl::StripPrefix(name, "`"), "`"));
    EXPECT_FALSE(rows.count(name)) << name << " is twice in the README's table";
    rows[name] = std::string(absl::StripAsciiWhitespace(cells[2]));
  }
  return rows;
}

TEST(EventSchema, TheReadmeSaysOfEveryFieldWhetherItIsCoreOrPersonal) {
  const std::map<std::string, std::string> rows = ReadmeSchemaRows();
  ASSERT_FALSE(rows.empty()) << "README.md has no \"## Event schema\" table";
  std::map<std::string, std::string> expected;
  for (const auto& [name, field] : FieldsOf(v1::EventCore::descriptor())) expected[name] = "core";
  for (const auto& [name, field] : FieldsOf(v1::PersonalPart::descriptor())) {
    expected[name] = "personal";
  }
  for (const auto& [name, where] : expected) {
    auto row = rows.find(name);
    if (row == rows.end()) {
      ADD_FAILURE() << "the README's event schema misses " << name << " (" << where << ")";
    } else {
      EXPECT_EQ(row->second, where) << name;
    }
  }
  for (const auto& [name, where] : rows) {
    EXPECT_TRUE(expected.count(name)) << "the README's event schema names " << name
                                      << ", which is no field of an event";
  }
}

// 2026-03-10 12:00 in Paris.
constexpr int64_t kTuesdayNoon = 1773140400000;

TEST(EventSchema, WhatPeopleTypeAtTheTillLandsInPersonalPartsNeverInACore) {
  testing::TempDir dir;
  auto node = NodeStore::Open({"hem", dir.Sub("hem"), [] { return kTuesdayNoon; }, ""});
  ASSERT_TRUE(node.ok()) << node.status();
  Till till(node->get());

  const std::vector<std::string> typed = {"Zébulonesque", "Anastasiabelle", "Théodoricus",
                                          "déménagement à Zanzibar", "erreur de caisse chez Zoé",
                                          "boîtes cabossées par Ignatius"};
  v1::RegisterFamilyRequest family;
  family.set_notice_version(std::string(CurrentNoticeVersion()));
  family.set_family_name(typed[0]);
  family.set_household_type(v1::SINGLE_PARENT);
  family.add_income_sources(v1::RSA);
  for (const std::string& first : {typed[1], typed[2]}) {
    v1::MemberInput* member = family.add_members();
    member->set_first_name(first);
    member->set_sex(v1::FEMALE);
    member->set_birth_year(1990);
  }
  auto registered = till.RegisterFamily(family);
  ASSERT_TRUE(registered.ok()) << registered.status();

  v1::GrantReferralRequest grant;
  grant.set_family_id(registered->family_id());
  grant.set_prescriber_id("ccas-roubaix");
  grant.set_end_day("2026-06-30");
  auto referral = till.GrantReferral(grant);
  ASSERT_TRUE(referral.ok()) << referral.status();

  v1::DefineLocalProductRequest product;
  product.set_name("Riz 1 kg");
  product.set_department("epicerie");
  product.set_reference_price_cents(1299);
  auto rice = till.DefineLocalProduct(product);
  ASSERT_TRUE(rice.ok()) << rice.status();
  v1::ReceiveStockRequest receive;
  receive.set_product_id(rice->product_id());
  receive.set_quantity(10);
  receive.set_donor_id("fondation-carrefour");
  ASSERT_TRUE(till.ReceiveStock(receive).ok());

  v1::RecordSaleRequest sale;
  sale.set_family_id(registered->family_id());
  sale.set_payment_method(v1::CASH);
  v1::SaleLineRequest* line = sale.add_items();
  line->set_product_id(rice->product_id());
  line->set_quantity(1);
  auto sold = till.RecordSale(sale);
  ASSERT_TRUE(sold.ok()) << sold.status();
  v1::VoidSaleRequest void_sale;
  void_sale.set_receipt_no(sold->receipt_no());
  void_sale.set_reason(typed[4]);
  ASSERT_TRUE(till.VoidSale(void_sale).ok());

  v1::AdjustStockRequest adjust;
  adjust.set_product_id(rice->product_id());
  adjust.set_delta(-2);
  adjust.set_reason(v1::OTHER_ADJUSTMENT);
  adjust.set_comment(typed[5]);
  auto adjusted = till.AdjustStock(adjust);
  ASSERT_TRUE(adjusted.ok()) << adjusted.status();

  v1::EndReferralRequest end;
  end.set_referral_id(referral->referral_id());
  end.set_reason(typed[3]);
  ASSERT_TRUE(till.EndReferral(end).ok());

  // Every core, as stored: none holds what was typed; every one is format 2.
  const Store& store = (*node)->store();
  size_t cores = 0;
  ASSERT_TRUE(store
                  .Scan(Column::kEvents, "", "",
                        [&](absl::string_view key, absl::string_view bytes) {
                          ++cores;
                          for (const std::string& text : typed) {
                            EXPECT_EQ(bytes.find(text), absl::string_view::npos)
                                << "the core " << key << " holds « " << text << " »";
                          }
                          v1::EventCore core;
                          EXPECT_TRUE(core.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
                          EXPECT_EQ(core.format(), kEventFormat) << key;
                          return true;
                        })
                  .ok());
  EXPECT_GE(cores, 8u);
  // Each text is in a personal part.
  std::string personal_parts;
  ASSERT_TRUE(store
                  .Scan(Column::kPersonal, "", "",
                        [&](absl::string_view, absl::string_view bytes) {
                          personal_parts.append(bytes.data(), bytes.size());
                          return true;
                        })
                  .ok());
  for (const std::string& text : typed) {
    EXPECT_NE(personal_parts.find(text), std::string::npos) << "« " << text << " » is in no personal part";
  }
}

}  // namespace
}  // namespace comptoir
