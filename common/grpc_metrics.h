// Per-RPC metrics for a gRPC server, as a server interceptor: the latency of
// every unary call (histogram comptoir_grpc_server_handling_seconds{method})
// and the count of calls by status (comptoir_grpc_server_handled_total{method,
// code}). Streaming calls (sync streams, which last for hours) are counted
// when they end but not timed.
//
//   builder.experimental().SetInterceptorCreators(MakeGrpcMetricsInterceptors(&metrics));
#ifndef COMPTOIR_COMMON_GRPC_METRICS_H_
#define COMPTOIR_COMMON_GRPC_METRICS_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <vector>

#include "common/metrics.h"

namespace comptoir {

// `metrics` is not owned and must outlive the server.
std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeGrpcMetricsInterceptors(MetricsRegistry* metrics);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_GRPC_METRICS_H_
