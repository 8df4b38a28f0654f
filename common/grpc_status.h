// The one converter between absl::Status and grpc::Status (their codes are
// equal by design). Only gRPC adapter files include this header.
#ifndef COMPTOIR_COMMON_GRPC_STATUS_H_
#define COMPTOIR_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace comptoir {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

inline absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

// The usual end of an RPC handler: copy a successful result into the
// response, or answer with the error's status.
template <typename Response>
grpc::Status Answer(absl::StatusOr<Response> result, Response* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_GRPC_STATUS_H_
