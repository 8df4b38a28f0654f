// Files that hold secrets (the hub's credentials file, a centre's token, TLS
// private keys) and the daemons' data directories: written so that no other
// user can read them at any moment, and checked before a daemon starts.
//
//   RETURN_IF_ERROR(WriteSecretFile(token_path, token + "\n"));
//   RETURN_IF_ERROR(CheckSecretFileMode(token_path, "token file"));
//   RETURN_IF_ERROR(MakePrivateDirectory(data_dir));
//
// Who may read a secret file: its owner only (mode 0600 or less). One
// exception, the packaged layout (README "Operations"): a file owned by root
// may also be readable, not writable, by its group (0640 root:comptoir), so
// that a daemon running as the system user comptoir reads what root installed
// for it in /etc/comptoir. Anything readable or writable by other users, and
// a group-readable file not owned by root, is refused.
//
// Thread-safe (no shared state). Two writers of one path: the last rename wins,
// each file whole.
#ifndef COMPTOIR_COMMON_SECRET_FILE_H_
#define COMPTOIR_COMMON_SECRET_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace comptoir {

// Replaces `path` with `contents`, atomically and durably: a temporary file
// beside it is created with mode 0600 from the start (O_CREAT|O_EXCL), written,
// fsynced, renamed over `path`, and the directory is fsynced; a crash leaves
// the old file or the new one, never a torn or readable one. When `path`
// already exists the new file keeps its owner and group (when this process
// may set them) and its group's read bit when the rule above allows it.
// NotFound when the directory does not exist, PermissionDenied when it cannot
// be written, ResourceExhausted when the disk is full, Internal otherwise;
// nothing is left behind on failure.
absl::Status WriteSecretFile(const std::string& path, absl::string_view contents);

// OK when `path`'s mode keeps its secret (see above). FailedPrecondition
// otherwise, with a message naming `what` ("token file"), the path, the mode
// and the command that fixes it: "token file /x/hem.token can be read by other
// users (mode 0644); run: chmod 600 /x/hem.token". NotFound when it cannot be
// stat'ed.
absl::Status CheckSecretFileMode(const std::string& path, absl::string_view what);

// Creates `path` (and any missing parent) as a directory of mode 0700, or
// takes group and other permissions away from an existing one: a daemon's
// database holds families' personal data. FailedPrecondition, naming the path,
// when it cannot.
absl::Status MakePrivateDirectory(const std::string& path);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_SECRET_FILE_H_
