#include "hub/hub_metrics.h"

#include <algorithm>
#include <map>

namespace comptoir {

void AddHubMetrics(MetricsRegistry* metrics, HubLog* log, SyncServiceImpl* sync) {
  metrics->AddCollector([log, sync](MetricsWriter& out) {
    absl::StatusOr<v1::SalesSummary> sales = log->Sales();
    if (sales.ok()) {
      for (const v1::OriginSales& row : sales->origins()) {
        out.CounterValue("comptoir_sales_total", "Sale events in the network log, per origin",
                         {{"origin", row.origin()}}, static_cast<double>(row.sales()));
        out.CounterValue("comptoir_sales_voided_total", "Sales voided since, per origin",
                         {{"origin", row.origin()}}, static_cast<double>(row.voided()));
      }
    }
    out.Gauge("comptoir_hub_log_head", "Last position of the network log", {},
              static_cast<double>(log->LogHead()));
    const HubLog::CommitCounts commits = log->commit_counts();
    out.CounterValue("comptoir_hub_log_synced_writes_total",
                     "Synced writes of the network log since the hub started (group commit: "
                     "one write carries every append queued meanwhile)",
                     {}, static_cast<double>(commits.writes));
    out.CounterValue("comptoir_hub_log_appends_total",
                     "Appends (pushed batches, hub events) since the hub started; divided by "
                     "synced writes: the mean group size",
                     {}, static_cast<double>(commits.appends));
    const HubLog::PullCounts pulls = log->pull_counts();
    out.CounterValue("comptoir_hub_pulls_total",
                     "Pull batches made for centres since the hub started, by where their "
                     "entries were read: recent entries kept in memory, or the store",
                     {{"from", "memory"}}, static_cast<double>(pulls.from_memory));
    out.CounterValue("comptoir_hub_pulls_total", "", {{"from", "store"}},
                     static_cast<double>(pulls.from_store));
    std::map<std::string, uint64_t> held;
    absl::StatusOr<v1::HubStatus> status = log->Status();
    if (status.ok()) {
      for (const auto& row : status->origins()) {
        held[row.origin()] = row.seq();
        out.Gauge("comptoir_hub_events_held", "Highest contiguous seq held, per origin",
                  {{"origin", row.origin()}}, static_cast<double>(row.seq()));
      }
    }
    out.Gauge("comptoir_hub_connected_centres", "Centres with a sync stream open now", {},
              static_cast<double>(sync->ConnectedSites().size()));
    for (const auto& [site, contact] : sync->Contacts()) {
      const uint64_t have = held[site];
      out.Gauge("comptoir_hub_centre_backlog_events",
                "Events a centre holds that the hub does not yet (as of its last message)",
                {{"site", site}},
                static_cast<double>(contact.node_own_seq - std::min(contact.node_own_seq, have)));
    }
    const SyncServiceImpl::Traffic traffic = sync->traffic();
    out.CounterValue("comptoir_sync_events_pushed_total",
                     "Events received from centres in push batches since the hub started "
                     "(duplicates included)",
                     {}, static_cast<double>(traffic.events_received));
    out.CounterValue("comptoir_sync_events_pulled_total",
                     "Events sent to centres in pull batches since the hub started", {},
                     static_cast<double>(traffic.events_sent));
    out.CounterValue("comptoir_sync_streams_accepted_total",
                     "Sync streams accepted since the hub started (each reconnection counts)", {},
                     static_cast<double>(traffic.streams_accepted));
    out.CounterValue("comptoir_sync_streams_refused_total",
                     "Sync streams refused for their credentials since the hub started", {},
                     static_cast<double>(traffic.streams_refused));
    WriteStoreMetrics(log->store(), out);
  });
}

}  // namespace comptoir
