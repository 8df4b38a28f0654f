// Presence: which ids of a dense set (households numbered 0, 1, 2... as the
// hub first meets them, or persons served at the hair salon) were present on
// which days, kept per month so that a report counts a period's distinct ids
// with bitmap unions and popcounts instead of reading every id's history.
//
// Layout, per month (year * 12 + month - 1, as stats::MonthIndex):
//   ids   Bitmap, bit i set when id i was present on at least one day of it;
//   days  day mask by id (bit d: present on day d + 1 of the month), a dense
//         array up to the largest id present that month (4 bytes per id: for
//         households that mostly come every month, smaller than any map);
// and per id, the first day it was ever present.
// A period's whole months are their bitmaps; only the partial months at its
// ends read day masks. A year's report thus ORs 12 bitmaps, whatever the
// number of visits.
//
//   Presence visits;
//   visits.Add(household, day);
//   Bitmap welcomed;
//   visits.Collect(from_day, to_day, &welcomed);
//   int64_t households = welcomed.Count();
//
// Thread-safety: none; StatsModel's lock guards it.
#ifndef COMPTOIR_HUB_STATS_PRESENCE_H_
#define COMPTOIR_HUB_STATS_PRESENCE_H_

#include <climits>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace comptoir::stats {

// A set of small non-negative integers, one bit each.
class Bitmap {
 public:
  // Grows (never shrinks) so that ids below `bits` fit.
  void Reserve(size_t bits) {
    if (words_.size() * 64 < bits) words_.resize((bits + 63) / 64, 0);
  }
  void Set(uint32_t id) {
    Reserve(static_cast<size_t>(id) + 1);
    words_[id / 64] |= uint64_t{1} << (id % 64);
  }
  void Clear(uint32_t id) {
    if (id / 64 < words_.size()) words_[id / 64] &= ~(uint64_t{1} << (id % 64));
  }
  bool Test(uint32_t id) const {
    return id / 64 < words_.size() && (words_[id / 64] >> (id % 64) & 1) != 0;
  }
  // this |= other.
  void Or(const Bitmap& other);
  // |this|, and |this & other|.
  int64_t Count() const;
  int64_t CountAnd(const Bitmap& other) const;
  // Calls f(id) for each id in the set, in increasing order.
  template <typename F>
  void ForEach(F f) const {
    for (size_t w = 0; w < words_.size(); ++w) {
      for (uint64_t word = words_[w]; word != 0; word &= word - 1) {
        f(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(word))));
      }
    }
  }
  size_t MemoryBytes() const { return words_.capacity() * sizeof(uint64_t); }

 private:
  std::vector<uint64_t> words_;
};

class Presence {
 public:
  // Records id as present on day; nothing if it already was.
  void Add(uint32_t id, int32_t day);
  // Records id as no longer present on day; nothing if it was not.
  void Remove(uint32_t id, int32_t day);
  // Adds to *ids the ids present on at least one day of [from, to].
  void Collect(int32_t from, int32_t to, Bitmap* ids) const;
  // The first day id was present, INT32_MAX if it never was (or is not
  // present any more on any day).
  int32_t FirstDay(uint32_t id) const {
    return id < first_day_.size() ? first_day_[id] : INT32_MAX;
  }

 private:
  struct Month {
    Bitmap ids;
    std::vector<uint32_t> days;  // by id
  };
  // The first day id is present in months from `month` on, INT32_MAX if none.
  int32_t FirstDayFrom(uint32_t id, int32_t month) const;

  std::map<int32_t, Month> months_;
  std::vector<int32_t> first_day_;  // by id
};

}  // namespace comptoir::stats

#endif  // COMPTOIR_HUB_STATS_PRESENCE_H_
