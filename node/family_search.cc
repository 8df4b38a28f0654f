#include "node/family_search.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/ids.h"

namespace comptoir {
namespace {

// A card number has at most this many digits (ids print six; the rest is
// room, and keeps a barcode typed here from being read as a card).
constexpr size_t kMaxCardDigits = 9;

// Accented letters (UTF-8) and what they fold to; anything else above ASCII
// is kept as it is.
constexpr std::pair<const char*, const char*> kAccents[] = {
    {"é", "e"}, {"è", "e"}, {"ê", "e"}, {"ë", "e"}, {"É", "e"}, {"È", "e"}, {"Ê", "e"}, {"Ë", "e"},
    {"à", "a"}, {"â", "a"}, {"ä", "a"}, {"À", "a"}, {"Â", "a"}, {"Ä", "a"}, {"î", "i"}, {"ï", "i"},
    {"Î", "i"}, {"Ï", "i"}, {"ô", "o"}, {"ö", "o"}, {"Ô", "o"}, {"Ö", "o"}, {"ù", "u"}, {"û", "u"},
    {"ü", "u"}, {"Ù", "u"}, {"Û", "u"}, {"Ü", "u"}, {"ÿ", "y"}, {"ç", "c"}, {"Ç", "c"}, {"ñ", "n"},
    {"œ", "oe"}, {"Œ", "oe"}, {"æ", "ae"}, {"Æ", "ae"}, {"’", " "}};

// How many edits a typed word of `length` letters may be from a name's word.
int AllowedEdits(size_t length) {
  if (length < 4) return 0;
  if (length < 7) return 1;
  return 2;
}

std::vector<std::string> Words(absl::string_view folded) {
  return absl::StrSplit(folded, ' ', absl::SkipEmpty());
}

std::string Compact(absl::string_view folded) { return absl::StrReplaceAll(folded, {{" ", ""}}); }

// How one typed word answers a name's words: 2 a whole word, 3 the start of
// one, 4 inside one, 5 close (with the edits in *distance); 0 not at all.
int ScoreWord(absl::string_view word, const std::vector<std::string>& name_words, int* distance) {
  int best = 0;
  int best_distance = 0;
  auto better = [&](int rank, int edits) {
    if (best == 0 || rank < best || (rank == best && edits < best_distance)) {
      best = rank;
      best_distance = edits;
    }
  };
  const int allowed = AllowedEdits(word.size());
  for (const std::string& name_word : name_words) {
    if (name_word == word) {
      better(2, 0);
    } else if (absl::StartsWith(name_word, word)) {
      better(3, 0);
    } else if (absl::StrContains(name_word, word)) {
      better(4, 0);
    } else if (allowed > 0) {
      const int edits = BoundedEditDistance(word, name_word, allowed);
      if (edits <= allowed) better(5, edits);
    }
  }
  *distance = best_distance;
  return best;
}

}  // namespace

std::string FoldName(absl::string_view text) {
  // One pass: the search folds every family's names, so no StrReplaceAll.
  std::string folded;
  folded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      folded.push_back(c == '-' || c == '\'' ? ' ' : absl::ascii_tolower(c));
      continue;
    }
    const absl::string_view rest = text.substr(i);
    const char* replacement = nullptr;
    size_t length = 0;
    for (const auto& [accented, plain] : kAccents) {
      if (absl::StartsWith(rest, accented)) {
        replacement = plain;
        length = std::strlen(accented);
        break;
      }
    }
    if (replacement == nullptr) {
      folded.push_back(static_cast<char>(c));  // another letter: kept as it is
    } else {
      folded.append(replacement);
      i += length - 1;
    }
  }
  return folded;
}

int BoundedEditDistance(absl::string_view a, absl::string_view b, int bound) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > bound) return bound + 1;
  // Three rows of the optimal string alignment table: i-2, i-1, i; on the
  // stack for names of ordinary length (this runs for every family's words).
  constexpr int kStackColumns = 64;
  int stack[3 * kStackColumns];
  std::vector<int> heap;
  int* rows = stack;
  if (m + 1 > kStackColumns) {
    heap.resize(3 * static_cast<size_t>(m + 1));
    rows = heap.data();
  }
  int* before = rows;
  int* previous = rows + (m + 1);
  int* current = rows + 2 * (m + 1);
  for (int j = 0; j <= m; ++j) previous[j] = j;
  for (int i = 1; i <= n; ++i) {
    current[0] = i;
    int row_best = current[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int d = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d = std::min(d, before[j - 2] + 1);
      }
      current[j] = d;
      row_best = std::min(row_best, d);
    }
    if (row_best > bound) return bound + 1;  // every path is already too long
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return std::min(previous[m], bound + 1);
}

FamilyQuery::FamilyQuery(absl::string_view typed) {
  words_ = Words(FoldName(absl::StripAsciiWhitespace(typed)));
  folded_ = absl::StrJoin(words_, " ");
  // "2", "000002", "hem-2", "HEM-000002": an optional prefix, then digits.
  const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(typed));
  absl::string_view digits = upper;
  const size_t dash = upper.rfind('-');
  if (dash != std::string::npos) {
    card_prefix_ = upper.substr(0, dash);
    digits = absl::string_view(upper).substr(dash + 1);
    if (!IsValidCardPrefix(card_prefix_)) return;
  }
  uint64_t number = 0;
  if (digits.empty() || digits.size() > kMaxCardDigits ||
      !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(digits, &number) || number == 0) {
    return;
  }
  card_number_ = number;
}

std::vector<std::string> FamilyQuery::Cards(absl::string_view own_prefix,
                                            const std::vector<std::string>& other_prefixes) const {
  if (!card_number_.has_value()) return {};
  if (!card_prefix_.empty()) return {FamilyId(card_prefix_, *card_number_)};
  std::vector<std::string> cards = {FamilyId(own_prefix, *card_number_)};
  for (const std::string& prefix : other_prefixes) {
    if (prefix != own_prefix) cards.push_back(FamilyId(prefix, *card_number_));
  }
  return cards;
}

std::optional<NameScore> FamilyQuery::ScoreName(
    absl::string_view family_name, const std::vector<absl::string_view>& first_names) const {
  if (words_.empty()) return std::nullopt;
  const std::string folded_family = absl::StrJoin(Words(FoldName(family_name)), " ");
  if (folded_family == folded_ || Compact(folded_family) == Compact(folded_)) {
    return NameScore{1, 0, false};
  }
  std::vector<std::string> name_words = Words(folded_family);
  for (absl::string_view first : first_names) {
    for (std::string& word : Words(FoldName(first))) name_words.push_back(std::move(word));
  }
  NameScore score{0, 0, false};
  for (const std::string& word : words_) {
    int edits = 0;
    const int rank = ScoreWord(word, name_words, &edits);
    if (rank == 0) {
      score.rank = 0;
      break;
    }
    score.rank = std::max(score.rank, rank);
    score.distance += edits;
  }
  // Words run together or split differently ("le fevre" for Lefèvre).
  const std::string compact_query = Compact(folded_);
  const int allowed = AllowedEdits(compact_query.size());
  if (score.rank == 0 && allowed > 0) {
    const int edits = BoundedEditDistance(compact_query, Compact(folded_family), allowed);
    if (edits <= allowed) score = NameScore{5, edits, false};
  }
  if (score.rank == 0) return std::nullopt;
  score.close = score.rank == 5;
  return score;
}

}  // namespace comptoir
