#include "tests/bench/search_bench.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/family_view.h"
#include "node/node_store.h"
#include "node/notice.h"
#include "node/till.h"
#include "tests/testing/test_util.h"

namespace comptoir::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Common surnames of the Nord, so that many households share a name.
constexpr const char* kSurnames[] = {
    "Martin", "Dupont", "Lefèvre", "Lefebvre", "Dubois", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lemaire", "Lecomte", "Dumont", "Fontaine", "Roussel", "Vandamme", "Vermeulen",
    "Delattre", "Caron", "Deschamps", "Benali", "Haddad", "Nguyen", "Da Silva", "Kowalski",
    "Wojcik", "Mercier", "Boulanger", "Carpentier", "Lambert", "Delcroix", "Dewaele", "Bernard",
    "Petit", "Richard", "Garnier", "Faure", "Rousseau", "Blanc", "Guerin"};
constexpr const char* kFirstNames[] = {"Amélie", "Léo", "Sophie", "Karim", "Lina", "Yanis",
                                       "Chloé", "Mohamed", "Emma", "Noah", "Inès", "Lucas"};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}
double P99(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, values.size() * 99 / 100)];
}

template <typename F>
std::vector<double> Time(int rounds, F call) {
  std::vector<double> micros;
  for (int i = 0; i < rounds; ++i) {
    const Clock::time_point start = Clock::now();
    call(i);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return micros;
}

}  // namespace

SearchTimes RunFamilySearch(int families, int rounds) {
  testing::TempDir dir;
  auto node = NodeStore::Open({"hem", dir.Sub("hem"), nullptr, ""}).value();
  Till till(node.get());
  constexpr size_t kSurnameCount = sizeof(kSurnames) / sizeof(kSurnames[0]);
  constexpr size_t kFirstCount = sizeof(kFirstNames) / sizeof(kFirstNames[0]);
  for (int i = 0; i < families; ++i) {
    v1::RegisterFamilyRequest request;
    request.set_notice_version(std::string(CurrentNoticeVersion()));
    // A surname from the list, or (one in two) a made-up one, so that the
    // names are many and a typo has neighbours to compare with.
    const std::string surname = kSurnames[static_cast<size_t>(i) % kSurnameCount];
    const std::string second = kSurnames[static_cast<size_t>(i / 7) % kSurnameCount];
    request.set_family_name(i % 2 == 0 ? surname : absl::StrCat(surname, "-", second));
    request.set_household_type(v1::COUPLE_WITH_CHILDREN);
    request.set_postcode("59100");
    for (int m = 0; m < 3; ++m) {
      v1::MemberInput* member = request.add_members();
      member->set_first_name(kFirstNames[static_cast<size_t>(i + m) % kFirstCount]);
      member->set_sex(v1::FEMALE);
      member->set_birth_year(1970 + static_cast<uint32_t>((i + m * 13) % 50));
    }
    (void)till.RegisterFamily(request).value();
  }
  auto search = [&](const std::string& query) {
    v1::SearchFamiliesRequest request;
    request.set_query(query);
    (void)till.SearchFamilies(request).value();
  };
  const char* typos[] = {"dupond", "lefebre", "vandame", "kowalsky"};
  const char* names[] = {"martin", "fontaine", "nguyen", "da silva"};
  SearchTimes times;
  std::vector<double> typo = Time(rounds, [&](int i) { search(typos[i % 4]); });
  std::vector<double> name = Time(rounds, [&](int i) { search(names[i % 4]); });
  std::vector<double> card = Time(rounds, [&](int i) { search(std::to_string(1 + i % families)); });
  std::vector<double> scan = Time(rounds, [&](int) {
    size_t seen = 0;
    (void)ForEachFamily(node->store(), [&](v1::FamilyRecord) { ++seen; });
  });
  times.typo_p50 = Median(typo);
  times.typo_p99 = P99(typo);
  times.name_p50 = Median(name);
  times.name_p99 = P99(name);
  times.card_p50 = Median(card);
  times.card_p99 = P99(card);
  times.scan_p50 = Median(scan);
  return times;
}

}  // namespace comptoir::bench
