// The forgery matrix: what a centre holding its own valid credential cannot
// write, over real gRPC on loopback (an extension of bad_input_test.cc). Every
// event kind pushed by a writer not entitled to it, every value beyond the
// limits, an oversized event: each is refused with its status code and a
// sentence saying why, the hub's whole store (log, heads, views) is unchanged,
// and an honest centre syncs right after. The same events arriving at a node
// in a pull are kept (the chain stays whole) but folded into no view.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/account_view.h"
#include "common/catalogue_view.h"
#include "common/family_view.h"
#include "common/transfer_view.h"
#include "common/sync_protocol.h"
#include "tests/testing/sync_fixtures.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::HelloFrom;
using ::comptoir::testing::PickFreePort;
using ::comptoir::testing::PushOf;
using ::comptoir::testing::RawExchange;
using ::comptoir::testing::RawExchangeResult;
using ::comptoir::testing::TempDir;
using ::comptoir::testing::TestHub;
using ::comptoir::testing::TestNode;
using ::comptoir::testing::WaitFor;

constexpr absl::Duration kPatience = absl::Seconds(30);
constexpr char kDay[] = "2026-11-25";

// A forged event: the body of an EventCore (origin, seq and chain are set when
// sealed) and, optionally, a personal note.
struct Forged {
  v1::EventCore core;
  std::string note;
};

struct Forgery {
  const char* name;
  std::function<Forged()> make;
  grpc::StatusCode code;
  v1::SyncError::Reason reason;
  std::string says;
};

void PrintTo(const Forgery& forgery, std::ostream* os) { *os << forgery.name; }

Forged Department(uint32_t discount_bp) {
  Forged forged;
  v1::Department* department = forged.core.mutable_department_defined()->mutable_department();
  department->set_code("epicerie");
  department->set_name("Épicerie");
  department->set_discount_bp(discount_bp);
  return forged;
}

Forged Product(const std::string& id, int64_t price_cents) {
  Forged forged;
  v1::Product* product = forged.core.mutable_product_defined()->mutable_product();
  product->set_product_id(id);
  product->set_name("Lait");
  product->set_department("epicerie");
  product->set_reference_price_cents(price_cents);
  return forged;
}

Forged Sale(const std::string& receipt, int64_t quantity, int64_t reference, int64_t paid,
            const std::string& day = kDay) {
  Forged forged;
  v1::SaleRecorded* sale = forged.core.mutable_sale_recorded();
  sale->set_family_id("HEM-000001");
  sale->set_receipt_no(receipt);
  sale->set_day(day);
  v1::SaleLine* line = sale->add_lines();
  line->set_product_id("EPI-LAIT-1L");
  line->set_quantity(quantity);
  sale->set_reference_total_cents(reference);
  sale->set_family_total_cents(paid);
  return forged;
}

// A void of hem's sale (seq 2 at hem: HEM-2026-000001, 500 / 100 cents).
Forged Void(const std::string& receipt, uint64_t sale_seq, int64_t paid,
            const std::string& reason = "erreur") {
  Forged forged;
  v1::SaleVoided* voided = forged.core.mutable_sale_voided();
  voided->set_receipt_no(receipt);
  voided->set_sale_seq(sale_seq);
  voided->set_family_id("HEM-000001");
  voided->set_sale_day(kDay);
  voided->set_day(kDay);
  voided->set_reference_total_cents(500);
  voided->set_family_total_cents(paid);
  forged.note = reason;  // personal part (format 2): checked where it arrives too
  return forged;
}

Forged Family(const std::string& id) {
  Forged forged;
  forged.core.mutable_family_registered()->set_family_id(id);
  forged.core.mutable_family_registered()->set_day(kDay);
  return forged;
}

