#include "common/web/http_access.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/secret_file.h"

namespace comptoir {
namespace {

// The names of --http-name, each option possibly comma-separated, trimmed and
// in lower case (host names are case-insensitive).
std::vector<std::string> NormalizedNames(const std::vector<std::string>& options) {
  std::vector<std::string> names;
  for (const std::string& option : options) {
    for (absl::string_view name : absl::StrSplit(option, ',', absl::SkipWhitespace())) {
      names.push_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(name)));
    }
  }
  return names;
}

bool ListensOnLoopback(const HttpEndpoint& endpoint) {
  absl::StatusOr<HostPort> where = SplitListen(endpoint.listen);
  return where.ok() && IsLoopbackName(where->host);
}

}  // namespace

bool IsLoopbackName(absl::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  const std::vector<absl::string_view> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4 || parts[0] != "127") return false;
  for (absl::string_view part : parts) {
    int value = 0;
    if (part.empty() || part.size() > 3 || !absl::c_all_of(part, absl::ascii_isdigit) ||
        !absl::SimpleAtoi(part, &value) || value > 255) {
      return false;
    }
  }
  return true;
}

absl::string_view HostName(absl::string_view host) {
  if (absl::StartsWith(host, "[")) {
    const size_t end = host.find(']');
    return end == absl::string_view::npos ? host : host.substr(1, end - 1);
  }
  return host.substr(0, host.find(':'));
}

absl::StatusOr<HostPort> SplitListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  HostPort result;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &result.port) || result.port < 0 ||
      result.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http-listen must be host:port (e.g. 127.0.0.1:8401), got '", listen, "'"));
  }
  result.host = listen.substr(0, colon);
  if (result.host.size() > 2 && result.host.front() == '[' && result.host.back() == ']') {
    result.host = result.host.substr(1, result.host.size() - 2);
  }
  return result;
}

absl::Status CheckHttpEndpoint(const HttpEndpoint& endpoint, absl::string_view what) {
  absl::StatusOr<HostPort> where = SplitListen(endpoint.listen);
  if (!where.ok()) return where.status();
  if (endpoint.tls_cert.empty() != endpoint.tls_key.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " over HTTPS needs both --http-tls-cert and --http-tls-key (the PEM certificate "
              "and its private key)"));
  }
  if (!IsLoopbackName(where->host)) {
    std::vector<std::string> missing;
    if (endpoint.tls_cert.empty()) missing = {"--http-tls-cert PEM", "--http-tls-key PEM"};
    if (NormalizedNames(endpoint.names).empty()) missing.push_back("--http-name NAME");
    if (!missing.empty()) {
      const std::string last = missing.back();
      missing.pop_back();
      return absl::FailedPreconditionError(absl::StrCat(
          what, " on ", endpoint.listen, " is reachable from other machines: add ",
          absl::StrJoin(missing, ", "), missing.empty() ? "" : " and ", last,
          " (the server certificate from deploy/make-certs.sh, and the names people type to "
          "reach it), or listen on 127.0.0.1"));
    }
  }
  if (!endpoint.tls_key.empty()) {
    return CheckSecretFileMode(endpoint.tls_key, absl::StrCat(what, "'s TLS key"));
  }
  return absl::OkStatus();
}

HostRule::HostRule(const HttpEndpoint& endpoint)
    : names_(NormalizedNames(endpoint.names)),
      loopback_(ListensOnLoopback(endpoint)),
      tls_(!endpoint.tls_cert.empty()) {}

bool HostRule::Allows(absl::string_view host_header) const {
  const std::string name = absl::AsciiStrToLower(HostName(host_header));
  if (loopback_ && IsLoopbackName(name)) return true;
  return absl::c_linear_search(names_, name);
}

std::string HostRule::Refusal() const {
  const char* scheme = tls_ ? "https://" : "http://";
  std::vector<std::string> addresses;
  for (const std::string& name : names_) {
    const bool ipv6 = name.find(':') != std::string::npos;
    addresses.push_back(ipv6 ? absl::StrCat(scheme, "[", name, "]") : scheme + name);
  }
  if (loopback_) {
    addresses.push_back(absl::StrCat(scheme, "127.0.0.1"));
    addresses.push_back(absl::StrCat(scheme, "localhost"));
  }
  return absl::StrCat("Adresse non reconnue : ouvrez cette page par ",
                      absl::StrJoin(addresses, " ou "), " (avec le même port).");
}

}  // namespace comptoir
