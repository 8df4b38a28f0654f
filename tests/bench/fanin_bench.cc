#include "tests/bench/fanin_bench.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/daemon.h"
#include "common/event_codec.h"
#include "common/keys.h"
#include "common/store.h"
#include "common/sync_protocol.h"
#include "comptoir/v1/sync.grpc.pb.h"
#include "tests/testing/test_util.h"

namespace comptoir::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Figures of /proc/<pid>/status.
struct ProcStatus {
  double rss_mib = 0;
  double hwm_mib = 0;
  int threads = 0;
};

ProcStatus ReadProcStatus(pid_t pid) {
  ProcStatus status;
  std::istringstream lines(testing::ReadFile(absl::StrCat("/proc/", pid, "/status")));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string name;
    double value = 0;
    fields >> name >> value;
    if (name == "VmRSS:") status.rss_mib = value / 1024;
    if (name == "VmHWM:") status.hwm_mib = value / 1024;
    if (name == "Threads:") status.threads = static_cast<int>(value);
  }
  return status;
}

// A counter in the hub's Prometheus text ("name value" on its own line); -1 if absent.
double MetricValue(const std::string& text, const std::string& name) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name + " ", 0) == 0) return std::atof(line.c_str() + name.size() + 1);
  }
  return -1;
}

// The push batches of one site: `events` chained sale events, `per_batch` a batch.
std::vector<v1::NodeMessage> MakePushes(const std::string& site, int events, int per_batch) {
  std::vector<v1::NodeMessage> pushes;
  ChainHead head{0, ZeroHash()};
  for (int i = 0; i < events; ++i) {
    if (i % per_batch == 0) pushes.emplace_back();
    v1::EventCore core;
    core.set_origin(site);
    core.set_hlc((static_cast<uint64_t>(1795000000000LL + i) << 16));
    v1::SaleRecorded* sale = core.mutable_sale_recorded();
    sale->set_family_id(absl::StrCat("F-", 100000 + i % 500));
    for (int l = 0; l < 5; ++l) {
      auto* line = sale->add_lines();
      line->set_product_id(absl::StrCat("EPI-PRODUIT-", (i + l) % 300));
      line->set_quantity(1 + l);
    }
    DecodedEvent event = SealEvent(head, std::move(core), nullptr);
    head = ChainHead{event.core().seq(), event.hash};
    *pushes.back().mutable_push()->add_events() = std::move(event.record());
  }
  return pushes;
}

// What all simulated nodes share.
struct Shared {
  std::atomic<int> welcomed{0};
  std::atomic<int> pushed_all{0};  // streams whose every event is acknowledged
  std::atomic<int> finished{0};    // streams gRPC is done with
  std::atomic<uint64_t> pulled{0};
  std::mutex mu;
  std::string first_error;
};

// The stub of the simulated nodes: it sends NodeMessages and receives the
// hub's messages as bytes (see PullSummary).
using RawSyncStub = grpc::TemplatedGenericStub<v1::NodeMessage, grpc::ByteBuffer>;
constexpr char kExchangeMethod[] = "/comptoir.v1.Sync/Exchange";

// What a simulated node needs of a pull batch: how many entries, and the
// position to acknowledge. Read off the wire (HubMessage field 3, PullBatch
// fields 1 and 2) without decoding the entries: the nodes do not apply them,
// and decoding the whole network's events in this process would take CPU the
// hub shares on this machine. Nullopt if the message is not a pull batch.
struct PullSummary {
  int entries = 0;
  uint64_t through = 0;
};
std::optional<PullSummary> SummarisePull(const std::string& bytes) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  if (in.ReadTag() != ((3 << 3) | 2)) return std::nullopt;
  uint32_t length = 0;
  if (!in.ReadVarint32(&length)) return std::nullopt;
  PullSummary summary;
  for (uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
    if (tag == ((1 << 3) | 2)) {
      uint32_t entry_length = 0;
      if (!in.ReadVarint32(&entry_length) || !in.Skip(static_cast<int>(entry_length))) break;
      ++summary.entries;
    } else if (tag == (2 << 3)) {
      in.ReadVarint64(&summary.through);
    } else if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) {
      break;
    }
  }
  return summary;
}

