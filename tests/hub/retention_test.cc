// The retention rule (hub/retention.h) as arithmetic, and the hub's pass
// (hub/retention_keeper.h) over a real HubLog (RocksDB in a temporary
// directory) holding a centre's events, with the clock driven by the test.
#include "hub/retention.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/civil_day.h"
#include "common/event_codec.h"
#include "common/family_view.h"
#include "hub/hub_log.h"
#include "hub/retention_keeper.h"
#include "hub/retention_service.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;

int32_t D(const char* day) { return DayNumber(day).value(); }
std::string S(int32_t day) { return DayFromNumber(day); }

RetentionFacts Facts(const char* registered, const char* referral_end, const char* visit) {
  RetentionFacts facts;
  if (registered != nullptr) facts.registered = D(registered);
  if (referral_end != nullptr) facts.last_referral_end = D(referral_end);
  if (visit != nullptr) facts.last_visit = D(visit);
  return facts;
}

std::string Due(const RetentionFacts& facts, int months = kDefaultRetentionMonths) {
  const std::optional<int32_t> due = RetentionDueDay(facts, months);
  return due.has_value() ? S(*due) : "never";
}

v1::ReferralView Referral(const char* start, const char* end, bool ended = false) {
  v1::ReferralView referral;
  referral.set_start_day(start);
  referral.set_end_day(end);
  referral.set_ended(ended);
  return referral;
}

TEST(RetentionRuleTest, AddMonthsKeepsTheDayOrTakesTheMonthsLast) {
  EXPECT_EQ(S(AddMonths(D("2024-03-15"), 24)), "2026-03-15");
  EXPECT_EQ(S(AddMonths(D("2026-08-31"), 6)), "2027-02-28");
  EXPECT_EQ(S(AddMonths(D("2027-08-31"), 6)), "2028-02-29") << "a leap year's February";
  EXPECT_EQ(S(AddMonths(D("2024-02-29"), 24)), "2026-02-28");
  EXPECT_EQ(S(AddMonths(D("2024-02-29"), 48)), "2028-02-29");
  EXPECT_EQ(S(AddMonths(D("2026-01-31"), 1)), "2026-02-28");
  EXPECT_EQ(S(AddMonths(D("2026-03-31"), 1)), "2026-04-30");
  EXPECT_EQ(S(AddMonths(D("2026-12-31"), 1)), "2027-01-31") << "across the year";
  EXPECT_EQ(S(AddMonths(D("2026-11-30"), 14)), "2028-01-30");
  EXPECT_EQ(S(AddMonths(D("2026-03-31"), -1)), "2026-02-28");
  EXPECT_EQ(S(AddMonths(D("1969-12-15"), 1)), "1970-01-15") << "before day 0";
}

TEST(RetentionRuleTest, TheLaterOfReferralEndAndVisitPlusTheSetting) {
  EXPECT_EQ(Due(Facts("2023-01-10", "2024-03-31", "2024-03-20")), "2026-03-31");
  EXPECT_EQ(Due(Facts("2023-01-10", "2024-03-31", "2024-05-02")), "2026-05-02")
      << "a visit after the referral ended counts";
  EXPECT_EQ(Due(Facts("2023-01-10", "2024-03-31", "2024-05-02"), 36), "2027-05-02");
  EXPECT_EQ(Due(Facts("2024-01-31", "2024-08-31", nullptr), 6), "2025-02-28");
}

TEST(RetentionRuleTest, WithoutReferralOrVisitTheRegistrationCounts) {
  EXPECT_EQ(Due(Facts("2024-02-29", nullptr, nullptr)), "2026-02-28");
  EXPECT_EQ(Due(Facts("2024-06-01", nullptr, "2024-09-10")), "2026-09-10") << "no referral";
  EXPECT_EQ(Due(Facts(nullptr, nullptr, nullptr)), "never") << "nothing to reckon from";
}

TEST(RetentionRuleTest, ARegistrationAfterAnOldReferralDayIsNotErasedEarly) {
  EXPECT_EQ(Due(Facts("2025-01-15", "2024-12-31", nullptr)), "2027-01-15");
}

TEST(RetentionRuleTest, ARunningReferralIsNeverDue) {
  const std::vector<v1::ReferralView> referrals = {Referral("2026-01-01", "2027-06-30")};
  RetentionFacts facts = Facts("2026-01-01", nullptr, "2026-12-01");
  facts.last_referral_end = LastReferralEnd(referrals);
  const int32_t today = D("2026-12-04");
  EXPECT_GT(*RetentionDueDay(facts, 24), today);
  EXPECT_EQ(Due(facts), "2029-06-30");
}

