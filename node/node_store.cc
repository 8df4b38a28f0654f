#include "node/node_store.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/arena_message.h"
#include "common/logging.h"
#include "common/civil_day.h"
#include "common/erasure.h"
#include "common/ids.h"
#include "common/keys.h"
#include "common/view_io.h"
#include "common/projection.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "node/own_indexes.h"

namespace comptoir {
const std::string& CommandContext::site() const { return node_->site_; }
const std::string& CommandContext::prefix() const { return node_->prefix_; }

absl::StatusOr<uint64_t> CommandContext::NextNumber(absl::string_view counter) {
  ASSIGN_OR_RETURN(int64_t next,
                   AddToCounter(store_, batch_, CounterKey(counter), 1, Column::kMeta));
  return static_cast<uint64_t>(next);
}

absl::StatusOr<DecodedEvent> CommandContext::Append(v1::EventCore core,
                                                    const v1::PersonalPart* personal) {
  ASSIGN_OR_RETURN(ChainHead head, node_->log_.Head(node_->site_, &batch_));
  core.set_origin(node_->site_);
  core.set_hlc(node_->clock_.Now());
  if (!operator_id_.empty()) core.set_operator_id(operator_id_);
  DecodedEvent event = SealEvent(head, std::move(core), personal);
  RETURN_IF_ERROR(node_->log_.Stage(batch_, event, EventLog::Admission::kRefuse));
  std::string clock_value;
  AppendBigEndian64(&clock_value, event.core().hlc());
  batch_.Put(Column::kMeta, kMetaClock, clock_value);
  appended_ = true;
  return event;
}

NodeStore::NodeStore(std::string site, std::string prefix, std::unique_ptr<Store> store,
                     HybridClock::PhysicalClock clock)
    : site_(std::move(site)),
      prefix_(std::move(prefix)),
      physical_(clock ? clock : [] { return absl::ToUnixMillis(absl::Now()); }),
      store_(std::move(store)),
      log_(store_.get()),
      clock_(physical_) {}

std::string NodeStore::Today() const { return ParisDay(physical_()); }

absl::Status NodeStore::Execute(const std::function<absl::Status(CommandContext&)>& command,
                                absl::string_view operator_id) {
  std::function<void()> listener;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (recovery_.has_value()) {
      return absl::UnavailableError(
          "Ce centre récupère son historique auprès du siège (données perdues ou restaurées) : "
          "la caisse reprend dès que c'est fait. Vérifiez la connexion au réseau.");
    }
    CommandContext context(this, *store_, Today(), operator_id);
    RETURN_IF_ERROR(command(context));
    if (context.batch_.Count() == 0) return absl::OkStatus();
    RETURN_IF_ERROR(store_->Write(context.batch_));
    RETURN_IF_ERROR(log_.PurgeIfDue().status());
    if (context.appended_) listener = on_local_append_;
  }
  if (listener) listener();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<NodeStore>> NodeStore::Open(const Options& options) {
  if (!IsValidSiteId(options.site) || options.site == "hub") {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid site id '", options.site,
        "': use 1-32 characters among a-z, 0-9, '_' and '-' (for example: hem)"));
  }
  std::error_code error;
  if (!options.memory_disk) std::filesystem::create_directories(options.dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", options.dir, ": ", error.message()));
  }
  if (!options.card_prefix.empty() && !IsValidCardPrefix(options.card_prefix)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid card prefix '", options.card_prefix, "': 2 to 6 capital letters or digits"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open({options.dir, true, options.memory_disk}));
  ASSIGN_OR_RETURN(std::optional<std::string> site, store->Get(Column::kMeta, kMetaSite));
  if (site.has_value() && *site != options.site) {
    return absl::FailedPreconditionError(absl::StrCat(
        options.dir, " holds the data of site '", *site, "', not '", options.site,
        "': use that site id or another directory"));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> prefix, store->Get(Column::kMeta, kMetaPrefix));
  if (prefix.has_value() && !options.card_prefix.empty() && *prefix != options.card_prefix) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this centre's card prefix is ", *prefix, " (fixed when it was created), not ",
        options.card_prefix));
  }
  if (!site.has_value() || !prefix.has_value()) {
    prefix = options.card_prefix.empty() ? DefaultCardPrefix(options.site) : options.card_prefix;
    Batch batch;
    batch.Put(Column::kMeta, kMetaSite, options.site);
    batch.Put(Column::kMeta, kMetaPrefix, *prefix);
    RETURN_IF_ERROR(store->Write(batch));
  }
  // Erasures: this replica's register, beside its data (none on a memory
  // disk); those the database lacks (restored, copied) and any purge a crash
  // interrupted are applied before anything is served.
  const std::string register_path =
      !options.erasure_register.empty() ? options.erasure_register
      : options.memory_disk             ? std::string()
                                        : ErasureRegisterPath(options.dir);
  if (!register_path.empty()) RETURN_IF_ERROR(ApplyErasureRegister(*store, register_path).status());
  std::unique_ptr<NodeStore> node(
      new NodeStore(options.site, *prefix, std::move(store), options.clock));
  node->log_.SetErasureRegister(register_path);
  RETURN_IF_ERROR(node->log_.PurgeIfDue(/*always=*/true).status());
  RETURN_IF_ERROR(node->LoadState());
  if (options.recover_from_hub) RETURN_IF_ERROR(node->BeginRecovery());
  return node;
}

