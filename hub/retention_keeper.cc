#include "hub/retention_keeper.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_map>
#include <utility>

#include "absl/time/clock.h"
#include "common/civil_day.h"
#include "common/family_view.h"
#include "common/logging.h"
#include "common/network_defaults.h"
#include "common/roles.h"
#include "common/status_macros.h"
#include "common/thread_name.h"

namespace comptoir {
namespace {

constexpr int64_t kHourMs = 3600 * 1000;
constexpr size_t kErasuresPerChunk = 256;

std::string DayOrEmpty(const std::optional<int32_t>& day) {
  return day.has_value() ? DayFromNumber(*day) : std::string();
}

}  // namespace

absl::StatusOr<std::vector<v1::HouseholdDue>> HouseholdsDueBy(const HubLog& log, int months,
                                                              int32_t until_day) {
  struct Held {
    std::string family_id;
    std::string home_site;
    std::string registered_day;
  };
  std::vector<Held> held;
  RETURN_IF_ERROR(ForEachFamily(log.store(), [&](v1::FamilyRecord record) {
    if (!record.erased_day().empty()) return;
    held.push_back(Held{std::move(*record.mutable_family_id()),
                        std::move(*record.mutable_registered_by()),
                        std::move(*record.mutable_registered_day())});
  }));
  const std::unordered_map<std::string, int32_t> visits = log.stats().LastVisits();
  std::vector<std::pair<int32_t, v1::HouseholdDue>> due;
  for (const Held& family : held) {
    ASSIGN_OR_RETURN(std::vector<v1::ReferralView> referrals,
                     ReferralsOf(log.store(), family.family_id));
    RetentionFacts facts;
    facts.registered = DayNumber(family.registered_day);
    facts.last_referral_end = LastReferralEnd(referrals);
    if (auto visit = visits.find(family.family_id); visit != visits.end()) {
      facts.last_visit = visit->second;
    }
    const std::optional<int32_t> due_day = RetentionDueDay(facts, months);
    if (!due_day.has_value() || *due_day > until_day) continue;
    v1::HouseholdDue entry;
    entry.set_family_id(family.family_id);
    entry.set_home_site(family.home_site);
    entry.set_home_name(CentreName(family.home_site));
    entry.set_last_referral_end_day(DayOrEmpty(facts.last_referral_end));
    entry.set_last_visit_day(DayOrEmpty(facts.last_visit));
    entry.set_registered_day(family.registered_day);
    entry.set_due_day(DayFromNumber(*due_day));
    due.emplace_back(*due_day, std::move(entry));
  }
  std::sort(due.begin(), due.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.family_id() < b.second.family_id();
  });
  std::vector<v1::HouseholdDue> households;
  households.reserve(due.size());
  for (auto& [day, entry] : due) households.push_back(std::move(entry));
  return households;
}

absl::StatusOr<std::unique_ptr<RetentionKeeper>> RetentionKeeper::Create(HubLog* log,
                                                                         SyncServiceImpl* sync,
                                                                         Options options) {
  RETURN_IF_ERROR(CheckRetentionMonths(options.months));
  if (!options.clock) options.clock = [] { return absl::ToUnixMillis(absl::Now()); };
  return std::unique_ptr<RetentionKeeper>(new RetentionKeeper(log, sync, std::move(options)));
}

RetentionKeeper::RetentionKeeper(HubLog* log, SyncServiceImpl* sync, Options options)
    : log_(log), sync_(sync), months_(options.months), clock_(std::move(options.clock)) {}

RetentionKeeper::~RetentionKeeper() { Stop(); }

int32_t RetentionKeeper::Today() const { return ParisDayNumber(clock_()); }

absl::StatusOr<int> RetentionKeeper::RunPass() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  const int32_t today = Today();
  int erased = 0;
  absl::Status status = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<v1::HouseholdDue> due, HouseholdsDueBy(*log_, months_, today));
    // Queued together, a chunk at a time: group commit writes many erasures
    // per synced write (a first pass over years of history erases thousands).
    for (size_t from = 0; from < due.size(); from += kErasuresPerChunk) {
      std::vector<v1::EventCore> erasures;
      for (size_t i = from; i < std::min(due.size(), from + kErasuresPerChunk); ++i) {
        v1::EventCore core;
        core.set_operator_id(AdministratorId(""));
        v1::FamilyErased* erasure = core.mutable_family_erased();
        erasure->set_family_id(due[i].family_id());
        erasure->set_day(DayFromNumber(today));
        erasure->set_cause(v1::RETENTION);
        erasures.push_back(std::move(core));
      }
      auto [appended, status] = log_->AppendOwnAll(std::move(erasures));
      erased += static_cast<int>(appended);
      RETURN_IF_ERROR(status);
    }
    return absl::OkStatus();
  }();
  if (erased > 0) {
    if (sync_ != nullptr) sync_->WakeAll();
    LogInfo("retention (", months_, " months): personal data of ", erased,
            " household(s) erased on ", DayFromNumber(today));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++passes_;
  }
  changed_.notify_all();
  if (!status.ok()) {
    LogError("retention: pass stopped after ", erased, " erasure(s): ", status.message());
    return status;
  }
  return erased;
}

void RetentionKeeper::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void RetentionKeeper::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  changed_.notify_all();
}

void RetentionKeeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t RetentionKeeper::passes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return passes_;
}

bool RetentionKeeper::WaitForPasses(uint64_t count, absl::Duration timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                           [&] { return passes_ >= count; });
}

void RetentionKeeper::Loop() {
  NameThisThread("retention");
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    (void)RunPass();  // logged; the next pass tries again
    lock.lock();
    // Just past the next whole hour of the clock (a second's margin).
    const int64_t now = clock_();
    const int64_t wait_ms = kHourMs - ((now % kHourMs) + kHourMs) % kHourMs + 1000;
    changed_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                      [&] { return stopping_ || woken_; });
  }
}

}  // namespace comptoir
