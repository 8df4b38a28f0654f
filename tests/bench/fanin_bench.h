// Hub fan-in for comptoir-bench (BENCHMARKS.md): many node streams pushing
// and pulling at once against the real comptoir-hub binary, run as a child
// process over loopback gRPC, beside the same streams against a plain gRPC
// sink and beside raw RocksDB.
//
// The simulated nodes live in the bench process and use gRPC's callback API
// (no thread per stream); by default each has its own channel, so its own TCP
// connection, as real nodes do. Each is a distinct site that pushes its own
// chained sale events (~170 bytes, as in the catch-up figure) in batches, up
// to the protocol's window of 4 unacknowledged batches, and acknowledges the
// pull batches it receives (every other site's events) without applying them,
// nor decoding their entries (it counts them and reads the position to
// acknowledge straight off the wire).
//
//   FanInOptions options;
//   options.hub_binary = "build/hub/comptoir-hub";
//   FanInResult result = RunFanIn(options);
#ifndef COMPTOIR_TESTS_BENCH_FANIN_BENCH_H_
#define COMPTOIR_TESTS_BENCH_FANIN_BENCH_H_

#include <string>

namespace comptoir::bench {

struct FanInOptions {
  std::string hub_binary;
  int streams = 1000;
  int events_per_stream = 100;
  int batch_events = 10;
  // Simulated nodes that acknowledge pulls (so the hub keeps sending them the
  // whole network's events); the others let their pull window fill and stall,
  // like nodes too slow to apply, so that only pushing is measured.
  bool pull = true;
};

struct FanInResult {
  bool ok = false;
  std::string error;
  double connect_seconds = 0;        // until every stream was welcomed
  double push_events_per_second = 0;  // aggregate, durable (acknowledged) at the hub
  double pulled_events_per_second = 0;  // aggregate, delivered to nodes in the same window
  double hub_rss_idle_mib = 0;       // the hub before any stream
  double hub_rss_connected_mib = 0;  // every stream open, before pushing
  double hub_rss_end_mib = 0;        // every stream open, pushing done
  double hub_hwm_mib = 0;            // peak resident memory over the run
  int hub_threads = 0;               // at the end of pushing
  double mean_group = 0;             // appends per synced write (hub metrics)
  // Baselines, same streams and messages: a plain gRPC service that answers
  // each push batch with an ack (no storage); synced RocksDB batches of the
  // same events (event + log entry) from 1 and from 32 writer threads.
  double grpc_sink_events_per_second = 0;
  double raw_one_writer_events_per_second = 0;
  double raw_many_writers_events_per_second = 0;
};

// Runs the hub figure and its baselines. Needs about 2 file descriptors per
// stream in this process and one per stream in the hub.
FanInResult RunFanIn(const FanInOptions& options);

}  // namespace comptoir::bench

#endif  // COMPTOIR_TESTS_BENCH_FANIN_BENCH_H_