Forged Transfer(const std::string& id, const std::string& source,
                const std::string& destination) {
  Forged forged;
  v1::TransferProposed* proposed = forged.core.mutable_transfer_proposed();
  proposed->set_transfer_id(id);
  proposed->set_source(source);
  proposed->set_destination(destination);
  v1::TransferItem* item = proposed->add_items();
  item->set_product_id("EPI-LAIT-1L");
  item->set_quantity(10);
  return forged;
}

Forged Account(const std::string& id, const std::string& site, v1::Role role) {
  Forged forged;
  v1::AccountCreated* created = forged.core.mutable_account_created();
  created->set_account_id(id);
  created->set_login("marie");
  created->set_site(site);
  created->set_role(role);
  return forged;
}

// `forged`, naming `op` as the person who wrote it (EventCore.operator_id).
Forged By(const std::string& op, Forged forged) {
  forged.core.set_operator_id(op);
  return forged;
}

Forged Password(const std::string& id, const std::string& hash) {
  Forged forged;
  forged.core.mutable_password_set()->set_account_id(id);
  forged.core.mutable_password_set()->set_password_hash(hash);
  return forged;
}

constexpr char kSomeHash[] = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

constexpr auto kDenied = grpc::StatusCode::PERMISSION_DENIED;
constexpr auto kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
constexpr auto kNotWriter = v1::SyncError::NOT_WRITER;
constexpr auto kInvalidEvent = v1::SyncError::INVALID_EVENT;