TEST(RetentionRuleTest, TheLatestEndAmongReferralsWinsSoARenewalExtendsIt) {
  // A renewal moves the referral's end day (a last-writer-wins field of the
  // view): the rule reads the end as it is now.
  std::vector<v1::ReferralView> referrals = {Referral("2023-01-01", "2023-12-31", true),
                                             Referral("2024-01-01", "2024-06-30")};
  EXPECT_EQ(S(*LastReferralEnd(referrals)), "2024-06-30");
  referrals[1].set_end_day("2025-06-30");  // renewed
  EXPECT_EQ(S(*LastReferralEnd(referrals)), "2025-06-30");
  referrals[1].set_end_day("2024-09-15");  // then ended early
  referrals[1].set_ended(true);
  EXPECT_EQ(S(*LastReferralEnd(referrals)), "2024-09-15");
  EXPECT_FALSE(LastReferralEnd({}).has_value());
  EXPECT_FALSE(LastReferralEnd({Referral("2024-01-01", "")}).has_value());
}

TEST(RetentionRuleTest, TheSettingIsAPositiveNumberOfMonths) {
  EXPECT_TRUE(CheckRetentionMonths(24).ok());
  EXPECT_TRUE(CheckRetentionMonths(1).ok());
  for (int months : {0, -1, kMaxRetentionMonths + 1}) {
    const absl::Status refused = CheckRetentionMonths(months);
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << months;
    EXPECT_NE(refused.message().find("entre 1 et"), std::string::npos) << refused;
  }
}

TEST(RetentionRuleTest, NextMonthEndsOnItsLastDay) {
  EXPECT_EQ(S(EndOfNextMonth(D("2026-12-04"))), "2027-01-31");
  EXPECT_EQ(S(EndOfNextMonth(D("2027-01-31"))), "2027-02-28");
  EXPECT_EQ(S(EndOfNextMonth(D("2028-01-01"))), "2028-02-29");
}

// A centre's events as the hub receives them (sealed in its chain), for
// filling a HubLog without a network.
class CentreEvents {
 public:
  explicit CentreEvents(std::string site) : site_(std::move(site)) {}

  void Register(const std::string& family, const std::string& day) {
    v1::EventCore core;
    v1::FamilyRegistered* registered = core.mutable_family_registered();
    registered->set_family_id(family);
    registered->set_day(day);
    registered->set_household_type(v1::SINGLE_PERSON);
    v1::PersonalPart personal;
    personal.set_family_name("Dupont");
    Add(std::move(core), &personal);
  }
  void Refer(const std::string& family, const std::string& referral, const std::string& start,
             const std::string& end) {
    v1::EventCore core;
    v1::ReferralGranted* granted = core.mutable_referral_granted();
    granted->set_referral_id(referral);
    granted->set_family_id(family);
    granted->set_prescriber_id("ccas-hem");
    granted->set_start_day(start);
    granted->set_end_day(end);
    Add(std::move(core), nullptr);
  }
  // Returns the sale's seq.
  uint64_t Sell(const std::string& family, const std::string& day,
                const std::string& receipt_no = "") {
    v1::EventCore core;
    v1::SaleRecorded* sale = core.mutable_sale_recorded();
    sale->set_family_id(family);
    sale->set_day(day);
    sale->set_receipt_no(receipt_no);
    Add(std::move(core), nullptr);
    return head_.seq;
  }
  // Voids the sale (the void names it as it was recorded).
  void Void(uint64_t sale_seq, const std::string& receipt_no, const std::string& family,
            const std::string& sale_day) {
    v1::EventCore core;
    core.mutable_sale_voided()->set_sale_seq(sale_seq);
    core.mutable_sale_voided()->set_receipt_no(receipt_no);
    core.mutable_sale_voided()->set_family_id(family);
    core.mutable_sale_voided()->set_sale_day(sale_day);
    core.mutable_sale_voided()->set_day(sale_day);
    Add(std::move(core), nullptr);
  }
  void Workshop(const std::string& workshop, const std::string& day) {
    v1::EventCore core;
    core.mutable_workshop_scheduled()->set_workshop_id(workshop);
    core.mutable_workshop_scheduled()->set_theme("Atelier cuisine");
    core.mutable_workshop_scheduled()->set_day(day);
    core.mutable_workshop_scheduled()->set_places(8);
    Add(std::move(core), nullptr);
  }
  void Attend(const std::string& workshop, const std::string& family, bool attended) {
    v1::EventCore registered;
    registered.mutable_workshop_registered()->set_workshop_id(workshop);
    registered.mutable_workshop_registered()->set_family_id(family);
    registered.mutable_workshop_registered()->set_member_id(1);
    if (attended) Add(std::move(registered), nullptr);
    v1::EventCore core;
    core.mutable_workshop_attended()->set_workshop_id(workshop);
    core.mutable_workshop_attended()->set_family_id(family);
    core.mutable_workshop_attended()->set_member_id(1);
    core.mutable_workshop_attended()->set_attended(attended);
    Add(std::move(core), nullptr);
  }
  // Pushes what was added since the last push; false if refused.
  bool PushTo(HubLog& hub) {
    for (size_t from = 0; from < pending_.size(); from += 500) {
      std::vector<DecodedEvent> batch(pending_.begin() + static_cast<std::ptrdiff_t>(from),
                                      pending_.begin() + static_cast<std::ptrdiff_t>(
                                                             std::min(pending_.size(), from + 500)));
      absl::StatusOr<PushVerdict> verdict = hub.AppendPushed(site_, batch);
      if (!verdict.ok() || verdict->error.has_value()) {
        ADD_FAILURE() << (verdict.ok() ? verdict->error->message() : verdict.status().ToString());
        return false;
      }
    }
    pending_.clear();
    return true;
  }

