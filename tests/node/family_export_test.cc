// A household's right of access (node/family_export.h), through the Till API
// over a real node store (RocksDB in a temporary directory): the export holds
// exactly what was recorded about the household, in order, named as people
// read it; a volunteer is refused; once the household's data is erased, no
// name is left in it.
#include "node/family_export.h"

#include <gtest/gtest.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "common/civil_day.h"
#include "common/roles.h"
#include "google/protobuf/util/json_util.h"
#include "node/accounts.h"
#include "node/notice.h"
#include "node/till.h"
#include "node/till_rpcs.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;

// 2026-03-10 12:00 in Paris (11:00 UTC).
constexpr int64_t kTuesdayNoon = 1773140400000;
constexpr int64_t kDay = 24 * 3600 * 1000;

class FamilyExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(ParisDay(kTuesdayNoon), "2026-03-10");
    auto node = NodeStore::Open({"hem", dir_.Sub("hem"), [this] { return *now_ms_; }, ""});
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = *std::move(node);
    accounts_ = std::make_unique<Accounts>(node_.get(), [this] { return *now_ms_; });
    auto coline = accounts_->CreateAccount("coline", v1::COORDINATOR, "un mot de passe solide",
                                           accounts_->Administrator());
    ASSERT_TRUE(coline.ok()) << coline.status();
    coordinator_.account_id = coline->account_id();
    coordinator_.role = v1::COORDINATOR;
    auto victor = accounts_->CreateAccount("victor", v1::VOLUNTEER, "un mot de passe solide",
                                           accounts_->Administrator());
    ASSERT_TRUE(victor.ok()) << victor.status();
    volunteer_.account_id = victor->account_id();
    volunteer_.role = v1::VOLUNTEER;
    till_ = std::make_unique<Till>(Till(node_.get()).As(coordinator_.account_id));
  }

  static v1::MemberInput Member(const char* first_name, v1::Sex sex, uint32_t year) {
    v1::MemberInput member;
    member.set_first_name(first_name);
    member.set_sex(sex);
    member.set_birth_year(year);
    return member;
  }

  std::string Product(const std::string& name, int64_t price_cents) {
    v1::DefineLocalProductRequest request;
    request.set_name(name);
    request.set_department("epicerie");
    request.set_reference_price_cents(price_cents);
    auto product = till_->DefineLocalProduct(request);
    EXPECT_TRUE(product.ok()) << product.status();
    v1::ReceiveStockRequest receive;
    receive.set_product_id(product->product_id());
    receive.set_quantity(50);
    receive.set_donor_id("fondation-carrefour");
    EXPECT_TRUE(till_->ReceiveStock(receive).ok());
    return product->product_id();
  }

  v1::RecordSaleResponse Sell(const std::string& family,
                              std::vector<std::pair<std::string, int64_t>> lines) {
    v1::RecordSaleRequest request;
    request.set_family_id(family);
    for (const auto& [product, quantity] : lines) {
      v1::SaleLineRequest* item = request.add_items();
      item->set_product_id(product);
      item->set_quantity(quantity);
    }
    request.set_payment_method(v1::CARD);
    auto sold = till_->RecordSale(request);
    EXPECT_TRUE(sold.ok()) << sold.status();
    return *sold;
  }

  absl::StatusOr<v1::FamilyExport> Export(const Session& caller, const std::string& family,
                                          bool html = true) {
    v1::ExportFamilyRequest request;
    request.set_family_id(family);
    request.set_html(html);
    return InvokeTillFor(*till_, caller, Action::kPersonalData, request, &Till::ExportFamily);
  }

  // Registers the Dupont household, changes it, refers it, and records three
  // sales over two months (the second voided); the referral ends last.
  void RecordAHouseholdsLife() {
    v1::RegisterFamilyRequest registration;
    registration.set_family_name("Dupont");
    *registration.add_members() = Member("Amélie", v1::FEMALE, 1990);
    *registration.add_members() = Member("Léo", v1::MALE, 2015);
    registration.set_household_type(v1::SINGLE_PARENT);
    registration.add_income_sources(v1::RSA);
    registration.set_reste_a_vivre_band("0-150");
    registration.set_postcode("59510");
    registration.set_notice_version(std::string(CurrentNoticeVersion()));
    auto family = till_->RegisterFamily(registration);
    ASSERT_TRUE(family.ok()) << family.status();
    family_ = family->family_id();

    *now_ms_ += kDay;  // 2026-03-11
    v1::UpdateFamilyRequest update;
    update.set_family_id(family_);
    update.set_family_name("Dupont-Martin");
    update.set_replace_members(true);
    *update.add_members() = Member("Amélie", v1::FEMALE, 1990);
    *update.add_members() = Member("Léo", v1::MALE, 2015);
    *update.add_members() = Member("Karim", v1::MALE, 1985);
    update.set_household_type(v1::COUPLE_WITH_CHILDREN);
    update.set_postcode("59100");
    ASSERT_TRUE(till_->UpdateFamily(update).ok());

    v1::GrantReferralRequest grant;
    grant.set_family_id(family_);
    grant.set_prescriber_id("ccas-roubaix");
    grant.set_end_day("2026-06-30");
    grant.set_monthly_ceiling_cents(6000);
    grant.set_project("Retrouver un emploi");
    auto referral = till_->GrantReferral(grant);
    ASSERT_TRUE(referral.ok()) << referral.status();
    referral_ = referral->referral_id();
    v1::RenewReferralRequest renew;
    renew.set_referral_id(referral_);
    renew.set_end_day("2026-09-30");
    renew.set_monthly_ceiling_cents(8000);
    ASSERT_TRUE(till_->RenewReferral(renew).ok());

    const std::string milk = Product("Lait demi-écrémé 1 L", 105);
    const std::string rice = Product("Riz 1 kg", 250);
    sales_.push_back(Sell(family_, {{milk, 2}, {rice, 1}}));
    *now_ms_ += 22 * kDay;  // 2026-04-02
    sales_.push_back(Sell(family_, {{rice, 3}}));
    v1::VoidSaleRequest void_request;
    void_request.set_receipt_no(sales_[1].receipt_no());
    void_request.set_reason("erreur de caisse");
    ASSERT_TRUE(till_->VoidSale(void_request).ok());
    sales_.push_back(Sell(family_, {{milk, 4}}));

    *now_ms_ += kDay;  // 2026-04-03
    v1::EndReferralRequest end;
    end.set_referral_id(referral_);
    end.set_reason("emploi retrouvé");
    ASSERT_TRUE(till_->EndReferral(end).ok());
  }

  std::shared_ptr<int64_t> now_ms_ = std::make_shared<int64_t>(kTuesdayNoon);
  TempDir dir_;
  std::unique_ptr<NodeStore> node_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Till> till_;
  Session coordinator_;
  Session volunteer_;
  std::string family_;
  std::string referral_;
  std::vector<v1::RecordSaleResponse> sales_;
};

