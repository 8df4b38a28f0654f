#include "hub/retention_service.h"

#include "common/civil_day.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"

namespace comptoir {

int32_t EndOfNextMonth(int32_t today) {
  const CivilDate date = CivilFromDays(today);
  const int32_t first = static_cast<int32_t>(DaysFromCivil(date.year, date.month, 1));
  return AddMonths(first, 2) - 1;
}

absl::StatusOr<v1::RetentionDue> RetentionServiceImpl::Due(
    const v1::ListRetentionDueRequest& request) const {
  const int32_t today = keeper_->Today();
  int32_t until = EndOfNextMonth(today);
  if (!request.until_day().empty()) {
    const std::optional<int32_t> asked = DayNumber(request.until_day());
    if (!asked.has_value()) {
      return absl::InvalidArgumentError(
          "until_day : une date AAAA-MM-JJ, par exemple 2027-01-31");
    }
    if (*asked < today) {
      return absl::InvalidArgumentError("until_day : une date à partir d'aujourd'hui");
    }
    until = *asked;
  }
  ASSIGN_OR_RETURN(std::vector<v1::HouseholdDue> households,
                   HouseholdsDueBy(*log_, keeper_->months(), until));
  v1::RetentionDue due;
  due.set_today(DayFromNumber(today));
  due.set_until_day(DayFromNumber(until));
  due.set_retention_months(keeper_->months());
  for (v1::HouseholdDue& household : households) *due.add_households() = std::move(household);
  return due;
}

grpc::Status RetentionServiceImpl::ListRetentionDue(grpc::ServerContext* context,
                                                    const v1::ListRetentionDueRequest* request,
                                                    v1::RetentionDue* response) {
  absl::StatusOr<HubCaller> caller = gate_.Entitled(*context, Action::kPersonalData);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (caller->session.role != v1::HEAD_OFFICE) {  // a centre's coordinator logged in here
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "La liste des foyers du réseau à effacer est réservée au siège.");
  }
  return Answer(Due(*request), response);
}

}  // namespace comptoir
