#include "hub/hub_gate.h"

#include <limits>
#include <optional>

#include "common/bearer.h"
#include "common/status_macros.h"
#include "common/tls.h"

namespace comptoir {
Session HubAdministrator() {
  Session session;
  session.account_id = AdministratorId("");
  session.login = "administrateur";
  session.role = v1::HEAD_OFFICE;
  session.expires_ms = std::numeric_limits<int64_t>::max();
  return session;
}

absl::Status HubCaller::May(Action action) const {
  if (person) {
    if (RoleMay(session.role, action)) return absl::OkStatus();
    return Refusal(session.role, action);
  }
  if (action == Action::kReadStock) return absl::OkStatus();
  return absl::PermissionDeniedError(
      "Un centre lit seulement le catalogue, les surplus, les besoins et ses transferts : "
      "le reste demande un compte du siège.");
}

absl::StatusOr<HubCaller> HubGate::Caller(const grpc::ServerContext& context) const {
  HubCaller caller;
  if (administrator_) {
    caller.person = true;
    caller.session = HubAdministrator();
    return caller;
  }
  const std::string token = BearerToken(context);
  if (!token.empty()) {
    absl::StatusOr<Session> session = desk_->SessionFor(token);
    if (session.ok()) {
      caller.person = true;
      caller.session = *std::move(session);
      return caller;
    }
    if (credentials_ != nullptr) {
      if (std::optional<std::string> site = credentials_->SiteForToken(token)) {
        caller.centre = *site;
        return caller;
      }
    }
  }
  if (context.auth_context() != nullptr) {
    const std::string site = PeerCommonName(*context.auth_context());
    if (!site.empty() && site != "hub") {
      caller.centre = site;
      return caller;
    }
  }
  return absl::UnauthenticatedError(
      "Connexion requise : identifiez-vous au siège (comptoir hub login), ou, administrateur "
      "du siège, passez par le fichier du poste (--hub unix:<dossier des données>/comptoir.sock).");
}

absl::StatusOr<HubCaller> HubGate::Entitled(const grpc::ServerContext& context,
                                            Action action) const {
  ASSIGN_OR_RETURN(HubCaller caller, Caller(context));
  RETURN_IF_ERROR(caller.May(action));
  return caller;
}

}  // namespace comptoir