TEST_F(FamilyExportTest, TheExportHoldsExactlyWhatWasRecorded) {
  ASSERT_NO_FATAL_FAILURE(RecordAHouseholdsLife());
  auto held = Export(coordinator_, absl::AsciiStrToLower(family_));  // typed in lower case
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->family_id(), family_);
  EXPECT_EQ(held->exported_day(), "2026-04-03");
  EXPECT_EQ(held->exported_centre(), "Hem");
  EXPECT_EQ(held->erased_day(), "");

  // Identity: as it stands now.
  const v1::ExportedIdentity& identity = held->identity();
  EXPECT_EQ(identity.family_name(), "Dupont-Martin");
  ASSERT_EQ(identity.members_size(), 3);
  EXPECT_EQ(identity.members(0).first_name(), "Amélie");
  EXPECT_EQ(identity.members(0).sex(), v1::FEMALE);
  EXPECT_EQ(identity.members(0).birth_year(), 1990u);
  EXPECT_EQ(identity.members(2).first_name(), "Karim");
  EXPECT_EQ(identity.household_type(), v1::COUPLE_WITH_CHILDREN);
  ASSERT_EQ(identity.income_sources_size(), 1);
  EXPECT_EQ(identity.income_sources(0), v1::RSA);
  EXPECT_EQ(identity.reste_a_vivre_band(), "0-150");
  EXPECT_EQ(identity.postcode(), "59100");
  EXPECT_EQ(identity.notice_version(), CurrentNoticeVersion());
  EXPECT_EQ(identity.notice_day(), "2026-03-10");
  EXPECT_EQ(identity.registered_centre(), "Hem");
  EXPECT_EQ(identity.registered_day(), "2026-03-10");

  // The situation's history, in order, each with its day, centre and person.
  ASSERT_EQ(held->history_size(), 2);
  const v1::SituationChange& registered = held->history(0);
  EXPECT_EQ(registered.kind(), v1::SituationChange::REGISTERED);
  EXPECT_EQ(registered.act().day(), "2026-03-10");
  EXPECT_EQ(registered.act().centre(), "Hem");
  EXPECT_EQ(registered.act().by(), "coline");
  EXPECT_EQ(registered.family_name(), "Dupont");
  ASSERT_EQ(registered.members_size(), 2);
  EXPECT_EQ(registered.members(1).first_name(), "Léo");
  EXPECT_EQ(registered.household_type(), v1::SINGLE_PARENT);
  EXPECT_EQ(registered.postcode(), "59510");
  EXPECT_EQ(registered.reste_a_vivre_band(), "0-150");
  EXPECT_FALSE(registered.names_not_held());
  const v1::SituationChange& updated = held->history(1);
  EXPECT_EQ(updated.kind(), v1::SituationChange::UPDATED);
  EXPECT_EQ(updated.act().day(), "2026-03-11");
  EXPECT_EQ(updated.family_name(), "Dupont-Martin");
  ASSERT_EQ(updated.members_size(), 3);
  EXPECT_EQ(updated.members(2).first_name(), "Karim");
  EXPECT_EQ(updated.household_type(), v1::COUPLE_WITH_CHILDREN);
  EXPECT_EQ(updated.postcode(), "59100");
  EXPECT_FALSE(updated.has_reste_a_vivre_band()) << "only what the update changed";
  EXPECT_FALSE(updated.income_sources_set());
  EXPECT_FALSE(updated.has_notice_version());

  // The referral: granted, renewed, ended; its project.
  ASSERT_EQ(held->referrals_size(), 1);
  const v1::ExportedReferral& referral = held->referrals(0);
  EXPECT_EQ(referral.referral_id(), referral_);
  EXPECT_EQ(referral.prescriber_name(), "CCAS de Roubaix");
  EXPECT_EQ(referral.start_day(), "2026-03-11");
  EXPECT_EQ(referral.end_day(), "2026-04-03");
  EXPECT_EQ(referral.monthly_ceiling_cents(), 8000);
  EXPECT_TRUE(referral.ended());
  EXPECT_EQ(referral.project(), "Retrouver un emploi");
  EXPECT_EQ(referral.granted().by(), "coline");
  ASSERT_EQ(referral.steps_size(), 2);
  EXPECT_EQ(referral.steps(0).kind(), v1::ReferralStep::RENEWED);
  EXPECT_EQ(referral.steps(0).end_day(), "2026-09-30");
  EXPECT_EQ(referral.steps(0).monthly_ceiling_cents(), 8000);
  EXPECT_EQ(referral.steps(1).kind(), v1::ReferralStep::ENDED);
  EXPECT_EQ(referral.steps(1).end_day(), "2026-04-03");
  EXPECT_EQ(referral.steps(1).reason(), "emploi retrouvé");
  EXPECT_EQ(referral.steps(1).act().day(), "2026-04-03");

  // Every sale, its lines and totals as the till gave them; the void.
  ASSERT_EQ(held->visits_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(held->visits(i).receipt_no(), sales_[i].receipt_no());
    EXPECT_EQ(held->visits(i).reference_total_cents(), sales_[i].reference_total_cents());
    EXPECT_EQ(held->visits(i).family_total_cents(), sales_[i].family_total_cents());
    EXPECT_EQ(held->visits(i).payment_method(), v1::CARD);
    EXPECT_EQ(held->visits(i).act().by(), "coline");
  }
  const v1::ExportedVisit& first = held->visits(0);
  EXPECT_EQ(first.act().day(), "2026-03-11");
  ASSERT_EQ(first.lines_size(), 2);
  EXPECT_EQ(first.lines(0).product_name(), "Lait demi-écrémé 1 L");
  EXPECT_EQ(first.lines(0).quantity(), 2);
  EXPECT_EQ(first.lines(0).unit_price_cents(), 105);
  EXPECT_EQ(first.lines(0).reference_cents(), 210);
  EXPECT_EQ(first.lines(1).product_name(), "Riz 1 kg");
  EXPECT_EQ(first.lines(0).family_cents() + first.lines(1).family_cents(),
            sales_[0].family_total_cents());
  EXPECT_FALSE(first.voided());
  EXPECT_TRUE(held->visits(1).voided());
  EXPECT_EQ(held->visits(1).void_reason(), "erreur de caisse");
  EXPECT_EQ(held->visits(1).void_act().day(), "2026-04-02");
  EXPECT_FALSE(held->visits(2).voided());

  // Spending per month, the voided sale left out.
  ASSERT_EQ(held->spending_size(), 2);
  EXPECT_EQ(held->spending(0).month(), "2026-03");
  EXPECT_EQ(held->spending(0).visits(), 1);
  EXPECT_EQ(held->spending(0).family_cents(), sales_[0].family_total_cents());
  EXPECT_EQ(held->spending(1).month(), "2026-04");
  EXPECT_EQ(held->spending(1).visits(), 1);
  EXPECT_EQ(held->spending(1).family_cents(), sales_[2].family_total_cents());
  EXPECT_EQ(held->spending(1).reference_cents(), sales_[2].reference_total_cents());
}

