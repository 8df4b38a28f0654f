// Passwords: hashed with Argon2id by libsodium (crypto_pwhash_str), a
// maintained library made for it; never stored or sent in clear. The hash
// string carries its own salt and cost, so it can be checked anywhere it has
// been replicated.
//
//   ASSIGN_OR_RETURN(std::string hash, HashPassword("correct horse"));
//   bool ok = PasswordMatches(hash, typed);
//
// Thread-safe. Hashing costs about 64 MiB and a fraction of a second on
// purpose (libsodium's "interactive" limits): guessing must be slow.
#ifndef COMPTOIR_COMMON_PASSWORD_H_
#define COMPTOIR_COMMON_PASSWORD_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comptoir {

// At least this many characters (bytes of UTF-8): a phrase is easier to
// remember than a short password is to guess.
inline constexpr size_t kMinPasswordBytes = 10;
inline constexpr size_t kMaxPasswordBytes = 200;

// InvalidArgument (in French, for the person choosing it) when `password` is
// too short or too long; ResourceExhausted if the machine cannot spare the
// memory for hashing.
absl::StatusOr<std::string> HashPassword(absl::string_view password);

// Whether `password` is the one `hash` was made from. False for a malformed
// or empty hash.
bool PasswordMatches(absl::string_view hash, absl::string_view password);

// Random bytes from the system's generator, as lower-case hex (session ids).
std::string RandomHex(size_t bytes);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_PASSWORD_H_
