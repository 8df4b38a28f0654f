// The list of TillService RPCs, once: the gRPC service (till_service.cc) and
// the web till's HTTP routes (web/api_router.cc) are both generated from it, so
// a new RPC is served both ways by adding it here and to Till.
//
//   #define ROUTE(Name, Request, Response, Act) ... InvokeTillFor(till, caller, Action::Act, ...)
//   COMPTOIR_TILL_RPCS(ROUTE)
#ifndef COMPTOIR_NODE_TILL_RPCS_H_
#define COMPTOIR_NODE_TILL_RPCS_H_

#include "common/roles.h"
#include "node/accounts.h"
#include "node/till.h"

// Every TillService RPC: X(name, request type, response type, action). Each
// forwards to the Till method of the same name, for a caller whose role may
// do the action (common/roles.h: Action::k...).
#define COMPTOIR_TILL_RPCS(X)                                                 \
  X(RecordSale, RecordSaleRequest, RecordSaleResponse, kSell)                 \
  X(QuoteSale, RecordSaleRequest, SaleQuote, kSell)                           \
  X(VoidSale, VoidSaleRequest, VoidSaleResponse, kVoid)                       \
  X(GetReceipt, GetReceiptRequest, Receipt, kSell)                            \
  X(ListReceipts, ListReceiptsRequest, ListReceiptsResponse, kSell)           \
  X(RegisterFamily, RegisterFamilyRequest, FamilyView, kRegisterFamilies)     \
  X(UpdateFamily, UpdateFamilyRequest, FamilyView, kRegisterFamilies)         \
  X(GetFamily, GetFamilyRequest, FamilyView, kFindFamilies)                   \
  X(SearchFamilies, SearchFamiliesRequest, SearchFamiliesResponse, kFindFamilies)\
  X(GrantReferral, GrantReferralRequest, ReferralView, kReferrals)            \
  X(RenewReferral, RenewReferralRequest, ReferralView, kReferrals)            \
  X(EndReferral, EndReferralRequest, ReferralView, kReferrals)                \
  X(ExportFamily, ExportFamilyRequest, FamilyExport, kPersonalData)           \
  X(EraseFamily, EraseFamilyRequest, FamilyView, kPersonalData)               \
  X(GetCatalogue, GetCatalogueRequest, Catalogue, kReadStock)                 \
  X(DefineLocalProduct, DefineLocalProductRequest, Product, kLocalProducts)   \
  X(ReceiveStock, ReceiveStockRequest, Lot, kReceiveDonations)                \
  X(AdjustStock, AdjustStockRequest, StockLevel, kAdjustStock)                \
  X(GetStock, GetStockRequest, StockReport, kReadStock)                       \
  X(ListDonors, ListDonorsRequest, DonorReport, kReadStock)                   \
  X(ScheduleWorkshop, ScheduleWorkshopRequest, WorkshopView, kScheduleWorkshops)\
  X(RegisterForWorkshop, WorkshopMemberRequest, WorkshopView, kWorkshopSeats) \
  X(RecordAttendance, RecordAttendanceRequest, WorkshopView, kWorkshopSeats)  \
  X(ListWorkshops, ListWorkshopsRequest, ListWorkshopsResponse, kReadStock)   \
  X(ProposeTransfer, ProposeTransferRequest, TransferView, kTransfers)        \
  X(AnswerTransfer, AnswerTransferRequest, TransferView, kTransfers)          \
  X(CancelTransfer, CancelTransferRequest, TransferView, kTransfers)          \
  X(ShipTransfer, ShipTransferRequest, TransferView, kTransfers)              \
  X(ReceiveTransfer, ReceiveTransferRequest, TransferView, kTransfers)        \
  X(ListTransfers, ListTransfersRequest, ListTransfersResponse, kReadStock)   \
  X(MarkSurplus, MarkSurplusRequest, Lot, kTransfers)                         \
  X(SetMinimum, SetMinimumRequest, Need, kTransfers)                          \
  X(ListSurplus, ListSurplusRequest, ListSurplusResponse, kReadStock)         \
  X(ListNeeds, ListNeedsRequest, ListNeedsResponse, kReadStock)

namespace comptoir {

// Calls the Till method of an RPC with its request; RPCs whose request has no
// fields go to Till methods without arguments. Used by every adapter of the
// list above, so each RPC is dispatched the same way everywhere.
template <typename Request, typename Method>
auto InvokeTill(Till* till, const Request& request, Method method)
    -> decltype((till->*method)(request)) {
  return (till->*method)(request);
}
template <typename Request, typename Result>
absl::StatusOr<Result> InvokeTill(Till* till, const Request&,
                                  absl::StatusOr<Result> (Till::*method)()) {
  return (till->*method)();
}

// Calls the RPC for `caller`: refused (PermissionDenied, in French) unless
// their role may do `action`; else done by the till as worked by them, so
// that its events name them.
template <typename Request, typename Method>
auto InvokeTillFor(const Till& till, const Session& caller, Action action,
                   const Request& request, Method method)
    -> decltype(InvokeTill(static_cast<Till*>(nullptr), request, method)) {
  if (!RoleMay(caller.role, action)) return Refusal(caller.role, action);
  Till worked = till.As(caller.account_id);
  return InvokeTill(&worked, request, method);
}

}  // namespace comptoir

#endif  // COMPTOIR_NODE_TILL_RPCS_H_
