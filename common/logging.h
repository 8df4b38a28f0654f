// One small logging facility (Debian 12's Abseil has no absl/log).
//
// Lines go to stderr as "2026-11-25T16:48:23.123Z INFO [hem] message", so that
// the journal (or a test's captured output) shows which site said what.
// Thread-safe: a line is written with one call.
#ifndef COMPTOIR_COMMON_LOGGING_H_
#define COMPTOIR_COMMON_LOGGING_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace comptoir {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Sets the tag shown in every line (the site id, or "hub"). Call once at start-up.
void SetLogTag(absl::string_view tag);
// Lines below this level are dropped (default kInfo).
void SetLogLevel(LogLevel level);
void LogLine(LogLevel level, absl::string_view message);

template <typename... Args>
void LogInfo(const Args&... args) { LogLine(LogLevel::kInfo, absl::StrCat(args...)); }
template <typename... Args>
void LogWarning(const Args&... args) { LogLine(LogLevel::kWarning, absl::StrCat(args...)); }
template <typename... Args>
void LogError(const Args&... args) { LogLine(LogLevel::kError, absl::StrCat(args...)); }
template <typename... Args>
void LogDebug(const Args&... args) { LogLine(LogLevel::kDebug, absl::StrCat(args...)); }

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_LOGGING_H_