 private:
  void Add(v1::EventCore core, const v1::PersonalPart* personal) {
    core.set_origin(site_);
    core.set_hlc(HybridClock::FromMillis(1795000000000LL + static_cast<int64_t>(head_.seq)));
    DecodedEvent event = SealEvent(head_, std::move(core), personal);
    head_ = ChainHead{event.core().seq(), event.hash};
    pending_.push_back(std::move(event));
  }

  std::string site_;
  ChainHead head_{0, ZeroHash()};
  std::vector<DecodedEvent> pending_;
};

// Paris noon of `day`, in ms since the Unix epoch (UTC+1 in winter, +2 in summer).
int64_t NoonOf(const std::string& day) {
  const int64_t midnight_utc = int64_t{D(day.c_str())} * 24 * 3600 * 1000;
  return midnight_utc + 10 * 3600 * 1000;  // 10:00 UTC is noon or 11:00 in Paris
}

class RetentionPassTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = HubLog::Open(dir_.Sub("hub")).value();
    RetentionKeeper::Options options;
    options.clock = [this] { return now_ms_.load(); };
    keeper_ = RetentionKeeper::Create(hub_.get(), nullptr, options).value();
  }

  v1::FamilyRecord Family(const std::string& id) {
    return FindFamily(hub_->store(), id).value().value_or(v1::FamilyRecord());
  }

  TempDir dir_;
  std::unique_ptr<HubLog> hub_;
  std::atomic<int64_t> now_ms_{NoonOf("2025-06-01")};
  std::unique_ptr<RetentionKeeper> keeper_;
};

TEST_F(RetentionPassTest, ErasesWhatIsDueOnceAndNothingElse) {
  CentreEvents hem("hem");
  hem.Register("HEM-000001", "2024-01-10");  // referral ended, then a visit
  hem.Refer("HEM-000001", "HEM-R-000001", "2024-01-10", "2024-06-30");
  hem.Sell("HEM-000001", "2024-08-14");
  hem.Register("HEM-000002", "2024-01-10");  // still under a referral
  hem.Refer("HEM-000002", "HEM-R-000002", "2024-01-10", "2027-01-09");
  hem.Register("HEM-000003", "2024-03-01");  // neither: its registration
  ASSERT_TRUE(hem.PushTo(*hub_));
  ASSERT_EQ(Family("HEM-000001").family_name(), "Dupont");

  EXPECT_EQ(keeper_->RunPass().value(), 0) << "nothing due on 01/06/2025";

  now_ms_ = NoonOf("2026-03-01");  // HEM-000003's due day; the others' not yet
  EXPECT_EQ(keeper_->RunPass().value(), 1);
  EXPECT_EQ(Family("HEM-000003").erased_day(), "2026-03-01");
  EXPECT_TRUE(Family("HEM-000003").family_name().empty());
  EXPECT_EQ(Family("HEM-000001").family_name(), "Dupont");

  now_ms_ = NoonOf("2026-08-13");  // the day before HEM-000001's due day
  EXPECT_EQ(keeper_->RunPass().value(), 0);
  now_ms_ = NoonOf("2026-08-14");
  EXPECT_EQ(keeper_->RunPass().value(), 1);
  EXPECT_EQ(Family("HEM-000001").erased_day(), "2026-08-14");
  EXPECT_TRUE(Family("HEM-000001").family_name().empty());

  const uint64_t head = hub_->LogHead();
  EXPECT_EQ(keeper_->RunPass().value(), 0) << "a second pass writes nothing new";
  EXPECT_EQ(hub_->LogHead(), head);
  EXPECT_EQ(Family("HEM-000002").family_name(), "Dupont");
  EXPECT_TRUE(Family("HEM-000002").erased_day().empty());
  EXPECT_EQ(keeper_->passes(), 5u);

  // The erasures are the hub's own events, by its administrator, for retention.
  int retention_erasures = 0;
  std::vector<v1::EventRecord> records =
      hub_->events().ReadRange("hub", 1, 10000, 64 << 20).value();
  for (v1::EventRecord& record : records) {
    DecodedEvent event = DecodeRecord(std::move(record)).value();
    if (!event.core().has_family_erased()) continue;
    EXPECT_EQ(event.core().family_erased().cause(), v1::RETENTION);
    EXPECT_EQ(event.core().operator_id(), "A-000000");
    ++retention_erasures;
  }
  EXPECT_EQ(retention_erasures, 2);
}

