#include "node/notice.h"

#include "absl/strings/str_cat.h"
#include "node/notice_versions.h"  // generated: kNoticeVersions, from notice_version.js

namespace comptoir {

absl::string_view CurrentNoticeVersion() {
  return kNoticeVersions[sizeof(kNoticeVersions) / sizeof(kNoticeVersions[0]) - 1];
}

bool IsKnownNoticeVersion(absl::string_view version) {
  for (const char* known : kNoticeVersions) {
    if (version == known) return true;
  }
  return false;
}

absl::Status CheckNoticeGiven(absl::string_view version) {
  if (version.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Remettez d'abord la notice d'information (version ", CurrentNoticeVersion(),
        ") à la famille, puis cochez qu'elle l'a reçue."));
  }
  if (!IsKnownNoticeVersion(version)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Version de la notice d'information inconnue : « ", version, " » (celle d'aujourd'hui : ",
        CurrentNoticeVersion(), ")."));
  }
  return absl::OkStatus();
}

}  // namespace comptoir
