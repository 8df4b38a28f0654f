// Who may reach a daemon's web pages (the web till, the dashboard): where they
// listen, over TLS or not, and which Host names they answer to. No sockets
// here: http_server.cc applies these rules to each request.
//
//   HttpEndpoint endpoint;
//   endpoint.listen = "0.0.0.0:8401";
//   endpoint.tls_cert = "/etc/comptoir/tls/web-hem.crt";
//   endpoint.tls_key = "/etc/comptoir/tls/web-hem.key";
//   endpoint.names = {"caisse.hem.local"};
//   RETURN_IF_ERROR(CheckHttpEndpoint(endpoint, "the web till"));
//
// The rules:
//   * On loopback (127.x.x.x, ::1, localhost) the pages may be plain HTTP and
//     need no names; they then answer only to a loopback Host, so that a web
//     site whose name was pointed at 127.0.0.1 (DNS rebinding) is refused.
//   * Beyond loopback (any other address, 0.0.0.0 included) they need a TLS
//     certificate and key and at least one name: the other PCs of the centre
//     reach them by that name, over HTTPS only.
//   * With names, the Host header's name (port stripped, compared whole and
//     case-insensitively) must be one of them or, on a loopback socket, a
//     loopback name. Nothing is decided by the peer's IP address.
//
// Thread-safe (no shared state).
#ifndef COMPTOIR_COMMON_WEB_HTTP_ACCESS_H_
#define COMPTOIR_COMMON_WEB_HTTP_ACCESS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comptoir {

// Where a daemon's pages are served, and to whom (the options --http-listen,
// --http-tls-cert, --http-tls-key, --http-name).
struct HttpEndpoint {
  // "host:port", "[::1]:port"; port 0 picks a free one.
  std::string listen;
  // PEM files of the server certificate (with its chain) and its private key:
  // when set, the pages are served over HTTPS only. The key file must be
  // private (common/secret_file.h).
  std::string tls_cert;
  std::string tls_key;
  // The names people type to reach the pages ("caisse.hem.local",
  // "192.168.1.20"); each may also hold several, comma-separated.
  std::vector<std::string> names;
};

// True for a whole loopback name: "localhost", "::1", or an IPv4 address
// literal of 127.0.0.0/8 written as four decimal numbers. A DNS name that
// merely starts with "127." ("127.0.0.1.evil.example") is not one.
bool IsLoopbackName(absl::string_view host);

// The host name of a Host header ("127.0.0.1:8401" -> "127.0.0.1",
// "[::1]:8401" -> "::1", "caisse.hem.local" unchanged).
absl::string_view HostName(absl::string_view host);

// A listen address taken apart ("[::1]:8401" -> "::1", 8401).
struct HostPort {
  std::string host;
  int port = 0;
};
// InvalidArgument, showing the expected form, unless `listen` is host:port
// with a port in 0-65535.
absl::StatusOr<HostPort> SplitListen(const std::string& listen);

// OK when `endpoint` may be served under the rules above. FailedPrecondition
// naming `what` ("the web till") and the options to add when it listens
// beyond loopback without TLS or without a name, or has only one of the
// certificate and the key; the key file's own refusal (CheckSecretFileMode)
// when it is not private; InvalidArgument for a malformed listen address.
absl::Status CheckHttpEndpoint(const HttpEndpoint& endpoint, absl::string_view what);

// The Host names one server answers to, from its checked endpoint.
class HostRule {
 public:
  explicit HostRule(const HttpEndpoint& endpoint);

  // True when a request carrying this Host header ("caisse.hem.local:8401")
  // may be served.
  bool Allows(absl::string_view host_header) const;
  // The French message of a refused request: which addresses to use instead.
  std::string Refusal() const;

 private:
  std::vector<std::string> names_;  // lower case
  bool loopback_ = false;           // the socket listens on loopback
  bool tls_ = false;
};

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_WEB_HTTP_ACCESS_H_
