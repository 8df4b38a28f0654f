#include "hub/hub_service.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/limits.h"
#include "common/catalogue_view.h"
#include "common/grpc_status.h"
#include "common/ids.h"
#include "common/local_peer.h"
#include "common/money.h"
#include "common/transfer_view.h"

namespace comptoir {

grpc::Status HubServiceImpl::GetHubStatus(grpc::ServerContext*, const v1::GetHubStatusRequest*,
                                          v1::HubStatus* response) {
  absl::StatusOr<v1::HubStatus> status = log_->Status();
  if (!status.ok()) return ToGrpcStatus(status.status());
  *response = *std::move(status);
  for (std::string& site : sync_->ConnectedSites()) response->add_connected_sites(std::move(site));
  return grpc::Status::OK;
}

grpc::Status HubServiceImpl::GetSalesSummary(grpc::ServerContext*,
                                             const v1::GetSalesSummaryRequest*,
                                             v1::SalesSummary* response) {
  return Answer(log_->Sales(), response);
}

grpc::Status HubServiceImpl::ReadEvents(grpc::ServerContext* context,
                                        const v1::ReadEventsRequest* request,
                                        v1::ReadEventsResponse* response) {
  grpc::Status local = RequireLocalPeer(context, "reading raw events (they hold personal data)");
  if (!local.ok()) return local;
  return Answer(AnswerReadEvents(log_->events(), *request), response);
}

namespace {

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

grpc::Status HubServiceImpl::Publish(const grpc::ServerContext* context, v1::EventCore core) {
  grpc::Status local = RequireLocalPeer(context, "a change of the network configuration");
  if (!local.ok()) return local;
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

grpc::Status HubServiceImpl::GetCatalogue(grpc::ServerContext*, const v1::GetCatalogueRequest*,
                                          v1::Catalogue* response) {
  return Answer(log_->Catalogue(), response);
}

grpc::Status HubServiceImpl::ListTransfers(grpc::ServerContext*,
                                           const v1::ListTransfersRequest* request,
                                           v1::ListTransfersResponse* response) {
  absl::StatusOr<std::vector<v1::TransferView>> transfers =
      comptoir::ListTransfers(log_->store(), *request);
  if (!transfers.ok()) return ToGrpcStatus(transfers.status());
  for (v1::TransferView& transfer : *transfers) *response->add_transfers() = std::move(transfer);
  return grpc::Status::OK;
}

grpc::Status HubServiceImpl::ListSurplus(grpc::ServerContext*, const v1::ListSurplusRequest*,
                                         v1::ListSurplusResponse* response) {
  return Answer(comptoir::ListSurplus(log_->store()), response);
}

grpc::Status HubServiceImpl::ListNeeds(grpc::ServerContext*, const v1::ListNeedsRequest*,
                                       v1::ListNeedsResponse* response) {
  return Answer(comptoir::ListNeeds(log_->store()), response);
}

grpc::Status HubServiceImpl::GetSyncHealth(grpc::ServerContext*, const v1::GetSyncHealthRequest*,
                                           v1::SyncHealth* response) {
  absl::StatusOr<v1::HubStatus> status = log_->Status();
  if (!status.ok()) return ToGrpcStatus(status.status());
  const auto contacts = sync_->Contacts();
  const std::vector<std::string> connected = sync_->ConnectedSites();
  std::map<std::string, uint64_t> held;
  for (const auto& origin : status->origins()) {
    if (origin.origin() != "hub") held[origin.origin()] = origin.seq();
  }
  for (const auto& [site, contact] : contacts) held.emplace(site, 0);
  response->set_log_head(status->log_head());
  for (const auto& [site, seq] : held) {
    v1::SiteHealth* health = response->add_sites();
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
  return grpc::Status::OK;
}

}  // namespace comptoir