std::vector<Forgery> Cases() {
  return {
      // Head office's configuration.
      {"FreeGroceries", [] { return Department(10000); }, kDenied, kNotWriter,
       "only head office writes the network's configuration"},
      {"Prescriber",
       [] {
         Forged forged;
         forged.core.mutable_prescriber_defined()->mutable_prescriber()->set_prescriber_id("ccas-x");
         return forged;
       },
       kDenied, kNotWriter, "only head office writes the network's configuration"},
      {"Donor",
       [] {
         Forged forged;
         forged.core.mutable_donor_defined()->mutable_donor()->set_donor_id("leclerc");
         return forged;
       },
       kDenied, kNotWriter, "only head office writes the network's configuration"},
      {"RunningCosts",
       [] {
         Forged forged;
         v1::RunningCostsSet* costs = forged.core.mutable_running_costs_set();
         costs->set_site("lille");
         costs->set_year(2026);
         costs->set_amount_cents(100);
         return forged;
       },
       kDenied, kNotWriter, "only head office writes the network's configuration"},
      // The catalogue and other centres' records.
      {"RepriceHeadOfficesProduct", [] { return Product("EPI-LAIT-1L", 1); }, kDenied, kNotWriter,
       "belongs to head office's catalogue"},
      {"LocalProductUnderAnotherPrefix", [] { return Product("LIL-P-000009", 100); }, kDenied,
       kNotWriter, "does not start with hem's card prefix HEM"},
      {"ProductIdWithoutPrefix", [] { return Product("LAIT", 100); }, kDenied, kNotWriter,
       "does not start with a centre's card prefix"},
      {"FamilyUnderAnotherPrefix", [] { return Family("LIL-000009"); }, kDenied, kNotWriter,
       "does not start with hem's card prefix HEM"},
      {"SaleUnderAnotherPrefix", [] { return Sale("LIL-2026-000999", 1, 109, 21); }, kDenied,
       kNotWriter, "does not start with hem's card prefix HEM"},
      {"VoidOfAnotherCentresSale", [] { return Void("LIL-2026-000001", 3, 100); }, kDenied,
       kNotWriter, "is not a sale of hem"},
      {"VoidThatMovesTheCeiling", [] { return Void("HEM-2026-000001", 2, 400); }, kDenied,
       kNotWriter, "does not name sale hem/2 as it was recorded"},
      {"VoidOfAFamilyEvent", [] { return Void("HEM-2026-000001", 1, 100); }, kDenied, kNotWriter,
       "is not a sale of hem"},
      {"TransferBetweenTwoOthers", [] { return Transfer("HEM-T-000001", "lille", "maubeuge"); },
       kDenied, kNotWriter, "proposed by its source or its destination"},
      {"TransferIdOfAnother", [] { return Transfer("LIL-T-000001", "hem", "lille"); }, kDenied,
       kNotWriter, "was already proposed"},
      {"AcceptAnothersTransfer",
       [] {
         Forged forged;
         forged.core.mutable_transfer_answered()->set_transfer_id("LIL-T-000001");
         forged.core.mutable_transfer_answered()->set_accepted(true);
         return forged;
       },
       kDenied, kNotWriter, "only they act on it"},
      {"CancelAnothersTransfer",
       [] {
         Forged forged;
         forged.core.mutable_transfer_cancelled()->set_transfer_id("LIL-T-000001");
         return forged;
       },
       kDenied, kNotWriter, "only they act on it"},
      {"ShipFromAnotherCentre",
       [] {
         Forged forged;
         v1::TransferShipped* shipped = forged.core.mutable_transfer_shipped();
         shipped->set_transfer_id("LIL-T-000001");
         shipped->set_source("lille");
         shipped->set_destination("maubeuge");
         return forged;
       },
       kDenied, kNotWriter, "shipped by its source"},
      {"ReceiveForAnotherCentre",
       [] {
         Forged forged;
         v1::TransferReceived* received = forged.core.mutable_transfer_received();
         received->set_transfer_id("LIL-T-000001");
         received->set_source("lille");
         received->set_destination("maubeuge");
         return forged;
       },
       kDenied, kNotWriter, "received by its destination"},
      {"ReceiveWithMadeUpParties",
       [] {
         Forged forged;
         v1::TransferReceived* received = forged.core.mutable_transfer_received();
         received->set_transfer_id("LIL-T-000001");
         received->set_source("caudry");
         received->set_destination("hem");
         return forged;
       },
       kDenied, kNotWriter, "goes from lille to maubeuge"},
      {"AttendAnothersWorkshop",
       [] {
         Forged forged;
         forged.core.mutable_workshop_attended()->set_workshop_id("LIL-W-000001");
         forged.core.mutable_workshop_attended()->set_family_id("HEM-000001");
         forged.core.mutable_workshop_attended()->set_attended(true);
         return forged;
       },
       kDenied, kNotWriter, "is organised by lille"},
      {"RegisterAtAnothersWorkshop",
       [] {
         Forged forged;
         forged.core.mutable_workshop_registered()->set_workshop_id("LIL-W-000001");
         forged.core.mutable_workshop_registered()->set_family_id("HEM-000001");
         return forged;
       },
       kDenied, kNotWriter, "is organised by lille"},
      {"RenewAReferralOfAnotherFamily",
       [] {
         Forged forged;
         forged.core.mutable_referral_renewed()->set_referral_id("LIL-R-000001");
         forged.core.mutable_referral_renewed()->set_family_id("HEM-000001");
         forged.core.mutable_referral_renewed()->set_end_day("2030-01-01");
         return forged;
       },
       kDenied, kNotWriter, "belongs to family LIL-000001"},
      // People's accounts.
      {"HeadOfficeAccountFromACentre", [] { return Account("HEM-A-000009", "hem", v1::HEAD_OFFICE); },
       kDenied, kNotWriter, "only head office creates head-office or statistics accounts"},
      {"AccountOfAnotherCentre", [] { return Account("HEM-A-000009", "lille", v1::VOLUNTEER); },
       kDenied, kNotWriter, "creates accounts of its own site only, not of lille"},
      {"AccountIdOfAnotherCentre", [] { return Account("LIL-A-000009", "hem", v1::VOLUNTEER); },
       kDenied, kNotWriter, "does not start with hem's card prefix HEM"},
      {"PasswordOfAnotherCentresAccount", [] { return Password("LIL-A-000001", kSomeHash); },
       kDenied, kNotWriter, "account LIL-A-000001 belongs to lille"},
      {"PromotionToHeadOffice",
       [] {
         Forged forged;
         forged.core.mutable_account_changed()->set_account_id("LIL-A-000001");
         forged.core.mutable_account_changed()->set_role(v1::HEAD_OFFICE);
         return forged;
       },
       kDenied, kNotWriter, "only head office gives the head-office or statistics role"},
      {"PasswordInClear", [] { return Password("HEM-A-000001", "motdepasse123"); }, kInvalid,
       kInvalidEvent, "the password hash is not an Argon2id hash"},
      // The person an event names (EventCore.operator_id) may do what it does.
      {"VoidByAVolunteer",
       [] {
         Forged forged = By("HEM-A-000001", Void("HEM-2026-000001", 2, 100));
         forged.core.set_hlc(static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()) + 60000) << 16);
         return forged;
       },
       kDenied, kNotWriter, "operator HEM-A-000001 (marie, role VOLUNTEER) may not do this"},
      {"ErasureByAVolunteer",
       [] {
         Forged forged;
         v1::FamilyErased* erased = forged.core.mutable_family_erased();
         erased->set_family_id("HEM-000001");
         erased->set_day("2026-12-04");
         erased->set_cause(v1::ON_REQUEST);
         forged = By("HEM-A-000001", std::move(forged));
         forged.core.set_hlc(static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()) + 60000) << 16);
         return forged;
       },
       kDenied, kNotWriter, "operator HEM-A-000001 (marie, role VOLUNTEER) may not do this"},
      {"ErasureWithoutACause",
       [] {
         Forged forged;
         forged.core.mutable_family_erased()->set_family_id("HEM-000001");
         forged.core.mutable_family_erased()->set_day("2026-12-04");
         return forged;
       },
       kInvalid, kInvalidEvent, "the erasure's cause is 0, outside 1..2"},
      {"OperatorOlderThanItsAccount",
       // The account is created today; the event is dated 2025.
       [] { return By("HEM-A-000001", Family("HEM-000002")); },
       kDenied, kNotWriter, "operator HEM-A-000001 (marie) did not exist yet when this event was written"},
      {"AnotherCentresAdministrator",
       [] { return By("LIL-A-000000", Family("HEM-000002")); },
       kDenied, kNotWriter, "administrator 'LIL-A-000000' does not start with hem's card prefix HEM"},
      {"HeadOfficesAdministratorAtACentre",
       [] { return By("A-000000", Family("HEM-000002")); },
       kDenied, kNotWriter, "operator A-000000 is not the administrator of hem"},
      {"OperatorThatIsNoAccount",
       [] { return By("marie", Family("HEM-000002")); },
       kDenied, kNotWriter, "operator marie is no account"},
      // Values beyond the limits.
      {"SaleLineOfNoUnits", [] { return Sale("HEM-2026-000002", 0, 0, 0); }, kInvalid,
       kInvalidEvent, "a sale line's quantity is 0, outside 1..100000"},
      {"PaidMoreThanTheShopValue", [] { return Sale("HEM-2026-000002", 1, 109, 500); }, kInvalid,
       kInvalidEvent, "the sale's amount paid is 500, outside 0..109"},
      {"HugeSaleValue",
       [] { return Sale("HEM-2026-000002", 1, int64_t{1} << 62, 0); },
       kInvalid, kInvalidEvent, "the sale's shop value"},
      {"NotADay", [] { return Sale("HEM-2026-000002", 1, 109, 21, "2026-13-45"); }, kInvalid,
       kInvalidEvent, "is not a day"},
      {"NegativePrice", [] { return Product("HEM-P-000001", -5); }, kInvalid, kInvalidEvent,
       "the product's price is -5"},
      {"ReasonTooLong", [] { return Void("HEM-2026-000001", 2, 100, std::string(501, 'x')); },
       kInvalid, kInvalidEvent, "the personal part's note holds 501 bytes, more than 500"},
      {"CeilingOutOfRange",
       [] {
         Forged forged;
         v1::ReferralGranted* granted = forged.core.mutable_referral_granted();
         granted->set_referral_id("HEM-R-000001");
         granted->set_family_id("HEM-000001");
         granted->set_monthly_ceiling_cents(int64_t{1} << 40);
         return forged;
       },
       kInvalid, kInvalidEvent, "the monthly ceiling"},
      {"StockBeyondAnyLot",
       [] {
         Forged forged;
         forged.core.mutable_stock_received()->set_lot_id("HEM-L-000001");
         forged.core.mutable_stock_received()->set_product_id("EPI-LAIT-1L");
         forged.core.mutable_stock_received()->set_quantity(int64_t{1} << 50);
         return forged;
       },
       kInvalid, kInvalidEvent, "the lot's units"},
      {"NoticeDayThatIsNoDay",
       [] {
         Forged forged;
         forged.core.mutable_family_updated()->set_family_id("HEM-000001");
         forged.core.mutable_family_updated()->set_notice_version("2026-12");
         forged.core.mutable_family_updated()->set_notice_day("hier");
         return forged;
       },
       kInvalid, kInvalidEvent, "the day the notice was given 'hier' is not a day"},
      {"NoticeVersionThatIsNoId",
       [] {
         Forged forged = Family("HEM-000002");
         forged.core.mutable_family_registered()->set_notice_version(std::string(300, 'v'));
         return forged;
       },
       kInvalid, kInvalidEvent, "the information notice's version is not a well-formed id"},
      {"FamilyWithoutId", [] { return Family(""); }, kInvalid, kInvalidEvent,
       "the family has no id"},
      {"OversizedEvent",
       [] {
         Forged forged = Family("HEM-000002");
         forged.note = std::string(300 * 1024, 'n');
         return forged;
       },
       kInvalid, kInvalidEvent, "more than an event may (262144)"},
  };
}

