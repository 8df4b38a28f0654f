#include "common/money.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace comptoir {

int64_t FamilyPriceCents(int64_t reference_cents, uint32_t discount_bp) {
  if (discount_bp > kFullRateBp) discount_bp = kFullRateBp;
  const int64_t pay_bp = kFullRateBp - discount_bp;
  // Exact: reference x pay_bp / 10000, in units of 1/10000 cent.
  const int64_t scaled = reference_cents * pay_bp;
  const int64_t whole = scaled / kFullRateBp;
  const int64_t remainder = scaled % kFullRateBp;
  // Round to nearest; an exact half goes to the family (down).
  return remainder * 2 > static_cast<int64_t>(kFullRateBp) ? whole + 1 : whole;
}

std::string FormatEuros(int64_t cents) {
  const bool negative = cents < 0;
  const uint64_t magnitude = negative ? static_cast<uint64_t>(-(cents + 1)) + 1 : cents;
  std::string euros = absl::StrCat(magnitude / 100);
  std::string grouped;
  for (size_t i = 0; i < euros.size(); ++i) {
    if (i > 0 && (euros.size() - i) % 3 == 0) grouped.push_back(' ');
    grouped.push_back(euros[i]);
  }
  const uint64_t rest = magnitude % 100;
  return absl::StrCat(negative ? "-" : "", grouped, ",", rest < 10 ? "0" : "", rest, " €");
}

std::optional<int64_t> ParseEuros(absl::string_view text) {
  std::string clean = absl::StrReplaceAll(text, {{"€", ""}, {" ", ""}, {",", "."}});
  absl::string_view value = absl::StripAsciiWhitespace(clean);
  if (value.empty() || value[0] == '-' || value[0] == '+') return std::nullopt;
  const size_t dot = value.find('.');
  absl::string_view whole = value.substr(0, dot);
  absl::string_view fraction = dot == absl::string_view::npos ? "" : value.substr(dot + 1);
  if (fraction.size() > 2 || (whole.empty() && fraction.empty())) return std::nullopt;
  for (char c : whole) if (!absl::ascii_isdigit(c)) return std::nullopt;
  for (char c : fraction) if (!absl::ascii_isdigit(c)) return std::nullopt;
  int64_t euros = 0;
  if (!whole.empty() && (whole.size() > 12 || !absl::SimpleAtoi(whole, &euros))) return std::nullopt;
  int64_t cents = 0;
  if (!fraction.empty()) {
    absl::SimpleAtoi(fraction, &cents);
    if (fraction.size() == 1) cents *= 10;
  }
  return euros * 100 + cents;
}

}  // namespace comptoir
