// Who a sync stream speaks for, decided before its first message: the CN of
// its client certificate (with mTLS) and the site of its bearer token (with a
// credentials file), which must agree. A live stream keeps its token's hash,
// so that the sync service can end it once the token is revoked or replaced
// (CheckStillAuthorized), instead of letting it run until it reconnects.
//
// Thread-safe (as CredentialStore is).
#ifndef COMPTOIR_HUB_STREAM_AUTH_H_
#define COMPTOIR_HUB_STREAM_AUTH_H_

#include <grpcpp/support/server_callback.h>

#include <string>

#include "absl/status/statusor.h"
#include "hub/credentials.h"

namespace comptoir {

struct StreamIdentity {
  // The site the stream may sync as; empty when nothing authenticates streams
  // (development on loopback: the node's Hello says which site it is).
  std::string site;
  // CredentialStore::TokenHash of the stream's token; empty without credentials.
  std::string token_hash;
};

// Authenticates a new stream. `credentials` may be null (no tokens). Refuses,
// logging why, with UNAUTHENTICATED (no client certificate when
// `require_client_certificates`; a token missing, unknown or revoked) or
// PERMISSION_DENIED (token and certificate of different sites), the message
// telling the centre's operator what to check.
absl::StatusOr<StreamIdentity> AuthenticateStream(const grpc::CallbackServerContext& context,
                                                  CredentialStore* credentials,
                                                  bool require_client_certificates);

// OK while the token `identity` was accepted with still proves its site (and
// always for streams without a token); otherwise the UNAUTHENTICATED status
// that ends the stream. Reads the credentials as last refreshed
// (CredentialStore::Refresh).
absl::Status CheckStillAuthorized(const StreamIdentity& identity, CredentialStore* credentials);

}  // namespace comptoir

#endif  // COMPTOIR_HUB_STREAM_AUTH_H_
