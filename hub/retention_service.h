// RetentionService: the report of what the hub's retention will erase next
// (proto/comptoir/v1/retention.proto), for head office only: it names cards
// and their centres, so it asks for a household's rights
// (Action::kPersonalData) of a head-office account (or of the hub machine's
// administrator, through its socket); statistics accounts, a centre's
// coordinator logged in at the hub, and centres are refused.
// Thread-safe; `keeper` is not owned and must outlive the service.
#ifndef COMPTOIR_HUB_RETENTION_SERVICE_H_
#define COMPTOIR_HUB_RETENTION_SERVICE_H_

#include "comptoir/v1/retention.grpc.pb.h"
#include "hub/hub_gate.h"
#include "hub/retention_keeper.h"

namespace comptoir {

class RetentionServiceImpl final : public v1::RetentionService::Service {
 public:
  RetentionServiceImpl(const RetentionKeeper* keeper, const HubLog* log, HubGate gate)
      : keeper_(keeper), log_(log), gate_(gate) {}

  // The report for a caller already entitled. InvalidArgument (French) for
  // a malformed until_day or one before today.
  absl::StatusOr<v1::RetentionDue> Due(const v1::ListRetentionDueRequest& request) const;

  grpc::Status ListRetentionDue(grpc::ServerContext* context,
                                const v1::ListRetentionDueRequest* request,
                                v1::RetentionDue* response) override;

 private:
  const RetentionKeeper* keeper_;
  const HubLog* log_;
  HubGate gate_;
};

// The last day of the month after `today`'s (DayNumbers): what "due next
// month" covers by default, from today on.
int32_t EndOfNextMonth(int32_t today);

}  // namespace comptoir

#endif  // COMPTOIR_HUB_RETENTION_SERVICE_H_
