// The bearer token a gRPC call carries in its metadata
// ("authorization: Bearer <token>"): a person's session, or a centre's
// credential. One reading for every service of both daemons.
#ifndef COMPTOIR_COMMON_BEARER_H_
#define COMPTOIR_COMMON_BEARER_H_

#include <grpcpp/server_context.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace comptoir {

// The token, or "" when the call carries none.
inline std::string BearerToken(const grpc::ServerContextBase& context) {
  auto header = context.client_metadata().find("authorization");
  if (header == context.client_metadata().end()) return "";
  const absl::string_view value(header->second.data(), header->second.size());
  constexpr absl::string_view kScheme = "Bearer ";
  if (!absl::StartsWith(value, kScheme)) return "";
  return std::string(value.substr(kScheme.size()));
}

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_BEARER_H_
