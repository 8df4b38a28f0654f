// Money: integer euro cents, and the one rounding rule of the till.
//
// The rule (the only place it is written): a line's family price is its
// reference price (unit price x quantity) times (100 % - discount), rounded to
// the nearest cent, an exact half cent going to the family (rounded down).
//   12,99 € at 80 %  -> 2,598 -> 2,60 €
//    0,05 € at 70 %  -> 1,5 cent -> 1 cent
//    0,01 € at 80 %  -> 0,2 cent -> 0 cent (a 1-cent item is free)
// The discount applies per line, never per unit, so a basket's total is the
// sum of its lines.
#ifndef COMPTOIR_COMMON_MONEY_H_
#define COMPTOIR_COMMON_MONEY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace comptoir {

inline constexpr uint32_t kFullRateBp = 10000;  // 100 % in basis points

// What the family pays for a line whose reference price is `reference_cents`
// (>= 0) with a discount of `discount_bp` basis points (0..10000).
int64_t FamilyPriceCents(int64_t reference_cents, uint32_t discount_bp);

// "12,50 €", "1 234,05 €", "-3,20 €" (French formatting).
std::string FormatEuros(int64_t cents);

// Parses "12,50", "12.50", "12", "12,5 €" into cents; nullopt if malformed or
// negative or with more than two decimals.
std::optional<int64_t> ParseEuros(absl::string_view text);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_MONEY_H_
