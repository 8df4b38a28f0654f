// What the hub exposes on /metrics (besides per-RPC latencies, see
// common/grpc_metrics.h), read at each scrape:
//
//   comptoir_sales_total{origin}               sale events in the network log, per origin
//   comptoir_sales_voided_total{origin}        of which voided since
//   comptoir_hub_log_head                      last position of the network log
//   comptoir_hub_events_held{origin}           highest contiguous seq held per origin
//   comptoir_hub_connected_centres             centres with a stream open now
//   comptoir_hub_centre_backlog_events{site}   events a centre said it holds that the hub
//                                              does not (as of its last message)
//   comptoir_sync_events_pushed_total          events received in push batches since start
//   comptoir_sync_events_pulled_total          events sent in pull batches since start
//   comptoir_sync_streams_accepted_total       streams accepted since start (reconnects count)
//   comptoir_sync_streams_refused_total        streams refused for their credentials
//   comptoir_rocksdb_*_bytes{column}           see common/metrics.h
#ifndef COMPTOIR_HUB_HUB_METRICS_H_
#define COMPTOIR_HUB_HUB_METRICS_H_

#include "common/metrics.h"
#include "hub/hub_log.h"
#include "hub/sync_service.h"

namespace comptoir {

// `log` and `sync` are not owned and must outlive `metrics`' use.
void AddHubMetrics(MetricsRegistry* metrics, HubLog* log, SyncServiceImpl* sync);

}  // namespace comptoir

#endif  // COMPTOIR_HUB_HUB_METRICS_H_
