#include "common/grpc_metrics.h"

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"

namespace comptoir {
namespace {

const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {
      "OK",      "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS",   "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",     "UNIMPLEMENTED",    "INTERNAL",
      "UNAVAILABLE", "DATA_LOSS",      "UNAUTHENTICATED"};
  const int index = static_cast<int>(code);
  return index >= 0 && index < 17 ? kNames[index] : "UNKNOWN";
}

// Counters of calls per (method, code), made on first use.
class HandledCounters {
 public:
  explicit HandledCounters(MetricsRegistry* metrics) : metrics_(metrics) {}
  Counter* Get(const std::string& method, const char* code) {
    std::lock_guard<std::mutex> lock(mu_);
    Counter*& counter = counters_[{method, code}];
    if (counter == nullptr) {
      counter = metrics_->AddCounter("comptoir_grpc_server_handled_total",
                                     "RPCs completed by the server, by method and status code",
                                     {{"method", method}, {"code", code}});
    }
    return counter;
  }

 private:
  MetricsRegistry* metrics_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Counter*> counters_;
};

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(grpc::experimental::ServerRpcInfo* info, MetricsRegistry* metrics,
                     HandledCounters* handled)
      : method_(info->method() != nullptr ? info->method() : "unknown"),
        unary_(info->type() == grpc::experimental::ServerRpcInfo::Type::UNARY),
        metrics_(metrics),
        handled_(handled),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      handled_->Get(method_, CodeName(methods->GetSendStatus().error_code()))->Add();
      if (unary_) {
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
        metrics_
            ->GetHistogram("comptoir_grpc_server_handling_seconds",
                           "Time from a unary RPC's arrival to its answer, by method",
                           {{"method", method_}})
            ->Observe(elapsed.count());
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  const bool unary_;
  MetricsRegistry* metrics_;
  HandledCounters* handled_;
  const std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(MetricsRegistry* metrics)
      : metrics_(metrics), handled_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info, metrics_, &handled_);
  }

 private:
  MetricsRegistry* metrics_;
  HandledCounters handled_;
};

}  // namespace

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeGrpcMetricsInterceptors(MetricsRegistry* metrics) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<MetricsInterceptorFactory>(metrics));
  return factories;
}

}  // namespace comptoir
