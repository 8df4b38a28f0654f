// Identifiers people read, made without coordination: each centre numbers its
// own with its card prefix (the first three letters of the site id, upper
// case, unless configured), so two centres never make the same id.
//   family    HEM-000123          referral  HEM-R-000012
//   receipt   HEM-2026-000451     lot       HEM-L-000042
//   local product HEM-P-000003    workshop  HEM-W-000007
#ifndef COMPTOIR_COMMON_IDS_H_
#define COMPTOIR_COMMON_IDS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace comptoir {

// "HEM" for "hem", "ARM" for "armentieres".
std::string DefaultCardPrefix(absl::string_view site);
// True for 2-6 upper-case letters or digits.
bool IsValidCardPrefix(absl::string_view prefix);

std::string FamilyId(absl::string_view prefix, uint64_t n);
std::string ReceiptNo(absl::string_view prefix, int year, uint64_t n);
// kind: 'R' referral, 'L' lot, 'P' local product, 'W' workshop.
std::string LocalId(absl::string_view prefix, char kind, uint64_t n);

// Plausible id: 1-40 characters of A-Z, a-z, 0-9, '-', '_' and '.'.
bool IsWellFormedId(absl::string_view id);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_IDS_H_