TEST_F(RetentionPassTest, AVoidedSaleIsNoVisitAndAWorkshopAttendedIs) {
  CentreEvents hem("hem");
  hem.Register("HEM-000001", "2024-01-10");
  hem.Refer("HEM-000001", "HEM-R-000001", "2024-01-10", "2024-06-30");
  hem.Sell("HEM-000001", "2024-07-05", "HEM-2024-000001");
  const uint64_t voided = hem.Sell("HEM-000001", "2024-09-20", "HEM-2024-000002");
  hem.Void(voided, "HEM-2024-000002", "HEM-000001", "2024-09-20");
  hem.Register("HEM-000002", "2024-01-10");
  hem.Refer("HEM-000002", "HEM-R-000002", "2024-01-10", "2024-06-30");
  hem.Workshop("HEM-W-000001", "2024-10-03");
  hem.Attend("HEM-W-000001", "HEM-000002", true);
  hem.Workshop("HEM-W-000002", "2024-11-07");
  hem.Attend("HEM-W-000002", "HEM-000002", true);
  hem.Attend("HEM-W-000002", "HEM-000002", false);  // corrected: absent after all
  ASSERT_TRUE(hem.PushTo(*hub_));

  const std::unordered_map<std::string, int32_t> visits = hub_->stats().LastVisits();
  ASSERT_EQ(visits.count("HEM-000001"), 1u);
  EXPECT_EQ(S(visits.at("HEM-000001")), "2024-07-05") << "the voided sale is no visit";
  ASSERT_EQ(visits.count("HEM-000002"), 1u);
  EXPECT_EQ(S(visits.at("HEM-000002")), "2024-10-03") << "the workshop attended counts";

  now_ms_ = NoonOf("2026-12-04");
  RetentionServiceImpl service(keeper_.get(), hub_.get(), HubGate::Administrator(nullptr));
  v1::ListRetentionDueRequest request;
  request.set_until_day("2027-12-31");
  const v1::RetentionDue due = service.Due(request).value();
  ASSERT_EQ(due.households_size(), 2);
  EXPECT_EQ(due.households(0).due_day(), "2026-07-05");
  EXPECT_EQ(due.households(1).last_visit_day(), "2024-10-03");
  EXPECT_EQ(due.households(1).due_day(), "2026-10-03");
}

TEST_F(RetentionPassTest, ThreadPassesAtStartAndWhenWokenAndStopsAtOnce) {
  CentreEvents hem("hem");
  hem.Register("HEM-000001", "2024-01-10");
  hem.Refer("HEM-000001", "HEM-R-000001", "2024-01-10", "2024-06-30");
  ASSERT_TRUE(hem.PushTo(*hub_));
  keeper_->Start();
  ASSERT_TRUE(keeper_->WaitForPasses(1, absl::Seconds(30))) << "a pass at start";
  EXPECT_TRUE(Family("HEM-000001").erased_day().empty());
  now_ms_ = NoonOf("2026-07-01");
  keeper_->Wake();
  ASSERT_TRUE(keeper_->WaitForPasses(2, absl::Seconds(30)));
  EXPECT_EQ(Family("HEM-000001").erased_day(), "2026-07-01");
  const auto before = std::chrono::steady_clock::now();
  keeper_->Stop();  // the thread waits up to an hour: it must not
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
}

