// Till commands: finding a family (node/family_search.h has how a query is
// read and how well a name answers it).
#include <algorithm>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/family_view.h"
#include "common/keys.h"
#include "common/status_macros.h"
#include "common/view_io.h"
#include "node/family_card.h"
#include "node/family_search.h"
#include "node/till.h"

namespace comptoir {
namespace {

// Longer queries are refused (a name is at most this long).
constexpr size_t kMaxQueryLength = 100;

// The card prefixes of the centres this node knows ("prefix" P -> site).
absl::StatusOr<std::vector<std::string>> KnownPrefixes(const Store& store) {
  std::vector<std::string> prefixes;
  const std::string prefix = ViewPrefix({"prefix"});
  RETURN_IF_ERROR(ScanViews(store, prefix, [&](absl::string_view key, absl::string_view) {
    prefixes.emplace_back(key.substr(prefix.size()));
    return true;
  }));
  return prefixes;
}

// A family a search found, and how.
struct Found {
  v1::FamilyRecord record;
  v1::FamilyMatch match = v1::FAMILY_MATCH_UNSPECIFIED;
  NameScore score;  // for a card, its rank is its place in FamilyQuery::Cards
  std::string folded_name;
};

// By NameScore, then by name and card.
bool Better(const Found& a, const Found& b) {
  return std::tie(a.score.rank, a.score.distance, a.folded_name, a.record.family_id()) <
         std::tie(b.score.rank, b.score.distance, b.folded_name, b.record.family_id());
}

}  // namespace

absl::StatusOr<v1::SearchFamiliesResponse> Till::SearchFamilies(
    const v1::SearchFamiliesRequest& request) {
  if (request.query().size() > kMaxQueryLength) {
    return absl::InvalidArgumentError("Recherche trop longue : tapez un nom ou un numéro de carte.");
  }
  const FamilyQuery query(request.query());
  if (query.empty()) return absl::InvalidArgumentError("Tapez un nom ou un numéro de carte.");
  const size_t limit = request.limit() == 0 ? 20 : std::min<uint32_t>(request.limit(), 100);
  const Store& store = node_->store();
  std::vector<Found> found;
  if (query.IsCardNumber()) {
    ASSIGN_OR_RETURN(std::vector<std::string> prefixes, KnownPrefixes(store));
    for (const std::string& card : query.Cards(node_->card_prefix(), prefixes)) {
      ASSIGN_OR_RETURN(std::optional<v1::FamilyRecord> family, FindFamily(store, card));
      if (!family.has_value()) continue;
      // Ranked in Cards' order: this centre's first.
      const NameScore order{static_cast<int>(found.size()), 0, false};
      found.push_back({*std::move(family), v1::FAMILY_MATCH_CARD, order, ""});
    }
  } else {
    // One pass over the families, keeping only those that answer (see
    // BENCHMARKS.md for its cost at 5,000 families).
    RETURN_IF_ERROR(ForEachFamily(store, [&](v1::FamilyRecord record) {
      std::vector<absl::string_view> first_names;
      for (const auto& [id, name] : record.first_names()) first_names.push_back(name);
      std::optional<NameScore> score = query.ScoreName(record.family_name(), first_names);
      if (!score.has_value()) return;
      std::string folded = FoldName(record.family_name());
      const v1::FamilyMatch match = score->close ? v1::FAMILY_MATCH_CLOSE : v1::FAMILY_MATCH_NAME;
      found.push_back({std::move(record), match, *score, std::move(folded)});
    }));
  }
  const size_t shown = std::min(limit, found.size());
  std::partial_sort(found.begin(), found.begin() + static_cast<ptrdiff_t>(shown), found.end(),
                    Better);
  const std::string today = node_->Today();
  v1::SearchFamiliesResponse response;
  for (size_t i = 0; i < shown; ++i) {
    ASSIGN_OR_RETURN(*response.add_families(), FamilyViewOf(store, found[i].record, today));
    response.add_matches(found[i].match);
  }
  if (found.empty()) {
    const std::string typed(absl::StripAsciiWhitespace(request.query()));
    response.set_notice(
        !query.IsCardNumber()
            ? absl::StrCat("Aucune famille ne s'appelle « ", typed,
                           " », ni d'un nom proche. Vérifiez l'orthographe ou cherchez par "
                           "numéro de carte.")
            : absl::StrCat("Aucune carte n° « ", typed,
                           " » dans ce centre ni dans les autres centres connus ici."));
  }
  return response;
}

}  // namespace comptoir