// Appends `forged` at `node` without the till's rules or checks: a sealed
// event of its origin, chained on `head`.
v1::EventRecord Seal(const std::string& origin, const ChainHead& head, Forged forged) {
  forged.core.set_origin(origin);
  if (forged.core.hlc() == 0) forged.core.set_hlc(uint64_t{1764000000000} << 16);
  v1::PersonalPart personal;
  personal.set_salt(std::string(16, 's'));
  personal.set_note(forged.note);
  return SealEvent(head, std::move(forged.core), forged.note.empty() ? nullptr : &personal)
      .record();
}

// Every key and value of every column of a store, as one string.
std::string Dump(const Store& store) {
  std::string dump;
  for (int column = 0; column < kColumnCount; ++column) {
    EXPECT_TRUE(store
                    .Scan(static_cast<Column>(column), "", "",
                          [&](absl::string_view key, absl::string_view value) {
                            absl::StrAppend(&dump, column, ":", key, "=", value, "\n");
                            return true;
                          })
                    .ok());
  }
  return dump;
}

// A hub with credentials holding head office's catalogue, hem's family, sale
// and a volunteer's account, and lille's workshop, transfer offer to maubeuge, referral, sale and
// a volunteer's account.
class ForgeryTest : public ::testing::Test {
 protected:
  ForgeryTest() : hub_(dir_.Sub("hub"), "127.0.0.1:" + std::to_string(PickFreePort())) {}

