#include "common/civil_day.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/logging.h"

namespace comptoir {
namespace {

const absl::TimeZone& Paris() {
  static const absl::TimeZone* zone = [] {
    auto* tz = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Paris", tz)) {
      // Without tzdata, Central European Time without daylight saving is the
      // least wrong answer; the install script installs tzdata.
      LogWarning("time zone Europe/Paris not found (install tzdata); using UTC+1");
      *tz = absl::FixedTimeZone(3600);
    }
    return tz;
  }();
  return *zone;
}

std::optional<absl::CivilDay> Parse(absl::string_view day) {
  absl::CivilDay civil;
  if (day.size() != 10 || !absl::ParseCivilTime(day, &civil)) return std::nullopt;
  // ParseCivilTime normalises "2026-02-30" to March: refuse what it changed.
  if (absl::FormatCivilTime(civil) != day) return std::nullopt;
  return civil;
}

}  // namespace

std::string ParisDay(int64_t unix_ms) {
  return absl::FormatCivilTime(absl::ToCivilDay(absl::FromUnixMillis(unix_ms), Paris()));
}

std::string MonthOf(absl::string_view day) { return std::string(day.substr(0, 7)); }

int YearOf(absl::string_view day) {
  std::optional<absl::CivilDay> civil = Parse(day);
  return civil.has_value() ? static_cast<int>(civil->year()) : 0;
}

bool IsValidDay(absl::string_view day) { return Parse(day).has_value(); }

std::optional<std::string> AddDays(absl::string_view day, int64_t days) {
  std::optional<absl::CivilDay> civil = Parse(day);
  if (!civil.has_value()) return std::nullopt;
  return absl::FormatCivilTime(*civil + days);
}

std::optional<int32_t> DayNumber(absl::string_view day) {
  std::optional<absl::CivilDay> civil = Parse(day);
  if (!civil.has_value()) return std::nullopt;
  return static_cast<int32_t>(*civil - absl::CivilDay(1970, 1, 1));
}

std::string DayFromNumber(int32_t number) {
  return absl::FormatCivilTime(absl::CivilDay(1970, 1, 1) + number);
}

std::string FrenchDay(absl::string_view day) {
  std::optional<absl::CivilDay> civil = Parse(day);
  if (!civil.has_value()) return std::string(day);
  return absl::StrFormat("%02d/%02d/%04d", civil->day(), civil->month(), civil->year());
}

}  // namespace comptoir
