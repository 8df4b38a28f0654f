// BackupKey (common/backup_crypto.h): the key file, its id.
#include <sodium.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/backup_crypto.h"
#include "common/secret_file.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

constexpr char kKeyIdLabel[] = "comptoir backup key id";
constexpr size_t kKeyIdBytes = 8;

absl::Status SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready ? absl::OkStatus() : absl::InternalError("libsodium could not be initialised");
}

}  // namespace

BackupKey::BackupKey(const unsigned char* bytes, std::string path) : path_(std::move(path)) {
  std::copy(bytes, bytes + kBackupKeyBytes, bytes_.begin());
  unsigned char id[kKeyIdBytes];
  crypto_generichash(id, sizeof id, reinterpret_cast<const unsigned char*>(kKeyIdLabel),
                     sizeof kKeyIdLabel - 1, bytes_.data(), bytes_.size());
  id_ = ToHex(absl::string_view(reinterpret_cast<const char*>(id), sizeof id));
}

BackupKey::~BackupKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

absl::StatusOr<std::unique_ptr<BackupKey>> BackupKey::Load(const std::string& path) {
  RETURN_IF_ERROR(SodiumReady());
  RETURN_IF_ERROR(CheckSecretFileMode(path, "backup key file"));
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    absl::StripAsciiWhitespace(&line);
    if (line.empty() || line[0] == '#') continue;
    unsigned char bytes[kBackupKeyBytes];
    size_t length = 0;
    const bool parsed = line.size() == 2 * kBackupKeyBytes &&
                        sodium_hex2bin(bytes, sizeof bytes, line.data(), line.size(), nullptr,
                                       &length, nullptr) == 0 &&
                        length == kBackupKeyBytes;
    sodium_memzero(line.data(), line.size());
    if (!parsed) break;
    std::unique_ptr<BackupKey> key(new BackupKey(bytes, path));
    sodium_memzero(bytes, sizeof bytes);
    return key;
  }
  return absl::DataLossError(absl::StrCat("backup key file ", path,
                                          " holds no key (a line of 64 hex digits, as made by "
                                          "`backup-key new`)"));
}

absl::StatusOr<std::unique_ptr<BackupKey>> BackupKey::Create(const std::string& path) {
  RETURN_IF_ERROR(SodiumReady());
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat(path,
                     " already exists: a backup key is never overwritten (the backups made with it "
                     "could no longer be read); give a new file name"));
  }
  unsigned char bytes[kBackupKeyBytes];
  crypto_secretstream_xchacha20poly1305_keygen(bytes);
  std::unique_ptr<BackupKey> key(new BackupKey(bytes, path));
  sodium_memzero(bytes, sizeof bytes);
  char hex[2 * kBackupKeyBytes + 1];
  sodium_bin2hex(hex, sizeof hex, key->bytes(), kBackupKeyBytes);
  const std::string contents =
      absl::StrCat("# Comptoir backup key ", key->id(),
                   ": keep a copy apart from the backups (another machine or medium);\n"
                   "# without it, no backup made with it can be read.\n",
                   hex, "\n");
  sodium_memzero(hex, sizeof hex);
  absl::Status written = WriteSecretFile(path, contents);
  if (!written.ok()) return written;
  return key;
}

}  // namespace comptoir
