// The limits of what one event may hold: one table for the till (which refuses
// a request beyond them, in French) and for every replica (which refuses or
// ignores an event beyond them: common/event_checks.h). A limit changed here
// changes both, so a till never writes an event its hub would refuse.
//
// Money is in cents, quantities in units; texts are measured in bytes of UTF-8.
#ifndef COMPTOIR_COMMON_LIMITS_H_
#define COMPTOIR_COMMON_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace comptoir {

// A shop price of one unit: 100 000 €.
inline constexpr int64_t kMaxPriceCents = 10'000'000;
// Units of one stock lot, of one adjustment, of one transfer item.
inline constexpr int64_t kMaxLotQuantity = 1'000'000;
// Units of one sale line.
inline constexpr int64_t kMaxSaleQuantity = 100'000;
// Lines of one sale.
inline constexpr int kMaxSaleLines = 200;
// A referral's monthly spending ceiling: 1 000 000 €.
inline constexpr int64_t kMaxCeilingCents = 100'000'000;
// A centre's running costs for a year: 100 million €.
inline constexpr int64_t kMaxRunningCostsCents = 10'000'000'000;
// Items of one transfer.
inline constexpr int kMaxTransferItems = 100;
// Places of one workshop.
inline constexpr uint32_t kMaxWorkshopPlaces = 500;
// Members of one household.
inline constexpr int kMaxMembers = 20;
// A free text typed at the till (reason, comment, note).
inline constexpr size_t kMaxTextBytes = 500;
// A referral's project (personal part).
inline constexpr size_t kMaxProjectBytes = 2000;
// A family name or first name.
inline constexpr size_t kMaxNameBytes = 100;
// A product's or workshop's name, a department's or prescriber's or donor's name.
inline constexpr size_t kMaxLabelBytes = 120;
// A client's idempotency key.
inline constexpr size_t kMaxRequestIdBytes = 128;
// One event, core and personal part together: far under a sync message's
// 16 MiB and a pull batch's 1 MiB, so that a pull can always carry it.
inline constexpr size_t kMaxEventBytes = 256 * 1024;

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_LIMITS_H_
