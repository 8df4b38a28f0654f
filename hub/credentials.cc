#include "hub/credentials.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/keys.h"
#include "common/logging.h"
#include "common/secret_file.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

// site -> token hash (hex), in file order.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ReadFile(const std::string& path,
                                                                         bool missing_ok) {
  std::ifstream in(path);
  std::vector<std::pair<std::string, std::string>> entries;
  if (!in) {
    if (missing_ok) return entries;
    return absl::NotFoundError(absl::StrCat("cannot read credentials file ", path));
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string uncommented = line.substr(0, line.find('#'));
    absl::string_view text = absl::StripAsciiWhitespace(uncommented);
    if (text.empty()) continue;
    std::vector<std::string> fields = absl::StrSplit(text, ' ', absl::SkipEmpty());
    if (fields.size() != 2 || !IsValidSiteId(fields[0]) || fields[1].size() != 2 * kHashSize) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", number, ": expected '<site> <sha256 hex of token>', got '", text, "'"));
    }
    entries.emplace_back(fields[0], fields[1]);
  }
  return entries;
}

absl::Status WriteFile(const std::string& path,
                       const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string text =
      "# Comptoir centre credentials: <site> <sha256 of its token>. Managed by\n"
      "# `comptoir-hub credential issue|revoke`.\n";
  for (const auto& [site, hash] : entries) absl::StrAppend(&text, site, " ", hash, "\n");
  return WriteSecretFile(path, text);
}

}  // namespace

absl::StatusOr<std::unique_ptr<CredentialStore>> CredentialStore::Open(const std::string& path) {
  std::unique_ptr<CredentialStore> store(new CredentialStore(path));
  std::lock_guard<std::mutex> lock(store->mu_);
  RETURN_IF_ERROR(store->ReloadIfChangedLocked());
  return store;
}

absl::Status CredentialStore::ReloadIfChangedLocked() {
  struct stat info;
  if (stat(path_.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat("credentials file ", path_, " is missing"));
  }
  const std::tuple<long, long, unsigned long, long> seen = {
      static_cast<long>(info.st_mtim.tv_sec), static_cast<long>(info.st_mtim.tv_nsec),
      static_cast<unsigned long>(info.st_ino), static_cast<long>(info.st_size)};
  if (seen == loaded_) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto entries, ReadFile(path_, false));
  site_by_hash_.clear();
  for (const auto& [site, hash] : entries) site_by_hash_[hash] = site;
  loaded_ = seen;
  return absl::OkStatus();
}

void CredentialStore::RefreshLocked() {
  absl::Status reloaded = ReloadIfChangedLocked();
  if (reloaded.ok()) {
    last_problem_.clear();
  } else if (reloaded.message() != last_problem_) {
    // Keep the last good list rather than locking every centre out.
    LogError("credentials: ", reloaded.message(), " (keeping the last good list)");
    last_problem_ = std::string(reloaded.message());
  }
}

std::optional<std::string> CredentialStore::SiteForToken(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  RefreshLocked();
  if (token.empty()) return std::nullopt;
  auto it = site_by_hash_.find(TokenHash(token));
  if (it == site_by_hash_.end()) return std::nullopt;
  return it->second;
}

std::string CredentialStore::TokenHash(const std::string& token) { return ToHex(Sha256(token)); }

void CredentialStore::Refresh() {
  std::lock_guard<std::mutex> lock(mu_);
  RefreshLocked();
}

bool CredentialStore::StillProves(const std::string& token_hash, const std::string& site) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = site_by_hash_.find(token_hash);
  return it != site_by_hash_.end() && it->second == site;
}

absl::StatusOr<std::string> CredentialStore::Issue(const std::string& path, const std::string& site) {
  if (!IsValidSiteId(site) || site == "hub") {
    return absl::InvalidArgumentError(absl::StrCat("invalid site id '", site, "'"));
  }
  ASSIGN_OR_RETURN(auto entries, ReadFile(path, true));
  const std::string token = ToHex(RandomBytes(32));
  bool replaced = false;
  for (auto& [existing, hash] : entries) {
    if (existing == site) {
      hash = TokenHash(token);
      replaced = true;
    }
  }
  if (!replaced) entries.emplace_back(site, TokenHash(token));
  RETURN_IF_ERROR(WriteFile(path, entries));
  return token;
}

absl::Status CredentialStore::Revoke(const std::string& path, const std::string& site) {
  ASSIGN_OR_RETURN(auto entries, ReadFile(path, false));
  const size_t before = entries.size();
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [&](const auto& entry) { return entry.first == site; }),
                entries.end());
  if (entries.size() == before) {
    return absl::NotFoundError(absl::StrCat("no credential for site '", site, "' in ", path));
  }
  return WriteFile(path, entries);
}

}  // namespace comptoir
