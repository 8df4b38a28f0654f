// Encrypted backup files and the key that opens them (libsodium's
// crypto_secretstream_xchacha20poly1305: authenticated, chunked, with an end
// mark, so a modified, reordered or truncated file is refused).
//
//   ASSIGN_OR_RETURN(std::unique_ptr<BackupKey> key, BackupKey::Load("/etc/comptoir/backup.key"));
//   RETURN_IF_ERROR(EncryptDirectory(checkpoint_dir, manifest_text, *key, "/backups/hem-1"));
//   ASSIGN_OR_RETURN(BackupHeader header, ReadBackupHeader("/backups/hem-1"));
//   RETURN_IF_ERROR(DecryptToDirectory("/backups/hem-1", *key, staging_dir));
//
// The key file, one line of 64 hex digits (32 bytes) after comment lines:
//   # Comptoir backup key 3f9a0c1b2d4e5f60: ...
//   0123...ef
// It is a secret file (common/secret_file.h): mode 0600, or 0640 root:comptoir.
// A key's id is the first 8 bytes of BLAKE2b keyed with the key over a fixed
// label: it names the key in a backup's header without revealing it.
//
// A backup file (integers little-endian):
//   header  := magic "CPTRBKUP" | fixed32 format (1) | key id (8 bytes)
//              | fixed32 manifest_length | manifest (text, no personal data)
//   stream  := secretstream header (24 bytes) | chunk*
//   chunk   := fixed32 length | ciphertext of at most kBackupChunkBytes plain bytes
// The plain header is the associated data of the first chunk (authenticated,
// readable without the key). Every chunk is tagged MESSAGE except the last,
// tagged FINAL; nothing may follow it. The plain bytes the chunks carry, cut
// anywhere:
//   entry   := fixed32 name_length (1..255) | name | fixed64 size | size bytes
//   end     := fixed32 0
// Names are plain file names (a RocksDB checkpoint is flat): no '/', not "."
// or "..". Memory used is one chunk, whatever the database's size.
//
// Thread-safe: no shared state. A BackupKey is immutable.
#ifndef COMPTOIR_COMMON_BACKUP_CRYPTO_H_
#define COMPTOIR_COMMON_BACKUP_CRYPTO_H_

#include <array>
#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comptoir {

inline constexpr size_t kBackupKeyBytes = 32;
inline constexpr size_t kBackupChunkBytes = 64 * 1024;

// A 32-byte backup key, wiped from memory when destroyed. Not copyable.
class BackupKey {
 public:
  // Reads a key file. FailedPrecondition (with the chmod that fixes it) when
  // other users may read it; NotFound when missing; DataLoss when it holds no
  // key.
  static absl::StatusOr<std::unique_ptr<BackupKey>> Load(const std::string& path);
  // Draws a new key and writes it to `path`, mode 0600 (WriteSecretFile).
  // AlreadyExists when `path` exists: a key is never overwritten (the backups
  // made with it would become unreadable).
  static absl::StatusOr<std::unique_ptr<BackupKey>> Create(const std::string& path);

  ~BackupKey();
  BackupKey(const BackupKey&) = delete;
  BackupKey& operator=(const BackupKey&) = delete;

  // 16 hex digits naming the key (see above).
  const std::string& id() const { return id_; }
  const std::string& path() const { return path_; }
  const unsigned char* bytes() const { return bytes_.data(); }

 private:
  BackupKey(const unsigned char* bytes, std::string path);
  std::array<unsigned char, kBackupKeyBytes> bytes_;
  std::string id_;
  std::string path_;
};

// What a backup file says of itself without the key.
struct BackupHeader {
  std::string key_id;    // 16 hex digits
  std::string manifest;  // the text given to EncryptDirectory
};

// Writes the regular files of `source_dir` (no subdirectories) into the new
// file `dest`, encrypted with `key`, `manifest` in its header. Written to a
// temporary name beside `dest` (mode 0600), fsynced, then linked to `dest`
// and the directory fsynced: `dest` appears whole or not at all.
// AlreadyExists if `dest` exists; ResourceExhausted when the disk is full;
// FailedPrecondition on other IO errors. Nothing is left behind on failure.
absl::Status EncryptDirectory(const std::string& source_dir, absl::string_view manifest,
                              const BackupKey& key, const std::string& dest);

// Reads the plain header of a backup file. NotFound when `path` is missing or
// not a Comptoir backup file; DataLoss when its header is malformed or of a
// format this version does not know.
absl::StatusOr<BackupHeader> ReadBackupHeader(const std::string& path);

// Decrypts the backup file `path` into `dest_dir` (must not exist; created
// mode 0700), checking every chunk. FailedPrecondition when the file was made
// with another key (naming both ids); DataLoss when it was modified or
// truncated. On any failure `dest_dir` is removed: nothing half-restored
// remains.
absl::Status DecryptToDirectory(const std::string& path, const BackupKey& key,
                                const std::string& dest_dir);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_BACKUP_CRYPTO_H_
