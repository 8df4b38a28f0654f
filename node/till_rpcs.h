// The list of TillService RPCs, once: the gRPC service (till_service.cc) and
// the web till's HTTP routes (web/api_router.cc) are both generated from it, so
// a new RPC is served both ways by adding it here and to Till.
//
//   #define ROUTE(Name, Request, Response) ... v1::Request ... &Till::Name ...
//   COMPTOIR_TILL_RPCS(ROUTE)
#ifndef COMPTOIR_NODE_TILL_RPCS_H_
#define COMPTOIR_NODE_TILL_RPCS_H_

#include "node/till.h"

// Every TillService RPC: X(name, request type, response type). Each forwards
// to the Till method of the same name.
#define COMPTOIR_TILL_RPCS(X)                                        \
  X(RecordSale, RecordSaleRequest, RecordSaleResponse)               \
  X(QuoteSale, RecordSaleRequest, SaleQuote)                         \
  X(VoidSale, VoidSaleRequest, VoidSaleResponse)                     \
  X(GetReceipt, GetReceiptRequest, Receipt)                          \
  X(RegisterFamily, RegisterFamilyRequest, FamilyView)               \
  X(UpdateFamily, UpdateFamilyRequest, FamilyView)                   \
  X(GetFamily, GetFamilyRequest, FamilyView)                         \
  X(SearchFamilies, SearchFamiliesRequest, SearchFamiliesResponse)   \
  X(GrantReferral, GrantReferralRequest, ReferralView)               \
  X(RenewReferral, RenewReferralRequest, ReferralView)               \
  X(EndReferral, EndReferralRequest, ReferralView)                   \
  X(GetCatalogue, GetCatalogueRequest, Catalogue)                    \
  X(DefineLocalProduct, DefineLocalProductRequest, Product)          \
  X(ReceiveStock, ReceiveStockRequest, Lot)                          \
  X(AdjustStock, AdjustStockRequest, StockLevel)                     \
  X(GetStock, GetStockRequest, StockReport)                          \
  X(ListDonors, ListDonorsRequest, DonorReport)                      \
  X(ScheduleWorkshop, ScheduleWorkshopRequest, WorkshopView)         \
  X(RegisterForWorkshop, WorkshopMemberRequest, WorkshopView)        \
  X(RecordAttendance, RecordAttendanceRequest, WorkshopView)         \
  X(ListWorkshops, ListWorkshopsRequest, ListWorkshopsResponse)     \
  X(ProposeTransfer, ProposeTransferRequest, TransferView)           \
  X(AnswerTransfer, AnswerTransferRequest, TransferView)             \
  X(CancelTransfer, CancelTransferRequest, TransferView)             \
  X(ShipTransfer, ShipTransferRequest, TransferView)                 \
  X(ReceiveTransfer, ReceiveTransferRequest, TransferView)           \
  X(ListTransfers, ListTransfersRequest, ListTransfersResponse)      \
  X(MarkSurplus, MarkSurplusRequest, Lot)                            \
  X(SetMinimum, SetMinimumRequest, Need)                             \
  X(ListSurplus, ListSurplusRequest, ListSurplusResponse)            \
  X(ListNeeds, ListNeedsRequest, ListNeedsResponse)

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

}  // namespace comptoir

#endif  // COMPTOIR_NODE_TILL_RPCS_H_
