// SHA-256 of a byte string (OpenSSL's libcrypto underneath).
#ifndef COMPTOIR_COMMON_SHA256_H_
#define COMPTOIR_COMMON_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace comptoir {

inline constexpr size_t kHashSize = 32;

// The 32-byte digest of `data`.
std::string Sha256(absl::string_view data);

// `n` cryptographically random bytes (salts of personal parts).
std::string RandomBytes(size_t n);

// Lower-case hex of any bytes (for logs and JSON output).
std::string ToHex(absl::string_view bytes);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_SHA256_H_
