// Metrics in the Prometheus text exposition format (version 0.0.4), served on
// /metrics by each daemon (common/metrics_http.h).
//
// Two kinds of sources:
//  - instruments updated as things happen: Counter and Histogram, owned by the
//    registry, created once and updated lock-free (counters) or under a short
//    lock (histograms);
//  - collectors: functions called at each scrape that write values read from
//    the daemon's state (sales from the projections, backlog, database sizes).
//
//   MetricsRegistry metrics;
//   Counter* streams = metrics.AddCounter("comptoir_sync_streams_total", "Streams opened");
//   streams->Add();
//   metrics.AddCollector([&](MetricsWriter& out) {
//     out.Gauge("comptoir_sync_backlog_events", "Own events not yet acked", {}, backlog);
//   });
//   std::string text = metrics.Render();
//
// Names follow Prometheus conventions: comptoir_ prefix, base units (seconds,
// bytes), _total for counters. Thread-safe.
#ifndef COMPTOIR_COMMON_METRICS_H_
#define COMPTOIR_COMMON_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace comptoir {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Observations counted in cumulative buckets (upper bounds in the unit of
// the metric, e.g. seconds), with their sum and count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> buckets_ ABSL_GUARDED_BY(mu_);  // not cumulative; last is +Inf
  double sum_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t count_ ABSL_GUARDED_BY(mu_) = 0;
};

// Latency buckets in seconds, from half a millisecond to ten seconds.
std::vector<double> LatencyBuckets();

// What a collector writes into at scrape time. Samples of one name are
// grouped under one HELP/TYPE header whatever order they come in.
class MetricsWriter {
 public:
  void Gauge(const std::string& name, const std::string& help, const Labels& labels, double value);
  void CounterValue(const std::string& name, const std::string& help, const Labels& labels,
                    double value);
  void HistogramValue(const std::string& name, const std::string& help, const Labels& labels,
                      const Histogram::Snapshot& snapshot);
  std::string Text() const;

 private:
  struct Family {
    std::string help;
    std::string type;
    std::vector<std::string> lines;
  };
  Family& FamilyOf(const std::string& name, const std::string& help, const char* type);
  std::map<std::string, Family> families_;
};

class MetricsRegistry {
 public:
  // The registry owns the instruments; the pointers stay valid as long as it lives.
  Counter* AddCounter(const std::string& name, const std::string& help, Labels labels = {});
  // The latency histogram (LatencyBuckets(), in seconds) of `name` with these
  // labels, created on first use (so one per RPC method as methods are called).
  Histogram* GetHistogram(const std::string& name, const std::string& help, const Labels& labels);
  void AddCollector(std::function<void(MetricsWriter&)> collector);

  // The whole exposition, instruments and collectors.
  std::string Render() const;

 private:
  struct Registered {
    std::string name;
    std::string help;
    Labels labels;
  };
  mutable std::mutex mu_;
  std::vector<std::pair<Registered, std::unique_ptr<Counter>>> counters_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, Labels>, std::pair<std::string, std::unique_ptr<Histogram>>>
      histograms_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void(MetricsWriter&)>> collectors_ ABSL_GUARDED_BY(mu_);
};

class Store;
// Writes a store's sizes per column family: comptoir_rocksdb_live_data_bytes,
// comptoir_rocksdb_sst_files_bytes and comptoir_rocksdb_memtable_bytes{column}.
void WriteStoreMetrics(const Store& store, MetricsWriter& out);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_METRICS_H_
