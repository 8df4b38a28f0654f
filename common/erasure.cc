#include "common/erasure.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/family_view.h"
#include "common/ids.h"
#include "common/keys.h"
#include "common/logging.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

// views "erased" <family> -> day: the family's personal data is erased here.
std::string ErasedKey(absl::string_view family_id) { return ViewKey({"erased", family_id}); }
// meta "purge\0" <family>: its personal parts are still to be dropped.
constexpr absl::string_view kPurgePrefix("purge\0", 6);
std::string PurgeKey(absl::string_view family_id) { return absl::StrCat(kPurgePrefix, family_id); }
constexpr absl::string_view kRequestPrefix("request\0", 8);

// Reads at most this many cores at a time while looking for a family's events.
constexpr size_t kCoresPerRead = 512;

absl::Status AppendToRegister(const std::string& path,
                              const std::vector<RegisteredErasure>& erasures) {
  if (path.empty() || erasures.empty()) return absl::OkStatus();
  std::string lines;
  for (const RegisteredErasure& erasure : erasures) {
    absl::StrAppend(&lines, erasure.family_id, " ", erasure.day, "\n");
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open the erasure register ", path, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < lines.size()) {
    const ssize_t n = ::write(fd, lines.data() + written, lines.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      ::close(fd);
      return absl::FailedPreconditionError(
          absl::StrCat("cannot write the erasure register ", path, ": ", std::strerror(error)));
    }
    written += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot sync the erasure register ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Deletes into `batch` the personal parts of the events of `families`.
absl::Status StagePersonalPartDeletes(const Store& store, Batch& batch,
                                      const absl::flat_hash_set<std::string>& families) {
  std::vector<std::string> keys;
  RETURN_IF_ERROR(store.Scan(Column::kPersonal, "", "", [&](absl::string_view key, absl::string_view) {
    keys.emplace_back(key);
    return true;
  }));
  for (size_t from = 0; from < keys.size(); from += kCoresPerRead) {
    const size_t to = std::min(keys.size(), from + kCoresPerRead);
    std::vector<std::string> chunk(keys.begin() + static_cast<std::ptrdiff_t>(from),
                                   keys.begin() + static_cast<std::ptrdiff_t>(to));
    ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> cores,
                     store.MultiGet(Column::kEvents, chunk));
    for (size_t i = 0; i < chunk.size(); ++i) {
      v1::EventCore core;
      // A personal part without its core is nobody's: dropped too.
      if (!cores[i].has_value() || !core.ParseFromString(*cores[i]) ||
          families.contains(FamilyOfEvent(core))) {
        batch.Delete(Column::kPersonal, chunk[i]);
      }
    }
  }
  // The digest of a registration request is made from the names: it goes too
  // (the request id -> card entry stays, so that a retry still finds the card).
  return store.Scan(Column::kViews, kRequestPrefix, PrefixEnd(kRequestPrefix),
                    [&](absl::string_view key, absl::string_view value) {
                      if (families.contains(value)) {
                        batch.Delete(Column::kViews,
                                     RequestDigestKey(key.substr(kRequestPrefix.size())));
                      }
                      return true;
                    });
}

}  // namespace

std::string FamilyOfEvent(const v1::EventCore& core) {
  switch (core.body_case()) {
    case v1::EventCore::kFamilyRegistered:
      return core.family_registered().family_id();
    case v1::EventCore::kFamilyUpdated:
      return core.family_updated().family_id();
    case v1::EventCore::kReferralGranted:
      return core.referral_granted().family_id();
    case v1::EventCore::kReferralRenewed:
      return core.referral_renewed().family_id();
    case v1::EventCore::kReferralEnded:
      return core.referral_ended().family_id();
    case v1::EventCore::kSaleRecorded:
      return core.sale_recorded().family_id();
    case v1::EventCore::kSaleVoided:
      return core.sale_voided().family_id();
    case v1::EventCore::kWorkshopRegistered:
      return core.workshop_registered().family_id();
    case v1::EventCore::kWorkshopAttended:
      return core.workshop_attended().family_id();
    case v1::EventCore::kFamilyErased:
      return core.family_erased().family_id();
    default:
      return "";
  }
}

