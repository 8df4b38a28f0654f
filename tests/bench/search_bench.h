// Family search for comptoir-bench (BENCHMARKS.md): Till::SearchFamilies over
// a centre holding N families, for a typo, a name and a card number, beside
// the raw baseline of reading and parsing every family record once (what any
// search that looks at every name costs at least).
//
//   SearchTimes times = RunFamilySearch(5000, 200);
#ifndef COMPTOIR_TESTS_BENCH_SEARCH_BENCH_H_
#define COMPTOIR_TESTS_BENCH_SEARCH_BENCH_H_

namespace comptoir::bench {

// Microseconds per call, median and 99th percentile over the rounds.
struct SearchTimes {
  double typo_p50 = 0, typo_p99 = 0;
  double name_p50 = 0, name_p99 = 0;
  double card_p50 = 0, card_p99 = 0;
  double scan_p50 = 0;  // the baseline
};

// Registers `families` families in a fresh node (in a temporary directory),
// then times `rounds` searches of each kind.
SearchTimes RunFamilySearch(int families, int rounds);

}  // namespace comptoir::bench

#endif  // COMPTOIR_TESTS_BENCH_SEARCH_BENCH_H_