absl::Status NodeStore::LoadState() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(std::optional<std::string> sync, store_->Get(Column::kMeta, kMetaSync));
  if (sync.has_value()) {
    sync_.hub_epoch = ReadBigEndian64(*sync, 0).value_or(0);
    sync_.cursor = ReadBigEndian64(*sync, 8).value_or(0);
    sync_.acked = ReadBigEndian64(*sync, 16).value_or(0);
  }
  // The clock never goes below what this node already wrote or applied.
  ASSIGN_OR_RETURN(std::optional<std::string> recovery, store_->Get(Column::kMeta, kMetaRecovery));
  if (recovery.has_value()) recovery_ = ReadBigEndian64(*recovery).value_or(0);
  ASSIGN_OR_RETURN(std::optional<std::string> clock, store_->Get(Column::kMeta, kMetaClock));
  if (clock.has_value()) clock_.Observe(ReadBigEndian64(*clock).value_or(0));
  return absl::OkStatus();
}

void NodeStore::StageSyncState(Batch& batch, const SyncState& state) {
  std::string value;
  AppendBigEndian64(&value, state.hub_epoch);
  AppendBigEndian64(&value, state.cursor);
  AppendBigEndian64(&value, state.acked);
  batch.Put(Column::kMeta, kMetaSync, value);
}

void NodeStore::SetLocalAppendListener(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(mu_);
  on_local_append_ = std::move(listener);
}

absl::StatusOr<v1::SalesSummary> NodeStore::Sales() const { return ReadSalesSummary(*store_); }

absl::StatusOr<v1::SyncStatus> NodeStore::Status() const {
  v1::SyncStatus status;
  status.set_site(site_);
  ASSIGN_OR_RETURN(auto heads, log_.Heads());
  for (const auto& [origin, head] : heads) {
    v1::OriginCount* row = status.add_origins();
    row->set_origin(origin);
    row->set_seq(head.seq);
    if (origin == site_) status.set_own_seq(head.seq);
  }
  std::lock_guard<std::mutex> lock(mu_);
  status.set_acked_high_water(sync_.acked);
  status.set_pending_push(status.own_seq() - std::min(status.own_seq(), sync_.acked));
  status.set_hub_cursor(sync_.cursor);
  status.set_hub_epoch(sync_.hub_epoch);
  status.set_recovering(recovery_.has_value());
  return status;
}

absl::StatusOr<std::vector<v1::EventRecord>> NodeStore::ReadEvents(absl::string_view origin,
                                                                   uint64_t from_seq,
                                                                   size_t limit) const {
  return log_.ReadRange(origin, from_seq, limit, kMaxBatchBytes);
}

absl::StatusOr<ChainHead> NodeStore::OwnHead() { return log_.Head(site_); }

absl::StatusOr<std::vector<v1::EventRecord>> NodeStore::ReadOwn(uint64_t from_seq,
                                                                size_t max_events,
                                                                size_t max_bytes) {
  return log_.ReadRange(site_, from_seq, max_events, max_bytes);
}

absl::StatusOr<EncodedNodeMessage> NodeStore::ReadOwnPush(uint64_t from_seq, size_t max_events,
                                                          size_t max_bytes) {
  EncodedNodeMessage push = EncodedNodeMessage::Push();
  RETURN_IF_ERROR(log_.VisitRange(
      site_, from_seq, max_events, max_bytes,
      [&](absl::string_view core, absl::string_view personal) { push.AddEvent(core, personal); }));
  return push;
}

absl::StatusOr<std::optional<v1::EventRecord>> NodeStore::ReadOwnAt(uint64_t seq) {
  return log_.Read(site_, seq);
}

absl::StatusOr<NodeCursor> NodeStore::Cursor() {
  std::lock_guard<std::mutex> lock(mu_);
  return NodeCursor{sync_.hub_epoch, sync_.cursor};
}

absl::Status NodeStore::ResetCursor(uint64_t hub_epoch) {
  std::lock_guard<std::mutex> lock(mu_);
  SyncState state{hub_epoch, 0, 0};
  Batch batch;
  StageSyncState(batch, state);
  RETURN_IF_ERROR(store_->Write(batch));
  sync_ = state;
  return absl::OkStatus();
}

