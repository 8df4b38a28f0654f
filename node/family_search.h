// What a volunteer types to find a family at the till, and how well a family
// answers it (Till::SearchFamilies, and so the CLI's `family search`).
//
// A card number is found without its prefix or its zeros: "2", "000002" and
// "hem-2" all mean HEM-000002 at Hem; without a prefix, this centre's card
// comes first, then the cards of the other centres this node knows.
//
// A name is compared folded (lower case, without accents, hyphens as
// spaces), word by word against the family name and the members' first
// names. A word typed with a slip still finds the name: a word of n letters
// may differ from a name's word by at most 0 (n < 4), 1 (n < 7) or 2 edits,
// an edit being a letter added, removed, replaced, or two neighbours swapped
// (optimal string alignment distance). "dupond" finds Dupont, "Lefebvre"
// finds Lefèvre, but "dup" finds only names containing "dup": short words
// have too many neighbours to guess. Edit distance rather than a phonetic key
// (Soundex and its French variants): the slips people make at a keyboard are
// letters, not sounds, and a phonetic key both misses swaps ("Dpuont") and
// merges names that sound alike but are different households.
//
// Example:
//   FamilyQuery query("dupond");
//   std::optional<NameScore> score = query.ScoreName("Dupont", {"Amélie", "Léo"});
//   // score->close == true, score->distance == 1
//
// Pure functions of their inputs; thread-compatible.
#ifndef COMPTOIR_NODE_FAMILY_SEARCH_H_
#define COMPTOIR_NODE_FAMILY_SEARCH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace comptoir {

// Lower case without accents, hyphens as spaces, for matching names as
// people type them ("Lefèvre-Duval" -> "lefevre duval").
std::string FoldName(absl::string_view text);

// How well a family's names answer a query: the smaller `rank`, the better.
// Ranks: 1 the family name is what was typed; 2 every word typed is a whole
// word of the names; 3 every word starts a word of the names; 4 every word is
// inside the names; 5 close only (`close` is then true and `distance` is the
// number of edits).
struct NameScore {
  int rank = 0;
  int distance = 0;
  bool close = false;
};

class FamilyQuery {
 public:
  explicit FamilyQuery(absl::string_view typed);

  // Nothing but spaces was typed.
  bool empty() const { return folded_.empty(); }

  // What was typed is a card number (no name can answer it).
  bool IsCardNumber() const { return card_number_.has_value(); }

  // The card ids the query may mean, best first: with a prefix typed, that
  // card only; with digits alone, `own_prefix`'s card then each of
  // `other_prefixes`'. Empty when the query is not a card number.
  std::vector<std::string> Cards(absl::string_view own_prefix,
                                 const std::vector<std::string>& other_prefixes) const;

  // How `family_name` and `first_names` answer the query; nullopt when they
  // do not, not even closely.
  std::optional<NameScore> ScoreName(absl::string_view family_name,
                                     const std::vector<absl::string_view>& first_names) const;

 private:
  std::string folded_;              // the query folded, words joined by one space
  std::vector<std::string> words_;  // its words
  std::string card_prefix_;         // "HEM" from "hem-2"; empty if none typed
  std::optional<uint64_t> card_number_;  // 2 from "hem-2", "000002", "2"
};

// The number of edits (insert, delete, replace, swap two neighbours) between
// `a` and `b`, if it is at most `bound`; else bound + 1. Byte-wise: give it
// folded text.
int BoundedEditDistance(absl::string_view a, absl::string_view b, int bound);

}  // namespace comptoir

#endif  // COMPTOIR_NODE_FAMILY_SEARCH_H_
