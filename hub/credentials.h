// Centre credentials: which bearer token proves which site.
//
// The hub keeps a credentials file, one line per centre:
//   <site> <sha256-hex of the token>
// ('#' starts a comment). Only hashes are stored: a stolen file does not
// reveal tokens. `comptoir-hub credential issue` draws a random token for a
// site, stores its hash and prints the token once (for the centre's
// --token-file); `revoke` deletes the line. The file is written as a secret
// (common/secret_file.h: mode 0600, atomically, durably). The hub re-reads the
// file when it changes, so an issued or revoked credential counts for the next
// stream without a restart, and the sync service ends the live streams whose
// token no longer holds (Refresh, StillProves).
//
// Thread-safe.
#ifndef COMPTOIR_HUB_CREDENTIALS_H_
#define COMPTOIR_HUB_CREDENTIALS_H_

#include <memory>
#include <tuple>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"

namespace comptoir {

class CredentialStore {
 public:
  // Reads `path` (which must exist). InvalidArgument names a malformed line.
  static absl::StatusOr<std::unique_ptr<CredentialStore>> Open(const std::string& path);

  // The site `token` belongs to, or nullopt (unknown or revoked). Re-reads the
  // file first if it changed.
  std::optional<std::string> SiteForToken(const std::string& token);

  // What the file keeps of a token (hex SHA-256): a live stream remembers its
  // token by this.
  static std::string TokenHash(const std::string& token);
  // Re-reads the file if it changed. A missing or malformed file keeps the
  // last good list (rather than locking every centre out) and is logged once
  // per distinct problem.
  void Refresh();
  // Whether the token of hash `token_hash` still proves `site` as of the last
  // read (false once revoked or replaced). Does not read the file.
  bool StillProves(const std::string& token_hash, const std::string& site);

  // Issues a new token for `site` in the file at `path` (created if missing),
  // replacing any previous one; returns the token.
  static absl::StatusOr<std::string> Issue(const std::string& path, const std::string& site);
  // Removes `site`'s credential; NotFound if it had none.
  static absl::Status Revoke(const std::string& path, const std::string& site);

 private:
  explicit CredentialStore(std::string path) : path_(std::move(path)) {}
  absl::Status ReloadIfChangedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // ReloadIfChangedLocked, logging a problem once.
  void RefreshLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  std::mutex mu_;
  std::map<std::string, std::string> site_by_hash_ ABSL_GUARDED_BY(mu_);
  // What the loaded file looked like (mtime s, mtime ns, inode, size).
  std::tuple<long, long, unsigned long, long> loaded_ ABSL_GUARDED_BY(mu_) = {0, 0, 0, -1};
  // The last problem logged (empty once the file reads well again).
  std::string last_problem_ ABSL_GUARDED_BY(mu_);
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_CREDENTIALS_H_
