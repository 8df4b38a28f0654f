#include "node/node_store.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/keys.h"
#include "common/projection.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxRequestIdLength = 128;
constexpr int kMaxLines = 200;
constexpr int64_t kMaxQuantity = 100000;

absl::Status ValidateSale(const v1::RecordSaleRequest& request) {
  if (request.family_id().empty()) {
    return absl::InvalidArgumentError("a sale needs the family's card id (family_id)");
  }
  if (request.family_id().size() > kMaxIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("family_id is longer than ", kMaxIdLength, " characters"));
  }
  if (request.request_id().size() > kMaxRequestIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id is longer than ", kMaxRequestIdLength, " characters"));
  }
  if (request.lines().empty()) return absl::InvalidArgumentError("a sale needs at least one line");
  if (request.lines_size() > kMaxLines) {
    return absl::InvalidArgumentError(absl::StrCat("a sale has at most ", kMaxLines, " lines"));
  }
  for (int i = 0; i < request.lines_size(); ++i) {
    const v1::SaleLine& line = request.lines(i);
    if (line.product_id().empty() || line.product_id().size() > kMaxIdLength) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", i + 1, ": product_id must be 1 to ", kMaxIdLength, " characters"));
    }
    if (line.quantity() <= 0 || line.quantity() > kMaxQuantity) {
      return absl::InvalidArgumentError(absl::StrCat("line ", i + 1, " (", line.product_id(),
                                                     "): quantity must be between 1 and ",
                                                     kMaxQuantity, ", got ", line.quantity()));
    }
  }
  return absl::OkStatus();
}

bool SameSale(const v1::SaleRecorded& recorded, const v1::RecordSaleRequest& request) {
  if (recorded.family_id() != request.family_id() ||
      recorded.lines_size() != request.lines_size()) {
    return false;
  }
  for (int i = 0; i < recorded.lines_size(); ++i) {
    if (recorded.lines(i).product_id() != request.lines(i).product_id() ||
        recorded.lines(i).quantity() != request.lines(i).quantity()) {
      return false;
    }
  }
  return true;
}

}  // namespace

NodeStore::NodeStore(std::string site, std::unique_ptr<Store> store,
                     HybridClock::PhysicalClock clock)
    : site_(std::move(site)),
      store_(std::move(store)),
      log_(store_.get()),
      clock_(std::move(clock)) {}

absl::StatusOr<std::unique_ptr<NodeStore>> NodeStore::Open(const Options& options) {
  if (!IsValidSiteId(options.site) || options.site == "hub") {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid site id '", options.site,
        "': use 1-32 characters among a-z, 0-9, '_' and '-' (for example: hem)"));
  }
  std::error_code error;
  std::filesystem::create_directories(options.dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", options.dir, ": ", error.message()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open({options.dir}));
  ASSIGN_OR_RETURN(std::optional<std::string> site, store->Get(Column::kMeta, kMetaSite));
  if (site.has_value() && *site != options.site) {
    return absl::FailedPreconditionError(absl::StrCat(
        options.dir, " holds the data of site '", *site, "', not '", options.site,
        "': use that site id or another directory"));
  }
  if (!site.has_value()) {
    Batch batch;
    batch.Put(Column::kMeta, kMetaSite, options.site);
    RETURN_IF_ERROR(store->Write(batch));
  }
  std::unique_ptr<NodeStore> node(new NodeStore(options.site, std::move(store), options.clock));
  RETURN_IF_ERROR(node->LoadState());
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

absl::StatusOr<std::optional<v1::RecordSaleResponse>> NodeStore::FindRequest(
    const v1::RecordSaleRequest& request) const {
  if (request.request_id().empty()) return std::optional<v1::RecordSaleResponse>();
  ASSIGN_OR_RETURN(std::optional<std::string> seq_value,
                   store_->Get(Column::kViews, RequestKey(request.request_id())));
  if (!seq_value.has_value()) return std::optional<v1::RecordSaleResponse>();
  const uint64_t seq = ReadBigEndian64(*seq_value).value_or(0);
  ASSIGN_OR_RETURN(std::optional<v1::EventRecord> record, log_.Read(site_, seq));
  if (!record.has_value()) {
    return absl::DataLossError(absl::StrCat("request ", request.request_id(),
                                            " points to missing event ", site_, "/", seq));
  }
  ASSIGN_OR_RETURN(DecodedEvent event, DecodeRecord(*std::move(record)));
  if (!SameSale(event.core.sale_recorded(), request)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id '", request.request_id(), "' was already used for a different sale (",
        site_, "/", seq, "); use a new request_id for a new sale"));
  }
  v1::RecordSaleResponse response;
  response.set_origin(site_);
  response.set_seq(seq);
  response.set_hlc(event.core.hlc());
  response.set_duplicate(true);
  return std::optional<v1::RecordSaleResponse>(std::move(response));
}

