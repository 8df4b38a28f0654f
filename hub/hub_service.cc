#include "hub/hub_service.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/limits.h"
#include "common/catalogue_view.h"
#include "common/grpc_status.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/transfer_view.h"

namespace comptoir {

namespace {

// The caller of `context`, if entitled to `action`; else the refusal.
#define COMPTOIR_REQUIRE(action)                                                 \
  if (absl::StatusOr<HubCaller> entitled = gate_.Entitled(*context, action);     \
      !entitled.ok()) {                                                          \
    return ToGrpcStatus(entitled.status());                                      \
  }

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

bool ValidCode(const std::string& code) {
  if (code.empty() || code.size() > 40) return false;
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<v1::HubStatus> HubServiceImpl::Status() const {
  absl::StatusOr<v1::HubStatus> status = log_->Status();
  if (!status.ok()) return status;
  for (std::string& site : sync_->ConnectedSites()) status->add_connected_sites(std::move(site));
  return status;
}

grpc::Status HubServiceImpl::GetHubStatus(grpc::ServerContext* context,
                                          const v1::GetHubStatusRequest*,
                                          v1::HubStatus* response) {
  COMPTOIR_REQUIRE(Action::kStatistics);
  return Answer(Status(), response);
}

grpc::Status HubServiceImpl::GetSalesSummary(grpc::ServerContext* context,
                                             const v1::GetSalesSummaryRequest*,
                                             v1::SalesSummary* response) {
  COMPTOIR_REQUIRE(Action::kStatistics);
  return Answer(log_->Sales(), response);
}

grpc::Status HubServiceImpl::ReadEvents(grpc::ServerContext* context,
                                        const v1::ReadEventsRequest* request,
                                        v1::ReadEventsResponse* response) {
  COMPTOIR_REQUIRE(Action::kRawEvents);
  return Answer(AnswerReadEvents(log_->events(), *request), response);
}

grpc::Status HubServiceImpl::Publish(const grpc::ServerContext* context, v1::EventCore core) {
  absl::StatusOr<HubCaller> caller = gate_.Entitled(*context, Action::kNetwork);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  core.set_operator_id(caller->operator_id());
  absl::StatusOr<DecodedEvent> event = log_->AppendOwn(std::move(core));
  if (!event.ok()) return ToGrpcStatus(event.status());
  sync_->WakeAll();
  return grpc::Status::OK;
}

grpc::Status HubServiceImpl::DefineDepartment(grpc::ServerContext* context, const v1::Department* request,
                                              v1::Department* response) {
  if (!ValidCode(request->code())) {
    return Invalid("department code: 1-40 characters among a-z, 0-9 and '-' (e.g. esthetique)");
  }
  if (request->name().empty()) return Invalid("a department needs a name");
  if (request->discount_bp() > kFullRateBp) {
    return Invalid("discount_bp is in basis points: 0 to 10000 (8000 = 80 %)");
  }
  v1::EventCore core;
  *core.mutable_department_defined()->mutable_department() = *request;
  *response = *request;
  return Publish(context, std::move(core));
}

grpc::Status HubServiceImpl::DefineProduct(grpc::ServerContext* context, const v1::Product* request,
                                           v1::Product* response) {
  if (!IsWellFormedId(request->product_id())) {
    return Invalid("product_id: 1-40 characters among A-Z, a-z, 0-9, '-', '_' and '.'");
  }
  if (request->name().empty()) return Invalid("a product needs a name");
  if (request->reference_price_cents() < 0 || request->reference_price_cents() > kMaxPriceCents) {
    return Invalid(absl::StrCat("reference_price_cents must be between 0 and ", kMaxPriceCents));
  }
  absl::StatusOr<std::optional<v1::Department>> department =
      FindDepartment(log_->store(), request->department());
  if (!department.ok()) return ToGrpcStatus(department.status());
  if (!department->has_value()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("unknown department '", request->department(), "'"));
  }
  if (!request->barcode().empty()) {
    absl::StatusOr<std::optional<v1::Product>> taken =
        FindProductByBarcode(log_->store(), request->barcode());
    if (!taken.ok()) return ToGrpcStatus(taken.status());
    if (taken->has_value() && (*taken)->product_id() != request->product_id()) {
      return grpc::Status(grpc::StatusCode::ALREADY_EXISTS,
                          absl::StrCat("barcode ", request->barcode(), " already belongs to ",
                                       (*taken)->product_id()));
    }
  }
  v1::Product product = *request;
  product.set_defined_by("hub");
  if (product.unit().empty()) product.set_unit("pièce");
  v1::EventCore core;
  *core.mutable_product_defined()->mutable_product() = product;
  *response = product;
  return Publish(context, std::move(core));
}

grpc::Status HubServiceImpl::DefinePrescriber(grpc::ServerContext* context, const v1::Prescriber* request,
                                              v1::Prescriber* response) {
  if (!ValidCode(request->prescriber_id())) {
    return Invalid("prescriber_id: 1-40 characters among a-z, 0-9 and '-' (e.g. ccas-hem)");
  }
  if (request->name().empty()) return Invalid("a prescriber needs a name");
  v1::EventCore core;
  *core.mutable_prescriber_defined()->mutable_prescriber() = *request;
  *response = *request;
  return Publish(context, std::move(core));
}

grpc::Status HubServiceImpl::DefineDonor(grpc::ServerContext* context, const v1::Donor* request,
                                         v1::Donor* response) {
  if (!ValidCode(request->donor_id())) {
    return Invalid("donor_id: 1-40 characters among a-z, 0-9 and '-' (e.g. fondation-kiabi)");
  }
  if (request->name().empty()) return Invalid("a donor needs a name");
  v1::EventCore core;
  *core.mutable_donor_defined()->mutable_donor() = *request;
  *response = *request;
  return Publish(context, std::move(core));
}

grpc::Status HubServiceImpl::GetCatalogue(grpc::ServerContext* context,
                                          const v1::GetCatalogueRequest*,
                                          v1::Catalogue* response) {
  COMPTOIR_REQUIRE(Action::kReadStock);
  return Answer(log_->Catalogue(), response);
}

grpc::Status HubServiceImpl::ListTransfers(grpc::ServerContext* context,
                                           const v1::ListTransfersRequest* request,
                                           v1::ListTransfersResponse* response) {
  absl::StatusOr<HubCaller> caller = gate_.Entitled(*context, Action::kReadStock);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  v1::ListTransfersRequest entitled = *request;
  // A centre sees its own transfers only, as routing gives them to it.
  if (!caller->person) entitled.set_site(caller->centre);
  absl::StatusOr<std::vector<v1::TransferView>> transfers =
      comptoir::ListTransfers(log_->store(), entitled);
  if (!transfers.ok()) return ToGrpcStatus(transfers.status());
  for (v1::TransferView& transfer : *transfers) *response->add_transfers() = std::move(transfer);
  return grpc::Status::OK;
}

grpc::Status HubServiceImpl::ListSurplus(grpc::ServerContext* context,
                                         const v1::ListSurplusRequest*,
                                         v1::ListSurplusResponse* response) {
  COMPTOIR_REQUIRE(Action::kReadStock);
  return Answer(comptoir::ListSurplus(log_->store()), response);
}

grpc::Status HubServiceImpl::ListNeeds(grpc::ServerContext* context,
                                       const v1::ListNeedsRequest*,
                                       v1::ListNeedsResponse* response) {
  COMPTOIR_REQUIRE(Action::kReadStock);
  return Answer(comptoir::ListNeeds(log_->store()), response);
}

grpc::Status HubServiceImpl::GetSyncHealth(grpc::ServerContext* context,
                                           const v1::GetSyncHealthRequest*,
                                           v1::SyncHealth* response) {
  COMPTOIR_REQUIRE(Action::kStatistics);
  return Answer(SyncHealth(), response);
}

absl::StatusOr<v1::SyncHealth> HubServiceImpl::SyncHealth() const {
  v1::SyncHealth health_report;
  absl::StatusOr<v1::HubStatus> status = log_->Status();
  if (!status.ok()) return status.status();
  const auto contacts = sync_->Contacts();
  const std::vector<std::string> connected = sync_->ConnectedSites();
  std::map<std::string, uint64_t> held;
  for (const auto& origin : status->origins()) {
    if (origin.origin() != "hub") held[origin.origin()] = origin.seq();
  }
  for (const auto& [site, contact] : contacts) held.emplace(site, 0);
  health_report.set_log_head(status->log_head());
  for (const auto& [site, seq] : held) {
    v1::SiteHealth* health = health_report.add_sites();
    health->set_site(site);
    health->set_connected(std::find(connected.begin(), connected.end(), site) != connected.end());
    health->set_events_held(seq);
    absl::StatusOr<int64_t> latest = log_->LatestEventMillis(site);
    if (latest.ok()) health->set_latest_event_unix_ms(*latest);
    auto contact = contacts.find(site);
    if (contact != contacts.end()) {
      health->set_last_contact_unix_ms(contact->second.last_contact_unix_ms);
      health->set_node_cursor(contact->second.node_cursor);
      health->set_lag_events(status->log_head() - std::min(status->log_head(), contact->second.node_cursor));
      health->set_pending_push(contact->second.node_own_seq - std::min(contact->second.node_own_seq, seq));
    }
  }
  return health_report;
}

#undef COMPTOIR_REQUIRE

}  // namespace comptoir
