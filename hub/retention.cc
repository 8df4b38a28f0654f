#include "hub/retention.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/civil_day.h"

namespace comptoir {
namespace {

int DaysInMonth(int64_t year, int month) {
  // The first of the next month minus the first of this one.
  const int64_t next_year = month == 12 ? year + 1 : year;
  const int next_month = month == 12 ? 1 : month + 1;
  return static_cast<int>(DaysFromCivil(next_year, next_month, 1) - DaysFromCivil(year, month, 1));
}

}  // namespace

int32_t AddMonths(int32_t day, int months) {
  const CivilDate date = CivilFromDays(day);
  const int64_t index = date.year * 12 + (date.month - 1) + months;
  const int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
  const int month = static_cast<int>(index - year * 12) + 1;
  const int dom = std::min(date.day, DaysInMonth(year, month));
  return static_cast<int32_t>(DaysFromCivil(year, month, dom));
}

std::optional<int32_t> RetentionDueDay(const RetentionFacts& facts, int months) {
  std::optional<int32_t> latest;
  for (const std::optional<int32_t>& day :
       {facts.registered, facts.last_referral_end, facts.last_visit}) {
    if (day.has_value() && (!latest.has_value() || *day > *latest)) latest = day;
  }
  if (!latest.has_value()) return std::nullopt;
  return AddMonths(*latest, months);
}

std::optional<int32_t> LastReferralEnd(const std::vector<v1::ReferralView>& referrals) {
  std::optional<int32_t> latest;
  for (const v1::ReferralView& referral : referrals) {
    const std::optional<int32_t> end = DayNumber(referral.end_day());
    if (end.has_value() && (!latest.has_value() || *end > *latest)) latest = end;
  }
  return latest;
}

absl::Status CheckRetentionMonths(int months) {
  if (months >= 1 && months <= kMaxRetentionMonths) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "durée de conservation (retention-months) : ", months,
      " mois n'est pas possible ; donnez un nombre de mois entre 1 et ", kMaxRetentionMonths,
      " (24 par défaut, selon le référentiel de la CNIL pour l'accompagnement social)"));
}

}  // namespace comptoir