absl::StatusOr<bool> IsErased(const Store& store, const Batch* batch,
                              absl::string_view family_id) {
  if (family_id.empty()) return false;
  ASSIGN_OR_RETURN(std::optional<std::string> day,
                   store.Get(Column::kViews, ErasedKey(family_id), batch));
  return day.has_value();
}

void StageErasureMarks(Batch& batch, absl::string_view family_id, absl::string_view day) {
  batch.Put(Column::kViews, ErasedKey(family_id), day);
  batch.Put(Column::kMeta, PurgeKey(family_id), "");
}

std::string ErasureRegisterPath(const std::string& data_dir) {
  return absl::StrCat(absl::StripSuffix(data_dir, "/"), ".erasures");
}

absl::StatusOr<std::vector<RegisteredErasure>> ReadErasureRegister(const std::string& path) {
  std::vector<RegisteredErasure> erasures;
  std::ifstream in(path);
  if (!in) return erasures;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    std::vector<std::string> fields = absl::StrSplit(line, ' ');
    if (fields.size() != 2 || !IsWellFormedId(fields[0])) {
      return absl::DataLossError(absl::StrCat("erasure register ", path, ", line ", number,
                                              ": expected \"<card> <day>\", got \"", line, "\""));
    }
    erasures.push_back({std::move(fields[0]), std::move(fields[1])});
  }
  return erasures;
}

absl::StatusOr<int> PurgeErasedFamilies(Store& store, const std::string& register_path) {
  absl::flat_hash_set<std::string> families;
  std::vector<RegisteredErasure> noted;
  RETURN_IF_ERROR(store.Scan(Column::kMeta, kPurgePrefix, PrefixEnd(kPurgePrefix),
                             [&](absl::string_view key, absl::string_view) {
                               families.emplace(key.substr(kPurgePrefix.size()));
                               return true;
                             }));
  if (families.empty()) return 0;
  for (const std::string& family : std::set<std::string>(families.begin(), families.end())) {
    ASSIGN_OR_RETURN(std::optional<std::string> day,
                     store.Get(Column::kViews, ErasedKey(family)));
    noted.push_back({family, day.value_or("")});
  }
  // Noted first: a crash after it purges again at the next start (a family
  // noted twice is read once).
  RETURN_IF_ERROR(AppendToRegister(register_path, noted));
  Batch deletes;
  RETURN_IF_ERROR(StagePersonalPartDeletes(store, deletes, families));
  RETURN_IF_ERROR(store.Write(deletes));
  RETURN_IF_ERROR(store.Expunge());
  Batch done;
  for (const std::string& family : families) done.Delete(Column::kMeta, PurgeKey(family));
  RETURN_IF_ERROR(store.Write(done));
  LogInfo("personal data of ", families.size(), " household(s) erased from this replica");
  return static_cast<int>(families.size());
}

absl::StatusOr<int> ApplyErasureRegister(Store& store, const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<RegisteredErasure> erasures, ReadErasureRegister(path));
  Batch batch;
  int erased = 0;
  for (const RegisteredErasure& erasure : erasures) {
    ASSIGN_OR_RETURN(bool held, IsErased(store, &batch, erasure.family_id));
    if (held) continue;
    RETURN_IF_ERROR(EraseFamilyRecord(store, batch, erasure.family_id, erasure.day));
    ++erased;
  }
  if (erased == 0) return 0;
  RETURN_IF_ERROR(store.Write(batch));
  LogWarning("re-applying ", erased, " erasure(s) of the register ", path,
             " that this database lacked (restored from an older backup?)");
  RETURN_IF_ERROR(PurgeErasedFamilies(store, /*register_path=*/"").status());
  return erased;
}

}  // namespace comptoir
