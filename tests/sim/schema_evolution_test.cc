// Old and new builds side by side (events.proto "Evolution"): a newer centre's
// events of a kind or with fields this build does not know are stored and
// forwarded byte for byte, folded as far as they are understood, and their
// chains stay valid; an older centre's events without the newer optional
// fields are accepted and folded with the documented defaults.
//
// The newer centre is this build fed hand-encoded protobuf: unknown fields
// survive parsing and sealing (proto3 keeps them), exactly as a newer
// binary's bytes would arrive.
#include <gtest/gtest.h>

#include "common/civil_day.h"
#include "common/family_view.h"
#include "common/hlc.h"
#include "common/keys.h"
#include "common/routing.h"
#include "tests/sim/sync_harness.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::SyncWire;
using ::comptoir::testing::TempDir;

// Protobuf wire encoding, by hand.
std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}
std::string LengthDelimited(int number, const std::string& payload) {
  return Varint(static_cast<uint64_t>(number) << 3 | 2) + Varint(payload.size()) + payload;
}
std::string VarintField(int number, uint64_t value) {
  return Varint(static_cast<uint64_t>(number) << 3) + Varint(value);
}

// A kind added by a newer build: EventCore.body field 200, say
// "LoyaltyCardIssued { string card_id = 1; uint32 points = 2; }".
constexpr int kNewKindField = 200;
const std::string& NewKindPayload() {
  static const std::string* payload =
      new std::string(LengthDelimited(1, "HEM-C-000001") + VarintField(2, 40));
  return *payload;
}

class SchemaEvolutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = HubLog::Open(dir_.Sub("hub")).value();
    hem_ = NodeStore::Open({"hem", dir_.Sub("hem"), nullptr, ""}).value();
    lille_ = NodeStore::Open({"lille", dir_.Sub("lille"), nullptr, ""}).value();
  }

  // Seals `core` at `node` as its next event (the newer or older build's till).
  static absl::Status AppendAt(NodeStore& node, const v1::EventCore& core,
                               const v1::PersonalPart* personal = nullptr) {
    return node.Execute([&](CommandContext& ctx) { return ctx.Append(core, personal).status(); });
  }

  void SyncBoth() {
    for (int round = 0; round < 2; ++round) {
      for (NodeStore* node : {hem_.get(), lille_.get()}) {
        SyncWire wire(node, hub_.get());
        wire.Pump();
        ASSERT_TRUE(wire.node_error().ok()) << node->Site() << ": " << wire.node_error();
        ASSERT_TRUE(wire.hub_end().ok()) << node->Site() << ": " << wire.hub_end();
      }
    }
  }

  // hem's events as held at the hub and at lille are hem's own bytes, and
  // each replica's head for hem is hem's.
  void ExpectHemForwardedByteForByte() {
    const std::vector<v1::EventRecord> at_hem = hem_->ReadOwn(1, 100, 1 << 20).value();
    const std::vector<v1::EventRecord> at_lille = lille_->ReadEvents("hem", 1, 100).value();
    ASSERT_EQ(at_lille.size(), at_hem.size());
    for (size_t i = 0; i < at_hem.size(); ++i) {
      const std::string key = EventKey("hem", i + 1);
      EXPECT_EQ(hub_->store().Get(Column::kEvents, key)->value_or(""), at_hem[i].core()) << key;
      EXPECT_EQ(at_lille[i].core(), at_hem[i].core()) << "hem/" << i + 1;
    }
    EXPECT_EQ(hub_->HeadOf("hem")->hash, hem_->OwnHead()->hash);
    uint64_t lille_holds = 0;
    const v1::SyncStatus status = lille_->Status().value();
    for (const auto& row : status.origins()) {
      if (row.origin() == "hem") lille_holds = row.seq();
    }
    EXPECT_EQ(lille_holds, at_hem.size());
  }

  static uint64_t SalesOf(const v1::SalesSummary& summary, const std::string& origin) {
    for (const auto& row : summary.origins()) {
      if (row.origin() == origin) return row.sales();
    }
    return 0;
  }

  TempDir dir_;
  std::unique_ptr<HubLog> hub_;
  std::unique_ptr<NodeStore> hem_;
  std::unique_ptr<NodeStore> lille_;
};

