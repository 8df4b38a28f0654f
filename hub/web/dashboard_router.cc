#include "hub/web/dashboard_router.h"

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/stats_csv.h"

namespace comptoir {
namespace {

// Runs a unary RPC handler of `service` outside gRPC (the handlers used here
// read nothing from their context).
template <typename Service, typename Request, typename Response>
absl::StatusOr<Response> Invoke(Service* service,
                                grpc::Status (Service::*rpc)(grpc::ServerContext*,
                                                             const Request*, Response*),
                                const Request& request) {
  grpc::ServerContext context;
  Response response;
  const grpc::Status status = (service->*rpc)(&context, &request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<v1::StatsReport> Report(StatsServiceImpl* stats, const v1::StatsRequest& request) {
  return Invoke(stats, &StatsServiceImpl::GetReport, request);
}

}  // namespace

ApiResponse DashboardRouter::Call(absl::string_view service, absl::string_view method,
                                  absl::string_view body) const {
  if (service == "StatsService" && method == "GetReport") {
    return ServeJson<v1::StatsRequest>(
        body, [this](const v1::StatsRequest& request) { return Report(stats_, request); });
  }
  if (service == "HubService" && method == "GetSyncHealth") {
    return ServeJson<v1::GetSyncHealthRequest>(body, [this](const v1::GetSyncHealthRequest& r) {
      return Invoke(hub_, &HubServiceImpl::GetSyncHealth, r);
    });
  }
  if (service == "HubService" && method == "GetHubStatus") {
    return ServeJson<v1::GetHubStatusRequest>(body, [this](const v1::GetHubStatusRequest& r) {
      return Invoke(hub_, &HubServiceImpl::GetHubStatus, r);
    });
  }
  return ErrorResponse(
      absl::NotFoundError(absl::StrCat("no such API call: ", service, "/", method)));
}

HttpReply DashboardRouter::Csv(const HttpQuery& query) const {
  v1::StatsRequest request;
  auto get = [&query](const char* name) {
    auto found = query.find(name);
    return found == query.end() ? std::string() : found->second;
  };
  request.set_from_day(get("from"));
  request.set_to_day(get("to"));
  request.set_site(get("site"));
  request.set_by_month(true);
  request.set_by_site(true);
  absl::StatusOr<v1::StatsReport> report;
  const std::string weeks = get("weeks");
  uint32_t still_coming_weeks = 0;
  if (!weeks.empty() && !absl::SimpleAtoi(weeks, &still_coming_weeks)) {
    report = absl::InvalidArgumentError(
        absl::StrCat("weeks: a whole number of weeks is expected, not \"", weeks, "\""));
  } else {
    request.set_still_coming_weeks(still_coming_weeks);
    report = Report(stats_, request);
  }
  HttpReply reply;
  if (!report.ok()) {
    const ApiResponse error = ErrorResponse(report.status());
    reply.http_status = error.http_status;
    reply.content_type = "application/json; charset=utf-8";
    reply.body = error.json;
    return reply;
  }
  reply.content_type = "text/csv; charset=utf-8";
  reply.body = StatsReportCsv(*report);
  // The request's days were validated by GetReport: safe in a header.
  reply.attachment_name = absl::StrCat("statistiques-", request.site().empty() ? "reseau" : request.site(),
                                       "-", request.from_day(), "-", request.to_day(), ".csv");
  return reply;
}

}  // namespace comptoir
