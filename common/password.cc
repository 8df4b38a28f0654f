#include "common/password.h"

#include <sodium.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"

namespace comptoir {
namespace {

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

absl::StatusOr<std::string> HashPassword(absl::string_view password) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError(absl::StrCat("Le mot de passe doit compter entre ",
                                                   kMinPasswordBytes, " et ", kMaxPasswordBytes,
                                                   " caractères."));
  }
  if (!SodiumReady()) return absl::InternalError("libsodium could not be initialised");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return absl::ResourceExhaustedError("not enough memory to hash a password");
  }
  return std::string(hash);
}

bool PasswordMatches(absl::string_view hash, absl::string_view password) {
  if (!SodiumReady() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(hash);  // libsodium reads a C string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string RandomHex(size_t bytes) {
  std::string random(bytes, '\0');
  SodiumReady();
  randombytes_buf(random.data(), random.size());
  return absl::BytesToHexString(random);
}

}  // namespace comptoir
