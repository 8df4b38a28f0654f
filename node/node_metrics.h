// What a centre's node exposes on /metrics (besides per-RPC latencies, see
// common/grpc_metrics.h): its sales, its sync traffic and backlog, and its
// database sizes, read at each scrape.
//
//   comptoir_sales_total{origin}              sale events applied, per origin
//   comptoir_sales_voided_total{origin}       of which voided since
//   comptoir_own_events                       events this centre wrote (own seq)
//   comptoir_sync_backlog_events              own events the hub has not acknowledged
//   comptoir_sync_connected                   1 while the stream to the hub is up
//   comptoir_sync_recovering                  1 while getting its history back from the hub
//   comptoir_sync_events_pushed_total         own events sent to the hub since start
//   comptoir_sync_events_pulled_total         events received from the hub since start
//   comptoir_sync_streams_opened_total        streams opened since start
//   comptoir_sync_reconnects_total            streams opened after the first
//   comptoir_rocksdb_*_bytes{column}          see common/metrics.h
#ifndef COMPTOIR_NODE_NODE_METRICS_H_
#define COMPTOIR_NODE_NODE_METRICS_H_

#include "common/metrics.h"
#include "node/node_store.h"
#include "node/sync_client.h"

namespace comptoir {

// `store` and `sync` (null when the node runs without a hub) are not owned and
// must outlive `metrics`' use.
void AddNodeMetrics(MetricsRegistry* metrics, NodeStore* store, SyncClient* sync);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_NODE_METRICS_H_