TEST_F(FamilyExportTest, TheDocumentIsFrenchAndShowsNoInternalIds) {
  ASSERT_NO_FATAL_FAILURE(RecordAHouseholdsLife());
  auto held = Export(coordinator_, family_);
  ASSERT_TRUE(held.ok()) << held.status();
  const std::string& html = held->html();
  for (const std::string& expected :
       {std::string("<html lang=\"fr\">"), std::string("Dupont-Martin"), std::string("Karim"),
        std::string("Famille monoparentale"), std::string("Couple avec enfants"),
        std::string("0 à 150 € par jour et par personne"), std::string("10/03/2026"),
        std::string("CCAS de Roubaix"), std::string("Retrouver un emploi"),
        std::string("emploi retrouvé"), std::string("Lait demi-écrémé 1 L"),
        std::string("2,10 €"), sales_[0].receipt_no(), sales_[1].receipt_no(),
        std::string("Vente annulée"), std::string("erreur de caisse"), std::string("mars 2026"),
        std::string("avril 2026"), std::string("carte"), std::string("par coline"),
        std::string(".family-export"), std::string("données personnelles")}) {
    EXPECT_NE(html.find(expected), std::string::npos) << "missing: " << expected;
  }
  // The card and receipt numbers are the only ids people read.
  EXPECT_EQ(html.find(referral_), std::string::npos);
  EXPECT_EQ(html.find("HEM-A-"), std::string::npos) << "account ids";
  EXPECT_EQ(html.find("HEM-P-"), std::string::npos) << "product ids";
  EXPECT_EQ(html.find("SINGLE_PARENT"), std::string::npos) << "enum names";
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos) << "self-contained";

  // Without asking for the document, only the data (what the JSON file holds).
  auto data = Export(coordinator_, family_, /*html=*/false);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_TRUE(data->html().empty());
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(*data, &json).ok());
  EXPECT_NE(json.find("\"familyName\":\"Dupont-Martin\""), std::string::npos) << json;
}

