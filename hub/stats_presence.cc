#include "hub/stats_presence.h"

#include <algorithm>

#include "hub/stats_metrics.h"

namespace comptoir::stats {

void Bitmap::Or(const Bitmap& other) {
  if (words_.size() < other.words_.size()) words_.resize(other.words_.size(), 0);
  for (size_t w = 0; w < other.words_.size(); ++w) words_[w] |= other.words_[w];
}

int64_t Bitmap::Count() const {
  int64_t count = 0;
  for (uint64_t word : words_) count += __builtin_popcountll(word);
  return count;
}

int64_t Bitmap::CountAnd(const Bitmap& other) const {
  const size_t common = std::min(words_.size(), other.words_.size());
  int64_t count = 0;
  for (size_t w = 0; w < common; ++w) count += __builtin_popcountll(words_[w] & other.words_[w]);
  return count;
}

void Presence::Add(uint32_t id, int32_t day) {
  const int32_t month_index = MonthIndex(day);
  Month& month = months_[month_index];
  if (month.days.size() <= id) month.days.resize(static_cast<size_t>(id) + 1, 0);
  month.days[id] |= uint32_t{1} << (day - MonthStart(month_index));
  month.ids.Set(id);
  if (first_day_.size() <= id) first_day_.resize(static_cast<size_t>(id) + 1, INT32_MAX);
  first_day_[id] = std::min(first_day_[id], day);
}

void Presence::Remove(uint32_t id, int32_t day) {
  const int32_t month_index = MonthIndex(day);
  auto month = months_.find(month_index);
  if (month == months_.end() || month->second.days.size() <= id) return;
  uint32_t& days = month->second.days[id];
  const uint32_t bit = uint32_t{1} << (day - MonthStart(month_index));
  if ((days & bit) == 0) return;
  days &= ~bit;
  if (days == 0) month->second.ids.Clear(id);
  if (first_day_[id] == day) first_day_[id] = FirstDayFrom(id, month_index);
}

int32_t Presence::FirstDayFrom(uint32_t id, int32_t month_index) const {
  for (auto month = months_.lower_bound(month_index); month != months_.end(); ++month) {
    const std::vector<uint32_t>& days = month->second.days;
    if (id < days.size() && days[id] != 0) return MonthStart(month->first) + __builtin_ctz(days[id]);
  }
  return INT32_MAX;
}

void Presence::Collect(int32_t from, int32_t to, Bitmap* ids) const {
  if (from > to) return;
  const int32_t last = MonthIndex(to);
  for (auto month = months_.lower_bound(MonthIndex(from));
       month != months_.end() && month->first <= last; ++month) {
    const int32_t start = MonthStart(month->first);
    const int32_t end = MonthStart(month->first + 1) - 1;
    if (from <= start && end <= to) {
      ids->Or(month->second.ids);
      continue;
    }
    // A partial month: the days of [from, to] in it, as a mask.
    const int32_t first_bit = std::max(from, start) - start;
    const int32_t last_bit = std::min(to, end) - start;
    const uint32_t wanted = ((uint32_t{2} << last_bit) - 1) & ~((uint32_t{1} << first_bit) - 1);
    const std::vector<uint32_t>& days = month->second.days;
    for (uint32_t id = 0; id < days.size(); ++id) {
      if ((days[id] & wanted) != 0) ids->Set(id);
    }
  }
}

}  // namespace comptoir::stats
