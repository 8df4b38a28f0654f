// Accounts at a centre (node/accounts.h): logging in with an Argon2id-hashed
// password, lock-out after repeated failures (kept across a restart), a
// disabled account, and an account of one centre logging in at another that
// only received it through the hub.
#include "node/accounts.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "common/account_view.h"
#include "hub/hub_log.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::TempDir;

constexpr char kPassword[] = "un beau jardin partagé";

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    accounts_.reset();
    hem_.reset();
    hem_ = NodeStore::Open({"hem", dir_.Sub("hem"), nullptr, ""}).value();
    accounts_ = std::make_unique<Accounts>(hem_.get(), [this] { return now_ms_.load(); });
  }

  // The centre's administrator, who creates the first accounts.
  Session Admin() const { return accounts_->Administrator(); }

  TempDir dir_;
  std::atomic<int64_t> now_ms_{1795000000000};
  std::unique_ptr<NodeStore> hem_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, ACreatedAccountLogsInWithItsPasswordOnly) {
  absl::StatusOr<v1::AccountRecord> marie =
      accounts_->CreateAccount("marie", v1::VOLUNTEER, kPassword, Admin());
  ASSERT_TRUE(marie.ok()) << marie.status();
  EXPECT_EQ(marie->account_id(), "HEM-A-000001");
  EXPECT_EQ(marie->site(), "hem");

  absl::StatusOr<Session> session = accounts_->LogIn("marie", kPassword);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->role, v1::VOLUNTEER);
  EXPECT_EQ(session->login, "marie");
  EXPECT_EQ(session->token.size(), 64u);
  EXPECT_EQ(accounts_->SessionFor(session->token)->account_id, "HEM-A-000001");
  EXPECT_TRUE(accounts_->LogIn("Marie@hem", kPassword).ok()) << "logins ignore case; @site names it";

  const absl::Status wrong = accounts_->LogIn("marie", "pas le bon mot").status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts_->LogIn("personne", kPassword).status().message(), wrong.message())
      << "an unknown login and a wrong password read the same";
  EXPECT_EQ(accounts_->CreateAccount("marie", v1::COORDINATOR, kPassword, Admin()).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(accounts_->CreateAccount("paul", v1::VOLUNTEER, "court", Admin()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts_->CreateAccount("chef", v1::HEAD_OFFICE, kPassword, Admin()).status().code(),
            absl::StatusCode::kPermissionDenied);

  accounts_->LogOut(session->token);
  EXPECT_EQ(accounts_->SessionFor(session->token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(AccountsTest, APasswordIsStoredOnlyAsAnArgon2idHash) {
  ASSERT_TRUE(accounts_->CreateAccount("marie", v1::VOLUNTEER, kPassword, Admin()).ok());
  const v1::AccountRecord marie = FindAccount(hem_->store(), "HEM-A-000001").value().value();
  EXPECT_EQ(marie.password_hash().rfind("$argon2id$", 0), 0u) << marie.password_hash();
  for (int column = 0; column < kColumnCount; ++column) {
    ASSERT_TRUE(hem_->store()
                    .Scan(static_cast<Column>(column), "", "",
                          [&](absl::string_view key, absl::string_view value) {
                            EXPECT_EQ(value.find(kPassword), absl::string_view::npos) << key;
                            return true;
                          })
                    .ok());
  }
}

TEST_F(AccountsTest, FiveWrongPasswordsLockTheAccountAcrossARestartUntilTheLockOutEnds) {
  ASSERT_TRUE(accounts_->CreateAccount("marie", v1::VOLUNTEER, kPassword, Admin()).ok());
  for (int i = 1; i < kMaxFailedLogins; ++i) {
    EXPECT_EQ(accounts_->LogIn("marie", "mauvais mot de passe").status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  const absl::Status fifth = accounts_->LogIn("marie", "mauvais mot de passe").status();
  EXPECT_EQ(fifth.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(fifth.message().find("bloqué"), absl::string_view::npos) << fifth;

  Open();  // a restart keeps the lock-out
  const absl::Status locked = accounts_->LogIn("marie", kPassword).status();
  EXPECT_EQ(locked.code(), absl::StatusCode::kPermissionDenied) << "even the right password";
  EXPECT_NE(locked.message().find("réessayez après"), absl::string_view::npos) << locked;

  now_ms_ += absl::ToInt64Milliseconds(kLockOut) + 1;
  ASSERT_TRUE(accounts_->LogIn("marie", kPassword).ok());
  EXPECT_EQ(accounts_->LogIn("marie", "mauvais mot de passe").status().code(),
            absl::StatusCode::kUnauthenticated)
      << "a success starts the count again";
}

TEST_F(AccountsTest, ADisabledAccountCannotLogInAndItsSessionEnds) {
  ASSERT_TRUE(accounts_->CreateAccount("marie", v1::VOLUNTEER, kPassword, Admin()).ok());
  const Session session = accounts_->LogIn("marie", kPassword).value();
  ASSERT_TRUE(hem_->Execute([](CommandContext& ctx) {
                    v1::EventCore disabled;
                    disabled.mutable_account_changed()->set_account_id("HEM-A-000001");
                    disabled.mutable_account_changed()->set_disabled(true);
                    return ctx.Append(std::move(disabled), nullptr).status();
                  })
                  .ok());
  EXPECT_EQ(accounts_->SessionFor(session.token).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts_->LogIn("marie", kPassword).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AccountsTest, AVolunteerLogsInAtAnotherCentreThatGotTheAccountThroughTheHub) {
  ASSERT_TRUE(accounts_->CreateAccount("marie", v1::VOLUNTEER, kPassword, Admin()).ok());
  auto hub = HubLog::Open(dir_.Sub("hub")).value();
  std::vector<DecodedEvent> pushed;
  const std::vector<v1::EventRecord> records = hem_->ReadOwn(1, 100, 1 << 20).value();
  for (const v1::EventRecord& record : records) {
    pushed.push_back(DecodeRecord(record).value());
  }
  absl::StatusOr<PushVerdict> verdict = hub->AppendPushed("hem", pushed);
  ASSERT_TRUE(verdict.ok() && !verdict->error.has_value());

  auto lille = NodeStore::Open({"lille", dir_.Sub("lille"), nullptr, ""}).value();
  ASSERT_TRUE(lille->ResetCursor(hub->Epoch()).ok());
  ASSERT_TRUE(lille->ApplyPulled(hub->Epoch(),
                                 hub->ReadLogFor("lille", 0, 1000, 1 << 20, false)->ToBatch().value())
                  .ok());
  // Lille is now offline: it checks the password against its own replica.
  hub.reset();
  Accounts at_lille(lille.get());
  absl::StatusOr<Session> session = at_lille.LogIn("marie@hem", kPassword);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->login, "marie@hem");
  EXPECT_EQ(session->account_id, "HEM-A-000001");
  EXPECT_EQ(at_lille.LogIn("marie", kPassword).status().code(),
            absl::StatusCode::kUnauthenticated)
      << "plain 'marie' names an account of lille";
}

}  // namespace
}  // namespace comptoir
