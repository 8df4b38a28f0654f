#include "common/sha256.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <memory>
#include <random>

namespace comptoir {
namespace {

// Looked up once: OpenSSL 3's one-shot SHA256() looks the algorithm up (under
// a lock) on every call, which cost as much as hashing an event.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return algorithm;
}

struct FreeContext {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

}  // namespace

std::string Sha256(absl::string_view data) {
  thread_local const std::unique_ptr<EVP_MD_CTX, FreeContext> context(EVP_MD_CTX_new());
  std::string digest(kHashSize, '\0');
  auto* out = reinterpret_cast<unsigned char*>(digest.data());
  unsigned int size = 0;
  const EVP_MD* algorithm = Sha256Algorithm();
  if (algorithm == nullptr || context == nullptr ||
      EVP_DigestInit_ex2(context.get(), algorithm, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), out, &size) != 1 || size != kHashSize) {
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  }
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
