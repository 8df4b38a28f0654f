#include "common/metrics.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/store.h"

namespace comptoir {
namespace {

std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrFormat("%.0f", value);
  }
  return absl::StrFormat("%.9g", value);
}

std::string LabelText(const Labels& labels) {
  if (labels.empty()) return "";
  std::string text = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::StrAppend(&text, i == 0 ? "" : ",", labels[i].first, "=\"", Escape(labels[i].second),
                    "\"");
  }
  return text + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double value) {
  const size_t bucket =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  std::lock_guard<std::mutex> lock(mu_);
  buckets_[bucket]++;
  sum_ += value;
  count_++;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.bounds = bounds_;
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t running = 0;
  for (uint64_t n : buckets_) {
    running += n;
    snapshot.cumulative.push_back(running);
  }
  snapshot.sum = sum_;
  snapshot.count = count_;
  return snapshot;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

MetricsWriter::Family& MetricsWriter::FamilyOf(const std::string& name, const std::string& help,
                                               const char* type) {
  Family& family = families_[name];
  if (family.type.empty()) {
    family.help = help;
    family.type = type;
  }
  return family;
}

void MetricsWriter::Gauge(const std::string& name, const std::string& help, const Labels& labels,
                          double value) {
  FamilyOf(name, help, "gauge").lines.push_back(
      absl::StrCat(name, LabelText(labels), " ", FormatValue(value)));
}

void MetricsWriter::CounterValue(const std::string& name, const std::string& help,
                                 const Labels& labels, double value) {
  FamilyOf(name, help, "counter").lines.push_back(
      absl::StrCat(name, LabelText(labels), " ", FormatValue(value)));
}

void MetricsWriter::HistogramValue(const std::string& name, const std::string& help,
                                   const Labels& labels, const Histogram::Snapshot& snapshot) {
  Family& family = FamilyOf(name, help, "histogram");
  for (size_t i = 0; i <= snapshot.bounds.size(); ++i) {
    Labels with_le = labels;
    with_le.emplace_back("le", i < snapshot.bounds.size() ? FormatValue(snapshot.bounds[i])
                                                         : std::string("+Inf"));
    family.lines.push_back(absl::StrCat(name, "_bucket", LabelText(with_le), " ",
                                        snapshot.cumulative[i]));
  }
  family.lines.push_back(absl::StrCat(name, "_sum", LabelText(labels), " ",
                                      FormatValue(snapshot.sum)));
  family.lines.push_back(absl::StrCat(name, "_count", LabelText(labels), " ", snapshot.count));
}

std::string MetricsWriter::Text() const {
  std::string text;
  for (const auto& [name, family] : families_) {
    absl::StrAppend(&text, "# HELP ", name, " ", family.help, "\n# TYPE ", name, " ", family.type,
                    "\n");
    for (const std::string& line : family.lines) absl::StrAppend(&text, line, "\n");
  }
  return text;
}

Counter* MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                     Labels labels) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_.emplace_back(Registered{name, help, std::move(labels)}, std::make_unique<Counter>());
  return counters_.back().second.get();
}

Histogram* MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = histograms_[{name, labels}];
  if (slot.second == nullptr) {
    slot.first = help;
    slot.second = std::make_unique<Histogram>(LatencyBuckets());
  }
  return slot.second.get();
}

void MetricsRegistry::AddCollector(std::function<void(MetricsWriter&)> collector) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::Render() const {
  MetricsWriter writer;
  std::vector<std::function<void(MetricsWriter&)>> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [registered, counter] : counters_) {
      writer.CounterValue(registered.name, registered.help, registered.labels,
                          static_cast<double>(counter->value()));
    }
    for (const auto& [key, entry] : histograms_) {
      writer.HistogramValue(key.first, entry.first, key.second, entry.second->snapshot());
    }
    collectors = collectors_;
  }
  // Collectors read daemon state (database, locks): run them outside mu_.
  for (const auto& collect : collectors) collect(writer);
  return writer.Text();
}

void WriteStoreMetrics(const Store& store, MetricsWriter& out) {
  for (const Store::ColumnSizes& column : store.Sizes()) {
    const Labels labels = {{"column", column.column}};
    out.Gauge("comptoir_rocksdb_live_data_bytes",
              "RocksDB's estimate of live data per column family", labels,
              static_cast<double>(column.live_data_bytes));
    out.Gauge("comptoir_rocksdb_sst_files_bytes", "Size of all SST files per column family",
              labels, static_cast<double>(column.sst_files_bytes));
    out.Gauge("comptoir_rocksdb_memtable_bytes", "Size of the memtables per column family",
              labels, static_cast<double>(column.memtable_bytes));
  }
}

}  // namespace comptoir
