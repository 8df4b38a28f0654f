// Head office's accounts (hub/hub_accounts.h): the first head-office account
// at install and a centre's first coordinator, written into the hub's log,
// reach the centre and let the coordinator log in there offline.
#include "hub/hub_accounts.h"

#include <gtest/gtest.h>

#include "common/account_view.h"
#include "node/accounts.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;

constexpr char kPassword[] = "la tête dans les nuages";

TEST(HubAccountsTest, HeadOfficeAndACentresFirstCoordinatorAreCreatedAndReachTheCentre) {
  TempDir dir;
  auto hub = HubLog::Open(dir.Sub("hub")).value();
  absl::StatusOr<v1::AccountRecord> claire =
      CreateAccountAtHub(*hub, "claire", v1::HEAD_OFFICE, "hub", kPassword);
  ASSERT_TRUE(claire.ok()) << claire.status();
  EXPECT_EQ(claire->account_id(), "A-000001");
  EXPECT_EQ(claire->created_by(), "hub");
  absl::StatusOr<v1::AccountRecord> marc =
      CreateAccountAtHub(*hub, "marc", v1::COORDINATOR, "hem", kPassword);
  ASSERT_TRUE(marc.ok()) << marc.status();
  EXPECT_EQ(marc->account_id(), "A-000002");

  EXPECT_EQ(CreateAccountAtHub(*hub, "claire", v1::STATISTICS, "hub", kPassword).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CreateAccountAtHub(*hub, "paul", v1::HEAD_OFFICE, "hem", kPassword).status().code(),
            absl::StatusCode::kInvalidArgument)
      << "a head-office account belongs to the hub";
  EXPECT_EQ(CreateAccountAtHub(*hub, "paul", v1::VOLUNTEER, "hub", kPassword).status().code(),
            absl::StatusCode::kInvalidArgument)
      << "a volunteer belongs to a centre";
  EXPECT_EQ(CreateAccountAtHub(*hub, "Paul!", v1::VOLUNTEER, "hem", kPassword).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateAccountAtHub(*hub, "paul", v1::VOLUNTEER, "hem", "court").status().code(),
            absl::StatusCode::kInvalidArgument);

  // Hem syncs, then logs marc in while offline.
  auto hem = NodeStore::Open({"hem", dir.Sub("hem"), nullptr, ""}).value();
  ASSERT_TRUE(hem->ResetCursor(hub->Epoch()).ok());
  ASSERT_TRUE(hem->ApplyPulled(hub->Epoch(),
                               hub->ReadLogFor("hem", 0, 1000, 1 << 20, false)->ToBatch().value())
                  .ok());
  hub.reset();
  Accounts accounts(hem.get());
  absl::StatusOr<Session> session = accounts.LogIn("marc", kPassword);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->role, v1::COORDINATOR);
  EXPECT_EQ(session->login, "marc");
  EXPECT_TRUE(accounts.LogIn("claire@hub", kPassword).ok());
  // Marc creates hem's volunteers there: hem's own accounts.
  absl::StatusOr<v1::AccountRecord> lea =
      accounts.CreateAccount("lea", v1::VOLUNTEER, kPassword, *session);
  ASSERT_TRUE(lea.ok()) << lea.status();
  EXPECT_EQ(lea->account_id(), "HEM-A-000001");
}

TEST(HubAccountsTest, RolesAreNamedAsTheCommandTakesThem) {
  EXPECT_EQ(ParseRole("head-office").value(), v1::HEAD_OFFICE);
  EXPECT_EQ(ParseRole("statistics").value(), v1::STATISTICS);
  EXPECT_EQ(ParseRole("coordinator").value(), v1::COORDINATOR);
  EXPECT_EQ(ParseRole("volunteer").value(), v1::VOLUNTEER);
  EXPECT_EQ(ParseRole("admin").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace comptoir
