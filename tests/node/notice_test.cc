// The information notice at registration (GDPR Article 13), through the Till
// API over a real node store (RocksDB in a temporary directory): no household
// is registered without it, and the family shows which version it received
// and when.
#include "node/notice.h"

#include <gtest/gtest.h>

#include <memory>

#include "common/civil_day.h"
#include "node/node_store.h"
#include "node/till.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;

// 2026-12-04 12:00 in Paris (11:00 UTC).
constexpr int64_t kFridayNoon = 1796382000000;
constexpr int64_t kDay = 24 * 3600 * 1000;

class NoticeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(ParisDay(kFridayNoon), "2026-12-04");
    auto node = NodeStore::Open({"hem", dir_.Sub("hem"), [this] { return *now_ms_; }, ""});
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = *std::move(node);
    till_ = std::make_unique<Till>(node_.get());
  }

  static v1::RegisterFamilyRequest Household(const std::string& notice_version) {
    v1::RegisterFamilyRequest request;
    request.set_family_name("Dupont");
    request.set_household_type(v1::SINGLE_PARENT);
    v1::MemberInput* member = request.add_members();
    member->set_first_name("Amélie");
    member->set_sex(v1::FEMALE);
    member->set_birth_year(1990);
    request.set_notice_version(notice_version);
    return request;
  }

  uint64_t OwnSeq() { return node_->Status()->own_seq(); }

  std::shared_ptr<int64_t> now_ms_ = std::make_shared<int64_t>(kFridayNoon);
  TempDir dir_;
  std::unique_ptr<NodeStore> node_;
  std::unique_ptr<Till> till_;
};

TEST_F(NoticeTest, TodaysVersionIsKnownAndNothingElse) {
  EXPECT_EQ(CurrentNoticeVersion().size(), 7u);  // "AAAA-MM"
  EXPECT_TRUE(IsKnownNoticeVersion(CurrentNoticeVersion()));
  EXPECT_FALSE(IsKnownNoticeVersion(""));
  EXPECT_FALSE(IsKnownNoticeVersion("1999-01"));
}

TEST_F(NoticeTest, RegistrationWithoutTheNoticeIsRefusedAndWritesNothing) {
  const uint64_t before = OwnSeq();
  auto refused = till_->RegisterFamily(Household(""));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("notice d'information"), std::string::npos)
      << refused.status();
  EXPECT_EQ(OwnSeq(), before) << "a refused registration writes nothing";
  v1::GetFamilyRequest get;
  get.set_family_id("HEM-000001");
  EXPECT_EQ(till_->GetFamily(get).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(NoticeTest, UnknownVersionIsRefusedAndWritesNothing) {
  const uint64_t before = OwnSeq();
  auto refused = till_->RegisterFamily(Household("1999-01"));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("« 1999-01 »"), std::string::npos) << refused.status();
  EXPECT_EQ(OwnSeq(), before);
}

TEST_F(NoticeTest, FamilyShowsTheVersionAndDayItReceivedTheNotice) {
  const std::string version(CurrentNoticeVersion());
  auto family = till_->RegisterFamily(Household(version));
  ASSERT_TRUE(family.ok()) << family.status();
  EXPECT_EQ(family->notice_version(), version);
  EXPECT_EQ(family->notice_day(), "2026-12-04");
  *now_ms_ += 3 * kDay;
  v1::GetFamilyRequest get;
  get.set_family_id(family->family_id());
  auto shown = till_->GetFamily(get);
  ASSERT_TRUE(shown.ok()) << shown.status();
  EXPECT_EQ(shown->notice_version(), version);
  EXPECT_EQ(shown->notice_day(), "2026-12-04") << "the day it was given, not today";
}

TEST_F(NoticeTest, UpdateRecordsTheNoticeGivenAgainWithItsDay) {
  auto family = till_->RegisterFamily(Household(std::string(CurrentNoticeVersion())));
  ASSERT_TRUE(family.ok()) << family.status();
  *now_ms_ += 40 * kDay;  // 2027-01-13
  v1::UpdateFamilyRequest update;
  update.set_family_id(family->family_id());
  update.set_notice_version("1999-01");
  const uint64_t before = OwnSeq();
  EXPECT_EQ(till_->UpdateFamily(update).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OwnSeq(), before);
  update.set_notice_version(std::string(CurrentNoticeVersion()));
  auto updated = till_->UpdateFamily(update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->notice_version(), CurrentNoticeVersion());
  EXPECT_EQ(updated->notice_day(), "2027-01-13");
  EXPECT_EQ(updated->family_name(), "Dupont") << "nothing else changed";
}

}  // namespace
}  // namespace comptoir
