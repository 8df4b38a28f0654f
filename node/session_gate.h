// Who is calling the node's gRPC services. Over TCP, the person whose
// session token the call carries in its metadata ("authorization: Bearer
// <token>", from AccountService.LogIn); through the node's Unix socket, the
// machine's administrator (the socket file's permissions say who may open
// it). Nothing is decided by a peer's address.
//
//   SessionGate gate = SessionGate::Tokens(&accounts);
//   ASSIGN_OR_RETURN(Session caller, gate.Caller(*context));
//
// Thread-safe.
#ifndef COMPTOIR_NODE_SESSION_GATE_H_
#define COMPTOIR_NODE_SESSION_GATE_H_

#include <grpcpp/server_context.h>

#include <string>

#include "absl/status/statusor.h"
#include "node/accounts.h"

namespace comptoir {

class SessionGate {
 public:
  // Callers prove who they are with a session token of `accounts`.
  static SessionGate Tokens(Accounts* accounts) { return SessionGate(accounts, false); }
  // Every caller is the administrator (the Unix socket's server).
  static SessionGate Administrator(Accounts* accounts) { return SessionGate(accounts, true); }

  // The caller's session; Unauthenticated, in French, without a valid one.
  absl::StatusOr<Session> Caller(const grpc::ServerContext& context) const;
  // The token the call carries ("" if none; common/bearer.h).
  static std::string TokenOf(const grpc::ServerContext& context);

  Accounts* accounts() const { return accounts_; }

 private:
  SessionGate(Accounts* accounts, bool administrator)
      : accounts_(accounts), administrator_(administrator) {}
  Accounts* accounts_;
  bool administrator_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_SESSION_GATE_H_