  void SetUp() override {
    const std::string credentials = dir_.Sub("credentials");
    for (const char* site : {"hem", "lille", "maubeuge"}) {
      tokens_[site] = CredentialStore::Issue(credentials, site).value();
    }
    hub_.RequireCredentials(credentials);
    ASSERT_TRUE(hub_.Start().ok());
    Forged milk = Product("EPI-LAIT-1L", 109);
    ASSERT_TRUE(hub_.log()->AppendOwn(milk.core).ok());

    hem_ = NodeStore::Open({"hem", dir_.Sub("hem"), nullptr, ""}).value();
    Forged sale = Sale("HEM-2026-000001", 1, 500, 100);
    AppendAll(*hem_, {Family("HEM-000001"), sale, Account("HEM-A-000001", "hem", v1::VOLUNTEER)});
    lille_ = NodeStore::Open({"lille", dir_.Sub("lille"), nullptr, ""}).value();
    Forged workshop;
    workshop.core.mutable_workshop_scheduled()->set_workshop_id("LIL-W-000001");
    workshop.core.mutable_workshop_scheduled()->set_theme("Atelier cuisine");
    workshop.core.mutable_workshop_scheduled()->set_places(8);
    Forged referral;
    referral.core.mutable_referral_granted()->set_referral_id("LIL-R-000001");
    referral.core.mutable_referral_granted()->set_family_id("LIL-000001");
    AppendAll(*lille_, {workshop, Transfer("LIL-T-000001", "lille", "maubeuge"),
                        Family("LIL-000001"), referral, Sale("LIL-2026-000001", 1, 109, 21),
                        Account("LIL-A-000001", "lille", v1::VOLUNTEER)});
    Push("hem", *hem_, 3);
    Push("lille", *lille_, 6);
  }

