// Finding a family at the till as volunteers type: typos, card numbers
// without their prefix, same-name households. Real node stores (RocksDB in a
// temporary directory), through the Till API.
#include <gtest/gtest.h>

#include <memory>
#include <tuple>

#include "hub/hub_log.h"
#include "node/notice.h"
#include "node/till.h"
#include "tests/sim/sync_harness.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::SyncWire;
using ::comptoir::testing::TempDir;

struct Person {
  const char* first_name;
  uint32_t birth_year;
};

class FamilySearchTest : public ::testing::Test {
 protected:
  std::unique_ptr<NodeStore> Open(const std::string& site) {
    auto node = NodeStore::Open({site, dir_.Sub(site), nullptr, ""});
    EXPECT_TRUE(node.ok()) << node.status();
    return *std::move(node);
  }

  std::string Register(Till& till, const std::string& name,
                       std::vector<Person> members = {{"Amélie", 1990}},
                       const std::string& postcode = "59510") {
    v1::RegisterFamilyRequest request;
    request.set_notice_version(std::string(CurrentNoticeVersion()));
    request.set_family_name(name);
    request.set_household_type(v1::SINGLE_PARENT);
    request.set_postcode(postcode);
    for (const Person& person : members) {
      v1::MemberInput* member = request.add_members();
      member->set_first_name(person.first_name);
      member->set_sex(v1::FEMALE);
      member->set_birth_year(person.birth_year);
    }
    auto family = till.RegisterFamily(request);
    EXPECT_TRUE(family.ok()) << family.status();
    return family->family_id();
  }

  v1::SearchFamiliesResponse Search(const std::string& query) {
    v1::SearchFamiliesRequest request;
    request.set_query(query);
    auto found = till_.SearchFamilies(request);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.value_or(v1::SearchFamiliesResponse());
  }

  // "Dupont:close" per family found, in order.
  std::vector<std::string> Found(const std::string& query) {
    const v1::SearchFamiliesResponse response = Search(query);
    EXPECT_EQ(response.matches_size(), response.families_size());
    std::vector<std::string> found;
    for (int i = 0; i < response.families_size(); ++i) {
      const char* how = response.matches(i) == v1::FAMILY_MATCH_CARD    ? "card"
                        : response.matches(i) == v1::FAMILY_MATCH_CLOSE ? "close"
                                                                        : "name";
      found.push_back(response.families(i).family_name() + ":" + how);
    }
    return found;
  }

  TempDir dir_;
  std::unique_ptr<NodeStore> node_ = Open("hem");
  Till till_{node_.get()};
};

TEST_F(FamilySearchTest, ATypoFindsTheFamilyAsASuggestion) {
  Register(till_, "Dupont");
  Register(till_, "Lefèvre");
  Register(till_, "Martin");
  EXPECT_EQ(Found("dupond"), std::vector<std::string>{"Dupont:close"});
  EXPECT_EQ(Found("Lefebvre"), std::vector<std::string>{"Lefèvre:close"});
  EXPECT_EQ(Found("LEFEVRE"), std::vector<std::string>{"Lefèvre:name"});
  EXPECT_EQ(Found("Dpuont"), std::vector<std::string>{"Dupont:close"}) << "two letters swapped";
  EXPECT_EQ(Found("le fèvre"), std::vector<std::string>{"Lefèvre:name"}) << "split in two";
}

TEST_F(FamilySearchTest, WholeAndStartingNamesComeBeforeCloseOnes) {
  Register(till_, "Dupond");
  Register(till_, "Dupontel");
  Register(till_, "Dupont");
  Register(till_, "Aldupont");
  EXPECT_EQ(Found("dupont"), (std::vector<std::string>{"Dupont:name", "Dupontel:name",
                                                       "Aldupont:name", "Dupond:close"}));
}

TEST_F(FamilySearchTest, NothingCloseSaysSoAndSuggestsNothing) {
  Register(till_, "Dupont");
  Register(till_, "Dumont");
  const v1::SearchFamiliesResponse far = Search("Zimmermann");
  EXPECT_EQ(far.families_size(), 0);
  EXPECT_NE(far.notice().find("Aucune famille ne s'appelle « Zimmermann »"), std::string::npos)
      << far.notice();
  // Short words have too many neighbours: "dup" is not a typo of "Dumont".
  EXPECT_EQ(Found("dup"), std::vector<std::string>{"Dupont:name"});
  EXPECT_EQ(Search("dup").notice(), "");
  EXPECT_NE(Search("000042").notice().find("Aucune carte n° « 000042 »"), std::string::npos);
}

TEST_F(FamilySearchTest, TheCardNumberIsFoundWithoutItsPrefixOrZeros) {
  Register(till_, "Dupont");
  const std::string second = Register(till_, "Martin");
  ASSERT_EQ(second, "HEM-000002");
  for (const char* typed : {"000002", "2", "hem-2", "HEM-000002", " hem-000002 "}) {
    const v1::SearchFamiliesResponse found = Search(typed);
    ASSERT_EQ(found.families_size(), 1) << typed;
    EXPECT_EQ(found.families(0).family_id(), "HEM-000002") << typed;
    EXPECT_EQ(found.matches(0), v1::FAMILY_MATCH_CARD) << typed;
  }
}

TEST_F(FamilySearchTest, ThisCentresCardComesBeforeOtherCentresCards) {
  auto hub = HubLog::Open(dir_.Sub("hub")).value();
  auto lille = Open("lille");
  Till lille_till(lille.get());
  Register(till_, "Dupont");
  Register(lille_till, "Lefèvre");
  Register(lille_till, "Durand");
  SyncWire(lille.get(), hub.get()).Pump();
  SyncWire(node_.get(), hub.get()).Pump();
  ASSERT_EQ(Found("1"), (std::vector<std::string>{"Dupont:card", "Lefèvre:card"}));
  EXPECT_EQ(Found("2"), std::vector<std::string>{"Durand:card"});
  EXPECT_EQ(Found("lil-1"), std::vector<std::string>{"Lefèvre:card"});
}

TEST_F(FamilySearchTest, SameNameFamiliesAreToldApartByMembersAndPostcode) {
  Register(till_, "Martin", {{"Sophie", 1985}, {"Lina", 2012}}, "59510");
  Register(till_, "Martin", {{"Karim", 1979}}, "59100");
  const v1::SearchFamiliesResponse found = Search("martn");
  ASSERT_EQ(found.families_size(), 2);
  std::vector<std::tuple<std::string, std::string, uint32_t>> seen;
  for (const v1::FamilyView& family : found.families()) {
    for (const v1::MemberView& member : family.members()) {
      seen.emplace_back(family.postcode(), member.first_name(), member.birth_year());
    }
  }
  EXPECT_EQ(seen, (std::vector<std::tuple<std::string, std::string, uint32_t>>{
                      {"59510", "Sophie", 1985}, {"59510", "Lina", 2012}, {"59100", "Karim", 1979}}));
}

TEST_F(FamilySearchTest, BadQueriesAreRefusedInFrench) {
  v1::SearchFamiliesRequest blank;
  blank.set_query("   ");
  EXPECT_EQ(till_.SearchFamilies(blank).status().code(), absl::StatusCode::kInvalidArgument);
  v1::SearchFamiliesRequest long_one;
  long_one.set_query(std::string(500, 'a'));
  auto refused = till_.SearchFamilies(long_one);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("Recherche trop longue"), std::string::npos);
}

}  // namespace
}  // namespace comptoir