TEST_F(FamilyExportTest, NamesTypedAtTheTillAreEscaped) {
  v1::RegisterFamilyRequest registration;
  registration.set_family_name("<script>alert(1)</script> & Cie");
  *registration.add_members() = Member("Zoé", v1::FEMALE, 1980);
  registration.set_household_type(v1::SINGLE_PERSON);
  registration.set_notice_version(std::string(CurrentNoticeVersion()));
  auto family = till_->RegisterFamily(registration);
  ASSERT_TRUE(family.ok()) << family.status();
  auto held = Export(coordinator_, family->family_id());
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->html().find("<script>"), std::string::npos);
  EXPECT_NE(held->html().find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie"),
            std::string::npos);
}

TEST_F(FamilyExportTest, AVolunteerIsRefusedInFrench) {
  ASSERT_NO_FATAL_FAILURE(RecordAHouseholdsLife());
  auto refused = Export(volunteer_, family_);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(refused.status().message(),
            "Votre rôle (bénévole) ne permet pas d'effacer ou d'exporter les données d'un "
            "foyer : demandez à un coordinateur.");
  Session head_office;
  head_office.role = v1::HEAD_OFFICE;
  head_office.account_id = coordinator_.account_id;
  EXPECT_TRUE(Export(head_office, family_).ok()) << "head office may";
}