// One simulated node: Hello, then (once told to go) its push batches with at
// most 4 unacknowledged, a PullAck for each pull batch when it pulls.
class NodeStream final : public grpc::ClientBidiReactor<v1::NodeMessage, grpc::ByteBuffer> {
 public:
  NodeStream(RawSyncStub* stub, const std::string& site, std::vector<v1::NodeMessage> pushes,
             bool pull, Shared* shared)
      : pushes_(std::move(pushes)), pull_(pull), shared_(shared) {
    for (const v1::NodeMessage& push : pushes_) total_ += push.push().events_size();
    v1::NodeMessage hello;
    hello.mutable_hello()->set_site(site);
    hello.mutable_hello()->set_protocol_version(kProtocolVersion);
    hello.mutable_hello()->set_own_seq(total_);
    stub->PrepareBidiStreamingCall(&context_, kExchangeMethod, grpc::StubOptions(), this);
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(hello));
      PumpLocked();
    }
    StartRead(&incoming_);
    StartCall();
  }

  void Go() {
    std::lock_guard<std::mutex> lock(mu_);
    go_ = true;
    FillWindowLocked();
  }

  void Cancel() { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream is over; OnDone follows
    std::string bytes;
    {
      std::vector<grpc::Slice> slices;
      incoming_.Dump(&slices).IgnoreError();
      for (const grpc::Slice& slice : slices) {
        bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (std::optional<PullSummary> pull = SummarisePull(bytes)) {
        shared_->pulled += pull->entries;
        if (pull_) {
          v1::NodeMessage ack;
          ack.mutable_pull_ack()->set_cursor(pull->through);
          queue_.push_back(std::move(ack));
          PumpLocked();
        }
      } else {
        v1::HubMessage message;
        message.ParseFromString(bytes);
        switch (message.msg_case()) {
          case v1::HubMessage::kWelcome:
            shared_->welcomed++;
            break;
          case v1::HubMessage::kPushAck:
            if (in_flight_ > 0) --in_flight_;
            if (message.push_ack().high_water() == total_ && !all_acked_) {
              all_acked_ = true;
              shared_->pushed_all++;
            }
            FillWindowLocked();
            break;
          case v1::HubMessage::kError: {
            std::lock_guard<std::mutex> error_lock(shared_->mu);
            if (shared_->first_error.empty()) shared_->first_error = message.error().message();
            break;
          }
          default:
            break;
        }
      }
    }
    StartRead(&incoming_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_now_ = false;
    if (ok) PumpLocked();
  }

  void OnDone(const grpc::Status& status) override {
    if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
      std::lock_guard<std::mutex> lock(shared_->mu);
      if (shared_->first_error.empty()) shared_->first_error = status.error_message();
    }
    shared_->finished++;
  }

 private:
  void FillWindowLocked() {
    while (go_ && in_flight_ < 4 && next_ < pushes_.size()) {
      queue_.push_back(pushes_[next_++]);
      ++in_flight_;
    }
    PumpLocked();
  }

  void PumpLocked() {
    if (writing_now_ || queue_.empty()) return;
    writing_ = std::move(queue_.front());
    queue_.pop_front();
    writing_now_ = true;
    StartWrite(&writing_);
  }

  grpc::ClientContext context_;
  const std::vector<v1::NodeMessage> pushes_;
  const bool pull_;
  Shared* shared_;
  uint64_t total_ = 0;
  grpc::ByteBuffer incoming_;
  std::mutex mu_;
  std::deque<v1::NodeMessage> queue_;
  v1::NodeMessage writing_;
  bool writing_now_ = false;
  bool go_ = false;
  bool all_acked_ = false;
  size_t next_ = 0;
  int in_flight_ = 0;
};

// The baseline server: the same service, answering Hello with a Welcome and
// each push batch with an ack, storing nothing, sending no pulls.
class SinkStream final : public grpc::ServerBidiReactor<v1::NodeMessage, v1::HubMessage> {
 public:
  SinkStream() { StartRead(&incoming_); }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ok) {
      if (!finished_) Finish(grpc::Status::OK);
      finished_ = true;
      return;
    }
    v1::HubMessage reply;
    if (incoming_.has_hello()) reply.mutable_welcome()->set_hub_epoch(1);
    if (incoming_.has_push() && incoming_.push().events_size() > 0) {
      v1::EventCore last;
      last.ParseFromString(incoming_.push().events().rbegin()->core());
      reply.mutable_push_ack()->set_high_water(last.seq());
    }
    if (reply.msg_case() != v1::HubMessage::MSG_NOT_SET) queue_.push_back(std::move(reply));
    StartRead(&incoming_);
    PumpLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_now_ = false;
    if (ok) PumpLocked();
  }

  void OnDone() override { delete this; }

 private:
  void PumpLocked() {
    if (finished_ || writing_now_ || queue_.empty()) return;
    writing_ = std::move(queue_.front());
    queue_.pop_front();
    writing_now_ = true;
    StartWrite(&writing_);
  }

  v1::NodeMessage incoming_;
  std::mutex mu_;
  std::deque<v1::HubMessage> queue_;
  v1::HubMessage writing_;
  bool writing_now_ = false;
  bool finished_ = false;
};

