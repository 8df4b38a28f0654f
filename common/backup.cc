#include "common/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config_file.h"
#include "common/secret_file.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

namespace fs = std::filesystem;

constexpr char kManifestName[] = "comptoir-backup.txt";
constexpr char kDatabaseName[] = "db";

uint64_t DirectoryBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code error;
  for (const auto& entry : fs::recursive_directory_iterator(dir, error)) {
    if (entry.is_regular_file(error)) bytes += entry.file_size(error);
  }
  return bytes;
}

absl::Status WriteManifest(const fs::path& path, const v1::BackupInfo& info) {
  const std::string temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "# Comptoir backup: restore with `comptoir-" << info.kind() << " restore --from "
        << info.dest_dir() << "`\n"
        << "format = 1\n"
        << "kind = " << info.kind() << "\n"
        << "site = " << info.site() << "\n"
        << "created_unix_ms = " << info.created_unix_ms() << "\n"
        << "bytes = " << info.bytes() << "\n"
        << "hub_epoch = " << info.hub_epoch() << "\n"
        << "log_head = " << info.log_head() << "\n"
        << "own_seq = " << info.own_seq() << "\n";
    out.flush();
    if (!out) return absl::ResourceExhaustedError(absl::StrCat("cannot write ", temporary));
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot rename ", temporary, ": ", error.message()));
  }
  return absl::OkStatus();
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

absl::StatusOr<v1::BackupInfo> WriteBackup(const Store& store, v1::BackupInfo info) {
  const fs::path dest(info.dest_dir());
  if (!dest.is_absolute()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the backup directory must be an absolute path on the daemon's machine (got '",
                     info.dest_dir(), "')"));
  }
  std::error_code error;
  if (fs::exists(dest, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat(info.dest_dir(), " already exists: give a new directory for each backup"));
  }
  if (!fs::is_directory(dest.parent_path(), error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the parent directory of ", info.dest_dir(), " does not exist"));
  }
  // Private, as the daemon's own data directory: it holds the same personal data.
  RETURN_IF_ERROR(MakePrivateDirectory(dest.string()));
  absl::Status copied = store.Checkpoint((dest / kDatabaseName).string());
  if (!copied.ok()) {
    fs::remove_all(dest, error);  // leave no half backup behind
    return copied;
  }
  info.set_created_unix_ms(absl::ToUnixMillis(absl::Now()));
  info.set_bytes(DirectoryBytes(dest / kDatabaseName));
  absl::Status written = WriteManifest(dest / kManifestName, info);
  if (!written.ok()) {
    fs::remove_all(dest, error);
    return written;
  }
  return info;
}

absl::StatusOr<v1::BackupInfo> ReadBackupManifest(const std::string& backup_dir) {
  const fs::path manifest = fs::path(backup_dir) / kManifestName;
  std::error_code error;
  if (!fs::exists(manifest, error) || !fs::is_directory(fs::path(backup_dir) / kDatabaseName, error)) {
    return absl::NotFoundError(absl::StrCat(
        backup_dir, " is not a complete Comptoir backup (no ", kManifestName, " or ",
        kDatabaseName, "/): use a directory made by `comptoir backup`"));
  }
  absl::StatusOr<std::vector<ConfigEntry>> entries = ReadConfigFile(manifest.string());
  if (!entries.ok()) return absl::DataLossError(entries.status().message());
  std::map<std::string, std::string> values;
  for (const ConfigEntry& entry : *entries) values[entry.key] = entry.value;
  v1::BackupInfo info;
  info.set_dest_dir(backup_dir);
  info.set_kind(values["kind"]);
  info.set_site(values["site"]);
  uint64_t number = 0;
  auto read_number = [&](const char* key) -> uint64_t {
    return absl::SimpleAtoi(values[key], &number) ? number : 0;
  };
  if (values["format"] != "1" || (info.kind() != "hub" && info.kind() != "node") ||
      info.site().empty()) {
    return absl::DataLossError(absl::StrCat(manifest.string(), " is not a backup manifest this "
                                            "version understands (format 1, kind hub or node)"));
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

absl::StatusOr<std::string> CopyBackupForRestore(const std::string& backup_dir,
                                                 const std::string& data_dir) {
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
  fs::copy(fs::path(backup_dir) / kDatabaseName, staged, fs::copy_options::recursive, error);
  if (error) {
    fs::remove_all(staged, error);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot copy the backup into ", staged, ": ", error.message()));
  }
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
