// Where a node stands with the hub, as NodeService.GetSyncStatus and the web
// till's connection indicator both show it.
#ifndef COMPTOIR_NODE_SYNC_STATUS_H_
#define COMPTOIR_NODE_SYNC_STATUS_H_

#include "absl/status/statusor.h"
#include "comptoir/v1/till.pb.h"
#include "node/node_store.h"
#include "node/sync_client.h"

namespace comptoir {

// The store's counters (own seq, acknowledged, pending, cursor, per origin)
// with the sync client's connection state. `sync` may be null (no hub
// configured). Reads local state only: never waits for the hub. Thread-safe.
absl::StatusOr<v1::SyncStatus> CurrentSyncStatus(const NodeStore& store, SyncClient* sync);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_SYNC_STATUS_H_