TEST_F(SchemaEvolutionTest, AnEventOfAnUnknownKindIsKeptAndForwardedByteForByte) {
  v1::EventCore newer;
  ASSERT_TRUE(newer.ParseFromString(LengthDelimited(kNewKindField, NewKindPayload())));
  ASSERT_EQ(newer.body_case(), v1::EventCore::BODY_NOT_SET) << "this build does not know it";
  v1::PersonalPart personal;
  personal.set_salt(std::string(16, 's'));
  personal.set_note("carte remise à Mme Martin");
  ASSERT_TRUE(AppendAt(*hem_, newer, &personal).ok());
  // hem's next event, of a known kind, chains onto it.
  v1::EventCore sale;
  sale.mutable_sale_recorded()->set_family_id("HEM-000001");
  {
    v1::SaleLine* line = sale.mutable_sale_recorded()->add_lines();
    line->set_product_id("P");
    line->set_quantity(1);
  }
  ASSERT_TRUE(AppendAt(*hem_, sale).ok());
  const std::string sealed = hem_->ReadOwn(1, 1, 1 << 20)->front().core();
  ASSERT_NE(sealed.find(NewKindPayload()), std::string::npos) << "sealed with the unknown body";

  SyncBoth();
  ExpectHemForwardedByteForByte();
  // Nobody folded it (no view knows it), nothing else was disturbed.
  EXPECT_EQ(SalesOf(*lille_->Sales(), "hem"), 1u);
  EXPECT_EQ(SalesOf(*hub_->Sales(), "hem"), 1u);
  // The default route: the core to every centre, the personal part not.
  const std::vector<v1::EventRecord> at_lille = lille_->ReadEvents("hem", 1, 1).value();
  EXPECT_TRUE(at_lille.front().personal().empty()) << "an unknown kind's personal part stays";
  EXPECT_FALSE(hub_->store().Get(Column::kPersonal, EventKey("hem", 1))->value_or("").empty())
      << "the hub keeps it";
  // And the hub did not settle the route: an upgraded hub will decide.
  bool found = false;
  ASSERT_TRUE(hub_->store()
                  .Scan(Column::kLog, "", "",
                        [&](absl::string_view, absl::string_view value) {
                          std::optional<LogValue> logged = DecodeLogValue(value);
                          if (logged.has_value() && logged->origin == "hem" && logged->seq == 1) {
                            found = true;
                            EXPECT_FALSE(logged->route.has_value());
                          }
                          return true;
                        })
                  .ok());
  EXPECT_TRUE(found);
}

