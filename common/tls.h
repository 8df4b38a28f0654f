// TLS for the sync link between centres and the hub: loading and checking the
// PEM files at start-up, and the gRPC credentials built from them.
//
// The network has its own private CA (deploy/make-certs.sh). The hub presents
// a server certificate; each centre presents a client certificate whose
// common name (CN) is its site id, which the hub checks against the site the
// centre syncs as (mTLS).
//
//   ASSIGN_OR_RETURN(TlsMaterial tls, LoadTls({cert, key, ca}));
//   setup.credentials = ServerTlsCredentials(tls);              // hub
//   auto channel_credentials = ClientTlsCredentials(tls);       // node
//
// LoadTls refuses, with a message naming the file, anything that would only
// fail later at the first handshake (an unreadable or malformed file, a key
// that does not match its certificate, a certificate that has expired or is
// not yet valid, or one the CA did not sign), and a private key that other
// users can read (common/secret_file.h).
#ifndef COMPTOIR_COMMON_TLS_H_
#define COMPTOIR_COMMON_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace grpc {
class AuthContext;
class ChannelCredentials;
class ServerCredentials;
}  // namespace grpc

namespace comptoir {

struct TlsFiles {
  std::string cert;  // PEM certificate (chain) of this daemon; may be empty on a node
  std::string key;   // PEM private key of `cert`
  std::string ca;    // PEM certificate(s) of the CA that signs the peers
};

struct TlsMaterial {
  std::string cert_pem;
  std::string key_pem;
  std::string ca_pem;
  // CN of `cert` ("hub", "hem"); empty without a certificate.
  std::string common_name;
};

// Reads and checks the files. The CA is required; cert and key go together
// (both or neither). FailedPrecondition with a message naming the file on any
// problem (NotFound when a file cannot be read).
absl::StatusOr<TlsMaterial> LoadTls(const TlsFiles& files);

// Server side (hub): presents the certificate, asks every client for one and
// verifies it against the CA when given (a client without a certificate can
// still call the read APIs; sync streams require one, see PeerCommonName).
std::shared_ptr<grpc::ServerCredentials> ServerTlsCredentials(const TlsMaterial& tls);

// Client side (node, CLI): verifies the server against the CA and presents
// the certificate if there is one.
std::shared_ptr<grpc::ChannelCredentials> ClientTlsCredentials(const TlsMaterial& tls);

// The CN of the peer's certificate as verified by TLS; empty when the peer
// presented none or the connection is not TLS.
std::string PeerCommonName(const grpc::AuthContext& context);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_TLS_H_
