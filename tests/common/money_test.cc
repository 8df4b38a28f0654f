#include "common/money.h"

#include <gtest/gtest.h>

#include "absl/time/civil_time.h"

#include "common/civil_day.h"
#include "common/ids.h"

namespace comptoir {
namespace {

TEST(MoneyTest, FamilyPriceRoundsToTheNearestCentWithHalvesToTheFamily) {
  EXPECT_EQ(FamilyPriceCents(1299, 8000), 260);  // 2,598 -> 2,60
  EXPECT_EQ(FamilyPriceCents(1250, 8000), 250);  // exact
  EXPECT_EQ(FamilyPriceCents(5, 7000), 1);       // 1,5 cent -> 1 (half goes to the family)
  EXPECT_EQ(FamilyPriceCents(15, 7000), 4);      // 4,5 -> 4
  EXPECT_EQ(FamilyPriceCents(17, 7000), 5);      // 5,1 -> 5
  EXPECT_EQ(FamilyPriceCents(3, 8000), 1);       // 0,6 -> 1
  EXPECT_EQ(FamilyPriceCents(2, 8000), 0);       // 0,4 -> 0
  EXPECT_EQ(FamilyPriceCents(1, 8000), 0);       // a 1-cent item is free
  EXPECT_EQ(FamilyPriceCents(2, 7500), 0);       // 0,5 -> 0
  EXPECT_EQ(FamilyPriceCents(0, 8000), 0);
  EXPECT_EQ(FamilyPriceCents(999, 0), 999);      // no discount
  EXPECT_EQ(FamilyPriceCents(999, 10000), 0);    // free
  EXPECT_EQ(FamilyPriceCents(10000000, 8000), 2000000);
  EXPECT_EQ(FamilyPriceCents(3333, 3333), 2222);  // 2222,1111 -> 2222
}

TEST(MoneyTest, DiscountAppliesPerLineSoTheBasketIsTheSumOfItsLines) {
  // Three yoghurts at 0,33 €: one line of 0,99 € -> 0,198 -> 0,20 €, where
  // three single-unit lines would give 3 x 0,07 = 0,21 €. The rule is per line.
  EXPECT_EQ(FamilyPriceCents(3 * 33, 8000), 20);
  EXPECT_EQ(FamilyPriceCents(33, 8000), 7);
}

TEST(MoneyTest, FormatsEurosTheFrenchWay) {
  EXPECT_EQ(FormatEuros(1250), "12,50 €");
  EXPECT_EQ(FormatEuros(5), "0,05 €");
  EXPECT_EQ(FormatEuros(123405), "1 234,05 €");
  EXPECT_EQ(FormatEuros(100000000), "1 000 000,00 €");
  EXPECT_EQ(FormatEuros(-320), "-3,20 €");
  EXPECT_EQ(FormatEuros(0), "0,00 €");
}

TEST(MoneyTest, ParsesWhatPeopleType) {
  EXPECT_EQ(ParseEuros("12,50"), 1250);
  EXPECT_EQ(ParseEuros("12.5"), 1250);
  EXPECT_EQ(ParseEuros("12"), 1200);
  EXPECT_EQ(ParseEuros("0,05 €"), 5);
  EXPECT_EQ(ParseEuros(",5"), 50);
  EXPECT_EQ(ParseEuros("-3"), std::nullopt);
  EXPECT_EQ(ParseEuros("1,234"), std::nullopt);
  EXPECT_EQ(ParseEuros("abc"), std::nullopt);
  EXPECT_EQ(ParseEuros(""), std::nullopt);
}

TEST(CivilDayTest, ParisDaysAndValidation) {
  // 2026-03-28T23:30:00Z is already the 29th in Paris (UTC+1).
  EXPECT_EQ(ParisDay(1774740600000), "2026-03-29");
  // 2026-07-01T22:30:00Z is the 2nd in Paris (UTC+2 in summer).
  EXPECT_EQ(ParisDay(1782945000000), "2026-07-02");
  EXPECT_TRUE(IsValidDay("2026-02-28"));
  EXPECT_FALSE(IsValidDay("2026-02-30"));
  EXPECT_FALSE(IsValidDay("2026-2-3"));
  EXPECT_FALSE(IsValidDay("demain"));
  EXPECT_EQ(AddDays("2026-12-30", 3), "2027-01-02");
  EXPECT_EQ(MonthOf("2026-11-25"), "2026-11");
  EXPECT_EQ(FrenchDay("2026-11-05"), "05/11/2026");
}

// DayNumber reads days by hand (it runs for every sale the hub folds): it
// must agree with the calendar library on every day, and refuse what the
// library's round trip refuses.
TEST(CivilDayTest, DayNumbersAgreeWithTheCalendarOnEveryDay) {
  const absl::CivilDay epoch(1970, 1, 1);
  for (absl::CivilDay day(1000, 1, 1); day < absl::CivilDay(2401, 1, 1); ++day) {
    const std::string text = absl::FormatCivilTime(day);
    ASSERT_EQ(DayNumber(text), static_cast<int32_t>(day - epoch)) << text;
    ASSERT_EQ(DayFromNumber(*DayNumber(text)), text);
  }
  // The arithmetic under it, both ways, also far before and after (the
  // statistics' months go through it).
  for (absl::CivilDay day(-801, 1, 1); day < absl::CivilDay(2801, 1, 1); ++day) {
    const int64_t number = day - epoch;
    ASSERT_EQ(DaysFromCivil(day.year(), day.month(), day.day()), number) << day;
    const CivilDate date = CivilFromDays(number);
    ASSERT_EQ(absl::CivilDay(date.year, date.month, date.day), day) << number;
  }
  EXPECT_EQ(DayNumber("1970-01-01"), 0);
  EXPECT_EQ(DayNumber("1969-12-31"), -1);
  for (const char* bad : {"2026-02-29", "2024-02-30", "1900-02-29", "2026-13-01", "2026-00-10",
                          "2026-04-31", "2026-04-00", "2026-4-01", "0999-01-01", "2026/04/01",
                          "2026-04-0a", " 2026-04-01", "", "demain"}) {
    EXPECT_EQ(DayNumber(bad), std::nullopt) << bad;
    EXPECT_FALSE(IsValidDay(bad)) << bad;
  }
  EXPECT_EQ(DayNumber("2000-02-29"), absl::CivilDay(2000, 2, 29) - epoch);
  // An instant for people: Paris time, French order (winter: UTC+1, summer: UTC+2).
  EXPECT_EQ(FrenchMoment(1796380080000LL), "04/12/2026 à 11:28");
  EXPECT_EQ(FrenchMoment(1782990000000LL), "02/07/2026 à 13:00");
  // The Paris day of an instant, as a number and as text.
  for (int64_t ms : {1774740600000LL, 1782945000000LL, 0LL, 1795000000000LL}) {
    EXPECT_EQ(DayFromNumber(ParisDayNumber(ms)), ParisDay(ms)) << ms;
  }
}

TEST(IdsTest, ReadableIdsFromTheCentrePrefix) {
  EXPECT_EQ(DefaultCardPrefix("hem"), "HEM");
  EXPECT_EQ(DefaultCardPrefix("armentieres"), "ARM");
  EXPECT_EQ(FamilyId("HEM", 123), "HEM-000123");
  EXPECT_EQ(ReceiptNo("HEM", 2026, 451), "HEM-2026-000451");
  EXPECT_EQ(LocalId("CAU", 'L', 7), "CAU-L-000007");
  EXPECT_TRUE(IsValidCardPrefix("VAL"));
  EXPECT_FALSE(IsValidCardPrefix("val"));
}

}  // namespace
}  // namespace comptoir
