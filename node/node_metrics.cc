#include "node/node_metrics.h"

namespace comptoir {

void AddNodeMetrics(MetricsRegistry* metrics, NodeStore* store, SyncClient* sync) {
  metrics->AddCollector([store, sync](MetricsWriter& out) {
    absl::StatusOr<v1::SalesSummary> sales = store->Sales();
    if (sales.ok()) {
      for (const v1::OriginSales& row : sales->origins()) {
        out.CounterValue("comptoir_sales_total", "Sale events applied, per origin",
                         {{"origin", row.origin()}}, static_cast<double>(row.sales()));
        out.CounterValue("comptoir_sales_voided_total", "Sales voided since, per origin",
                         {{"origin", row.origin()}}, static_cast<double>(row.voided()));
      }
    }
    absl::StatusOr<v1::SyncStatus> status = store->Status();
    if (status.ok()) {
      out.Gauge("comptoir_own_events", "Events this centre wrote (its own seq)", {},
                static_cast<double>(status->own_seq()));
      out.Gauge("comptoir_sync_backlog_events", "Own events the hub has not acknowledged yet", {},
                static_cast<double>(status->own_seq() -
                                    std::min(status->own_seq(), status->acked_high_water())));
      out.Gauge("comptoir_sync_recovering",
                "1 while the centre gets its own history back from the hub", {},
                status->recovering() ? 1 : 0);
    }
    const SyncClient::State state = sync != nullptr ? sync->state() : SyncClient::State();
    out.Gauge("comptoir_sync_connected", "1 while the stream to the hub is up", {},
              state.connected ? 1 : 0);
    out.CounterValue("comptoir_sync_events_pushed_total",
                     "Own events sent to the hub since the node started (re-sends included)", {},
                     static_cast<double>(state.events_pushed));
    out.CounterValue("comptoir_sync_events_pulled_total",
                     "Events received from the hub since the node started", {},
                     static_cast<double>(state.events_pulled));
    out.CounterValue("comptoir_sync_streams_opened_total",
                     "Sync streams opened to the hub since the node started", {},
                     static_cast<double>(state.streams_opened));
    out.CounterValue("comptoir_sync_reconnects_total",
                     "Sync streams opened after the first one (reconnections)", {},
                     static_cast<double>(state.streams_opened > 0 ? state.streams_opened - 1 : 0));
    WriteStoreMetrics(store->store(), out);
  });
}

}  // namespace comptoir
