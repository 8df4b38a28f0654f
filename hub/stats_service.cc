#include "hub/stats_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/limits.h"
#include "common/civil_day.h"
#include "common/grpc_status.h"
#include "common/keys.h"

namespace comptoir {

namespace {

constexpr int32_t kMaxPeriodDays = 3700;  // ten years and a bit

absl::Status Invalid(const std::string& message) { return absl::InvalidArgumentError(message); }

// [from, to] cut into calendar months.
std::vector<std::pair<int32_t, int32_t>> Months(int32_t from, int32_t to) {
  std::vector<std::pair<int32_t, int32_t>> months;
  int32_t start = from;
  while (start <= to) {
    const std::string first = DayFromNumber(start);
    const int32_t next_month =
        *DayNumber(*AddDays(absl::StrCat(MonthOf(first), "-01"), 31));  // into next month
    const int32_t end =
        std::min(to, *DayNumber(absl::StrCat(MonthOf(DayFromNumber(next_month)), "-01")) - 1);
    months.emplace_back(start, end);
    start = end + 1;
  }
  return months;
}

}  // namespace

grpc::Status StatsServiceImpl::GetReport(grpc::ServerContext* context,
                                         const v1::StatsRequest* request,
                                         v1::StatsReport* response) {
  absl::StatusOr<HubCaller> caller = gate_.Entitled(*context, Action::kStatistics);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Answer(Report(*request), response);
}

absl::StatusOr<v1::StatsReport> StatsServiceImpl::Report(const v1::StatsRequest& request) const {
  v1::StatsReport report;
  const std::optional<int32_t> from = DayNumber(request.from_day());
  const std::optional<int32_t> to = DayNumber(request.to_day());
  if (!from.has_value() || !to.has_value()) {
    return Invalid("from_day and to_day must be days written YYYY-MM-DD, e.g. 2026-01-31");
  }
  if (*from > *to) return Invalid("from_day must not be after to_day");
  if (*to - *from + 1 > kMaxPeriodDays) return Invalid("a report covers at most ten years");
  if (request.still_coming_weeks() > 520) return Invalid("still_coming_weeks: at most 520");

  const StatsModel& stats = log_->stats();
  const std::vector<std::string> known = stats.Sites();
  if (!request.site().empty() &&
      std::find(known.begin(), known.end(), request.site()) == known.end()) {
    return absl::NotFoundError(absl::StrCat("the hub holds no activity from centre '", request.site(),
                                     "' yet (known: ",
                                     known.empty() ? "none yet" : absl::StrJoin(known, ", "), ")"));
  }
  StatsModel::Query query;
  query.from_day = *from;
  query.to_day = *to;
  query.site = request.site();
  if (request.still_coming_weeks() != 0) {
    query.still_coming_days = static_cast<int32_t>(request.still_coming_weeks()) * 7;
  }
  const std::vector<std::string> sites =
      request.site().empty() ? known : std::vector<std::string>{request.site()};
  const auto months = Months(*from, *to);

  *report.add_rows() = stats.Row(query);
  if (request.by_month()) {
    for (const auto& [start, end] : months) {
      StatsModel::Query month = query;
      month.from_day = start;
      month.to_day = end;
      *report.add_rows() = stats.Row(month);
    }
  }
  if (request.by_site() && request.site().empty()) {
    for (const std::string& site : sites) {
      StatsModel::Query one = query;
      one.site = site;
      *report.add_rows() = stats.Row(one);
      if (!request.by_month()) continue;
      for (const auto& [start, end] : months) {
        one.from_day = start;
        one.to_day = end;
        *report.add_rows() = stats.Row(one);
      }
    }
  }

  absl::StatusOr<v1::HubStatus> status = log_->Status();
  if (!status.ok()) return status.status();
  for (const v1::OriginCount& origin : status->origins()) {
    if (origin.origin() == "hub") continue;
    if (!request.site().empty() && origin.origin() != request.site()) continue;
    v1::SiteFreshness* fresh = report.add_freshness();
    fresh->set_site(origin.origin());
    fresh->set_events_held(origin.seq());
    absl::StatusOr<int64_t> latest = log_->LatestEventMillis(origin.origin());
    if (latest.ok()) fresh->set_latest_event_unix_ms(*latest);
  }
  report.set_generated_unix_ms(absl::ToUnixMillis(absl::Now()));
  return report;
}

grpc::Status StatsServiceImpl::SetRunningCosts(grpc::ServerContext* context,
                                               const v1::RunningCosts* request,
                                               v1::RunningCosts* response) {
  absl::StatusOr<HubCaller> caller = gate_.Entitled(*context, Action::kNetwork);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (!IsValidSiteId(request->site()) || request->site() == "hub") {
    return ToGrpcStatus(Invalid("site must be a centre's id such as 'hem'"));
  }
  if (request->year() < 2000 || request->year() > 2100) {
    return ToGrpcStatus(Invalid("year: 2000 to 2100"));
  }
  if (request->amount_cents() < 0 || request->amount_cents() > kMaxRunningCostsCents) {
    return ToGrpcStatus(
        Invalid(absl::StrCat("running costs: 0 to ", kMaxRunningCostsCents / 100, " euros")));
  }
  v1::EventCore core;
  core.set_operator_id(caller->operator_id());
  v1::RunningCostsSet* costs = core.mutable_running_costs_set();
  costs->set_site(request->site());
  costs->set_year(request->year());
  costs->set_amount_cents(request->amount_cents());
  absl::StatusOr<DecodedEvent> event = log_->AppendOwn(std::move(core));
  if (!event.ok()) return ToGrpcStatus(event.status());
  sync_->WakeAll();
  *response = *request;
  return grpc::Status::OK;
}

}  // namespace comptoir