TEST_F(RetentionPassTest, ReportListsWhatComesDueWithItsFacts) {
  CentreEvents hem("hem");
  hem.Register("HEM-000001", "2024-01-10");
  hem.Refer("HEM-000001", "HEM-R-000001", "2024-01-10", "2024-12-20");
  hem.Sell("HEM-000001", "2024-12-27");
  hem.Register("HEM-000002", "2024-11-02");
  hem.Register("HEM-000003", "2025-03-01");  // due in March 2027: not next month
  ASSERT_TRUE(hem.PushTo(*hub_));
  now_ms_ = NoonOf("2026-12-04");
  RetentionServiceImpl service(keeper_.get(), hub_.get(),
                               HubGate::Administrator(nullptr));
  v1::RetentionDue due = service.Due({}).value();
  EXPECT_EQ(due.today(), "2026-12-04");
  EXPECT_EQ(due.until_day(), "2027-01-31");
  EXPECT_EQ(due.retention_months(), 24);
  ASSERT_EQ(due.households_size(), 2);
  EXPECT_EQ(due.households(0).family_id(), "HEM-000002");
  EXPECT_EQ(due.households(0).due_day(), "2026-11-02") << "overdue, for the next pass";
  EXPECT_EQ(due.households(1).family_id(), "HEM-000001");
  EXPECT_EQ(due.households(1).home_site(), "hem");
  EXPECT_EQ(due.households(1).home_name(), "Hem");
  EXPECT_EQ(due.households(1).last_referral_end_day(), "2024-12-20");
  EXPECT_EQ(due.households(1).last_visit_day(), "2024-12-27");
  EXPECT_EQ(due.households(1).due_day(), "2026-12-27");

  v1::ListRetentionDueRequest later;
  later.set_until_day("2027-03-01");
  EXPECT_EQ(service.Due(later).value().households_size(), 3);
  later.set_until_day("2026-12-03");
  EXPECT_EQ(service.Due(later).status().code(), absl::StatusCode::kInvalidArgument);
  later.set_until_day("31/01/2027");
  EXPECT_EQ(service.Due(later).status().code(), absl::StatusCode::kInvalidArgument);

  ASSERT_EQ(keeper_->RunPass().value(), 1);  // HEM-000002
  EXPECT_EQ(service.Due({}).value().households_size(), 1) << "erased households leave the list";
}

TEST(RetentionKeeperTest, ZeroOrNegativeMonthsAreRefused) {
  TempDir dir;
  std::unique_ptr<HubLog> hub = HubLog::Open(dir.Sub("hub")).value();
  for (int months : {0, -3}) {
    RetentionKeeper::Options options;
    options.months = months;
    EXPECT_EQ(RetentionKeeper::Create(hub.get(), nullptr, options).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

// The figure the README gives: one pass over 5,000 households (each
// registered, with a referral, and a visit), none due, then all due.
TEST(RetentionScaleTest, PassOverFiveThousandHouseholds) {
  TempDir dir;
  std::unique_ptr<HubLog> hub = HubLog::Open(dir.Sub("hub")).value();
  constexpr int kFamilies = 5000;
  CentreEvents hem("hem");
  for (int i = 1; i <= kFamilies; ++i) {
    const std::string family = absl::StrFormat("HEM-%06d", i);
    hem.Register(family, "2024-01-10");
    hem.Refer(family, absl::StrFormat("HEM-R-%06d", i), "2024-01-10", "2024-06-30");
    hem.Sell(family, "2024-07-01");
  }
  ASSERT_TRUE(hem.PushTo(*hub));
  std::atomic<int64_t> now{NoonOf("2026-06-30")};
  RetentionKeeper::Options options;
  options.clock = [&] { return now.load(); };
  std::unique_ptr<RetentionKeeper> keeper =
      RetentionKeeper::Create(hub.get(), nullptr, options).value();

  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(keeper->RunPass().value(), 0);
  const auto scan_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start).count();
  now = NoonOf("2026-07-01");
  const uint64_t writes_before = hub->commit_counts().writes;
  start = std::chrono::steady_clock::now();
  ASSERT_EQ(keeper->RunPass().value(), kFamilies);
  const auto erase_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start).count();
  const uint64_t writes = hub->commit_counts().writes - writes_before;
  EXPECT_LT(writes, uint64_t{kFamilies} / 10) << "erasures are group-committed (AppendOwnAll)";
  start = std::chrono::steady_clock::now();
  ASSERT_EQ(keeper->RunPass().value(), 0);
  const auto after_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start).count();
  std::printf("retention pass over %d households: %lld ms with none due, %lld ms erasing all "
              "(%llu synced writes), %lld ms once erased\n",
              kFamilies, static_cast<long long>(scan_ms), static_cast<long long>(erase_ms),
              static_cast<unsigned long long>(writes), static_cast<long long>(after_ms));
}

}  // namespace
}  // namespace comptoir
