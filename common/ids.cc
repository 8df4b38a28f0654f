#include "common/ids.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace comptoir {

std::string DefaultCardPrefix(absl::string_view site) {
  std::string prefix;
  for (char c : site) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      prefix.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    }
    if (prefix.size() == 3) break;
  }
  return prefix;
}

bool IsValidCardPrefix(absl::string_view prefix) {
  if (prefix.size() < 2 || prefix.size() > 6) return false;
  for (char c : prefix) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

std::string FamilyId(absl::string_view prefix, uint64_t n) {
  return absl::StrFormat("%s-%06d", prefix, n);
}

std::string ReceiptNo(absl::string_view prefix, int year, uint64_t n) {
  return absl::StrFormat("%s-%04d-%06d", prefix, year, n);
}

std::string LocalId(absl::string_view prefix, char kind, uint64_t n) {
  return absl::StrFormat("%s-%c-%06d", prefix, kind, n);
}

bool IsWellFormedId(absl::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace comptoir