class SinkService final : public v1::Sync::CallbackService {
  grpc::ServerBidiReactor<v1::NodeMessage, v1::HubMessage>* Exchange(
      grpc::CallbackServerContext*) override {
    return new SinkStream();
  }
};

struct StreamsRun {
  bool ok = false;
  std::string error;
  double connect_seconds = 0;
  double push_seconds = 0;
  uint64_t pulled_in_window = 0;
  // Called once every stream is welcomed, and once pushing is done.
  std::function<void()> on_connected;
  std::function<void()> on_pushed;
};

// Opens the streams against `address`, waits until all are welcomed, lets
// them push, waits until all are acknowledged, then cancels them.
void RunStreams(const std::string& address, const FanInOptions& options,
                const std::vector<std::vector<v1::NodeMessage>>& pushes, StreamsRun* run) {
  Shared shared;
  std::vector<std::unique_ptr<RawSyncStub>> stubs;
  std::vector<std::unique_ptr<NodeStream>> streams;
  const auto start = Clock::now();
  for (int i = 0; i < options.streams; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own, as a node has
    args.SetMaxReceiveMessageSize(16 << 20);
    stubs.push_back(std::make_unique<RawSyncStub>(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
    streams.push_back(std::make_unique<NodeStream>(stubs.back().get(), absl::StrCat("f", i),
                                                   pushes[i], options.pull, &shared));
  }
  auto failed = [&] {
    std::lock_guard<std::mutex> lock(shared.mu);
    return !shared.first_error.empty() || shared.finished.load() > 0;
  };
  testing::WaitFor([&] { return shared.welcomed.load() == options.streams || failed(); },
                   absl::Minutes(5));
  run->connect_seconds = Seconds(Clock::now() - start);
  if (shared.welcomed.load() == options.streams && !failed()) {
    if (run->on_connected) run->on_connected();
    const uint64_t pulled_before = shared.pulled.load();
    const auto push_start = Clock::now();
    for (auto& stream : streams) stream->Go();
    testing::WaitFor([&] { return shared.pushed_all.load() == options.streams || failed(); },
                     absl::Minutes(30));
    run->push_seconds = Seconds(Clock::now() - push_start);
    run->pulled_in_window = shared.pulled.load() - pulled_before;
    run->ok = shared.pushed_all.load() == options.streams;
    if (run->on_pushed) run->on_pushed();
  }
  {
    std::lock_guard<std::mutex> lock(shared.mu);
    run->error = shared.first_error;
    if (!run->ok && run->error.empty()) {
      run->error = absl::StrCat(shared.welcomed.load(), " of ", options.streams,
                                " streams welcomed, ", shared.pushed_all.load(), " pushed all, ",
                                shared.finished.load(), " ended");
    }
  }
  for (auto& stream : streams) stream->Cancel();
  testing::WaitFor([&] { return shared.finished.load() == options.streams; }, absl::Minutes(2));
}

// Synced RocksDB batches of `per_batch` events (event + log entry) of
// `event_bytes` each, `total` events, from `writers` threads; events/s.
double RawIngest(const std::string& dir, int writers, int total, int per_batch,
                 size_t event_bytes) {
  auto store = Store::Open({dir}).value();
  const std::string value(event_bytes, 'e');
  std::atomic<int> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      for (int first = next.fetch_add(per_batch); first < total;
           first = next.fetch_add(per_batch)) {
        Batch batch;
        for (int i = first; i < std::min(total, first + per_batch); ++i) {
          batch.Put(Column::kEvents, EventKey("raw", i + 1), value);
          batch.Put(Column::kLog, LogKey(i + 1), EventKey("raw", i + 1));
        }
        store->Write(batch).IgnoreError();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  return total / Seconds(Clock::now() - start);
}

}  // namespace

FanInResult RunFanIn(const FanInOptions& options) {
  FanInResult result;
  testing::TempDir dir;
  std::vector<std::vector<v1::NodeMessage>> pushes;
  size_t event_bytes = 0;
  for (int i = 0; i < options.streams; ++i) {
    pushes.push_back(MakePushes(absl::StrCat("f", i), options.events_per_stream,
                                options.batch_events));
  }
  event_bytes = pushes[0][0].push().events(0).core().size();
  const int total = options.streams * options.events_per_stream;

  // The real hub, as a child process.
  const std::string ready = dir.Sub("hub.ready");
  const std::string metrics = absl::StrCat("127.0.0.1:", testing::PickFreePort());
  testing::Subprocess hub({options.hub_binary, "--data", dir.Sub("hub"), "--listen",
                           "127.0.0.1:0", "--ready-file", ready, "--http-listen", "",
                           "--metrics-listen", metrics},
                          dir.Sub("hub.log"));
  if (!hub.Start() ||
      !testing::WaitFor([&] { return !testing::ReadFile(ready).empty(); }, absl::Minutes(1))) {
    result.error = "the hub did not start: " + testing::ReadFile(dir.Sub("hub.log"));
    return result;
  }
  std::string address = testing::ReadFile(ready);
  address.erase(address.find_last_not_of("\n") + 1);
  result.hub_rss_idle_mib = ReadProcStatus(hub.pid()).rss_mib;
  httplib::Client metrics_client("127.0.0.1", std::atoi(metrics.substr(10).c_str()));
  auto commit_counts = [&](double* writes, double* appends) {
    httplib::Result got = metrics_client.Get("/metrics");
    const std::string text = got ? got->body : "";
    *writes = MetricValue(text, "comptoir_hub_log_synced_writes_total");
    *appends = MetricValue(text, "comptoir_hub_log_appends_total");
  };
  double writes_before = 0, appends_before = 0, writes_after = 0, appends_after = 0;
  StreamsRun hub_run;
  hub_run.on_connected = [&] {
    result.hub_rss_connected_mib = ReadProcStatus(hub.pid()).rss_mib;
    commit_counts(&writes_before, &appends_before);
  };
  hub_run.on_pushed = [&] {
    const ProcStatus status = ReadProcStatus(hub.pid());
    result.hub_rss_end_mib = status.rss_mib;
    result.hub_threads = status.threads;
    commit_counts(&writes_after, &appends_after);
  };
  RunStreams(address, options, pushes, &hub_run);
  result.hub_hwm_mib = ReadProcStatus(hub.pid()).hwm_mib;
  hub.Stop(SIGTERM);
  if (!hub_run.ok) {
    result.error = "hub: " + hub_run.error;
    return result;
  }
  result.connect_seconds = hub_run.connect_seconds;
  result.push_events_per_second = total / hub_run.push_seconds;
  result.pulled_events_per_second = hub_run.pulled_in_window / hub_run.push_seconds;
  if (writes_after > writes_before && writes_before >= 0) {
    result.mean_group = (appends_after - appends_before) / (writes_after - writes_before);
  }

  // Baseline: the same streams against a plain gRPC sink in this process.
  {
    SinkService sink;
    absl::StatusOr<RunningServer> server = StartGrpcServer("127.0.0.1:0", {&sink});
    if (!server.ok()) {
      result.error = std::string(server.status().message());
      return result;
    }
    StreamsRun sink_run;
    RunStreams(server->address, options, pushes, &sink_run);
    server->server->Shutdown(std::chrono::system_clock::now());
    if (!sink_run.ok) {
      result.error = "sink: " + sink_run.error;
      return result;
    }
    result.grpc_sink_events_per_second = total / sink_run.push_seconds;
  }
  // Baseline: raw RocksDB, one writer and many (RocksDB's own group commit).
  result.raw_one_writer_events_per_second =
      RawIngest(dir.Sub("raw1"), 1, total, options.batch_events, event_bytes);
  result.raw_many_writers_events_per_second =
      RawIngest(dir.Sub("raw32"), 32, total, options.batch_events, event_bytes);
  result.ok = true;
  return result;
}

}  // namespace comptoir::bench
