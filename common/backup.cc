#include "common/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config_file.h"
#include "common/keys.h"
#include "common/secret_file.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

namespace fs = std::filesystem;

uint64_t DirectoryBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code error;
  for (const auto& entry : fs::recursive_directory_iterator(dir, error)) {
    if (entry.is_regular_file(error)) bytes += entry.file_size(error);
  }
  return bytes;
}

std::string ManifestText(const v1::BackupInfo& info) {
  return absl::StrCat("# Comptoir backup: restore with `comptoir-", info.kind(),
                      " restore --from FILE --backup-key KEYFILE`\n", "format = 1\n",
                      "kind = ", info.kind(), "\n", "site = ", info.site(), "\n",
                      "created_unix_ms = ", info.created_unix_ms(), "\n",
                      "bytes = ", info.bytes(), "\n", "hub_epoch = ", info.hub_epoch(), "\n",
                      "log_head = ", info.log_head(), "\n", "own_seq = ", info.own_seq(), "\n");
}

// Directories are replaced by renaming, which needs them on one file system:
// the staging directory is a sibling of the data directory.
std::string Normal(const std::string& dir) {
  fs::path path = fs::path(dir).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // "data/hem/" -> "data/hem"
  return path.string();
}

std::string StagingDir(const std::string& data_dir) { return Normal(data_dir) + ".restoring"; }

}  // namespace

std::string CheckpointDirFor(const std::string& data_dir) {
  return Normal(data_dir) + ".backup-checkpoint";
}

std::string HowToMakeABackupKey(const std::string& daemon) {
  return absl::StrCat(
      "no backup key: backups are encrypted, and this daemon was started without one. Make a "
      "key once with `", daemon, " backup-key new /etc/comptoir/backup.key`, keep a copy of it "
      "apart from the backups (another machine or medium), and restart the daemon with "
      "--backup-key /etc/comptoir/backup.key (setting backup-key)");
}

absl::StatusOr<v1::BackupInfo> WriteBackup(const Store& store, const BackupSetup& setup,
                                           v1::BackupInfo info) {
  if (setup.key == nullptr) {
    return absl::FailedPreconditionError(HowToMakeABackupKey("comptoir-" + info.kind()));
  }
  const fs::path dest(info.dest());
  if (!dest.is_absolute()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the backup file must be an absolute path on the daemon's machine (got '",
                     info.dest(), "')"));
  }
  std::error_code error;
  if (fs::exists(dest, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat(info.dest(), " already exists: give a new file name for each backup"));
  }
  if (!fs::is_directory(dest.parent_path(), error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the directory of ", info.dest(), " does not exist"));
  }
  // The plain checkpoint stays beside the database (hard links, private) and
  // only the encrypted stream reaches the backup's medium.
  const fs::path checkpoint(setup.checkpoint_dir);
  fs::remove_all(checkpoint, error);  // left over by a crash
  RETURN_IF_ERROR(MakePrivateDirectory(checkpoint.string()));
  const fs::path database = checkpoint / "db";
  absl::Status written = store.Checkpoint(database.string());
  if (written.ok()) {
    info.set_created_unix_ms(absl::ToUnixMillis(absl::Now()));
    info.set_bytes(DirectoryBytes(database));
    info.set_key_id(setup.key->id());
    written = EncryptDirectory(database.string(), ManifestText(info), *setup.key, dest.string());
  }
  fs::remove_all(checkpoint, error);
  if (!written.ok()) return written;
  return info;
}

absl::StatusOr<v1::BackupInfo> ReadBackupManifest(const std::string& backup) {
  ASSIGN_OR_RETURN(BackupHeader header, ReadBackupHeader(backup));
  absl::StatusOr<std::vector<ConfigEntry>> entries = ParseConfigText(header.manifest, backup);
  if (!entries.ok()) return absl::DataLossError(entries.status().message());
  std::map<std::string, std::string> values;
  for (const ConfigEntry& entry : *entries) values[entry.key] = entry.value;
  v1::BackupInfo info;
  info.set_dest(backup);
  info.set_key_id(header.key_id);
  info.set_kind(values["kind"]);
  info.set_site(values["site"]);
  uint64_t number = 0;
  auto read_number = [&](const char* key) -> uint64_t {
    return absl::SimpleAtoi(values[key], &number) ? number : 0;
  };
  // The site names the default data directory of a restore: never a path.
  const bool site_ok = info.kind() == "hub" ? info.site() == "hub" : IsValidSiteId(info.site());
  if (values["format"] != "1" || (info.kind() != "hub" && info.kind() != "node") || !site_ok) {
    return absl::DataLossError(absl::StrCat(
        backup, " has no backup manifest this version understands (format 1, kind hub or node, "
                "a site id)"));
  }
  info.set_created_unix_ms(static_cast<int64_t>(read_number("created_unix_ms")));
  info.set_bytes(read_number("bytes"));
  info.set_hub_epoch(read_number("hub_epoch"));
  info.set_log_head(read_number("log_head"));
  info.set_own_seq(read_number("own_seq"));
  return info;
}

bool DataDirInUse(const std::string& data_dir) {
  const std::string lock_path = (fs::path(data_dir) / "LOCK").string();
  const int fd = open(lock_path.c_str(), O_RDWR);
  if (fd < 0) return false;
  // RocksDB holds a whole-file write lock (fcntl) on LOCK while the database is open.
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  const bool in_use = fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
  close(fd);
  return in_use;
}

absl::StatusOr<std::string> UnpackBackupForRestore(const std::string& backup,
                                                   const std::string& key_file,
                                                   const std::string& data_dir) {
  if (key_file.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(backup, " is encrypted: give the backup key file the daemon had when it "
                             "made it (--backup-key FILE, or the setting backup-key)"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<BackupKey> key, BackupKey::Load(key_file));
  if (DataDirInUse(data_dir)) {
    return absl::FailedPreconditionError(absl::StrCat(
        data_dir, " is in use by a running daemon: stop it first, then restore"));
  }
  const std::string staged = StagingDir(data_dir);
  std::error_code error;
  fs::remove_all(staged, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot clear ", staged, ": ", error.message()));
  }
  fs::create_directories(fs::path(staged).parent_path(), error);
  RETURN_IF_ERROR(DecryptToDirectory(backup, *key, staged));
  return staged;
}

absl::StatusOr<std::string> SwapInRestored(const std::string& staged, const std::string& data_dir) {
  if (DataDirInUse(data_dir)) {
    return absl::FailedPreconditionError(absl::StrCat(
        data_dir, " is in use by a running daemon: stop it first, then restore"));
  }
  std::error_code error;
  std::string kept;
  const std::string normal = Normal(data_dir);
  if (fs::exists(normal, error)) {
    const std::string stem = absl::StrCat(
        normal, ".before-restore-",
        absl::FormatTime("%Y%m%dT%H%M%S", absl::Now(), absl::UTCTimeZone()));
    kept = stem;
    for (int n = 2; fs::exists(kept, error); ++n) kept = absl::StrCat(stem, "-", n);
    fs::rename(normal, kept, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot move ", data_dir, " aside: ", error.message()));
    }
  }
  fs::rename(staged, normal, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot move the restored data into ", data_dir, ": ", error.message(),
        kept.empty() ? "" : absl::StrCat(" (the previous data is in ", kept, ")")));
  }
  return kept;
}

}  // namespace comptoir