  // Appends `events` at `node` as its own commands would (the node's own
  // checks pass: they are honest).
  static void AppendAll(NodeStore& node, const std::vector<Forged>& events) {
    for (const Forged& forged : events) {
      ASSERT_TRUE(node.Execute([&](CommandContext& ctx) {
                        return ctx.Append(forged.core, nullptr).status();
                      })
                      .ok());
    }
  }

  void Push(const std::string& site, NodeStore& node, uint64_t through) {
    const RawExchangeResult pushed = RawExchange(
        hub_.address(), {HelloFrom(site), testing::PushFrom(node, 1, through)}, tokens_[site]);
    ASSERT_TRUE(pushed.status.ok()) << pushed.status.error_message();
    ASSERT_EQ(hub_.Holds(site), through);
  }

  TempDir dir_;
  TestHub hub_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<NodeStore> hem_;
  std::unique_ptr<NodeStore> lille_;
};

class ForgeryMatrixTest : public ForgeryTest, public ::testing::WithParamInterface<Forgery> {};

TEST_P(ForgeryMatrixTest, IsRefusedChangesNothingAndTheHonestSyncOn) {
  const Forgery& forgery = GetParam();
  const ChainHead head = hub_.log()->HeadOf("hem").value();
  const std::string before = Dump(hub_.log()->store());
  const v1::EventRecord forged = Seal("hem", head, forgery.make());

  const RawExchangeResult result =
      RawExchange(hub_.address(), {HelloFrom("hem"), PushOf({forged})}, tokens_["hem"]);

  EXPECT_EQ(result.status.error_code(), forgery.code) << result.status.error_message();
  EXPECT_EQ(result.error.reason(), forgery.reason) << v1::SyncError::Reason_Name(result.error.reason());
  EXPECT_NE(result.status.error_message().find(forgery.says), std::string::npos)
      << result.status.error_message();
  EXPECT_EQ(result.error.high_water(), head.seq) << "the stream keeps its place";
  EXPECT_EQ(Dump(hub_.log()->store()), before) << "the hub's log, heads and views are unchanged";

  // An honest centre syncs right after, both ways.
  TestNode maubeuge("maubeuge", dir_.Sub("maubeuge"), hub_.address(), tokens_["maubeuge"]);
  ASSERT_TRUE(maubeuge.Sell(1));
  EXPECT_TRUE(WaitFor([&] { return hub_.Holds("maubeuge") == 1; }, kPatience));
  EXPECT_TRUE(WaitFor([&] { return maubeuge.SalesFrom("hem") == 1; }, kPatience));
}

