// Who may reach a daemon's pages (common/web/http_access.h), without sockets:
// which endpoints may start, and which Host headers each one serves.
#include "common/web/http_access.h"

#include <gtest/gtest.h>

namespace comptoir {
namespace {

HttpEndpoint Named(const std::string& listen, std::vector<std::string> names) {
  HttpEndpoint endpoint;
  endpoint.listen = listen;
  endpoint.names = std::move(names);
  return endpoint;
}

TEST(HttpAccessTest, OnlyLoopbackMayGoWithoutTlsAndNames) {
  for (const char* listen : {"127.0.0.1:0", "127.3.2.1:8401", "localhost:8401", "[::1]:8401"}) {
    EXPECT_TRUE(CheckHttpEndpoint(Named(listen, {}), "the web till").ok()) << listen;
  }
  for (const char* listen : {"0.0.0.0:8401", "[::]:8401", "192.168.1.20:8401",
                             "127.0.0.1.example.org:8401", "caisse.hem.local:8401"}) {
    const absl::Status refused = CheckHttpEndpoint(Named(listen, {"caisse.hem.local"}), "x");
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << listen;
    EXPECT_NE(refused.message().find("add --http-tls-cert PEM and --http-tls-key PEM"),
              std::string::npos)
        << refused;
  }
  EXPECT_EQ(CheckHttpEndpoint(Named("8401", {}), "x").code(), absl::StatusCode::kInvalidArgument);
}

TEST(HttpAccessTest, NamesAreWholeCaseInsensitiveAndMayBeCommaSeparated) {
  HttpEndpoint endpoint = Named("0.0.0.0:8401", {"Caisse.Hem.Local, 192.168.1.20", "fe80::1"});
  endpoint.tls_cert = "web-hem.crt";
  const HostRule lan(endpoint);
  for (const char* host : {"caisse.hem.local", "CAISSE.HEM.LOCAL:8401", "192.168.1.20:8401",
                           "[fe80::1]:8401"}) {
    EXPECT_TRUE(lan.Allows(host)) << host;
  }
  for (const char* host : {"", "127.0.0.1:8401", "localhost", "[::1]:8401", "hem.local",
                           "caisse.hem.local.evil.example", "192.168.1.2", "evil.example"}) {
    EXPECT_FALSE(lan.Allows(host)) << host;
  }
  EXPECT_EQ(lan.Refusal(),
            "Adresse non reconnue : ouvrez cette page par https://caisse.hem.local ou "
            "https://192.168.1.20 ou https://[fe80::1] (avec le même port).");
}

TEST(HttpAccessTest, OnLoopbackLoopbackNamesAreServedToo) {
  const HostRule alone(Named("127.0.0.1:8401", {}));
  EXPECT_TRUE(alone.Allows("127.0.0.1:8401"));
  EXPECT_TRUE(alone.Allows("[::1]:8401"));
  EXPECT_FALSE(alone.Allows("caisse.hem.local"));
  EXPECT_FALSE(alone.Allows("127.0.0.1.example.org"));
  const HostRule named(Named("127.0.0.1:8401", {"caisse.hem.local"}));
  EXPECT_TRUE(named.Allows("localhost:8401"));
  EXPECT_TRUE(named.Allows("caisse.hem.local:8401"));
  EXPECT_FALSE(named.Allows("evil.example"));
}

}  // namespace
}  // namespace comptoir
