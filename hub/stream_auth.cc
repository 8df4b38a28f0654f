#include "hub/stream_auth.h"

#include <grpcpp/server_context.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/bearer.h"
#include "common/logging.h"
#include "common/tls.h"

namespace comptoir {
absl::StatusOr<StreamIdentity> AuthenticateStream(const grpc::CallbackServerContext& context,
                                                  CredentialStore* credentials,
                                                  bool require_client_certificates) {
  StreamIdentity identity;
  if (require_client_certificates) {
    identity.site = PeerCommonName(*context.auth_context());
    if (identity.site.empty()) {
      LogWarning("sync: refused a stream from ", context.peer(), ": no client certificate");
      return absl::UnauthenticatedError(
          "this centre presented no client certificate signed by the network's CA (give the "
          "node --tls-cert and --tls-key)");
    }
  }
  if (credentials == nullptr) return identity;
  const std::string token = BearerToken(context);
  std::optional<std::string> found = credentials->SiteForToken(token);
  if (!found.has_value()) {
    LogWarning("sync: refused a stream from ", context.peer(), ": no valid credential");
    return absl::UnauthenticatedError(
        "this centre's credential is missing, unknown or revoked (check the node's "
        "--token-file against the hub's credentials)");
  }
  if (!identity.site.empty() && *found != identity.site) {
    LogWarning("sync: refused a stream from ", context.peer(), ": token of ", *found,
               ", certificate of ", identity.site);
    return absl::PermissionDeniedError(absl::StrCat("this centre's token belongs to site '", *found,
                                                    "' but its certificate to site '",
                                                    identity.site, "'"));
  }
  identity.site = *std::move(found);
  identity.token_hash = CredentialStore::TokenHash(token);
  return identity;
}

absl::Status CheckStillAuthorized(const StreamIdentity& identity, CredentialStore* credentials) {
  if (credentials == nullptr || identity.token_hash.empty() ||
      credentials->StillProves(identity.token_hash, identity.site)) {
    return absl::OkStatus();
  }
  return absl::UnauthenticatedError(absl::StrCat(
      "the credential of centre '", identity.site,
      "' was revoked or replaced at the hub: its open stream is closed (give the node its new "
      "token with --token-file)"));
}

}  // namespace comptoir
