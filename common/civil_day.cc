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

std::string ParisTime(int64_t unix_ms) {
  const absl::CivilMinute minute = absl::ToCivilMinute(absl::FromUnixMillis(unix_ms), Paris());
  return absl::StrFormat("%02d:%02d", minute.hour(), minute.minute());
}

std::string FrenchMoment(int64_t unix_ms) {
  const absl::CivilMinute minute = absl::ToCivilMinute(absl::FromUnixMillis(unix_ms), Paris());
  return absl::StrFormat("%02d/%02d/%04d à %02d:%02d", minute.day(), minute.month(), minute.year(),
                         minute.hour(), minute.minute());
}

int32_t ParisDayNumber(int64_t unix_ms) {
  return static_cast<int32_t>(absl::ToCivilDay(absl::FromUnixMillis(unix_ms), Paris()) -
                              absl::CivilDay(1970, 1, 1));
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
  // "YYYY-MM-DD" with a year from 1000 (what Parse accepts: it formats back
  // to the same text), read by hand.
  if (day.size() != 10 || day[4] != '-' || day[7] != '-' || day[0] == '0') return std::nullopt;
  auto digits = [&](size_t from, size_t count, int* value) {
    *value = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (day[i] < '0' || day[i] > '9') return false;
      *value = *value * 10 + (day[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, dom = 0;
  if (!digits(0, 4, &year) || !digits(5, 2, &month) || !digits(8, 2, &dom)) return std::nullopt;
  static constexpr int kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || dom < 1) return std::nullopt;
  if (dom > kDaysIn[month - 1] + (month == 2 && leap ? 1 : 0)) return std::nullopt;
  return static_cast<int32_t>(DaysFromCivil(year, month, dom));
}

// Both directions count in 400-year eras of 146,097 days from 0000-03-01,
// years starting in March so that the leap day comes last and the months'
// first days follow (153 * m + 2) / 5 (H. Hinnant's days_from_civil).
namespace {
constexpr int64_t kDaysPerEra = 146097;
constexpr int64_t kMarchFirstOfYear0 = -719468;  // 0000-03-01, in days since 1970-01-01

int64_t FloorDiv(int64_t a, int64_t b) { return (a >= 0 ? a : a - (b - 1)) / b; }
}  // namespace

int64_t DaysFromCivil(int64_t year, int month, int day) {
  const int64_t march_year = month <= 2 ? year - 1 : year;
  const int64_t era = FloorDiv(march_year, 400);
  const int64_t year_of_era = march_year - era * 400;  // [0, 399]
  const int64_t from_march = month > 2 ? month - 3 : month + 9;  // [0, 11]
  const int64_t day_of_era =
      365 * year_of_era + year_of_era / 4 - year_of_era / 100 + (153 * from_march + 2) / 5 + day - 1;
  return era * kDaysPerEra + day_of_era + kMarchFirstOfYear0;
}

CivilDate CivilFromDays(int64_t days) {
  const int64_t since_march = days - kMarchFirstOfYear0;
  const int64_t era = FloorDiv(since_march, kDaysPerEra);
  const int64_t day_of_era = since_march - era * kDaysPerEra;  // [0, 146096]
  const int64_t year_of_era =  // [0, 399], years starting 1 March
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t from_march = (5 * day_of_year + 2) / 153;  // [0, 11]: March..February
  const int month = static_cast<int>(from_march < 10 ? from_march + 3 : from_march - 9);
  const int day = static_cast<int>(day_of_year - (153 * from_march + 2) / 5 + 1);
  return CivilDate{era * 400 + year_of_era + (month <= 2 ? 1 : 0), month, day};
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
