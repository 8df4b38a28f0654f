// StatsService: the network report for head office (proto/comptoir/v1/stats.proto),
// computed from the statistics the hub folds as events arrive (hub/stats_model.h).
// Thread-safe; `log` and `sync` are not owned and must outlive the service.
#ifndef COMPTOIR_HUB_STATS_SERVICE_H_
#define COMPTOIR_HUB_STATS_SERVICE_H_

#include "comptoir/v1/stats.grpc.pb.h"
#include "hub/hub_gate.h"
#include "hub/hub_log.h"
#include "hub/sync_service.h"

namespace comptoir {

class StatsServiceImpl final : public v1::StatsService::Service {
 public:
  StatsServiceImpl(HubLog* log, SyncServiceImpl* sync, HubGate gate)
      : log_(log), sync_(sync), gate_(gate) {}

  // The report, for a caller already entitled to it (the dashboard checks
  // its own sessions). INVALID_ARGUMENT for a malformed or reversed period
  // (or one over ten years), NOT_FOUND for a centre the hub holds nothing from.
  absl::StatusOr<v1::StatsReport> Report(const v1::StatsRequest& request) const;

  // Report, for head office and statistics accounts (hub/hub_gate.h).
  grpc::Status GetReport(grpc::ServerContext* context, const v1::StatsRequest* request,
                         v1::StatsReport* response) override;
  // Appends a "hub" event naming the caller, head office only;
  // INVALID_ARGUMENT for a bad centre, year or amount.
  grpc::Status SetRunningCosts(grpc::ServerContext* context, const v1::RunningCosts* request,
                               v1::RunningCosts* response) override;

 private:
  HubLog* log_;
  SyncServiceImpl* sync_;
  HubGate gate_;
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_STATS_SERVICE_H_
