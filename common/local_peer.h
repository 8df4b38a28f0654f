// Calls that change a daemon's configuration or write on its disk (network
// configuration, running costs, backups) are accepted only from the daemon's
// own machine: an administrator runs `comptoir` there (over ssh from head
// office). Centres reach the hub from other machines for sync only.
#ifndef COMPTOIR_COMMON_LOCAL_PEER_H_
#define COMPTOIR_COMMON_LOCAL_PEER_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace comptoir {

// True for a gRPC peer on this machine ("ipv4:127.x.x.x:port", "ipv6:[::1]:port",
// an IPv4 loopback seen by a dual-stack listener "ipv6:[::ffff:127.0.0.1]:port", "unix:...").
inline bool IsLocalPeer(const std::string& peer) {
  return absl::StartsWith(peer, "ipv4:127.") || absl::StartsWith(peer, "ipv6:[::1]") ||
         absl::StartsWith(peer, "ipv6:[::ffff:127.") || absl::StartsWith(peer, "unix:");
}

// OK for a local caller; PERMISSION_DENIED saying where to run `what` otherwise.
inline grpc::Status RequireLocalPeer(const grpc::ServerContext* context, const std::string& what) {
  if (context == nullptr || IsLocalPeer(context->peer())) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                      absl::StrCat(what, " is accepted from the daemon's own machine only (run "
                                         "comptoir there, e.g. over ssh)"));
}

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_LOCAL_PEER_H_
