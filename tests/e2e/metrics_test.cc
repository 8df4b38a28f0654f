// /metrics of the real daemons after real sales: the Prometheus text parses,
// and the numbers are the ones operators rely on (sales, traffic, backlog,
// reconnects, database sizes, per-RPC latencies).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/testing/daemons.h"

namespace comptoir {
namespace {

using ::comptoir::testing::DaemonNetwork;
using ::comptoir::testing::PickFreePort;
using ::comptoir::testing::WaitFor;

constexpr absl::Duration kPatience = absl::Seconds(60);

// GET http://127.0.0.1:<port><path> with a plain socket; returns the body, or
// "" with `error` set.
std::string HttpGet(int port, const std::string& path, std::string* error) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    *error = "cannot connect";
    return "";
  }
  const std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    *error = "cannot send";
    return "";
  }
  std::string response;
  char buffer[8192];
  ssize_t n = 0;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) response.append(buffer, n);
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || body == std::string::npos) {
    *error = "not an HTTP response: " + response.substr(0, 200);
    return "";
  }
  if (response.find(" 200 ") > response.find("\r\n")) {
    *error = "status: " + response.substr(0, response.find("\r\n"));
    return "";
  }
  return response.substr(body + 4);
}

// Parses the exposition: sample ("name{labels}") -> value. Fails the test on
// any line that is not a comment or a well-formed sample, or on a sample whose
// family has no # TYPE line before it.
std::map<std::string, double> ParseMetrics(const std::string& text) {
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (\S+)$)");
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      types[name] = type;
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    std::smatch match;
    EXPECT_TRUE(std::regex_match(line, match, kSample)) << "malformed line: " << line;
    if (match.empty()) continue;
    std::string family = match[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s(suffix);
      if (types.count(family) == 0 && family.size() > s.size() &&
          family.compare(family.size() - s.size(), s.size(), s) == 0) {
        family = family.substr(0, family.size() - s.size());
      }
    }
    EXPECT_EQ(types.count(family), 1u) << "no # TYPE for " << line;
    const std::string value = match[5];
    double number = 0;
    EXPECT_TRUE(value == "+Inf" || absl::SimpleAtod(value, &number)) << line;
    samples[line.substr(0, line.rfind(' '))] = number;
  }
  return samples;
}

TEST(MetricsTest, DaemonsExposeSalesSyncStorageAndLatencies) {
  DaemonNetwork net({HUB_BIN, NODE_BIN, CLI_BIN});
  const int hub_port = PickFreePort();
  const int node_port = PickFreePort();
  std::string error;
  ASSERT_TRUE(net.StartHub({"--metrics-listen", absl::StrCat("127.0.0.1:", hub_port)}, &error))
      << error;
  ASSERT_TRUE(
      net.StartNode("hem", {"--metrics-listen", absl::StrCat("127.0.0.1:", node_port)}, &error))
      << error;
  const testing::Shop shop = net.OpenShop("hem");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(net.Sell("hem", shop, absl::StrCat("m-", i)).ok());
  ASSERT_TRUE(WaitFor([&] { return net.SalesAt("hub")["hem"] == 5; }, kPatience));
  ASSERT_TRUE(WaitFor([&] { return net.NodeStatus("hem").pending_push() == 0; }, kPatience));

  std::map<std::string, double> node = ParseMetrics(HttpGet(node_port, "/metrics", &error));
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(node["comptoir_sales_total{origin=\"hem\"}"], 5);
  EXPECT_EQ(node["comptoir_own_events"], 9);  // family, referral, product, stock, 5 sales
  EXPECT_EQ(node["comptoir_sync_backlog_events"], 0);
  EXPECT_EQ(node["comptoir_sync_connected"], 1);
  EXPECT_GE(node["comptoir_sync_events_pushed_total"], 9);
  EXPECT_GT(node["comptoir_sync_events_pulled_total"], 0) << "the hub's configuration events";
  EXPECT_EQ(node["comptoir_sync_reconnects_total"], 0);
  EXPECT_EQ(node["comptoir_grpc_server_handling_seconds_count{method=\"/comptoir.v1.TillService/"
                 "RecordSale\"}"],
            5);
  EXPECT_EQ(node["comptoir_grpc_server_handling_seconds_bucket{method=\"/comptoir.v1.TillService/"
                 "RecordSale\",le=\"+Inf\"}"],
            5);
  EXPECT_EQ(node.count("comptoir_grpc_server_handling_seconds_bucket{method=\"/comptoir.v1."
                       "TillService/RecordSale\",le=\"10\"}"),
            1u);
  EXPECT_EQ(node["comptoir_grpc_server_handled_total{method=\"/comptoir.v1.TillService/"
                 "RecordSale\",code=\"OK\"}"],
            5);
  EXPECT_GT(node["comptoir_rocksdb_memtable_bytes{column=\"events\"}"] +
                node["comptoir_rocksdb_sst_files_bytes{column=\"events\"}"],
            0);
  EXPECT_EQ(node.count("comptoir_rocksdb_live_data_bytes{column=\"views\"}"), 1u);

  std::map<std::string, double> hub = ParseMetrics(HttpGet(hub_port, "/metrics", &error));
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(hub["comptoir_sales_total{origin=\"hem\"}"], 5);
  EXPECT_EQ(hub["comptoir_hub_events_held{origin=\"hem\"}"], 9);
  EXPECT_EQ(hub["comptoir_hub_connected_centres"], 1);
  EXPECT_GE(hub["comptoir_sync_events_pushed_total"], 9);
  EXPECT_GT(hub["comptoir_sync_events_pulled_total"], 0);
  EXPECT_EQ(hub["comptoir_hub_centre_backlog_events{site=\"hem\"}"], 0);
  EXPECT_EQ(hub["comptoir_sync_streams_accepted_total"], 1);
  EXPECT_GT(hub["comptoir_hub_log_head"], 9);

  // The hub restarts: the node reconnects, and says so.
  ASSERT_TRUE(net.Stop("hub"));
  ASSERT_TRUE(net.StartHub({"--metrics-listen", absl::StrCat("127.0.0.1:", hub_port)}, &error))
      << error;
  ASSERT_TRUE(WaitFor(
      [&] {
        std::string ignored;
        return ParseMetrics(HttpGet(node_port, "/metrics", &ignored))
                   ["comptoir_sync_reconnects_total"] >= 1;
      },
      kPatience));
  // Unknown paths are not served.
  HttpGet(node_port, "/other", &error);
  EXPECT_NE(error.find("404"), std::string::npos) << error;
}

}  // namespace
}  // namespace comptoir