TEST_F(FamilyExportTest, AnUnknownCardIsNotFoundInFrench) {
  auto missing = Export(coordinator_, "HEM-000999");
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "Famille HEM-000999 inconnue dans ce centre.");
  EXPECT_EQ(Export(coordinator_, "pas une carte !").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(FamilyExportTest, AfterErasureTheExportSaysSoAndHoldsNoName) {
  ASSERT_NO_FATAL_FAILURE(RecordAHouseholdsLife());
  *now_ms_ += kDay;  // 2026-04-04
  // The erasure, as one FamilyErased event (what `family erase` writes).
  const absl::Status erased = node_->Execute(
      [&](CommandContext& ctx) {
        v1::EventCore core;
        v1::FamilyErased* erasure = core.mutable_family_erased();
        erasure->set_family_id(family_);
        erasure->set_day(ctx.today());
        erasure->set_cause(v1::ON_REQUEST);
        return ctx.Append(std::move(core), nullptr).status();
      },
      coordinator_.account_id);
  ASSERT_TRUE(erased.ok()) << erased;
  auto held = Export(coordinator_, family_);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->erased_day(), "2026-04-04");
  ASSERT_EQ(held->history_size(), 3);
  EXPECT_EQ(held->history(2).kind(), v1::SituationChange::ERASED);
  EXPECT_EQ(held->history(2).erasure_cause(), v1::ON_REQUEST);
  EXPECT_TRUE(held->history(0).names_not_held());
  EXPECT_EQ(held->referrals(0).project(), "");
  // What remains without names: the core and the purchases.
  EXPECT_EQ(held->identity().members_size(), 3);
  EXPECT_EQ(held->identity().members(2).birth_year(), 1985u);
  EXPECT_EQ(held->visits_size(), 3);
  std::string data;
  held->clear_html();
  ASSERT_TRUE(held->SerializeToString(&data));
  auto document = Export(coordinator_, family_);
  ASSERT_TRUE(document.ok()) << document.status();
  const std::string& html = document->html();
  for (const char* name : {"Dupont", "Amélie", "Léo", "Karim", "Retrouver un emploi"}) {
    EXPECT_EQ(data.find(name), std::string::npos) << name;
    EXPECT_EQ(html.find(name), std::string::npos) << name;
  }
  EXPECT_NE(html.find("Données effacées le 04/04/2026"), std::string::npos);
}

}  // namespace
}  // namespace comptoir