TEST_F(SchemaEvolutionTest, AnEventOfANewerFormatIsKeptAndForwardedButNotFoldedWithOneWarning) {
  // A newer build's sales (format kEventFormat + 1): this build knows the
  // kind, not what its fields now mean.
  for (int i = 0; i < 2; ++i) {
    v1::EventCore newer;
    newer.set_format(kEventFormat + 1);
    v1::SaleRecorded* sale = newer.mutable_sale_recorded();
    sale->set_family_id("HEM-000001");
    sale->set_day("2026-03-10");
    sale->set_reference_total_cents(1250);
    sale->set_family_total_cents(250);
    v1::SaleLine* line = sale->add_lines();
    line->set_product_id("P");
    line->set_quantity(1);
    ASSERT_TRUE(AppendAt(*hem_, newer).ok()) << "its own centre keeps it too";
  }
  // hem's next event, of this build's format, chains onto them.
  v1::EventCore own;
  own.mutable_sale_recorded()->set_family_id("HEM-000001");
  ASSERT_TRUE(AppendAt(*hem_, own).ok());
  v1::EventCore sealed;
  ASSERT_TRUE(sealed.ParseFromString(hem_->ReadOwn(3, 1, 1 << 20)->front().core()));
  EXPECT_EQ(sealed.format(), kEventFormat) << "every writer sets the current format";

  ::testing::internal::CaptureStderr();
  SyncBoth();
  const std::string log = ::testing::internal::GetCapturedStderr();
  ExpectHemForwardedByteForByte();
  // Stored and forwarded, not folded: only the sale of this build's format counts.
  EXPECT_EQ(SalesOf(*lille_->Sales(), "hem"), 1u);
  EXPECT_EQ(SalesOf(*hub_->Sales(), "hem"), 1u);
  EXPECT_EQ(SpentInMonth(lille_->store(), "HEM-000001", "2026-03").value(), 0);
  // One warning per replica (the hub, lille), not one per event.
  const std::string said = absl::StrCat("of event format ", kEventFormat + 1);
  size_t warnings = 0;
  for (size_t at = log.find(said); at != std::string::npos; at = log.find(said, at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 2u) << log;
  EXPECT_NE(log.find("upgrade Comptoir"), std::string::npos) << log;
}

TEST_F(SchemaEvolutionTest, UnknownFieldsOfKnownKindsTravelAndTheKnownPartsAreFolded) {
  // A newer sale: an envelope field (15) and a sale field (50) this build lacks.
  v1::SaleRecorded known;
  known.set_family_id("HEM-000001");
  known.set_day("2026-03-10");
  known.set_reference_total_cents(1250);
  known.set_family_total_cents(250);
  {
    v1::SaleLine* line = known.add_lines();
    line->set_product_id("P");
    line->set_quantity(1);
  }
  v1::EventCore sale;
  ASSERT_TRUE(sale.mutable_sale_recorded()->ParseFromString(
      known.SerializeAsString() + VarintField(50, 7)));
  ASSERT_TRUE(sale.MergeFromString(LengthDelimited(15, "envelope-extra")));
  ASSERT_TRUE(AppendAt(*hem_, sale).ok());
  const std::string sealed = hem_->ReadOwn(1, 1, 1 << 20)->front().core();
  ASSERT_NE(sealed.find("envelope-extra"), std::string::npos);
  ASSERT_NE(sealed.find(VarintField(50, 7)), std::string::npos);

  SyncBoth();
  ExpectHemForwardedByteForByte();
  EXPECT_EQ(SalesOf(*lille_->Sales(), "hem"), 1u);
  EXPECT_EQ(SpentInMonth(lille_->store(), "HEM-000001", "2026-03").value(), 250)
      << "lille's till sees the family's spending";
  // Lille's own next event still pushes and links after applying the newer one.
  v1::EventCore own;
  own.mutable_sale_recorded()->set_family_id("HEM-000001");
  ASSERT_TRUE(AppendAt(*lille_, own).ok());
  SyncBoth();
  EXPECT_EQ(hub_->HeadOf("lille")->seq, 1u);
}

TEST_F(SchemaEvolutionTest, AnOlderCentresEventsWithoutNewerFieldsAreFoldedWithTheirDefaults) {
  // As an older till wrote them: no FamilyRegistered.day (the clock's day
  // stands in), no receipt number, day or totals on the sale, no personal part.
  v1::EventCore family;
  family.mutable_family_registered()->set_family_id("HEM-000001");
  family.mutable_family_registered()->set_household_type(v1::SINGLE_PARENT);
  ASSERT_TRUE(AppendAt(*hem_, family).ok());
  v1::EventCore referral;
  v1::ReferralGranted* granted = referral.mutable_referral_granted();
  granted->set_referral_id("HEM-R-000001");
  granted->set_family_id("HEM-000001");
  granted->set_start_day("2026-01-01");
  granted->set_end_day("2026-12-31");
  ASSERT_TRUE(AppendAt(*hem_, referral).ok());
  v1::EventCore sale;
  sale.mutable_sale_recorded()->set_family_id("HEM-000001");
  {
    v1::SaleLine* line = sale.mutable_sale_recorded()->add_lines();
    line->set_product_id("P");
    line->set_quantity(1);
  }
  ASSERT_TRUE(AppendAt(*hem_, sale).ok());

  SyncBoth();
  ExpectHemForwardedByteForByte();
  for (NodeStore* node : {hem_.get(), lille_.get()}) {
    auto record = FindFamily(node->store(), "HEM-000001").value();
    ASSERT_TRUE(record.has_value()) << node->Site();
    v1::EventCore sealed;
    ASSERT_TRUE(sealed.ParseFromString(hem_->ReadOwn(1, 1, 1 << 20)->front().core()));
    EXPECT_EQ(record->registered_day(), ParisDay(HybridClock::PhysicalMillis(sealed.hlc())))
        << node->Site();
    EXPECT_EQ(record->household_type(), v1::SINGLE_PARENT);
    auto referrals = ReferralsOf(node->store(), "HEM-000001").value();
    EXPECT_TRUE(ReferralCovering(referrals, "2026-06-01").has_value()) << node->Site();
  }
  EXPECT_EQ(SalesOf(*lille_->Sales(), "hem"), 1u);
  EXPECT_EQ(SalesOf(*hub_->Sales(), "hem"), 1u);
}

}  // namespace
}  // namespace comptoir