absl::Status NodeStore::ApplyPulled(uint64_t hub_epoch, const v1::PullBatch& batch) {
  std::shared_ptr<v1::HubMessage> message = NewOnArena<v1::HubMessage>(batch.ByteSizeLong());
  *message->mutable_pull() = batch;
  const DecodedPull pull = DecodePull(std::move(message));
  return ApplyPulled(hub_epoch, std::vector<const DecodedPull*>{&pull});
}

absl::Status NodeStore::ApplyPulled(uint64_t hub_epoch,
                                    const std::vector<const DecodedPull*>& pulls) {
  std::lock_guard<std::mutex> lock(mu_);
  if (hub_epoch != sync_.hub_epoch) {
    return absl::FailedPreconditionError("pulled batch from another hub epoch than the cursor's");
  }
  Batch batch;
  SyncState state = sync_;
  uint64_t max_hlc = 0;
  for (size_t k = 0; k < pulls.size(); ++k) {
    const absl::Status staged = StagePulled(batch, *pulls[k], &state, &max_hlc);
    if (staged.ok()) continue;
    // Nothing of batch k may be written: the batches before it are staged
    // again, alone (a refusal is rare; the group's batch cannot be cut back).
    if (k == 0) return staged;
    batch = Batch();
    state = sync_;
    max_hlc = 0;
    for (size_t j = 0; j < k; ++j) RETURN_IF_ERROR(StagePulled(batch, *pulls[j], &state, &max_hlc));
    RETURN_IF_ERROR(CommitPulled(batch, state, max_hlc));
    return staged;
  }
  return CommitPulled(batch, state, max_hlc);
}

absl::Status NodeStore::StagePulled(Batch& batch, const DecodedPull& pull, SyncState* state,
                                    uint64_t* max_hlc) {
  for (int i = 0; i < pull.batch().entries_size(); ++i) {
    const v1::LogEntry& entry = pull.batch().entries(i);
    if (entry.has_withheld()) {
      RETURN_IF_ERROR(StageWithheldLink(batch, entry));
      continue;
    }
    const absl::StatusOr<DecodedEvent>& decoded = pull.events[static_cast<size_t>(i)];
    RETURN_IF_ERROR(decoded.status());
    const DecodedEvent& event = *decoded;
    const bool own = event.core().origin() == site_;
    ASSIGN_OR_RETURN(ChainHead head, log_.Head(event.core().origin(), &batch));
    auto name = [&] { return absl::StrCat(event.core().origin(), "/", event.core().seq()); };
    switch (CheckLink(head, event)) {
      case Link::kNext:
        if (own && !recovery_.has_value()) {
          // Only this node writes its own chain; the hub hands it back only
          // while the node is recovering it (common/sync_protocol.h).
          return absl::FailedPreconditionError(absl::StrCat(
              "the hub sent ", name(), ", an event of this centre that it does not hold (it "
              "holds its own events up to ", head.seq, ") while not recovering: nothing applied; "
              "if this centre's data was lost, restart it with --recover-from-hub"));
        }
        RETURN_IF_ERROR(log_.Stage(batch, event, EventLog::Admission::kKeepUnfolded));
        // Our own history coming back: ids and retries must go on from it.
        if (own) RETURN_IF_ERROR(StageOwnIndexes(*store_, batch, prefix_, event));
        *max_hlc = std::max<uint64_t>(*max_hlc, event.core().hlc());
        break;
      case Link::kAlreadyHeld:
        if (own) {
          // Our own history coming back: it must be what we hold, byte for byte.
          ASSIGN_OR_RETURN(std::optional<std::string> held,
                           store_->Get(Column::kEvents, EventKey(site_, event.core().seq()), &batch));
          if (held.has_value() && *held != event.record().core()) {
            return absl::DataLossError(absl::StrCat(
                "fork: the hub's ", name(), " differs from this node's; nothing overwritten, sync "
                "stopped until someone sorts it out"));
          }
        }
        break;  // re-delivery: applied before
      case Link::kGap:
        return absl::DataLossError(absl::StrCat("hub sent ", name(), " but this node holds ",
                                                event.core().origin(), " only up to ", head.seq));
      case Link::kBrokenChain:
        return absl::DataLossError(
            absl::StrCat("hub sent ", name(), " which does not chain to this node's copy of ",
                         event.core().origin(), "/", head.seq));
    }
  }
  state->cursor = std::max(state->cursor, pull.batch().through());
  return absl::OkStatus();
}

