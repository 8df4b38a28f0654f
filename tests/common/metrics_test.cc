// The Prometheus text the daemons serve: families grouped under one header,
// labels escaped, histogram buckets cumulative with +Inf, _sum and _count.
#include "common/metrics.h"

#include <gtest/gtest.h>

namespace comptoir {
namespace {

TEST(MetricsTextTest, CountersAndCollectorsRenderGroupedByName) {
  MetricsRegistry metrics;
  metrics.AddCounter("comptoir_b_total", "B things", {{"site", "hem"}})->Add(2);
  metrics.AddCounter("comptoir_b_total", "B things", {{"site", "lille"}})->Add();
  metrics.AddCollector([](MetricsWriter& out) {
    out.Gauge("comptoir_a", "An a", {{"note", "say \"hi\"\\n"}}, 1.5);
    out.Gauge("comptoir_a", "An a", {}, 3);
  });
  EXPECT_EQ(metrics.Render(),
            "# HELP comptoir_a An a\n"
            "# TYPE comptoir_a gauge\n"
            "comptoir_a{note=\"say \\\"hi\\\"\\\\n\"} 1.5\n"
            "comptoir_a 3\n"
            "# HELP comptoir_b_total B things\n"
            "# TYPE comptoir_b_total counter\n"
            "comptoir_b_total{site=\"hem\"} 2\n"
            "comptoir_b_total{site=\"lille\"} 1\n");
}

TEST(MetricsTextTest, HistogramBucketsAreCumulative) {
  MetricsRegistry metrics;
  Histogram* latency = metrics.GetHistogram("comptoir_rpc_seconds", "Latency", {{"method", "m"}});
  EXPECT_EQ(latency, metrics.GetHistogram("comptoir_rpc_seconds", "Latency", {{"method", "m"}}))
      << "one histogram per name and labels";
  latency->Observe(0.0004);  // first bucket (0.0005)
  latency->Observe(0.001);   // exactly on a bound: counted in it
  latency->Observe(0.3);     // 0.5
  latency->Observe(60);      // beyond every bound: +Inf only
  const std::string text = metrics.Render();
  EXPECT_NE(text.find("# TYPE comptoir_rpc_seconds histogram\n"), std::string::npos) << text;
  EXPECT_NE(text.find("comptoir_rpc_seconds_bucket{method=\"m\",le=\"0.0005\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("comptoir_rpc_seconds_bucket{method=\"m\",le=\"0.001\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("comptoir_rpc_seconds_bucket{method=\"m\",le=\"0.25\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("comptoir_rpc_seconds_bucket{method=\"m\",le=\"0.5\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("comptoir_rpc_seconds_bucket{method=\"m\",le=\"10\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("comptoir_rpc_seconds_bucket{method=\"m\",le=\"+Inf\"} 4\n"),
            std::string::npos);
  EXPECT_NE(text.find("comptoir_rpc_seconds_sum{method=\"m\"} 60.3014\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("comptoir_rpc_seconds_count{method=\"m\"} 4\n"), std::string::npos);
}

}  // namespace
}  // namespace comptoir
