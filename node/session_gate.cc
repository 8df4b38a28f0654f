#include "node/session_gate.h"

#include "common/bearer.h"

namespace comptoir {

std::string SessionGate::TokenOf(const grpc::ServerContext& context) {
  return BearerToken(context);
}

absl::StatusOr<Session> SessionGate::Caller(const grpc::ServerContext& context) const {
  if (administrator_) return accounts_->Administrator();
  const std::string token = TokenOf(context);
  if (token.empty()) {
    return absl::UnauthenticatedError(
        "Connexion requise : identifiez-vous d'abord (comptoir login, ou la page de connexion "
        "de la caisse).");
  }
  return accounts_->SessionFor(token);
}

}  // namespace comptoir
