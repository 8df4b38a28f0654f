// The information notice households receive at registration (GDPR Article 13):
// which versions exist. Their one list is node/web/static/notice_version.js,
// read at build time (node/CMakeLists.txt), so the node and the web till never
// disagree. The notice's text is node/web/static/notice.html.
//
//   if (!IsKnownNoticeVersion(request.notice_version())) ... refuse
//   request.set_notice_version(std::string(CurrentNoticeVersion()));
#ifndef COMPTOIR_NODE_NOTICE_H_
#define COMPTOIR_NODE_NOTICE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace comptoir {

// The version printed and given today, e.g. "2026-12".
absl::string_view CurrentNoticeVersion();

// Whether `version` is one ever given (today's or an earlier one).
bool IsKnownNoticeVersion(absl::string_view version);

// OK if `version` names a known notice; INVALID_ARGUMENT otherwise, in French
// (empty: the household has not received the notice, so it is not registered).
absl::Status CheckNoticeGiven(absl::string_view version);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_NOTICE_H_
