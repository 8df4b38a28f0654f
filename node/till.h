// The till: every command a centre's counter needs, as events on the node.
//
// Each command validates everything before writing anything; a refusal is an
// absl::Status whose code says what to do (see TillService in till.proto) and
// whose message is for the volunteer, in French. An accepted command is one
// event (plus its views and counters) in one synced write: the till answers
// only once it is on disk. Nothing here waits for the network.
//
// Thread-safe: commands are serialised by NodeStore::Execute; reads are free.
#ifndef COMPTOIR_NODE_TILL_H_
#define COMPTOIR_NODE_TILL_H_

#include <functional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "comptoir/v1/till.pb.h"
#include "node/node_store.h"

namespace comptoir {

class Till {
 public:
  // `node` is not owned and must outlive the till. Events name `operator_id`,
  // the account of the person at the till (see As).
  explicit Till(NodeStore* node, std::string operator_id = {})
      : node_(node), operator_id_(std::move(operator_id)) {}

  // The same till, worked by the account `operator_id` (common/roles.h): the
  // events its commands write name that person. Cheap: one per call.
  Till As(std::string operator_id) const { return Till(node_, std::move(operator_id)); }
  const std::string& operator_id() const { return operator_id_; }

  // Sales (till_sales.cc).
  absl::StatusOr<v1::RecordSaleResponse> RecordSale(const v1::RecordSaleRequest& request);
  // Prices the basket as RecordSale would and refuses it for the same
  // reasons, writing nothing (for the till's screen while a basket is built).
  absl::StatusOr<v1::SaleQuote> QuoteSale(const v1::RecordSaleRequest& request);
  absl::StatusOr<v1::VoidSaleResponse> VoidSale(const v1::VoidSaleRequest& request);
  absl::StatusOr<v1::Receipt> GetReceipt(const v1::GetReceiptRequest& request);
  // This centre's receipts of a day, newest first (till_receipts.cc).
  absl::StatusOr<v1::ListReceiptsResponse> ListReceipts(const v1::ListReceiptsRequest& request);

  // Families and referrals (till_families.cc).
  absl::StatusOr<v1::FamilyView> RegisterFamily(const v1::RegisterFamilyRequest& request);
  absl::StatusOr<v1::FamilyView> UpdateFamily(const v1::UpdateFamilyRequest& request);
  absl::StatusOr<v1::FamilyView> GetFamily(const v1::GetFamilyRequest& request);
  // By card number or name, typos included (till_search.cc, node/family_search.h).
  absl::StatusOr<v1::SearchFamiliesResponse> SearchFamilies(
      const v1::SearchFamiliesRequest& request);
  absl::StatusOr<v1::ReferralView> GrantReferral(const v1::GrantReferralRequest& request);
  absl::StatusOr<v1::ReferralView> RenewReferral(const v1::RenewReferralRequest& request);
  absl::StatusOr<v1::ReferralView> EndReferral(const v1::EndReferralRequest& request);
  // Everything held about one household, for its right of access (family_export.cc).
  absl::StatusOr<v1::FamilyExport> ExportFamily(const v1::ExportFamilyRequest& request);
  absl::StatusOr<v1::FamilyView> EraseFamily(const v1::EraseFamilyRequest& request);

  // Catalogue and stock (till_stock.cc).
  absl::StatusOr<v1::Catalogue> GetCatalogue();
  absl::StatusOr<v1::Product> DefineLocalProduct(const v1::DefineLocalProductRequest& request);
  absl::StatusOr<v1::Lot> ReceiveStock(const v1::ReceiveStockRequest& request);
  absl::StatusOr<v1::StockLevel> AdjustStock(const v1::AdjustStockRequest& request);
  absl::StatusOr<v1::StockReport> GetStock(const v1::GetStockRequest& request);

  // Workshops and donors (till_workshops.cc).
  absl::StatusOr<v1::DonorReport> ListDonors();
  absl::StatusOr<v1::WorkshopView> ScheduleWorkshop(const v1::ScheduleWorkshopRequest& request);
  absl::StatusOr<v1::WorkshopView> RegisterForWorkshop(const v1::WorkshopMemberRequest& request);
  absl::StatusOr<v1::WorkshopView> RecordAttendance(const v1::RecordAttendanceRequest& request);
  absl::StatusOr<v1::ListWorkshopsResponse> ListWorkshops(const v1::ListWorkshopsRequest& request);

  // Transfers between centres, surplus and needs (till_transfers.cc).
  absl::StatusOr<v1::TransferView> ProposeTransfer(const v1::ProposeTransferRequest& request);
  absl::StatusOr<v1::TransferView> AnswerTransfer(const v1::AnswerTransferRequest& request);
  absl::StatusOr<v1::TransferView> CancelTransfer(const v1::CancelTransferRequest& request);
  absl::StatusOr<v1::TransferView> ShipTransfer(const v1::ShipTransferRequest& request);
  absl::StatusOr<v1::TransferView> ReceiveTransfer(const v1::ReceiveTransferRequest& request);
  absl::StatusOr<v1::ListTransfersResponse> ListTransfers(const v1::ListTransfersRequest& request);
  absl::StatusOr<v1::Lot> MarkSurplus(const v1::MarkSurplusRequest& request);
  absl::StatusOr<v1::Need> SetMinimum(const v1::SetMinimumRequest& request);
  absl::StatusOr<v1::ListSurplusResponse> ListSurplus();
  absl::StatusOr<v1::ListNeedsResponse> ListNeeds();

  NodeStore* node() const { return node_; }

 private:
  // NodeStore::Execute, naming this till's operator.
  absl::Status Execute(const std::function<absl::Status(CommandContext&)>& command) {
    return node_->Execute(command, operator_id_);
  }

  NodeStore* node_;
  std::string operator_id_;
};

}  // namespace comptoir

#endif  // COMPTOIR_NODE_TILL_H_