absl::Status NodeStore::CommitPulled(Batch& batch, const SyncState& state, uint64_t max_hlc) {
  StageSyncState(batch, state);
  bool recovered = false;
  if (recovery_.has_value() && *recovery_ > 0) {
    ASSIGN_OR_RETURN(ChainHead own_head, log_.Head(site_, &batch));
    if (own_head.seq >= *recovery_) {
      batch.Delete(Column::kMeta, kMetaRecovery);
      recovered = true;
    }
  }
  if (max_hlc > 0) {
    clock_.Observe(max_hlc);
    std::string clock_value;
    AppendBigEndian64(&clock_value, clock_.Last());
    batch.Put(Column::kMeta, kMetaClock, clock_value);
  }
  RETURN_IF_ERROR(store_->Write(batch));
  sync_ = state;
  RETURN_IF_ERROR(log_.PurgeIfDue().status());
  if (recovered) {
    recovery_.reset();
    LogInfo("recovered this centre's history from the hub: the till is open again");
  }
  return absl::OkStatus();
}

absl::Status NodeStore::StageWithheldLink(Batch& batch, const v1::LogEntry& entry) {
  const v1::WithheldLink& link = entry.withheld();
  const std::string name = absl::StrCat(link.origin(), "/", link.seq());
  if (entry.has_event() || !IsValidSiteId(link.origin()) || link.seq() == 0 ||
      link.prev_hash().size() != kHashSize || link.hash().size() != kHashSize) {
    return absl::DataLossError(absl::StrCat("hub sent a malformed withheld link at position ",
                                            entry.position(), " (", name, ")"));
  }
  if (link.origin() == site_) {
    // A centre is entitled to all its own events: the hub must never withhold one.
    return absl::DataLossError(
        absl::StrCat("hub withheld this centre's own event ", name, ": sync stopped"));
  }
  ASSIGN_OR_RETURN(ChainHead head, log_.Head(link.origin(), &batch));
  switch (CheckLink(head, link.seq(), link.prev_hash())) {
    case Link::kNext:
      log_.StageWithheld(batch, link.origin(), link.seq(), link.prev_hash(), link.hash());
      return absl::OkStatus();
    case Link::kAlreadyHeld:
      return absl::OkStatus();  // re-delivery, or an event held in full since
    case Link::kGap:
      return absl::DataLossError(absl::StrCat("hub sent withheld link ", name,
                                              " but this node holds ", link.origin(),
                                              " only up to ", head.seq));
    case Link::kBrokenChain:
      break;
  }
  return absl::DataLossError(absl::StrCat("hub sent withheld link ", name,
                                          " which does not chain to this node's copy of ",
                                          link.origin(), "/", head.seq));
}

bool NodeStore::Recovering() {
  std::lock_guard<std::mutex> lock(mu_);
  return recovery_.has_value();
}

absl::Status NodeStore::BeginRecovery() {
  std::lock_guard<std::mutex> lock(mu_);
  if (recovery_.has_value()) return absl::OkStatus();
  Batch batch;
  std::string value;
  AppendBigEndian64(&value, 0);
  batch.Put(Column::kMeta, kMetaRecovery, value);
  RETURN_IF_ERROR(store_->Write(batch));
  recovery_ = 0;
  LogWarning("waiting for the hub to recover this centre's history: the till refuses new "
             "records until then");
  return absl::OkStatus();
}

absl::Status NodeStore::SetRecoveryTarget(uint64_t target) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(ChainHead own, log_.Head(site_));
  Batch batch;
  if (own.seq >= target) {
    if (!recovery_.has_value()) return absl::OkStatus();
    batch.Delete(Column::kMeta, kMetaRecovery);
    RETURN_IF_ERROR(store_->Write(batch));
    recovery_.reset();
    LogInfo("this centre holds all its history: the till is open");
    return absl::OkStatus();
  }
  std::string value;
  AppendBigEndian64(&value, target);
  batch.Put(Column::kMeta, kMetaRecovery, value);
  RETURN_IF_ERROR(store_->Write(batch));
  LogWarning("recovering this centre's history from the hub (", own.seq, " of ", target,
             " events held): the till refuses new records until then");
  recovery_ = target;
  return absl::OkStatus();
}

absl::Status NodeStore::RecordAcked(uint64_t high_water) {
  std::lock_guard<std::mutex> lock(mu_);
  if (high_water == sync_.acked) return absl::OkStatus();
  SyncState state = sync_;
  state.acked = high_water;
  Batch batch;
  StageSyncState(batch, state);
  // Not synced: the mark only says how much is still to send, and the next
  // Welcome sets it again. A sync per acknowledgement would hold the push
  // window (and the till's lock) for a disk flush each time.
  RETURN_IF_ERROR(store_->WriteUnsynced(batch));
  sync_ = state;
  return absl::OkStatus();
}

}  // namespace comptoir
