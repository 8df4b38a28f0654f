#include "common/sha256.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <random>

namespace comptoir {

std::string Sha256(absl::string_view data) {
  std::string digest(kHashSize, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    std::random_device device;  // OpenSSL's generator failed: the OS's is next best
    for (char& c : bytes) c = static_cast<char>(device());
  }
  return bytes;
}

std::string ToHex(absl::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xf]);
  }
  return hex;
}

}  // namespace comptoir
