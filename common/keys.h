// Key and value encodings of every column family (see common/store.h).
// Integers are fixed 8-byte big-endian so that byte order is numeric order and
// range scans follow seq and position order.
//
//   events, personal   origin 0x00 be64(seq)          -> core bytes / personal bytes
//   log                be64(position)                 -> [route] origin 0x00 be64(seq)
//                                                        (hub only; common/routing.h)
//   meta               "head" 0x00 origin             -> be64(seq) sha256(core)   (chain head)
//                      "withheld" 0x00 origin 0x00 be64(seq) -> prev_hash hash
//                                                        (a withheld link a node holds)
//                      "site" | "clock" | "epoch" | "log_head" | "sync" -> see users
//   views              "sales" 0x00 origin            -> be64(sales) be64(units) be64(voided)
//                      "request" 0x00 request_id      -> be64(seq) of the sale, or the family id
//                                                        ("family:" request_id); node/request_ids.h
//                      "request_digest" 0x00 request_id -> sha256 of the request
//                                                        (node/request_ids.h)
//                      ViewKey({kind, part, ...}): kind and parts joined by 0x00:
//     dept code -> Department          product id -> Product       barcode code -> product id
//     prescriber id -> Prescriber      donor id -> Donor
//     family id -> FamilyRecord        freferral family referral -> ""   referral id -> ReferralRecord
//     spend family YYYY-MM -> be64 cents (two's complement)
//     lot site lot -> Lot              stock site product -> be64 units (two's complement)
//     fefo site product expiry-or-9999-12-31 lot -> ""   (lots with units left)
//     receipt receipt_no -> SaleIndex  gift donor site -> be64 units be64 cents
//     daysale day receipt_no -> ""     (a centre's own sales by day; node/own_indexes.h)
//   meta               "counter" 0x00 name            -> be64 (last number handed out)
//                      "lockout" 0x00 account_id      -> be64(failures) be64(locked until, ms)
//                                                        (a centre's failed logins: node/accounts.h)
//   views              account id -> AccountRecord    login site login -> account id
//                      prefix P -> site               siteprefix site -> P  (common/authority.h)
//
// Site ids are 1-32 characters of [a-z0-9_-], so they never contain 0x00.
#ifndef COMPTOIR_COMMON_KEYS_H_
#define COMPTOIR_COMMON_KEYS_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace comptoir {

// True for a well-formed site id ("hem", "armentieres", "hub").
bool IsValidSiteId(absl::string_view site);

void AppendBigEndian64(std::string* out, uint64_t value);
// Reads 8 bytes at `offset`; nullopt when too short.
std::optional<uint64_t> ReadBigEndian64(absl::string_view bytes, size_t offset = 0);

std::string EventKey(absl::string_view origin, uint64_t seq);
// All keys of one origin start with this.
std::string EventKeyPrefix(absl::string_view origin);
// Splits an EventKey; false when malformed.
bool ParseEventKey(absl::string_view key, std::string* origin, uint64_t* seq);

std::string LogKey(uint64_t position);

std::string HeadKey(absl::string_view origin);
std::string WithheldKey(absl::string_view origin, uint64_t seq);
inline constexpr absl::string_view kHeadPrefix("head\0", 5);

std::string SalesKey(absl::string_view origin);
inline constexpr absl::string_view kSalesPrefix("sales\0", 6);
std::string RequestKey(absl::string_view request_id);
std::string RequestDigestKey(absl::string_view request_id);

// A views key: the parts joined by 0x00 (parts must not contain 0x00).
std::string ViewKey(std::initializer_list<absl::string_view> parts);
// ViewKey(parts) followed by 0x00: every key extending `parts` starts with it.
std::string ViewPrefix(std::initializer_list<absl::string_view> parts);
std::string CounterKey(absl::string_view name);
// The parts of a views key after `prefix` (a ViewPrefix), split at 0x00.
std::vector<std::string> SplitViewKey(absl::string_view key, absl::string_view prefix);

// Meta keys holding one value each.
inline constexpr absl::string_view kMetaSite = "site";
inline constexpr absl::string_view kMetaClock = "clock";
inline constexpr absl::string_view kMetaEpoch = "epoch";
inline constexpr absl::string_view kMetaLogHead = "log_head";
inline constexpr absl::string_view kMetaSync = "sync";
inline constexpr absl::string_view kMetaPrefix = "prefix";
inline constexpr absl::string_view kMetaRecovery = "recovery";

// The key just after every key starting with `prefix` (for Scan's end bound).
std::string PrefixEnd(absl::string_view prefix);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_KEYS_H_
