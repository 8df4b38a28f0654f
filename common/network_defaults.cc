#include "common/network_defaults.h"

#include "absl/strings/ascii.h"

namespace comptoir {
namespace {

v1::Department MakeDepartment(const char* code, const char* name, uint32_t discount_bp,
                              bool serves_persons) {
  v1::Department department;
  department.set_code(code);
  department.set_name(name);
  department.set_discount_bp(discount_bp);
  department.set_serves_persons(serves_persons);
  return department;
}

}  // namespace

const std::vector<v1::Department>& DefaultDepartments() {
  static const auto* departments = new std::vector<v1::Department>{
      MakeDepartment("epicerie", "Épicerie", 8000, false),
      MakeDepartment("pret-a-porter", "Prêt-à-porter", 8000, false),
      MakeDepartment("coiffure", "Coiffure", 7000, true),
  };
  return *departments;
}

const std::vector<v1::Prescriber>& DefaultPrescribers() {
  static const auto* prescribers = [] {
    auto* list = new std::vector<v1::Prescriber>;
    for (auto [id, name] : {std::pair{"ccas-hem", "CCAS de Hem"},
                            std::pair{"ccas-roubaix", "CCAS de Roubaix"},
                            std::pair{"ccas-lys-lez-lannoy", "CCAS de Lys-lez-Lannoy"}}) {
      v1::Prescriber prescriber;
      prescriber.set_prescriber_id(id);
      prescriber.set_name(name);
      list->push_back(prescriber);
    }
    return list;
  }();
  return *prescribers;
}

const std::vector<v1::Donor>& DefaultDonors() {
  static const auto* donors = [] {
    auto* list = new std::vector<v1::Donor>;
    for (auto [id, name] : {std::pair{"fondation-kiabi", "Fondation Kiabi"},
                            std::pair{"fondation-carrefour", "Fondation Carrefour"},
                            std::pair{"leclerc", "Hyper Leclerc"}}) {
      v1::Donor donor;
      donor.set_donor_id(id);
      donor.set_name(name);
      list->push_back(donor);
    }
    return list;
  }();
  return *donors;
}

std::string CentreName(absl::string_view site) {
  for (auto [id, name] : {std::pair{"hem", "Hem"}, std::pair{"lille", "Lille"},
                          std::pair{"armentieres", "Armentières"}, std::pair{"caudry", "Caudry"},
                          std::pair{"maubeuge", "Maubeuge"},
                          std::pair{"valenciennes", "Valenciennes"}}) {
    if (site == id) return name;
  }
  std::string name(site);
  if (!name.empty()) name[0] = absl::ascii_toupper(static_cast<unsigned char>(name[0]));
  return name;
}

}  // namespace comptoir
