#include "node/sync_status.h"

namespace comptoir {

absl::StatusOr<v1::SyncStatus> CurrentSyncStatus(const NodeStore& store, SyncClient* sync) {
  absl::StatusOr<v1::SyncStatus> status = store.Status();
  if (!status.ok() || sync == nullptr) return status;
  const SyncClient::State state = sync->state();
  status->set_hub_address(sync->hub_address());
  status->set_connected(state.connected);
  status->set_last_contact_unix_ms(state.last_contact_unix_ms);
  status->set_last_error(state.last_error);
  status->set_offline_since_unix_ms(state.connected ? 0 : state.offline_since_unix_ms);
  return status;
}

}  // namespace comptoir
