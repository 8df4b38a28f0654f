#include "common/secret_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/sha256.h"

namespace comptoir {
namespace {

// The permission bits a secret file owned by `owner` may have (see the header).
mode_t AllowedBits(uid_t owner) { return owner == 0 ? 0640 : 0600; }

// `message` and the system's reason, with the code a caller acts on.
absl::Status ErrnoStatus(int error, absl::string_view message) {
  const std::string text = absl::StrCat(message, ": ", std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(text);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(text);
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(text);
    default:
      return absl::InternalError(text);
  }
}

std::string DirectoryOf(const std::string& path) {
  const std::string::size_type slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// False (errno set) when a write fails.
bool WriteAll(int fd, absl::string_view contents) {
  while (!contents.empty()) {
    const ssize_t written = write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    contents.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

// Makes a rename in `dir` durable.
absl::Status SyncDirectory(const std::string& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("cannot open directory ", dir));
  const int synced = fsync(fd);
  const int error = errno;
  close(fd);
  if (synced != 0) return ErrnoStatus(error, absl::StrCat("cannot sync directory ", dir));
  return absl::OkStatus();
}

// Writes the temporary file `fd` (already 0600) and closes it.
absl::Status FillTemporary(int fd, const std::string& temporary, const std::string& path,
                           absl::string_view contents) {
  struct stat old;
  if (stat(path.c_str(), &old) == 0 && fchown(fd, old.st_uid, old.st_gid) == 0 &&
      fchmod(fd, 0600 | (old.st_mode & AllowedBits(old.st_uid))) != 0) {
    const int error = errno;
    close(fd);
    return ErrnoStatus(error, absl::StrCat("cannot set the mode of ", temporary));
  }
  if (!WriteAll(fd, contents) || fsync(fd) != 0) {
    const int error = errno;
    close(fd);
    return ErrnoStatus(error, absl::StrCat("cannot write ", temporary));
  }
  if (close(fd) != 0) return ErrnoStatus(errno, absl::StrCat("cannot write ", temporary));
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteSecretFile(const std::string& path, absl::string_view contents) {
  std::string temporary;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    // A fresh name each time: a temporary left by a crash is never reused.
    temporary = absl::StrCat(path, ".tmp-", ToHex(RandomBytes(6)));
    fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && (errno != EEXIST || attempt == 10)) {
      return ErrnoStatus(errno, absl::StrCat("cannot create ", temporary));
    }
  }
  absl::Status filled = FillTemporary(fd, temporary, path, contents);
  if (filled.ok() && std::rename(temporary.c_str(), path.c_str()) != 0) {
    filled = ErrnoStatus(errno, absl::StrCat("cannot replace ", path));
  }
  if (!filled.ok()) {
    unlink(temporary.c_str());
    return filled;
  }
  return SyncDirectory(DirectoryOf(path));
}

absl::Status CheckSecretFileMode(const std::string& path, absl::string_view what) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    return ErrnoStatus(errno, absl::StrCat("cannot read ", what, " ", path));
  }
  const mode_t bits = info.st_mode & 07777;
  const mode_t extra = bits & 077 & ~AllowedBits(info.st_uid);
  if (extra == 0) return absl::OkStatus();
  // Only its group may write a root-owned file its group reads (the packaged
  // layout): keep the group's read.
  const char* fix = info.st_uid == 0 && (bits & 040) != 0 && (bits & 007) == 0 ? "640" : "600";
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s %s can be %s by other users (mode %04o); run: chmod %s %s", what, path,
      (extra & 044) != 0 ? "read" : "changed", bits, fix, path));
}

absl::Status MakePrivateDirectory(const std::string& path) {
  const std::filesystem::path dir(path);
  std::error_code error;
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", path, ": ", error.message()));
  }
  if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", path, ": ", std::strerror(errno)));
  }
  struct stat info;
  if (stat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("data directory ", path,
                                                      " is not a directory"));
  }
  if ((info.st_mode & 077) != 0 && chmod(path.c_str(), info.st_mode & 07700) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot make data directory ", path, " private (chmod 700): ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace comptoir