INSTANTIATE_TEST_SUITE_P(Matrix, ForgeryMatrixTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Forgery>& info) {
                           return std::string(info.param.name);
                         });

// A forged event behind honest ones: the honest ones land, nothing from the
// forged one on, and the refusal says where the hub stands.
TEST_F(ForgeryTest, HonestEventsBeforeAForgeryLandAndNothingAfterIt) {
  ChainHead head = hub_.log()->HeadOf("hem").value();
  std::vector<v1::EventRecord> records;
  for (Forged forged : {Family("HEM-000002"), Department(10000), Family("HEM-000003")}) {
    records.push_back(Seal("hem", head, forged));
    head = HeadAfter(DecodeRecord(records.back()).value());
  }
  const RawExchangeResult result =
      RawExchange(hub_.address(), {HelloFrom("hem"), PushOf(records)}, tokens_["hem"]);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(result.error.high_water(), 4u);
  EXPECT_EQ(hub_.Holds("hem"), 4u);
  EXPECT_TRUE(FindFamily(hub_.log()->store(), "HEM-000002").value().has_value());
  EXPECT_EQ(FindDepartment(hub_.log()->store(), "epicerie").value()->discount_bp(), 8000u);
}

// An answer to a transfer the hub does not know yet cannot be judged when it
// arrives (a hub restored from an old backup gets the parties' events back in
// any order), so it is taken in; once the proposal names the parties, an
// answer from a site that may not write it is dropped, and a real one holds.
// A coordinator voids a sale while the centre is offline; head office makes
// them a volunteer before the void reaches the hub: the void holds, judged by
// the role its operator had when it was written (its HLC); a void written
// after the demotion does not.
TEST_F(ForgeryTest, AVoidWrittenByACoordinatorHoldsAfterADemotion) {
  Forged coordinator = Account("HEM-A-000002", "hem", v1::COORDINATOR);
  coordinator.core.mutable_account_created()->set_login("paul");
  ASSERT_TRUE(hub_.log()->AppendOwn(coordinator.core).ok());
  Forged demotion;
  demotion.core.mutable_account_changed()->set_account_id("HEM-A-000002");
  demotion.core.mutable_account_changed()->set_role(v1::VOLUNTEER);
  const uint64_t demoted = hub_.log()->AppendOwn(demotion.core).value().core().hlc();

  const auto void_at = [&](uint64_t hlc) {
    Forged voided = By("HEM-A-000002", Void("HEM-2026-000001", 2, 100));
    voided.core.set_hlc(hlc);
    return Seal("hem", hub_.log()->HeadOf("hem").value(), voided);
  };
  const RawExchangeResult late =
      RawExchange(hub_.address(), {HelloFrom("hem"), PushOf({void_at(demoted + 1)})}, tokens_["hem"]);
  EXPECT_EQ(late.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(late.status.error_message().find("(paul, role VOLUNTEER) may not do this"), std::string::npos)
      << late.status.error_message();

  const RawExchangeResult early =
      RawExchange(hub_.address(), {HelloFrom("hem"), PushOf({void_at(demoted - 1)})}, tokens_["hem"]);
  EXPECT_TRUE(early.status.ok()) << early.status.error_message();
  EXPECT_EQ(FindAccount(hub_.log()->store(), "HEM-A-000002").value()->role(), v1::VOLUNTEER);
  EXPECT_EQ(SpentInMonth(hub_.log()->store(), "HEM-000001", "2026-11").value(), 21)
      << "the void gave hem's 100 back; lille's 21 stay";
}

TEST_F(ForgeryTest, AnAnswerThatCameBeforeItsProposalHoldsOnlyIfItsSiteMayWriteIt) {
  auto answer = [](const std::string& id) {
    Forged forged;
    forged.core.mutable_transfer_answered()->set_transfer_id(id);
    forged.core.mutable_transfer_answered()->set_accepted(true);
    return forged;
  };
  // hem "accepts" lille's next two offers before they exist; maubeuge, their
  // destination, accepts the second one (as if its answer came back first).
  const ChainHead hem_head = hub_.log()->HeadOf("hem").value();
  const v1::EventRecord forged = Seal("hem", hem_head, answer("LIL-T-000002"));
  RawExchangeResult pushed =
      RawExchange(hub_.address(), {HelloFrom("hem"), PushOf({forged})}, tokens_["hem"]);
  ASSERT_TRUE(pushed.status.ok()) << pushed.status.error_message();
  std::unique_ptr<NodeStore> maubeuge =
      NodeStore::Open({"maubeuge", dir_.Sub("maubeuge-store"), nullptr, ""}).value();
  AppendAll(*maubeuge, {answer("LIL-T-000003")});
  Push("maubeuge", *maubeuge, 1);

  AppendAll(*lille_, {Transfer("LIL-T-000002", "lille", "maubeuge"),
                      Transfer("LIL-T-000003", "lille", "maubeuge")});
  Push("lille", *lille_, 8);
  const Store& hub = hub_.log()->store();
  EXPECT_EQ(FindTransfer(hub, "LIL-T-000002").value()->state(), v1::TransferView::PROPOSED)
      << "hem's answer is not a party's: dropped";
  EXPECT_EQ(FindTransfer(hub, "LIL-T-000003").value()->state(), v1::TransferView::ACCEPTED)
      << "maubeuge's answer holds";
}

// A node's folds ignore what the hub should have refused (an event relayed by
// an older hub): the events are kept, so that the origin's chain stays whole,
// and no view changes.
TEST_F(ForgeryTest, ForgedEventsInAPullAreKeptButNotFolded) {
  TempDir caudry_dir;
  std::unique_ptr<NodeStore> caudry =
      NodeStore::Open({"caudry", caudry_dir.path(), nullptr, ""}).value();
  ASSERT_TRUE(caudry->ResetCursor(hub_.log()->Epoch()).ok());
  const v1::PullBatch honest =
      hub_.log()->ReadLogFor("caudry", 0, 1000, 1 << 20, false)->ToBatch().value();
  ASSERT_TRUE(caudry->ApplyPulled(hub_.log()->Epoch(), honest).ok());
  const int64_t spent = SpentInMonth(caudry->store(), "HEM-000001", "2026-11").value();
  ASSERT_EQ(spent, 100 + 21) << "hem's sale and lille's to the same family";

  ChainHead head = hub_.log()->HeadOf("hem").value();
  v1::PullBatch forged;
  uint64_t position = hub_.log()->LogHead();
  for (Forged event : {Department(10000), Product("EPI-LAIT-1L", 1), Family("LIL-000009"),
                       Void("HEM-2026-000001", 2, 400), Sale("HEM-2026-000002", 1, 109, 500)}) {
    v1::LogEntry* entry = forged.add_entries();
    entry->set_position(++position);
    *entry->mutable_event() = Seal("hem", head, event);
    head = HeadAfter(DecodeRecord(entry->event()).value());
  }
  forged.set_through(position);
  forged.set_log_head(position);
  ASSERT_TRUE(caudry->ApplyPulled(hub_.log()->Epoch(), forged).ok());

  const Store& store = caudry->store();
  EXPECT_EQ(FindDepartment(store, "epicerie").value()->discount_bp(), 8000u);
  EXPECT_EQ(FindProduct(store, "EPI-LAIT-1L").value()->reference_price_cents(), 109);
  EXPECT_FALSE(FindFamily(store, "LIL-000009").value().has_value());
  EXPECT_EQ(SpentInMonth(store, "HEM-000001", "2026-11").value(), spent);
  EXPECT_EQ(caudry->events().Head("hem").value().seq, 8u) << "the chain is kept whole";
}

}  // namespace
}  // namespace comptoir