absl::StatusOr<v1::RecordSaleResponse> NodeStore::RecordSale(
    const v1::RecordSaleRequest& request) {
  RETURN_IF_ERROR(ValidateSale(request));
  v1::RecordSaleResponse response;
  std::function<void()> listener;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(std::optional<v1::RecordSaleResponse> earlier, FindRequest(request));
    if (earlier.has_value()) return *std::move(earlier);

    ASSIGN_OR_RETURN(ChainHead head, log_.Head(site_));
    v1::EventCore core;
    core.set_origin(site_);
    core.set_hlc(clock_.Now());
    v1::SaleRecorded* sale = core.mutable_sale_recorded();
    sale->set_family_id(request.family_id());
    *sale->mutable_lines() = request.lines();
    sale->set_request_id(request.request_id());
    DecodedEvent event = SealEvent(head, std::move(core), nullptr);

    Batch batch;
    RETURN_IF_ERROR(log_.Stage(batch, event));
    std::string seq_value;
    AppendBigEndian64(&seq_value, event.core.seq());
    if (!request.request_id().empty()) {
      batch.Put(Column::kViews, RequestKey(request.request_id()), seq_value);
    }
    std::string clock_value;
    AppendBigEndian64(&clock_value, event.core.hlc());
    batch.Put(Column::kMeta, kMetaClock, clock_value);
    RETURN_IF_ERROR(store_->Write(batch));

    response.set_origin(site_);
    response.set_seq(event.core.seq());
    response.set_hlc(event.core.hlc());
    listener = on_local_append_;
  }
  if (listener) listener();
  return response;
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

absl::Status NodeStore::ApplyPulled(uint64_t hub_epoch, const v1::PullBatch& pulled) {
  std::lock_guard<std::mutex> lock(mu_);
  if (hub_epoch != sync_.hub_epoch) {
    return absl::FailedPreconditionError("pulled batch from another hub epoch than the cursor's");
  }
  Batch batch;
  uint64_t max_hlc = 0;
  for (const v1::LogEntry& entry : pulled.entries()) {
    ASSIGN_OR_RETURN(DecodedEvent event, DecodeRecord(entry.event()));
    const std::string name = absl::StrCat(event.core.origin(), "/", event.core.seq());
    if (event.core.origin() == site_) {
      return absl::InternalError(absl::StrCat("hub sent this node its own event ", name));
    }
    ASSIGN_OR_RETURN(ChainHead head, log_.Head(event.core.origin(), &batch));
    switch (CheckLink(head, event)) {
      case Link::kNext:
        RETURN_IF_ERROR(log_.Stage(batch, event));
        max_hlc = std::max<uint64_t>(max_hlc, event.core.hlc());
        break;
      case Link::kAlreadyHeld:
        break;  // re-delivery: applied before
      case Link::kGap:
        return absl::DataLossError(absl::StrCat("hub sent ", name, " but this node holds ",
                                                event.core.origin(), " only up to ", head.seq));
      case Link::kBrokenChain:
        return absl::DataLossError(
            absl::StrCat("hub sent ", name, " which does not chain to this node's copy of ",
                         event.core.origin(), "/", head.seq));
    }
  }
  SyncState state = sync_;
  state.cursor = std::max(state.cursor, pulled.through());
  StageSyncState(batch, state);
  if (max_hlc > 0) {
    clock_.Observe(max_hlc);
    std::string clock_value;
    AppendBigEndian64(&clock_value, clock_.Last());
    batch.Put(Column::kMeta, kMetaClock, clock_value);
  }
  RETURN_IF_ERROR(store_->Write(batch));
  sync_ = state;
  return absl::OkStatus();
}

absl::Status NodeStore::RecordAcked(uint64_t high_water) {
  std::lock_guard<std::mutex> lock(mu_);
  if (high_water == sync_.acked) return absl::OkStatus();
  SyncState state = sync_;
  state.acked = high_water;
  Batch batch;
  StageSyncState(batch, state);
  RETURN_IF_ERROR(store_->Write(batch));
  sync_ = state;
  return absl::OkStatus();
}

}  // namespace comptoir
