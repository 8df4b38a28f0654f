// Calendar days and months in Europe/Paris civil time, as "YYYY-MM-DD" and
// "YYYY-MM". Events carry UTC (their hlc); what day a sale belongs to is the
// Paris day of that instant. The zone comes from the system's tzdata.
#ifndef COMPTOIR_COMMON_CIVIL_DAY_H_
#define COMPTOIR_COMMON_CIVIL_DAY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace comptoir {

// The Paris day of an instant (milliseconds since the Unix epoch).
std::string ParisDay(int64_t unix_ms);
// The Paris time of day of an instant, "14:05", for people.
std::string ParisTime(int64_t unix_ms);
// An instant as people read it, in Paris: "04/12/2026 à 11:28".
std::string FrenchMoment(int64_t unix_ms);
// The same as a DayNumber, without going through text.
int32_t ParisDayNumber(int64_t unix_ms);
// "2026-11" for "2026-11-25" (the input must be a valid day).
std::string MonthOf(absl::string_view day);
// The year of a day, e.g. 2026.
int YearOf(absl::string_view day);
// True for a real calendar day written "YYYY-MM-DD".
bool IsValidDay(absl::string_view day);
// `day` plus `days` (may be negative); nullopt for an invalid day.
std::optional<std::string> AddDays(absl::string_view day, int64_t days);
// Days since 1970-01-01 (negative before), for arithmetic on many days at
// once; nullopt for an invalid day. DayFromNumber is its inverse. Cheap (no
// time-zone or text library): the statistics fold calls it for every sale.
std::optional<int32_t> DayNumber(absl::string_view day);
std::string DayFromNumber(int32_t number);
// A day of the proleptic Gregorian calendar, as numbers.
struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};
// Days since 1970-01-01 of a valid date, and back: the project's one piece of
// calendar arithmetic (DayNumber, the statistics' months), for any year.
int64_t DaysFromCivil(int64_t year, int month, int day);
CivilDate CivilFromDays(int64_t days);
// The day `day` as "25/11/2026" for people.
std::string FrenchDay(absl::string_view day);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_CIVIL_DAY_H_
