#include "node/session_gate.h"

#include "absl/strings/match.h"

namespace comptoir {

std::string SessionGate::TokenOf(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto found = metadata.find(kAuthorizationKey);
  if (found == metadata.end()) return "";
  const absl::string_view value(found->second.data(), found->second.size());
  if (!absl::StartsWith(value, kBearerPrefix)) return "";
  return std::string(value.substr(sizeof(kBearerPrefix) - 1));
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
