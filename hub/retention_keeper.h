// RetentionKeeper: the hub applying the retention rule (hub/retention.h) by
// itself. A pass reads what the hub holds of every household not erased yet
// (its family record, its referrals, its last visit from the statistics) and
// writes one FamilyErased{cause: RETENTION, day: today} of origin "hub",
// operator the hub machine's administrator (AdministratorId("")), for each
// household due; every replica applies it like an erasure on request
// (common/family_view.h). A household erased already is never erased again.
//
// When: a pass at Start(), then at every whole hour of the clock (Paris
// midnight is a whole UTC hour, so the civil day's change is one of them),
// and whenever Wake() is called; RunPass() runs one on the caller's thread.
// Passes never overlap. The clock is injected (ms since the Unix epoch) so
// that tests move time; the thread waits on a condition variable, so Stop()
// and Wake() take effect at once.
//
//   RetentionKeeper::Options options;
//   options.months = 24;
//   ASSIGN_OR_RETURN(auto keeper, RetentionKeeper::Create(log, &sync, options));
//   keeper->Start();  // ... ~RetentionKeeper stops the thread
//
// A pass costs one scan of the family records, one referral lookup per
// household not erased and one read of the statistics' last visits (README,
// "Durée de conservation", gives the figure for 5,000 households).
// Thread-safe. `log` and `sync` are not owned and must outlive the keeper.
#ifndef COMPTOIR_HUB_RETENTION_KEEPER_H_
#define COMPTOIR_HUB_RETENTION_KEEPER_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/hlc.h"
#include "comptoir/v1/retention.pb.h"
#include "hub/hub_log.h"
#include "hub/retention.h"
#include "hub/sync_service.h"

namespace comptoir {

// Every household not erased whose due day is on or before `until_day`
// (DayNumber), by due day then card, as `log` holds them with `months` of
// retention. Fails only when the store cannot be read.
absl::StatusOr<std::vector<v1::HouseholdDue>> HouseholdsDueBy(const HubLog& log, int months,
                                                              int32_t until_day);

class RetentionKeeper {
 public:
  struct Options {
    int months = kDefaultRetentionMonths;
    // Milliseconds since the Unix epoch; empty: the system clock.
    HybridClock::PhysicalClock clock;
  };

  // InvalidArgument (French) when options.months is out of range
  // (CheckRetentionMonths). `sync` may be null (no stream to wake).
  static absl::StatusOr<std::unique_ptr<RetentionKeeper>> Create(HubLog* log,
                                                                 SyncServiceImpl* sync,
                                                                 Options options);
  // Stops the thread if started.
  ~RetentionKeeper();
  RetentionKeeper(const RetentionKeeper&) = delete;
  RetentionKeeper& operator=(const RetentionKeeper&) = delete;

  int months() const { return months_; }
  // The clock's day in Paris (DayNumber).
  int32_t Today() const;

  // Erases every household due today and not erased yet; returns how many.
  // On a failed append, returns its error (the households erased before it
  // stay erased; the next pass does the rest).
  absl::StatusOr<int> RunPass();

  // Starts the thread (once): a pass now, then as said above.
  void Start();
  // Has the thread run a pass now (no-op when not started).
  void Wake();
  // Stops the thread and waits for it (a pass under way finishes first).
  void Stop();

  // Passes finished since creation (by the thread or RunPass), failed ones
  // included.
  uint64_t passes() const;
  // Waits until passes() >= count or `timeout` has passed; returns whether
  // it was reached. For tests and tools that must know a pass is done.
  bool WaitForPasses(uint64_t count, absl::Duration timeout) const;

 private:
  RetentionKeeper(HubLog* log, SyncServiceImpl* sync, Options options);
  void Loop();

  HubLog* const log_;
  SyncServiceImpl* const sync_;
  const int months_;
  const HybridClock::PhysicalClock clock_;
  std::mutex pass_mu_;  // one pass at a time
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t passes_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_RETENTION_KEEPER_H_
