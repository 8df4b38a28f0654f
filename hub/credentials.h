// Centre credentials: which bearer token proves which site.
//
// The hub keeps a credentials file, one line per centre:
//   <site> <sha256-hex of the token>
// ('#' starts a comment). Only hashes are stored: a stolen file does not
// reveal tokens. `comptoir-hub credential issue` draws a random token for a
// site, stores its hash and prints the token once (for the centre's
// --token-file); `revoke` deletes the line. The hub re-reads the file when it
// changes, so an issued or revoked credential counts for the next stream
// without a restart.
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

  // The site `token` belongs to, or nullopt (unknown or revoked).
  std::optional<std::string> SiteForToken(const std::string& token);

  // Issues a new token for `site` in the file at `path` (created if missing),
  // replacing any previous one; returns the token.
  static absl::StatusOr<std::string> Issue(const std::string& path, const std::string& site);
  // Removes `site`'s credential; NotFound if it had none.
  static absl::Status Revoke(const std::string& path, const std::string& site);

 private:
  explicit CredentialStore(std::string path) : path_(std::move(path)) {}
  absl::Status ReloadIfChangedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  std::mutex mu_;
  std::map<std::string, std::string> site_by_hash_ ABSL_GUARDED_BY(mu_);
  // What the loaded file looked like (mtime s, mtime ns, inode, size).
  std::tuple<long, long, unsigned long, long> loaded_ ABSL_GUARDED_BY(mu_) = {0, 0, 0, -1};
};

}  // namespace comptoir

#endif  // COMPTOIR_HUB_CREDENTIALS_H_
